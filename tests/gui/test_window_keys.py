"""Escape and Ctrl+W close the app's tool windows, as Finder's and Explorer's do; the Keys
Manager also has a Close button (before, it could not be closed from the keyboard at all)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.core.accounts import Account
from tests.gui.operations_helpers import press_in
from tests.gui.test_keys_manager import open_manager, saved_account

KEYS = [
    pytest.param(Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier, id="escape"),
    pytest.param(Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier, id="ctrl-w"),
]


@pytest.mark.parametrize(("key", "modifiers"), KEYS)
def test_the_keys_manager_closes_from_the_keyboard_with_its_first_row_chosen(
    build_window: Callable[[], App], qtbot: QtBot, moto_account: Account,
    key: Qt.Key, modifiers: Qt.KeyboardModifier,
) -> None:  # fmt: skip
    app = build_window()
    saved_account(app, qtbot, moto_account)
    manager = open_manager(app, qtbot)
    # One account, chosen already: Edit… works at once (Down had nowhere to go with one row).
    qtbot.waitUntil(lambda: manager.selected_id() == moto_account.id, timeout=10_000)
    assert manager.edit_button.isEnabled()
    press_in(qtbot, manager, manager.table, key, modifiers)
    qtbot.waitUntil(lambda: not manager.isVisible(), timeout=10_000)


def test_the_keys_manager_has_a_close_button(
    build_window: Callable[[], App], qtbot: QtBot, moto_account: Account
) -> None:
    app = build_window()
    saved_account(app, qtbot, moto_account)
    manager = open_manager(app, qtbot)
    assert manager.close_button.isVisible()
    manager.close_button.click()
    qtbot.waitUntil(lambda: not manager.isVisible(), timeout=10_000)


@pytest.mark.parametrize(("key", "modifiers"), KEYS)
def test_the_activity_window_closes_from_the_keyboard(
    build_window: Callable[[], App], qtbot: QtBot, key: Qt.Key, modifiers: Qt.KeyboardModifier
) -> None:
    app = build_window()
    window = app.window.activity.open()
    qtbot.waitUntil(window.isVisible, timeout=10_000)
    press_in(qtbot, window, window.table, key, modifiers)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
