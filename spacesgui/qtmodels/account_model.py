"""Accounts and their Spaces for the left-hand tree."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel

from spacesgui.core.accounts import Account, provider
from spacesgui.core.listing import BucketInfo
from spacesgui.qtmodels.icons import icon


class AccountRole(IntEnum):
    ACCOUNT_ID = Qt.ItemDataRole.UserRole + 1
    BUCKET = Qt.ItemDataRole.UserRole + 2  # empty on account rows and message rows
    LOCKED = Qt.ItemDataRole.UserRole + 3  # a message row saying the secret must be entered


class AccountTreeModel(QStandardItemModel):
    """Two levels: accounts, then their Spaces (or one line saying why there are none)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._account_icon = icon("account")
        self._bucket_icon = icon("space")
        self._warning_icon = icon("warning")

    def set_accounts(self, accounts: list[Account]) -> None:
        existing = {self.item(r).data(AccountRole.ACCOUNT_ID): r for r in range(self.rowCount())}
        wanted = {a.id for a in accounts}
        for row in sorted((r for aid, r in existing.items() if aid not in wanted), reverse=True):
            self.removeRow(row)
        for account in accounts:
            item = self.account_item(account.id)
            if item is None:
                item = QStandardItem()
                item.setEditable(False)
                item.setData(account.id, AccountRole.ACCOUNT_ID)
                item.setData("", AccountRole.BUCKET)
                item.setIcon(self._account_icon)
                self.appendRow(item)
            item.setText(account.name)
            item.setToolTip(f"{provider(account.provider).label} · {account.endpoint_url}")

    def account_item(self, account_id: str) -> QStandardItem | None:
        for row in range(self.rowCount()):
            item = self.item(row)
            if item.data(AccountRole.ACCOUNT_ID) == account_id:
                return item
        return None

    def set_buckets(self, account_id: str, buckets: list[BucketInfo]) -> None:
        item = self.account_item(account_id)
        if item is None:
            return
        names = [b.name for b in buckets]
        current = [item.child(r).data(AccountRole.BUCKET) for r in range(item.rowCount())]
        if current == names:
            return
        item.removeRows(0, item.rowCount())
        for name in names:
            child = QStandardItem(self._bucket_icon, name)
            child.setEditable(False)
            child.setData(account_id, AccountRole.ACCOUNT_ID)
            child.setData(name, AccountRole.BUCKET)
            item.appendRow(child)

    def set_message(self, account_id: str, text: str, *, locked: bool = False) -> None:
        """Show one non-selectable line under the account instead of its Spaces.

        `locked`: the line says the secret is needed, and a click on it asks for it.
        """
        item = self.account_item(account_id)
        if item is None:
            return
        current = item.child(0) if item.rowCount() == 1 else None
        if current is not None and current.text() == text and not current.data(AccountRole.BUCKET):
            return
        item.removeRows(0, item.rowCount())
        child = QStandardItem(self._warning_icon, text)
        child.setData(locked, AccountRole.LOCKED)
        child.setEditable(False)
        child.setSelectable(False)
        child.setToolTip(text)
        child.setData(account_id, AccountRole.ACCOUNT_ID)
        child.setData("", AccountRole.BUCKET)
        item.appendRow(child)

    def bucket_item(self, account_id: str, bucket: str) -> QStandardItem | None:
        item = self.account_item(account_id)
        if item is None:
            return None
        for row in range(item.rowCount()):
            if item.child(row).data(AccountRole.BUCKET) == bucket:
                return item.child(row)
        return None
