"""Values describing files on this computer, as transfers see them."""

from __future__ import annotations

from dataclasses import dataclass

PART_SUFFIX = ".part"


@dataclass(frozen=True, slots=True)
class LocalStat:
    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class LocalEntry:
    """A file found under a dropped folder: its path relative to that folder, with '/'."""

    relative: str
    size: int
    mtime_ns: int
