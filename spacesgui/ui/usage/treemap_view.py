"""A treemap of one folder's children: each a rectangle whose area is its share of the folder."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from spacesgui.core.contrast import contrast_ratio
from spacesgui.core.formatting import human_size
from spacesgui.core.usage import FolderUsage, Rect, share_of, squarify
from spacesgui.qtmodels.usage_model import FILES_ROW_NAME

# Hues of the tiles, in turn; lightness follows the palette so tiles suit light and dark themes.
HUES = (210, 145, 30, 280, 0, 185, 55, 330, 100, 250)
LABEL_MIN_W, LABEL_MIN_H = 48.0, 18.0


@dataclass(frozen=True, slots=True)
class Tile:
    name: str
    prefix: str  # "" for the files held right in the folder
    size: int
    count: int
    rect: QRectF


class TreemapView(QWidget):
    """Paints the children of `folder`; clicking a tile emits its prefix. GUI thread only."""

    folder_clicked = Signal(str)  # prefix of the clicked tile's folder

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usageTreemap")
        self.setAccessibleName("Treemap of the folder's contents")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._folder: FolderUsage | None = None
        self._tiles: list[Tile] = []
        self._highlight = ""

    def sizeHint(self) -> QSize:
        return QSize(360, 280)

    def minimumSizeHint(self) -> QSize:
        return QSize(120, 90)

    def set_folder(self, folder: FolderUsage | None, highlight: str = "") -> None:
        self._folder = folder
        self._highlight = highlight
        self._layout()
        self.update()

    @property
    def tiles(self) -> list[Tile]:
        return list(self._tiles)

    def tile_at(self, point: QPoint) -> Tile | None:
        for tile in self._tiles:
            if tile.rect.contains(point.toPointF()):
                return tile
        return None

    def resizeEvent(self, event: object) -> None:
        self._layout()

    def _layout(self) -> None:
        folder = self._folder
        if folder is None or folder.size <= 0:
            self._tiles = []
            return
        items: list[tuple[str, str, int, int]] = [
            (c.name, c.prefix, c.size, c.count) for c in folder.sorted_children() if c.size > 0
        ]
        if folder.own_size > 0:
            items.append((FILES_ROW_NAME, "", folder.own_size, folder.own_count))
            items.sort(key=lambda i: -i[2])
        area = Rect(1.0, 1.0, max(self.width() - 2.0, 0.0), max(self.height() - 2.0, 0.0))
        rects = squarify([float(i[2]) for i in items], area)
        self._tiles = [
            Tile(name, prefix, size, count, QRectF(r.x, r.y, r.w, r.h))
            for (name, prefix, size, count), r in zip(items, rects, strict=True)
            if r.w > 0 and r.h > 0
        ]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        if not self._tiles:
            painter.setPen(palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
            text = "Nothing to show" if self._folder is not None else "Counting…"
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, text)
            return
        dark = palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5
        for i, tile in enumerate(self._tiles):
            fill = QColor.fromHsl(HUES[i % len(HUES)], 140, 95 if dark else 185)
            if tile.prefix and tile.prefix == self._highlight:
                fill = palette.color(QPalette.ColorRole.Highlight)
            painter.fillRect(tile.rect.adjusted(0.5, 0.5, -0.5, -0.5), fill)
            painter.setPen(palette.color(QPalette.ColorRole.Base))
            painter.drawRect(tile.rect)
            if tile.rect.width() >= LABEL_MIN_W and tile.rect.height() >= LABEL_MIN_H:
                painter.setPen(_label_colour(fill))
                label = f"{tile.name}\n{human_size(tile.size)}"
                if tile.rect.height() < 2.4 * LABEL_MIN_H:
                    label = tile.name
                painter.drawText(
                    tile.rect.adjusted(4, 2, -4, -2),
                    int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap),
                    label,
                )

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        tile = self.tile_at(event.position().toPoint())
        if tile is None or self._folder is None:
            QToolTip.hideText()
            return
        share = share_of(tile.size, self._folder.size) * 100
        QToolTip.showText(
            event.globalPosition().toPoint(),
            f"{tile.prefix or tile.name}\n{human_size(tile.size)} · {tile.count:,} objects · {share:.1f} %",
            self,
        )

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        tile = self.tile_at(event.position().toPoint())
        if tile is not None and tile.prefix:
            self.folder_clicked.emit(tile.prefix)


def _label_colour(fill: QColor) -> QColor:
    """Black or white, whichever reads better on `fill`."""
    rgb = (fill.red(), fill.green(), fill.blue())
    black, white = (0, 0, 0), (255, 255, 255)
    return QColor("black") if contrast_ratio(rgb, black) >= contrast_ratio(rgb, white) else QColor("white")
