"""Space Usage…: one recursive listing totals every folder, storage class and incomplete upload (issue 12, item 7)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_parallel_listing import MAX_IN_FLIGHT
from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.formatting import human_size
from spacesgui.qtmodels.usage_model import FILES_ROW_NAME, UsageColumn, UsageRole
from spacesgui.ui.usage.usage_window import UsageWindow
from tests.fault_proxy import ABSENT, FaultProxy, Match
from tests.gui.bulk_helpers import open_through_proxy
from tests.gui.operations_helpers import row_of

MiB = 1024 * 1024
SIZES = {
    "a.txt": 100,
    "photos/x.jpg": 1_000,
    "photos/2024/y.jpg": 3_000,
    "photos/2024/z.jpg": 2_000,
    "video/v.mp4": 50_000,
}


def seed(store: S3Store, bucket: str) -> None:
    for key, size in SIZES.items():
        extra = {"StorageClass": "STANDARD_IA"} if key.endswith(".mp4") else {}
        store.client.put_object(Bucket=bucket, Key=key, Body=b"u" * size, **extra)


def rows(window: UsageWindow, parent: QModelIndex | None = None) -> dict[str, tuple[int, int]]:
    """{name: (size, objects)} of the rows under `parent`, read through the view's model."""
    model, parent = window.tree.model(), parent or QModelIndex()
    out = {}
    for row in range(model.rowCount(parent)):
        name = model.index(row, UsageColumn.NAME, parent).data()
        size = model.index(row, UsageColumn.SIZE, parent).data(UsageRole.SORT)
        count = model.index(row, UsageColumn.OBJECTS, parent).data(UsageRole.SORT)
        out[name] = (size, count)
    return out


def wait_counted(qtbot: QtBot, window: UsageWindow) -> None:
    qtbot.waitUntil(lambda: window.again_button.isVisible(), timeout=60_000)


