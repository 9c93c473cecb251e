"""The window remembers across runs: the preview pane open, the icons view, the search options."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.folder_node import Column
from tests.gui.conftest import open_space


def test_preview_icons_and_search_options_come_back_in_the_next_run(
    build_window: Callable[[], App], qtbot: QtBot, tmp_path: Path
) -> None:
    first = build_window()
    preview, form = first.window.preview, first.window.search_panel.form
    assert not preview.preview_action.isChecked()  # the first run: as it always started
    assert not preview.icons_action.isChecked()
    preview.preview_action.trigger()
    preview.icons_action.trigger()
    form.scope_combo.setCurrentIndex(1)
    form.min_size_edit.setText("10 KB")
    form.before_edit.setText("2024-05-01")
    form.type_combo.setCurrentText("image/")
    form.pattern_edit.setText("beach")
    qtbot.keyClick(form.pattern_edit, Qt.Key.Key_Return)
    first.window.close()

    second = build_window()
    window = second.window
    qtbot.waitUntil(lambda: window.preview.preview_action.isChecked(), timeout=10_000)
    qtbot.waitUntil(
        lambda: window.preview.pane.isVisible() and window.preview.pane.width() > 50, timeout=10_000
    )
    assert window.preview.icons_action.isChecked()
    assert not window.preview.list_action.isChecked()
    restored = window.search_panel.form
    assert restored.scope_combo.currentIndex() == 1
    assert restored.min_size_edit.text() == "10 KB"
    assert restored.before_edit.text() == "2024-05-01"
    assert restored.type_combo.currentText() == "image/"
    assert restored.pattern_edit.text() == ""  # what was looked for is not an option
    saved = json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))["preferences"]
    assert saved["window.view_mode"] == "icons"


def test_closing_the_pane_and_going_back_to_the_list_is_saved_too(
    build_window: Callable[[], App], tmp_path: Path
) -> None:
    preview = build_window().window.preview
    saved = tmp_path / "settings.json"
    preview.preview_action.trigger()
    preview.icons_action.trigger()
    assert json.loads(saved.read_text(encoding="utf-8"))["preferences"]["window.preview_shown"] is True
    preview.preview_action.trigger()  # closed again
    preview.list_action.trigger()
    prefs = json.loads(saved.read_text(encoding="utf-8"))["preferences"]  # what the next run reads
    assert prefs["window.preview_shown"] is False
    assert prefs["window.view_mode"] == "list"


def test_a_saved_value_that_makes_no_sense_is_ignored_and_said_in_the_log(
    build_window: Callable[[], App], qtbot: QtBot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    prefs = {"window.view_mode": 7, "window.preview_shown": "yes", "window.search_options": {"scope": 9}}
    (tmp_path / "settings.json").write_text(json.dumps({"preferences": prefs}), encoding="utf-8")
    app = build_window()
    qtbot.waitUntil(lambda: "ignoring the saved window.view_mode" in caplog.text, timeout=10_000)
    assert "ignoring the saved window.preview_shown" in caplog.text
    assert app.window.preview.list_action.isChecked()
    assert not app.window.preview.preview_action.isChecked()
    assert app.window.search_panel.form.scope_combo.currentIndex() == 0


def test_the_window_opens_at_the_size_it_was_left_and_a_saved_size_that_cannot_be_read_is_ignored(
    build_window: Callable[[], App], qtbot: QtBot, tmp_path: Path
) -> None:
    # Before, every start opened the window at its first-run size (a new-user pass).
    first = build_window().window
    first.resize(700, 500)  # within the offscreen screen, which a restore keeps it to
    qtbot.waitUntil(lambda: (first.width(), first.height()) == (700, 500), timeout=10_000)
    first.close()

    second = build_window().window
    assert (second.width(), second.height()) == (700, 500)
    second.close()

    saved = tmp_path / "settings.json"
    settings = json.loads(saved.read_text(encoding="utf-8"))
    settings["preferences"]["window.geometry"] = "not a geometry"
    saved.write_text(json.dumps(settings), encoding="utf-8")
    third = build_window().window
    assert third.width() >= 800  # as a first run opens it


def test_a_column_turned_off_from_the_header_stays_off_in_the_next_run_and_the_menu_says_when_there_is_no_room(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_bucket: str, qtbot: QtBot,
) -> None:  # fmt: skip
    # Before, the header had no menu: Storage class (Standard on every DigitalOcean file)
    # took room Access needed, and nothing gave it back (a new-user pass).
    first = open_space(qtbot, build_window, open_account, moto_account, moto_bucket).window
    first.resize(1400, 700)  # room for every column
    view = first.object_view
    header = view.horizontalHeader()
    qtbot.waitUntil(lambda: not header.isSectionHidden(Column.STORAGE_CLASS), timeout=10_000)
    header.customContextMenuRequested.emit(QPoint(10, 5))  # a right click on the header
    menu = view.columns.last_menu
    assert menu is not None
    next(a for a in menu.actions() if a.text() == "Storage class").trigger()  # off, though there is room
    menu.close()
    qtbot.waitUntil(lambda: header.isSectionHidden(Column.STORAGE_CLASS), timeout=10_000)
    assert not header.isSectionHidden(Column.ACCESS)
    first.resize(700, 560)  # now Access gives way, and the menu says why it is not shown
    qtbot.waitUntil(lambda: header.isSectionHidden(Column.ACCESS), timeout=10_000)
    header.customContextMenuRequested.emit(QPoint(10, 5))
    menu = view.columns.last_menu
    assert menu is not None
    texts = [a.text() for a in menu.actions()]
    assert "Access (no room: widen the window)" in texts
    assert "Storage class" in texts  # off, and so not squeezed
    menu.close()
    first.close()

    second = open_space(qtbot, build_window, open_account, moto_account, moto_bucket).window
    second.resize(1400, 700)
    header = second.object_view.horizontalHeader()
    qtbot.waitUntil(lambda: not header.isSectionHidden(Column.ACCESS), timeout=10_000)
    assert header.isSectionHidden(Column.STORAGE_CLASS)
    assert second.object_view.columns.turned_off == {Column.STORAGE_CLASS}
