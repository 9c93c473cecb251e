"""Files opened from a Space into a local copy, and whether the copy was edited since.

Pure values; services/file_open_service.py keeps them and asks LocalCopies (an adapter)
about the files on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol

# An opened copy nobody changed is removed from the cache once it is this old (since it was
# opened or last uploaded): long enough to come back to it the same day, short enough that
# the cache does not grow with every file ever opened.
COPY_MAX_AGE_S = 24 * 60 * 60


@dataclass(frozen=True, slots=True)
class CopyState:
    """What a local copy looks like on disk: cheap to read (stat), compared before hashing."""

    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class OpenedFile:
    """An object downloaded into a local copy for a program to open.

    `md5` and `state` describe the copy as it was when opened, or when its last change
    was uploaded: the baseline an edit is measured against.
    """

    account_id: str
    bucket: str
    key: str
    local_path: str
    md5: str
    state: CopyState
    verified: str = ""  # how the engine checked the downloaded bytes ("MD5", "part MD5s", …)
    # The object's ETag (no quotes) when it was downloaded or last replaced: a replace first
    # checks the server still has it. "" (a record from an older app): not checked.
    etag: str = ""

    @property
    def name(self) -> str:
        return self.key.rsplit("/", 1)[-1] or self.key


@dataclass(frozen=True, slots=True)
class ChangedCopy:
    """A local copy whose bytes differ from its baseline: offered for upload once per MD5."""

    opened: OpenedFile
    md5: str
    state: CopyState


def looks_changed(opened: OpenedFile, now: CopyState | None) -> bool:
    """Whether the copy may have changed (size or modification time moved); None = gone.

    A gone copy has not changed: editors that save by rename remove it for a moment.
    Only a True here is worth hashing the file for.
    """
    return now is not None and now != opened.state


@dataclass(frozen=True, slots=True)
class CopyOnDisk:
    """An opened copy's folder found in the cache, and what was recorded of it."""

    folder: str
    opened: OpenedFile | None  # its baseline; None: no record (an older app, an open that failed)
    saved_at: float  # when it was opened or last uploaded; without a record, the folder's time
    state: CopyState | None  # the copy now; None when it is not there
    # Names in the folder besides the recorded copy and partial downloads: what a user or a
    # program saved there ("Keep format", Save As, a renamed copy). Without a record, every
    # name but partial downloads.
    others: tuple[str, ...] = ()


class CopyFate(Enum):
    """What cleaning does with an opened copy, and why."""

    REMOVE = "removed"
    KEEP_CHANGED = "kept: it has changes that were not uploaded"
    KEEP_RECENT = "kept: opened less than a day ago"
    KEEP_IN_USE = "kept: a program may still have it open"
    KEEP_UNKNOWN = "kept: nothing says whether it was changed"
    KEEP_OTHER_FILES = "kept: its folder holds other files"
    KEEP_MISSING = "kept: its file was renamed or removed"


def copy_fate(copy: CopyOnDisk, changed: bool, now: float, *, in_use: bool | None = None) -> CopyFate:
    """Whether to remove `copy` from the cache.

    Only a folder holding exactly its recorded copy (and partial downloads), that copy
    there and unchanged, a day old, goes: anything else may be the user's work and stays.
    A changed copy is never removed (the next start offers its upload again). Nothing is
    removed at quit: whether an editor still has a copy open cannot be told (most do not
    keep the file open), so this run's copies wait for a later start's sweep.
    """
    if changed:
        return CopyFate.KEEP_CHANGED
    if copy.opened is None:
        if copy.others:
            return CopyFate.KEEP_UNKNOWN
    elif copy.others:
        return CopyFate.KEEP_OTHER_FILES
    elif copy.state is None:
        return CopyFate.KEEP_MISSING
    last = max(copy.saved_at, copy.state.mtime_ns / 1e9 if copy.state is not None else 0.0)
    if now - last < COPY_MAX_AGE_S:
        return CopyFate.KEEP_RECENT
    return CopyFate.KEEP_IN_USE if in_use else CopyFate.REMOVE


class LocalCopies(Protocol):
    """Temporary folders for opened files, and what their files hold. Blocking."""

    def new_folder(self) -> str:
        """A fresh, empty folder that only this copy will use."""
        ...

    def snapshot(self, path: str) -> CopyState | None:
        """Size and modification time of `path`, or None when it is not there."""
        ...

    def md5(self, path: str) -> str:
        """Hex MD5 of the file at `path` (LocalFileError when it cannot be read)."""
        ...

    def write_record(self, opened: OpenedFile, saved_at: float) -> None:
        """Keep `opened`'s baseline beside its folder, for cleaning after a restart."""
        ...

    def copies_on_disk(self) -> list[CopyOnDisk]:
        """Every opened copy's folder in the cache, with its record."""
        ...

    def remove(self, folder: str) -> None:
        """Remove the copy's folder (one of copies_on_disk's) and its record.

        Only the recorded copy and partial downloads are deleted; a folder holding anything
        else is left whole (LocalFileError says so).
        """
        ...

    def in_use(self, path: str) -> bool | None:
        """Whether a program holds the file at `path` open; None when that cannot be told."""
        ...
