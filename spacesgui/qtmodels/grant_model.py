"""The grant editor's table: one row per grant of a file's access list (who, and what they may do)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from spacesgui.core.access import AccessPolicy, AclGrant, add_grant

AnyIndex = QModelIndex | QPersistentModelIndex


class GrantColumn(IntEnum):
    WHO = 0
    PERMISSION = 1


HEADERS = {GrantColumn.WHO: "Who", GrantColumn.PERMISSION: "May"}


class GrantTableModel(QAbstractTableModel):
    """The grants of one AccessPolicy, in order; rows are added and removed, not edited. GUI thread only."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._policy = AccessPolicy("")

    @property
    def policy(self) -> AccessPolicy:
        return self._policy

    def set_policy(self, policy: AccessPolicy) -> None:
        self.beginResetModel()
        self._policy = policy
        self.endResetModel()

    def add(self, grant: AclGrant) -> bool:
        """Add `grant` at the end; False when an equal grant is already there."""
        added = add_grant(self._policy, grant)
        if added is self._policy:
            return False
        row = len(self._policy.grants)
        self.beginInsertRows(QModelIndex(), row, row)
        self._policy = added
        self.endInsertRows()
        return True

    def remove_rows(self, rows: list[int]) -> None:
        for row in sorted(set(rows), reverse=True):
            if 0 <= row < len(self._policy.grants):
                self.beginRemoveRows(QModelIndex(), row, row)
                grants = list(self._policy.grants)
                del grants[row]
                self._policy = self._policy.with_grants(grants)
                self.endRemoveRows()

    def grant_at(self, row: int) -> AclGrant | None:
        grants = self._policy.grants
        return grants[row] if 0 <= row < len(grants) else None

    # -- Qt model API -------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._policy.grants)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(GrantColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(GrantColumn(section)) if 0 <= section < len(GrantColumn) else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        grant = self.grant_at(index.row()) if index.isValid() else None
        if grant is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return grant.who if column == GrantColumn.WHO else grant.permission.label
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == GrantColumn.PERMISSION:
                return grant.permission.value  # the S3 name: READ, WRITE_ACP, …
            return f"{grant.kind.label}: {grant.identity}" if grant.identity else grant.kind.label
        return None
