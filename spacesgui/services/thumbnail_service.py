"""Thumbnails for the icons view: asked for by the cells on screen, a few fetched at once.

Each request goes: memory (the last MEMORY_ITEMS thumbnails) → the disk cache (by
endpoint, Space, key and ETag) → one GET of the picture, decoded and scaled on a worker.
Requests wait in a stack, newest first, and at most `parallel` run at once; scrolling
drops the waiting ones (`drop_waiting`), and the cells then on screen ask again.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from spacesgui.core.errors import NotSupported, SpacesError
from spacesgui.core.ports import ObjectReader, ThumbnailCache
from spacesgui.core.preview import THUMBNAIL_MAX_BYTES, THUMBNAIL_SIZE, thumbnail_key
from spacesgui.services.account_service import AccountService
from spacesgui.services.image_decode import decode_image, encode_png
from spacesgui.services.runner import TaskRunner

log = logging.getLogger(__name__)

PARALLEL_FETCHES = 4  # GETs at once: smooth scrolling without crowding out the listings
MEMORY_ITEMS = 600  # 128 px thumbnails: about 40 MB at most


@dataclass(frozen=True, slots=True)
class _Wanted:
    key: str
    etag: str
    size: int


class ThumbnailService(QObject):
    """Thumbnails of one folder's pictures.

    Called on the GUI thread. Reading the cache, the GET, decoding and encoding run on
    the TaskRunner's workers. `thumbnail_ready` comes on the GUI thread, once per key
    fetched for the current place (a null QImage: the picture could not be read; it is
    not asked for again until the place changes).
    """

    thumbnail_ready = Signal(str, object)  # key, QImage

    def __init__(
        self,
        runner: TaskRunner,
        accounts: AccountService,
        cache: ThumbnailCache | None = None,
        parent: QObject | None = None,
        *,
        parallel: int = PARALLEL_FETCHES,
    ) -> None:
        super().__init__(parent)
        self._runner, self._accounts, self._cache = runner, accounts, cache
        self._parallel = parallel
        self._place = ("", "")
        self._generation = 0
        self._memory: OrderedDict[str, QImage] = OrderedDict()
        self._failed: set[str] = set()
        self._waiting: OrderedDict[str, _Wanted] = OrderedDict()
        self._running: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def set_place(self, account_id: str, bucket: str) -> None:
        """Start over for another Space: drop what waits, ignore what runs."""
        if (account_id, bucket) == self._place:
            return
        self._place = (account_id, bucket)
        self._generation += 1
        self._memory.clear()
        self._failed.clear()
        self._waiting.clear()
        self._running.clear()

    def thumbnail(self, key: str) -> QImage | None:
        """The thumbnail of `key` if it is in memory (a null image: none can be made)."""
        image = self._memory.get(key)
        if image is not None:
            self._memory.move_to_end(key)
        return image

    def request(self, key: str, etag: str, size: int) -> None:
        """Ask for the thumbnail of `key`; `thumbnail_ready` says when it is there."""
        if key in self._memory or key in self._running or key in self._failed or not self._place[1]:
            return
        self._waiting[key] = _Wanted(key, etag, size)
        self._waiting.move_to_end(key)  # newest first: the cells on screen now
        self._pump()

    def drop_waiting(self) -> None:
        """Forget requests not started yet (the cells scrolled away)."""
        self._waiting.clear()

    @property
    def running(self) -> int:
        return len(self._running)

    @property
    def busy(self) -> bool:
        return bool(self._running or self._waiting)

    def _pump(self) -> None:
        while self._waiting and len(self._running) < self._parallel:
            _, wanted = self._waiting.popitem(last=True)
            self._running.add(wanted.key)
            task = self._runner.spawn(self._fetch(self._generation, wanted), name=f"thumbnail {wanted.key}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _fetch(self, generation: int, wanted: _Wanted) -> None:
        account_id, bucket = self._place
        image = QImage()
        try:
            store = await self._accounts.store(account_id)
            if not isinstance(store, ObjectReader):
                raise NotSupported("This account's storage cannot read files for thumbnails.")
            endpoint = self._accounts.account(account_id).endpoint_url
            name = thumbnail_key(endpoint, bucket, wanted.key, wanted.etag)
            image = await self._runner.run(self._make, store, bucket, wanted, name)
        except SpacesError as error:
            log.info("no thumbnail of s3://%s/%s: %s", bucket, wanted.key, error.detail or error.message)
        finally:
            if generation == self._generation:
                self._running.discard(wanted.key)
        if generation != self._generation:
            return
        if image.isNull():
            self._failed.add(wanted.key)
        else:
            self._memory[wanted.key] = image
            while len(self._memory) > MEMORY_ITEMS:
                self._memory.popitem(last=False)
        self.thumbnail_ready.emit(wanted.key, image)
        self._pump()

    def _make(self, store: ObjectReader, bucket: str, wanted: _Wanted, name: str) -> QImage:
        """The thumbnail from the disk cache, else from a GET (then cached). Worker thread."""
        if self._cache is not None and (data := self._cache.get(name)) is not None:
            image, _ = decode_image(data, THUMBNAIL_SIZE)
            if not image.isNull():
                return image
        start = store.read_start(bucket, wanted.key, THUMBNAIL_MAX_BYTES)
        if start.truncated:  # bigger than listed: not decoded from a part
            return QImage()
        image, why = decode_image(start.data, THUMBNAIL_SIZE)
        if image.isNull():
            log.info("no thumbnail of s3://%s/%s: %s", bucket, wanted.key, why)
            return image
        if self._cache is not None:
            self._cache.put(name, encode_png(image))
        return image
