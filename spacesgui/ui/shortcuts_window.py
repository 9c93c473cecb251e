"""Help → Keyboard Shortcuts: every command of the menus that has keys, menu by menu, and the
keys the lists take (read from the live actions, so it never falls out of date).

Found missing by a keyboard-only new-user pass: Help held only About, and the keys of the
lists (F2, the Menu key, Backspace…) were written nowhere in the app.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QMenuBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from spacesgui.ui.naming import named
from spacesgui.ui.window_keys import close_by_keyboard

# Keys the lists take themselves (not commands of a menu).
IN_THE_LISTS = (
    ("Open the selected folder or file", "Enter"),
    ("The folder above", "Backspace, Alt+Up"),
    ("Unfold or fold a folder in the list", "Right, Left"),
    ("The context menu of the selected row", "Menu, Shift+F10"),
    ("Back to the rows from the filter or the path", "Escape"),
    ("The menu bar", "F10"),
)


def shortcut_rows(menu_bar: QMenuBar) -> list[tuple[str, str]]:
    """(command, keys) for every menu command with keys, under a ("Menu", "") heading each."""
    rows: list[tuple[str, str]] = []
    for top in menu_bar.actions():
        menu = top.menu()
        if not isinstance(menu, QMenu):
            continue
        found = _with_keys(menu)
        if found:
            rows.append((_plain(top.text()), ""))
            rows.extend(found)
    rows.append(("Without a menu", ""))
    rows.extend(IN_THE_LISTS)
    return rows


def _with_keys(menu: QMenu) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            found.extend(_with_keys(sub))
        elif _keys(action):
            found.append((_plain(action.text()), _keys(action)))
    return found


def _keys(action: QAction) -> str:
    return ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")


class ShortcutsWindow(QDialog):
    """The table of keys; Escape, Ctrl+W or Close closes it."""

    def __init__(self, menu_bar: QMenuBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "shortcutsWindow", "Keyboard Shortcuts")
        self.setWindowTitle("Keyboard Shortcuts")
        rows = shortcut_rows(menu_bar)
        self.table = named(QTableWidget(len(rows), 2, self), "shortcutsTable", "Commands and their keys")
        self.table.setHorizontalHeaderLabels(["Command", "Keys"])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)  # to read, not to pick
        self.table.setShowGrid(False)
        for row, (command, keys) in enumerate(rows):
            item = QTableWidgetItem(command)
            if not keys:  # a menu's heading
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.table.setItem(row, 0, item)
            self.table.setItem(row, 1, QTableWidgetItem(keys))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        close_by_keyboard(self)
        self.resize(520, 640)
