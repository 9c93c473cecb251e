"""A “More Options” arrow that shows and hides a dialog's less used fields.

Cyberduck and Transmit show the four or five fields every account needs and keep the rest
(addressing style, upload defaults, a private CA) under such a control; spacesgui's Add
Account showed all eleven at once, which a new-user pass found overwhelming.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QToolButton, QVBoxLayout, QWidget


class Disclosure(QWidget):
    """`button` opens and closes `body`; closed at first. A dialog shrinks back when it closes."""

    def __init__(self, text: str, body: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body = body
        self.button = QToolButton(self)
        self.button.setText(text)
        self.button.setCheckable(True)
        self.button.setAutoRaise(True)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setArrowType(Qt.ArrowType.RightArrow)
        self.button.toggled.connect(self._on_button_toggled)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(body)
        body.setVisible(False)

    @property
    def is_open(self) -> bool:
        return self.button.isChecked()

    def set_open(self, on: bool) -> None:
        self.button.setChecked(on)  # toggled does the rest (nothing when unchanged)

    def _on_button_toggled(self, on: bool) -> None:
        self.button.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.body.setVisible(on)
        window = self.window()
        if isinstance(window, QDialog) and window.isVisible():
            self._fit(window)

    def _fit(self, window: QDialog) -> None:
        """Give `window` the height its fields need at its width, now.

        Qt grows a dialog only to its new minimum (a wrapped note then overlaps what follows
        it) and never shrinks it for what is hidden.
        """
        for layout in (self.layout(), window.layout()):  # the body in or out of both, now
            if layout is not None:
                layout.invalidate()
                layout.activate()
        layout = window.layout()
        width = window.width()
        if layout is not None and layout.hasHeightForWidth():
            height = layout.totalHeightForWidth(width)
        else:
            height = window.sizeHint().height()
        window.resize(width, max(height, window.minimumHeight()))
