"""Draws the transfer queue's Progress column as a progress bar with its percentage.

A paused row's bar is grey: bytes sent before a pause can fill it, and a full bar in the
highlight colour reads as done while the file is not in the Space yet.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionProgressBar, QStyleOptionViewItem

from spacesgui.core.contrast import legible, mix
from spacesgui.core.transfers import TransferState
from spacesgui.qtmodels.legible_colors import qcolor, rgb
from spacesgui.qtmodels.transfer_model import TransferRole

log = logging.getLogger(__name__)

AnyIndex = QModelIndex | QPersistentModelIndex
MARGIN_X, MARGIN_Y = 3, 3
PAUSED_GREY = 0.3  # how far a paused bar's fill moves from the view's colour toward its text
PAUSED_CONTRAST = 5.5  # its text on it: AA (4.5) with room for antialiased strokes


class ProgressDelegate(QStyledItemDelegate):
    """Paints TransferRole.PROGRESS (0..100) as a bar; anything else as a plain cell."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._failed = False  # log the first paint failure only: paint runs many times a second

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        # An exception escaping paint() can take the process down: fall back, never raise.
        if painter is None or not painter.isActive():  # Qt would dereference it in C++
            return
        try:
            value = index.data(TransferRole.PROGRESS)
            if not isinstance(value, int) or isinstance(value, bool):
                super().paint(painter, option, index)
                return
            self._paint_bar(painter, option, index, max(0, min(100, value)))
        except Exception:
            if not self._failed:
                self._failed = True
                log.exception("progress bar paint failed (logged once)")
            try:
                super().paint(painter, option, index)
            except Exception:  # nothing more to draw with
                return

    def _paint_bar(
        self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex, value: int
    ) -> None:
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is None:
            super().paint(painter, option, index)
            return
        # The cell's own background first, so selection and alternate rows stay visible.
        background = QStyleOptionViewItem(option)
        self.initStyleOption(background, index)
        background.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter, widget)
        bar = QStyleOptionProgressBar()
        bar.initFrom(widget)
        bar.rect = option.rect.adjusted(MARGIN_X, MARGIN_Y, -MARGIN_X, -MARGIN_Y)
        bar.minimum, bar.maximum, bar.progress = 0, 100, value
        bar.text = f"{value}%"
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        if index.data(TransferRole.STATE) == TransferState.PAUSED:
            fill, text = paused_colours(bar.palette)
            bar.palette.setColor(QPalette.ColorRole.Highlight, fill)
            bar.palette.setColor(QPalette.ColorRole.HighlightedText, text)
        painter.save()
        try:
            style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)
        finally:
            painter.restore()


def paused_colours(palette: QPalette) -> tuple[QColor, QColor]:
    """A paused bar's fill and the text over it: a grey between the view and its text, kept
    far enough from the text that the percentage reads on the fill as beside it (the same
    text colour on both sides, whatever the style draws the filled part's text in)."""
    base, text = rgb(palette.color(QPalette.ColorRole.Base)), rgb(palette.color(QPalette.ColorRole.Text))
    return qcolor(legible(mix(base, text, PAUSED_GREY), base, [text], PAUSED_CONTRAST)), palette.color(
        QPalette.ColorRole.Text
    )
