"""The left-hand panel: accounts and their Spaces; choosing one opens it."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QFocusEvent, QGuiApplication, QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTreeView, QVBoxLayout, QWidget

from spacesgui.core.errors import AuthError, ListBucketsDenied, SecretMissing, SpacesError
from spacesgui.core.history import Place
from spacesgui.qtmodels.account_model import AccountRole, AccountTreeModel
from spacesgui.services.account_service import AccountService
from spacesgui.ui.context_menu import show_once
from spacesgui.ui.keyboard_menu import open_menu_by_keyboard
from spacesgui.ui.naming import named

log = logging.getLogger(__name__)

LOCKED_TEXT = "Secret key needed: click to enter it"
ENTER_SECRET_TEXT = "Enter Secret Key…"
REFUSED_REASON = "The server did not accept the keys. Type the secret key again."


class AccountTree(QTreeView):
    """The tree; a right-click opens the menu without moving the selection (or the open place)."""

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            event.accept()
            return
        super().mousePressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        # Qt makes the first row current when the tree gets focus with none: that is not the
        # user choosing a place, so it must not open one (nor the account it would open).
        selection = self.selectionModel()
        blocked = selection.blockSignals(True)
        try:
            super().focusInEvent(event)
        finally:
            selection.blockSignals(blocked)


class AccountPanel(QWidget):
    """Accounts and their Spaces. Its selection always shows the open place (see `select`)."""

    place_selected = Signal(object)  # Place
    edit_requested = Signal(str)  # account id
    new_space_requested = Signal(str)  # account id
    remove_requested = Signal(str)  # account id
    delete_space_requested = Signal(str, str)  # account id, Space
    space_settings_requested = Signal(str, str)  # account id, Space
    space_usage_requested = Signal(str, str)  # account id, Space
    buckets_loaded = Signal(str)  # account id
    failed = Signal(str, object)  # account id, SpacesError
    secret_entered = Signal(str)  # account id: a new secret was typed after a refusal

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
        self._shown: Place | None = None  # the place the window shows; the selection follows it
        self._refused: set[str] = set()  # accounts whose keys the server refused last time
        self.tree = named(AccountTree(self), "accountTree", "Accounts and Spaces")
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.selectionModel().currentChanged.connect(self._on_tree_current_changed)
        self.tree.clicked.connect(self._on_tree_clicked)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._on_tree_context_menu_requested)
        open_menu_by_keyboard(self.tree)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        accounts.accounts_changed.connect(self._on_accounts_changed)

    @contextlib.contextmanager
    def _model_update(self) -> Iterator[None]:
        """Change the model without the selection changes it causes opening anything;
        then select the shown place again."""
        selection = self.tree.selectionModel()
        selection.blockSignals(True)
        try:
            yield
        finally:
            selection.blockSignals(False)
            self._follow_shown()

    def _on_accounts_changed(self) -> None:
        with self._model_update():
            self.model.set_accounts(self._accounts.accounts)
        for account in self._accounts.accounts:
            item = self.model.account_item(account.id)
            if item is None:
                continue
            if self._accounts.needs_secret(account.id):
                # Not at start-up: the secret is asked for when the account is first used.
                with self._model_update():
                    self.model.set_message(account.id, LOCKED_TEXT, locked=True)
            # New accounts, and accounts showing why they have no Spaces (the account may
            # have just been fixed), are listed again.
            elif item.rowCount() == 0 or not item.child(0).data(AccountRole.BUCKET):
                self.reload_buckets(account.id)

    def reload_buckets(self, account_id: str) -> None:
        self._spawn(self._load_buckets(account_id))

    async def _load_buckets(self, account_id: str) -> None:
        try:
            buckets = await self._accounts.list_buckets(account_id)
        except SpacesError as exc:
            short = "Cannot list Spaces" if isinstance(exc, ListBucketsDenied) else exc.title
            locked = isinstance(exc, SecretMissing)
            if isinstance(exc, AuthError):
                self._refused.add(account_id)
            with self._model_update():
                self.model.set_message(account_id, LOCKED_TEXT if locked else short, locked=locked)
            self.failed.emit(account_id, exc)
            return
        except KeyError:
            return  # the account was removed meanwhile
        self._refused.discard(account_id)
        with self._model_update():
            self.model.set_buckets(account_id, buckets)
            item = self.model.account_item(account_id)
            if item is not None:
                self.tree.expand(item.index())
        self.buckets_loaded.emit(account_id)

    def _on_tree_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._open(current)

    def _on_tree_clicked(self, index: QModelIndex) -> None:
        """A click opens what it hits even when it is selected already, and unlocks an account."""
        if index.isValid() and index.data(AccountRole.LOCKED):
            self.reload_buckets(str(index.data(AccountRole.ACCOUNT_ID)))
            return
        self._open(index)

    def _open(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        account_id = index.data(AccountRole.ACCOUNT_ID)
        bucket = index.data(AccountRole.BUCKET) or ""
        place = Place(account_id, bucket, "") if account_id else None
        if place is not None and (
            self._shown is None
            or (place.account_id, place.bucket) != (self._shown.account_id, self._shown.bucket)
        ):
            self.place_selected.emit(place)

    def select(self, place: Place | None) -> None:
        """Show `place` (None: nothing) as the selection, without emitting place_selected."""
        self._shown = place
        self._follow_shown()

    def _follow_shown(self) -> None:
        """Select and scroll to the shown place's Space (or account); after any model change."""
        selection = self.tree.selectionModel()
        place = self._shown
        item = None
        if place is not None:
            item = self.model.bucket_item(place.account_id, place.bucket) if place.bucket else None
            item = item or self.model.account_item(place.account_id)
        selection.blockSignals(True)
        try:
            if item is None:
                selection.clear()
            else:
                selection.setCurrentIndex(item.index(), QItemSelectionModel.SelectionFlag.ClearAndSelect)
                self.tree.scrollTo(item.index())
        finally:
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
            menu.addAction("Settings…", lambda: self.space_settings_requested.emit(account_id, bucket))
            menu.addAction("Space Usage…", lambda: self.space_usage_requested.emit(account_id, bucket))
            menu.addSeparator()
            menu.addAction("Delete Space…", lambda: self.delete_space_requested.emit(account_id, bucket))
            menu.addSeparator()
        if self.may_enter_secret(account_id):
            menu.addAction(ENTER_SECRET_TEXT, lambda: self.enter_secret(account_id))
        menu.addAction("New Space…", lambda: self.new_space_requested.emit(account_id))
        menu.addSeparator()
        menu.addAction("Edit Account…", lambda: self.edit_requested.emit(account_id))
        menu.addAction("Refresh Spaces", lambda: self.reload_buckets(account_id))
        menu.addSeparator()
        menu.addAction("Remove Account…", lambda: self.remove_requested.emit(account_id))
        show_once(menu, self.tree.viewport().mapToGlobal(position))

    def may_enter_secret(self, account_id: str) -> bool:
        """True when the secret is missing, or the server refused the keys (a mistyped secret
        kept for this session only is otherwise never asked for again)."""
        return account_id in self._refused or self._accounts.needs_secret(account_id)

    def note_refused(self, account_id: str) -> None:
        """The server refused the account's keys elsewhere (a listing): offer a new secret."""
        self._refused.add(account_id)

    def enter_secret(self, account_id: str) -> None:
        """Ask for the secret key (again, after a refusal), then list the Spaces with it."""
        if not any(a.id == account_id for a in self._accounts.accounts):
            return  # removed meanwhile (a message about it may have outlived it)
        if account_id not in self._refused:
            self.reload_buckets(account_id)  # missing: listing asks for it
            return
        self._spawn(self._enter_secret(account_id))

    async def _enter_secret(self, account_id: str) -> None:
        if not await self._accounts.ask_secret(account_id, REFUSED_REASON):
            return
        self._refused.discard(account_id)
        self.reload_buckets(account_id)
        self.secret_entered.emit(account_id)

    def bucket_names(self, account_id: str) -> list[str]:
        item = self.model.account_item(account_id)
        if item is None:
            return []
        names = (item.child(r).data(AccountRole.BUCKET) for r in range(item.rowCount()))
        return [name for name in names if name]

    def current_account_id(self) -> str:
        index = self.tree.currentIndex()
        return str(index.data(AccountRole.ACCOUNT_ID) or "") if index.isValid() else ""
