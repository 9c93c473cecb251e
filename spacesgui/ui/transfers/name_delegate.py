"""The Transfers panel's Name cell: the name, then where it goes in a quieter colour.

Two rows of one name sent to two places ("quarterly-report.pdf" into two folders) read
alike without it; Cyberduck and Transmit say where each transfer goes beside its name too.
The name keeps its room: the destination takes what is left after it, cut at its start
("to …reports/2023/": the deepest folders tell rows apart), and is left out when less than
MIN_WHERE_PX would remain. The whole addresses stay in the
Name column's tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from spacesgui.qtmodels.legible_colors import muted_row_text
from spacesgui.qtmodels.transfer_cells import TransferRole
from spacesgui.ui.middle_elide import MiddleElideDelegate

MIN_WHERE_PX = 60  # narrower than this, "to ph…23/" says nothing: the name alone is drawn
GAP = "   "  # between the name and its destination


class TransferNameDelegate(MiddleElideDelegate):
    """A transfer's name, cut in the middle when it must be, then its destination."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        where = index.data(TransferRole.WHERE)
        widget = option.widget
        style = widget.style() if widget is not None else None
        if not where or style is None:
            super().paint(painter, option, index)
            return
        cell = QStyleOptionViewItem(option)
        self.initStyleOption(cell, index)
        text = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, cell, widget)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        metrics = cell.fontMetrics
        name_px = metrics.horizontalAdvance(cell.text)
        left = text.left() + margin + name_px + metrics.horizontalAdvance(GAP)
        room = text.right() - margin - left
        super().paint(painter, option, index)  # background, icon, the name (all of it, as room is left)
        if room < MIN_WHERE_PX:
            return
        selected = bool(cell.state & QStyle.StateFlag.State_Selected)
        painter.save()
        try:
            colour = (
                cell.palette.color(QPalette.ColorRole.HighlightedText)
                if selected
                else muted_row_text(cell.palette)
            )
            painter.setPen(colour)
            painter.setFont(cell.font)
            # "to " kept, the path cut at its start: its deepest folders tell rows apart.
            verb, _, path = where.partition(" ")
            verb += " "
            shown = verb + metrics.elidedText(
                path, Qt.TextElideMode.ElideLeft, room - metrics.horizontalAdvance(verb)
            )
            area = QRect(left, text.top(), room, text.height())
            painter.drawText(area, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), shown)
        finally:
            painter.restore()
