"""View → as Icons: a grid of the open folder, pictures drawn as thumbnails.

The grid is a QListView over the object view's own model and selection, so every action
(Delete, Download, Properties…) works on what is selected here. Only the cells Qt paints
ask for thumbnails; a scroll drops the requests of the cells that left the screen.
GUI thread only.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QKeyEvent, QPainter, QPaintEvent, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from spacesgui.core.preview import THUMBNAIL_SIZE, can_thumbnail
from spacesgui.qtmodels.flat_tree_model import FlatTreeModel
from spacesgui.qtmodels.roles import ObjectRole
from spacesgui.services.thumbnail_service import ThumbnailService
from spacesgui.ui.browser.name_editing import edit_name_in, select_stem_later
from spacesgui.ui.browser.object_view import ObjectView, paint_empty_text

CELL = QSize(THUMBNAIL_SIZE + 32, THUMBNAIL_SIZE + 44)
PIXMAP_ITEMS = 400
ASKING_ITEMS = 2000  # cells waiting for their thumbnail, remembered to repaint just them
KIND_ICON = 64  # a file that has no thumbnail: its kind's icon, at this size  # pixmaps made from thumbnails, kept for repaints

AnyIndex = QModelIndex | QPersistentModelIndex


def etag_at(flat: FlatTreeModel, row: int) -> str:
    """The ETag the listing gave the object at flat row `row` ("" for a folder)."""
    node, node_row = flat.locate(row)
    obj = node.object_at(node_row)
    return node.etags[obj] if obj >= 0 and obj < len(node.etags) else ""


def _picture_rect(cell: QRect) -> QRect:
    """Where a cell's picture is drawn (centred in it)."""
    rect = cell.adjusted(2, 2, -2, -2)
    return QRect(rect.left(), rect.top() + 4, rect.width(), THUMBNAIL_SIZE)


def _name_rect(cell: QRect) -> QRect:
    """Where a cell's name is drawn, under its picture (and its rename field goes)."""
    rect, picture = cell.adjusted(2, 2, -2, -2), _picture_rect(cell)
    return QRect(
        rect.left() + 4, picture.bottom() + 4, rect.width() - 8, rect.bottom() - picture.bottom() - 4
    )


class ThumbnailDelegate(QStyledItemDelegate):
    """Draws a cell: the thumbnail when there is one (asking for it otherwise), else the kind icon."""

    def __init__(self, view: IconsView, thumbnails: ThumbnailService) -> None:
        super().__init__(view)
        self._view = view
        self._thumbnails = thumbnails
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
        self._asking: dict[str, QPersistentModelIndex] = {}  # the cell that asked, by key
        thumbnails.thumbnail_ready.connect(self._on_thumbnails_thumbnail_ready)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        """The selection behind the whole cell, the picture (or kind icon) on top, the name below."""
        rect = option.rect.adjusted(2, 2, -2, -2)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.brush(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(rect, 6, 6)
        area = _picture_rect(option.rect)
        pixmap = self._picture(index)
        if pixmap is None:
            icon = index.data(Qt.ItemDataRole.DecorationRole)
            if isinstance(icon, QIcon):
                pixmap = icon.pixmap(KIND_ICON, KIND_ICON)  # Normal mode: legible on the highlight too
        if pixmap is not None and not pixmap.isNull():
            ratio = pixmap.devicePixelRatio() or 1.0
            size = QSize(int(pixmap.width() / ratio), int(pixmap.height() / ratio))
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(area.center())
            painter.drawPixmap(target, pixmap)
        text_rect = _name_rect(option.rect)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        muted = None if selected else index.data(Qt.ItemDataRole.ForegroundRole)  # a deleted file: greyed
        painter.setPen(muted if muted is not None else palette.color(role))
        font = index.data(Qt.ItemDataRole.FontRole)
        if font is not None:
            painter.setFont(font)
        name = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        elided = option.fontMetrics.elidedText(name, Qt.TextElideMode.ElideMiddle, text_rect.width())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, elided)
        painter.restore()

    def _picture(self, index: AnyIndex) -> QPixmap | None:
        """The thumbnail of the cell's picture, asking for it when it is not there yet."""
        key = index.data(ObjectRole.KEY)
        if not key or index.data(ObjectRole.IS_FOLDER) or index.data(ObjectRole.DELETED):
            return None  # a deleted picture has no bytes to fetch
        size = int(index.data(ObjectRole.SIZE) or 0)
        if not can_thumbnail(key, size):
            return None
        pixmap = self._pixmaps.get(key)
        if pixmap is not None:
            self._pixmaps.move_to_end(key)
            return pixmap
        image = self._thumbnails.thumbnail(key)
        if image is None:
            if len(self._asking) > ASKING_ITEMS:
                self._asking.clear()
            self._asking[key] = QPersistentModelIndex(index)
            self._thumbnails.request(key, etag_at(self._view.flat, index.row()), size)
            return None
        if image.isNull():
            return None
        return self._remember(key, image)

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        return CELL

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> QWidget:
        # A framed field of its own colour: without one, the name looked drawn on the highlight.
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QLineEdit):
            editor.setFrame(True)
            editor.setAutoFillBackground(True)
            editor.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        super().setEditorData(editor, index)
        select_stem_later(editor, folder=bool(index.data(ObjectRole.IS_FOLDER)))

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        # Renaming (F2): the field sits where the name is drawn, under the picture.
        name = _name_rect(option.rect)
        editor.setGeometry(
            QRect(name.left() - 4, name.top() - 2, name.width() + 8, editor.sizeHint().height())
        )

    def _remember(self, key: str, image: QImage) -> QPixmap:
        pixmap = QPixmap.fromImage(image)
        self._pixmaps[key] = pixmap
        while len(self._pixmaps) > PIXMAP_ITEMS:
            self._pixmaps.popitem(last=False)
        return pixmap

    def forget_asking(self) -> None:
        self._asking.clear()

    def _on_thumbnails_thumbnail_ready(self, key: str, image: object) -> None:
        # Repaint that one cell: a whole-grid repaint per thumbnail would draw every cell
        # on screen again each time one of them arrives.
        cell = self._asking.pop(key, None)
        if cell is not None and cell.isValid() and self._view.isVisible():
            self._view.update(self._view.flat.index(cell.row(), 0))


