"""Temporary copies of opened files: their folders, and what each copy holds now.

Blocking; call from worker threads (snapshot is a stat and may run anywhere).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import platformdirs

from spacesgui.adapters.settings import APP_NAME
from spacesgui.core.errors import LocalFileError
from spacesgui.core.opened_files import CopyState

BLOCK = 1024 * 1024


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
            return tempfile.mkdtemp(prefix="open-", dir=self.root)
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
