"""Values describing files on this computer, as transfers see them."""

from __future__ import annotations

from dataclasses import dataclass, field

PART_SUFFIX = ".part"
# Room a download's name keeps for ".<tag>.part" (see part_path) within a 255-byte name.
PART_NAME_ROOM = 1 + 8 + len(PART_SUFFIX)


def part_path(path: str, tag: str = "") -> str:
    """Where the bytes of a download to `path` go until verified: `NAME.<tag>.part`.

    The tag (a transfer's id, shortened) keeps two downloads, or a download and a user's
    own `NAME.part`, from ever writing to or deleting the same partial file.
    """
    return f"{path}.{tag[:8]}{PART_SUFFIX}" if tag else path + PART_SUFFIX


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


@dataclass(frozen=True, slots=True)
class LocalWalk:
    """What a dropped folder holds: its files, what was left out, and its empty folders.

    `skipped` names each file left out with its reason (a folder's row counts them);
    `unreadable` says, a sentence each, which folders could not be read; `empty_folders`
    are folders holding nothing at any depth, which an upload of files cannot make.
    """

    files: list[LocalEntry] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # relative path, reason
    unreadable: list[str] = field(default_factory=list)
    empty_folders: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Everything left out, a sentence each, for the banner."""
        return [*self.unreadable, *(f"Skipped “{relative}”: {reason}." for relative, reason in self.skipped)]
