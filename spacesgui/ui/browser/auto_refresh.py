"""The auto-refresh interval: a timer, and the View menu entries that choose it."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

CHOICES = (
    (0, "Off (Refresh on Focus and F5)"),
    (15, "Every 15 Seconds"),
    (30, "Every 30 Seconds"),
    (60, "Every Minute"),
    (300, "Every 5 Minutes"),
)


class AutoRefresh(QObject):
    timeout = Signal()  # time to re-list what is on screen
    interval_chosen = Signal(int)  # seconds, 0 = off; chosen by the user in the menu

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.timeout)
        self.menu = QMenu("Auto-&Refresh", parent)
        self.menu.setObjectName("autoRefreshMenu")
        group = QActionGroup(self)
        self.actions: dict[int, QAction] = {}
        for seconds, label in CHOICES:
            action = QAction(label, self, checkable=True)
            action.triggered.connect(lambda _=False, s=seconds: self._on_action_triggered(s))
            group.addAction(action)
            self.menu.addAction(action)
            self.actions[seconds] = action

    @property
    def interval(self) -> int:
        return self._timer.interval() // 1000 if self._timer.isActive() else 0

    def set_interval(self, seconds: int) -> None:
        if seconds > 0:
            self._timer.start(seconds * 1000)
        else:
            self._timer.stop()
        action = self.actions.get(seconds)
        if action is not None:
            action.setChecked(True)

    def _on_action_triggered(self, seconds: int) -> None:
        self.set_interval(seconds)
        self.interval_chosen.emit(seconds)
