"""View → as Icons (issue 12, item 2): thumbnails for the cells on screen only, a few at a
time, and from the disk cache the second time. Counted at the server (moto behind the proxy).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QMenu
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.history import Place
from spacesgui.qtmodels.roles import ObjectRole
from spacesgui.services.thumbnail_service import PARALLEL_FETCHES
from tests.fault_proxy import FaultProxy, Match
from tests.gui.bulk_helpers import answer
from tests.gui.conftest import wait_listed
from tests.gui.operations_helpers import row_of
from tests.gui.test_preview_pane import png_bytes

GREEN, ORANGE = QColor(30, 160, 60), QColor(240, 140, 20)


def seed_pictures(store: S3Store, bucket: str, count: int) -> list[str]:
    keys = [f"pictures/img-{i:04d}.png" for i in range(count)]
    body = png_bytes(64, 32, GREEN, ORANGE)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: store.client.put_object(Bucket=bucket, Key=k, Body=body), keys))
    return keys


def open_icons(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], account: Account,
    bucket: str, qtbot: QtBot,
) -> App:  # fmt: skip
    app = build_window()
    app.window.resize(900, 640)
    open_account(app, account)
    app.window.navigate(Place(account.id, bucket, "pictures/"))
    wait_listed(qtbot, app)
    app.window.preview.icons_action.trigger()  # View → as Icons
    assert app.window.preview.icons_view.isVisible()
    assert not app.window.object_view.isVisible()
    return app


Grid = Callable[[int], tuple[App, list[str]]]


@pytest.fixture
def grid(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, qtbot: QtBot,
) -> Grid:  # fmt: skip
    """Yield `make(count)`: a window on `count` pictures in pictures/, as Icons; and their keys."""

    def make(count: int) -> tuple[App, list[str]]:
        keys = seed_pictures(moto_store, moto_bucket, count)
        return open_icons(build_window, open_account, moto_account, moto_bucket, qtbot), keys

    return make


def on_screen(app: App) -> list[str]:
    """The keys of the cells the grid shows now."""
    view = app.window.preview.icons_view
    area = view.viewport().rect()
    flat = view.flat
    return [
        flat.index(row, 0).data(ObjectRole.KEY)
        for row in range(flat.rowCount())
        if view.visualRect(flat.index(row, 0)).intersects(area)
    ]


def wait_thumbnails(qtbot: QtBot, app: App) -> None:
    """Wait until every cell on screen has its thumbnail and nothing more is fetched."""
    thumbnails = app.window.preview._thumbnails

    def drawn() -> None:
        keys = on_screen(app)
        assert keys
        assert all(thumbnails.thumbnail(key) is not None for key in keys)
        assert not thumbnails.busy

    qtbot.waitUntil(drawn, timeout=60_000)


def fetched(proxy: FaultProxy, bucket: str) -> list[str]:
    match = Match(method="GET", path=f"/{bucket}/pictures/.+")
    return [r.path.removeprefix(f"/{bucket}/") for r in proxy.requests if match.matches(r)]


def test_only_the_cells_on_screen_fetch_thumbnails_a_few_at_a_time(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    keys = seed_pictures(moto_store, moto_bucket, 300)
    watch = fault_proxy.watch(Match(method="GET", path=f"/{moto_bucket}/pictures/.+"))
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    app = open_icons(build_window, open_account, account, moto_bucket, qtbot)

    wait_thumbnails(qtbot, app)
    shown = on_screen(app)
    got = fetched(fault_proxy, moto_bucket)
    assert 4 <= len(shown) < 60
    assert set(got) <= set(shown)  # nothing off screen was fetched
    assert len(got) == len(set(got))  # nor anything twice
    assert 1 <= watch.peak <= PARALLEL_FETCHES
    thumbnail = app.window.preview._thumbnails.thumbnail(shown[0])
    assert thumbnail is not None
    assert thumbnail.pixelColor(4, thumbnail.height() // 2) == GREEN  # the picture, scaled
    assert thumbnail.pixelColor(thumbnail.width() - 4, thumbnail.height() // 2) == ORANGE

    app.window.preview.icons_view.scrollToBottom()
    wait_thumbnails(qtbot, app)
    bottom = on_screen(app)
    got = fetched(fault_proxy, moto_bucket)
    assert keys[-1] in bottom
    assert keys[-1] in got
    assert keys[len(keys) // 2] not in got  # the middle was never on screen
    assert len(got) <= len(shown) + len(bottom)
    assert watch.peak <= PARALLEL_FETCHES


def test_a_second_view_takes_thumbnails_from_the_disk_cache_without_a_get(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    keys = seed_pictures(moto_store, moto_bucket, 6)
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    first = open_icons(build_window, open_account, account, moto_bucket, qtbot)
    wait_thumbnails(qtbot, first)
    assert sorted(fetched(fault_proxy, moto_bucket)) == keys

    second = open_icons(build_window, open_account, account, moto_bucket, qtbot)  # a new window, new memory
    wait_thumbnails(qtbot, second)

    assert sorted(fetched(fault_proxy, moto_bucket)) == keys  # no second GET at the server
    thumbnail = second.window.preview._thumbnails.thumbnail(keys[0])
    assert thumbnail is not None
    assert thumbnail.pixelColor(4, thumbnail.height() // 2) == GREEN


def test_a_folder_in_the_grid_opens_and_the_list_comes_back(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, qtbot: QtBot,
) -> None:  # fmt: skip
    seed_pictures(moto_store, moto_bucket, 2)
    moto_store.client.put_object(Bucket=moto_bucket, Key="pictures/more/x.png", Body=b"1")
    app = open_icons(build_window, open_account, moto_account, moto_bucket, qtbot)
    view = app.window.preview.icons_view
    folder = next(r for r in range(view.flat.rowCount()) if view.flat.index(r, 0).data(ObjectRole.IS_FOLDER))

    view.activated.emit(view.flat.index(folder, 0))
    wait_listed(qtbot, app)
    assert app.window.place is not None
    assert app.window.place.prefix == "pictures/more/"
    assert view.isVisible()  # the grid stays the way of showing folders

    app.window.preview.list_action.trigger()
    assert app.window.object_view.isVisible()
    assert not view.isVisible()


def test_the_grid_selects_what_the_window_acts_on_and_the_preview_follows_it(
    grid: Grid, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app, keys = grid(3)
    view, pane = app.window.preview.icons_view, app.window.preview.pane
    view.setCurrentIndex(view.flat.index(row_of(app, keys[1]), 0))
    view.setFocus()

    qtbot.keyClick(view, Qt.Key.Key_Space)

    assert pane.isVisible()
    qtbot.waitUntil(lambda: pane.key == keys[1] and not pane.image.isNull(), timeout=30_000)
    assert pane.image.pixelColor(4, pane.image.height() // 2) == GREEN

    cell = view.visualRect(view.flat.index(row_of(app, keys[2]), 0)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell)  # what Delete, Download… act on
    assert [ref.key for ref in app.window.selected_refs()] == [keys[2]]
    qtbot.waitUntil(lambda: pane.key == keys[2] and not pane.image.isNull(), timeout=30_000)


def test_right_click_in_the_grid_offers_the_lists_menu_for_that_cell(
    grid: Grid, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app, keys = grid(2)
    view = app.window.preview.icons_view
    cell = view.visualRect(view.flat.index(row_of(app, keys[1]), 0)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell)

    view.customContextMenuRequested.emit(cell)
    menu = view.findChildren(QMenu, "objectContextMenu")[-1]
    texts = [a.text() for a in menu.actions() if a.text()]
    menu.close()
    assert "Copy Path" in texts
    assert any(t.startswith("Download") for t in texts)
    delete = next(a for a in menu.actions() if a.objectName() == "deleteAction")
    assert delete.isEnabled()  # it acts on the cell clicked
    assert [ref.key for ref in app.window.selected_refs()] == [keys[1]]


def test_the_grid_shows_only_the_open_folders_own_items_and_the_list_unfolds_again_after(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, qtbot: QtBot,
) -> None:  # fmt: skip
    """Folders unfolded in the list showed their insides in the grid beside the open folder's."""
    for key in ("pictures/2023/summer/a.png", "pictures/2023/winter/b.png", "pictures/2024/c.png",
                "pictures/cover.png"):  # fmt: skip
        moto_store.client.put_object(Bucket=moto_bucket, Key=key, Body=b"1")
    app = build_window()
    open_account(app, moto_account)
    app.window.navigate(Place(moto_account.id, moto_bucket, "pictures/"))
    wait_listed(qtbot, app)
    view = app.window.object_view
    view.expand_folder(view.node_at("pictures/2023/"))  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: row_of(app, "pictures/2023/winter/") >= 0, timeout=30_000)
    view.expand_folder(view.node_at("pictures/2023/summer/"))  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: row_of(app, "pictures/2023/summer/a.png") >= 0, timeout=30_000)
    listed = view.flat.rowCount()

    app.window.preview.icons_action.trigger()  # View → as Icons
    grid = app.window.preview.icons_view
    assert grid.isVisible()
    cells = [grid.flat.index(row, 0).data() for row in range(grid.flat.rowCount())]
    assert cells == ["2023", "2024", "cover.png"]
    assert all(not grid.visualRect(grid.flat.index(row, 0)).isEmpty() for row in range(len(cells)))

    app.window.preview.list_action.trigger()
    assert view.flat.rowCount() == listed  # unfolded as it was, the inner folder too
    assert row_of(app, "pictures/2023/summer/a.png") >= 0


