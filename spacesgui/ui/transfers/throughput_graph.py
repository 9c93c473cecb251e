"""A small live graph of transfer throughput: uploads and downloads over the last minutes.

Painted with QPainter in palette colours. The two directions differ in more than
colour: uploads are a solid line, downloads a dashed one, and the legend says which
is which with an arrow and a word. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from spacesgui.core.throughput import human_rate
from spacesgui.core.throughput_history import HISTORY_S, Sample, scale_text, scale_top
from spacesgui.qtmodels.legible_colors import line_colour, text_colour
from spacesgui.ui.naming import named

Role = QPalette.ColorRole
PAD = 6.0
LINE_WIDTH = 2.0
DASH = [3.0, 2.0]  # in line widths: downloads are dashed
SMALL_FONT = 0.85  # labels, relative to the widget's font
MIN_SPAN_S = 60  # a young history is drawn over a minute or more, not squeezed into the right edge


def span_text(seconds: int) -> str:
    return f"{seconds // 60} min ago" if seconds % 60 == 0 else f"{seconds} s ago"


def shown_span(samples: Sequence[Sample]) -> int:
    """How many of the newest seconds to draw: since the first that moved, in whole minutes."""
    first = next((i for i, s in enumerate(samples) if s.uploaded or s.downloaded), len(samples))
    moving = len(samples) - first
    minutes = -(-max(moving, MIN_SPAN_S) // 60)
    return min(len(samples), minutes * 60) if samples else HISTORY_S


class ThroughputGraph(QWidget):
    """Bytes per second, upload and download, over ThroughputHistory's window (objectName "transferGraph")."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "transferGraph", "Transfer speed graph")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(170, 96)
        self._samples: tuple[Sample, ...] = ()
        self._top = scale_top(0)
        self._describe()

    def sizeHint(self) -> QSize:
        return QSize(240, 140)

    # -- data -----------------------------------------------------------------
    def set_history(self, samples: Sequence[Sample]) -> None:
        """Show `samples` (one per second, oldest first); repaints only when they changed."""
        samples = tuple(samples)
        samples = samples[len(samples) - shown_span(samples) :]
        if samples == self._samples:
            return
        self._samples = samples
        peak = max((max(s.uploaded, s.downloaded) for s in samples), default=0)
        self._top = scale_top(peak)
        self._describe()
        self.update()

    @property
    def samples(self) -> tuple[Sample, ...]:
        return self._samples

    def scale_label(self) -> str:
        """The words at the top of the scale, e.g. “20 MB/s”."""
        return scale_text(self._top)

    def _describe(self) -> None:
        last = self._samples[-1] if self._samples else Sample(0, 0)
        text = (
            f"Transfer speed over the last {span_text(len(self._samples) or HISTORY_S).removesuffix(' ago')}. "
            f"Last second: upload {human_rate(last.uploaded)}, download {human_rate(last.downloaded)}. "
            f"Scale: 0 to {self.scale_label()}."
        )
        self.setToolTip(text)
        self.setAccessibleDescription(text)

    # -- painting -------------------------------------------------------------
    def colours(self) -> tuple[QColor, QColor, QColor]:
        """Upload line, download line, label text: palette roles made to stand out on Base."""
        palette = self.palette()
        return (
            line_colour(palette, Role.Highlight),
            line_colour(palette, Role.Text),
            text_colour(palette),
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        palette = self.palette()
        upload, download, label = self.colours()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(palette.color(Role.Mid), 1))
        painter.setBrush(palette.color(Role.Base))
        painter.drawRect(frame)
        font = self.label_font()
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        inner, plot = self._areas(metrics)
        self._paint_labels(painter, inner, plot, metrics, label, upload, download)
        if plot.height() < 8 or plot.width() < 20:
            return
        self._paint_grid(painter, plot, palette)
        if not any(s.uploaded or s.downloaded for s in self._samples):
            painter.setPen(label)
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "Idle")
        self._paint_line(painter, plot, [s.downloaded for s in self._samples], download, dashed=True)
        self._paint_line(painter, plot, [s.uploaded for s in self._samples], upload, dashed=False)

    def label_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * SMALL_FONT))
        return font

    def _areas(self, metrics: QFontMetricsF) -> tuple[QRectF, QRectF]:
        """(inside the frame, where the lines go): labels take a line above and below the plot."""
        line = metrics.height()
        frame = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        inner = frame.adjusted(PAD, PAD / 2, -PAD, -PAD / 2)
        return inner, inner.adjusted(0, line + 2, 0, -(line + 2))

    def plot_rect(self) -> QRectF:
        """Where the lines are drawn, in widget coordinates (zero at its bottom edge)."""
        return self._areas(QFontMetricsF(self.label_font()))[1]

    def _paint_labels(
        self, painter: QPainter, inner: QRectF, plot: QRectF, metrics: QFontMetricsF,
        label: QColor, upload: QColor, download: QColor,
    ) -> None:  # fmt: skip
        line = metrics.height()
        painter.setPen(label)
        top_row = QRectF(inner.left(), inner.top(), inner.width(), line)
        painter.drawText(
            top_row, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.scale_label()
        )
        bottom_row = QRectF(inner.left(), plot.bottom() + 2, inner.width(), line)
        seconds = len(self._samples) or HISTORY_S
        painter.drawText(
            bottom_row, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, span_text(seconds)
        )
        painter.drawText(bottom_row, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "now")
        # Legend, right-aligned on the top row: a line sample, then an arrow and a word.
        x = inner.right()
        for text, colour, dashed in (("↓ Down", download, True), ("↑ Up", upload, False)):
            width = metrics.horizontalAdvance(text)
            x -= width
            painter.setPen(label)
            painter.drawText(QRectF(x, top_row.top(), width, line), Qt.AlignmentFlag.AlignVCenter, text)
            x -= 4 + 16
            y = top_row.center().y()
            painter.setPen(self._pen(colour, dashed))
            painter.drawLine(QPointF(x, y), QPointF(x + 16, y))
            x -= 10
        # Past the scale label the legend would overlap it: fine, the label is drawn first
        # and the panel keeps the graph wide enough for both (minimum width).

    def _paint_grid(self, painter: QPainter, plot: QRectF, palette: QPalette) -> None:
        pen = QPen(palette.color(Role.Mid), 1, Qt.PenStyle.DotLine)
        painter.setPen(pen)
        for fraction in (0.0, 0.5):
            y = plot.top() + plot.height() * fraction
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(QPen(palette.color(Role.Mid), 1))
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))

    def _pen(self, colour: QColor, dashed: bool) -> QPen:
        pen = QPen(colour, LINE_WIDTH)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        if dashed:
            pen.setDashPattern(DASH)
        return pen

    def _paint_line(
        self, painter: QPainter, plot: QRectF, values: list[int], colour: QColor, dashed: bool
    ) -> None:
        if len(values) < 2:
            return
        step = plot.width() / (len(values) - 1)
        scale = plot.height() / self._top
        points = QPolygonF(
            [
                QPointF(plot.left() + i * step, plot.bottom() - min(self._top, v) * scale)
                for i, v in enumerate(values)
            ]
        )
        painter.setPen(self._pen(colour, dashed))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolyline(points)
