"""Object versions as data: what ListObjectVersions says of a key, page by page.

A versioned Space keeps every version of a key; deleting the key adds a delete marker
as its newest version. Restoring copies an older version over the current one; deleting
a delete marker brings the key back ("undelete"); deleting a version removes it for good.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from spacesgui.core.errors import NotSupported

NULL_VERSION = "null"  # the id S3 gives what was stored before versioning was turned on


def version_words(version_id: str) -> str:
    """How the activity record names a version: its id, or what the "null" id means."""
    if version_id == NULL_VERSION:
        return "the version stored before versioning was on"
    return f"version {version_id}"


@dataclass(frozen=True, slots=True)
class ObjectVersion:
    """One version of a key, or one delete marker."""

    key: str
    version_id: str
    is_latest: bool
    delete_marker: bool = False
    size: int = 0
    last_modified: float = 0.0  # POSIX timestamp
    etag: str = ""  # without quotes; "" for delete markers

    @property
    def kind(self) -> str:
        """What the window's Kind column says."""
        if self.delete_marker:
            return "Delete marker (current)" if self.is_latest else "Delete marker"
        return "Current version" if self.is_latest else "Older version"


@dataclass(frozen=True, slots=True)
class VersionPage:
    """One page of ListObjectVersions; the markers are empty on the last page."""

    versions: tuple[ObjectVersion, ...]
    next_key_marker: str = ""
    next_version_marker: str = ""

    @property
    def truncated(self) -> bool:
        return bool(self.next_key_marker or self.next_version_marker)


def versions_of(target: str, versions: Iterable[ObjectVersion]) -> list[ObjectVersion]:
    """The versions of `target`: a folder's ("x/") are all under it, a file's are its key's only
    (listing by prefix "a.txt" also brings "a.txt.bak")."""
    if target.endswith("/") or not target:
        return [v for v in versions if v.key.startswith(target)]
    return [v for v in versions if v.key == target]


def versions_by_page(
    target: str, list_page: Callable[[str, str], VersionPage]
) -> Iterator[list[ObjectVersion]]:
    """Each page of `target`'s versions (as `versions_of` picks them), to the last page.

    `list_page(key_marker, version_marker)` asks the server for one page (blocking), so
    each step runs on the thread that advances the iterator: a worker, never the GUI thread.
    A server that sends the same markers twice would page for ever: NotSupported.
    """
    markers = ("", "")
    seen: set[tuple[str, str]] = set()
    while True:
        page = list_page(*markers)
        yield versions_of(target, page.versions)
        if not page.truncated:
            return
        markers = (page.next_key_marker, page.next_version_marker)
        if markers in seen:
            raise NotSupported(
                "The server listed the same page of versions twice, so they cannot all be shown."
            )
        seen.add(markers)


def newest_first(versions: Iterable[ObjectVersion]) -> list[ObjectVersion]:
    """By key, then newest first within a key (the current one on top)."""
    return sorted(versions, key=lambda v: (v.key, not v.is_latest, -v.last_modified))
