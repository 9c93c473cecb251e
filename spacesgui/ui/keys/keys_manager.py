"""The Keys Manager window (File → Keys Manager…, Ctrl+K): every account, its keys, where its secret is.

Add and Edit open the usual account dialog; Duplicate, Remove, Test connection, Show
secret and Copy access key ID act on the selected row. A second row of buttons
(`extra_buttons`) is where other sources of keys are wired (Import…, DigitalOcean keys…).
GUI thread only; keyring reads and connection tests run on workers through the services.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QModelIndex, QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.accounts import Account
from spacesgui.core.errors import SpacesError
from spacesgui.core.key_status import SecretPlace
from spacesgui.core.redaction import redact
from spacesgui.qtmodels.key_model import KeyColumn, KeyRole, KeyTableModel
from spacesgui.qtmodels.legible_colors import status_text
from spacesgui.services.keys_service import KeysService
from spacesgui.ui.accounts.account_dialog import AccountDialog
from spacesgui.ui.message_banner import MessageBanner
from spacesgui.ui.naming import named
from spacesgui.ui.window_keys import close_by_keyboard

log = logging.getLogger(__name__)

Spawner = Callable[[Awaitable[None]], object]


class KeysManager(QWidget):
    """A window of its own over KeysService; `last_dialog` is the dialog or box it last opened."""

    account_removed = Signal(str, str)  # account id, its name: the browser leaves its places
    account_added = Signal(str)  # account id, added with Add…: the browser opens it

    def __init__(self, keys: KeysService, spawn: Spawner, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        named(self, "keysManager", "Keys Manager")
        self.setWindowTitle("Keys Manager")
        self.resize(1100, 420)  # every column whole, the endpoint host too, for the usual accounts
        self._keys, self._accounts, self._spawn = keys, keys.accounts, spawn
        self.last_dialog: QDialog | None = None
        self._chosen = ""  # the account whose row is selected: results and a shown secret are its
        self._pending_select = ""  # an account just added: selected once a reload shows its row

        self.banner = MessageBanner(self)
        self.model = KeyTableModel(self)
        self.table = named(QTableView(self), "keysTable", "Accounts and their keys")
        # Sorting by a header click compares native values (KeyRole.SORT), never display strings.
        self.sorted = QSortFilterProxyModel(self)
        self.sorted.setSourceModel(self.model)
        self.sorted.setSortRole(KeyRole.SORT)
        self.table.setModel(self.sorted)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(KeyColumn.NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)  # one line a row, cut with "…" (rows are one line high)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(KeyColumn.ENDPOINT, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._on_table_double_clicked)

        self.add_button = self._button("Add…", "addKeyButton", self.add)
        self.edit_button = self._button("Edit…", "editKeyButton", self.edit)
        self.duplicate_button = self._button("Duplicate", "duplicateKeyButton", self.duplicate)
        self.remove_button = self._button("Remove…", "removeKeyButton", self.remove)
        self.test_button = self._button("Test Connection", "testKeyButton", self.test_connection)
        self.show_secret_button = self._button("Show Secret", "showSecretButton", self.toggle_secret)
        self.copy_button = self._button("Copy Access Key ID", "copyAccessKeyButton", self.copy_access_key)
        self.remove_button.setShortcut(QKeySequence.StandardKey.Delete)
        self.copy_button.setToolTip("Copy the selected account's access key ID (never its secret)")
        self.show_secret_button.setToolTip("Show the selected account's secret key in this window")
        # Two groups side by side, or one above the other in a narrow window (set on resize).
        self._editing, self._checking = QHBoxLayout(), QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.duplicate_button, self.remove_button):
            self._editing.addWidget(button)
        self._editing.addStretch(1)
        for button in (self.test_button, self.show_secret_button, self.copy_button):
            self._checking.addWidget(button)
        self._checking.addStretch(1)
        self._buttons = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._buttons.addLayout(self._editing, 1)
        self._buttons.addLayout(self._checking)
        # Other ways to get keys (Import…, DigitalOcean keys…) are added here by the app.
        self.extra_buttons = QHBoxLayout()
        self.extra_buttons.setObjectName("keysExtraButtons")
        self.extra_buttons.addStretch(1)
        # Last, at the far right, as a window's own button: the row above is for keys.
        self.close_button = self._button("Close", "keysCloseButton", self.close)
        self._close_row = QHBoxLayout()
        self._close_row.addLayout(self.extra_buttons, 1)
        self._close_row.addWidget(self.close_button)
        close_by_keyboard(self)

        self.result_label = named(QLabel(self), "keysResultLabel", "Result")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.secret_edit = named(QLineEdit(self), "revealedSecretEdit", "Secret key")
        self.secret_edit.setReadOnly(True)
        # Says whose secret it is: shown under the table, away from the selected row.
        self.secret_label = named(QLabel(self), "revealedSecretLabel", "Whose secret key")
        self.secret_label.setBuddy(self.secret_edit)
        self._secret_row = QWidget(self)
        secret_row = QHBoxLayout(self._secret_row)
        secret_row.setContentsMargins(0, 0, 0, 0)
        secret_row.addWidget(self.secret_label)
        secret_row.addWidget(self.secret_edit, 1)
        self._secret_row.hide()

        layout = QVBoxLayout(self)
        # The window's narrowest is the groups stacked, not side by side (resizeEvent).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.addWidget(self.banner)
        layout.addLayout(self._buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self._secret_row)
        layout.addWidget(self.result_label)
        layout.addLayout(self._close_row)

        keys.rows_changed.connect(self._on_keys_rows_changed)
        self._accounts.accounts_changed.connect(self._on_accounts_changed)
        self._accounts.connection_recorded.connect(self._on_accounts_changed)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self._update_enabled()

    def _side_by_side_width(self) -> int:
        margins = self.layout().contentsMargins()  # type: ignore[union-attr]
        groups = self._editing.sizeHint().width() + self._checking.sizeHint().width()
        return groups + self._buttons.spacing() + margins.left() + margins.right()

    def _stacked_size(self) -> QSize:
        """The smallest the window may be: its buttons in two rows, every label whole."""
        self._buttons.setDirection(QBoxLayout.Direction.TopToBottom)
        smallest = self.layout().minimumSize()  # type: ignore[union-attr]
        self._fit_buttons(self.width())
        return smallest

    def _fit_buttons(self, width: int) -> None:
        wide = width >= self._side_by_side_width()
        self._buttons.setDirection(
            QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit_buttons(event.size().width())
        super().resizeEvent(event)

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = named(QPushButton(text, self), name, text.rstrip("…"))
        button.clicked.connect(slot)
        return button

    def add_extra_button(self, text: str, name: str, slot: Callable[[], None]) -> QPushButton:
        """Add a button to the row for other sources of keys (before its stretch)."""
        button = self._button(text, name, slot)
        self.extra_buttons.insertWidget(self.extra_buttons.count() - 1, button)
        return button

    # -- rows -----------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        self.setMinimumSize(self._stacked_size())  # here: the extra buttons are in by now
        super().showEvent(event)
        self._show_keyring_state()
        self._run(self._keys.reload())

    def _on_accounts_changed(self, *_: object) -> None:
        if self.isVisible():
            self._run(self._keys.reload())

    def _on_keys_rows_changed(self) -> None:
        selected = self.selected_id()
        self.model.set_rows(self._keys.rows)
        if self._pending_select and self.model.row_of(self._pending_select) >= 0:
            selected, self._pending_select = self._pending_select, ""
        if selected:
            self.select(selected)
        elif not self.table.selectionModel().hasSelection() and self.sorted.rowCount():
            # The first row chosen, as a preferences list does: Edit… and the arrow keys work
            # at once (with one account, Down had nowhere to go and selected nothing).
            self.table.selectRow(0)
        self._update_enabled()

    def _show_keyring_state(self) -> None:
        problem = self._accounts.keyring_problem()
        if problem:
            log.warning("keys manager: %s", problem)  # the whole story, backend named, in the log
            # Two lines, not five: what it means here and the way out (the backend's module
            # name meant nothing to a new user).
            self.banner.show_message(
                "No usable system keyring was found, so secret keys are kept for this session only "
                "(until you quit). "
                "To remember them, install and unlock a Secret Service such as gnome-keyring or "
                "KWallet, then start spacesgui again.",
                level="warning",
            )
        elif self.banner.isVisible() and "keyring" in self.banner.text():
            self.banner.dismiss()

    def selected_id(self) -> str:
        rows = self.table.selectionModel().selectedRows()
        return str(rows[0].data(KeyRole.ACCOUNT_ID)) if rows else ""

    def select(self, account_id: str) -> None:
        row = self.model.row_of(account_id)
        if row >= 0:
            self.table.selectRow(self.sorted.mapFromSource(self.model.index(row, 0)).row())

    def _selected_account(self) -> Account | None:
        account_id = self.selected_id()
        try:
            return self._accounts.account(account_id) if account_id else None
        except KeyError:
            return None

    def _on_selection_changed(self, *_: object) -> None:
        chosen = self.selected_id()
        if chosen != self._chosen:  # not when the rows are read again and the same one reselected
            self._chosen = chosen
            self._hide_secret()
            self.result_label.clear()
        self._update_enabled()

    def _update_enabled(self) -> None:
        chosen = bool(self.selected_id())
        for button in (self.edit_button, self.duplicate_button, self.remove_button, self.test_button,
                       self.show_secret_button, self.copy_button):  # fmt: skip
            button.setEnabled(chosen)

    def _on_table_double_clicked(self, _index: QModelIndex) -> None:
        self.edit()

    # -- results --------------------------------------------------------------
    def _run(self, coro: Awaitable[None]) -> None:
        self._spawn(self._reporting(coro))

    async def _reporting(self, coro: Awaitable[None]) -> None:
        try:
            await coro
        except SpacesError as exc:
            self.show_error(exc)

    def show_error(self, error: SpacesError) -> None:
        log.warning("keys manager: %s: %s", error.title, error.detail or error.message)
        self._show_result(False, f"{error.title}. {error.message}")

    def _show_result(self, ok: bool, text: str) -> None:
        self.result_label.setStyleSheet(f"color: {status_text(self.palette(), ok).name()};")
        self.result_label.setText(("✓ " if ok else "✗ ") + redact(text))

    # -- actions --------------------------------------------------------------
    def add(self) -> None:
        self._open_dialog(None)

    def edit(self) -> None:
        account = self._selected_account()
        if account is not None:
            self._open_dialog(account)

    def _open_dialog(self, existing: Account | None) -> None:
        accounts = self._accounts
        dialog = AccountDialog(
            accounts.test_connection,
            self._spawn,
            self,
            account=existing,
            saver=accounts.save_account,
            keyring_problem=accounts.keyring_problem(),
        )
        self.last_dialog = dialog

        def on_finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted and dialog.saved is not None:
                self._run(self._reload_and_select(dialog.saved.id))
                if existing is None:
                    self.account_added.emit(dialog.saved.id)

        dialog.finished.connect(on_finished)
        dialog.open()

    async def _reload_and_select(self, account_id: str) -> None:
        """Select the account's row once a reload shows it (a newer reload may supersede this one)."""
        self._pending_select = account_id
        await self._keys.reload()

    def duplicate(self) -> None:
        account_id = self.selected_id()
        if account_id:
            self._run(self._duplicate(account_id))

    async def _duplicate(self, account_id: str) -> None:
        copy = await self._keys.duplicate(account_id)
        self._chosen = copy.id  # the result is the copy's: selecting it keeps the result shown
        if self._accounts.is_ephemeral(copy.id):
            self._show_result(
                True,
                f"Added “{copy.name}”, with the same keys, for this session only: like the account it "
                "copies, it is not saved and is gone when spacesgui quits.",
            )
        else:
            self._show_result(
                True, f"Added “{copy.name}”, with the same keys. Edit it to change what differs."
            )
        await self._reload_and_select(copy.id)

    def remove(self) -> None:
        account = self._selected_account()
        if account is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Remove Account",
            f"Remove the account “{account.name}”?\n\nIts secret key is deleted from the keyring. "
            "The Spaces and files on the server are not touched, and the keys stay valid.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("removeAccountBox")
        remove_button = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        self.last_dialog = box

        def on_finished(_result: int) -> None:
            if box.clickedButton() is remove_button:
                self._remove(account)

        box.finished.connect(on_finished)
        box.open()

    def _remove(self, account: Account) -> None:
        try:
            self._accounts.remove_account(account.id)
        except SpacesError as exc:
            self.show_error(exc)
            return
        log.info("account %s removed in the keys manager", account.name)
        self.account_removed.emit(account.id, account.name)
        self._chosen = ""  # its row is gone: the result stays when the selection empties
        where = " Its secret key was deleted from the keyring." if account.in_keyring else ""
        self._show_result(True, f"Removed “{account.name}”.{where}")

    def test_connection(self) -> None:
        account = self._selected_account()
        if account is None:
            return
        self.test_button.setEnabled(False)
        self.result_label.setStyleSheet("")
        self.result_label.setText(f"Connecting to {account.endpoint_url} as {account.access_key_id}…")
        self._run(self._test(account))

    async def _test(self, account: Account) -> None:
        try:
            report = await self._keys.test(account.id)
        finally:
            self._update_enabled()
        if report.ok:
            self._show_result(True, f"“{account.name}”: {report.message}")
        else:
            title = report.error.title if report.error is not None else "Connection failed"
            self._show_result(False, f"“{account.name}”: {title}. {report.message}")

    def toggle_secret(self) -> None:
        if self._secret_row.isVisible():
            self._hide_secret()
            return
        account_id = self.selected_id()
        if account_id:
            self._run(self._reveal(account_id))

    async def _reveal(self, account_id: str) -> None:
        secret = await self._keys.reveal(account_id)
        if self.selected_id() != account_id:
            return  # the selection moved on meanwhile: show nothing
        account = self._selected_account()
        self.secret_label.setText(
            f"Secret key of “{account.name}”:" if account is not None else "Secret key:"
        )
        self.secret_edit.setText(secret)
        self._secret_row.show()
        self.show_secret_button.setText("Hide Secret")

    def _hide_secret(self) -> None:
        self.secret_edit.clear()
        self._secret_row.hide()
        self.show_secret_button.setText("Show Secret")

    def copy_access_key(self) -> None:
        account = self._selected_account()
        if account is not None:
            QGuiApplication.clipboard().setText(account.access_key_id)
            self._show_result(True, f"Access key ID {account.access_key_id} copied.")

    def secret_place(self, account_id: str) -> SecretPlace | None:
        """What the secret column says for the account (None: no such row). For tests and tools."""
        row = self.model.row_of(account_id)
        return self.model.key_row(row).secret if row >= 0 else None

    def closeEvent(self, event: QCloseEvent) -> None:
        self._hide_secret()  # a shown secret does not wait in a hidden window
        super().closeEvent(event)
