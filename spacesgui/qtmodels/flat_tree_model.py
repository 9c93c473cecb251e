"""The object tree flattened into rows, so a table view can show it at any size.

QTreeView lays out every row of a folder again on each insert, sort or filter, calling
back into Python three times a row: 100,000 objects cost ~350 ms a time. A QTableView
asks only about the rows on screen. This model presents ObjectTreeModel's tree as one
list: the open folder's rows, with the rows of each expanded folder inserted under it.
Expansion state lives here; the tree model stays the single source of data, and its
signals are translated into row signals of the flat list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from spacesgui.core.folder_node import Column, FolderNode, LoadState
from spacesgui.qtmodels.icons import icon
from spacesgui.qtmodels.object_model import ROW_FLAGS, ObjectTreeModel
from spacesgui.qtmodels.roles import ObjectRole

AnyIndex = QModelIndex | QPersistentModelIndex

# The roles this model answers; views ask for a dozen more per cell on every repaint.
_ANSWERED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ForegroundRole,  # deleted rows are greyed
        Qt.ItemDataRole.FontRole,  # and italic
        Qt.ItemDataRole.AccessibleDescriptionRole,  # and said to be deleted
        *ObjectRole,
    }
)


class FlatTreeModel(QAbstractTableModel):
    """Rows = visible rows of the tree, depth first. GUI thread only."""

    name_edited = Signal(str, str)  # key, the new name typed in place

    def __init__(self, tree: ObjectTreeModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tree = tree
        self._expanded: set[FolderNode] = set()
        self._top_only = False  # the icon grid: the open folder's own rows, nothing unfolded
        self._folded: list[FolderNode] = []  # unfolded in the list before the grid showed
        self._blocks: dict[FolderNode, list[tuple[int, FolderNode]]] = {}
        self._sizes: dict[FolderNode, int] = {}
        self._pending: list[tuple[QModelIndex, QPersistentModelIndex]] = []
        self._last_located: tuple[int, FolderNode, int] = (-1, tree.root, -1)
        self._open_folder_icon = icon("folder-open")  # an expanded folder's row
        tree.rowsAboutToBeInserted.connect(self._on_tree_rows_about_to_be_inserted)
        tree.rowsInserted.connect(self._on_tree_rows_inserted)
        tree.rowsAboutToBeRemoved.connect(self._on_tree_rows_about_to_be_removed)
        tree.rowsRemoved.connect(self._on_tree_rows_removed)
        tree.layoutAboutToBeChanged.connect(self._on_tree_layout_about_to_be_changed)
        tree.layoutChanged.connect(self._on_tree_layout_changed)
        tree.modelAboutToBeReset.connect(self._on_tree_model_about_to_be_reset)
        tree.modelReset.connect(self._on_tree_model_reset)
        tree.dataChanged.connect(self._on_tree_data_changed)

    @property
    def tree(self) -> ObjectTreeModel:
        return self._tree

    # -- geometry -----------------------------------------------------------
    def _invalidate(self) -> None:
        self._blocks.clear()
        self._sizes.clear()
        self._last_located = (-1, self._tree.root, -1)

    def _block(self, node: FolderNode) -> list[tuple[int, FolderNode]]:
        """Expanded, visible child folders of `node` with their rows, in row order."""
        block = self._blocks.get(node)
        if block is None:
            block = sorted(
                (row, child)
                for child in node.folders
                if child in self._expanded and (row := node.row_of_folder(child)) >= 0
            )
            self._blocks[node] = block
        return block

    def _size(self, node: FolderNode) -> int:
        size = self._sizes.get(node)
        if size is None:
            size = node.row_count() + sum(self._size(child) for _, child in self._block(node))
            self._sizes[node] = size
        return size

    def _shows_children(self, node: FolderNode) -> bool:
        """True when `node`'s rows are part of the flat list."""
        while node is not self._tree.root:
            parent = node.parent
            if node not in self._expanded or parent is None or parent.row_of_folder(node) < 0:
                return False
            node = parent
        return True

    def _flat_row(self, node: FolderNode, row: int) -> int:
        """Flat position of `node`'s row `row` (`row == row_count` means just past its block)."""
        base = 0
        if node is not self._tree.root and node.parent is not None:
            base = self._flat_row(node.parent, node.parent.row_of_folder(node)) + 1
        offset = row
        for child_row, child in self._block(node):
            if child_row >= row:
                break
            offset += self._size(child)
        return base + offset

    def locate(self, flat: int) -> tuple[FolderNode, int]:
        """The (folder, row) shown at flat row `flat`."""
        last_flat, last_node, last_row = self._last_located
        if last_flat == flat:  # a repaint asks for every cell of a row in turn
            return last_node, last_row
        node, row = self._locate(flat)
        self._last_located = (flat, node, row)
        return node, row

    def locate_rows(self, rows: Iterable[int]) -> Iterator[tuple[FolderNode, int]]:
        """(folder, row) of each flat row of `rows`: the open folder's own rows directly
        when nothing is expanded (Ctrl+A in a flat folder of 65,000 objects)."""
        root = self._tree.root
        if not self._block(root):
            yield from ((root, row) for row in rows)
            return
        for row in rows:
            yield self._locate(row)

    def _locate(self, flat: int) -> tuple[FolderNode, int]:
        node, base = self._tree.root, 0
        while True:
            position, shift = flat - base, 0
            for child_row, child in self._block(node):
                if position <= child_row + shift:
                    return node, position - shift
                size = self._size(child)
                if position <= child_row + shift + size:
                    base += child_row + shift + 1
                    node = child
                    break
                shift += size
            else:
                return node, position - shift

    def depth(self, node: FolderNode) -> int:
        depth = 0
        while node is not self._tree.root and node.parent is not None:
            node = node.parent
            depth += 1
        return depth

    # -- mapping ------------------------------------------------------------
    def map_to_source(self, index: AnyIndex) -> QModelIndex:
        if not index.isValid():
            return QModelIndex()
        node, row = self.locate(index.row())
        return self._tree.createIndex(row, index.column(), node)

    def map_from_source(self, index: AnyIndex) -> QModelIndex:
        if not index.isValid():
            return QModelIndex()
        node: FolderNode = index.internalPointer()
        if not self._shows_children(node):
            return QModelIndex()
        return self.index(self._flat_row(node, index.row()), index.column())

    def index_of_key(self, key: str, column: int = 0) -> QModelIndex | None:
        """The index of the row showing `key` (a file, or a folder ending in "/"); None if none does."""
        for row in range(self.rowCount()):
            index = self.index(row, column)
            if index.data(ObjectRole.KEY) == key:
                return index
        return None

    def folder_at(self, index: AnyIndex) -> FolderNode | None:
        if not index.isValid():
            return None
        node, row = self.locate(index.row())
        return node.folder_at(row)

    # -- expansion ----------------------------------------------------------
    def is_expanded(self, folder: FolderNode) -> bool:
        return folder in self._expanded

    def expanded_folders(self) -> list[FolderNode]:
        return [f for f in self._expanded if self._shows_children(f)]

    def set_top_level_only(self, on: bool) -> None:
        """Show only the open folder's own rows (the icon grid, which draws no nesting) or
        every unfolded folder's again: the list's unfolded folders fold while the grid shows
        and unfold again after, those still there."""
        if on == self._top_only:
            return
        if on:
            self._folded = sorted(self.expanded_folders(), key=self.depth)
            for folder in [f for f in self._folded if f.parent is self._tree.root]:
                self.collapse(folder)
            self._top_only = True
            return
        self._top_only = False
        folded, self._folded = self._folded, []
        for folder in folded:  # outermost first: each one's parent is shown by then
            self.expand(folder)

    def expand(self, folder: FolderNode) -> None:
        """Show `folder`'s rows under it, listing it first if it never was (not in the grid)."""
        if folder in self._expanded or folder.parent is None or self._top_only:
            return
        if not self._shows_children(folder.parent) or folder.parent.row_of_folder(folder) < 0:
            return
        folder_flat = self._flat_row(folder.parent, folder.parent.row_of_folder(folder))
        count = folder.row_count()
        if count:
            self.beginInsertRows(QModelIndex(), folder_flat + 1, folder_flat + count)
        self._expanded.add(folder)
        self._invalidate()
        if count:
            self.endInsertRows()
        self._emit_row_changed(folder_flat)
        if folder.state == LoadState.UNLOADED:
            self._tree.fetchMore(self._tree.index_of_folder(folder))

    def collapse(self, folder: FolderNode) -> None:
        if folder not in self._expanded or folder.parent is None:
            return
        visible = self._shows_children(folder)
        folder_flat = self._flat_row(folder.parent, folder.parent.row_of_folder(folder)) if visible else -1
        size = self._size(folder) if visible else 0
        if size:
            self.beginRemoveRows(QModelIndex(), folder_flat + 1, folder_flat + size)
        self._forget_expansion(folder)
        self._invalidate()
        if size:
            self.endRemoveRows()
        if visible:
            self._emit_row_changed(folder_flat)

    def _forget_expansion(self, folder: FolderNode) -> None:
        stack = [folder]
        while stack:
            node = stack.pop()
            self._expanded.discard(node)
            stack.extend(child for child in node.folders if child in self._expanded)

    def _emit_row_changed(self, flat: int) -> None:
        self.dataChanged.emit(self.index(flat, 0), self.index(flat, self.columnCount() - 1))

    # -- tree signals -------------------------------------------------------
    def _on_tree_rows_about_to_be_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        node = self._tree.folder_node(parent)
        self._insert_at = -1
        if node is not None and self._shows_children(node):
            self._insert_at = self._flat_row(node, first)
            self.beginInsertRows(QModelIndex(), self._insert_at, self._insert_at + last - first)

    def _on_tree_rows_inserted(self, parent: QModelIndex, _first: int, _last: int) -> None:
        self._invalidate()
        if self._insert_at >= 0:
            self._insert_at = -1
            self.endInsertRows()
        elif parent.isValid():
            self._refresh_folder_row(parent)

    def _on_tree_rows_about_to_be_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        node = self._tree.folder_node(parent)
        self._remove_range = (-1, -1)
        if node is not None and self._shows_children(node):
            start = self._flat_row(node, first)
            end = self._flat_row(node, last + 1) - 1
            self._remove_range = (start, end)
            self.beginRemoveRows(QModelIndex(), start, end)
        if node is not None:
            for row in range(first, last + 1):
                child = node.folder_at(row)
                if child is not None:
                    self._forget_expansion(child)

    def _on_tree_rows_removed(self, parent: QModelIndex, _first: int, _last: int) -> None:
        self._invalidate()
        if self._remove_range[0] >= 0:
            self._remove_range = (-1, -1)
            self.endRemoveRows()
        elif parent.isValid():
            self._refresh_folder_row(parent)

    def _refresh_folder_row(self, tree_index: QModelIndex) -> None:
        flat = self.map_from_source(tree_index)
        if flat.isValid():
            self._emit_row_changed(flat.row())

    def _on_tree_layout_about_to_be_changed(self, *_: Any) -> None:
        self.layoutAboutToBeChanged.emit()
        # Remember each persistent row (selection, current) as a tree index; the tree keeps
        # those right through its own change, so they can be mapped back afterwards.
        self._pending = [
            (p, QPersistentModelIndex(self.map_to_source(p))) for p in self.persistentIndexList()
        ]

    def _on_tree_layout_changed(self, *_: Any) -> None:
        self._invalidate()
        old = [flat for flat, _ in self._pending]
        new = [self.map_from_source(source) for _, source in self._pending]
        self._pending = []
        if old:
            self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def _on_tree_model_about_to_be_reset(self) -> None:
        self.beginResetModel()

    def _on_tree_model_reset(self) -> None:
        self._expanded.clear()
        self._folded.clear()
        self._invalidate()
        self.endResetModel()

    def _on_tree_data_changed(
        self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Any = None
    ) -> None:
        first = self.map_from_source(top_left.siblingAtColumn(0))
        last = self.map_from_source(bottom_right.siblingAtColumn(0))
        if first.isValid() and last.isValid():
            self.dataChanged.emit(self.index(first.row(), 0), self.index(last.row(), self.columnCount() - 1))

    # -- Qt model API -------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._size(self._tree.root)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        # Read from the columns, not through data(): Qt asks for the flags of every selected
        # cell when the rows change under a selection (65,000 rows selected: 400,000 calls).
        node, row = self.locate(index.row())
        folder = node.folder_at(row)
        obj = node.object_at(row) if folder is None else -1
        if folder.only_deleted if folder is not None else obj >= 0 and node.deleted[obj]:
            # Nothing to rename or drag: only Restore.
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        # Names are edited in place (Rename); the edit is a request, see setData.
        return ROW_FLAGS | Qt.ItemFlag.ItemIsEditable if index.column() == Column.NAME else ROW_FLAGS

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """A name typed in place: ask for the rename (the row changes when the server has it)."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != Column.NAME:
            return False
        key = self.data(index, ObjectRole.KEY)
        if key and isinstance(value, str):
            self.name_edited.emit(key, value)
        return False

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return self._tree.headerData(section, orientation, role)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.EditRole and index.isValid() and index.column() == Column.NAME:
            return self.data(index, Qt.ItemDataRole.DisplayRole)  # the name, to edit in place
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        node, row = self.locate(index.row())
        if role == ObjectRole.DEPTH:
            return self.depth(node)
        if role == Qt.ItemDataRole.DecorationRole and index.column() == Column.NAME:
            folder = node.folder_at(row)
            if folder is not None and folder in self._expanded:
                return self._open_folder_icon
        elif role in (ObjectRole.EXPANDED, ObjectRole.EXPANDABLE):
            folder = node.folder_at(row)
            if folder is None:
                return False
            if role == ObjectRole.EXPANDED:
                return folder in self._expanded
            return (
                folder.state in (LoadState.UNLOADED, LoadState.LOADING, LoadState.FAILED)
                or folder.row_count() > 0
            )
        return self._tree.cell_data(node, row, index.column(), role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._tree.sort(column, order)
