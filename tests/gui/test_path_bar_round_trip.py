"""What the path bar shows opens the same folder when typed back, for awkward keys (issue 7, item 2)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.qtmodels.roles import ObjectRole
from tests.gui.conftest import wait_listed

# Each folder holds one file named after it, so the listing shows which folder opened.
FOLDERS = ["%41/", "100%/", "tag #1/", "what?/", "c++ notes/", "naïve café/", "a b/"]


def shown_keys(app: App) -> set[str]:
    flat = app.window.object_view.flat
    return {flat.index(row, 0).data(ObjectRole.KEY) for row in range(flat.rowCount())}


def type_path(app: App, qtbot: QtBot, text: str) -> None:
    bar = app.window.path_bar
    bar.start_editing()
    edit = bar.findChild(QLineEdit, "pathEdit")
    assert edit is not None
    edit.setText(text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


@pytest.mark.parametrize("folder", FOLDERS)
def test_typing_back_what_the_path_bar_shows_opens_the_same_folder(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, folder: str
) -> None:
    # "A/" is what "%41/" would wrongly decode to; it must not be what opens.
    app = browse_moto([f"{folder}inside.txt", "A/decoy.txt", "100/decoy.txt"])
    app.window.open_folder(folder)
    wait_listed(qtbot, app)
    shown = app.window.path_bar.text()
    assert shown.endswith(folder)
    app.window.go_up()
    wait_listed(qtbot, app)
    type_path(app, qtbot, shown)
    qtbot.waitUntil(
        lambda: app.window.place is not None and app.window.place.prefix == folder, timeout=10_000
    )
    wait_listed(qtbot, app)
    assert shown_keys(app) == {f"{folder}inside.txt"}
    assert app.window.banner.text() == ""


def test_a_typed_path_gives_the_keyboard_to_the_rows_it_opens(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    """Before, no widget had the keyboard after Enter: arrows, Delete and F2 did nothing."""
    app = browse_moto(["docs/a.txt", "docs/b.txt"])
    window = app.window
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=10_000)
    place = window.place
    assert place is not None
    type_path(app, qtbot, f"s3://{place.bucket}/docs/")
    qtbot.waitUntil(lambda: window.place is not None and window.place.prefix == "docs/", timeout=10_000)
    wait_listed(qtbot, app)
    qtbot.waitUntil(window.object_view.hasFocus, timeout=10_000)
    qtbot.keyClick(window.object_view, Qt.Key.Key_Down)  # the keys reach the rows
    assert [ref.key for ref in window.selected_refs()] == ["docs/a.txt"]


def test_a_pasted_object_url_of_the_accounts_server_opens_its_folder_and_selects_it(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, moto_endpoint: str, moto_bucket: str
) -> None:
    app = browse_moto(["summer trip/beach.jpg", "summer trip/sea.jpg"])
    type_path(app, qtbot, f"{moto_endpoint}/{moto_bucket}/summer%20trip/sea.jpg")
    qtbot.waitUntil(
        lambda: app.window.place is not None and app.window.place.prefix == "summer trip/", timeout=10_000
    )
    wait_listed(qtbot, app)
    view = app.window.object_view
    qtbot.waitUntil(lambda: view.currentIndex().data(ObjectRole.KEY) == "summer trip/sea.jpg", timeout=10_000)


def test_a_files_s3_path_copied_then_typed_back_opens_its_folder_and_selects_it(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, moto_bucket: str
) -> None:
    """Before, the file's path opened as an empty folder "data #1.csv/"."""
    app = browse_moto(["odd/data #1.csv", "odd/other.csv", "odd/sub/x.txt", "odd/sub"])  # "sub": both
    path = f"s3://{moto_bucket}/odd/data #1.csv"  # what Copy puts on the clipboard as text
    type_path(app, qtbot, path)
    qtbot.waitUntil(
        lambda: app.window.place is not None and app.window.place.prefix == "odd/", timeout=20_000
    )
    view = app.window.object_view
    qtbot.waitUntil(lambda: view.currentIndex().data(ObjectRole.KEY) == "odd/data #1.csv", timeout=20_000)
    type_path(app, qtbot, f"s3://{moto_bucket}/odd/sub")  # a folder (and a file) typed without a slash
    qtbot.waitUntil(
        lambda: app.window.place is not None and app.window.place.prefix == "odd/sub/", timeout=20_000
    )
    wait_listed(qtbot, app)
    assert shown_keys(app) == {"odd/sub/x.txt"}
