"""The versions of a file or folder as a table: by key, newest first, delete markers greyed.

GUI thread only.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QPalette

from spacesgui.core.activity import local_time
from spacesgui.core.formatting import human_size
from spacesgui.core.versions import ObjectVersion, newest_first

NULL_VERSION = "null"

AnyIndex = QModelIndex | QPersistentModelIndex
Role = Qt.ItemDataRole


class VersionColumn(IntEnum):
    NAME = 0
    KIND = 1
    MODIFIED = 2
    SIZE = 3
    VERSION_ID = 4


class VersionRole(IntEnum):
    VERSION = Role.UserRole + 1  # the ObjectVersion of the row
    SORT = Role.UserRole + 2  # native values: bytes, timestamps


_HEADERS = ("Name", "Kind", "Modified", "Size", "Version ID")


class VersionModel(QAbstractTableModel):
    """See the module docstring."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._versions: list[ObjectVersion] = []

    def set_versions(self, versions: Iterable[ObjectVersion]) -> None:
        self.beginResetModel()
        self._versions = newest_first(versions)
        self.endResetModel()

    def add_versions(self, versions: Iterable[ObjectVersion]) -> None:
        """A further page: the table is ordered again, so a key's versions stay together."""
        self.set_versions([*self._versions, *versions])

    def versions(self) -> list[ObjectVersion]:
        return list(self._versions)

    def version(self, row: int) -> ObjectVersion:
        return self._versions[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._versions)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(VersionColumn)

    def data(self, index: AnyIndex, role: int = Role.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._versions):
            return None
        v = self._versions[index.row()]
        column = VersionColumn(index.column())
        if role == Role.DisplayRole:
            return _text(v, column)
        if role == VersionRole.SORT:
            return {VersionColumn.SIZE: v.size, VersionColumn.MODIFIED: v.last_modified}.get(
                column, _text(v, column)
            )
        if role == VersionRole.VERSION:
            return v
        if role == Role.ForegroundRole and v.delete_marker:
            return QGuiApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        if role == Role.FontRole and v.is_latest and not v.delete_marker:
            font = QGuiApplication.font()
            font.setBold(True)
            return font
        if role == Role.ToolTipRole and column == VersionColumn.VERSION_ID and v.version_id == NULL_VERSION:
            return "Stored while versioning was off: the server calls this version “null”."
        if role == Role.TextAlignmentRole and column == VersionColumn.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Role.DisplayRole
            and 0 <= section < len(_HEADERS)
        ):
            return _HEADERS[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _text(v: ObjectVersion, column: VersionColumn) -> str:
    if column == VersionColumn.NAME:
        return v.key
    if column == VersionColumn.KIND:
        return v.kind
    if column == VersionColumn.MODIFIED:  # to the second: versions often come minutes apart
        return local_time(v.last_modified) if v.last_modified else ""
    if column == VersionColumn.SIZE:
        return "" if v.delete_marker else human_size(v.size)
    if v.version_id == NULL_VERSION:  # S3's id for what was stored with versioning off
        return "none (versioning off)"
    return v.version_id
