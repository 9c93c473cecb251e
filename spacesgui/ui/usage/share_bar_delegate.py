"""Paints a row's share of the whole as a bar, beside its percentage (not under it: the two ran
into each other)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from spacesgui.qtmodels.usage_model import UsageRole

TEXT_GAP = 8  # between the bar's room and the percentage, right-aligned after it


class ShareBarDelegate(QStyledItemDelegate):
    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        share = index.data(UsageRole.SHARE)
        if isinstance(share, float) and share > 0:
            label = option.fontMetrics.horizontalAdvance(str(index.data() or "")) + TEXT_GAP
            rect = QRectF(option.rect).adjusted(3, 4, -3 - label, -4)
            rect.setWidth(max(rect.width() * min(share, 1.0), 1.5))
            colour = QColor(option.palette.color(QPalette.ColorRole.Highlight))
            colour.setAlphaF(0.45)
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(rect, 2, 2)
            painter.restore()
        super().paint(painter, option, index)