def test_space_usage_totals_every_folder_storage_class_and_incomplete_upload(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    seed(moto_store, moto_bucket)
    client = moto_store.client
    upload_id = client.create_multipart_upload(Bucket=moto_bucket, Key="big.iso")["UploadId"]
    client.upload_part(
        Bucket=moto_bucket, Key="big.iso", UploadId=upload_id, PartNumber=1, Body=b"p" * 5 * MiB
    )
    app = browse_moto([])
    app.window.findChild(type(app.window.usage_windows.space_action), "spaceUsageAction").trigger()
    (window,) = app.window.usage_windows.open_windows()
    qtbot.addWidget(window)
    wait_counted(qtbot, window)

    total = sum(SIZES.values())
    assert f"5 objects, {human_size(total)} in 3 folders" in window.status_label.text()
    assert rows(window) == {"video/": (50_000, 1), "photos/": (6_000, 3), FILES_ROW_NAME: (100, 1)}
    first = window.tree.model().index(0, UsageColumn.SHARE)
    assert first.data() == f"{50_000 / total * 100:.1f} %"
    # Its bar ends before its percentage begins (they ran into each other at 56.6 %).
    window.tree.clearSelection()
    window.tree.setCurrentIndex(QModelIndex())
    cell = window.tree.visualRect(first)
    image = window.tree.viewport().grab(cell).toImage()
    base = window.tree.palette().color(QPalette.ColorRole.Base)
    middle = image.height() // 2
    bar = [x for x in range(image.width()) if image.pixelColor(x, middle).hslSaturationF() > 0.2]
    ink = [
        x for x in range(image.width())
        if any(image.pixelColor(x, y).lightnessF() < base.lightnessF() - 0.4 for y in range(image.height()))
        and image.pixelColor(x, middle).hslSaturationF() <= 0.2
    ]  # fmt: skip
    assert bar
    assert ink
    assert max(bar) < min(ink)
    photos = next(
        window.tree.model().index(r, 0)
        for r in range(3)
        if window.tree.model().index(r, 0).data() == "photos/"
    )
    assert rows(window, photos) == {"2024/": (5_000, 2), FILES_ROW_NAME: (1_000, 1)}
    classes = window.classes_label.text()
    assert f"Infrequent Access {human_size(50_000)} (1 object)" in classes
    assert f"Standard {human_size(6_100)} (4 objects)" in classes
    assert "Incomplete uploads: 1, holding 1 part and 5.2 MB" in window.incomplete_label.text()
    assert human_size(5 * MiB) in window.incomplete_label.text()
    assert window.versions_label.isHidden()  # never versioned: nothing to say
    client.abort_multipart_upload(Bucket=moto_bucket, Key="big.iso", UploadId=upload_id)


def test_the_treemap_paints_a_tile_per_folder_and_a_click_opens_that_folder(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    seed(moto_store, moto_bucket)
    app = browse_moto([])
    window = app.window.usage_windows.open(app.window.place.account_id, moto_bucket)  # type: ignore[union-attr]
    qtbot.addWidget(window)
    window.resize(900, 560)
    wait_counted(qtbot, window)
    treemap = window.treemap
    qtbot.waitUntil(lambda: len(treemap.tiles) == 3, timeout=10_000)
    tiles = {t.name: t for t in treemap.tiles}
    area = treemap.width() * treemap.height()
    video = tiles["video/"].rect
    assert abs(video.width() * video.height() / area - 50_000 / sum(SIZES.values())) < 0.05
    picture = treemap.grab().toImage()
    base = treemap.palette().color(QPalette.ColorRole.Base)
    centre = video.center().toPoint()
    assert QColor(picture.pixel(centre)) != base  # the tile is painted, not the background

    qtbot.mouseClick(treemap, Qt.MouseButton.LeftButton, pos=tiles["photos/"].rect.center().toPoint())
    assert window.tree.currentIndex().data(UsageRole.PREFIX) == "photos/"
    qtbot.waitUntil(lambda: {t.name for t in treemap.tiles} == {"2024/", FILES_ROW_NAME}, timeout=10_000)


def test_folder_usage_from_a_folder_rows_menu_counts_only_that_folder(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    seed(moto_store, moto_bucket)
    app = browse_moto([])
    view = app.window.object_view
    view.customContextMenuRequested.emit(view.visualRect(view.flat.index(row_of(app, "photos/"), 0)).center())
    menu = view.findChildren(QMenu, "objectContextMenu")[-1]
    action = next(a for a in menu.actions() if a.objectName() == "folderUsageAction")
    menu.close()
    action.trigger()
    (window,) = app.window.usage_windows.open_windows()
    qtbot.addWidget(window)
    wait_counted(qtbot, window)
    assert window.windowTitle().startswith(f"Usage of {moto_bucket}/photos/ — ")
    assert rows(window) == {"2024/": (5_000, 2), FILES_ROW_NAME: (1_000, 1)}
    assert f"3 objects, {human_size(6_000)} in 1 folder" in window.status_label.text()


def test_stop_ends_the_listing_and_says_the_totals_are_partial(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    for i in range(60):
        moto_store.client.put_object(Bucket=moto_bucket, Key=f"many/{i:03}", Body=b"s")
    app, account = open_through_proxy(
        qtbot, build_window, open_account, moto_account, fault_proxy, moto_bucket
    )
    fault_proxy.cap_page_size(10)
    recursive = Match(method="GET", path=f"/{moto_bucket}", query={"list-type": "2", "delimiter": ABSENT})
    later_pages = Match(
        method="GET",
        path=f"/{moto_bucket}",
        query={"list-type": "2", "delimiter": ABSENT, "continuation-token": None},
    )
    hold = fault_proxy.hold(later_pages)
    # The parallel listing's other pieces (StartAfter) wait too, so nothing past page 1 is counted.
    pieces = Match(method="GET", path=f"/{moto_bucket}", query={"list-type": "2", "start-after": None})
    held_pieces = fault_proxy.hold(pieces)

    window = app.window.usage_windows.open(account.id, moto_bucket)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: hold.waiting == 1, timeout=30_000)  # the first page came back; the 2nd waits
    qtbot.waitUntil(lambda: "10 objects" in window.status_label.text(), timeout=30_000)
    sent_at_stop = fault_proxy.count(recursive)
    qtbot.mouseClick(window.stop_button, Qt.MouseButton.LeftButton)
    hold.release()
    held_pieces.release()
    wait_counted(qtbot, window)

    assert window.status_label.text().startswith("Stopped: these totals cover only")
    assert "10 objects" in window.status_label.text()  # the page in flight is not counted
    # At most the lister's next round after the stop (pieces listed while the held page was
    # awaited), never the rest of the Space.
    assert fault_proxy.count(recursive) <= sent_at_stop + MAX_IN_FLIGHT


@pytest.mark.qt_log_level_fail("WARNING")  # Qt's model tester reports failures as warnings
def test_the_usage_model_passes_the_model_tester(qtmodeltester: object) -> None:
    from spacesgui.core.listing import ObjectEntry
    from spacesgui.core.usage import UsageTally
    from spacesgui.qtmodels.usage_model import UsageModel

    tally = UsageTally()
    for key, size in {**SIZES, "deep/a/b/c/d.bin": 7, "deep/a/e.bin": 9}.items():
        tally.add(ObjectEntry(key, size, 0.0))
    model = UsageModel()
    model.set_root(tally.root)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert {model.index(r, 0).data() for r in range(model.rowCount())} >= {"deep/", "photos/", "video/"}
    model.set_root(None)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.rowCount() == 0


def test_counting_goes_on_from_other_pieces_of_the_space_while_one_page_is_slow(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    # A distant Space answers each page slowly: the tally takes pages of the Space's pieces
    # as they come, in no name order, instead of waiting for every name before them.
    keys = [f"logs/{i:04}.txt" for i in range(300)]
    for key in keys:
        moto_store.client.put_object(Bucket=moto_bucket, Key=key, Body=b"ab")
    app, account = open_through_proxy(
        qtbot, build_window, open_account, moto_account, fault_proxy, moto_bucket
    )
    fault_proxy.cap_page_size(10)
    fault_proxy.add_latency(0.1)  # slow pages: the listing goes on in pieces at once
    # Every piece's second page waits: only the first page of each piece comes back.
    next_pages = Match(
        method="GET", path=f"/{moto_bucket}", query={"list-type": "2", "continuation-token": None}
    )
    held = fault_proxy.hold(next_pages)

    window = app.window.usage_windows.open(account.id, moto_bucket)
    qtbot.addWidget(window)
    # The second page of the Space is held, yet pages from further on are counted.
    qtbot.waitUntil(lambda: window.scan.tally.count > 10, timeout=30_000)
    assert held.waiting >= 1  # still held: those pages came from other pieces
    held.release()
    wait_counted(qtbot, window)
    assert rows(window)["logs/"] == (600, 300)  # every object once
