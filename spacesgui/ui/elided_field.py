"""A read-only value that fits its room: “https://bucket…/photos/IMG_0042.jpg”, whole on focus.

A QLineEdit cuts a long value at its right edge with no sign that more is there, and a
URL's or key's end (the file name) is what tells one value from the next. Unfocused, a
value too wide is drawn with “…” in its middle; focused (clicked, tabbed to), it is the
plain line edit again, so it can be scrolled, selected and copied whole. The tooltip
always holds the whole value.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QLineEdit, QStyle, QStyleOptionFrame, QWidget

# QLineEdit keeps this many pixels between its text and its contents' edges (Qt's own value).
SIDE_MARGIN = 2


class ElidedField(QLineEdit):
    """Read-only, frameless and transparent: a value in a form. GUI thread only."""

    def __init__(
        self, parent: QWidget | None = None, *, elide: Qt.TextElideMode = Qt.TextElideMode.ElideMiddle
    ) -> None:
        super().__init__(parent)
        self._elide = elide  # the middle for addresses and keys; the end for a sentence
        self.setReadOnly(True)
        self.setFrame(False)
        self.setStyleSheet("QLineEdit { background: transparent; }")
        self.textChanged.connect(self._on_text_changed)

    def _on_text_changed(self, text: str) -> None:
        self.setToolTip(text)
        self.setCursorPosition(0)  # when focused, the value starts at its beginning

    def _text_rect(self) -> tuple[int, int, int, int]:
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        rect = self.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, self)
        margins = self.textMargins()
        rect = rect.adjusted(
            margins.left() + SIDE_MARGIN, margins.top(), -margins.right() - SIDE_MARGIN, -margins.bottom()
        )
        return rect.x(), rect.y(), rect.width(), rect.height()

    def shown_text(self) -> str:
        """What is drawn while unfocused: the value, or it with “…” (in its middle, or at its
        end) when too wide."""
        text = self.text()
        if self.hasFocus():
            return text
        width = self._text_rect()[2]
        return self.fontMetrics().elidedText(text, self._elide, max(width, 0))

    def paintEvent(self, event: QPaintEvent) -> None:
        shown = self.shown_text()
        if shown == self.text():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        x, y, width, height = self._text_rect()
        flags = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        painter.drawText(x, y, width, height, int(flags), shown)
        painter.end()
