"""The activity record as a table, newest first, narrowed by an ActivityFilter.

It keeps every entry it was given (history, then live ones) and shows those the filter
matches. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication

from spacesgui.core.activity import ActivityEntry, ActivityFilter, ActivityResult, iso_time, local_time
from spacesgui.qtmodels.legible_colors import error_text

AnyIndex = QModelIndex | QPersistentModelIndex
Role = Qt.ItemDataRole


class ActivityColumn(IntEnum):
    TIME = 0
    ACCOUNT = 1
    SPACE = 2
    TARGET = 3
    ACTION = 4
    RESULT = 5
    MESSAGE = 6


class ActivityRole(IntEnum):
    ENTRY = Role.UserRole + 1  # the ActivityEntry of the row


_HEADERS = ("Time", "Account", "Space", "Target", "Action", "Result", "Message")
_RESULT_TEXT = {
    ActivityResult.OK: "OK",
    ActivityResult.FAILED: "Failed",
    ActivityResult.CANCELLED: "Cancelled",
}


def cell_text(entry: ActivityEntry, column: ActivityColumn) -> str:
    if column == ActivityColumn.TIME:
        return local_time(entry.time)
    if column == ActivityColumn.RESULT:
        return _RESULT_TEXT[entry.result]
    if column == ActivityColumn.ACTION:
        return entry.action.value
    return {
        ActivityColumn.ACCOUNT: entry.account,
        ActivityColumn.SPACE: entry.space,
        ActivityColumn.TARGET: entry.target,
        ActivityColumn.MESSAGE: entry.message,
    }[column]


class ActivityModel(QAbstractTableModel):
    """See the module docstring."""

    accounts_seen = Signal(object)  # sorted list of account names, when a new one appears

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[ActivityEntry] = []  # oldest first
        self._shown: list[ActivityEntry] = []  # oldest first; row 0 is the last one
        self._filter = ActivityFilter()
        self._accounts: set[str] = set()

    # -- feeding --------------------------------------------------------------------------

    def add_entries(self, entries: Iterable[ActivityEntry]) -> None:
        """Newer entries (oldest first): they appear at the top."""
        new = list(entries)
        self._all.extend(new)
        shown = [e for e in new if self._filter.matches(e)]
        if shown:
            self.beginInsertRows(QModelIndex(), 0, len(shown) - 1)
            self._shown.extend(shown)
            self.endInsertRows()
        self._note_accounts(new)

    def add_history(self, entries: Iterable[ActivityEntry]) -> None:
        """Older entries (oldest first), read after the live ones began: they go below."""
        old = list(entries)
        self._all[:0] = old
        shown = [e for e in old if self._filter.matches(e)]
        if shown:
            end = len(self._shown)
            self.beginInsertRows(QModelIndex(), end, end + len(shown) - 1)
            self._shown[:0] = shown
            self.endInsertRows()
        self._note_accounts(old)

    def _note_accounts(self, entries: list[ActivityEntry]) -> None:
        names = {e.account for e in entries} - self._accounts
        if names:
            self._accounts |= names
            self.accounts_seen.emit(sorted(self._accounts, key=str.casefold))

    def set_filter(self, wanted: ActivityFilter) -> None:
        if wanted == self._filter:
            return
        self.beginResetModel()
        self._filter = wanted
        self._shown = [e for e in self._all if wanted.matches(e)]
        self.endResetModel()

    @property
    def filter(self) -> ActivityFilter:
        return self._filter

    def shown(self) -> list[ActivityEntry]:
        """The entries the filter lets through, newest first (what the table shows)."""
        return self._shown[::-1]

    def total(self) -> int:
        return len(self._all)

    def entry(self, row: int) -> ActivityEntry:
        return self._shown[len(self._shown) - 1 - row]

    # -- Qt -------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's default)
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ActivityColumn)

    def data(self, index: AnyIndex, role: int = Role.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._shown):
            return None
        entry = self.entry(index.row())
        column = ActivityColumn(index.column())
        if role == Role.DisplayRole:
            return cell_text(entry, column)
        if role == Role.ToolTipRole:
            if column == ActivityColumn.TIME:
                return iso_time(entry.time)
            return cell_text(entry, column) or None
        if role == Role.ForegroundRole and entry.result == ActivityResult.FAILED:
            return (
                error_text(QGuiApplication.palette())
                if column in (ActivityColumn.RESULT, ActivityColumn.MESSAGE)
                else None
            )
        if role == ActivityRole.ENTRY:
            return entry
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
