"""Renaming a folder of 2,500 keys in place: every key, over many listing pages, keeps its
metadata and its public access (issue 8)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.operations import ALL_USERS
from spacesgui.core.transfers import TransferState
from tests.fault_proxy import FaultProxy, Match
from tests.gui.bulk_helpers import (
    SEED_THREADS,
    answer,
    edit_actions,
    keys_in,
    open_through_proxy,
    seed,
    wait_all_finished,
)
from tests.gui.operations_helpers import row_of, select

KEYS = 2500  # as the issue asks: planning must page past what one ListObjects answer holds
PAGE = 250  # the proxy's page size: the folder takes 10 pages to list


def headers_and_access(store: S3Store, bucket: str, key: str) -> tuple[str, str, dict[str, str], bool]:
    head = store.client.head_object(Bucket=bucket, Key=key)
    grants = store.client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    public = any(g["Grantee"].get("URI") == ALL_USERS and g["Permission"] == "READ" for g in grants)
    return head["ContentType"], head.get("CacheControl", ""), head["Metadata"], public


@pytest.mark.slow
@pytest.mark.timeout(1800)  # heavy, and a loaded machine may take many times longer
def test_renaming_a_folder_of_2500_keys_moves_every_key_with_its_metadata_and_public_access(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    names = [f"{i:04d}.jpg" for i in range(KEYS)]
    seed(
        moto_store, moto_bucket, {f"album/{n}": n.encode() for n in names}, ACL="public-read",
        ContentType="image/jpeg", CacheControl="max-age=600", Metadata={"camera": "x100", "album": "summer"},
    )  # fmt: skip
    seed(moto_store, moto_bucket, {"album-notes.txt": b"not in the folder"})
    app, _account = open_through_proxy(
        qtbot, build_window, open_account, moto_account, fault_proxy, moto_bucket
    )
    fault_proxy.cap_page_size(PAGE)

    select(app, "album/")
    edit_actions(app).rename_action.trigger()  # F2: the name becomes an editor in place
    editor = app.window.object_view.findChild(QLineEdit)
    assert editor is not None
    assert editor.text() == "album"
    editor.setText("summer 2024")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # S3 has no rename: a folder this big is copied object by object, and the user is told first.
    question = answer(qtbot, edit_actions(app), "Rename")
    assert question.text() == "Rename “album” to “summer 2024”?"
    assert "each of the 2,500 objects, " in question.informativeText()
    wait_all_finished(qtbot, app, KEYS, timeout_s=1500)

    transfers = app.transfers.engine.transfers()
    assert [(t.key, t.state, t.error) for t in transfers if t.state != TransferState.DONE] == []
    assert all("compared" in t.verified for t in transfers)  # each copy checked before its source went
    assert keys_in(moto_store, moto_bucket) == {f"summer 2024/{n}" for n in names} | {"album-notes.txt"}
    listings = [
        r for r in fault_proxy.requests
        if Match.list_objects_v2(moto_bucket).matches(r) and r.query.get("prefix") == ["album/"]
    ]  # fmt: skip
    assert len(listings) >= KEYS // PAGE  # planned over every page, not the first 1,000 keys
    with ThreadPoolExecutor(SEED_THREADS, thread_name_prefix="check") as pool:
        found = list(
            pool.map(lambda n: headers_and_access(moto_store, moto_bucket, f"summer 2024/{n}"), names)
        )
    wanted = ("image/jpeg", "max-age=600", {"camera": "x100", "album": "summer"}, True)
    wrong = [(n, got) for n, got in zip(names, found, strict=True) if got != wanted]
    assert not wrong, wrong[:3]
    body = moto_store.client.get_object(Bucket=moto_bucket, Key="summer 2024/1111.jpg")["Body"].read()
    assert body == b"1111.jpg"
    qtbot.waitUntil(lambda: row_of(app, "summer 2024/") >= 0 and row_of(app, "album/") < 0, timeout=30_000)
