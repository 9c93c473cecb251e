"""An account added in the Keys Manager opens, as one added with File → Add Account… does (trial item 19)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.history import Place
from spacesgui.ui.accounts.account_dialog import AccountDialog
from tests.conftest import MemoryKeyring
from tests.gui.test_account_lifecycle import current_in_tree
from tests.gui.test_accounts_and_spaces import fill_account
from tests.gui.test_keys_manager import SECRET, open_manager


def test_an_account_added_in_the_keys_manager_is_opened_and_selected_in_the_sidebar(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    qtbot: QtBot,
    moto_endpoint: str,
    moto_account: Account,
    moto_bucket: str,
    memory_keyring: MemoryKeyring,
) -> None:
    app = build_window()
    open_account(app, moto_account)
    app.window.navigate(Place(moto_account.id, moto_bucket, ""))
    manager = open_manager(app, qtbot)

    manager.add_button.click()
    dialog = manager.last_dialog
    assert isinstance(dialog, AccountDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    fill_account(dialog, moto_endpoint, "km-added", SECRET)
    dialog.name_edit.setText("Added in the manager")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    (added,) = [a for a in app.accounts.accounts if a.id != moto_account.id]
    qtbot.waitUntil(lambda: app.window.place == Place(added.id, "", ""), timeout=30_000)
    qtbot.waitUntil(lambda: current_in_tree(app) == (added.id, ""), timeout=30_000)
    assert "Added in the manager" in app.window.windowTitle()
    # Editing an account there does not move the browser.
    qtbot.waitUntil(lambda: manager.selected_id() == added.id, timeout=30_000)
    manager.edit()
    edit = manager.last_dialog
    assert isinstance(edit, AccountDialog)
    assert edit is not dialog
    qtbot.waitUntil(edit.isVisible, timeout=10_000)
    app.window.navigate(Place(moto_account.id, moto_bucket, ""))
    edit.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: not edit.isVisible(), timeout=10_000)
    assert app.window.place == Place(moto_account.id, moto_bucket, "")
