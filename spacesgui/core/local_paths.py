"""Safe local relative paths for downloaded keys: never outside the chosen folder, never unstorable.

S3 keys are any UTF-8 string up to 1,024 bytes: "../../etc/passwd", "C:\\x", "con.txt",
"a\\x00b" are all valid keys. Every key maps to a path that Windows, macOS and Linux can
store under the download folder. Nothing is skipped silently: each change has a note.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

from spacesgui.core.conflicts import rename_from, split_name
from spacesgui.core.local_files import PART_NAME_ROOM

MAX_NAME_BYTES = 255  # ext4, APFS and (in UTF-16 units, never more than this) NTFS
# A download first lands in “NAME.<tag>.part”: names keep room for that suffix.
NAME_LIMIT = MAX_NAME_BYTES - PART_NAME_ROOM
# Room kept for " (12345)" when a long name must also be renamed.
_RENAME_ROOM = 12
_LONG_EXT_BYTES = 32  # a longer "extension" is not one, and is not kept whole when shortening

_BAD_CHARS = re.compile(r'[<>:"|?*\x01-\x1f]')
_DRIVE = re.compile(r"^[A-Za-z]:$")
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"{dev}{n}" for dev in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)

SAME_AS_FOLDER = "a folder has the same name, renamed"
NAME_USED = "name already used, renamed"


@dataclass(frozen=True, slots=True)
class LocalName:
    """Where one key goes, relative to the download folder, with '/' separators.

    `note` is "" when the key maps unchanged, else short reasons joined by "; ".
    A folder marker (a key ending in "/") names a folder to create, not a file: that is
    `is_folder_marker`, not a note, so notes stay a list of real changes to show people.
    The marker of the downloaded folder itself has relative "".
    """

    key: str
    relative: str
    note: str = ""
    is_folder_marker: bool = False


def local_relative_path(key: str, prefix: str = "") -> LocalName:
    """Map one key, minus the downloaded folder's `prefix`, to a safe relative path."""
    rest = key[len(prefix) :] if prefix and key.startswith(prefix) else key
    rest = unicodedata.normalize("NFC", rest)
    notes: list[str] = []
    # The key equal to the prefix is the marker of the downloaded folder itself.
    marker = rest.endswith(("/", "\\")) or (key == prefix and prefix.endswith("/"))
    stripped = rest.lstrip("/\\")
    if stripped != rest and stripped:
        notes.append(f"leading “{rest[0]}” removed")
    body = stripped.rstrip("/\\") if marker else stripped
    if "\\" in body:
        notes.append("“\\” read as a folder separator")
    parts = body.replace("\\", "/").split("/") if body else []
    if len(parts) > 1 and _DRIVE.match(parts[0]):
        notes.append("drive letter removed")
        parts = parts[1:]
    clean = [seg for part in parts if (seg := _segment(part, notes))]
    relative = "/".join(clean)
    if not relative and not marker:
        notes.append("empty name replaced")
        relative = "_"
    return LocalName(key, relative, _join(*dict.fromkeys(notes)), marker)


def _segment(part: str, notes: list[str]) -> str:
    """Sanitize one path segment, appending a note per change; "" drops the segment."""
    if not part:
        notes.append("empty folder name removed")
        return ""
    if part == ".":
        notes.append("“.” folder removed")
        return ""
    if part == "..":
        notes.append("“..” folder renamed")
        return "__"
    if "\x00" in part:
        notes.append("NUL character replaced")
        part = part.replace("\x00", "_")
    safe = _BAD_CHARS.sub("_", part)
    if safe != part:
        notes.append("characters not allowed in file names replaced")
    # Windows drops trailing dots and spaces, so "a." and "a" would be one file there.
    trimmed = safe.rstrip(". ")
    if trimmed != safe:
        notes.append("trailing dots or spaces removed")
        trimmed = trimmed or "_"
    device = trimmed.split(".", 1)[0].rstrip(" ").upper()
    if device in _RESERVED:
        notes.append(f"reserved name {device} renamed")
        trimmed = "_" + trimmed
    short = shorten(trimmed, NAME_LIMIT)
    if short != trimmed:
        notes.append("name too long, shortened")
    return short


