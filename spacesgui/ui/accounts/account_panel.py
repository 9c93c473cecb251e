"""The left-hand panel: accounts and their Spaces; choosing one opens it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTreeView, QVBoxLayout, QWidget

from spacesgui.core.errors import ListBucketsDenied, SpacesError
from spacesgui.core.history import Place
from spacesgui.qtmodels.account_model import AccountRole, AccountTreeModel
from spacesgui.services.account_service import AccountService
from spacesgui.ui.naming import named

log = logging.getLogger(__name__)


class AccountPanel(QWidget):
    place_selected = Signal(object)  # Place
    edit_requested = Signal(str)  # account id
    new_space_requested = Signal(str)  # account id
    remove_requested = Signal(str)  # account id
    buckets_loaded = Signal(str)  # account id
    failed = Signal(str, object)  # account id, SpacesError

    def __init__(
        self,
        accounts: AccountService,
        spawn: Callable[[Awaitable[None]], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._accounts = accounts
        self._spawn = spawn
        self.model = AccountTreeModel(self)
        self.tree = named(QTreeView(self), "accountTree", "Accounts and Spaces")
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.selectionModel().currentChanged.connect(self._on_tree_current_changed)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._on_tree_context_menu_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        accounts.accounts_changed.connect(self._on_accounts_changed)

    def _on_accounts_changed(self) -> None:
        self.model.set_accounts(self._accounts.accounts)
        for account in self._accounts.accounts:
            item = self.model.account_item(account.id)
            # New accounts, and accounts showing why they have no Spaces (the account may
            # have just been fixed), are listed again.
            if item is not None and (item.rowCount() == 0 or not item.child(0).data(AccountRole.BUCKET)):
                self.reload_buckets(account.id)

    def reload_buckets(self, account_id: str) -> None:
        self._spawn(self._load_buckets(account_id))

    async def _load_buckets(self, account_id: str) -> None:
        try:
            buckets = await self._accounts.list_buckets(account_id)
        except SpacesError as exc:
            short = "Cannot list Spaces" if isinstance(exc, ListBucketsDenied) else exc.title
            self.model.set_message(account_id, short)
            self.failed.emit(account_id, exc)
            return
        except KeyError:
            return  # the account was removed meanwhile
        self.model.set_buckets(account_id, buckets)
        item = self.model.account_item(account_id)
        if item is not None:
            self.tree.expand(item.index())
        self.buckets_loaded.emit(account_id)

    def _on_tree_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        account_id = current.data(AccountRole.ACCOUNT_ID)
        bucket = current.data(AccountRole.BUCKET) or ""
        if account_id:
            self.place_selected.emit(Place(account_id, bucket, ""))

    def select(self, place: Place) -> None:
        """Highlight the Space (or account) of `place` without emitting place_selected."""
        item = self.model.bucket_item(place.account_id, place.bucket) if place.bucket else None
        item = item or self.model.account_item(place.account_id)
        if item is None:
            return
        selection = self.tree.selectionModel()
        selection.blockSignals(True)
        selection.setCurrentIndex(item.index(), QItemSelectionModel.SelectionFlag.ClearAndSelect)
        selection.blockSignals(False)
        self.tree.viewport().update()

    def _on_tree_context_menu_requested(self, position: QPoint) -> None:
        index = self.tree.indexAt(position)
        account_id = str(index.data(AccountRole.ACCOUNT_ID) or "") if index.isValid() else ""
        if not account_id:
            return
        bucket = str(index.data(AccountRole.BUCKET) or "")
        menu = QMenu(self.tree)
        menu.setObjectName("accountContextMenu")
        if bucket:
            menu.addAction("Open", lambda: self.place_selected.emit(Place(account_id, bucket, "")))
            menu.addAction("Copy Path", lambda: QGuiApplication.clipboard().setText(f"s3://{bucket}/"))
            menu.addSeparator()
        menu.addAction("New Space…", lambda: self.new_space_requested.emit(account_id))
        menu.addSeparator()
        menu.addAction("Edit Account…", lambda: self.edit_requested.emit(account_id))
        menu.addAction("Refresh Spaces", lambda: self.reload_buckets(account_id))
        menu.addSeparator()
        menu.addAction("Remove Account…", lambda: self.remove_requested.emit(account_id))
        menu.popup(self.tree.viewport().mapToGlobal(position))

    def bucket_names(self, account_id: str) -> list[str]:
        item = self.model.account_item(account_id)
        if item is None:
            return []
        names = (item.child(r).data(AccountRole.BUCKET) for r in range(item.rowCount()))
        return [name for name in names if name]

    def current_account_id(self) -> str:
        index = self.tree.currentIndex()
        return str(index.data(AccountRole.ACCOUNT_ID) or "") if index.isValid() else ""
