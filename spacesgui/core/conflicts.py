"""What to do when a transfer's target already exists: the policy as data, and free names.

Used for uploads whose key exists and downloads whose local file exists. Pure values and
string work; callers gather what they know about both sides and act on the Resolution.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

# Source mtimes within this many seconds of the target's count as "not newer": FAT keeps
# 2-second mtimes, S3 keeps whole seconds, and clocks drift.
MTIME_SLACK_S = 2.0

# Compressed tarballs keep their double extension: "backup (1).tar.gz", not "backup.tar (1).gz".
_TAR_COMPRESSIONS = frozenset({"gz", "bz2", "xz", "zst", "lz", "lz4", "lzma", "z", "br", "sz"})
_COUNTER = re.compile(r"^(?P<base>.*) \((?P<n>\d{1,9})\)$")


class ConflictPolicy(StrEnum):
    ASK = "ask"
    OVERWRITE = "overwrite"
    SKIP = "skip"
    RENAME = "rename"
    OVERWRITE_IF_DIFFERENT = "overwrite-if-different"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ConflictPolicy.ASK: "Ask each time",
    ConflictPolicy.OVERWRITE: "Overwrite",
    ConflictPolicy.SKIP: "Skip",
    ConflictPolicy.RENAME: "Keep both (rename)",
    ConflictPolicy.OVERWRITE_IF_DIFFERENT: "Overwrite only if different",
}


class Resolution(StrEnum):
    OVERWRITE = "overwrite"  # also "just write": the target does not exist
    SKIP = "skip"
    RENAME = "rename"
    ASK = "ask"  # the caller must ask the user


@dataclass(frozen=True, slots=True)
class Side:
    """What is known about one side of a conflict: the source, or the existing target.

    `mtime` is a POSIX timestamp. `md5_hex` is "" when unknown; for a remote object pass
    its ETag only when it is a plain MD5 (multipart and encrypted ETags are not).
    """

    size: int
    mtime: float = 0.0
    md5_hex: str = ""


def resolve(policy: ConflictPolicy, source: Side, target: Side | None) -> Resolution:
    """Decide what to do with `source` given the existing `target` (None: nothing there).

    OVERWRITE_IF_DIFFERENT compares, in order:
    1. sizes: different sizes are different files;
    2. MD5s, when both sides know theirs;
    3. otherwise (same size, content unknown) mtimes: different only when the source is
       newer than the target by more than MTIME_SLACK_S seconds. An unknown mtime is 0.0,
       so a target without one looks old and a source without one never looks newer.
    Different → OVERWRITE, same → SKIP.
    """
    if target is None:
        return Resolution.OVERWRITE
    if policy is ConflictPolicy.OVERWRITE_IF_DIFFERENT:
        return Resolution.OVERWRITE if _differs(source, target) else Resolution.SKIP
    return _DIRECT[policy]


_DIRECT = {
    ConflictPolicy.ASK: Resolution.ASK,
    ConflictPolicy.OVERWRITE: Resolution.OVERWRITE,
    ConflictPolicy.SKIP: Resolution.SKIP,
    ConflictPolicy.RENAME: Resolution.RENAME,
}


def _differs(source: Side, target: Side) -> bool:
    if source.size != target.size:
        return True
    if source.md5_hex and target.md5_hex:
        return source.md5_hex.lower() != target.md5_hex.lower()
    return source.mtime - target.mtime > MTIME_SLACK_S


def split_name(name: str) -> tuple[str, str]:
    """Split a file name into stem and extension, keeping ".tar.gz" whole and dotfiles stemmed."""
    dot = name.rfind(".")
    if dot <= 0 or dot == len(name) - 1:
        return name, ""  # "README", ".env", "odd."
    stem, ext = name[:dot], name[dot:]
    if ext[1:].lower() in _TAR_COMPRESSIONS and stem.lower().endswith(".tar") and len(stem) > 4:
        return stem[:-4], stem[-4:] + ext
    return stem, ext


def renamed(name: str, taken: Callable[[str], bool] | set[str]) -> str:
    """Return the first free "name (N).ext" for a bare file name, N counting up from 1.

    A name that already ends in a counter continues it: "photo (1).jpg" → "photo (2).jpg".
    """
    return rename_from(name, taken, 1)[0]


def renamed_key(key: str, taken: Callable[[str], bool] | set[str]) -> str:
    """Rename the last segment of a '/'-separated key or relative path; `taken` sees whole keys.

    A folder key ("a/b/") renames the folder ("a/b (1)/"), without splitting an extension.
    """
    folder = key.endswith("/")
    trimmed = key[:-1] if folder else key
    cut = trimmed.rfind("/")
    head, last = trimmed[: cut + 1], trimmed[cut + 1 :]
    tail = "/" if folder else ""
    is_taken = taken.__contains__ if isinstance(taken, set) else taken
    free, _ = rename_from(last, lambda n: is_taken(head + n + tail), 1, whole=folder)
    return head + free + tail


def counter_base(stem: str) -> str:
    """A name's stem without the counter Keep Both adds ("photo (2)" → "photo")."""
    match = _COUNTER.match(stem)
    return match["base"] if match and match["base"] else stem


def rename_from(
    name: str, taken: Callable[[str], bool] | set[str], start: int, *, whole: bool = False
) -> tuple[str, int]:
    """Return the first free renamed name with a counter of at least `start`, and that counter.

    Callers renaming many names after the same one pass the last counter + 1 as `start`,
    so a thousand copies cost a thousand probes, not half a million. `whole` keeps the name
    unsplit (folders).
    """
    is_taken = taken.__contains__ if isinstance(taken, set) else taken
    stem, ext = (name, "") if whole else split_name(name)
    match = _COUNTER.match(stem)
    if match and match["base"]:
        stem = match["base"]
        start = max(start, int(match["n"]) + 1)
    n = max(start, 1)
    while True:
        candidate = f"{stem} ({n}){ext}"
        if not is_taken(candidate):
            return candidate, n
        n += 1
