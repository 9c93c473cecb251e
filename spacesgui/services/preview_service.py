"""The preview of the selected object: its first bytes, decoded off the GUI thread.

One preview at a time: `show` cancels the one in flight, so a quick run of selection
changes ends with the preview of the last one and never shows an older result.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass, field, replace
from functools import partial

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from spacesgui.core.errors import Cancelled, NoSuchBucket, NotConfigured, NotFound, NotSupported, SpacesError
from spacesgui.core.formatting import human_size
from spacesgui.core.operations import ObjectDetails
from spacesgui.core.ports import ObjectOperations, ObjectReader
from spacesgui.core.preview import (
    PREVIEW_IMAGE_SIZE,
    ObjectStart,
    PreviewKind,
    decode_text,
    looks_binary,
    parse_csv,
    plan_preview,
    pretty_json,
)
from spacesgui.services.account_service import AccountService
from spacesgui.services.image_decode import decode_image
from spacesgui.services.runner import TaskRunner

log = logging.getLogger(__name__)

GONE = (
    "It is no longer on the server: another tool may have moved or deleted it. The list is being refreshed."
)


@dataclass(frozen=True, slots=True, eq=False)
class Preview:
    """What the pane shows of one object. `error` set: it could not be read (say why)."""

    request: int
    key: str
    kind: PreviewKind
    size: int = 0
    content_type: str = ""
    last_modified: float = 0.0
    metadata: dict[str, str] = field(default_factory=dict)
    text: str = ""
    image: QImage | None = None
    rows: tuple[tuple[str, ...], ...] = ()
    details: ObjectDetails | None = None
    note: str = ""
    error: SpacesError | None = None


class PreviewService(QObject):
    """Loads previews for the GUI, one at a time.

    `show` is called on the GUI thread; the GET, the decoding (text, JSON, CSV, pictures
    with QImageReader) run on the TaskRunner's workers. `preview_ready` is emitted on
    the GUI thread, only for the request `show` last returned; a cancelled or superseded
    request emits nothing.
    """

    preview_ready = Signal(object)  # Preview
    # account id, bucket, key: a read found the object gone, so the list shown is out of date
    object_gone = Signal(str, str, str)

    def __init__(self, runner: TaskRunner, accounts: AccountService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._accounts = accounts
        self._request = 0
        self._task: asyncio.Task[None] | None = None
        self._stop = threading.Event()  # set: the worker reading for the current request stops

    @property
    def current_request(self) -> int:
        return self._request

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def show(self, account_id: str, bucket: str, key: str, size: int) -> int:
        """Start the preview of `key` (`size` bytes, as listed), cancelling the one in flight."""
        self.cancel()
        request = self._request
        self._stop = threading.Event()
        self._task = self._runner.spawn(
            self._load(request, account_id, bucket, key, size), name=f"preview {key}"
        )
        return request

    def cancel(self) -> None:
        """Forget the preview in flight: its result will not be emitted."""
        self._request += 1
        self._stop.set()
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None

    async def _load(self, request: int, account_id: str, bucket: str, key: str, size: int) -> None:
        try:
            preview = await self._build(request, account_id, bucket, key, size)
        except Cancelled:
            return  # the user moved on
        except SpacesError as error:
            log.info("preview of s3://%s/%s failed: %s", bucket, key, error.detail or error.message)
            gone = isinstance(error, NotFound) and not isinstance(error, NoSuchBucket | NotConfigured)
            why = GONE if gone else error.message
            preview = Preview(request, key, PreviewKind.DETAILS, size=size, error=error, note=why)
            if gone:
                self.object_gone.emit(account_id, bucket, key)
        if request == self._request:  # still the one asked for (GUI thread: no race)
            self.preview_ready.emit(preview)

    async def _build(self, request: int, account_id: str, bucket: str, key: str, size: int) -> Preview:
        plan = plan_preview(key, size)
        if plan.kind == PreviewKind.FOLDER:
            return Preview(request, key, PreviewKind.FOLDER)
        store = await self._accounts.store(account_id)
        if plan.kind == PreviewKind.DETAILS:
            if not isinstance(store, ObjectOperations):
                raise NotSupported("This account's storage cannot describe files here.")
            details = await self._runner.run(store.head_details, bucket, key)
            return Preview(
                request, key, PreviewKind.DETAILS, size=details.size,
                content_type=details.headers.content_type, last_modified=details.last_modified,
                metadata=dict(details.headers.metadata), details=details, note=plan.note,
            )  # fmt: skip
        if not isinstance(store, ObjectReader):
            raise NotSupported("This account's storage cannot read files for a preview.")
        read = partial(store.read_start, bucket, key, plan.max_bytes, stop=self._stop.is_set)
        start = await self._runner.run(read)
        return await self._runner.run(_decoded, request, plan.kind, start)


def _decoded(request: int, kind: PreviewKind, start: ObjectStart) -> Preview:
    """The preview of `start` as `kind`. Worker thread."""
    base = Preview(
        request, start.key, kind, size=start.size, content_type=start.content_type,
        last_modified=start.last_modified, metadata=start.metadata,
    )  # fmt: skip
    if kind == PreviewKind.IMAGE:
        image, why = decode_image(start.data, PREVIEW_IMAGE_SIZE)
        if image.isNull():
            log.info("no preview picture of %s: %s", start.key, why)
            return replace(base, kind=PreviewKind.DETAILS, note=f"This picture could not be shown: {why}")
        return replace(base, image=image)
    if looks_binary(start.data):
        return replace(base, kind=PreviewKind.DETAILS, note="This file holds binary data, not text.")
    text = decode_text(start.data, truncated=start.truncated)
    note = (
        f"Showing the first {human_size(len(start.data))} of {human_size(start.size)}."
        if start.truncated
        else ""
    )
    if kind == PreviewKind.JSON:
        pretty, parsed = pretty_json(text)
        if not parsed and not start.truncated:
            note = "This is not valid JSON; shown as it is."
        return replace(base, text=pretty, note=note)
    if kind == PreviewKind.CSV:
        rows = parse_csv(text, tab=start.key.lower().endswith(".tsv"))
        return replace(base, rows=tuple(tuple(r) for r in rows), text=text, note=note)
    return replace(base, text=text, note=note)
