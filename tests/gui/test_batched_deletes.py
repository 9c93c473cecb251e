"""Deleting a folder through the window: batched at the server, and refusals reported per key (issue 8)."""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.etree import ElementTree

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.transfers import TransferState
from spacesgui.qtmodels.transfer_model import TransferColumn, TransferRole
from spacesgui.ui.transfers.transfer_dock import TransferDock
from tests.fault_proxy import ABSENT, FaultProxy, Match
from tests.gui.bulk_helpers import answer, edit_actions, keys_in, open_through_proxy, seed, wait_all_finished
from tests.gui.operations_helpers import row_of, select

State = TransferState
S3_XMLNS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
MAX_URL = 2048


def deleted_keys(body: bytes) -> list[str]:
    """The keys one DeleteObjects request body names, in order."""
    return [
        item.findtext(f"{S3_XMLNS}Key") or ""
        for item in ElementTree.fromstring(body).iter(f"{S3_XMLNS}Object")
    ]


def dock_of(app: App) -> TransferDock:
    actions = app.window.transfer_actions
    assert actions is not None
    return actions.dock


@pytest.mark.slow
@pytest.mark.timeout(1800)  # heavy, and a loaded machine may take many times longer
def test_deleting_a_folder_of_2500_keys_takes_exactly_three_delete_objects_requests_and_no_long_url(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    doomed = [f"big/{i:04d}-a file with a longish name to make long requests.txt" for i in range(2500)]
    seed(moto_store, moto_bucket, dict.fromkeys(doomed, b"x"))
    seed(moto_store, moto_bucket, {"keep.txt": b"k", "big-but-not-in-it.txt": b"n"})
    app, _account = open_through_proxy(
        qtbot, build_window, open_account, moto_account, fault_proxy, moto_bucket
    )

    select(app, "big/")
    edit_actions(app).delete_action.trigger()  # Delete on the folder
    box = answer(qtbot, edit_actions(app), "Delete")
    assert box.text() == "Delete 2,500 objects, 2.5 KB, in 1 folder?"
    wait_all_finished(qtbot, app, 2500, timeout_s=1500)

    assert {t.state for t in app.transfers.engine.transfers()} == {State.DONE}
    assert keys_in(moto_store, moto_bucket) == {"keep.txt", "big-but-not-in-it.txt"}
    batches = [r for r in fault_proxy.requests if Match.delete_objects(moto_bucket).matches(r)]
    assert len(batches) == 3
    sent = [deleted_keys(r.body) for r in batches]
    assert sorted(len(keys) for keys in sent) == [500, 1000, 1000]
    assert sorted(key for keys in sent for key in keys) == doomed  # each key once, none other
    longest = max(fault_proxy.requests, key=lambda r: len(r.raw_target))
    assert len(longest.raw_target) <= MAX_URL, longest.raw_target[:200]
    qtbot.waitUntil(lambda: row_of(app, "big/") < 0, timeout=30_000)  # the folder row goes


def test_a_distant_folder_is_counted_in_pieces_as_they_come_with_the_count_shown_as_it_grows(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    # Over the internet every page is a round trip: the folder behind a Delete is listed in
    # pieces at once, each page counted as it comes (in no name order), and the banner
    # shows the count growing; the question then counts every key once.
    doomed = [f"far/{i // 100}/{i:03d}.txt" for i in range(300)]
    seed(moto_store, moto_bucket, dict.fromkeys(doomed, b"xy"))
    seed(moto_store, moto_bucket, {"keep.txt": b"k"})
    app, _account = open_through_proxy(
        qtbot, build_window, open_account, moto_account, fault_proxy, moto_bucket
    )
    fault_proxy.cap_page_size(10)
    fault_proxy.add_latency(0.1)
    # Every piece's second page waits: only the first page of each piece comes back.
    held = fault_proxy.hold(
        Match(method="GET", path=f"/{moto_bucket}", query={"prefix": "far/", "continuation-token": None})
    )

    select(app, "far/")
    edit_actions(app).delete_action.trigger()
    counting = re.compile(r"Counting what the selected folders hold: (\d+) objects")

    def counted() -> int:
        found = counting.search(app.window.banner.text())
        return int(found.group(1)) if found else 0

    qtbot.waitUntil(lambda: counted() > 10, timeout=60_000)  # beyond the first page, held or not
    assert held.waiting >= 1  # still held: those pages came from other pieces
    edit_actions(app).delete_action.trigger()  # again, impatient: no second count, no second question
    held.release()
    actions = edit_actions(app)
    qtbot.waitUntil(lambda: actions.last_box is not None and actions.last_box.isVisible(), timeout=60_000)
    first_box = actions.last_box
    # Behind the question the banner says what was counted, no longer "so far".
    assert app.window.banner.text().startswith("The selection holds 300 objects, 600 "), (
        app.window.banner.text()
    )
    box = answer(qtbot, actions, "Delete")

    assert box is first_box
    assert box.text().startswith("Delete 300 objects, 600 "), box.text()
    wait_all_finished(qtbot, app, 300)
    first_pages = Match(
        method="GET", path=f"/{moto_bucket}",
        query={"prefix": "far/", "continuation-token": ABSENT, "start-after": ABSENT},
    )  # fmt: skip
    assert len([r for r in fault_proxy.requests if first_pages.matches(r)]) == 1  # one count, not two
    assert {t.state for t in app.transfers.engine.transfers()} == {State.DONE}
    assert keys_in(moto_store, moto_bucket) == {"keep.txt"}


def test_stop_while_a_folder_is_counted_deletes_nothing_and_asks_nothing(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    doomed = {f"far/{i:03d}.txt": b"xy" for i in range(100)}
    seed(moto_store, moto_bucket, doomed)
    app, _account = open_through_proxy(
        qtbot, build_window, open_account, moto_account, fault_proxy, moto_bucket
    )
    fault_proxy.cap_page_size(10)
    held = fault_proxy.hold(  # the count stays unfinished until Stop is clicked
        Match(method="GET", path=f"/{moto_bucket}", query={"prefix": "far/", "continuation-token": None})
    )

    select(app, "far/")
    edit_actions(app).delete_action.trigger()
    banner = app.window.banner
    qtbot.waitUntil(lambda: "Counting what the selected folders hold" in banner.text(), timeout=60_000)
    stop = banner.findChild(QPushButton, "messageAction")
    assert stop is not None
    qtbot.waitUntil(stop.isVisible, timeout=10_000)
    assert stop.text() == "Stop"
    stop.click()
    held.release()

    qtbot.waitUntil(lambda: banner.text() == "Counting stopped: nothing was deleted.", timeout=60_000)
    box = edit_actions(app).last_box
    assert box is None or not box.isVisible()  # never asked
    assert not [r for r in fault_proxy.requests if Match.delete_objects(moto_bucket).matches(r)]
    assert keys_in(moto_store, moto_bucket) == set(doomed)


def test_keys_the_server_refuses_to_delete_are_reported_one_by_one_in_the_transfers_panel(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    files = [f"docs/{name}.txt" for name in ("a", "b", "c", "d", "e", "f")]
    seed(moto_store, moto_bucket, dict.fromkeys(files, b"x"))
    refused = ["docs/b.txt", "docs/e.txt"]
    fault_proxy.refuse_deletes(moto_bucket, refused, code="AccessDenied", message="Access Denied")
    app, _account = open_through_proxy(
        qtbot, build_window, open_account, moto_account, fault_proxy, moto_bucket
    )

    select(app, "docs/")
    edit_actions(app).delete_action.trigger()
    answer(qtbot, edit_actions(app), "Delete")
    wait_all_finished(qtbot, app, 6)
    assert keys_in(moto_store, moto_bucket) == set(refused)  # only what the server refused is left

    dock = dock_of(app)
    model = dock.model
    qtbot.waitUntil(
        lambda: model.counts()[State.FAILED] == 2 and model.counts()[State.DONE] == 4, timeout=10_000
    )
    (group,) = [
        model.index(r, 0) for r in range(model.rowCount()) if model.index(r, 0).data(TransferRole.IS_GROUP)
    ]
    assert "2 failed" in str(group.siblingAtColumn(TransferColumn.STATUS).data())
    rows = {
        str(model.index(r, 0, group).data()): str(model.index(r, TransferColumn.STATUS, group).data())
        for r in range(model.rowCount(group))
    }
    assert len(rows) == 6
    for key in files:
        name = key.rsplit("/", 1)[1]
        if key in refused:
            assert rows[name].startswith("Failed: Not deleted:"), rows[name]
            assert "may not delete" in rows[name]  # the server's AccessDenied, in words
        else:
            assert rows[name] == "Done"

    # Details on the folder row lists each refused key with its reason.
    dock.view.setCurrentIndex(group)
    assert dock.details_action.isEnabled()
    dock.details_action.trigger()
    box = dock.last_dialog
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible, timeout=5_000)
    details = box.informativeText() + box.detailedText()
    for key in refused:
        assert key.rsplit("/", 1)[1] in details
    assert "a.txt" not in details  # a key that was deleted is no problem
    box.close()

    # Once the server takes them, Retry All deletes exactly what was left.
    fault_proxy.clear()
    dock.retry_all_action.trigger()
    qtbot.waitUntil(lambda: model.counts()[State.DONE] == 6, timeout=60_000)
    assert keys_in(moto_store, moto_bucket) == set()
    (retry,) = [r for r in fault_proxy.requests if Match.delete_objects(moto_bucket).matches(r)]
    assert sorted(deleted_keys(retry.body)) == refused
