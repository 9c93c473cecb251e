"""The object view: a table that draws the folder tree itself, so any folder size stays instant.

A QTableView asks the model only about the rows on screen (see FlatTreeModel for why not
QTreeView). The Name column's delegate draws indentation and the expand arrow; the keys
work as in a file manager's list view: Right expands, Left collapses or goes to the
enclosing row, Enter opens a folder, Backspace goes up.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelection,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFocusEvent,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from spacesgui.core.folder_node import Column, FolderNode, LoadState
from spacesgui.core.listing import ObjectRef
from spacesgui.qtmodels.flat_tree_model import FlatTreeModel
from spacesgui.qtmodels.legible_colors import muted_text
from spacesgui.qtmodels.object_model import ObjectTreeModel
from spacesgui.qtmodels.roles import ObjectRole
from spacesgui.ui.browser.column_choice import ColumnChoice
from spacesgui.ui.browser.name_editing import edit_name_in, select_stem_later
from spacesgui.ui.browser.selection import Selection, read_selection, selected_rows
from spacesgui.ui.browser.selection_after_ops import SelectionAfterOperations
from spacesgui.ui.mime_types import KEYS_MIME

INDENT = 18
ROW_HEIGHT = 24
COLUMN_WIDTHS = {
    Column.SIZE: 90, Column.MODIFIED: 140, Column.TYPE: 120, Column.STORAGE_CLASS: 110, Column.ACCESS: 80,
}  # fmt: skip
# In a narrow window these give way, in this order, before Name drops under NAME_SHARE.
# Storage class goes first: on DigitalOcean every file says Standard. Access next: it costs
# a request per row on screen, but whether a file is public is what people who serve files
# from a Space look for (a new-user pass found it hidden at the window's first size).
# Last modified and Size go only when the list itself is squeezed (a dock beside it).
YIELDING_COLUMNS = (Column.STORAGE_CLASS, Column.ACCESS, Column.TYPE, Column.MODIFIED, Column.SIZE)
NAME_SHARE = 0.4
NAME_MIN = 130  # and this many pixels: at 480 px with the preview open, Size left Name 90

AnyIndex = QModelIndex | QPersistentModelIndex


def without_focus_frame(option: QStyleOptionViewItem) -> QStyleOptionViewItem:
    """`option` with no focus frame: the style's frame round the current cell alone looked
    like a name still being edited (after a rename, back from the Icons view, or a click on
    the empty space below the rows, which new-user passes took for a rename stuck open).
    The view marks a current row that is not selected itself (ObjectView._paint_keyboard_place)."""
    if option.state & QStyle.StateFlag.State_HasFocus:
        option = QStyleOptionViewItem(option)
        option.state &= ~QStyle.StateFlag.State_HasFocus
    return option


class RowDelegate(QStyledItemDelegate):
    """Draws the cells other than the name: as Qt does, but see `without_focus_frame`."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        super().paint(painter, without_focus_frame(option), index)


class TreeNameDelegate(QStyledItemDelegate):
    """Draws the Name cell: indentation, the expand arrow of folders, then icon and text."""

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        super().setEditorData(editor, index)
        select_stem_later(editor, folder=str(index.data(ObjectRole.KEY) or "").endswith("/"))

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        # The editor covers the name only, after the indentation and the arrow.
        depth = int(index.data(ObjectRole.DEPTH) or 0)
        editor.setGeometry(option.rect.adjusted((depth + 1) * INDENT + 20, 0, 0, 0))

    def arrow_rect(self, option_rect: QRect, depth: int) -> QRect:
        return QRect(option_rect.left() + depth * INDENT, option_rect.top(), INDENT, option_rect.height())

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        option = without_focus_frame(option)
        depth = int(index.data(ObjectRole.DEPTH) or 0)
        indent = (depth + 1) * INDENT
        branch = QStyleOptionViewItem(option)
        full_rect = QRect(option.rect)
        # The selection background spans the whole cell, arrow included.
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            background = QStyleOptionViewItem(option)
            self.initStyleOption(background, index)
            background.text = ""
            background.icon = background.icon.__class__()
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter, widget)
            if index.data(ObjectRole.EXPANDABLE):
                branch.rect = self.arrow_rect(full_rect, depth)
                branch.state = QStyle.StateFlag.State_Children | QStyle.StateFlag.State_Item
                if index.data(ObjectRole.EXPANDED):
                    branch.state |= QStyle.StateFlag.State_Open
                style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorBranch, branch, painter, widget)
        content = QStyleOptionViewItem(option)
        content.rect = full_rect.adjusted(indent, 0, 0, 0)
        content.textElideMode = Qt.TextElideMode.ElideMiddle  # "report-Q1.pdf" and "…-Q2.pdf" differ
        # The background is done. The row stays selected, so the name and the icon take the
        # selected colours as the other cells do, but a second highlight is painted clear.
        content.palette.setBrush(QPalette.ColorRole.Highlight, QBrush(Qt.GlobalColor.transparent))
        content.backgroundBrush = QBrush(Qt.BrushStyle.NoBrush)
        super().paint(painter, content, index)


