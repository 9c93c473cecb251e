"""Find in Space: the search panel over 20,000 nested keys on rclone, driven through its widgets."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.history import Place
from spacesgui.core.keys import parent
from spacesgui.qtmodels.roles import ObjectRole
from spacesgui.ui.search.search_panel import SearchPanel
from tests.conftest import RcloneServer
from tests.fault_proxy import FaultProxy, Match
from tests.gui.conftest import open_space, wait_listed

TOTAL = 20_000
DAY = 86_400
T0 = datetime(2024, 1, 1).timestamp()


@dataclass(frozen=True, slots=True)
class Tree:
    bucket: str
    sizes: dict[str, int]
    mtimes: dict[str, float]


def _key(i: int) -> str:
    folder = f"d{i % 20:02d}/s{i // 20 % 10:02d}/"
    if i % 7 == 0:
        return f"{folder}Beach-{i:05d}.jpg"
    if i % 13 == 0:
        return f"{folder}shot-{i:05d}.png"
    return f"{folder}file-{i:05d}.txt"


@pytest.fixture(scope="module")
def tree(rclone_server: RcloneServer) -> Tree:
    """20,000 files in 200 nested folders, with sizes 0–9,990 bytes and dates over a year."""
    bucket = f"search-tree-{uuid.uuid4().hex[:10]}"
    sizes, mtimes = {}, {}
    for i in range(TOTAL):
        key = _key(i)
        path = rclone_server.root / bucket / key
        path.parent.mkdir(parents=True, exist_ok=True)
        size, mtime = i % 1000 * 10, T0 + (i % 365) * DAY
        with path.open("wb") as f:
            f.truncate(size)
        os.utime(path, (mtime, mtime))
        sizes[key], mtimes[key] = size, mtime
    rclone_server.wait_until_served(bucket, [_key(TOTAL - 1)], timeout=120)
    return Tree(bucket, sizes, mtimes)


@pytest.fixture
def open_tree(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], rclone_account: Account,
    tree: Tree, qtbot: QtBot,
) -> Callable[..., App]:  # fmt: skip
    """Yield `open(endpoint="")`: a window on the tree's Space (through `endpoint` when given)."""

    def open_(endpoint: str = "") -> App:
        account = rclone_account.with_changes(endpoint_url=endpoint) if endpoint else rclone_account
        app = build_window()
        open_account(app, account)
        app.window.navigate(Place(account.id, tree.bucket, ""))
        wait_listed(qtbot, app)
        return app

    return open_


@pytest.fixture
def proxy(rclone_server: RcloneServer) -> Iterator[FaultProxy]:
    with FaultProxy(rclone_server.endpoint) as running:
        yield running


def panel_of(app: App) -> SearchPanel:
    return app.window.search_panel


def search(qtbot: QtBot, app: App, pattern: str = "", **fields: str) -> SearchPanel:
    """Open the panel with Ctrl+Shift+F's action, type the terms, press Search (not waiting)."""
    panel = panel_of(app)
    app.window.findChild(QAction, "findInSpaceAction").trigger()
    assert panel.isVisible()
    form = panel.form
    form.pattern_edit.setText(pattern)
    form.min_size_edit.setText(fields.get("min_size", ""))
    form.max_size_edit.setText(fields.get("max_size", ""))
    form.after_edit.setText(fields.get("after", ""))
    form.before_edit.setText(fields.get("before", ""))
    form.type_combo.setCurrentText(fields.get("type", ""))
    qtbot.mouseClick(form.search_button, Qt.MouseButton.LeftButton)
    return panel


def searched(qtbot: QtBot, app: App, pattern: str) -> tuple[App, SearchPanel]:
    """Search `app`'s open Space for `pattern` and wait until the search is done."""
    panel = search(qtbot, app, pattern)
    wait_done(qtbot, panel)
    return app, panel


def wait_done(qtbot: QtBot, panel: SearchPanel) -> None:
    qtbot.waitUntil(
        lambda: panel.search_id == 0 and panel.status_label.text().startswith("Searched"), timeout=120_000
    )


def shown_keys(panel: SearchPanel) -> list[str]:
    model = panel.model
    return [model.index(row, 0).data(ObjectRole.KEY) for row in range(model.rowCount())]


