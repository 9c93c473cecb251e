"""Dragging objects out of the window onto the desktop or a file manager.

Qt asks the drag's data for file URLs only when something accepts the drop, so a small
selection is downloaded then (into a staging folder the drop target copies from).
A big selection would freeze the window for minutes that way: it carries no files,
and when it is dropped outside the window the user is asked for a folder instead.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QMimeData, QObject, Qt, QUrl
from PySide6.QtGui import QCursor, QDrag

from spacesgui.services.transfer_planner import DownloadItem
from spacesgui.services.transfer_service import TransferService
from spacesgui.ui.mime_types import KEYS_MIME

if TYPE_CHECKING:
    from spacesgui.ui.transfers.transfer_actions import TransferActions

log = logging.getLogger(__name__)


URI_LIST = "text/uri-list"
# Beyond these, a drag asks for a folder rather than freezing the window while it downloads.
MAX_DRAG_BYTES = 64 * 1000 * 1000
MAX_DRAG_FILES = 50
DRAG_TIMEOUT_S = 120.0


def fits_a_drag(items: list[DownloadItem]) -> bool:
    return (
        all(not i.is_folder for i in items)
        and len(items) <= MAX_DRAG_FILES
        and sum(i.size for i in items) <= MAX_DRAG_BYTES
    )


class LazyDownloadMime(QMimeData):
    """File URLs that exist only once a drop target asks for them."""

    def __init__(self, fetch: Callable[[], list[str]], keys: list[str]) -> None:
        super().__init__()
        self._fetch = fetch
        self._paths: list[str] | None = None
        self.setData(KEYS_MIME, QByteArray("\n".join(keys).encode()))

    def formats(self) -> list[str]:
        return [URI_LIST, KEYS_MIME]

    def hasFormat(self, mime_type: str) -> bool:
        return mime_type in (URI_LIST, KEYS_MIME)

    def retrieveData(self, mime_type: str, preferred: Any) -> Any:
        if mime_type != URI_LIST:
            return super().retrieveData(mime_type, preferred)
        try:
            if self._paths is None:
                self._paths = self._fetch()
            return [QUrl.fromLocalFile(p) for p in self._paths]
        except Exception:  # a virtual Qt calls: never let an error out of it
            log.exception("downloading dragged objects failed")
            return []


class DragOut(QObject):
    """Starts drags of the selected rows; owns the staging folders until the app quits."""

    def __init__(self, actions: TransferActions, service: TransferService) -> None:
        super().__init__(actions)
        self._actions = actions
        self._service = service
        self._staging: list[str] = []

    def mime_for(self, items: list[DownloadItem]) -> QMimeData:
        keys = [i.key for i in items]
        if fits_a_drag(items):
            return LazyDownloadMime(lambda: self._download(items), keys)
        mime = QMimeData()
        mime.setData(KEYS_MIME, QByteArray("\n".join(keys).encode()))
        return mime

    def _download(self, items: list[DownloadItem]) -> list[str]:
        place = self._actions.place()
        if place is None:
            return []
        folder = tempfile.mkdtemp(prefix="spacesgui-drag-")
        self._staging.append(folder)
        return self._service.download_now(place.account_id, place.bucket, items, folder, DRAG_TIMEOUT_S)

    def start(self) -> None:
        items = self._actions.selected_items()
        if not items:
            return
        window = self._actions.window()
        drag = QDrag(window.object_view)
        drag.setMimeData(self.mime_for(items))
        # Move is offered for drops on our own folder rows (the view decides); elsewhere it
        # is a copy of downloaded files.
        result = drag.exec(Qt.DropAction.CopyAction | Qt.DropAction.MoveAction, Qt.DropAction.CopyAction)
        outside = not window.frameGeometry().contains(QCursor.pos())
        if not fits_a_drag(items) and result == Qt.DropAction.IgnoreAction and outside:
            # Dropped outside the window: ask where to put a selection this big.
            self._actions.pick_destination()

    def cleanup(self) -> None:
        for folder in self._staging:
            shutil.rmtree(folder, ignore_errors=True)
        self._staging.clear()
