"""The local file system as transfers use it: the port the local-files adapter implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from spacesgui.core.errors import SpacesError
from spacesgui.core.local_files import LocalStat, LocalWalk


class PartFile(Protocol):
    """A download's `NAME.part` file, written at offsets (parallel ranges may interleave)."""

    path: str

    def write_at(self, offset: int, data: bytes) -> None: ...

    def start_flush(self, offset: int, size: int) -> None:
        """Start writing those bytes to disk without waiting (the final flush has less to do)."""
        ...

    def size(self) -> int: ...

    def close(self) -> None: ...


class LocalFiles(Protocol):
    """The local file system as transfers use it. Thread-safe; blocking.

    Every failure is raised as a core LocalFileError subclass naming the file
    (LocalFileMissing, LocalFileUnreadable, DiskFull, LocalWriteFailed).
    """

    def stat(self, path: str) -> LocalStat: ...

    def exists(self, path: str) -> LocalStat | None: ...

    def folder_exists(self, path: str) -> bool: ...

    def read_range(self, path: str, offset: int, size: int) -> bytes: ...

    def walk(self, root: str) -> LocalWalk:
        """Every file under `root` (relative '/' paths), what was left out and why, and the
        folders that hold nothing."""
        ...

    def open_part(self, path: str, *, keep: bool, tag: str = "") -> PartFile:
        """Open `part_path(path, tag)`, creating folders; `keep` keeps bytes already there."""
        ...

    def commit_part(self, path: str, mtime: float, tag: str = "") -> None:
        """Rename `part_path(path, tag)` to `path` (replacing it) and set its modification time."""
        ...

    def remove_part(self, path: str, tag: str = "") -> None: ...

    def write_part(self, path: str, data: bytes, tag: str = "") -> None:
        """Write `data` as the whole `part_path(path, tag)`, creating folders (not flushed yet)."""
        ...

    def commit_parts(self, parts: Sequence[tuple[str, float, str]]) -> list[SpacesError | None]:
        """commit_part for (path, mtime, tag)s that write_part wrote, as one batch: all flushed
        to disk, renamed, each folder flushed once; per part, None or what went wrong."""
        ...

    def free_space(self, path: str) -> int: ...
