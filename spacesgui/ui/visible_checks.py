"""Tick boxes in lists and tables that can be seen, on a dark palette too.

Fusion fills an item view's tick box with the view's own Base colour and outlines it with
the Window colour made darker. On a dark palette that outline is as dark as the view
(1.0:1), so an unticked box did not show at all: in Import Accounts a row left unticked
looked like a row with no box to tick, and so would a CORS method or a lifecycle rule
turned off. On a light one it is 1.9:1, under the 3:1 asked of a control's edge (WCAG
1.4.11). The outline is drawn again in the text colour, a little faded: 4.4:1 on white,
5:1 on a dark grey. QCheckBox widgets are fine (their box sits on the Window colour).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView, QProxyStyle, QStyle, QStyleOption, QWidget

OUTLINE_ALPHA = 150  # of the text colour: plain beside the text, not as loud as it


class VisibleChecks(QProxyStyle):
    """The application's style, with a plainer outline round item views' tick boxes."""

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element != QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck:
            return
        if self.baseStyle().name().lower() != "fusion":
            return  # native styles draw their own (rounded) boxes; a square over them is wrong
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        outline = QColor(option.palette.color(role))
        outline.setAlpha(OUTLINE_ALPHA)
        painter.save()
        painter.setPen(outline)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(option.rect.adjusted(0, 0, -1, -1))
        painter.restore()


def with_visible_checks(view: QAbstractItemView) -> None:
    """Draw `view`'s tick boxes so they show on a dark palette too."""
    style = VisibleChecks()  # no base given: it follows the application's style
    style.setParent(view)  # kept alive as long as the view
    view.setStyle(style)
