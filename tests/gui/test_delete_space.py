"""Delete Space… on a Space that holds objects empties it through the queue first (issue 8, item 10)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QMenu, QPushButton
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.history import Place
from spacesgui.core.transfers import Direction, TransferState
from spacesgui.ui.accounts.delete_space_dialog import DeleteSpaceDialog
from spacesgui.ui.accounts.space_deletion import SpaceDeletion
from tests.fault_proxy import FaultProxy, Match
from tests.gui.conftest import wait_listed
from tests.gui.test_account_lifecycle import tree_rect

State = TransferState


def buckets(store: S3Store) -> set[str]:
    return {b["Name"] for b in store.client.list_buckets()["Buckets"]}


def keys_in(store: S3Store, bucket: str) -> set[str]:
    return {e.key for e in store.iter_objects(bucket, "")}


def seed(store: S3Store, bucket: str, objects: dict[str, bytes]) -> None:
    for key, body in objects.items():
        store.client.put_object(Bucket=bucket, Key=key, Body=body)


def deletion_of(app: App) -> SpaceDeletion:
    deletion = app.window.space_deletion
    assert deletion is not None
    return deletion


def wait_box(qtbot: QtBot, app: App) -> DeleteSpaceDialog:
    deletion = deletion_of(app)
    qtbot.waitUntil(lambda: deletion.last_box is not None and deletion.last_box.isVisible(), timeout=30_000)
    assert isinstance(deletion.last_box, DeleteSpaceDialog)
    return deletion.last_box


def confirm(qtbot: QtBot, box: DeleteSpaceDialog, bucket: str) -> None:
    """Type the Space's name, as Delete All asks, and click it."""
    qtbot.keyClicks(box.name_edit, bucket)
    assert box.delete_button.isEnabled()
    box.delete_button.click()


def in_sidebar(app: App, account_id: str, bucket: str) -> bool:
    return app.window.account_panel.model.bucket_item(account_id, bucket) is not None


@pytest.fixture
def proxied(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    fault_proxy: FaultProxy, qtbot: QtBot,
) -> Callable[[str], tuple[App, Account]]:  # fmt: skip
    """`open(bucket)`: a window whose account reaches moto through the fault proxy, showing `bucket`."""

    def open_space(bucket: str) -> tuple[App, Account]:
        account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
        app = build_window()
        open_account(app, account)
        app.window.navigate(Place(account.id, bucket, ""))
        wait_listed(qtbot, app)
        return app, account

    return open_space


