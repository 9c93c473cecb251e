"""Names for new folders and renamed objects, with the reason in words when one will not do.

Pure string work. S3 itself accepts almost any key; these rules refuse names that would
break something else (a path separator inside a name, URL dot-segments, control characters
that XML listings cannot carry, names that hide in lists) or collide with what is there.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

from spacesgui.core.errors import AlreadyExists, InvalidInput
from spacesgui.core.keys import DELIMITER, basename, join, parent

MAX_KEY_BYTES = 1024  # S3's limit on a key, counted in UTF-8 bytes


def _kind(folder: bool) -> str:
    return "folder" if folder else "file"


def name_problem(
    name: str, *, prefix: str = "", existing: Collection[str] | SiblingNames = (), folder: bool = True
) -> str | None:
    """Return why `name` cannot be a new folder (or file) in `prefix`, or None if it can.

    `existing` holds what is already directly in `prefix`: file names as they are and
    folder names with their trailing "/" (as a listing gives them; full keys work too).
    Names compare exactly: S3 keys are case-sensitive. A SiblingNames made once serves many
    checks of one folder.
    """
    kind = _kind(folder)
    if not name or not name.strip():
        return f"Enter a name for the {kind}."
    if name != name.strip():
        return (
            f"A {kind} name cannot start or end with a space: it would not show in lists, and "
            "most programs drop it when they download the file."
        )
    if DELIMITER in name:
        return (
            f"A {kind} name cannot contain “/”: it separates folders. "
            + ("Create one folder, then the next one inside it." if folder else "To put it in another folder, drag it there, or Cut and Paste it.")
        )  # fmt: skip
    if name in (".", ".."):
        return "“.” and “..” cannot be names: web addresses and downloads read them as “this folder” and “the folder above”."
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        return f"A {kind} name cannot contain control characters such as tabs or line breaks."
    key = join(prefix, name) + (DELIMITER if folder else "")
    length = len(key.encode("utf-8"))
    if length > MAX_KEY_BYTES:
        return (
            f"The {kind}'s full path would be {length:,} bytes long; S3 allows at most "
            f"{MAX_KEY_BYTES:,} (letters outside plain English take 2 to 4 bytes each)."
        )
    return _collision(name, existing)


@dataclass(frozen=True, slots=True)
class SiblingNames:
    """What a folder holds, indexed once for name checks: a dialog checks on every keystroke,
    and splitting and normalizing 100,000 names each time cost ~30 ms a key."""

    folders: frozenset[str]
    files: frozenset[str]
    looks: dict[str, tuple[str, str]]  # a name in NFC → (its kind, the name as it is)

    @classmethod
    def of(cls, existing: Collection[str]) -> SiblingNames:
        """`existing` as name_problem takes it: file names, folder names ending in "/"."""
        folders: set[str] = set()
        files: set[str] = set()
        looks: dict[str, tuple[str, str]] = {}
        for entry in existing:
            folder = entry.endswith(DELIMITER)
            name = basename(entry)
            (folders if folder else files).add(name)
            looks.setdefault(_nfc(name), (_kind(folder), name))
        return cls(frozenset(folders), frozenset(files), looks)


def _nfc(name: str) -> str:
    return name if name.isascii() else unicodedata.normalize("NFC", name)


def _collision(name: str, existing: Collection[str] | SiblingNames) -> str | None:
    names = existing if isinstance(existing, SiblingNames) else SiblingNames.of(existing)
    if name in names.folders:
        return f"A folder named “{name}” is already here."
    if name in names.files:
        return f"A file named “{name}” is already here."
    # macOS hands out names with accents decomposed (NFD): "é" as "e" + a combining accent.
    # Two such names are two keys that look alike in every list: refuse the second.
    alike = names.looks.get(_nfc(name))
    if alike is not None:
        kind, other = alike
        return (
            f"A {kind} named “{other}” is already here, and looks the same: the two names "
            "differ only in how accented letters are encoded."
        )
    return None


def rename_problem(new_name: str, old_key: str, existing: Collection[str]) -> str | None:
    """Why `old_key` (a folder when it ends in "/") cannot be renamed `new_name` in its folder.

    `existing` is what the folder holds, as for name_problem. The same kind of entry under
    the new name is allowed: the move then asks (Overwrite for a file, Merge or Replace for
    a folder). A file cannot take a folder's name, nor a folder a file's: both would show
    under one name. Nor can a name take one that only looks the same.
    """
    folder = old_key.endswith(DELIMITER)
    old_name = basename(old_key)
    others = [
        entry for entry in existing
        if entry.endswith(DELIMITER) != folder or basename(entry) not in (old_name, new_name)
    ]  # fmt: skip
    return name_problem(new_name, prefix=parent(old_key), existing=others, folder=folder)


def check_name(name: str, *, prefix: str = "", existing: Collection[str] = (), folder: bool = True) -> str:
    """Return `name` if it can be used; else raise AlreadyExists or InvalidInput saying why."""
    problem = name_problem(name, prefix=prefix, existing=existing, folder=folder)
    if problem is None:
        return name
    if _collision(name, existing) == problem:
        raise AlreadyExists(problem)
    raise InvalidInput(problem)


def folder_key(prefix: str, name: str) -> str:
    """The key of the zero-byte marker that makes folder `name` in `prefix` ("a/b/name/")."""
    return join(prefix, name) + DELIMITER
