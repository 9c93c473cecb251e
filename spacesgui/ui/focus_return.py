"""A panel hidden while it has the keyboard gives it back to the rows, not to the next widget Qt finds.

Hiding the Transfers panel (Ctrl+Shift+T) with the keyboard in it sent the focus to Find
in Space's name field, text selected: Up and F2 then did nothing to the files (found by a
keyboard-only new-user pass). Qt moves the focus of a hidden widget after its hide event:
the event notes that the focus was inside, and the rows take it once Qt is done.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


class _FocusBack(QObject):
    def __init__(self, panel: QWidget, focus_rows: Callable[[], object]) -> None:
        super().__init__(panel)
        self._panel = panel
        self._focus_rows = focus_rows

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._panel and event.type() == QEvent.Type.Hide:
            focused = QApplication.focusWidget()
            if focused is not None and (focused is self._panel or self._panel.isAncestorOf(focused)):
                QTimer.singleShot(0, self._panel, self._focus_rows)
        return False


def give_focus_back_on_hide(panel: QWidget, focus_rows: Callable[[], object]) -> None:
    """When `panel` hides with the keyboard in it, call `focus_rows` (the rows take the keyboard)."""
    panel.installEventFilter(_FocusBack(panel, focus_rows))
