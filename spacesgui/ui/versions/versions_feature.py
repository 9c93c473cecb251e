"""Show Versions on a file or folder: the action, and one Versions window per file or folder.

GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from spacesgui.core.listing import ObjectRef
from spacesgui.services.version_service import VersionService
from spacesgui.ui.browser_context import BrowserContext
from spacesgui.ui.versions.versions_window import VersionsWindow


class VersionsFeature(QObject):
    """Owns Show Versions; a change made in a Versions window refreshes the browser's folder."""

    def __init__(self, window: QWidget, context: BrowserContext, service: VersionService) -> None:
        super().__init__(window)
        self._parent, self._context, self._service = window, context, service
        self.windows: dict[tuple[str, str, str], VersionsWindow] = {}
        # The selected deleted rows (shown on request), which the context's selection leaves out.
        self.deleted_refs: Callable[[], list[ObjectRef]] = list
        self.action = QAction("Show Versions…", window)
        self.action.setObjectName("showVersionsAction")
        self.action.setStatusTip("Every stored version and delete marker of the selected file or folder")
        self.action.triggered.connect(self.open_selected)
        window.addAction(self.action)
        service.objects_changed.connect(self._on_service_objects_changed)

    def update_enabled(self) -> None:
        place = self._context.place
        self.action.setEnabled(place is not None and bool(place.bucket) and len(self._refs()) == 1)

    def _refs(self) -> list[ObjectRef]:
        return [*self._context.selected_refs(), *self.deleted_refs()]

    def open_selected(self) -> VersionsWindow | None:
        place, refs = self._context.place, self._refs()
        if place is None or not place.bucket or len(refs) != 1:
            self._context.show_message("Select one file or folder first.", level="info")
            return None
        return self.open(place.account_id, place.bucket, refs[0].key)

    def open(self, account_id: str, bucket: str, target: str) -> VersionsWindow:
        """The Versions window of `target` (made, or raised and listed again)."""
        key = (account_id, bucket, target)
        window = self.windows.get(key)
        if window is None:
            window = VersionsWindow(
                self._service, self._context.spawn, account_id, bucket, target, self._parent
            )
            window.destroyed.connect(lambda: self.windows.pop(key, None))
            self.windows[key] = window
        else:
            window.reload()
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def _on_service_objects_changed(self, account_id: str, bucket: str, prefixes: frozenset[str]) -> None:
        place = self._context.place
        if place is not None and (place.account_id, place.bucket) == (account_id, bucket):
            self._context.refresh_loaded(set(prefixes))
