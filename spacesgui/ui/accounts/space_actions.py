"""Account and Space commands that ask the user something first: add, create, delete, open.

Delete Space… lives in space_deletion.py (it may empty the Space first); this module hands it on."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox

from spacesgui.core.accounts import Account, provider
from spacesgui.core.errors import SpacesError
from spacesgui.core.history import Place
from spacesgui.core.naming import bucket_name_problem
from spacesgui.ui.accounts.account_dialog import AccountDialog
from spacesgui.ui.accounts.create_space_dialog import CreateSpaceDialog

if TYPE_CHECKING:
    from spacesgui.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class SpaceActions(QObject):
    """Dialogs are opened from plain slots (never inside a coroutine), then work is spawned."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.last_dialog: QDialog | None = None  # kept for tests and to stop early garbage collection

    def add_account(self) -> None:
        self._open_account_dialog(None)

    def edit_account(self, account_id: str) -> None:
        self._open_account_dialog(self._window._accounts.account(account_id))

    def _open_account_dialog(self, existing: Account | None) -> None:
        window = self._window
        dialog = AccountDialog(
            window._accounts.test_connection,
            window.spawn,
            window,
            account=existing,
            saver=window._accounts.save_account,
            keyring_problem=window._accounts.keyring_problem(),  # said before Save, as the Keys Manager does
        )
        self.last_dialog = dialog

        def on_finished(result: int) -> None:
            account = dialog.saved  # saved by the dialog already
            if result != QDialog.DialogCode.Accepted or account is None:
                return
            place = window.place
            if existing is None:
                window.navigate(Place(account.id, account.bucket, ""))  # show the new account
            elif place is not None and place.account_id == account.id:
                window.refresh()  # the same place, listed with the account's new settings

        dialog.finished.connect(on_finished)
        dialog.open()

    def remove_account(self, account_id: str) -> None:
        window = self._window
        account = window._accounts.account(account_id)
        # A secret typed for this session only was never in the keyring.
        keyring = "Its secret key is deleted from the system keyring. " if account.in_keyring else ""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Remove Account",
            f"Remove the account “{account.name}”?\n\n{keyring}"
            "The Spaces and files on the server are not touched.",
            QMessageBox.StandardButton.Cancel,
            window,
        )
        box.setObjectName("removeAccountBox")
        remove_button = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)  # Enter alone removes nothing
        self.last_dialog = box

        def on_finished(_result: int) -> None:
            if box.clickedButton() is remove_button:
                try:
                    window._accounts.remove_account(account_id)
                except SpacesError as exc:  # the keyring kept the secret: the account stays too
                    window.show_error(exc)
                    return
                window.forget_account(account_id, account.name)

        box.finished.connect(on_finished)
        box.open()

    def create_space(self) -> None:
        window = self._window
        place = window.place
        if place is None:
            return
        account = window._accounts.account(place.account_id)
        preset = provider(account.provider)
        dialog = CreateSpaceDialog(
            list(preset.regions),
            account.region,
            window,
            existing=frozenset(window.account_panel.bucket_names(place.account_id)),
        )
        self.last_dialog = dialog

        def on_finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                window.spawn(self._create(place.account_id, dialog.name(), dialog.region()))

        dialog.finished.connect(on_finished)
        dialog.open()

    async def _create(self, account_id: str, name: str, region: str) -> None:
        window = self._window
        browsable = await window._browser.create_bucket(account_id, name, region)
        window.account_panel.reload_buckets(account_id)
        if browsable:
            window.navigate(Place(account_id, name, ""))
            window.banner.show_message(f"Space “{name}” created.", level="info")
        else:
            account = window._accounts.account(account_id)
            window.banner.show_message(
                f"Space “{name}” created in {region}. This account browses {account.region}; "
                f"add an account for {region} (the same keys work) to open it.",
                level="info",
            )

    def delete_space(self, account_id: str = "", bucket: str = "") -> None:
        """Delete a Space after asking (the open one, or `bucket` of `account_id`): see SpaceDeletion."""
        deletion = self._window.space_deletion
        if deletion is not None:
            deletion.delete_space(account_id, bucket)

    def space_deleted(self, account_id: str, bucket: str) -> None:
        """The server deleted the Space: leave it if it is open, and list the account's Spaces again."""
        window = self._window
        place = window.place
        if place is not None and (place.account_id, place.bucket) == (account_id, bucket):
            window.model.clear()
            window.navigate(Place(account_id, "", ""))
        window.account_panel.reload_buckets(account_id)

    def open_space_by_name(self, account_id: str) -> None:
        window = self._window
        dialog = QInputDialog(window)
        dialog.setObjectName("openSpaceDialog")
        dialog.setWindowTitle("Open a Space by Name")
        dialog.setLabelText("These keys cannot list Spaces. Name of the Space to open:")
        self.last_dialog = dialog

        def on_finished(result: int) -> None:
            name = dialog.textValue().strip()
            if result != QDialog.DialogCode.Accepted or not name:
                return
            problem = bucket_name_problem(name)
            if problem:
                window.banner.show_message(problem, level="error")
                return
            window._accounts.set_bucket(account_id, name)
            log.info(
                "account %s now opens Space %s directly", window._accounts.account(account_id).name, name
            )
            window.navigate(Place(account_id, name, ""))

        dialog.finished.connect(on_finished)
        dialog.open()