def day(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d")


def test_a_search_over_20000_nested_keys_finds_exactly_the_expected_matches(
    open_tree: Callable[..., App], tree: Tree, qtbot: QtBot, qtmodeltester: Any
) -> None:
    app = open_tree()
    cases: list[tuple[dict[str, str], Callable[[str], bool]]] = [
        ({"pattern": "beach"}, lambda k: "/Beach-" in k),
        ({"pattern": "*.PNG"}, lambda k: k.endswith(".png")),
        ({"pattern": "file-1*", "min_size": "2 KB", "max_size": "2500"},
         lambda k: "/file-1" in k and 2000 <= tree.sizes[k] <= 2500),
        ({"after": day(T0 + 100 * DAY), "before": day(T0 + 109 * DAY), "type": "image/"},
         lambda k: k.endswith((".jpg", ".png")) and T0 + 100 * DAY <= tree.mtimes[k] < T0 + 110 * DAY),
    ]  # fmt: skip
    for fields, expected in cases:
        panel = search(qtbot, app, **fields)
        wait_done(qtbot, panel)
        wanted = sorted(k for k in tree.sizes if expected(k))
        assert wanted, fields
        assert sorted(shown_keys(panel)) == wanted, fields
        assert f"Searched {TOTAL:,} objects" in panel.status_label.text()
        assert f"{len(wanted):,} matches" in panel.status_label.text()
    qtmodeltester.check(panel.model)
    index = panel.model.index(0, 0)
    assert index.data() == shown_keys(panel)[0]  # the whole Space: the path is the key
    assert panel.model.index(0, 1).data(ObjectRole.SIZE) == tree.sizes[shown_keys(panel)[0]]


def test_the_first_results_show_while_the_listing_is_still_running(
    open_tree: Callable[..., App], proxy: FaultProxy, tree: Tree, qtbot: QtBot, one_page_at_a_time: None
) -> None:
    app = open_tree(proxy.endpoint)
    later_pages = Match(method="GET", query={"list-type": "2", "continuation-token": None})
    hold = proxy.hold(later_pages)
    panel = search(qtbot, app, "beach")
    qtbot.waitUntil(lambda: hold.waiting == 1 and panel.model.rowCount() > 0, timeout=30_000)
    assert panel.search_id != 0  # still searching: the second page is held at the proxy
    assert "Searching" in panel.status_label.text()
    assert "1,000 objects searched" in panel.status_label.text()
    first = panel.model.rowCount()
    hold.release()
    wait_done(qtbot, panel)
    assert panel.model.rowCount() == sum(1 for k in tree.sizes if "/Beach-" in k) > first


def test_while_one_folder_is_slow_to_answer_every_match_and_count_from_the_others_is_shown(
    open_tree: Callable[..., App], proxy: FaultProxy, tree: Tree, qtbot: QtBot
) -> None:
    app = open_tree(proxy.endpoint)
    hold = proxy.hold(Match(method="GET", query={"list-type": "2", "prefix": "d05/"}))
    panel = search(qtbot, app, "beach")
    in_d05 = {k for k in tree.sizes if k.startswith("d05/") and "/Beach-" in k}
    expected = {k for k in tree.sizes if "/Beach-" in k}
    # Listed by folders, four at once: d05/ held, every other folder's matches and objects
    # show, not waiting for a next page that may be minutes away.
    qtbot.waitUntil(
        lambda: (
            hold.waiting >= 1
            and set(shown_keys(panel)) == expected - in_d05
            and f"{TOTAL - 1000:,} objects searched" in panel.status_label.text()
        ),
        timeout=30_000,
    )
    assert panel.search_id != 0  # still searching: d05/ is held at the proxy
    assert "Searching" in panel.status_label.text()
    hold.release()
    wait_done(qtbot, panel)
    assert set(shown_keys(panel)) == expected
    assert panel.model.rowCount() == len(expected)


def click_header(qtbot: QtBot, panel: SearchPanel, column: int) -> None:
    header = panel.view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def shown_sizes(panel: SearchPanel) -> list[int]:
    model = panel.model
    return [model.index(row, 1).data(ObjectRole.SIZE) for row in range(model.rowCount())]


def test_a_clicked_header_sorts_the_results_and_matches_found_later_join_that_order(
    open_tree: Callable[..., App], proxy: FaultProxy, tree: Tree, qtbot: QtBot, one_page_at_a_time: None
) -> None:
    app = open_tree(proxy.endpoint)
    hold = proxy.hold(Match(method="GET", query={"list-type": "2", "continuation-token": None}))
    panel = search(qtbot, app, "beach")
    qtbot.waitUntil(lambda: hold.waiting == 1 and panel.model.rowCount() > 2, timeout=30_000)
    found_first = shown_keys(panel)
    assert shown_sizes(panel) != sorted(shown_sizes(panel))  # as found: not by size yet
    panel.view.selectRow(2)
    chosen = found_first[2]

    click_header(qtbot, panel, 1)  # Size
    sizes = shown_sizes(panel)
    assert sizes == sorted(sizes)
    assert sorted(shown_keys(panel)) == sorted(found_first)
    assert [panel.model.key(r) for r in {i.row() for i in panel.view.selectionModel().selectedRows()}] == [
        chosen
    ]
    click_header(qtbot, panel, 1)  # again: largest first
    assert shown_sizes(panel) == sorted(sizes, reverse=True)

    hold.release()
    wait_done(qtbot, panel)
    expected = {k for k in tree.sizes if "/Beach-" in k}
    assert set(shown_keys(panel)) == expected
    assert panel.model.rowCount() == len(expected)
    assert shown_sizes(panel) == sorted((tree.sizes[k] for k in expected), reverse=True)
    assert [panel.model.key(r) for r in {i.row() for i in panel.view.selectionModel().selectedRows()}] == [
        chosen
    ]


def test_stop_sends_no_request_after_it_and_keeps_the_matches_found(
    open_tree: Callable[..., App], proxy: FaultProxy, qtbot: QtBot, one_page_at_a_time: None
) -> None:
    app = open_tree(proxy.endpoint)
    listings = Match(method="GET", query={"list-type": "2"})
    panel = search(qtbot, app, "beach")
    wait_done(qtbot, panel)  # warm: the search works through the proxy
    hold = proxy.hold(Match(method="GET", query={"list-type": "2", "continuation-token": None}))
    proxy_count_before = proxy.count(listings)
    panel = search(qtbot, app, "beach")
    qtbot.waitUntil(lambda: hold.waiting == 1 and panel.model.rowCount() > 0, timeout=30_000)
    search_id = panel.search_id
    rows = panel.model.rowCount()
    qtbot.mouseClick(panel.form.stop_button, Qt.MouseButton.LeftButton)
    sent = proxy.count(listings)
    assert sent == proxy_count_before + 2  # the first page, and the second (held)
    hold.release()  # the held page comes back: the search must not ask for a third
    service = panel.service
    qtbot.waitUntil(lambda: not service.is_working(search_id), timeout=30_000)
    assert proxy.count(listings) == sent
    assert panel.model.rowCount() == rows
    assert panel.status_label.text().startswith("Stopped after 1,000 objects")
    assert panel.form.search_button.isEnabled()


def test_only_the_first_matches_are_kept_and_the_panel_says_so(
    open_tree: Callable[..., App], qtbot: QtBot
) -> None:
    app = open_tree()
    panel_of(app).max_kept = 1_500
    panel = search(qtbot, app, "")
    wait_done(qtbot, panel)
    assert panel.model.rowCount() == 1_500
    assert f"{TOTAL:,} matches (first 1,500 shown)" in panel.status_label.text()
    assert shown_keys(panel) == sorted(shown_keys(panel))  # the listing's order: the first in key order


def test_a_folder_name_finds_each_folder_of_that_name_once_and_a_double_click_opens_it(
    open_tree: Callable[..., App], tree: Tree, qtbot: QtBot
) -> None:
    """Before, “s03” (a folder name, in no file's name) found 0 matches: only files were
    matched, where Finder and Explorer find folders too."""
    app = open_tree()
    panel = search(qtbot, app, "s03")  # d00/s03/ … d19/s03/, 100 files in each
    wait_done(qtbot, panel)
    folders = sorted(f"d{d:02d}/s03/" for d in range(20))
    assert sorted(shown_keys(panel)) == folders
    assert f"{len(folders)} matches" in panel.status_label.text()
    row = panel.model.row_of("d07/s03/")
    assert panel.model.index(row, 1).data() == ""  # no size or date of its own
    assert panel.model.index(row, 0).data(ObjectRole.IS_FOLDER) is True
    panel.view.setCurrentIndex(panel.model.index(row, 0))
    assert not panel.share_action.isEnabled()  # a folder has no link of its own
    panel.view.doubleClicked.emit(panel.model.index(row, 0))
    window = app.window
    qtbot.waitUntil(lambda: window.place is not None and window.place.prefix == "d07/s03/", timeout=30_000)
    wait_listed(qtbot, app)
    assert window.object_view.flat.rowCount() == sum(1 for k in tree.sizes if k.startswith("d07/s03/"))
    panel = search(qtbot, app, "s03/*")  # a path: the files in those folders, not the folders
    wait_done(qtbot, panel)
    assert sorted(shown_keys(panel)) == sorted(k for k in tree.sizes if "/s03/" in k)


def test_with_a_type_a_folder_name_finds_no_folder_and_says_how_to_search_inside_them(
    open_tree: Callable[..., App], tree: Tree, qtbot: QtBot
) -> None:
    app = open_tree()
    panel = search(qtbot, app, "s03", type="image/")  # a folder has no type: only files are matched
    wait_done(qtbot, panel)
    assert shown_keys(panel) == []
    hint = "only files are matched: for the files in folders named “s03”, search for “s03/*”."
    assert panel.status_label.text().endswith(hint)
    panel = search(qtbot, app, "s03/*", type="image/")  # as it says
    wait_done(qtbot, panel)
    assert sorted(shown_keys(panel)) == sorted(
        k for k in tree.sizes if "/s03/" in k and k.endswith((".jpg", ".png"))
    )
    assert "only files" not in panel.status_label.text()


@pytest.fixture
def browse_rclone(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], rclone_account: Account,
    rclone_server: RcloneServer, rclone_bucket: str, qtbot: QtBot,
) -> Callable[[list[str]], App]:  # fmt: skip
    """`open(keys)`: store `keys` (10 bytes each) in the rclone Space, then a window on it."""

    def open_(keys: list[str]) -> App:
        for key in keys:
            path: Path = rclone_server.root / rclone_bucket / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"x" * 10)
        rclone_server.wait_until_served(rclone_bucket, keys)
        return open_space(qtbot, build_window, open_account, rclone_account, rclone_bucket)

    return open_


