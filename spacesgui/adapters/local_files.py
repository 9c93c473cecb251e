"""The local file system as transfers use it, with OS errors turned into core errors.

Every OSError leaves here as a core LocalFileError subclass whose message names the file
(or, for a full disk, the folder), with the OSError as `__cause__` and in `detail`.
Thread-safe and blocking: call from worker threads.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import shutil
import stat as stat_mod
import sys
import threading
from collections.abc import Callable, Sequence

from spacesgui.core.errors import (
    DiskFull,
    LocalFileChanged,
    LocalFileError,
    LocalFileMissing,
    LocalFileUnreadable,
    LocalWriteFailed,
    SpacesError,
)
from spacesgui.core.local_files import PART_SUFFIX, LocalEntry, LocalStat, LocalWalk, part_path

log = logging.getLogger(__name__)

_O_BINARY: int = getattr(os, "O_BINARY", 0)  # Windows only; without it bytes get translated
_HAS_PWRITE = hasattr(os, "pwrite") and sys.platform != "win32"
_HAS_FADVISE = hasattr(os, "posix_fadvise") and sys.platform.startswith("linux")
_MISSING = (errno.ENOENT, errno.ENOTDIR)
_DENIED = (errno.EACCES, errno.EPERM)
_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def _name(path: str) -> str:
    """The last part of `path`, as a person would call the file."""
    return os.path.basename(path.rstrip("/" + os.sep)) or path


def _folder_name(path: str) -> str:
    return _name(os.path.dirname(os.path.abspath(path)))


def _reason(exc: OSError) -> str:
    if exc.errno in _DENIED:
        return "permission denied"
    text = exc.strerror or str(exc)
    return text[:1].lower() + text[1:]


def _read_error(exc: OSError, path: str) -> LocalFileError:
    """`exc`, raised while reading `path`, as the core error to show."""
    name = _name(path)
    if exc.errno in _MISSING:
        return LocalFileMissing(f"“{name}” no longer exists.", detail=str(exc))
    if exc.errno == errno.EISDIR:
        return LocalFileUnreadable(f"“{name}” is a folder, not a file.", detail=str(exc))
    return LocalFileUnreadable(f"Could not read “{name}”: {_reason(exc)}.", detail=str(exc))


def _write_error(exc: OSError, path: str) -> LocalFileError:
    """`exc`, raised while writing `path`, as the core error to show."""
    name = _name(path)
    if exc.errno in _FULL:
        what = "Your disk quota is used up on the disk" if exc.errno == errno.EDQUOT else "The disk"
        return DiskFull(
            f"{what} holding “{_folder_name(path)}” is full. Free some space, then retry.",
            detail=str(exc),
        )
    if exc.errno == errno.ENOENT:
        return LocalFileMissing(f"“{name}” no longer exists.", detail=str(exc))
    if exc.errno == errno.EISDIR:
        message = f"Could not write “{name}”: a folder with that name is in the way."
    elif exc.errno == errno.ENAMETOOLONG:
        message = f"Could not write “{name}”: the name is too long for this disk."
    elif exc.errno == errno.EROFS:
        message = f"Could not write “{name}”: the disk is read-only."
    else:
        message = f"Could not write “{name}”: {_reason(exc)}."
    return LocalWriteFailed(message, detail=str(exc))


def _final_path(part_path: str) -> str:
    return part_path.removesuffix(PART_SUFFIX)


class OsPartFile:
    """A download's `.part` file, open for writing at offsets from several threads.

    Owns `fd` (closed by `close`). Errors name the final file, not the `.part` one.
    """

    def __init__(self, path: str, fd: int) -> None:
        self.path = path
        self._fd = fd
        self._lock = threading.Lock()  # Windows: seek and write must go together

    def write_at(self, offset: int, data: bytes) -> None:
        view = memoryview(data)
        try:
            if _HAS_PWRITE:
                while view:
                    n = os.pwrite(self._fd, view, offset)
                    if n <= 0:
                        raise OSError(errno.EIO, "the disk accepted no bytes")
                    view, offset = view[n:], offset + n
            else:
                with self._lock:
                    os.lseek(self._fd, offset, os.SEEK_SET)
                    while view:
                        view = view[os.write(self._fd, view) :]
        except OSError as exc:
            raise _write_error(exc, _final_path(self.path)) from exc

    def start_flush(self, offset: int, size: int) -> None:
        """Start writing a finished range to disk, without waiting (Linux; elsewhere nothing).

        POSIX_FADV_DONTNEED starts the write-back of the range's dirty pages and lets the
        cache drop them once written, so a big download's final fsync has little left.
        """
        if not _HAS_FADVISE:
            return
        try:
            os.posix_fadvise(self._fd, offset, size, os.POSIX_FADV_DONTNEED)
        except OSError as exc:  # only advice: the final fsync still makes the bytes safe
            log.debug("could not start flushing %s: %s", _name(self.path), exc)

    def flush_to_disk(self) -> None:
        try:
            os.fsync(self._fd)
        except OSError as exc:
            raise _write_error(exc, _final_path(self.path)) from exc

    def size(self) -> int:
        try:
            return os.fstat(self._fd).st_size
        except OSError as exc:
            raise _read_error(exc, _final_path(self.path)) from exc

    def close(self) -> None:
        with self._lock:
            fd, self._fd = self._fd, -1
        if fd >= 0:
            os.close(fd)


class OsLocalFiles:
    """LocalFiles on the real file system. Stateless, so thread-safe."""

    def stat(self, path: str) -> LocalStat:
        """The file's size and modification time; anything but a file raises LocalFileUnreadable."""
        try:
            st = os.stat(path)
        except OSError as exc:
            raise _read_error(exc, path) from exc
        if stat_mod.S_ISDIR(st.st_mode):
            raise LocalFileUnreadable(f"“{_name(path)}” is a folder, not a file.")
        if not stat_mod.S_ISREG(st.st_mode):
            raise LocalFileUnreadable(f"“{_name(path)}” is not a regular file.")
        return LocalStat(st.st_size, st.st_mtime_ns)

    def exists(self, path: str) -> LocalStat | None:
        try:
            return self.stat(path)
        except LocalFileMissing:
            return None

    def folder_exists(self, path: str) -> bool:
        return os.path.isdir(path)

    def read_range(self, path: str, offset: int, size: int) -> bytes:
        """Exactly `size` bytes from `offset`; fewer there raises LocalFileChanged."""
        try:
            with open(path, "rb") as handle:
                handle.seek(offset)
                data = handle.read(size)
                while len(data) < size:
                    more = handle.read(size - len(data))
                    if not more:
                        break
                    data += more
        except OSError as exc:
            raise _read_error(exc, path) from exc
        if len(data) < size:
            raise LocalFileChanged(
                f"“{_name(path)}” changed while uploading: it is shorter than when the upload started.",
                detail=f"wanted {size} bytes at {offset}, got {len(data)}",
            )
        return data

    def walk(self, root: str) -> LocalWalk:
        """Every regular file under `root`, sorted by relative '/' path, what was skipped,
        and the folders that hold nothing.

        Symlinked files are included (with the target's size); symlinked folders are not
        followed (no loops). Each skipped link, special file or unreadable folder gets a
        message. A `root` that is missing or unreadable raises.
        """
        try:
            if not stat_mod.S_ISDIR(os.stat(root).st_mode):
                raise LocalFileUnreadable(f"“{_name(root)}” is not a folder.")
            os.scandir(root).close()
        except OSError as exc:
            raise _read_error(exc, root) from exc
        walk = LocalWalk()
        holding: set[str] = set()  # folders with something under them, at any depth
        folders: list[str] = []
        stack = [(root, "")]
        while stack:
            folder, relative = stack.pop()
            try:
                with os.scandir(folder) as scan:
                    found = list(scan)
            except OSError as exc:
                walk.unreadable.append(f"Could not read folder “{relative or _name(root)}”: {_reason(exc)}.")
                _holds(holding, relative)  # not known to be empty: say nothing of it
                continue
            folders.append(relative)
            for item in found:
                rel = f"{relative}/{item.name}" if relative else item.name
                if _is_real_folder(item):
                    stack.append((item.path, rel))
                    continue
                _holds(holding, relative)
                entry = _entry(item, rel, walk)
                if entry is not None:
                    walk.files.append(entry)
        walk.files.sort(key=lambda e: e.relative)
        empty = {f for f in folders if f not in holding}
        # The outermost of them only ("" is `root` itself): "a" empty says "a/b" is too.
        walk.empty_folders.extend(
            sorted(f for f in empty if not f or f.rpartition("/")[0] not in empty)
            if "" not in empty
            else [""]
        )
        return walk

    def open_part(self, path: str, *, keep: bool, tag: str = "") -> OsPartFile:
        """Open the part file of `path` (see core part_path), creating folders; `keep` keeps
        bytes already there (resume). The folders are made only when the open says one is
        missing: asking first cost two more system calls per file, most for folders there."""
        flags = os.O_RDWR | os.O_CREAT | _O_BINARY | (0 if keep else os.O_TRUNC)
        part = part_path(path, tag)
        try:
            return OsPartFile(part, os.open(part, flags, 0o666))
        except (FileNotFoundError, NotADirectoryError):
            pass  # a folder is missing, or a file is in its place: _make_folders names it
        except OSError as exc:
            raise _write_error(exc, path) from exc
        self._make_folders(os.path.dirname(os.path.abspath(path)))
        try:
            return OsPartFile(part, os.open(part, flags, 0o666))
        except OSError as exc:
            raise _write_error(exc, path) from exc

    @staticmethod
    def _make_folders(folder: str) -> None:
        try:
            os.makedirs(folder, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as exc:
            # Some part of the path is a file: name the one in the way.
            blocker = folder
            probe = folder
            while probe != os.path.dirname(probe):
                if os.path.lexists(probe) and not os.path.isdir(probe):
                    blocker = probe
                probe = os.path.dirname(probe)
            raise LocalWriteFailed(
                f"Could not create folder “{_name(blocker)}”: a file with that name is in the way.",
                detail=str(exc),
            ) from exc
        except OSError as exc:
            raise _write_error(exc, folder) from exc

    def commit_part(self, path: str, mtime: float, tag: str = "") -> None:
        """Flush `path + '.part'` to disk, rename it to `path` and set its modification time.

        A file system that refuses the time (some network shares) only logs a warning:
        the bytes are in place by then.
        """
        part = part_path(path, tag)
        try:
            fd = os.open(part, os.O_RDWR | _O_BINARY)  # Windows needs write access to fsync
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise _write_error(exc, part) from exc
        try:
            os.replace(part, path)
        except OSError as exc:
            raise _write_error(exc, path) from exc
        _sync_folder(os.path.dirname(os.path.abspath(path)))
        if mtime > 0:
            try:
                os.utime(path, (mtime, mtime))
            except OSError as exc:
                log.warning("could not set the modification time of %s: %s", _name(path), exc)

    def write_part(self, path: str, data: bytes, tag: str = "") -> None:
        """Write `data` as the whole `.part` file of `path`; commit_parts flushes it to disk."""
        part_file = self.open_part(path, keep=False, tag=tag)
        try:
            part_file.write_at(0, data)
        finally:
            part_file.close()

    def commit_parts(self, parts: Sequence[tuple[str, float, str]]) -> list[SpacesError | None]:
        """Flush written `.part` files to disk, rename them into place, flush the renames.

        On Linux one syncfs per file system flushes a whole batch (a flush per 4 KiB file
        cost more than its download); elsewhere each file is flushed. Each folder is then
        flushed once, so every rename in it survives a power cut (see part_commits).
        """
        outcomes: list[SpacesError | None] = [None] * len(parts)
        _flush_all([part_path(path, tag) for path, _mtime, tag in parts], outcomes, parts)
        folders: set[str] = set()
        for index, (path, _mtime, tag) in enumerate(parts):
            if outcomes[index] is not None:
                continue
            try:
                os.replace(part_path(path, tag), path)
            except OSError as exc:
                outcomes[index] = _write_error(exc, path)
                continue
            folders.add(os.path.dirname(os.path.abspath(path)))
        for folder in folders:
            _sync_folder(folder)
        for (path, mtime, _tag), outcome in zip(parts, outcomes, strict=True):
            if outcome is None and mtime > 0:
                try:
                    os.utime(path, (mtime, mtime))
                except OSError as exc:
                    log.warning("could not set the modification time of %s: %s", _name(path), exc)
        return outcomes

    def remove_part(self, path: str, tag: str = "") -> None:
        try:
            os.remove(part_path(path, tag))
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise _write_error(exc, part_path(path, tag)) from exc

    def free_space(self, path: str) -> int:
        """Free bytes on the disk that holds (or will hold) `path`."""
        probe = os.path.abspath(path)
        while not os.path.exists(probe) and probe != os.path.dirname(probe):
            probe = os.path.dirname(probe)
        try:
            return shutil.disk_usage(probe).free
        except OSError as exc:
            raise _read_error(exc, probe) from exc


def _is_real_folder(item: os.DirEntry[str]) -> bool:
    try:
        return item.is_dir(follow_symlinks=False)
    except OSError:
        return False  # _entry says what went wrong


def _holds(holding: set[str], folder: str) -> None:
    """Mark `folder` and every folder above it as holding something."""
    while folder not in holding:
        holding.add(folder)
        if not folder:
            return
        folder = folder.rpartition("/")[0]


def _entry(item: os.DirEntry[str], rel: str, walk: LocalWalk) -> LocalEntry | None:
    """The file `item` is, or None with the reason added to `walk`."""
    try:
        link = item.is_symlink()
    except OSError:
        link = False
    try:
        st = item.stat()  # follows links: a linked file counts with its target's size
    except OSError as exc:
        kind = "it is a broken link" if link else "it could not be read"
        walk.skipped.append((rel, f"{kind} ({_reason(exc)})"))
        return None
    if link and stat_mod.S_ISDIR(st.st_mode):
        walk.skipped.append((rel, "it is a link to a folder, and links to folders are not followed"))
        return None
    if not stat_mod.S_ISREG(st.st_mode):
        walk.skipped.append((rel, "it is not a regular file"))
        return None
    return LocalEntry(rel, st.st_size, st.st_mtime_ns)


def _flush_all(
    paths: list[str], outcomes: list[SpacesError | None], parts: Sequence[tuple[str, float, str]]
) -> None:
    """Flush the files `paths` to disk: one syncfs per file system (Linux), else each one."""
    devices: dict[int, str] = {}
    folders: set[str] = set()  # a file is on its folder's file system: one stat per folder
    for index, path in enumerate(paths):
        folder = os.path.dirname(path) or "."
        if folder in folders:
            continue
        try:
            devices.setdefault(os.stat(folder).st_dev, path)
        except OSError as exc:
            outcomes[index] = _write_error(exc, parts[index][0])
        else:
            folders.add(folder)
    if _syncfs is not None:
        failed = False
        for path in devices.values():
            failed = failed or not _sync_file_system(path)
        if not failed:
            return
    for index, path in enumerate(paths):  # no syncfs, or it failed: file by file
        if outcomes[index] is not None:
            continue
        try:
            fd = os.open(path, os.O_RDWR | _O_BINARY)  # Windows needs write access to fsync
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            outcomes[index] = _write_error(exc, parts[index][0])


def _load_syncfs() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)  # glibc 2.14+, musl
    except OSError:
        return None


_syncfs = _load_syncfs()


def _sync_file_system(path: str) -> bool:
    """syncfs(2) on the file system holding `path`: every dirty byte of it on disk. False on failure."""
    assert _syncfs is not None
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        return _syncfs(fd) == 0  # Linux 5.8+ reports write-back errors here
    finally:
        os.close(fd)


def _sync_folder(folder: str) -> None:
    """Make a rename in `folder` survive a power cut (POSIX); best effort."""
    if sys.platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
