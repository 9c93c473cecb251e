"""S3 key and location helpers: pure string work, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass

DELIMITER = "/"


def join(prefix: str, name: str) -> str:
    """Join a folder prefix and a child name into a key."""
    if not prefix:
        return name
    if not prefix.endswith(DELIMITER):
        prefix += DELIMITER
    return prefix + name


def parent(prefix: str) -> str:
    """Return the folder prefix that contains `prefix` ("" for the bucket root)."""
    trimmed = prefix[:-1] if prefix.endswith(DELIMITER) else prefix
    cut = trimmed.rfind(DELIMITER)
    return "" if cut < 0 else trimmed[: cut + 1]


def folders_above(keys: Iterable[str]) -> frozenset[str]:
    """Every folder from the top down to each key's own ("" is the top of the Space)."""
    folders: set[str] = set()
    for key in keys:
        folder = parent(key)
        while folder not in folders:  # a folder seen before has its parents in already
            folders.add(folder)
            if not folder:
                break
            folder = parent(folder)
    return frozenset(folders)


def is_within(key: str, marked: Set[str]) -> bool:
    """Whether `key` is one of `marked`, or inside a folder (a prefix ending in "/") that is."""
    if key in marked:
        return True
    folder = parent(key)
    while folder:
        if folder in marked:
            return True
        folder = parent(folder)
    return False


def basename(key: str) -> str:
    """Return the last path segment of a key or folder prefix."""
    trimmed = key[:-1] if key.endswith(DELIMITER) else key
    return trimmed[trimmed.rfind(DELIMITER) + 1 :]


def as_folder(prefix: str) -> str:
    """Normalise a user-typed folder path: no leading slash, one trailing slash."""
    prefix = prefix.lstrip(DELIMITER)
    if prefix and not prefix.endswith(DELIMITER):
        prefix += DELIMITER
    return prefix


def segments(prefix: str) -> list[str]:
    """Split a folder prefix into its folder names (for breadcrumbs)."""
    return [part for part in prefix.split(DELIMITER) if part]


@dataclass(frozen=True, slots=True)
class Location:
    """A place in object storage: a bucket (may be empty: the account root) and a prefix."""

    bucket: str = ""
    prefix: str = ""

    def url(self) -> str:
        if not self.bucket:
            return "s3://"
        return f"s3://{self.bucket}/{self.prefix}"

    def parent(self) -> Location:
        if self.prefix:
            return Location(self.bucket, parent(self.prefix))
        return Location()