def confirm_delete(qtbot: QtBot, app: App) -> str:
    """Wait for the question before a delete, click Delete, and return what it asked."""
    edit = app.window.edit_actions
    assert edit is not None
    qtbot.waitUntil(lambda: edit.last_box is not None and edit.last_box.isVisible(), timeout=30_000)
    box = edit.last_box
    assert box is not None
    asked = box.text()
    next(b for b in box.buttons() if b.text() == "Delete").click()
    return asked


def test_deleting_a_folder_found_by_name_deletes_what_it_holds_and_its_row_goes(
    browse_rclone: Callable[[list[str]], App], rclone_server: RcloneServer, rclone_bucket: str, qtbot: QtBot
) -> None:
    keys = ["trips/lisbon/a.png", "trips/lisbon/sub/b.png", "trips/porto/c.png", "lisbon-notes.txt"]
    app, panel = searched(qtbot, browse_rclone(keys), "LISBON")
    assert sorted(shown_keys(panel)) == ["lisbon-notes.txt", "trips/lisbon/"]
    panel.view.selectRow(panel.model.row_of("trips/lisbon/"))
    panel.delete_action.trigger()
    assert "Delete 2 objects" in confirm_delete(qtbot, app)
    root = rclone_server.root / rclone_bucket
    qtbot.waitUntil(
        lambda: not (root / "trips/lisbon").exists() or not any((root / "trips/lisbon").rglob("*.png")),
        timeout=60_000,
    )
    qtbot.waitUntil(lambda: shown_keys(panel) == ["lisbon-notes.txt"], timeout=60_000)
    assert (root / "trips/porto/c.png").exists()
    assert "1 match" in panel.status_label.text()


