"""Help → Keyboard Shortcuts lists the menus' keys as the actions have them, and closes by key."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from spacesgui.app import App


def test_keyboard_shortcuts_lists_each_menus_commands_with_their_keys(
    build_window: Callable[[], App], qtbot: QtBot
) -> None:
    app = build_window()
    actions = app.window.chrome
    actions.shortcuts.trigger()
    window = actions.shortcuts_window
    assert window is not None
    qtbot.waitUntil(window.isVisible, timeout=10_000)
    table = window.table
    rows = [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]
    assert ("Refresh", "F5") in rows
    assert ("Find in Space", "Ctrl+Shift+F") in rows
    assert ("Keyboard Shortcuts", "Ctrl+/") in rows
    assert ("Rename", "F2") in rows
    headings = [command for command, keys in rows if not keys]
    assert headings[:2] == ["File", "Edit"]  # menu by menu, as the menu bar has them
    assert headings[-1] == "Without a menu"
    assert ("The context menu of the selected row", "Menu, Shift+F10") in rows
    # Changed keys show as they are: read from the live actions.
    app.window.chrome.refresh.setShortcut("Ctrl+R")
    window.close()
    actions.shortcuts.trigger()
    again = actions.shortcuts_window
    assert again is not None
    qtbot.waitUntil(again.isVisible, timeout=10_000)
    shown = [
        (again.table.item(r, 0).text(), again.table.item(r, 1).text()) for r in range(again.table.rowCount())
    ]
    assert ("Refresh", "Ctrl+R") in shown
    again.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is again, timeout=10_000)
    qtbot.keyClick(again.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not again.isVisible(), timeout=10_000)
