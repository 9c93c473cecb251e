"""Make Public and Make Private, recursive through the queue, checked by anonymous reads (issue 9, item 2)."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.transfers import Direction, TransferState
from spacesgui.qtmodels.transfer_model import TransferColumn
from spacesgui.ui.operations.access_actions import AccessActions
from tests.gui.test_object_operations import select, wait_done
from tests.gui.test_transfer_panel import cell, dock_of, top_rows

FOLDER_KEYS = 1200  # over 1,000: the folder takes more than one listing page


def access_actions(app: App) -> AccessActions:
    actions = app.window.access_actions
    assert actions is not None
    return actions


def anonymous_status(endpoint: str, bucket: str, key: str) -> int:
    """The HTTP status of a GET without any keys (what anyone on the internet gets)."""
    url = f"{endpoint}/{bucket}/{urllib.request.quote(key)}"
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def seed(store: S3Store, bucket: str, keys: list[str]) -> None:
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda k: store.client.put_object(Bucket=bucket, Key=k, Body=b"x"), keys))


@pytest.mark.timeout(1800)  # thousands of requests to moto on a loaded machine: no speed assumed
def test_making_a_folder_of_1200_files_public_then_private_changes_what_anyone_can_read(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, moto_endpoint: str,
    qtbot: QtBot,
) -> None:  # fmt: skip
    keys = [f"site/page-{i:04d}.html" for i in range(FOLDER_KEYS)]
    seed(moto_store, moto_bucket, keys)
    app = browse_moto(["other.txt"])
    sample = [keys[0], keys[1111], keys[-1]]
    assert {anonymous_status(moto_endpoint, moto_bucket, k) for k in sample} == {403}
    select(app, "site/")
    access_actions(app).make_public_action.trigger()
    actions = access_actions(app)
    qtbot.waitUntil(lambda: actions.last_box is not None and actions.last_box.isVisible(), timeout=20_000)
    box = actions.last_box
    assert isinstance(box, QMessageBox)
    assert box.text() == f"Make 1 folder ({FOLDER_KEYS:,} files) public?"
    # S3 keeps access per file: the next files put there are not public (a new-user pass).
    assert "files put there later are private, as this account uploads them" in box.informativeText()
    next(b for b in box.buttons() if b.text() == "Make Public").click()
    wait_done(qtbot, app, FOLDER_KEYS, timeout_s=900)
    transfers = app.transfers.engine.transfers()
    assert {(t.direction, t.state) for t in transfers} == {(Direction.ACCESS, TransferState.DONE)}
    qtbot.waitUntil(lambda: len(top_rows(dock_of(app))) == 1, timeout=30_000)
    assert cell(top_rows(dock_of(app))[0], TransferColumn.DIRECTION) == "Make public"  # not "Access"
    with ThreadPoolExecutor(16) as pool:
        statuses = set(pool.map(lambda k: anonymous_status(moto_endpoint, moto_bucket, k), keys))
    assert statuses == {200}  # every file of the folder, read without keys
    assert anonymous_status(moto_endpoint, moto_bucket, "other.txt") == 403  # and nothing else

    app.transfers.remove_finished([t.id for t in app.transfers.engine.transfers()])
    select(app, "site/")
    actions.make_private_action.trigger()  # no question: nothing is exposed by it
    wait_done(qtbot, app, FOLDER_KEYS, timeout_s=900)
    assert {anonymous_status(moto_endpoint, moto_bucket, k) for k in sample} == {403}


def test_a_folder_marker_is_not_counted_as_a_file_and_an_empty_folder_has_nothing_to_change(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """Before, an empty folder asked "Make 1 folder (1 file) public?" about its own marker."""
    app = browse_moto(["empty/", "docs/", "docs/a.txt", "docs/b.txt"])
    actions = access_actions(app)
    select(app, "empty/")
    actions.make_public_action.trigger()
    qtbot.waitUntil(lambda: "hold no files" in app.window.banner.text(), timeout=20_000)
    assert actions.last_box is None
    select(app, "docs/")
    actions.make_public_action.trigger()
    qtbot.waitUntil(lambda: actions.last_box is not None and actions.last_box.isVisible(), timeout=20_000)
    box = actions.last_box
    assert isinstance(box, QMessageBox)
    assert box.text() == "Make 1 folder (2 files) public?"
    box.reject()
