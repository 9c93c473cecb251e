"""Regressions found in review, reproduced through the real window against moto."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.folder_node import LoadState
from spacesgui.core.history import Place
from spacesgui.qtmodels.roles import ObjectRole
from tests.fault_proxy import FaultProxy, Match
from tests.gui.conftest import wait_listed


def shown(app: App) -> list[str]:
    flat = app.window.flat_model
    return [flat.index(r, 0).data(ObjectRole.KEY) for r in range(flat.rowCount())]


def view_rows(app: App) -> int:
    """How many rows the table view believes it has (its vertical header's count)."""
    return app.window.object_view.verticalHeader().count()


@pytest.fixture
def opened(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    moto_account: Account,
    qtbot: QtBot,
) -> Callable[[str], App]:
    def go(bucket: str) -> App:
        app = build_window()
        open_account(app, moto_account)
        app.window.navigate(Place(moto_account.id, bucket, ""))
        wait_listed(qtbot, app)
        return app

    return go


def put(store: S3Store, bucket: str, *keys: str) -> None:
    for key in keys:
        store.client.put_object(Bucket=bucket, Key=key, Body=b"x")


def refresh_and_wait(app: App, qtbot: QtBot) -> None:
    app.window.refresh()
    qtbot.waitUntil(lambda: not app.window.model.is_refreshing(), timeout=10_000)


def test_expanding_a_folder_while_a_filter_is_typed_shows_only_matching_rows(
    opened: Callable[[str], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    put(moto_store, moto_bucket, "docs/report.pdf", "docs/notes.txt", "docs/readme.md", "top.txt")
    app = opened(moto_bucket)
    app.window.model.set_filter("o")  # 'docs' matches; readme.md does not
    docs = app.window.model.root.folder_at(0)
    app.window.object_view.expand_folder(docs)
    qtbot.waitUntil(lambda: docs.state == LoadState.LOADED, timeout=10_000)
    assert "docs/readme.md" not in shown(app)
    assert view_rows(app) == app.window.flat_model.rowCount()


def test_a_second_refresh_keeps_the_name_order(
    opened: Callable[[str], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    put(moto_store, moto_bucket, "Banana.txt")
    app = opened(moto_bucket)
    put(moto_store, moto_bucket, "apple.txt")
    refresh_and_wait(app, qtbot)
    assert shown(app) == ["apple.txt", "Banana.txt"]
    moto_store.client.delete_object(Bucket=moto_bucket, Key="Banana.txt")
    put(moto_store, moto_bucket, "cherry.txt")
    refresh_and_wait(app, qtbot)
    assert shown(app) == ["apple.txt", "cherry.txt"]


def test_refresh_that_drops_a_folder_above_an_open_one_keeps_the_selection(
    opened: Callable[[str], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    put(moto_store, moto_bucket, "a/x.jpg", "d/g/inner", "d/h/inner")
    app = opened(moto_bucket)
    view, flat = app.window.object_view, app.window.flat_model
    d = app.window.model.root.folder_at(1)
    view.expand_folder(d)
    qtbot.waitUntil(lambda: d.state == LoadState.LOADED, timeout=10_000)
    assert shown(app) == ["a/", "d/", "d/g/", "d/h/"]
    view.selectionModel().setCurrentIndex(
        flat.index(2, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )  # the user selects d/g/
    moto_store.client.delete_object(Bucket=moto_bucket, Key="a/x.jpg")  # folder a/ disappears
    put(moto_store, moto_bucket, "new.txt")  # and a file appears
    refresh_and_wait(app, qtbot)
    assert shown(app) == ["d/", "d/g/", "d/h/", "new.txt"]
    assert view.currentIndex().data(ObjectRole.KEY) == "d/g/"
    assert [i.data(ObjectRole.KEY) for i in view.selectionModel().selectedRows()] == ["d/g/"]


@pytest.fixture
def opened_through_proxy(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    moto_account: Account,
    fault_proxy: FaultProxy,
    qtbot: QtBot,
    one_page_at_a_time: None,
) -> Callable[[str], App]:
    """Like `opened`, through the fault proxy, whose listings come in pages of 10, one after another."""
    fault_proxy.cap_page_size(10)

    def go(bucket: str) -> App:
        account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
        app = build_window()
        open_account(app, account)
        app.window.navigate(Place(account.id, bucket, ""))
        wait_listed(qtbot, app)
        return app

    return go


def later_pages_of(bucket: str, prefix: str) -> Match:
    """The ListObjectsV2 requests for the second and later pages of `prefix`."""
    query = {"list-type": "2", "prefix": prefix, "continuation-token": None}
    return Match(method="GET", path=f"/{bucket}/?", query=query)


def test_typing_a_filter_while_an_open_folder_is_still_listing_keeps_the_model_consistent(
    opened_through_proxy: Callable[[str], App], fault_proxy: FaultProxy, moto_store: S3Store,
    moto_bucket: str, qtbot: QtBot,
) -> None:  # fmt: skip
    put(moto_store, moto_bucket, *(f"photos/a{i:02}.dat" for i in range(10)))  # page 1: none kept
    put(moto_store, moto_bucket, *(f"photos/img{i:02}.jpg" for i in range(20)))  # pages 2-3: all kept
    put(moto_store, moto_bucket, "img-top.png", "readme.txt")
    app = opened_through_proxy(moto_bucket)
    model, flat, view = app.window.model, app.window.flat_model, app.window.object_view
    photos = model.root.folder_at(0)
    held = fault_proxy.hold(later_pages_of(moto_bucket, "photos/"))
    view.expand_folder(photos)
    # Page 1 is in and page 2 waits at the server: the folder is surely still listing.
    qtbot.waitUntil(lambda: photos.row_count() > 0 and held.waiting == 1, timeout=30_000)
    model.set_filter("img")  # 'photos' itself does not match
    assert shown(app) == ["img-top.png"]
    view.selectionModel().setCurrentIndex(
        flat.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    held.release()
    qtbot.waitUntil(lambda: photos.state == LoadState.LOADED, timeout=30_000)
    # Once listed, the open folder shows again: its 20 matches are inside it.
    qtbot.waitUntil(lambda: len(shown(app)) == 2 + 20, timeout=30_000)
    assert model.rowCount() == 2
    assert view_rows(app) == flat.rowCount(), "the view was told about rows the model does not have"
    assert view.currentIndex().data(ObjectRole.KEY) == "img-top.png"


def test_a_filter_typed_while_an_open_folder_lists_still_finds_files_in_it(
    opened_through_proxy: Callable[[str], App], fault_proxy: FaultProxy, moto_store: S3Store,
    moto_bucket: str, qtbot: QtBot,
) -> None:  # fmt: skip
    put(moto_store, moto_bucket, *(f"photos/img{i:02}.jpg" for i in range(25)))  # three pages
    put(moto_store, moto_bucket, "readme.txt")
    app = opened_through_proxy(moto_bucket)
    model = app.window.model
    photos = model.root.folder_at(0)
    held = fault_proxy.hold(later_pages_of(moto_bucket, "photos/"))
    app.window.object_view.expand_folder(photos)
    qtbot.waitUntil(lambda: photos.row_count() > 0 and held.waiting == 1, timeout=30_000)
    model.set_filter("img")  # typed while photos/ is still listing
    held.release()
    qtbot.waitUntil(lambda: photos.state == LoadState.LOADED, timeout=30_000)
    # As a filter typed after the listing would: photos/ and all 25 matches.
    qtbot.waitUntil(lambda: len(shown(app)) == 1 + 25, timeout=30_000)
    assert shown(app)[:2] == ["photos/", "photos/img00.jpg"]
    assert "readme.txt" not in shown(app)
