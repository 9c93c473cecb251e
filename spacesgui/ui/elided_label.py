"""A one-line label that ends with “…” when its room is too narrow, whole in its tooltip.

A QLabel cuts text at its edge with no sign that more was there: in a narrow window the
status bar read "3 folders, 4 objects · :". The label keeps its whole text (text() is
unchanged); only the drawing is cut. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QStyleOption


class ElidedLabel(QLabel):
    """Plain text only, one line."""

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def paintEvent(self, event: QPaintEvent) -> None:
        rect = self.contentsRect()
        metrics = self.fontMetrics()
        text = self.text()
        if metrics.horizontalAdvance(text) <= rect.width():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        self.style().drawItemText(
            painter,
            rect,
            int(self.alignment()),
            option.palette,
            self.isEnabled(),
            elided,
            self.foregroundRole(),
        )
        painter.end()
