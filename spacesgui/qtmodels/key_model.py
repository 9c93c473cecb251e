"""The keys manager's table: one row per account, its secret masked."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from spacesgui.core.accounts import provider
from spacesgui.core.key_status import KeyRow, SecretPlace, last_connected_text

Index = QModelIndex | QPersistentModelIndex


class KeyColumn(IntEnum):
    NAME = 0
    PROVIDER = 1
    ENDPOINT = 2
    REGION = 3
    SPACE = 4  # the one Space the account opens ("Open this Space"), for keys limited to it
    ACCESS_KEY = 5
    SECRET = 6
    LAST_CONNECTED = 7


HEADERS = {
    KeyColumn.NAME: "Name",
    KeyColumn.PROVIDER: "Provider",
    KeyColumn.ENDPOINT: "Endpoint",
    KeyColumn.REGION: "Region",
    KeyColumn.SPACE: "Space",
    KeyColumn.ACCESS_KEY: "Access key ID",
    KeyColumn.SECRET: "Secret key",
    KeyColumn.LAST_CONNECTED: "Last connected",
}

SECRET_TIPS = {
    SecretPlace.KEYRING: "The secret key is in the system keyring.",
    SecretPlace.SESSION: "The secret key is kept in memory until you quit; it is asked for again after.",
    SecretPlace.MISSING: "The secret key is nowhere: it is asked for when the account is next used.",
}


class KeyRole(IntEnum):
    ACCOUNT_ID = Qt.ItemDataRole.UserRole + 1
    SORT = Qt.ItemDataRole.UserRole + 2  # native value: str, or float for last connected
    SECRET_PLACE = Qt.ItemDataRole.UserRole + 3  # a SecretPlace value


class KeyTableModel(QAbstractTableModel):
    """Rows from KeysService.rows; never holds a secret, only where it is. GUI thread only."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[KeyRow] = []

    def set_rows(self, rows: list[KeyRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_of(self, account_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.account.id == account_id), -1)

    def key_row(self, row: int) -> KeyRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(KeyColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(KeyColumn(section)) if 0 <= section < len(KeyColumn) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = KeyColumn(index.column())
        if role == KeyRole.ACCOUNT_ID:
            return row.account.id
        if role == KeyRole.SECRET_PLACE:
            return row.secret.value
        if role == KeyRole.SORT:
            if column == KeyColumn.LAST_CONNECTED:
                return row.account.last_connected
            return self._text(row, column).casefold()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == KeyColumn.SECRET:
                return SECRET_TIPS[row.secret]
            if column == KeyColumn.ENDPOINT:
                return row.account.endpoint_url
            if column == KeyColumn.SPACE:
                bucket = row.account.bucket
                return (
                    f"This account opens only the Space “{bucket}” (keys limited to one Space)."
                    if bucket
                    else "This account lists every Space its keys may see."
                )
            return self._text(row, column)
        return None

    @staticmethod
    def _text(row: KeyRow, column: KeyColumn) -> str:
        account = row.account
        texts = {
            KeyColumn.NAME: account.name,
            KeyColumn.PROVIDER: provider(account.provider).label,
            # The host first: "https://" took a line of its own in a narrow column, and is
            # what almost every endpoint starts with; "http://" is kept, as worth noticing.
            KeyColumn.ENDPOINT: account.endpoint_url.removeprefix("https://"),
            KeyColumn.REGION: account.region,
            KeyColumn.SPACE: account.bucket or "All",
            KeyColumn.ACCESS_KEY: account.access_key_id,
            KeyColumn.SECRET: row.secret.masked,
            KeyColumn.LAST_CONNECTED: last_connected_text(account.last_connected),
        }
        return texts[column]

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
