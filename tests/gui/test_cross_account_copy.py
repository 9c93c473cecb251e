"""Copying and moving between two accounts on two servers: read through this computer, verified (issue 8, item 3)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.history import Place
from spacesgui.core.transfers import Direction, TransferState
from tests.gui.conftest import wait_listed
from tests.gui.test_object_operations import edit_actions, select, wait_done
from tests.integration.transfer_helpers import object_bytes

MiB = 1024 * 1024


def test_pasting_objects_of_another_account_copies_them_through_this_computer(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    rclone_account: Account, rclone_store: S3Store, rclone_bucket: str,
    open_account: Callable[[App, Account], None], qtbot: QtBot, tmp_path: Path,
) -> None:  # fmt: skip
    big = os.urandom(11 * MiB)  # in parts on the way up
    app = browse_moto([])
    moto_store.client.put_object(
        Bucket=moto_bucket, Key="album/big photo #1.jpg", Body=big, ContentType="image/jpeg"
    )
    moto_store.client.put_object(
        Bucket=moto_bucket, Key="album/notes.txt", Body=b"hello", CacheControl="max-age=60"
    )
    moto_store.client.put_object(Bucket=moto_bucket, Key="loose.txt", Body=b"loose")
    app.window.refresh()
    qtbot.waitUntil(lambda: app.window.object_view.flat.rowCount() == 2, timeout=10_000)
    select(app, "album/", "loose.txt")
    edit_actions(app).copy_action.trigger()
    open_account(app, rclone_account)
    app.window.navigate(Place(rclone_account.id, rclone_bucket, ""))
    wait_listed(qtbot, app)
    edit_actions(app).paste_action.trigger()
    wait_done(qtbot, app, 3)
    transfers = app.transfers.engine.transfers()
    assert {t.direction for t in transfers} == {Direction.COPY}
    assert all(t.state == TransferState.DONE for t in transfers)
    assert object_bytes(rclone_store, rclone_bucket, "album/big photo #1.jpg") == big
    assert object_bytes(rclone_store, rclone_bucket, "album/notes.txt") == b"hello"
    assert object_bytes(rclone_store, rclone_bucket, "loose.txt") == b"loose"
    head = rclone_store.head_object(rclone_bucket, "album/big photo #1.jpg")
    assert head is not None
    assert head.content_type == "image/jpeg"
    # A copy leaves the originals, and nothing behind in the relay folder.
    assert {e.key for e in moto_store.iter_objects(moto_bucket, "")} == {
        "album/big photo #1.jpg",
        "album/notes.txt",
        "loose.txt",
    }


def test_cut_and_paste_into_another_account_deletes_the_originals_only_after_the_copies(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    rclone_account: Account, rclone_store: S3Store, rclone_bucket: str,
    open_account: Callable[[App, Account], None], qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto(["docs/a.md", "docs/b.md"])
    select(app, "docs/")
    edit_actions(app).cut_action.trigger()
    open_account(app, rclone_account)
    app.window.navigate(Place(rclone_account.id, rclone_bucket, ""))
    wait_listed(qtbot, app)
    edit_actions(app).paste_action.trigger()
    wait_done(qtbot, app, 2)
    assert {e.key for e in rclone_store.iter_objects(rclone_bucket, "")} == {"docs/a.md", "docs/b.md"}
    assert {e.key for e in moto_store.iter_objects(moto_bucket, "")} == set()
