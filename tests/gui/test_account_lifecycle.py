"""Accounts that come and go leave the open place working, and the sidebar shows it (issue 7, items 3, 4, 9)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMenu, QMessageBox, QToolButton
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.history import Place
from spacesgui.qtmodels.account_model import AccountRole
from spacesgui.qtmodels.roles import ObjectRole
from spacesgui.ui.accounts.account_dialog import AccountDialog
from spacesgui.ui.accounts.account_panel import LOCKED_TEXT
from tests.gui.conftest import wait_listed
from tests.gui.test_accounts_and_spaces import fill_account, open_add_account_dialog
from tests.gui.test_path_bar_round_trip import shown_keys, type_path


def tree_rect(app: App, account_id: str, bucket: str = "") -> QPoint:
    model = app.window.account_panel.model
    item = model.bucket_item(account_id, bucket) if bucket else model.account_item(account_id)
    assert item is not None
    return app.window.account_panel.tree.visualRect(item.index()).center()


def current_in_tree(app: App) -> tuple[str, str]:
    index = app.window.account_panel.tree.currentIndex()
    return str(index.data(AccountRole.ACCOUNT_ID) or ""), str(index.data(AccountRole.BUCKET) or "")


def add_account_in_dialog(app: App, qtbot: QtBot, endpoint: str, secret: str, *, remember: bool) -> Account:
    before = {a.id for a in app.accounts.accounts}
    dialog = open_add_account_dialog(app, qtbot)
    fill_account(dialog, endpoint, "test-access-key", secret)
    dialog.name_edit.setText("Second account")
    dialog.remember_check.setChecked(remember)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    (added,) = [a for a in app.accounts.accounts if a.id not in before]
    return added


def test_adding_an_account_shows_it_selected_and_the_old_space_still_opens(
    browse_moto: Callable[[list[str]], App], qtbot: QtBot, moto_endpoint: str, moto_bucket: str,
    moto_account: Account,
) -> None:  # fmt: skip
    app = browse_moto(["photo.jpg"])
    added = add_account_in_dialog(app, qtbot, moto_endpoint, "any-secret", remember=False)
    window = app.window
    assert window.place == Place(added.id, "", "")
    assert current_in_tree(app) == (added.id, "")
    assert "Second account" in window.placeholder.text()
    assert window.banner.text() == ""
    # The place typed in the new account opens, listed with its keys.
    type_path(app, qtbot, f"s3://{moto_bucket}/")
    qtbot.waitUntil(lambda: window.place == Place(added.id, moto_bucket, ""), timeout=10_000)
    wait_listed(qtbot, app)
    assert shown_keys(app) == {"photo.jpg"}
    # Once the new account's Spaces are listed, the tree selects the open one.
    qtbot.waitUntil(lambda: current_in_tree(app) == (added.id, moto_bucket), timeout=10_000)
    assert window.banner.text() == ""
    # Back to the first account's Space: it still works, and the tree follows.
    window.go_back()
    window.go_back()
    qtbot.waitUntil(lambda: window.place == Place(moto_account.id, moto_bucket, ""), timeout=10_000)
    wait_listed(qtbot, app)
    assert shown_keys(app) == {"photo.jpg"}
    qtbot.waitUntil(lambda: current_in_tree(app) == (moto_account.id, moto_bucket), timeout=10_000)


def test_clicking_the_highlighted_space_after_leaving_it_opens_it_again(
    browse_moto: Callable[[list[str]], App], qtbot: QtBot, moto_bucket: str, moto_account: Account
) -> None:
    app = browse_moto(["a.txt"])
    tree = app.window.account_panel.tree
    point = tree_rect(app, moto_account.id, moto_bucket)
    app.window.navigate(Place(moto_account.id, "", ""))  # e.g. by the path bar's first crumb
    assert current_in_tree(app) == (moto_account.id, "")
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: app.window.place == Place(moto_account.id, moto_bucket, ""), timeout=10_000)


def test_right_clicking_an_account_keeps_the_open_space_and_offers_delete_space_on_spaces(
    browse_moto: Callable[[list[str]], App], qtbot: QtBot, moto_bucket: str, moto_account: Account
) -> None:
    app = browse_moto(["a.txt"])
    panel = app.window.account_panel
    point = tree_rect(app, moto_account.id)
    qtbot.mousePress(panel.tree.viewport(), Qt.MouseButton.RightButton, pos=point)
    qtbot.mouseRelease(panel.tree.viewport(), Qt.MouseButton.RightButton, pos=point)
    panel._on_tree_context_menu_requested(point)
    assert app.window.place == Place(moto_account.id, moto_bucket, "")
    assert current_in_tree(app) == (moto_account.id, moto_bucket)
    menus = panel.tree.findChildren(QMenu, "accountContextMenu")
    assert "Delete Space…" not in [a.text() for a in menus[-1].actions()]  # an account row
    menus[-1].close()
    panel._on_tree_context_menu_requested(tree_rect(app, moto_account.id, moto_bucket))
    menus = panel.tree.findChildren(QMenu, "accountContextMenu")
    assert "Delete Space…" in [a.text() for a in menus[-1].actions()]
    menus[-1].close()


def test_delete_space_from_its_context_menu_deletes_that_empty_space(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], qtbot: QtBot,
    moto_store: S3Store, moto_account: Account, moto_bucket: str, unique_bucket: str,
) -> None:  # fmt: skip
    empty = f"{unique_bucket[:50]}-empty"
    moto_store.client.create_bucket(Bucket=empty)
    app = build_window()
    open_account(app, moto_account)
    app.window.navigate(Place(moto_account.id, moto_bucket, ""))
    panel = app.window.account_panel
    qtbot.waitUntil(lambda: panel.model.bucket_item(moto_account.id, empty) is not None, timeout=10_000)
    panel._on_tree_context_menu_requested(tree_rect(app, moto_account.id, empty))
    menu = panel.tree.findChildren(QMenu, "accountContextMenu")[-1]
    next(a for a in menu.actions() if a.text() == "Delete Space…").trigger()
    menu.close()
    deletion = app.window.space_deletion
    assert deletion is not None
    qtbot.waitUntil(lambda: deletion.last_box is not None and deletion.last_box.isVisible(), timeout=20_000)
    box = deletion.last_box
    assert isinstance(box, QMessageBox)
    assert empty in box.text()
    next(b for b in box.buttons() if b.text() == "Delete").click()
    qtbot.waitUntil(lambda: panel.model.bucket_item(moto_account.id, empty) is None, timeout=10_000)
    assert empty not in {b["Name"] for b in moto_store.client.list_buckets()["Buckets"]}
    assert app.window.place == Place(moto_account.id, moto_bucket, "")  # the open Space stays open


def test_an_account_without_a_remembered_secret_is_kept_and_asks_for_it_once_when_first_used(
    build_window: Callable[[], App], qtbot: QtBot, moto_endpoint: str, moto_bucket: str,
    tmp_path: Path, memory_keyring,  # type: ignore[no-untyped-def]
) -> None:  # fmt: skip
    first = build_window()
    added = add_account_in_dialog(first, qtbot, moto_endpoint, "session-secret", remember=False)
    assert memory_keyring.get_password("spacesgui", added.id) is None
    settings_text = (tmp_path / "settings.json").read_text()
    assert "session-secret" not in settings_text
    assert [a["name"] for a in json.loads(settings_text)["accounts"]] == ["Second account"]
    item = first.window.account_panel.model.account_item(added.id)
    assert item is not None
    qtbot.waitUntil(
        lambda: item.rowCount() > 0 and bool(item.child(0).data(AccountRole.BUCKET)), timeout=10_000
    )
    first.window.close()
    first.shutdown()

    again = build_window()  # the next start: same settings file
    panel = again.window.account_panel
    item = panel.model.account_item(added.id)
    assert item is not None, "the account survived the restart"
    qtbot.waitUntil(lambda: item.rowCount() == 1 and item.child(0).text() == LOCKED_TEXT, timeout=10_000)
    assert again.window.secret_asker.last_dialog is None  # nothing asked at start-up
    # Two uses at once (the locked row, and opening a Space by path) ask once.
    again.window.navigate(Place(added.id, moto_bucket, ""))
    panel._on_tree_clicked(item.child(0).index())
    asker = again.window.secret_asker
    qtbot.waitUntil(lambda: asker.last_dialog is not None and asker.last_dialog.isVisible(), timeout=10_000)
    dialog = asker.last_dialog
    assert dialog is not None
    assert not dialog.remember_check.isChecked()
    dialog.secret_edit.setText("typed-again")
    dialog.remember_check.setChecked(True)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(
        lambda: moto_bucket in [item.child(r).data(AccountRole.BUCKET) for r in range(item.rowCount())],
        timeout=10_000,
    )
    wait_listed(qtbot, again)
    assert again.window.place == Place(added.id, moto_bucket, "")
    assert len([d for d in again.window.findChildren(type(dialog)) if d.isVisible()]) == 0
    assert memory_keyring.get_password("spacesgui", added.id) == "typed-again"
    # Edit Account now shows Remember ticked, as chosen.
    panel.edit_requested.emit(added.id)
    edit = again.window.space_actions.last_dialog
    assert isinstance(edit, AccountDialog)
    assert edit.remember_check.isChecked()
    edit.reject()


def test_removing_the_open_account_says_so_and_other_accounts_stay(
    browse_moto: Callable[[list[str]], App], qtbot: QtBot, moto_endpoint: str, moto_account: Account
) -> None:
    app = browse_moto(["a.txt"])
    other = add_account_in_dialog(app, qtbot, moto_endpoint, "x", remember=True)
    app.window.navigate(Place(moto_account.id, "", ""))
    app.window.account_panel.remove_requested.emit(moto_account.id)
    box = app.window.space_actions.last_dialog
    assert isinstance(box, QMessageBox)
    next(b for b in box.buttons() if b.text() == "Remove").click()
    assert [a.id for a in app.accounts.accounts] == [other.id]
    assert "was removed" in app.window.placeholder.text()
    assert app.window.placeholder.isVisible()
    assert current_in_tree(app) == ("", "")


def test_the_path_bar_and_title_name_the_account_of_the_open_place(
    browse_moto: Callable[[list[str]], App], moto_bucket: str, moto_account: Account
) -> None:
    app = browse_moto(["a/b.txt"])
    window = app.window
    assert moto_account.name in window.windowTitle()
    assert window.windowTitle().startswith(f"s3://{moto_bucket}/")
    crumb = window.path_bar.findChild(QToolButton, "crumb0")
    assert crumb is not None
    assert crumb.text().startswith(moto_account.name)
    flat = window.object_view.flat
    assert {flat.index(r, 0).data(ObjectRole.KEY) for r in range(flat.rowCount())} == {"a/"}


def test_focusing_the_sidebar_opens_nothing_by_itself(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], qtbot: QtBot,
    moto_account: Account, moto_bucket: str,
) -> None:  # fmt: skip
    app = build_window()
    open_account(app, moto_account)
    tree = app.window.account_panel.tree
    app.window.activateWindow()
    tree.setFocus(Qt.FocusReason.TabFocusReason)  # Qt makes the first row current on focus
    qtbot.waitUntil(tree.hasFocus, timeout=5_000)
    assert app.window.place is None