def keys_in_pictures(store: S3Store, bucket: str) -> set[str]:
    listed = store.client.list_objects_v2(Bucket=bucket, Prefix="pictures/").get("Contents", [])
    return {o["Key"] for o in listed}


def test_the_edit_keys_work_in_the_grid_as_in_the_list(
    grid: Grid, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """F2, Ctrl+C, Ctrl+V and Delete typed in the grid: before, only the list heard them."""
    app, keys = grid(3)
    view, edit = app.window.preview.icons_view, app.window.edit_actions
    assert edit is not None

    def click_and_type(
        key: str, typed: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        qtbot.waitUntil(lambda: row_of(app, key) >= 0, timeout=10_000)
        cell = view.visualRect(view.flat.index(row_of(app, key), 0)).center()
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell)
        app.window.activateWindow()
        view.setFocus(Qt.FocusReason.OtherFocusReason)
        qtbot.waitUntil(lambda: QApplication.activeWindow() is app.window, timeout=10_000)
        qtbot.keyClick(view, typed, modifier)

    click_and_type(keys[0], Qt.Key.Key_F2)  # renamed in place, in the grid
    editor = view.findChild(QLineEdit)
    assert editor is not None
    assert editor.isVisible()
    assert editor.text() == "img-0000.png"
    qtbot.waitUntil(
        lambda: editor.selectedText() == "img-0000", timeout=5_000
    )  # no extension, as in the list
    assert view.visualRect(view.flat.index(row_of(app, keys[0]), 0)).contains(editor.geometry().center())
    editor.setText("cover.png")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "pictures/cover.png" in keys_in_pictures(moto_store, moto_bucket), timeout=30_000)
    qtbot.waitUntil(lambda: keys[0] not in keys_in_pictures(moto_store, moto_bucket), timeout=30_000)

    click_and_type(keys[1], Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    copy = "pictures/img-0001 (1).png"
    qtbot.waitUntil(lambda: copy in keys_in_pictures(moto_store, moto_bucket), timeout=30_000)

    click_and_type(keys[2], Qt.Key.Key_Delete)
    answer(qtbot, edit, "Delete")
    qtbot.waitUntil(lambda: keys[2] not in keys_in_pictures(moto_store, moto_bucket), timeout=30_000)
    assert keys_in_pictures(moto_store, moto_bucket) == {"pictures/cover.png", keys[1], copy}


def test_select_all_in_the_edit_menu_selects_every_cell_of_the_grid(
    grid: Grid, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app, _keys = grid(3)
    app.window.filter_edit.setFocus()  # chosen from the menu: wherever the focus is
    menu = app.window.findChild(QMenu, "editMenu")
    assert menu is not None
    select_all = next(a for a in menu.actions() if a.objectName() == "selectAllAction")
    assert select_all.shortcut().matches(QKeySequence(QKeySequence.StandardKey.SelectAll))
    select_all.trigger()
    view = app.window.preview.icons_view
    assert len(view.selectionModel().selectedRows()) == 3
    assert len(app.window.selected_refs()) == 3


def test_switching_to_the_list_while_renaming_in_the_grid_renames_nothing(
    grid: Grid, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """The field, hidden with the grid, lost focus, and a field that loses focus renames."""
    app, keys = grid(2)
    view = app.window.preview.icons_view
    view.setCurrentIndex(view.flat.index(row_of(app, keys[0]), 0))
    assert view.edit_name(keys[0])
    editor = view.findChild(QLineEdit)
    assert editor is not None
    editor.setText("half-typ")
    renames: list[tuple[str, str]] = []
    app.window.object_view.rename_requested.connect(lambda key, name: renames.append((key, name)))
    app.window.preview.list_action.trigger()  # View → as List, the field still open
    assert app.window.object_view.isVisible()
    QApplication.processEvents()
    assert renames == []
    assert view.state() != QAbstractItemView.State.EditingState


def test_a_filter_that_matches_nothing_says_so_in_the_grid(
    grid: Grid, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """Before, the grid stayed blank, where the list said why."""
    app, _keys = grid(2)
    view = app.window.preview.icons_view

    def ink() -> int:
        image = view.viewport().grab().toImage()
        base = view.palette().color(QPalette.ColorRole.Base)
        return sum(
            1
            for y in range(0, image.height(), 2)
            for x in range(0, image.width(), 2)
            if image.pixelColor(x, y) != base
        )

    app.window.filter_edit.setText("no-such-name")
    qtbot.waitUntil(lambda: view.flat.rowCount() == 0, timeout=10_000)
    assert app.window.object_view.empty_text.startswith("Nothing here matches “no-such-name”.")
    qtbot.waitUntil(lambda: ink() > 50, timeout=10_000)  # no cells: what is painted is the sentence
