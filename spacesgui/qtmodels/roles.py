"""Custom item-data roles shared by models and views."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt


class ObjectRole(IntEnum):
    SORT = Qt.ItemDataRole.UserRole + 1  # native value for sorting: int, float or str
    KEY = Qt.ItemDataRole.UserRole + 2  # full object key, or folder prefix ending in "/"
    IS_FOLDER = Qt.ItemDataRole.UserRole + 3
    SIZE = Qt.ItemDataRole.UserRole + 4  # bytes, objects only
    DEPTH = Qt.ItemDataRole.UserRole + 5  # flat view: how deep below the open folder
    EXPANDED = Qt.ItemDataRole.UserRole + 6  # flat view: folder row shows its children
    EXPANDABLE = Qt.ItemDataRole.UserRole + 7  # flat view: folder row that has or may have children
    DELETED = Qt.ItemDataRole.UserRole + 8  # a deleted file (newest version a delete marker) or such a folder
