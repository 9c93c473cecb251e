"""Files opened from a Space into a local copy, and whether the copy was edited since.

Pure values; services/file_open_service.py keeps them and asks LocalCopies (an adapter)
about the files on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


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
