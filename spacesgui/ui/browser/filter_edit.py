"""The filter box."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit


class FilterEdit(QLineEdit):
    """The filter box; Esc clears it, as in every file manager, and Esc in the empty box gives
    the keyboard back to the rows (`left`); Down or Enter goes on to the rows it left
    (`rows_requested`, on the first), as from a file manager's search field."""

    rows_requested = Signal()
    left = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            if self.text():
                self.clear()
            else:
                self.left.emit()
            return
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        if plain and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.rows_requested.emit()
            return
        super().keyPressEvent(event)
