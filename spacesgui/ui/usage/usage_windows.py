"""Space → Space Usage… and a folder's Folder Usage…: one window per Space or folder counted."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from spacesgui.services.usage_service import UsageScan, UsageService
from spacesgui.ui.usage.usage_window import UsageWindow

# Opens the Incomplete Uploads dialog of (account id, Space), when the window has transfers.
OpenIncomplete = Callable[[str, str], None]
CurrentPlace = Callable[[], tuple[str, str] | None]  # (account id, Space) open now, if any


class UsageWindows(QObject):
    """Opens and keeps the usage windows of a main window. GUI thread only."""

    def __init__(
        self,
        service: UsageService,
        current_place: CurrentPlace,
        parent: QWidget,
        open_incomplete: OpenIncomplete | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._current_place = current_place
        self._parent = parent
        self._open_incomplete = open_incomplete
        self._windows: dict[tuple[str, str, str], UsageWindow] = {}
        self.space_action = QAction("Space Usage…", parent)
        self.space_action.setObjectName("spaceUsageAction")
        self.space_action.setStatusTip("Where the open Space's bytes go: folders by size, storage classes")
        self.space_action.triggered.connect(self.open_current_space)

    def update_enabled(self) -> None:
        self.space_action.setEnabled(self._current_place() is not None)

    def open_current_space(self) -> None:
        place = self._current_place()
        if place is not None:
            self.open(place[0], place[1])

    def open(self, account_id: str, bucket: str, prefix: str = "") -> UsageWindow:
        """Show the usage of `bucket`/`prefix`: its open window, raised, or a new one that counts."""
        key = (account_id, bucket, prefix)
        window = self._windows.get(key)
        if window is not None:
            window.showNormal()
            window.raise_()
            window.activateWindow()
            return window

        def rescan() -> UsageScan:
            return self._service.scan(account_id, bucket, prefix)

        open_incomplete = None
        if self._open_incomplete is not None:
            opener = self._open_incomplete

            def open_incomplete() -> None:
                opener(account_id, bucket)

        place_name = f"{bucket}/{prefix}" if prefix else bucket
        place_name += f" — {self._service.account_name(account_id)}"
        window = UsageWindow(rescan(), place_name, rescan, open_incomplete, self._parent)
        window.closed.connect(lambda: self._windows.pop(key, None))
        self._windows[key] = window
        window.show()
        return window

    def open_windows(self) -> list[UsageWindow]:
        return list(self._windows.values())
