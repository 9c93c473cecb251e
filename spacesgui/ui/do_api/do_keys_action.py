"""File → DigitalOcean Keys…: opens the one DigitalOcean keys window (made on first use)."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from spacesgui.services.account_service import AccountService
from spacesgui.services.do_api_service import DoApiService
from spacesgui.ui.do_api.do_keys_window import DoKeysWindow, Spawner


class DoKeysAction(QObject):
    """The menu action and the window it shows. GUI thread only."""

    def __init__(
        self, service: DoApiService, accounts: AccountService, spawn: Spawner, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.service, self._accounts, self._spawn, self._parent = service, accounts, spawn, parent
        self.window: DoKeysWindow | None = None
        self.action = QAction("DigitalOcean Keys…", parent)
        self.action.setObjectName("doKeysAction")
        self.action.setStatusTip("Create, rename and delete Spaces access keys with a DigitalOcean API token")
        self.action.triggered.connect(self.open)

    def open(self) -> DoKeysWindow:
        if self.window is None:
            self.window = DoKeysWindow(self.service, self._accounts, self._spawn, self._parent)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        self.window.refresh()
        return self.window