class IconsView(QListView):
    """The icon grid (objectName `iconsView`), sharing `object_view`'s model and selection."""

    go_up_requested = Signal()

    def __init__(self, object_view: ObjectView, thumbnails: ThumbnailService, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("iconsView")
        self.setAccessibleName("Objects as icons")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(True)  # 5,000 cells laid out without asking each its size
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(500)
        self.setGridSize(CELL)
        self.setIconSize(QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        self.setWordWrap(False)
        self.setSpacing(4)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # Whole rows, as the list selects them: the window's actions read selectedRows().
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setModel(object_view.flat)
        old = self.selectionModel()
        self.setSelectionModel(object_view.selectionModel())
        if old is not None:
            old.deleteLater()
        self.thumbnail_delegate = ThumbnailDelegate(self, thumbnails)
        self.setItemDelegate(self.thumbnail_delegate)
        self._thumbnails = thumbnails
        self._object_view = object_view
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.activated.connect(self._on_activated)
        object_view.flat.modelReset.connect(self._on_flat_model_reset)
        object_view.empty_text_changed.connect(self.viewport().update)

    @property
    def flat(self) -> FlatTreeModel:
        model = self.model()
        assert isinstance(model, FlatTreeModel)
        return model

    def _on_scrolled(self, _value: int) -> None:
        # The cells that asked are gone; the ones on screen now ask again as they paint.
        self._thumbnails.drop_waiting()

    def _on_flat_model_reset(self) -> None:
        # Another folder: the pictures the last one asked for are no longer wanted.
        self._thumbnails.drop_waiting()
        self.thumbnail_delegate.forget_asking()

    def _on_activated(self, index: QModelIndex) -> None:
        # A double click or Enter does here what it does in the list (same model and
        # rows): a folder opens, and whatever the list does with a file happens too.
        self._object_view.doubleClicked.emit(index)

    def edit_name(self, key: str) -> bool:
        """Start editing the name of the cell showing `key` (Rename); False when it is not shown."""
        return edit_name_in(self, self.flat.index_of_key(key))

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        # An empty folder, or a filter that matches nothing, says so here as in the list.
        paint_empty_text(self, self._object_view.empty_text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Backspace and not event.modifiers():
            self.go_up_requested.emit()
            return
        super().keyPressEvent(event)