def shorten(name: str, limit: int = MAX_NAME_BYTES) -> str:
    """Fit `name` in `limit` UTF-8 bytes, keeping its extension and adding a hash of the whole.

    The hash keeps long names that share their first 240 bytes apart.
    """
    data = name.encode()
    if len(data) <= limit:
        return name
    stem, ext = split_name(name)
    if len(ext.encode()) > _LONG_EXT_BYTES:
        stem, ext = name, ""
    tag = "~" + hashlib.sha1(data, usedforsecurity=False).hexdigest()[:8]
    budget = limit - len(tag) - len(ext.encode())
    # "ignore" drops a character cut in half by the byte budget.
    return stem.encode()[:budget].decode("utf-8", "ignore") + tag + ext


def plan_local_names(keys: list[str], prefix: str = "", *, case_insensitive: bool = False) -> list[LocalName]:
    """Map many keys at once, renaming files whose paths collide; same order as `keys`.

    A file collides with an earlier file of the same path (NAME_USED), or with a folder of
    the same path (SAME_AS_FOLDER, whatever the order: the folder wins). With
    `case_insensitive`, paths differing only in case collide too (folders just merge).
    Folder markers are never renamed. Renamed files get "name (N).ext" from conflicts, never a
    name another key maps to unchanged. Linear in the number of keys.
    """
    fold: Callable[[str], str] = str.casefold if case_insensitive else _same
    names = [local_relative_path(key, prefix) for key in keys]
    folders = _folder_paths(names, fold)
    claimed: set[str] = set()
    losers: list[tuple[int, str]] = []
    for i, name in enumerate(names):
        if name.is_folder_marker:
            continue
        folded = fold(name.relative)
        if folded in folders:
            losers.append((i, SAME_AS_FOLDER))
        elif folded in claimed:
            losers.append((i, NAME_USED))
        else:
            claimed.add(folded)

    def taken(path: str) -> bool:
        folded = fold(path)
        return folded in claimed or folded in folders

    next_counter: dict[str, int] = {}
    for i, why in losers:
        name = names[i]
        cut = name.relative.rfind("/")
        head = name.relative[: cut + 1]
        last = shorten(name.relative[cut + 1 :], NAME_LIMIT - _RENAME_ROOM)
        group = fold(head + last)
        free, used = rename_from(last, _under(head, taken), next_counter.get(group, 1))
        next_counter[group] = used + 1
        claimed.add(fold(head + free))
        names[i] = replace(name, relative=head + free, note=_join(name.note, why))
    return names


def _folder_paths(names: list[LocalName], fold: Callable[[str], str]) -> set[str]:
    """Return every folder path the names need (folded), each path's ancestors included."""
    folders: set[str] = set()
    for name in names:
        path = name.relative
        cut = len(path) if name.is_folder_marker else path.rfind("/")
        while cut > 0:
            folded = fold(path[:cut])
            if folded in folders:
                break  # its ancestors went in with it
            folders.add(folded)
            cut = path.rfind("/", 0, cut)
    return folders


def is_inside(root: str, path: str) -> bool:
    """Tell whether `path` (absolute, or relative to `root`) stays within `root`, lexically.

    No symlinks are resolved: this is a last-line guard on the names built here. The root
    itself counts as inside (the marker of the downloaded folder).
    """
    base = os.path.normcase(os.path.abspath(root))
    target = os.path.normcase(os.path.abspath(os.path.join(root, path)))
    if target == base:
        return True
    return target.startswith(base if base.endswith(os.sep) else base + os.sep)


def _under(head: str, taken: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda name: taken(head + name)


def _join(*notes: str) -> str:
    return "; ".join(note for note in notes if note)


def _same(text: str) -> str:
    return text