def test_reveal_in_folder_opens_the_folder_and_selects_the_object(
    open_tree: Callable[..., App], qtbot: QtBot
) -> None:
    app = open_tree()
    panel = search(qtbot, app, "shot-1*")
    wait_done(qtbot, panel)
    row = panel.model.rowCount() // 2
    key = panel.model.key(row)
    panel.view.setCurrentIndex(panel.model.index(row, 0))
    panel.reveal_action.trigger()
    window = app.window
    qtbot.waitUntil(lambda: window.place is not None and window.place.prefix == parent(key), timeout=30_000)
    wait_listed(qtbot, app)
    qtbot.waitUntil(lambda: [r.key for r in window.selected_refs()] == [key], timeout=30_000)
    assert window.object_view.currentIndex().data(ObjectRole.KEY) == key


def test_deleting_results_deletes_them_on_the_server(
    browse_rclone: Callable[[list[str]], App], rclone_server: RcloneServer, rclone_bucket: str, qtbot: QtBot
) -> None:
    keys = ["a/keep.txt", "a/b/old-1.log", "c/old-2.log", "c/d/e/keep.log"]
    app, panel = searched(qtbot, browse_rclone(keys), "old-*")
    assert sorted(shown_keys(panel)) == ["a/b/old-1.log", "c/old-2.log"]
    panel.view.selectAll()
    app.window.activateWindow()
    panel.view.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is app.window, timeout=10_000)
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)  # the results' own Delete key, not the object view's
    assert "Delete 2 objects" in confirm_delete(qtbot, app)
    root = rclone_server.root / rclone_bucket
    qtbot.waitUntil(
        lambda: not (root / "a/b/old-1.log").exists() and not (root / "c/old-2.log").exists(), timeout=60_000
    )
    assert (root / "a/keep.txt").exists()
    assert (root / "c/d/e/keep.log").exists()


