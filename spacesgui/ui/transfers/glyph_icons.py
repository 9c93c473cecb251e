"""Small icons drawn in the palette's button-text colour, for places where a stock icon vanishes.

The stock title-bar and toolbar-extension icons of some styles (Fusion among them) are
fixed dark pixmaps, invisible on a dark palette. These are drawn for the palette in
use and drawn again when it changes. GUI thread only.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPen, QPixmap

SIZE = 16  # logical pixels; drawn at 2x so it stays sharp on high-DPI screens
SCALE = 2


class Glyph(Enum):
    CLOSE = "close"  # ✕
    FLOAT = "float"  # two overlapping windows
    MORE = "more"  # » (toolbar overflow)


def glyph_icon(glyph: Glyph, palette: QPalette) -> QIcon:
    """`glyph` in ButtonText, with a disabled variant in the disabled ButtonText colour."""
    icon = QIcon()
    for mode, group in (
        (QIcon.Mode.Normal, QPalette.ColorGroup.Active),
        (QIcon.Mode.Disabled, QPalette.ColorGroup.Disabled),
    ):
        icon.addPixmap(_pixmap(glyph, palette.color(group, QPalette.ColorRole.ButtonText)), mode)
    return icon


def _pixmap(glyph: Glyph, colour: QColor) -> QPixmap:
    pixmap = QPixmap(SIZE * SCALE, SIZE * SCALE)
    pixmap.setDevicePixelRatio(SCALE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(colour, 1.6)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        if glyph == Glyph.CLOSE:
            painter.drawLine(QPointF(4.5, 4.5), QPointF(11.5, 11.5))
            painter.drawLine(QPointF(11.5, 4.5), QPointF(4.5, 11.5))
        elif glyph == Glyph.FLOAT:
            painter.drawRect(QRectF(6.5, 3.5, 6.5, 6.5))
            painter.drawRect(QRectF(3.5, 6.5, 6.5, 6.5))
        else:
            for x in (4.0, 8.5):
                painter.drawPolyline([QPointF(x, 4.5), QPointF(x + 3.5, 8.0), QPointF(x, 11.5)])
    finally:
        painter.end()
    return pixmap
