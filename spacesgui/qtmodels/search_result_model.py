"""The flat list of a search's matches: path, size, date. Rows come in batches, sorted as the user chose."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from spacesgui.core.filetypes import FileKind, file_kind
from spacesgui.core.formatting import human_size, human_time
from spacesgui.core.listing import ObjectRef
from spacesgui.core.search import HitColumn, SearchHits
from spacesgui.core.search_follow import row_runs
from spacesgui.qtmodels.icons import kind_icon
from spacesgui.qtmodels.roles import ObjectRole

ModelIndex = QModelIndex | QPersistentModelIndex
# The layout signals' overload that carries a hint: told it is a vertical sort, a view's
# selection keeps one index per selected row through it, not one per cell.
_PARENTS, _HINT = "QList<QPersistentModelIndex>", "QAbstractItemModel::LayoutChangeHint"
_SORTED = QAbstractItemModel.LayoutChangeHint.VerticalSortHint
HEADERS = ("Path", "Size", "Modified")
PATH, SIZE, MODIFIED = (column.value for column in HitColumn)  # the columns a sort names


class SearchResultModel(QAbstractTableModel):
    """Matches in columns (no object per row); `append` adds one batch with one insert.

    The Path column shows the key below the searched folder (a folder found by its name ends
    in "/" and has no size or date); ObjectRole.KEY gives the full
    key, ObjectRole.SIZE the size and ObjectRole.SORT a native value. Rows show in the order
    they were found (a search lists a Space's pieces at once, in no key order) until the
    view sorts by a column: from then on every batch is merged into that order, through a
    new search too. GUI thread only.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits = SearchHits()
        self._cut = 0  # characters of the searched folder left off the shown path
        self._kind_icons: dict[FileKind, Any] = {kind: kind_icon(kind) for kind in FileKind}
        self._sorted_by: tuple[HitColumn, bool] | None = None  # column, descending; None: as found

    def reset(self, prefix: str = "") -> None:
        """Forget every row; paths are shown below `prefix` from now on."""
        self.beginResetModel()
        self._hits = SearchHits()
        self._cut = len(prefix)
        self.endResetModel()

    def append(self, hits: SearchHits) -> None:
        if not hits:
            return
        first = len(self._hits)
        self.beginInsertRows(QModelIndex(), first, first + len(hits) - 1)
        self._hits.extend(hits)
        self.endInsertRows()
        self._resort()

    def remove_keys(self, keys: Collection[str]) -> int:
        """Take the rows showing any of `keys` away, one remove per run of neighbours; how many."""
        if not keys:
            return 0
        rows = [row for row, key in enumerate(self._hits.keys) if key in keys]
        for first, last in reversed(row_runs(rows)):
            self.beginRemoveRows(QModelIndex(), first, last)
            self._hits.delete(first, last)
            self.endRemoveRows()
        return len(rows)

    def move_keys(self, moves: Mapping[str, tuple[str, int, float]]) -> int:
        """Show each row of an old key as its new key, size and date (renamed or moved); how many.

        A row already showing a new key (a file the move replaced) goes: one key, one row.
        Sorted rows are sorted again once, after every move.
        """
        moved = 0
        for old, (new, size, mtime) in moves.items():
            if self.row_of(old) < 0:
                continue
            if new != old:
                self.remove_keys({new})
            row = self.row_of(old)
            h = self._hits
            h.keys[row], h.sizes[row], h.mtimes[row], h.etags[row] = new, size, mtime, ""
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
            moved += 1
        if moved:
            self._resort()
        return moved

    # -- sorting ----------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by `column` (the view's header click); a column out of range: as found."""
        if not 0 <= column < len(HEADERS):
            self._sorted_by = None
            return
        self._sorted_by = (HitColumn(column), order == Qt.SortOrder.DescendingOrder)
        self._resort()

    def _resort(self) -> None:
        """Put the rows in the chosen order, keeping the selection and current row on their keys."""
        if self._sorted_by is None or len(self._hits) < 2:
            return
        positions = self._hits.order(*self._sorted_by)
        if positions == list(range(len(positions))):
            return
        self.layoutAboutToBeChanged[_PARENTS, _HINT].emit([], _SORTED)  # type: ignore[index]  # stubs lack overloads
        kept = self.persistentIndexList()
        self._hits.reorder(positions)
        if kept:
            rows = {i.row() for i in kept}  # the selection's rows, or one current row: often few
            if len(rows) <= 4:  # a current row and a few selected: a search each beats a pass
                row_now = {old: positions.index(old) for old in rows}
            else:
                row_now = {old: new for new, old in enumerate(positions)}
            self.changePersistentIndexList(kept, [self.index(row_now[i.row()], i.column()) for i in kept])
        self.layoutChanged[_PARENTS, _HINT].emit([], _SORTED)  # type: ignore[index]

    def key(self, row: int) -> str:
        return self._hits.keys[row]

    def ref(self, row: int) -> ObjectRef:
        h = self._hits
        key = h.keys[row]
        return ObjectRef(
            key, key.endswith("/"), size=h.sizes[row], etag=h.etags[row], last_modified=h.mtimes[row]
        )

    def folders(self) -> set[str]:
        """The folders shown (found by their name)."""
        return {key for key in self._hits.keys if key.endswith("/")}

    def row_of(self, key: str) -> int:
        """The row showing `key`, or -1."""
        try:
            return self._hits.keys.index(key)
        except ValueError:
            return -1

    # -- Qt overrides ------------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._hits):
            return None
        row, column, h = index.row(), index.column(), self._hits
        if role == Qt.ItemDataRole.DisplayRole:
            if column == PATH:
                return h.keys[row][self._cut :]
            if h.keys[row].endswith("/"):  # a folder found by its name: no size or date of its own
                return h.keys[row][self._cut :] if column == PATH else ""
            if column == SIZE:
                return human_size(h.sizes[row])
            if column == MODIFIED:
                return human_time(h.mtimes[row])
            return None
        if role == Qt.ItemDataRole.ToolTipRole and column == PATH:
            return h.keys[row]
        if role == Qt.ItemDataRole.DecorationRole and column == PATH:
            return self._kind_icons[file_kind(h.keys[row])]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ObjectRole.KEY:
            return h.keys[row]
        if role == ObjectRole.IS_FOLDER:
            return h.keys[row].endswith("/")
        if role == ObjectRole.SIZE:
            return h.sizes[row]
        if role == ObjectRole.SORT:
            return (h.keys[row], h.sizes[row], h.mtimes[row])[column] if 0 <= column < len(HEADERS) else None
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