def local_paths(mime: QMimeData) -> list[str]:
    """The local files and folders a drag or the clipboard carries (others are ignored)."""
    if not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


def paint_empty_text(view: QAbstractItemView, text: str) -> None:
    """Say `text` in the middle of `view` while it has no rows (the list's, or the grid's)."""
    model = view.model()
    if not text or model is None or model.rowCount() > 0:
        return
    painter = QPainter(view.viewport())
    painter.setPen(muted_text(view.palette(), QPalette.ColorRole.Text, QPalette.ColorRole.Base))
    area = view.viewport().rect().adjusted(24, 48, -24, 0)
    painter.drawText(
        area, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap, text
    )


class ObjectView(QTableView):
    open_folder_requested = Signal(str)  # folder prefix
    open_file_requested = Signal(str)  # key of a file row (double-click or Enter)
    deleted_file_activated = Signal(str)  # key of a deleted file row (double-click or Enter): not opened
    go_up_requested = Signal()
    files_dropped = Signal(object, str)  # local paths, target folder key ("" = the open folder)
    drag_out_requested = Signal()  # the user started dragging selected rows out of the window
    rename_requested = Signal(str, str)  # key, new name (typed in place)
    empty_text_changed = Signal()  # the icon grid says it too
    objects_dropped = Signal(str, bool)  # the selection dropped on a folder row: its key, copy (else move)
    selection_settled = Signal()  # the selection changed; once per turn of the event loop, however many

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("objectView")
        self.setAccessibleName("Objects")
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # A slow second click on a name edits it, as in a file manager; F2 is the Rename action.
        self.setEditTriggers(QAbstractItemView.EditTrigger.SelectedClicked)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setTabKeyNavigation(False)
        self.setCornerButtonEnabled(False)
        vertical = self.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        self._empty_text = ""
        self._drop_row = -1  # the folder row a drag would drop into, or -1
        self._drop_here = False  # a drag would drop into the open folder
        self._dragging_rows = False  # our own rows are being dragged (see startDrag)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setItemDelegate(RowDelegate(self))
        self._delegate = TreeNameDelegate(self)
        self.setItemDelegateForColumn(Column.NAME, self._delegate)
        self.doubleClicked.connect(self._on_double_clicked)
        self._selection: Selection | None = None  # worked out on first use after a change
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(0)
        self._settle.timeout.connect(self.selection_settled)
        self._selected_rows = 0  # as the selection model last said (see _forget_selection)
        self._widths = dict(COLUMN_WIDTHS)  # what hidden columns come back at
        self.columns = ColumnChoice(self, sorted(COLUMN_WIDTHS), self.fit_columns)

    def set_empty_text(self, text: str) -> None:
        """What the view says when it has no rows (“This folder is empty.”)."""
        if text != self._empty_text:
            self._empty_text = text
            self.viewport().update()
            self.empty_text_changed.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self._paint_keyboard_place()
        self._paint_drop_target()
        paint_empty_text(self, self._empty_text)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.viewport().update()  # the keyboard's place shows only while the list has the keys

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.viewport().update()

    def currentChanged(self, current: AnyIndex, previous: AnyIndex) -> None:
        super().currentChanged(current, previous)
        self.viewport().update()  # the keyboard's place spans the row: both rows are redrawn

    def _paint_keyboard_place(self) -> None:
        """A dotted line round the whole current row when it is not selected (Ctrl and the
        arrows, or a click below the rows): where the keys act, and never like an editor."""
        current = self.currentIndex()
        if not self.hasFocus() or not current.isValid() or self.selectionModel().isRowSelected(current.row()):
            return
        first = self.visualRect(current.siblingAtColumn(0))
        area = QRect(0, first.top(), self.viewport().width(), first.height()).adjusted(0, 0, -1, -1)
        painter = QPainter(self.viewport())
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Text), 1, Qt.PenStyle.DotLine))
        painter.drawRect(area)

    @property
    def empty_text(self) -> str:
        return self._empty_text

    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        """Move by rows, as a file list does: Home and End go to the first and last row."""
        model, current = self.model(), self.currentIndex()
        rows, column = model.rowCount(), max(current.column(), 0)
        move = QAbstractItemView.CursorAction
        if action == move.MoveHome:
            return model.index(0, column) if rows else QModelIndex()
        if action == move.MoveEnd:
            return model.index(rows - 1, column) if rows else QModelIndex()
        if action in (move.MoveLeft, move.MoveRight, move.MoveNext, move.MovePrevious):
            return current
        return super().moveCursor(action, modifiers)

    def set_tree(self, tree: ObjectTreeModel) -> FlatTreeModel:
        flat = FlatTreeModel(tree, self)
        # Before setModel: the selection model it makes drops the removed rows from the
        # selection as they are about to go, so this must see the selection first.
        self._after_ops = SelectionAfterOperations(self, flat)
        self.setModel(flat)
        # Connected first, so every later handler of these signals reads the new selection.
        self.selectionModel().selectionChanged.connect(self._on_selection_changed)
        for signal in (flat.modelReset, flat.rowsInserted, flat.rowsRemoved, flat.layoutChanged):
            signal.connect(self._forget_selection)
        # Sizes may change; the access column and thumbnails change rows all the time, and
        # the status bar follows at the next change rather than after each of those.
        flat.dataChanged.connect(self._drop_selection)
        flat.name_edited.connect(self.rename_requested)
        self._configure_header()
        return flat

    @property
    def flat(self) -> FlatTreeModel:
        model = self.model()
        assert isinstance(model, FlatTreeModel)
        return model

    def _configure_header(self) -> None:
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        for column, width in COLUMN_WIDTHS.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self._widths = dict(COLUMN_WIDTHS)  # what hidden columns come back at
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSortIndicator(Column.NAME, Qt.SortOrder.AscendingOrder)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Hide Storage class, then Access, Type, Last modified and Size, while Name would get
        under 40% of the width (or NAME_MIN); show them again when there is room, unless
        turned off (ColumnChoice). Name takes what is left."""
        header = self.horizontalHeader()
        width = self.viewport().width()
        if width <= 0:
            return
        self.columns.fit(
            header, self._widths, YIELDING_COLUMNS, width, max(NAME_MIN, int(NAME_SHARE * width))
        )

    def edit_name(self, key: str) -> bool:
        """Start editing the name of the row showing `key` (Rename); False when it is not shown."""
        return edit_name_in(self, self.flat.index_of_key(key, Column.NAME))

    def selected_refs(self, *, deleted: bool = False) -> list[ObjectRef]:
        """The selected rows, top to bottom: folders by prefix, objects with size and date.

        Deleted rows (shown on request in a versioned Space) are left out: what acts on
        files (open, rename, share, delete…) makes no sense for them. `deleted=True` gives
        those rows only, for Restore.
        """
        selection = self.selection()
        return list(selection.deleted if deleted else selection.refs)

    def selection(self) -> Selection:
        """The selection, worked out once per change and shared by every caller."""
        if self._selection is None:
            self._selection = read_selection(self.flat, selected_rows(self.selectionModel()))
        return self._selection

    def _on_selection_changed(self, *_: object) -> None:
        self._selection = None
        self._selected_rows = self._count_selected_rows()
        self._settle.start()

    def _forget_selection(self, *_: object) -> None:
        if self._selection is None or self._selection.count:
            self._settle.start()  # the selected rows may have gone or moved
        self._selection = None
        if self._count_selected_rows() != self._selected_rows:
            # Rows a filter hid (a layout change) leave the selection without a word from
            # Qt: Delete and Info stayed enabled and the preview showed a hidden row (a
            # new-user pass). Say it changed, so that everything reading it reads it again.
            self.selectionModel().selectionChanged.emit(QItemSelection(), QItemSelection())

    def _count_selected_rows(self) -> int:
        """How many rows are selected: cheap, from the ranges (whole rows are selected)."""
        selection = self.selectionModel().selection()
        return sum(selection.at(i).height() for i in range(selection.count()))

    def _drop_selection(self, *_: object) -> None:
        self._selection = None

    def expect_new(self, keys: list[str]) -> None:
        """The user pasted these rows: select them as they appear (selection_after_ops)."""
        self._after_ops.expect_new(keys)

    def expect_gone(self, keys: list[str]) -> None:
        """The user deleted these rows: when they go, select what takes their place."""
        self._after_ops.expect_gone(keys)

    # -- tree behaviour -----------------------------------------------------
    def expand_folder(self, folder: FolderNode) -> None:
        self.flat.expand(folder)

    def collapse_folder(self, folder: FolderNode) -> None:
        self.flat.collapse(folder)

    def expand(self, tree_index: QModelIndex) -> None:
        """Expand the folder at a tree-model index (as QTreeView.expand does)."""
        folder = self.flat.tree.folder_node(tree_index)
        if folder is not None and tree_index.isValid():
            self.flat.expand(folder)

    def node_at(self, prefix: str) -> FolderNode | None:
        """The folder node of `prefix` in the open tree, if it is there."""
        return self.flat.tree.node_at(prefix)

    def listed_entries(self, prefix: str) -> list[str]:
        """What the folder `prefix` holds, once listed whole (see FolderNode.entries); else []."""
        node = self.node_at(prefix)
        return node.entries() if node is not None and node.state == LoadState.LOADED else []

    def is_expanded(self, folder: FolderNode) -> bool:
        return self.flat.is_expanded(folder)

    def selected_key(self) -> str:
        """The key (or folder prefix) of the row the keyboard is on, if it is selected; else ""."""
        index = self.currentIndex()
        if not index.isValid() or not self.selectionModel().isRowSelected(index.row()):
            return ""
        return str(index.siblingAtColumn(0).data(ObjectRole.KEY) or "")

    def current_tree_index(self) -> QModelIndex:
        return self.flat.map_to_source(self.currentIndex())

    def set_current_tree_index(self, tree_index: QModelIndex) -> None:
        self.setCurrentIndex(self.flat.map_from_source(tree_index))

    def _toggle(self, index: QModelIndex) -> bool:
        folder = self.flat.folder_at(index)
        if folder is None:
            return False
        if self.flat.is_expanded(folder):
            self.flat.collapse(folder)
        else:
            self.flat.expand(folder)
        return True

    def _on_double_clicked(self, index: QModelIndex) -> None:
        key = index.siblingAtColumn(0).data(ObjectRole.KEY)
        if index.data(ObjectRole.IS_FOLDER):
            self.open_folder_requested.emit(key)
        elif key and index.data(ObjectRole.DELETED):
            self.deleted_file_activated.emit(key)
        elif key:
            self.open_file_requested.emit(key)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and index.column() == Column.NAME and index.data(ObjectRole.EXPANDABLE):
            depth = int(index.data(ObjectRole.DEPTH) or 0)
            if self._delegate.arrow_rect(self.visualRect(index), depth).contains(event.position().toPoint()):
                self._toggle(index)
                event.accept()
                return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, index = event.key(), self.currentIndex()
        if self.state() == QAbstractItemView.State.EditingState:
            # Keys the name editor passes on (Enter, which its delegate commits on its
            # own) must not open the folder being renamed: that closes the editor unsaved.
            super().keyPressEvent(event)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and index.isValid():
            object_key = index.siblingAtColumn(0).data(ObjectRole.KEY)
            if index.data(ObjectRole.IS_FOLDER):
                self.open_folder_requested.emit(object_key)
                return
            plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
            if object_key and plain:  # Alt+Enter is Properties
                if index.data(ObjectRole.DELETED):
                    self.deleted_file_activated.emit(object_key)
                else:
                    self.open_file_requested.emit(object_key)
                return
        if key == Qt.Key.Key_Backspace and not event.modifiers():
            self.go_up_requested.emit()
            return
        if key == Qt.Key.Key_Right and index.isValid():
            folder = self.flat.folder_at(index)
            if folder is not None and not self.flat.is_expanded(folder):
                self.flat.expand(folder)
                return
        if key == Qt.Key.Key_Left and index.isValid() and self._collapse_or_go_to_parent(index):
            return
        super().keyPressEvent(event)

    def _collapse_or_go_to_parent(self, index: QModelIndex) -> bool:
        folder = self.flat.folder_at(index)
        if folder is not None and self.flat.is_expanded(folder):
            self.flat.collapse(folder)
            return True
        node, _row = self.flat.locate(index.row())
        if node.parent is None or node is self.flat.tree.root:
            return False
        parent_row = self.flat.map_from_source(self.flat.tree.index_of_folder(node))
        if parent_row.isValid():
            self.setCurrentIndex(parent_row)
            return True
        return False

    # -- drag and drop ------------------------------------------------------
    def _drop_target_row(self, event: QDropEvent | QDragMoveEvent) -> int:
        """The folder row under the pointer, or -1 to drop into the open folder."""
        index = self.indexAt(event.position().toPoint())
        return index.row() if index.isValid() and index.data(ObjectRole.IS_FOLDER) else -1

    def _accepts(self, event: QDropEvent | QDragMoveEvent | QDragEnterEvent) -> bool:
        """Files from elsewhere (an upload), or our own rows (a move onto a folder row)."""
        return self._is_own_drag(event) or (event.source() is None and bool(local_paths(event.mimeData())))

    def _is_own_drag(self, event: QDropEvent | QDragMoveEvent | QDragEnterEvent) -> bool:
        own = event.source() is self or self._dragging_rows
        return own and event.mimeData().hasFormat(KEYS_MIME)

    def _own_drop_row(self, event: QDropEvent | QDragMoveEvent) -> int:
        """The folder row our rows would move onto: not one of the dragged rows themselves."""
        row = self._drop_target_row(event)
        if row < 0 or self.selectionModel().isRowSelected(row, QModelIndex()):
            return -1
        return row

    @staticmethod
    def _own_action(event: QDropEvent | QDragMoveEvent | QDragEnterEvent) -> Qt.DropAction:
        """Ctrl (Option on a Mac) copies, as in a file manager; otherwise our rows move."""
        copy = bool(
            event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        )
        return Qt.DropAction.CopyAction if copy else Qt.DropAction.MoveAction

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self._accepts(event):
            event.ignore()
            return
        own = self._is_own_drag(event)
        event.setDropAction(self._own_action(event) if own else Qt.DropAction.CopyAction)
        event.accept()
        self._set_drop_target(-1, not own)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if not self._accepts(event):
            event.ignore()
            return
        if self._is_own_drag(event):
            row = self._own_drop_row(event)
            if row < 0:  # only onto another folder row; the open folder is where they are
                self._set_drop_target(-1, False)
                event.ignore()
                return
            event.setDropAction(self._own_action(event))
            event.accept()
            self._set_drop_target(row, True)
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self._set_drop_target(self._drop_target_row(event), True)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_drop_target(-1, False)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        if self._is_own_drag(event):
            row = self._own_drop_row(event)
            self._set_drop_target(-1, False)
            if row < 0:
                event.ignore()
                return
            action = self._own_action(event)
            event.setDropAction(action)
            event.accept()
            folder = self.model().index(row, 0).data(ObjectRole.KEY)
            self.objects_dropped.emit(folder, action == Qt.DropAction.CopyAction)
            return
        paths = local_paths(event.mimeData()) if event.source() is None else []
        row = self._drop_target_row(event)
        self._set_drop_target(-1, False)
        if not paths:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        folder = self.model().index(row, 0).data(ObjectRole.KEY) if row >= 0 else ""
        self.files_dropped.emit(paths, folder or "")

    def drop_target(self) -> tuple[int, bool]:
        """(folder row highlighted, whether a drag is over the view) — for tests and painting."""
        return self._drop_row, self._drop_here

    def _set_drop_target(self, row: int, here: bool) -> None:
        if (row, here) != (self._drop_row, self._drop_here):
            self._drop_row, self._drop_here = row, here
            self.viewport().update()

    def _paint_drop_target(self) -> None:
        if not self._drop_here:
            return
        painter = QPainter(self.viewport())
        pen = QPen(
            QGuiApplication.palette().color(QPalette.ColorRole.Highlight), 2
        )  # not the grey of no focus
        painter.setPen(pen)
        if self._drop_row >= 0:
            first = self.visualRect(self.model().index(self._drop_row, 0))
            area = QRect(0, first.top(), self.viewport().width(), first.height()).adjusted(1, 1, -1, -1)
        else:
            area = self.viewport().rect().adjusted(1, 1, -1, -1)
        painter.drawRect(area)

    def startDrag(self, supported: Qt.DropAction) -> None:
        # The window knows accounts and downloads; it builds the drag (see ui/drag_out.py).
        # The drag runs inside this call: drops on our own rows meanwhile are moves.
        self._dragging_rows = True
        try:
            self.drag_out_requested.emit()
        finally:
            self._dragging_rows = False
