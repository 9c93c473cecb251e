"""Helpers for the New Folder, Properties and Share tests: rows, selections, shortcuts."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QRect, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.qtmodels.roles import ObjectRole
from tests.gui.palettes import text_contrast


def row_of(app: App, key: str) -> int:
    """The view row showing `key`, or -1."""
    flat = app.window.object_view.flat
    for row in range(flat.rowCount()):
        if flat.index(row, 0).data(ObjectRole.KEY) == key:
            return row
    return -1


def select(app: App, *keys: str) -> None:
    """Select exactly the rows of `keys` in the object view (they must be shown)."""
    view = app.window.object_view
    flat = view.flat
    selection = QItemSelection()
    for key in keys:
        row = row_of(app, key)
        assert row >= 0, f"{key} is not shown"
        selection.select(flat.index(row, 0), flat.index(row, flat.columnCount() - 1))
    model = view.selectionModel()
    model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    model.setCurrentIndex(flat.index(row_of(app, keys[0]), 0), QItemSelectionModel.SelectionFlag.NoUpdate)


def selected_keys(app: App) -> list[str]:
    return [ref.key for ref in app.window.selected_refs()]


def press(qtbot: QtBot, app: App, shortcut: str) -> None:
    """Type `shortcut` into the object view of the active window, as a user would."""
    combination = QKeySequence(shortcut)[0]
    press_in(qtbot, app.window, app.window.object_view, combination.key(), combination.keyboardModifiers())


def press_in(
    qtbot: QtBot, window: QWidget, focus: QWidget, key: Qt.Key, modifiers: Qt.KeyboardModifier
) -> None:
    """Press `key` with `focus` focused in the active `window` (a main or tool window)."""
    window.activateWindow()
    focus.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=10_000)
    qtbot.keyClick(focus, key, modifiers)


def painted_text(app: App, key: str, column: int) -> tuple[float, tuple[int, int, int]]:
    """The contrast and colour of the text painted in `key`'s row, in `column` (pick one with
    no icon), with nothing selected: see palettes.text_contrast."""
    view = app.window.object_view
    view.clearSelection()
    view.setCurrentIndex(view.flat.index(-1, -1))
    QApplication.processEvents()
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio() or 1.0
    rect = view.visualRect(view.flat.index(row_of(app, key), column))
    area = QRect(
        int(rect.left() * ratio),
        int(rect.top() * ratio),
        int(rect.width() * ratio),
        int(rect.height() * ratio),
    )
    return text_contrast(image, area)
