"""Cells whose text is cut in the middle when it does not fit, as Finder cuts file names.

Cut at the end, names that differ only at their end ("report-Q1.pdf", "report-Q2.pdf",
"cover (copy).png") all read the same, and the extension is lost.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem


class MiddleElideDelegate(QStyledItemDelegate):
    """A plain cell, its text elided in the middle."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        cell = QStyleOptionViewItem(option)
        cell.textElideMode = Qt.TextElideMode.ElideMiddle
        super().paint(painter, cell, index)
