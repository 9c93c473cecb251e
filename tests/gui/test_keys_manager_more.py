"""The Keys Manager window, more: edit, sorting, last connection from the sidebar, refused removal there."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import keyring
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.qtmodels.key_model import KeyColumn
from spacesgui.ui.accounts.account_dialog import AccountDialog
from tests.conftest import MemoryKeyring
from tests.gui.test_keys_manager import (
    SECRET,
    SERVICE,
    StickyKeyring,
    cell,
    open_manager,
    saved_account,
    select,
)


def test_editing_renames_the_account_and_keeps_its_stored_secret(
    build_window: Callable[[], App], qtbot: QtBot, moto_account: Account, memory_keyring: MemoryKeyring
) -> None:
    app = build_window()
    saved_account(app, qtbot, moto_account)
    manager = open_manager(app, qtbot)
    select(manager, qtbot, moto_account.id)
    manager.edit_button.click()
    dialog = manager.last_dialog
    assert isinstance(dialog, AccountDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    assert dialog.secret_edit.text() == ""  # the stored secret is never put in the form
    dialog.name_edit.setText("Renamed in the manager")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(
        lambda: cell(manager, moto_account.id, KeyColumn.NAME) == "Renamed in the manager", timeout=30_000
    )
    assert memory_keyring.passwords[(SERVICE, moto_account.id)] == SECRET
    assert manager.model.rowCount() == 1


def test_a_listing_that_works_in_the_sidebar_records_the_last_connection(
    build_window: Callable[[], App], qtbot: QtBot, open_account: Callable[[App, Account], None],
    moto_account: Account, moto_bucket: str, tmp_path: Path,
) -> None:  # fmt: skip
    app = build_window()
    open_account(app, moto_account)  # waits until its Spaces are listed on the left
    manager = open_manager(app, qtbot)
    qtbot.waitUntil(
        lambda: cell(manager, moto_account.id, KeyColumn.LAST_CONNECTED) != "never", timeout=30_000
    )
    (saved,) = json.loads((tmp_path / "settings.json").read_text())["accounts"]
    assert saved["last_connected"] > 0


def test_rows_sort_by_name_and_by_last_connection_when_a_header_is_clicked(
    build_window: Callable[[], App], qtbot: QtBot, moto_account: Account
) -> None:
    app = build_window()
    # Nothing listens on port 9: the sidebar's listing fails, so no “last connected” changes meanwhile.
    nowhere = moto_account.with_changes(endpoint_url="http://127.0.0.1:9")
    saved_account(app, qtbot, nowhere.with_changes(name="b-second", last_connected=0.0))
    first = nowhere.with_changes(name="a-first", id="other-id", last_connected=1_700_000_000.0)
    saved_account(app, qtbot, first)
    manager = open_manager(app, qtbot)

    def names() -> list[str]:
        return [str(manager.sorted.index(r, KeyColumn.NAME).data()) for r in range(manager.sorted.rowCount())]

    assert names() == ["a-first", "b-second"]
    manager.table.sortByColumn(KeyColumn.LAST_CONNECTED, Qt.SortOrder.AscendingOrder)
    assert names() == ["b-second", "a-first"]  # never (0) before a date
    select(manager, qtbot, first.id)
    assert manager.table.selectionModel().selectedRows()[0].data() == "a-first"


def test_removing_from_the_sidebar_when_the_keyring_keeps_the_secret_keeps_the_account_and_says_so(
    build_window: Callable[[], App], qtbot: QtBot, moto_account: Account
) -> None:
    keyring.set_keyring(StickyKeyring())  # the memory_keyring fixture restores its own afterwards
    app = build_window()
    saved_account(app, qtbot, moto_account)
    app.window.account_panel.remove_requested.emit(moto_account.id)
    box = app.window.space_actions.last_dialog
    assert isinstance(box, QMessageBox)
    next(b for b in box.buttons() if b.text() == "Remove").click()
    assert "could not be deleted" in app.window.banner.text()
    assert [a.id for a in app.accounts.accounts] == [moto_account.id]


def test_a_narrow_keys_manager_stacks_its_buttons_each_label_whole_and_in_the_window(
    build_window: Callable[[], App], qtbot: QtBot
) -> None:
    app = build_window()
    app.window.keys_manager.on_built.append(
        lambda manager: manager.add_extra_button("Import…", "importKeysButton", lambda: None)
    )
    manager = open_manager(app, qtbot)

    def check(width: int) -> list[int]:
        """Each button's row (its top), once every button is seen whole inside the window."""
        manager.resize(width, 420)
        qtbot.waitUntil(lambda: manager.width() <= max(width, manager.minimumWidth()), timeout=10_000)
        QApplication.processEvents()
        inside = QRect(0, 0, manager.width(), manager.height())
        tops = []
        for button in manager.findChildren(QPushButton):
            if not button.isVisible():
                continue
            where = QRect(button.mapTo(manager, button.rect().topLeft()), button.size())
            assert inside.contains(where), (button.text(), where, inside)
            assert button.width() >= button.sizeHint().width(), button.text()  # no clipped label
            tops.append(where.top())
        return tops

    assert len(set(check(960))) == 2  # the two groups side by side, Import… below
    assert manager.minimumWidth() <= 480
    narrow = check(480)
    assert manager.width() == 480
    assert len(set(narrow)) == 3  # editing, then checking, then Import…
    assert manager.table.isVisible()
    assert len(set(check(960))) == 2  # wide again: side by side again
