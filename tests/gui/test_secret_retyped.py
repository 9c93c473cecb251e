"""A session-only secret the server refuses can be typed again (trial item 5)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.qtmodels.account_model import AccountRole
from spacesgui.ui.accounts.account_panel import ENTER_SECRET_TEXT
from tests.conftest import MemoryKeyring, RcloneServer
from tests.gui.test_account_lifecycle import tree_rect


def test_a_refused_session_secret_can_be_typed_again_from_the_banner_and_the_menu(
    build_window: Callable[[], App],
    qtbot: QtBot,
    rclone_server: RcloneServer,
    rclone_account: Account,
    rclone_bucket: str,
    memory_keyring: MemoryKeyring,
) -> None:
    app = build_window()
    panel = app.window.account_panel
    app.accounts.add_account(rclone_account, "mistyped-secret", remember=False)

    banner = app.window.banner
    qtbot.waitUntil(lambda: "Keys not accepted" in banner.text(), timeout=30_000)
    assert "Enter Secret Key…" in banner.text()  # says what to do
    assert banner._action.isVisible()
    assert banner._action.text() == ENTER_SECRET_TEXT
    # The account's menu offers it too, though a secret is known for this session.
    panel._on_tree_context_menu_requested(tree_rect(app, rclone_account.id))
    menu = panel.tree.findChildren(QMenu, "accountContextMenu")[-1]
    assert ENTER_SECRET_TEXT in [a.text() for a in menu.actions()]
    menu.close()

    banner._action.click()
    asker = app.window.secret_asker
    qtbot.waitUntil(lambda: asker.last_dialog is not None and asker.last_dialog.isVisible(), timeout=30_000)
    dialog = asker.last_dialog
    assert dialog is not None
    intro = dialog.findChild(QLabel, "secretIntro")
    assert intro is not None
    assert "did not accept" in intro.text()
    dialog.secret_edit.setText(rclone_server.secret_key)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    item = panel.model.account_item(rclone_account.id)
    assert item is not None
    qtbot.waitUntil(
        lambda: rclone_bucket in [item.child(r).data(AccountRole.BUCKET) for r in range(item.rowCount())],
        timeout=30_000,
    )  # rclone checks the signature: the new secret is the one used
    assert app.accounts.known_secret(rclone_account.id) == rclone_server.secret_key
    assert memory_keyring.passwords == {}  # still this session only
    assert not panel.may_enter_secret(rclone_account.id)


def test_removing_an_account_takes_its_refused_keys_message_away(
    build_window: Callable[[], App], qtbot: QtBot, rclone_account: Account, memory_keyring: MemoryKeyring
) -> None:
    app = build_window()
    app.accounts.add_account(rclone_account, "mistyped-secret", remember=False)
    banner = app.window.banner
    qtbot.waitUntil(lambda: "Keys not accepted" in banner.text(), timeout=30_000)

    app.window.account_panel.remove_requested.emit(rclone_account.id)
    box = app.window.space_actions.last_dialog
    assert isinstance(box, QMessageBox)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)  # Enter keeps it
    assert "keyring" not in box.text()  # its secret was for this session only
    next(b for b in box.buttons() if b.text() == "Remove").click()
    assert app.accounts.accounts == []
    # Before, the message stayed, and its Enter Secret Key… failed with a KeyError.
    qtbot.waitUntil(lambda: banner.text() == "", timeout=30_000)
