"""What each cell of the object tree shows, per role: text, icon, colour, font, raw values.

ObjectTreeModel finds the row (a folder node and a row in it); this module turns it into
cell data, as transfer_cells does for the transfer queue. Deleted rows and cut rows are
greyed here. GUI thread only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon

from spacesgui.core.access import AccessState
from spacesgui.core.deleted import DELETED_FOLDER_TIP, DELETED_LABEL, DELETED_TIP
from spacesgui.core.filetypes import FOLDER_LABEL, FileKind, file_kind, type_label
from spacesgui.core.folder_node import STORAGE_CLASSES, Column, FolderNode
from spacesgui.core.formatting import human_size, human_time, storage_class_text
from spacesgui.core.keys import is_within
from spacesgui.qtmodels.icons import kind_icon
from spacesgui.qtmodels.legible_colors import muted_row_text
from spacesgui.qtmodels.roles import ObjectRole

CUT_LABEL = "Cut: moves when pasted"
CUT_ROLES = frozenset({Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.AccessibleDescriptionRole})


class ObjectCells:
    """Cell data for folder and object rows; keeps the icons, the greyed colour and what the
    model sets: why Access says "—" (`access_note`) and the open Space's cut keys (`cut`)."""

    def __init__(self) -> None:
        # One QIcon per kind, made once: a row's icon costs a name lookup, and each icon
        # keeps its rendered pixmaps, so a screenful of rows draws a few cached pixmaps.
        self._kind_icons: dict[FileKind, QIcon] = {kind: kind_icon(kind) for kind in FileKind}
        self._muted: tuple[int, QColor] | None = None  # (palette cache key, greyed text colour)
        self._italic = QFont()
        self._italic.setItalic(True)
        self.access_note = ""  # why the Access column says "—" (the server keeps no ACLs)
        self.cut: frozenset[str] = frozenset()  # keys (folders end in "/") cut from the open Space

    def is_cut(self, key: str) -> bool:
        return bool(self.cut) and is_within(key, self.cut)

    def _muted_colour(self) -> QColor:
        palette = QGuiApplication.palette()
        if self._muted is None or self._muted[0] != palette.cacheKey():
            self._muted = (palette.cacheKey(), muted_row_text(palette))
        return self._muted[1]

    def _deleted_data(self, column: int, role: int, tip: str) -> Any:
        """What a deleted row says differently: greyed, italic, “Deleted” in the Access cell."""
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._muted_colour()
        if role == Qt.ItemDataRole.FontRole:
            return self._italic
        if role == ObjectRole.DELETED:
            return True
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:  # what a screen reader adds to the cell
            return DELETED_LABEL
        if column == Column.ACCESS and role == Qt.ItemDataRole.DisplayRole:
            return DELETED_LABEL
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.ACCESS:
            return tip
        return None

    def _cut_data(self, key: str, role: int) -> Any:
        """What a cut row says differently: greyed, and "Cut" to a screen reader."""
        if role == Qt.ItemDataRole.ForegroundRole and self.is_cut(key):
            return self._muted_colour()
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and self.is_cut(key):
            return CUT_LABEL
        return None

    def folder(self, folder: FolderNode, column: int, role: int) -> Any:
        if (
            folder.only_deleted
            and (found := self._deleted_data(column, role, DELETED_FOLDER_TIP)) is not None
        ):
            return found
        if role in CUT_ROLES and (found := self._cut_data(folder.prefix, role)) is not None:
            return found
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Column.NAME:
                return folder.name
            return FOLDER_LABEL if column == Column.TYPE else ""
        if role == Qt.ItemDataRole.DecorationRole and column == Column.NAME:
            return self._kind_icons[FileKind.FOLDER]
        if role == ObjectRole.KEY or (role == Qt.ItemDataRole.ToolTipRole and column == Column.NAME):
            return folder.prefix
        if role == ObjectRole.IS_FOLDER:
            return True
        if role == ObjectRole.DELETED:
            return False
        if role == ObjectRole.SORT:
            return folder.name.casefold() if column == Column.NAME else ""
        return None

    def object(self, node: FolderNode, obj: int, column: int, role: int) -> Any:
        if node.deleted[obj] and (found := self._deleted_data(column, role, DELETED_TIP)) is not None:
            return found
        if role in CUT_ROLES and (found := self._cut_data(node.key_of(obj), role)) is not None:
            return found
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Column.NAME:
                return node.names[obj]
            if column == Column.SIZE:
                return human_size(node.sizes[obj])
            if column == Column.MODIFIED:
                return human_time(node.mtimes[obj])
            if column == Column.TYPE:
                return type_label(node.names[obj])
            if column == Column.ACCESS:
                return "—" if self.access_note else AccessState(node.access[obj]).label
            return storage_class_text(STORAGE_CLASSES[node.classes[obj]])
        if role == Qt.ItemDataRole.DecorationRole and column == Column.NAME:
            return self._kind_icons[file_kind(node.names[obj])]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.SIZE:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == ObjectRole.KEY or (role == Qt.ItemDataRole.ToolTipRole and column == Column.NAME):
            return node.key_of(obj)
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.ACCESS:
            return self.access_note or AccessState(node.access[obj]).explanation or None
        if role in (ObjectRole.IS_FOLDER, ObjectRole.DELETED):
            return False
        if role == ObjectRole.SIZE:
            return node.sizes[obj]
        if role == ObjectRole.SORT:
            return node.object_sort_key(Column(column))(obj)
        return None
