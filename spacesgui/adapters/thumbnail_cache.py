"""Thumbnails on disk: one file per thumbnail, the least recently used removed past a size limit.

Files live in the platformdirs cache folder under `thumbnails/`, named by
`core.preview.thumbnail_key` (endpoint, Space, key, ETag), so a changed object is a new
entry and no key or name ever appears in a file name. Reading a thumbnail touches its
mtime; when the folder grows past `max_bytes`, the oldest mtimes go first.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from pathlib import Path

import platformdirs

from spacesgui.adapters.settings import APP_NAME

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
SUFFIX = ".thumb"
# Trim to this share of the limit, so a full cache is not trimmed on every write.
TRIM_TO = 0.8


def default_thumbnail_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "thumbnails"


class DiskThumbnailCache:
    """A ThumbnailCache in one folder. Thread-safe (one lock); blocking, call from workers.

    A cache is a convenience: a file it cannot read or write is logged and treated as a
    miss, never raised.
    """

    def __init__(self, folder: Path | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = folder or default_thumbnail_dir()
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._total: int | None = None  # bytes in the folder, counted on first write

    def _path(self, name: str) -> Path:
        if not name.isalnum():
            raise ValueError(f"not a thumbnail name: {name!r}")
        return self.folder / name[:2] / f"{name}{SUFFIX}"

    def get(self, name: str) -> bytes | None:
        path = self._path(name)
        try:
            data = path.read_bytes()
            os.utime(path)  # recently used
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.info("thumbnail cache: cannot read %s: %s", path.name, exc)
            return None
        return data

    def put(self, name: str, data: bytes) -> None:
        path = self._path(name)
        with self._lock:
            before = self._count()  # counted before this file is written
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                old = path.stat().st_size if path.exists() else 0
                part = path.with_suffix(f".{threading.get_ident()}.part")
                part.write_bytes(data)
                part.replace(path)
            except OSError as exc:
                log.info("thumbnail cache: cannot write %s: %s", path.name, exc)
                return
            total = before + len(data) - old
            self._total = total
            if total > self.max_bytes:
                self._trim()

    def total_bytes(self) -> int:
        with self._lock:
            return self._count()

    def _count(self) -> int:
        if self._total is None:
            self._total = sum(size for _, size, _ in self._entries())
        return self._total

    def _entries(self) -> list[tuple[float, int, Path]]:
        entries = []
        for path in self.folder.glob(f"*/*{SUFFIX}"):
            with contextlib.suppress(OSError):
                stat = path.stat()
                entries.append((stat.st_mtime, stat.st_size, path))
        return entries

    def _trim(self) -> None:
        """Remove the least recently used thumbnails until under TRIM_TO of the limit. Locked."""
        entries = sorted(self._entries())
        total = sum(size for _, size, _ in entries)
        goal = int(self.max_bytes * TRIM_TO)
        for _, size, path in entries:
            if total <= goal:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size
        self._total = total
        log.debug("thumbnail cache trimmed to %d bytes", total)
