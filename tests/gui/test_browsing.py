"""Browsing a bucket through the real window against a real local S3 server."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.folder_node import Column, LoadState
from spacesgui.core.history import Place
from spacesgui.qtmodels.roles import ObjectRole
from tests.gui.conftest import wait_listed

SIZES = {"tiny.txt": 3, "medium.bin": 5_000, "large.bin": 90_000, "empty.dat": 0}


@pytest.fixture
def photo_bucket(moto_store: S3Store, moto_bucket: str) -> str:
    """A bucket with two folders (one nested) and four top-level objects of known sizes."""
    client = moto_store.client
    for name, size in SIZES.items():
        client.put_object(Bucket=moto_bucket, Key=name, Body=b"x" * size)
    for key in ("albums/2024/beach.png", "albums/2024/city.png", "albums/cover.png", "raw/IMG_0001.CR2"):
        client.put_object(Bucket=moto_bucket, Key=key, Body=b"img")
    return moto_bucket


@pytest.fixture
def browsing(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    moto_account: Account,
    photo_bucket: str,
    qtbot: QtBot,
) -> App:
    app = build_window()
    open_account(app, moto_account)
    app.window.navigate(Place(moto_account.id, photo_bucket, ""))
    wait_listed(qtbot, app)
    return app


def names(app: App, parent: QModelIndex | None = None) -> list[str]:
    model = app.window.model
    parent = parent or QModelIndex()
    return [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]


def row_of(app: App, name: str, parent: QModelIndex | None = None) -> QModelIndex:
    model = app.window.model
    parent = parent or QModelIndex()
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        if index.data() == name:
            return index
    raise AssertionError(f"{name} not shown; rows are {names(app, parent)}")


def test_opening_an_account_lists_its_spaces_in_the_account_tree(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    moto_account: Account,
    photo_bucket: str,
) -> None:
    app = build_window()
    open_account(app, moto_account)
    item = app.window.account_panel.model.account_item(moto_account.id)
    assert item is not None
    spaces = [item.child(r).text() for r in range(item.rowCount())]
    assert photo_bucket in spaces


def test_choosing_a_space_lists_folders_first_then_objects_by_name(browsing: App) -> None:
    assert names(browsing) == ["albums", "raw", "empty.dat", "large.bin", "medium.bin", "tiny.txt"]
    assert browsing.window.status_label.text() == "2 folders, 4 objects · 95.0 KB"


def test_expanding_a_folder_lists_its_children_lazily(browsing: App, qtbot: QtBot) -> None:
    albums = row_of(browsing, "albums")
    node = browsing.window.model.folder_node(albums)
    assert node is not None
    assert node.state == LoadState.UNLOADED
    browsing.window.object_view.expand(albums)
    qtbot.waitUntil(lambda: node.state == LoadState.LOADED, timeout=10_000)
    assert names(browsing, albums) == ["2024", "cover.png"]
    year = row_of(browsing, "2024", albums)
    browsing.window.object_view.expand(year)
    qtbot.waitUntil(lambda: names(browsing, year) == ["beach.png", "city.png"], timeout=10_000)
    assert year.siblingAtColumn(0).data(ObjectRole.KEY) == "albums/2024/"


def test_sorting_by_size_orders_the_whole_folder_both_ways_with_folders_first(browsing: App) -> None:
    view = browsing.window.object_view
    view.sortByColumn(Column.SIZE, Qt.SortOrder.AscendingOrder)
    assert names(browsing) == ["albums", "raw", "empty.dat", "tiny.txt", "medium.bin", "large.bin"]
    view.sortByColumn(Column.SIZE, Qt.SortOrder.DescendingOrder)
    assert names(browsing) == ["albums", "raw", "large.bin", "medium.bin", "tiny.txt", "empty.dat"]


def test_sorting_keeps_the_selected_object_selected(browsing: App) -> None:
    view = browsing.window.object_view
    view.set_current_tree_index(row_of(browsing, "medium.bin"))
    view.sortByColumn(Column.SIZE, Qt.SortOrder.DescendingOrder)
    assert view.currentIndex().data() == "medium.bin"
    assert view.currentIndex().row() == 3


def test_typing_in_the_filter_box_narrows_rows_at_once(browsing: App, qtbot: QtBot) -> None:
    filter_edit = browsing.window.findChild(QLineEdit, "filterEdit")
    qtbot.keyClicks(filter_edit, "BIN")
    assert names(browsing) == ["large.bin", "medium.bin"]
    assert browsing.window.status_label.text().startswith("Showing 2 of 6 items")
    filter_edit.clear()
    qtbot.keyClicks(filter_edit, "*.txt")
    assert names(browsing) == ["tiny.txt"]
    filter_edit.clear()
    assert len(names(browsing)) == 6


def test_double_clicking_a_folder_opens_it_and_back_forward_up_return(browsing: App, qtbot: QtBot) -> None:
    window = browsing.window
    window.object_view.open_folder_requested.emit("albums/")
    wait_listed(qtbot, browsing)
    assert names(browsing) == ["2024", "cover.png"]
    assert window.path_bar.text().endswith("/albums/")
    window.back_action.trigger()
    wait_listed(qtbot, browsing)
    assert "albums" in names(browsing)
    window.forward_action.trigger()
    wait_listed(qtbot, browsing)
    assert names(browsing) == ["2024", "cover.png"]
    window.up_action.trigger()
    wait_listed(qtbot, browsing)
    assert window.place is not None
    assert window.place.prefix == ""


def test_typing_an_s3_path_in_the_path_bar_opens_it(browsing: App, qtbot: QtBot, photo_bucket: str) -> None:
    window = browsing.window
    window.edit_path_action.trigger()
    edit = window.path_bar.findChild(QLineEdit, "pathEdit")
    assert window.path_bar.is_editing()
    edit.setText(f"s3://{photo_bucket}/albums/2024")
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # no final slash: asked first whether it names a file
    qtbot.waitUntil(
        lambda: window.place is not None and window.place.prefix == "albums/2024/", timeout=20_000
    )
    wait_listed(qtbot, browsing)
    assert names(browsing) == ["beach.png", "city.png"]
    assert window.path_bar.text() == f"s3://{photo_bucket}/albums/2024/"
    assert not window.path_bar.is_editing()


def test_a_missing_space_typed_in_the_path_bar_says_so_and_the_app_stays_usable(
    browsing: App, qtbot: QtBot, photo_bucket: str
) -> None:
    window = browsing.window
    window.path_bar.location_requested.emit("s3://no-such-space-here/")
    qtbot.waitUntil(lambda: "does not exist" in window.banner.text(), timeout=10_000)
    window.back_action.trigger()
    wait_listed(qtbot, browsing)
    assert "albums" in names(browsing)


def test_refresh_shows_objects_added_elsewhere_and_keeps_the_selection(
    browsing: App, moto_store: S3Store, photo_bucket: str, qtbot: QtBot
) -> None:
    view = browsing.window.object_view
    view.set_current_tree_index(row_of(browsing, "tiny.txt"))
    moto_store.client.put_object(Bucket=photo_bucket, Key="added.txt", Body=b"new")
    moto_store.client.delete_object(Bucket=photo_bucket, Key="large.bin")
    moto_store.client.put_object(Bucket=photo_bucket, Key="brand-new/x.txt", Body=b"new")
    browsing.window.refresh_action.trigger()
    qtbot.waitUntil(
        lambda: "added.txt" in names(browsing) and not browsing.window.model.is_refreshing(), timeout=10_000
    )
    assert names(browsing) == [
        "albums",
        "brand-new",
        "raw",
        "added.txt",
        "empty.dat",
        "medium.bin",
        "tiny.txt",
    ]
    assert view.currentIndex().data() == "tiny.txt"


def test_refresh_of_an_unchanged_folder_changes_no_rows(browsing: App, qtbot: QtBot) -> None:
    model = browsing.window.model
    changes: list[str] = []
    for signal in (
        model.rowsInserted,
        model.rowsRemoved,
        model.layoutChanged,
        model.dataChanged,
        model.modelReset,
    ):
        signal.connect(lambda *_, name=str(signal): changes.append(name))
    browsing.window.refresh_action.trigger()
    assert model.is_refreshing()  # the folder is really being listed again…
    qtbot.waitUntil(lambda: not model.is_refreshing(), timeout=10_000)
    assert changes == []  # …and its unchanged rows are left alone


def test_the_object_model_passes_the_model_tester(browsing: App, qtbot: QtBot, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    albums = row_of(browsing, "albums")
    browsing.window.object_view.expand(albums)
    qtbot.waitUntil(lambda: names(browsing, albums) == ["2024", "cover.png"], timeout=10_000)
    qtmodeltester.check(browsing.window.model)


def test_the_account_model_passes_the_model_tester(browsing: App, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(browsing.window.account_panel.model)