def test_terms_that_are_not_valid_are_said_in_plain_words_and_nothing_is_searched(
    open_tree: Callable[..., App], qtbot: QtBot
) -> None:
    app = open_tree()
    panel = search(qtbot, app, "beach", min_size="lots")
    assert panel.search_id == 0
    assert "Smallest size: “lots” is not a size" in panel.status_label.text()
    panel = search(qtbot, app, "beach", after="2024-05-01", before="2024-04-01")
    assert panel.search_id == 0
    assert "not before" in panel.status_label.text()
    panel = search(qtbot, app, "beach", type="pictures")
    assert "is not a content type" in panel.status_label.text()
    painted = painted_text_colour(panel.status_label)
    assert painted.red() > 2 * max(painted.green(), painted.blue())  # red, as problems are elsewhere


def painted_text_colour(label: QLabel) -> QColor:
    """The darkest colour painted in `label` (its text's), from a grab of it."""
    image = label.grab().toImage()
    colours = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    return min(colours, key=lambda c: c.lightness())


def test_closing_the_app_mid_search_stops_the_listing(
    open_tree: Callable[..., App], proxy: FaultProxy, qtbot: QtBot, one_page_at_a_time: None
) -> None:
    app = open_tree(proxy.endpoint)
    listings = Match(method="GET", query={"list-type": "2"})
    hold = proxy.hold(Match(method="GET", query={"list-type": "2", "continuation-token": None}))
    panel = search(qtbot, app, "beach")
    qtbot.waitUntil(lambda: hold.waiting == 1, timeout=30_000)
    search_id = panel.search_id
    for task in list(app.runner._tasks):  # what the app's shutdown does first
        task.cancel()
    sent = proxy.count(listings)
    hold.release()
    qtbot.waitUntil(lambda: not panel.service.is_working(search_id), timeout=30_000)
    assert proxy.count(listings) == sent


def test_opening_a_result_opens_a_verified_copy_of_it_even_from_another_folder(
    browse_moto: Callable[[list[str]], App], moto_store: Any, moto_bucket: str, tmp_path: Path, qtbot: QtBot
) -> None:
    from spacesgui.adapters.opened_copies import TempCopies

    app = browse_moto(["top.txt"])
    moto_store.client.put_object(Bucket=moto_bucket, Key="deep/er/notes.txt", Body=b"the notes\n")
    opener = app.window.file_opener
    assert opener is not None
    opener.service.copies = TempCopies(str(tmp_path / "open"))
    launched: list[str] = []
    opener.launch_default = lambda path: launched.append(path) is None
    panel = search(qtbot, app, "notes")
    wait_done(qtbot, panel)
    assert shown_keys(panel) == ["deep/er/notes.txt"]
    panel.view.selectRow(0)
    assert panel.open_action in panel._verb_actions
    panel.open_action.trigger()
    qtbot.waitUntil(lambda: len(launched) == 1, timeout=30_000)
    assert Path(launched[0]).read_bytes() == b"the notes\n"
    assert Path(launched[0]).name == "notes.txt"
