"""The Space Usage tree: a row per folder with its size, object count and share of the whole.

Each folder that also holds objects directly gets one more row, "Files in this folder",
so a folder's rows add up to the folder. Children come biggest first; a sort proxy over
`UsageRole.SORT` gives the other orders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from spacesgui.core.formatting import human_size
from spacesgui.core.usage import FolderUsage, share_of
from spacesgui.qtmodels.icons import icon

AnyIndex = QModelIndex | QPersistentModelIndex

FILES_ROW_NAME = "Files in this folder"


class UsageColumn(IntEnum):
    NAME = 0
    SIZE = 1
    OBJECTS = 2
    SHARE = 3


HEADERS = {
    UsageColumn.NAME: "Folder",
    UsageColumn.SIZE: "Size",
    UsageColumn.OBJECTS: "Objects",
    UsageColumn.SHARE: "Share",
}


class UsageRole(IntEnum):
    SORT = Qt.ItemDataRole.UserRole + 1  # native value: str, int or float
    SHARE = Qt.ItemDataRole.UserRole + 2  # float 0..1 of the scan's total size
    PREFIX = Qt.ItemDataRole.UserRole + 3  # the folder's key prefix ("" for a files row)
    IS_FILES = Qt.ItemDataRole.UserRole + 4


@dataclass(slots=True)
class _Row:
    name: str
    prefix: str
    size: int
    count: int
    parent: int  # row id of the parent, -1 at the top
    folder: FolderUsage | None  # None for a "files in this folder" row
    children: list[int] = field(default_factory=list)
    listed: bool = False  # children made (lazily, when Qt first asks)


class UsageModel(QAbstractItemModel):
    """Rows over a finished scan's folder tree, made lazily as folders expand. GUI thread only."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._top: list[int] = []
        self._total = 0

    def set_root(self, root: FolderUsage | None) -> None:
        """Show the folders under `root` (its children at the top level); None empties the model."""
        self.beginResetModel()
        self._rows = []
        self._total = root.size if root is not None else 0
        self._top = self._make_children(root, -1) if root is not None else []
        self.endResetModel()

    @property
    def total_size(self) -> int:
        return self._total

    def _make_children(self, folder: FolderUsage, parent_id: int) -> list[int]:
        ids: list[int] = []
        for child in folder.sorted_children():
            ids.append(len(self._rows))
            self._rows.append(_Row(child.name, child.prefix, child.size, child.count, parent_id, child))
        if folder.own_count and (folder.children or parent_id == -1):
            files = _Row(FILES_ROW_NAME, "", folder.own_size, folder.own_count, parent_id, None, listed=True)
            at = next((i for i, rid in enumerate(ids) if self._rows[rid].size < files.size), len(ids))
            ids.insert(at, len(self._rows))
            self._rows.append(files)
        return ids

    def _children_of(self, row_id: int) -> list[int]:
        if row_id < 0:
            return self._top
        row = self._rows[row_id]
        if not row.listed:
            row.listed = True
            if row.folder is not None:
                row.children = self._make_children(row.folder, row_id)
        return row.children

    # ---------------------------------------------------------------- QAbstractItemModel

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= len(UsageColumn) or row < 0:
            return QModelIndex()
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        siblings = self._children_of(parent.internalId() if parent.isValid() else -1)
        if row >= len(siblings):
            return QModelIndex()
        return self.createIndex(row, column, siblings[row])

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent_id = self._rows[index.internalId()].parent
        if parent_id < 0:
            return QModelIndex()
        grand = self._rows[parent_id].parent
        siblings = self._top if grand < 0 else self._rows[grand].children
        return self.createIndex(siblings.index(parent_id), 0, parent_id)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._children_of(parent.internalId() if parent.isValid() else -1))

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return len(UsageColumn)

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if not parent.isValid():
            return bool(self._top)
        if parent.column() != 0:
            return False
        folder = self._rows[parent.internalId()].folder
        return folder is not None and bool(folder.children)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(UsageColumn(section)) if 0 <= section < len(UsageColumn) else None
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.internalId()]
        column = UsageColumn(index.column())
        share = share_of(row.size, self._total)
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, column, share)
        if role == UsageRole.SORT:
            return _sort_value(row, column, share)
        if role == UsageRole.SHARE:
            return share
        if role == UsageRole.PREFIX:
            return row.prefix
        if role == UsageRole.IS_FILES:
            return row.folder is None
        if role == Qt.ItemDataRole.DecorationRole and column == UsageColumn.NAME:
            return icon("folder") if row.folder is not None else icon("file")
        if role == Qt.ItemDataRole.TextAlignmentRole and column != UsageColumn.NAME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.prefix or None
        return None


def _display(row: _Row, column: UsageColumn, share: float) -> str:
    if column == UsageColumn.NAME:
        return row.name
    if column == UsageColumn.SIZE:
        return human_size(row.size)
    if column == UsageColumn.OBJECTS:
        return f"{row.count:,}"
    return f"{share * 100:.1f} %"


def _sort_value(row: _Row, column: UsageColumn, share: float) -> Any:
    if column == UsageColumn.NAME:
        return row.name.casefold()
    if column == UsageColumn.SIZE:
        return row.size
    if column == UsageColumn.OBJECTS:
        return row.count
    return share
