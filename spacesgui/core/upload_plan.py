"""Which local files an upload takes, and the key each one gets."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from fnmatch import fnmatchcase

from spacesgui.core.errors import InvalidInput

# Files operating systems leave in folders; nobody means to upload them.
DEFAULT_SKIP_PATTERNS = (".DS_Store", "Thumbs.db", "desktop.ini")

_SEPARATORS = re.compile(r"[,\n\r]")
_ABSOLUTE = re.compile(r"^(/|[A-Za-z]:(/|$))")


def parse_skip_patterns(text: str) -> tuple[str, ...]:
    """Split what the user typed (comma- or newline-separated) into trimmed patterns, no duplicates."""
    patterns = (part.strip() for part in _SEPARATORS.split(text))
    return tuple(dict.fromkeys(p for p in patterns if p))


def is_skipped(relative: str, patterns: Iterable[str]) -> bool:
    """Tell whether a file, by its path relative to the dropped folder, matches a skip pattern.

    Case-insensitive fnmatch. A pattern without '/' matches any single segment, so
    ".DS_Store" skips the file and "node_modules" skips everything under that folder; a
    pattern with '/' matches the whole relative path ("build/*.o").
    """
    path = relative.replace("\\", "/").strip("/").lower()
    names = path.split("/")
    for pattern in patterns:
        folded = pattern.lower()
        if "/" in folded:
            if fnmatchcase(path, folded.strip("/")):
                return True
        elif any(fnmatchcase(name, folded) for name in names):
            return True
    return False


def upload_key(prefix: str, relative: str) -> str:
    """Return the key for a file at `relative` (to the dropped folder) uploaded under `prefix`.

    '\\' becomes '/', names are NFC-normalized (macOS hands out NFD names, which would
    make a second, different-looking key for "é"), "." and empty segments are dropped.
    `prefix` is an existing S3 location and is used as given ("" or ending in "/").
    Raises InvalidInput for absolute paths and ".." segments.
    """
    path = unicodedata.normalize("NFC", relative.replace("\\", "/"))
    if _ABSOLUTE.match(path):
        raise InvalidInput(f"“{relative}” is an absolute path; uploads need a path inside the chosen folder.")
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise InvalidInput(f"“{relative}” leads out of the chosen folder (“..”); it cannot be uploaded.")
    if not parts:
        raise InvalidInput(f"“{relative}” names no file to upload.")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return prefix + "/".join(parts)


def _folders_holding(relative: str) -> list[str]:
    """The folders a file's relative path lies in, outermost first ("" is the dropped folder)."""
    parts = relative.split("/")[:-1]
    return ["/".join(parts[:depth]) for depth in range(len(parts) + 1)]


def folders_left_out(uploaded: Iterable[str], skipped: Iterable[str], empty: Iterable[str]) -> list[str]:
    """The outermost folders of a dropped folder (relative paths, "" itself) that upload nothing.

    `uploaded` and `skipped` are the relative paths of files that go and of files a skip
    pattern keeps back; `empty` the folders that hold no file at all. A folder with only
    skipped files is left out as an empty one is: a Space keeps files, not folders.
    """
    holding = {folder for path in uploaded for folder in _folders_holding(path)}
    out = set(empty) | {folder for path in skipped for folder in _folders_holding(path)}
    out -= holding
    if "" in out:
        return [""]
    return sorted(f for f in out if not any(above in out for above in _folders_holding(f)))  # its parents
