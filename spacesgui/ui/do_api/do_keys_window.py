"""The DigitalOcean keys window (objectName `doKeys`): the API token, and the account's
Spaces access keys: list, create (secret shown once, Save as Account), rename, delete.

GUI thread only; API calls run through DoApiService on its workers. Failures are shown
in the window in plain words (and logged by the service), never with the token.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.do_api import ApiScopeMissing, CreatedKey, SpacesKey
from spacesgui.core.errors import SpacesError
from spacesgui.services.account_service import AccountService
from spacesgui.services.do_api_service import DoApiService
from spacesgui.ui.do_api.key_dialogs import CreatedKeyDialog, CreateKeyDialog
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.problem_label import ProblemLabel
from spacesgui.ui.window_keys import close_by_keyboard

log = logging.getLogger(__name__)

Spawner = Callable[[Awaitable[None]], object]
COLUMNS = ("Name", "Access key", "Access", "Created", "Local accounts")
NAME_COLUMN, ACCESS_COLUMN = 0, 2
NAME_MAX_WIDTH = 200  # px: a 40-character key name is cut, not given half the window
NO_TOKEN = (
    "No API token yet. Create a personal access token in the DigitalOcean control panel "
    "(API → Tokens) with the “spaces_key” scopes (and “cdn” for the CDN), then paste it here. "
    "It is kept in the system keyring, never in a file."
)


class DoKeysWindow(QWidget):
    """One window per main window (DoKeysAction keeps it). GUI thread only."""

    def __init__(
        self, service: DoApiService, accounts: AccountService, spawn: Spawner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("doKeys")
        self.setAccessibleName("DigitalOcean Spaces keys")
        self.setWindowTitle("DigitalOcean Spaces Keys")
        self.resize(880, 460)
        self._service, self._accounts, self._spawn = service, accounts, spawn
        self.keys: list[SpacesKey] = []
        self._busy = False
        self._name_sized = False  # the Name column's width chosen (once, at the first keys)
        self.create_dialog: CreateKeyDialog | None = None
        self.created_dialog: CreatedKeyDialog | None = None
        self.rename_dialog: QInputDialog | None = None
        self.delete_box: QMessageBox | None = None

        self.token_edit = named(QLineEdit(self), "doTokenEdit", "DigitalOcean API token")
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText("dop_v1_…")
        self.save_token_button = named(QPushButton("Save Token", self), "doSaveToken", "Save token")
        self.forget_token_button = named(QPushButton("Forget Token", self), "doForgetToken", "Forget token")
        self.save_token_button.clicked.connect(self.save_token)
        self.forget_token_button.clicked.connect(self.forget_token)
        self.token_edit.returnPressed.connect(self.save_token)
        self.token_status = named(MutedLabel("", self), "doTokenStatus", "Token")
        self.token_status.setWordWrap(True)

        self.table = named(QTableWidget(0, len(COLUMNS), self), "doKeysTable", "Spaces keys")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        # Access (the grants, long for a key of many Spaces) takes what is left, cut with "…"
        # and whole on hover; before, every column took its whole text and Access, Created
        # and Local accounts went off the side at the window's own width.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(ACCESS_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(100)  # a narrow window scrolls before Access is squeezed to "…"
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.refresh_button = named(QPushButton("Refresh", self), "doRefreshKeys", "Refresh")
        self.create_button = named(QPushButton("Create Key…", self), "doCreateKey", "Create key")
        self.rename_button = named(QPushButton("Rename…", self), "doRenameKey", "Rename key")
        self.delete_button = named(QPushButton("Delete…", self), "doDeleteKey", "Delete key")
        self.refresh_button.clicked.connect(self.refresh)
        self.create_button.clicked.connect(self.ask_create)
        self.rename_button.clicked.connect(self.ask_rename)
        self.delete_button.clicked.connect(self.ask_delete)
        self.status_label = named(MutedLabel("", self), "doKeysStatus", "Status")
        self.status_label.setWordWrap(True)
        self.error_label = named(ProblemLabel(self), "doKeysError", "What failed")

        token_row = QHBoxLayout()
        token_row.addWidget(self.token_edit, 1)
        token_row.addWidget(self.save_token_button)
        token_row.addWidget(self.forget_token_button)
        buttons = QHBoxLayout()
        for button in (self.refresh_button, self.create_button, self.rename_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(token_row)
        layout.addWidget(self.token_status)
        layout.addWidget(self.error_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status_label)
        service.token_changed.connect(self._show_token_state)
        accounts.accounts_changed.connect(self._fill)
        close_by_keyboard(self)
        self._show_token_state()

    # -- token ----------------------------------------------------------------------------
    def save_token(self) -> None:
        """Check the pasted token with DigitalOcean; it is kept only if accepted."""
        if self._busy:
            return  # Enter pressed twice: one check at a time
        self._run("Checking the token with DigitalOcean…", self._save_token(self.token_edit.text()))

    async def _save_token(self, token: str) -> None:
        try:
            self.keys = await self._service.save_token(token)
        except ApiScopeMissing:
            self.token_edit.clear()  # kept (it may serve the CDN); the error says what it lacks
            raise
        self.token_edit.clear()
        self._fill()
        self.status_label.setText(f"{len(self.keys)} key{'s' if len(self.keys) != 1 else ''}.")

    def forget_token(self) -> None:
        self._service.forget_token()
        self.keys = []
        self._fill()

    def _show_token_state(self) -> None:
        has = self._service.has_token()
        if self._service.token_for_session_only:
            kept = (
                "A token is kept until spacesgui quits (there is no system keyring to keep it in). "
                "Paste another to replace it."
            )
        else:
            kept = "A token is kept in the system keyring. Paste another to replace it."
        self.token_status.setText(kept if has else NO_TOKEN)
        self._update_buttons()

    # -- keys -----------------------------------------------------------------------------
    def refresh(self) -> None:
        if self._service.has_token():
            self._run("Reading the keys…", self._refresh())

    async def _refresh(self) -> None:
        self.keys = await self._service.list_keys()
        self._fill()
        self.status_label.setText(f"{len(self.keys)} key{'s' if len(self.keys) != 1 else ''}.")

    def _fill(self) -> None:
        selected = self.selected_key()
        self.table.setRowCount(len(self.keys))
        for row, key in enumerate(self.keys):
            users = ", ".join(a.name for a in self._service.accounts_using(key.access_key))
            for column, text in enumerate(
                (key.name, key.access_key, key.describe_grants(), key.created_at[:10], users)
            ):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, key.access_key)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
            if selected is not None and key.access_key == selected.access_key:
                self.table.selectRow(row)
        # A long name is cut rather than pushing the rest aside; sized once, so a width set by
        # hand is kept across refreshes.
        if self.keys and not self._name_sized:
            self._name_sized = True
            font_room = self.fontMetrics().horizontalAdvance("Name") + 24
            wanted = max(self.table.sizeHintForColumn(NAME_COLUMN), font_room)
            self.table.horizontalHeader().resizeSection(NAME_COLUMN, min(wanted, NAME_MAX_WIDTH))
        self._update_buttons()

    def row_of(self, access_key: str) -> int:
        return next(i for i, k in enumerate(self.keys) if k.access_key == access_key)

    def selected_key(self) -> SpacesKey | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.keys):
            return None
        return self.keys[rows[0].row()]

    def ask_create(self) -> None:
        dialog = CreateKeyDialog(self)
        dialog.accepted.connect(lambda: self._run("Creating the key…", self._create(dialog)))
        self.create_dialog = dialog
        dialog.open()

    async def _create(self, dialog: CreateKeyDialog) -> None:
        created = await self._service.create_key(dialog.key_name(), dialog.grants())
        self.status_label.setText(f"Key “{created.key.name}” created.")
        self.created_dialog = CreatedKeyDialog(created, self._save_account, self)
        self.created_dialog.open()
        await self._refresh()

    def _save_account(self, created: CreatedKey, name: str, region: str) -> str:
        return self._service.save_as_account(created, name, region).name

    def ask_rename(self) -> None:
        key = self.selected_key()
        if key is None:
            return
        dialog = named(QInputDialog(self), "doRenameDialog")
        dialog.setWindowTitle("Rename Key")
        dialog.setLabelText(f"New name for the key {key.access_key}:")
        dialog.setTextValue(key.name)
        dialog.accepted.connect(
            lambda: self._run("Renaming…", self._rename(key.access_key, dialog.textValue()))
        )
        self.rename_dialog = dialog
        dialog.open()

    async def _rename(self, access_key: str, name: str) -> None:
        renamed = await self._service.rename_key(access_key, name)
        self.status_label.setText(f"Key renamed “{renamed.name}”.")
        await self._refresh()

    def ask_delete(self) -> None:
        key = self.selected_key()
        if key is None:
            return
        users = self._service.accounts_using(key.access_key)
        Button = QMessageBox.StandardButton
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Delete Key",
            f"Delete the key “{key.name}” ({key.access_key})? It stops working at once, everywhere.",
            Button.Cancel,
            self,
        )
        box.setObjectName("doDeleteKeyBox")
        delete = box.addButton("Delete Key", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(Button.Cancel)
        if users:
            names = ", ".join(f"“{a.name}”" for a in users)
            box.setInformativeText(f"These spacesgui accounts use this key and will stop working: {names}.")
        else:
            box.setInformativeText("No spacesgui account on this computer uses this key.")

        def on_finished(_result: int) -> None:
            if box.clickedButton() is delete:
                self._run("Deleting…", self._delete(key.access_key))

        box.finished.connect(on_finished)
        self.delete_box = box
        box.open()

    async def _delete(self, access_key: str) -> None:
        await self._service.delete_key(access_key)
        self.status_label.setText("Key deleted.")
        await self._refresh()

    # -- work -----------------------------------------------------------------------------
    def _run(self, status: str, work: Awaitable[None]) -> None:
        self._busy = True
        self.status_label.setText(status)
        self.error_label.set_problem("")
        self._update_buttons()
        self._spawn(self._guarded(work))

    async def _guarded(self, work: Awaitable[None]) -> None:
        try:
            await work
        except SpacesError as error:
            self._show_error(error)
        finally:
            self._busy = False
            self._update_buttons()

    def _show_error(self, error: SpacesError) -> None:
        log.info("%s: %s", error.title, error.message)
        self.status_label.setText("")
        self.error_label.set_problem(f"{error.title}: {error.message}")

    def _update_buttons(self) -> None:
        self.save_token_button.setEnabled(not self._busy)
        self.forget_token_button.setEnabled(self._service.has_token() and not self._busy)
        ready = self._service.has_token() and not self._busy
        chosen = ready and self.selected_key() is not None
        self.refresh_button.setEnabled(ready)
        self.create_button.setEnabled(ready)
        self.rename_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)
