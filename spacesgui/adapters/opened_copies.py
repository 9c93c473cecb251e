"""Temporary copies of opened files: their folders, and what each copy holds now.

Blocking; call from worker threads (snapshot is a stat and may run anywhere).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import platformdirs

from spacesgui.adapters.settings import APP_NAME
from spacesgui.core.errors import LocalFileError
from spacesgui.core.opened_files import CopyOnDisk, CopyState, OpenedFile

log = logging.getLogger(__name__)

BLOCK = 1024 * 1024
FOLDER_PREFIX = "open-"
RECORD_SUFFIX = ".json"  # open-XXXX.json beside open-XXXX/: never inside, where the program looks
PARTIAL_SUFFIX = ".part"


def default_open_root() -> str:
    """Where opened files are copied: the platform's cache folder, spacesgui/open."""
    return str(Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "open")


def file_md5(path: str) -> str:
    """Hex MD5 of the file at `path`; LocalFileError naming it when it cannot be read."""
    digest = hashlib.md5(usedforsecurity=False)
    try:
        with open(path, "rb") as f:
            while block := f.read(BLOCK):
                digest.update(block)
    except OSError as exc:
        raise LocalFileError(
            f"Could not read “{os.path.basename(path)}”: {exc.strerror or exc}.", detail=str(exc)
        ) from exc
    return digest.hexdigest()


class TempCopies:
    """LocalCopies under `root`: each opened file gets a folder of its own (mkdtemp)."""

    def __init__(self, root: str | None = None) -> None:
        self.root = root or default_open_root()

    def new_folder(self) -> str:
        try:
            os.makedirs(self.root, exist_ok=True)
            return tempfile.mkdtemp(prefix=FOLDER_PREFIX, dir=self.root)
        except OSError as exc:
            raise LocalFileError(
                f"Could not make a folder for the opened file in “{self.root}”: {exc.strerror or exc}.",
                detail=str(exc),
            ) from exc

    def snapshot(self, path: str) -> CopyState | None:
        try:
            stat = os.stat(path)
        except OSError:
            return None
        return CopyState(stat.st_size, stat.st_mtime_ns)

    def md5(self, path: str) -> str:
        return file_md5(path)

    # -- cleaning ---------------------------------------------------------------------------

    def write_record(self, opened: OpenedFile, saved_at: float) -> None:
        folder = os.path.dirname(opened.local_path)
        record = {
            "account_id": opened.account_id, "bucket": opened.bucket, "key": opened.key,
            "name": os.path.basename(opened.local_path), "md5": opened.md5, "size": opened.state.size,
            "mtime_ns": opened.state.mtime_ns, "verified": opened.verified, "saved_at": saved_at, "etag": opened.etag,
        }  # fmt: skip
        path = folder + RECORD_SUFFIX
        try:
            fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".record-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(record, handle)
            os.replace(tmp, path)
        except OSError as exc:  # the copy still works; it is only not cleaned after a restart
            log.warning("could not record the opened copy %s: %s", opened.name, exc)

    def copies_on_disk(self) -> list[CopyOnDisk]:
        try:
            entries = [e for e in os.scandir(self.root) if e.name.startswith(FOLDER_PREFIX) and e.is_dir()]
        except OSError:
            return []  # no cache folder yet: nothing to clean
        return [self._copy_in(entry.path) for entry in entries]

    def _copy_in(self, folder: str) -> CopyOnDisk:
        try:
            names = os.listdir(folder)
            times = [os.stat(folder).st_mtime, *(os.stat(os.path.join(folder, n)).st_mtime for n in names)]
        except OSError:
            names, times = ["?"], [0.0]  # unreadable: judged as holding something, so kept
        opened, saved_at = _read_record(folder)
        recorded = os.path.basename(opened.local_path) if opened is not None else None
        others = tuple(sorted(n for n in names if n != recorded and not n.endswith(PARTIAL_SUFFIX)))
        if opened is None:
            return CopyOnDisk(folder, None, max(times), None, others)
        return CopyOnDisk(folder, opened, saved_at, self.snapshot(opened.local_path), others)

    def remove(self, folder: str) -> None:
        folder = os.path.dirname(folder) if os.path.isfile(folder) else folder
        real = os.path.realpath(folder)
        if os.path.dirname(real) != os.path.realpath(self.root) or not os.path.basename(real).startswith(
            FOLDER_PREFIX
        ):
            raise LocalFileError(f"“{folder}” is not an opened copy's folder: it was left as it is.")
        # Delete by name, never the whole tree: a file saved beside the copy since it was
        # judged stays (and so does the folder, with its record).
        opened, _ = _read_record(real)
        recorded = os.path.basename(opened.local_path) if opened is not None else None
        try:
            names = os.listdir(real)
            others = [n for n in names if n != recorded and not n.endswith(PARTIAL_SUFFIX)]
            if others:
                raise LocalFileError(
                    f"The opened copy in “{folder}” was kept: its folder holds other files ({', '.join(others)})."
                )
            for name in names:
                os.unlink(os.path.join(real, name))
            os.rmdir(real)
            Path(real + RECORD_SUFFIX).unlink(missing_ok=True)
        except OSError as exc:
            raise LocalFileError(
                f"Could not remove the opened copy in “{folder}”: {exc.strerror or exc}.", detail=str(exc)
            ) from exc

    def in_use(self, path: str) -> bool | None:
        return file_in_use(path)


def _read_record(folder: str) -> tuple[OpenedFile | None, float]:
    """The baseline recorded for the copy in `folder`, and when; (None, 0) when there is none."""
    try:
        with open(folder + RECORD_SUFFIX, encoding="utf-8") as handle:
            raw: Any = json.load(handle)
        name = str(raw["name"])
        if not name or name in (".", "..") or os.path.basename(name) != name:
            raise ValueError(f"not a file name: {name!r}")
        opened = OpenedFile(
            str(raw["account_id"]), str(raw["bucket"]), str(raw["key"]), os.path.join(folder, name),
            str(raw["md5"]), CopyState(int(raw["size"]), int(raw["mtime_ns"])), str(raw.get("verified", "")), str(raw.get("etag", "")),
        )  # fmt: skip
        return opened, float(raw["saved_at"])
    except FileNotFoundError:
        return None, 0.0
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("the record of the opened copy %s is unreadable: %s", os.path.basename(folder), exc)
        return None, 0.0


def file_in_use(path: str) -> bool | None:
    """Whether a process of this user holds `path` open (Linux: /proc/*/fd); None elsewhere."""
    if not sys.platform.startswith("linux") or not os.path.isdir("/proc/self/fd"):
        return None
    target = os.path.realpath(path)
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        fd_dir = f"/proc/{pid}/fd"
        try:
            fds = os.listdir(fd_dir)
        except OSError:  # another user's process, or one that just ended
            continue
        for fd in fds:
            try:
                if os.readlink(f"{fd_dir}/{fd}") == target:
                    return True
            except OSError:
                continue
    return False