def test_delete_space_on_a_space_with_objects_asks_with_the_count_empties_it_in_batches_then_deletes_it(
    proxied: Callable[[str], tuple[App, Account]], moto_store: S3Store, moto_bucket: str,
    fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    seed(
        moto_store,
        moto_bucket,
        {"a.txt": b"12345", "photos/": b"", "photos/b.jpg": b"123", "photos/2024/c.jpg": b"1234"},
    )
    app, account = proxied(moto_bucket)
    fault_proxy.clear()  # count only what Delete Space sends

    app.window.delete_space_action.trigger()  # File → Delete Space…
    box = wait_box(qtbot, app)
    assert box.question.text() == (
        f"<b>“{moto_bucket}” holds 4 objects, 12 bytes. Delete them all and then the Space?</b>"
    )
    assert box.delete_button.text() == "Delete All"
    assert box.cancel_button.isDefault()  # Enter never deletes
    assert box.abort_check is None  # no incomplete uploads to offer
    assert not box.delete_button.isEnabled()  # not before the name is typed
    for label in (box.question, box.details, box.prompt):  # each line shown whole
        assert label.height() >= label.heightForWidth(label.width()), label.text()
    qtbot.keyClicks(box.name_edit, moto_bucket[:-1])
    assert not box.delete_button.isEnabled()  # a near miss is not a yes
    qtbot.keyClick(box.name_edit, Qt.Key.Key_Return)  # Enter: the default, Cancel
    qtbot.waitUntil(lambda: "Nothing was deleted" in app.window.banner.text(), timeout=10_000)
    assert moto_bucket in buckets(moto_store)
    app.window.delete_space_action.trigger()  # again, and this time the whole name
    confirm(qtbot, wait_box(qtbot, app), moto_bucket)

    qtbot.waitUntil(lambda: moto_bucket not in buckets(moto_store), timeout=60_000)
    # The deletes ran in the queue, as one folder delete of four keys: one DeleteObjects request.
    transfers = app.transfers.engine.transfers()
    assert {(t.direction, t.key, t.state) for t in transfers} == {
        (Direction.DELETE, key, State.DONE)
        for key in ("a.txt", "photos/", "photos/b.jpg", "photos/2024/c.jpg")
    }
    assert fault_proxy.count(Match.delete_objects(moto_bucket)) == 1
    requests = fault_proxy.requests
    space = [i for i, r in enumerate(requests) if Match(method="DELETE", path=f"/{moto_bucket}/?").matches(r)]
    batch = [i for i, r in enumerate(requests) if Match.delete_objects(moto_bucket).matches(r)]
    assert len(space) == 1  # the Space, once, after its objects
    assert batch[0] < space[0]
    qtbot.waitUntil(lambda: not in_sidebar(app, account.id, moto_bucket), timeout=10_000)
    assert app.window.place == Place(account.id, "", "")  # it was open: the window leaves it
    assert f"Space “{moto_bucket}” deleted, with its 4 objects." in app.window.banner.text()


def test_a_space_whose_key_the_server_refuses_is_kept_and_the_banner_says_which_and_why(
    proxied: Callable[[str], tuple[App, Account]], moto_store: S3Store, moto_bucket: str,
    fault_proxy: FaultProxy, unique_bucket: str, qtbot: QtBot,
) -> None:  # fmt: skip
    other = f"{unique_bucket[:45]}-other"
    moto_store.client.create_bucket(Bucket=other)
    seed(moto_store, other, {"keep/locked.txt": b"l", "a.txt": b"a", "b.txt": b"b"})
    fault_proxy.refuse_deletes(other, ["keep/locked.txt"], code="AccessDenied", message="Access Denied")
    app, account = proxied(moto_bucket)  # another Space is open
    panel = app.window.account_panel
    qtbot.waitUntil(lambda: in_sidebar(app, account.id, other), timeout=10_000)

    panel._on_tree_context_menu_requested(tree_rect(app, account.id, other))  # the Space's menu
    menu = panel.tree.findChildren(QMenu, "accountContextMenu")[-1]
    next(a for a in menu.actions() if a.text() == "Delete Space…").trigger()
    menu.close()
    box = wait_box(qtbot, app)
    assert box.question.text().startswith(f"<b>“{other}” holds 3 objects")
    confirm(qtbot, box, other)

    banner = app.window.banner
    qtbot.waitUntil(lambda: "was not deleted" in banner.text(), timeout=60_000)
    assert "1 of its 3 objects could not be deleted" in banner.text()
    assert "“keep/locked.txt” (These keys may not delete this file)" in banner.text()  # AccessDenied
    assert other in buckets(moto_store)
    assert keys_in(moto_store, other) == {"keep/locked.txt"}  # the others are gone
    assert fault_proxy.count(Match(method="DELETE", path=f"/{other}/?")) == 0  # never asked to delete it
    assert in_sidebar(app, account.id, other)
    states = {t.key: t.state for t in app.transfers.engine.transfers()}
    assert states == {"keep/locked.txt": State.FAILED, "a.txt": State.DONE, "b.txt": State.DONE}
    assert app.window.place == Place(account.id, moto_bucket, "")  # the open Space stays open


def test_delete_space_offers_to_abort_incomplete_uploads_and_aborts_them_before_deleting(
    proxied: Callable[[str], tuple[App, Account]], moto_store: S3Store, moto_bucket: str,
    fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    seed(moto_store, moto_bucket, {"a.txt": b"a"})
    upload_id = moto_store.client.create_multipart_upload(Bucket=moto_bucket, Key="big/disk.iso")["UploadId"]
    app, _account = proxied(moto_bucket)
    fault_proxy.clear()

    app.window.delete_space_action.trigger()
    box = wait_box(qtbot, app)
    check = box.abort_check
    assert isinstance(check, QCheckBox)
    assert check.text().startswith("Also abort its 1 incomplete upload ")
    assert check.isChecked()
    confirm(qtbot, box, moto_bucket)

    qtbot.waitUntil(lambda: moto_bucket not in buckets(moto_store), timeout=60_000)
    aborts = [
        r for r in fault_proxy.requests
        if r.method == "DELETE" and r.path == f"/{moto_bucket}/big/disk.iso" and r.query.get("uploadId") == [upload_id]
    ]  # fmt: skip
    assert len(aborts) == 1
    space_deleted = next(
        i for i, r in enumerate(fault_proxy.requests) if r.method == "DELETE" and r.path.rstrip("/") == f"/{moto_bucket}"
    )  # fmt: skip
    assert fault_proxy.requests.index(aborts[0]) < space_deleted


def test_cancelling_delete_space_on_a_space_with_objects_deletes_nothing(
    proxied: Callable[[str], tuple[App, Account]], moto_store: S3Store, moto_bucket: str, qtbot: QtBot,
) -> None:  # fmt: skip
    seed(moto_store, moto_bucket, {"a.txt": b"a", "b/c.txt": b"c"})
    app, _account = proxied(moto_bucket)
    app.window.delete_space_action.trigger()
    box = wait_box(qtbot, app)
    box.cancel_button.click()
    qtbot.waitUntil(lambda: "Nothing was deleted" in app.window.banner.text(), timeout=10_000)
    assert keys_in(moto_store, moto_bucket) == {"a.txt", "b/c.txt"}
    assert app.transfers.engine.transfers() == []


def test_stop_while_delete_space_counts_deletes_nothing_and_keeps_the_space(
    proxied: Callable[[str], tuple[App, Account]], moto_store: S3Store, moto_bucket: str,
    fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    seed(moto_store, moto_bucket, {f"k/{i:02d}.txt": b"k" for i in range(30)})
    app, _account = proxied(moto_bucket)
    fault_proxy.cap_page_size(10)
    held = fault_proxy.hold(  # counting stays unfinished until Stop is clicked
        Match(method="GET", path=f"/{moto_bucket}", query={"list-type": "2", "continuation-token": None})
    )

    app.window.delete_space_action.trigger()
    banner = app.window.banner
    qtbot.waitUntil(lambda: f"Counting what “{moto_bucket}” holds" in banner.text(), timeout=60_000)
    stop = banner.findChild(QPushButton, "messageAction")
    assert stop is not None
    qtbot.waitUntil(stop.isVisible, timeout=10_000)
    stop.click()
    held.release()

    qtbot.waitUntil(lambda: "Counting stopped" in banner.text(), timeout=60_000)
    assert banner.text() == f"Counting stopped: “{moto_bucket}” was not deleted."
    assert deletion_of(app).last_box is None or not deletion_of(app).last_box.isVisible()  # never asked
    assert moto_bucket in buckets(moto_store)
    assert len(keys_in(moto_store, moto_bucket)) == 30
    assert not [r for r in fault_proxy.requests if r.method in ("DELETE", "POST")]
