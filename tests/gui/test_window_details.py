"""Names, keyboard behaviour, clipboard and preferences of the main window."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.folder_node import LoadState
from spacesgui.core.history import Place
from spacesgui.qtmodels.roles import ObjectRole
from tests.gui.conftest import wait_listed


@pytest.fixture
def opened(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    moto_account: Account,
    moto_store: S3Store,
    moto_bucket: str,
    qtbot: QtBot,
) -> App:
    for key in ("docs/readme.txt", "docs/guide/intro.txt", "zeta.txt"):
        moto_store.client.put_object(Bucket=moto_bucket, Key=key, Body=b"1")
    app = build_window()
    open_account(app, moto_account)
    app.window.navigate(Place(moto_account.id, moto_bucket, ""))
    wait_listed(qtbot, app)
    return app


def flat_names(app: App) -> list[str]:
    flat = app.window.flat_model
    return [flat.index(r, 0).data() for r in range(flat.rowCount())]


@pytest.mark.parametrize(
    "name", ["mainWindow", "accountTree", "objectView", "pathBar", "filterEdit", "statusBar"]
)
def test_main_widgets_have_stable_object_and_accessible_names(opened: App, name: str) -> None:
    window = opened.window
    widget = window if name == "mainWindow" else window.findChild(QWidget, name)
    assert widget is not None
    assert widget.objectName() == name
    assert widget.accessibleName()


def test_right_expands_a_folder_and_left_collapses_it(opened: App, qtbot: QtBot) -> None:
    view = opened.window.object_view
    view.setFocus()
    view.setCurrentIndex(opened.window.flat_model.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: flat_names(opened) == ["docs", "guide", "readme.txt", "zeta.txt"])
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Left)  # on a child row: go to the enclosing folder
    assert view.currentIndex().data() == "docs"
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert flat_names(opened) == ["docs", "zeta.txt"]


def test_enter_opens_a_folder_and_backspace_goes_up(opened: App, qtbot: QtBot) -> None:
    view = opened.window.object_view
    view.setFocus()
    view.setCurrentIndex(opened.window.flat_model.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    wait_listed(qtbot, opened)
    assert opened.window.path_bar.text().endswith("/docs/")
    qtbot.keyClick(view, Qt.Key.Key_Backspace)
    wait_listed(qtbot, opened)
    assert flat_names(opened) == ["docs", "zeta.txt"]


def test_a_nested_folder_expands_inside_its_parent(opened: App, qtbot: QtBot) -> None:
    view = opened.window.object_view
    docs = opened.window.model.root.folders[0]
    view.expand_folder(docs)
    qtbot.waitUntil(lambda: docs.state == LoadState.LOADED)
    guide = docs.folders[0]
    view.expand_folder(guide)
    qtbot.waitUntil(lambda: flat_names(opened) == ["docs", "guide", "intro.txt", "readme.txt", "zeta.txt"])
    assert [opened.window.flat_model.index(r, 0).data(ObjectRole.DEPTH) for r in range(5)] == [0, 1, 2, 1, 0]


def test_copy_path_puts_the_s3_paths_of_the_selected_rows_on_the_clipboard(
    opened: App, moto_bucket: str
) -> None:
    view = opened.window.object_view
    view.selectAll()
    opened.window.object_menu.copy_path_action.trigger()
    assert QGuiApplication.clipboard().text() == f"s3://{moto_bucket}/docs/\ns3://{moto_bucket}/zeta.txt"


def test_choosing_an_auto_refresh_interval_is_remembered(opened: App, tmp_path: Path) -> None:
    opened.window._interval_actions[60].trigger()
    assert opened.window.refresh_interval == 60
    assert json.loads((tmp_path / "settings.json").read_text())["preferences"]["refresh_interval_s"] == 60
    QApplication.processEvents()
