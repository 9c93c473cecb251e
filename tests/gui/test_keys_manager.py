"""The Keys Manager window (issue 10, items 1 and 2), driven as a user drives it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import pytest
from keyring.backends import fail, null
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.errors import AuthError
from spacesgui.core.key_status import SecretPlace
from spacesgui.qtmodels.key_model import KeyColumn, KeyTableModel
from spacesgui.ui.accounts.account_dialog import AccountDialog
from spacesgui.ui.accounts.secret_dialog import SecretDialog
from spacesgui.ui.keys.keys_manager import KeysManager
from spacesgui.ui.keys.session_only import SESSION_ONLY_TEXT
from tests.conftest import MemoryKeyring, RcloneServer
from tests.gui.test_accounts_and_spaces import fill_account
from tests.secret_watch import KEYS_MANAGER_SECRETS

SECRET, OTHER_SECRET = KEYS_MANAGER_SECRETS
SERVICE = "spacesgui"


def open_manager(app: App, qtbot: QtBot) -> KeysManager:
    app.window.chrome.keys_manager.trigger()
    manager = app.window.keys_manager.window
    assert manager is not None
    qtbot.waitUntil(manager.isVisible, timeout=10_000)
    qtbot.waitUntil(lambda: manager.model.rowCount() == len(app.accounts.accounts), timeout=30_000)
    return manager


def cell(manager: KeysManager, account_id: str, column: KeyColumn) -> str:
    row = manager.model.row_of(account_id)
    assert row >= 0, "the account has no row"
    return str(manager.model.index(row, column).data())


def all_cells(model: KeyTableModel) -> list[str]:
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
    return [
        str(model.index(r, c).data(role))
        for r in range(model.rowCount())
        for c in range(model.columnCount())
        for role in roles
    ]


def select(manager: KeysManager, qtbot: QtBot, account_id: str) -> None:
    manager.select(account_id)
    qtbot.waitUntil(lambda: manager.selected_id() == account_id, timeout=10_000)


def saved_account(app: App, qtbot: QtBot, account: Account, secret: str = SECRET) -> None:
    app.accounts.add_account(account, secret)


def manager_listing(build_window: Callable[[], App], qtbot: QtBot, account: Account) -> KeysManager:
    """A new window with `account` saved, and its Keys Manager open."""
    app = build_window()
    saved_account(app, qtbot, account)
    return open_manager(app, qtbot)


def tip(manager: KeysManager, account_id: str, column: KeyColumn) -> str:
    return str(
        manager.model.index(manager.model.row_of(account_id), column).data(Qt.ItemDataRole.ToolTipRole)
    )


def click_box_button(manager: KeysManager, qtbot: QtBot, text: str) -> None:
    box = manager.last_dialog
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible, timeout=10_000)
    next(b for b in box.buttons() if b.text() == text).click()


def test_ctrl_k_opens_the_manager_listing_each_account_with_its_secret_masked(
    build_window: Callable[[], App], qtbot: QtBot, moto_account: Account, qtmodeltester: Any
) -> None:
    app = build_window()
    saved_account(app, qtbot, moto_account)
    action = app.window.chrome.keys_manager
    assert action.shortcut() == QKeySequence("Ctrl+K")
    assert action in app.window.menuBar().actions()[0].menu().actions()  # File menu
    manager = open_manager(app, qtbot)
    assert manager.objectName() == "keysManager"
    texts = [cell(manager, moto_account.id, c) for c in KeyColumn]
    assert texts[:6] == [
        "moto",
        "Other S3-compatible",
        moto_account.endpoint_url,
        "us-east-1",
        "All",
        "test-access",
    ]
    assert texts[KeyColumn.SECRET].endswith("in keyring")
    assert "•" in texts[KeyColumn.SECRET]
    assert SECRET not in " ".join(all_cells(manager.model))
    assert not manager.secret_edit.isVisible()
    qtmodeltester.check(manager.model)


def test_adding_an_account_in_the_manager_keeps_its_secret_in_the_keyring_only(
    build_window: Callable[[], App], qtbot: QtBot, moto_endpoint: str, memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:  # fmt: skip
    app = build_window()
    manager = open_manager(app, qtbot)
    manager.add_button.click()
    dialog = manager.last_dialog
    assert isinstance(dialog, AccountDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    assert dialog.remember_check.isChecked()
    fill_account(dialog, moto_endpoint, "km-access", SECRET)
    dialog.name_edit.setText("Added in the manager")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    (added,) = app.accounts.accounts
    qtbot.waitUntil(lambda: manager.selected_id() == added.id, timeout=30_000)
    assert cell(manager, added.id, KeyColumn.NAME) == "Added in the manager"
    assert cell(manager, added.id, KeyColumn.SECRET).endswith("in keyring")
    assert memory_keyring.passwords[(SERVICE, added.id)] == SECRET
    assert SECRET not in (tmp_path / "settings.json").read_text()


def test_duplicating_copies_the_keys_under_a_new_name_and_its_own_keyring_entry(
    build_window: Callable[[], App], qtbot: QtBot, moto_account: Account, memory_keyring: MemoryKeyring
) -> None:
    app = build_window()
    saved_account(app, qtbot, moto_account)
    manager = open_manager(app, qtbot)
    select(manager, qtbot, moto_account.id)
    manager.duplicate_button.click()
    qtbot.waitUntil(lambda: manager.model.rowCount() == 2, timeout=30_000)
    (copy,) = [a for a in app.accounts.accounts if a.id != moto_account.id]
    assert copy.name == "moto (copy)"
    assert (copy.endpoint_url, copy.access_key_id) == (moto_account.endpoint_url, moto_account.access_key_id)
    assert memory_keyring.passwords[(SERVICE, copy.id)] == SECRET
    qtbot.waitUntil(lambda: manager.selected_id() == copy.id, timeout=10_000)
    qtbot.waitUntil(lambda: "moto (copy)" in manager.result_label.text(), timeout=10_000)


def test_a_copy_of_an_account_kept_for_this_run_only_is_kept_for_this_run_only_too(
    build_window: Callable[[], App], qtbot: QtBot, moto_account: Account, memory_keyring: MemoryKeyring
) -> None:
    """The demo's account (and one given on the command line) points at a server of this run:
    a saved copy of it was a dead account after the next start."""
    app = build_window()
    app.accounts.add_account(moto_account, SECRET, persist=False)  # as the demo adds its own
    manager = open_manager(app, qtbot)
    select(manager, qtbot, moto_account.id)
    manager.duplicate_button.click()
    qtbot.waitUntil(lambda: manager.model.rowCount() == 2, timeout=30_000)
    qtbot.waitUntil(lambda: "for this session only" in manager.result_label.text(), timeout=10_000)
    (copy,) = [a for a in app.accounts.accounts if a.id != moto_account.id]
    assert (copy.endpoint_url, copy.access_key_id) == (moto_account.endpoint_url, moto_account.access_key_id)
    assert not any(copy.id in key for key in memory_keyring.passwords)  # no secret left behind either
    app.window.close()
    app.shutdown()
    again = build_window()  # the same settings folder
    assert [a.name for a in again.accounts.accounts] == []


def test_removing_asks_first_then_deletes_the_secret_from_the_keyring(
    build_window: Callable[[], App], qtbot: QtBot, moto_account: Account, memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:  # fmt: skip
    app = build_window()
    saved_account(app, qtbot, moto_account)
    manager = open_manager(app, qtbot)
    select(manager, qtbot, moto_account.id)
    manager.remove_button.click()
    click_box_button(manager, qtbot, "Cancel")
    assert [a.id for a in app.accounts.accounts] == [moto_account.id]
    assert (SERVICE, moto_account.id) in memory_keyring.passwords
    manager.remove_button.click()
    click_box_button(manager, qtbot, "Remove")
    qtbot.waitUntil(lambda: manager.model.rowCount() == 0, timeout=30_000)
    assert (SERVICE, moto_account.id) not in memory_keyring.passwords
    assert json.loads((tmp_path / "settings.json").read_text())["accounts"] == []
    assert "deleted from the keyring" in manager.result_label.text()


class StickyKeyring(MemoryKeyring):
    """A keyring that says it deleted a password and keeps it (a locked collection does this)."""

    def delete_password(self, service: str, username: str) -> None:
        pass


def test_a_secret_the_keyring_will_not_delete_keeps_the_account_and_says_so(
    build_window: Callable[[], App], qtbot: QtBot, moto_account: Account
) -> None:
    sticky = StickyKeyring()
    keyring.set_keyring(sticky)  # the memory_keyring fixture restores its own afterwards
    app = build_window()
    saved_account(app, qtbot, moto_account)
    manager = open_manager(app, qtbot)
    select(manager, qtbot, moto_account.id)
    manager.remove_button.click()
    click_box_button(manager, qtbot, "Remove")
    qtbot.waitUntil(lambda: "could not be deleted" in manager.result_label.text(), timeout=10_000)
    assert [a.id for a in app.accounts.accounts] == [moto_account.id]
    assert manager.model.row_of(moto_account.id) >= 0


def test_test_connection_lists_with_the_saved_keys_and_records_when_it_worked(
    build_window: Callable[[], App], qtbot: QtBot, rclone_account: Account, rclone_server: RcloneServer,
    rclone_bucket: str, tmp_path: Path,
) -> None:  # fmt: skip
    app = build_window()
    saved_account(app, qtbot, rclone_account, rclone_server.secret_key)
    manager = open_manager(app, qtbot)
    select(manager, qtbot, rclone_account.id)
    manager.test_button.click()
    qtbot.waitUntil(lambda: "Connected" in manager.result_label.text(), timeout=30_000)
    assert "Space" in manager.result_label.text()
    qtbot.waitUntil(
        lambda: cell(manager, rclone_account.id, KeyColumn.LAST_CONNECTED) != "never", timeout=30_000
    )
    (saved,) = json.loads((tmp_path / "settings.json").read_text())["accounts"]
    assert saved["last_connected"] > 0
    assert rclone_server.secret_key not in (tmp_path / "settings.json").read_text()


def test_test_connection_with_a_wrong_secret_says_the_keys_were_refused(
    build_window: Callable[[], App], qtbot: QtBot, rclone_account: Account, rclone_bucket: str,
    tmp_path: Path,
) -> None:  # fmt: skip
    # rclone checks signatures (moto does not), so a wrong secret is refused as a real server does.
    app = build_window()
    saved_account(app, qtbot, rclone_account, OTHER_SECRET)
    manager = open_manager(app, qtbot)
    select(manager, qtbot, rclone_account.id)
    manager.test_button.click()
    qtbot.waitUntil(lambda: manager.result_label.text().startswith("✗"), timeout=30_000)
    text = manager.result_label.text()
    assert "Keys not accepted" in text or "secret" in text.lower(), text
    assert OTHER_SECRET not in text
    assert cell(manager, rclone_account.id, KeyColumn.LAST_CONNECTED) == "never"
    (saved,) = json.loads((tmp_path / "settings.json").read_text())["accounts"]
    assert saved["last_connected"] == 0


def test_the_secret_is_shown_only_after_show_secret_is_clicked(
    build_window: Callable[[], App], qtbot: QtBot, moto_account: Account
) -> None:
    app = build_window()
    saved_account(app, qtbot, moto_account)
    manager = open_manager(app, qtbot)
    select(manager, qtbot, moto_account.id)
    assert not manager.secret_edit.isVisible()
    assert manager.secret_edit.text() == ""
    manager.show_secret_button.click()
    qtbot.waitUntil(manager.secret_edit.isVisible, timeout=10_000)
    assert manager.secret_edit.text() == SECRET
    assert manager.secret_label.text() == f"Secret key of “{moto_account.name}”:"  # before: unlabelled
    manager.show_secret_button.click()  # Hide Secret
    assert not manager.secret_edit.isVisible()
    assert manager.secret_edit.text() == ""


def test_an_https_endpoint_shows_its_host_on_one_line_and_the_whole_address_on_hover(
    build_window: Callable[[], App], qtbot: QtBot, moto_account: Account
) -> None:
    secure = moto_account.with_changes(name="secure", endpoint_url="https://127.0.0.1:1", id="secure-one")
    manager = manager_listing(build_window, qtbot, secure)
    manager.resize(700, 400)  # narrow: the endpoint column gets what is left
    # Before, "https://" wrapped onto a line of its own and the host was cut below it.
    assert cell(manager, secure.id, KeyColumn.ENDPOINT) == "127.0.0.1:1"
    assert tip(manager, secure.id, KeyColumn.ENDPOINT) == "https://127.0.0.1:1"
    assert not manager.table.wordWrap()


def test_an_account_limited_to_one_space_says_which_in_the_list(
    build_window: Callable[[], App], qtbot: QtBot, moto_account: Account
) -> None:
    scoped = moto_account.with_changes(name="website deploy", bucket="website", id="scoped-one")
    manager = manager_listing(build_window, qtbot, scoped)
    # Before, nothing told it from an account that lists every Space.
    assert cell(manager, scoped.id, KeyColumn.SPACE) == "website"
    assert "only the Space “website”" in tip(manager, scoped.id, KeyColumn.SPACE)


def test_copy_access_key_id_puts_only_the_access_key_on_the_clipboard(
    build_window: Callable[[], App], qtbot: QtBot, moto_account: Account
) -> None:
    app = build_window()
    saved_account(app, qtbot, moto_account)
    manager = open_manager(app, qtbot)
    select(manager, qtbot, moto_account.id)
    manager.copy_button.click()
    assert QGuiApplication.clipboard().text() == "test-access"


@pytest.mark.parametrize("backend", [fail.Keyring, null.Keyring], ids=["fail", "null"])
def test_without_a_usable_keyring_the_manager_says_what_to_do_and_offers_this_session_only(
    build_window: Callable[[], App], qtbot: QtBot, moto_endpoint: str, tmp_path: Path,
    backend: type[keyring.backend.KeyringBackend],
) -> None:  # fmt: skip
    keyring.set_keyring(backend())  # the memory_keyring fixture restores its own afterwards
    app = build_window()
    manager = open_manager(app, qtbot)
    banner = manager.banner.text()
    assert "No usable system keyring" in banner
    assert "gnome-keyring" in banner
    assert "this session only" in banner
    assert "keyring.backends" not in banner  # a module name said nothing to a user
    assert banner.count(". ") <= 2  # two sentences, not a five-line paragraph
    manager.add_button.click()
    dialog = manager.last_dialog
    assert isinstance(dialog, AccountDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    assert not dialog.remember_check.isChecked()
    assert "No usable system keyring" in dialog.hint.text()
    fill_account(dialog, moto_endpoint, "km-access", SECRET)
    dialog.remember_check.setChecked(True)  # the null keyring would take it and lose it: refused
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.isVisible()
    assert "No usable system keyring" in dialog.result_label.text()
    assert app.accounts.accounts == []
    dialog.remember_check.setChecked(False)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    (added,) = app.accounts.accounts
    qtbot.waitUntil(lambda: manager.model.row_of(added.id) >= 0, timeout=30_000)
    assert manager.secret_place(added.id) is SecretPlace.SESSION
    assert cell(manager, added.id, KeyColumn.SECRET).endswith("this session only")
    assert SECRET not in (tmp_path / "settings.json").read_text()


def write_settings(path: Path, account: Account) -> None:
    path.write_text(json.dumps({"accounts": [{**asdict(account), "addressing": account.addressing.value}]}))


@pytest.mark.parametrize("choice", [SESSION_ONLY_TEXT, "Cancel"])
def test_a_secret_asked_for_while_the_keyring_fails_is_kept_for_the_session_only_when_the_user_says_so(
    build_window: Callable[[], App], qtbot: QtBot, moto_account: Account, moto_bucket: str,
    tmp_path: Path, choice: str,
) -> None:  # fmt: skip
    keyring.set_keyring(fail.Keyring())
    write_settings(tmp_path / "settings.json", moto_account)  # saved “in keyring”, but there is none
    app = build_window()
    asker = app.window.secret_asker
    qtbot.waitUntil(lambda: asker.last_dialog is not None and asker.last_dialog.isVisible(), timeout=30_000)
    secret_dialog = asker.last_dialog
    assert isinstance(secret_dialog, SecretDialog)
    secret_dialog.secret_edit.setText(SECRET)
    assert secret_dialog.remember_check.isChecked()
    secret_dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    box_owner = app.window.session_only_asker
    qtbot.waitUntil(lambda: box_owner.last_box is not None and box_owner.last_box.isVisible(), timeout=30_000)
    box = box_owner.last_box
    assert box is not None
    assert "No usable system keyring" in box.text()
    assert "gnome-keyring" in box.text()
    next(b for b in box.buttons() if b.text() == choice).click()
    if choice == SESSION_ONLY_TEXT:
        qtbot.waitUntil(
            lambda: app.window.account_panel.model.bucket_item(moto_account.id, moto_bucket) is not None,
            timeout=30_000,
        )
        assert not app.accounts.account(moto_account.id).in_keyring
        assert app.accounts.secret_place(moto_account.id) is SecretPlace.SESSION
    else:
        qtbot.waitUntil(lambda: "secret" in app.window.banner.text().lower(), timeout=30_000)
        assert app.accounts.secret_place(moto_account.id) is SecretPlace.MISSING
        assert app.accounts.account(moto_account.id).in_keyring
    assert SECRET not in (tmp_path / "settings.json").read_text()


def test_the_extra_row_takes_buttons_for_other_sources_of_keys(
    build_window: Callable[[], App], qtbot: QtBot
) -> None:
    app = build_window()
    clicked: list[bool] = []
    app.window.keys_manager.on_built.append(
        lambda manager: manager.add_extra_button("Import…", "importKeysButton", lambda: clicked.append(True))
    )
    manager = open_manager(app, qtbot)
    button = manager.findChild(QPushButton, "importKeysButton")
    assert button is not None
    assert button.isVisible()
    button.click()
    assert clicked == [True]


def test_an_error_shown_in_the_window_never_shows_a_known_secret_or_token(
    build_window: Callable[[], App], qtbot: QtBot, moto_account: Account
) -> None:
    app = build_window()
    saved_account(app, qtbot, moto_account)  # SECRET is now a known secret
    token = "dop_v1_" + "ab12" * 16
    app.window.show_error(AuthError(f"refused {SECRET}"))
    assert "[redacted]" in app.window.banner.text()
    assert SECRET not in app.window.banner.text()
    app.window.show_message(f"token {token} and {SECRET}", level="error")
    assert SECRET not in app.window.banner.text()
    assert token not in app.window.banner.text()


def test_the_manager_opens_the_import_and_digitalocean_keys_windows(
    build_window: Callable[[], App], qtbot: QtBot
) -> None:
    app = build_window()
    manager = open_manager(app, qtbot)
    for button_name, window_name in (("keysImportButton", "importAccounts"), ("keysDoButton", "doKeys")):
        button = manager.findChild(QPushButton, button_name)
        assert button is not None, button_name
        assert button.isVisible()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

        def shown(name: str = window_name) -> bool:
            return any(w.objectName() == name and w.isVisible() for w in QApplication.topLevelWidgets())

        qtbot.waitUntil(shown, timeout=10_000)
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QWidget) and widget.objectName() == window_name:
                widget.close()


def _edit_in_manager(manager: KeysManager, qtbot: QtBot, account_id: str) -> AccountDialog:
    select(manager, qtbot, account_id)
    manager.edit_button.click()
    dialog = manager.last_dialog
    assert isinstance(dialog, AccountDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    return dialog


def test_renaming_an_account_keeps_when_its_keys_last_worked_and_new_keys_do_not(
    build_window: Callable[[], App], qtbot: QtBot, moto_account: Account
) -> None:
    """Before, any edit (even of the name) showed "never" connected."""
    app = build_window()
    saved_account(app, qtbot, moto_account.with_changes(last_connected=1_700_000_000.0))
    manager = open_manager(app, qtbot)
    dialog = _edit_in_manager(manager, qtbot, moto_account.id)
    dialog.name_edit.setText("Renamed")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: cell(manager, moto_account.id, KeyColumn.NAME) == "Renamed", timeout=30_000)
    assert app.accounts.account(moto_account.id).last_connected == 1_700_000_000.0
    assert cell(manager, moto_account.id, KeyColumn.LAST_CONNECTED) != "never"
    dialog = _edit_in_manager(manager, qtbot, moto_account.id)
    dialog.access_key_edit.setText("another-key")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    # Read at once: the window may list the Spaces with the new keys next, and moto takes
    # any key, so a moment later they have rightly worked.
    assert app.accounts.account(moto_account.id).last_connected == 0.0


def test_a_second_account_of_the_same_name_is_refused_in_words(
    build_window: Callable[[], App], qtbot: QtBot, moto_account: Account, moto_endpoint: str
) -> None:
    app = build_window()
    saved_account(app, qtbot, moto_account.with_changes(name="Work"))
    manager = open_manager(app, qtbot)
    manager.add_button.click()
    dialog = manager.last_dialog
    assert isinstance(dialog, AccountDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    fill_account(dialog, moto_endpoint, "other-access", SECRET)
    dialog.name_edit.setText("work ")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert "An account named “Work” already exists" in dialog.result_label.text()
    assert dialog.isVisible()
    assert [a.name for a in app.accounts.accounts] == ["Work"]
    dialog.name_edit.setText("Work 2")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: len(app.accounts.accounts) == 2, timeout=10_000)


def test_a_connection_result_is_cleared_when_the_region_or_addressing_changes(
    build_window: Callable[[], App], qtbot: QtBot, moto_endpoint: str, moto_account: Account
) -> None:
    """Before, "✓ Connected" stayed for a region and addressing that were never tested."""
    app = build_window()
    manager = open_manager(app, qtbot)
    manager.add_button.click()
    dialog = manager.last_dialog
    assert isinstance(dialog, AccountDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    fill_account(dialog, moto_endpoint, moto_account.access_key_id, SECRET)
    for change in (
        lambda: dialog.region_combo.setCurrentText("sgp1"),
        lambda: dialog.addressing_combo.setCurrentIndex((dialog.addressing_combo.currentIndex() + 1) % 2),
    ):
        dialog.test_button.click()
        qtbot.waitUntil(lambda: "Connected" in dialog.result_label.text(), timeout=30_000)
        change()
        assert dialog.result_label.text() == ""
    dialog.reject()
