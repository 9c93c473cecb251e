"""Window → Activity: the action, and the one activity window it opens. GUI thread only."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from spacesgui.services.activity_service import ActivityService
from spacesgui.ui.activity.activity_window import ActivityWindow, Spawner


class ActivityFeature(QObject):
    """Owns the Activity action; the window is made on first use and kept while the app runs."""

    def __init__(self, window: QWidget, service: ActivityService, spawn: Spawner) -> None:
        super().__init__(window)
        self._parent, self._service, self._spawn = window, service, spawn
        self.window: ActivityWindow | None = None
        self.action = QAction("Activity", window)
        self.action.setObjectName("showActivityAction")
        self.action.setShortcut("Ctrl+Shift+Y")
        self.action.setStatusTip("Every change this app made: Spaces, files, settings, accounts")
        self.action.triggered.connect(self.open)
        window.addAction(self.action)

    def open(self) -> ActivityWindow:
        """Show the activity window (made the first time), raised above the main window."""
        if self.window is None:
            self.window = ActivityWindow(self._service, self._spawn, self._parent)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        return self.window
