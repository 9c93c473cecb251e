"""Show Versions on moto: two versions and a delete marker, undelete, restore, download, delete (issue 12, item 5)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.activity import ActivityAction
from spacesgui.core.versions import ObjectVersion
from spacesgui.ui.versions.versions_window import VersionsWindow
from tests.gui.operations_helpers import row_of
from tests.gui.test_activity_log import wait_row
from tests.gui.test_object_operations import click_in_box, edit_actions, select, wait_done

Browse = Callable[[Iterable[str]], App]


def versioned(store: S3Store, bucket: str) -> None:
    store.client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})


def kinds(window: VersionsWindow) -> list[tuple[str, str]]:
    return [(v.key, v.kind) for v in window.model.versions()]


def wait_loaded(qtbot: QtBot, window: VersionsWindow, count: int) -> None:
    qtbot.waitUntil(lambda: not window.loading and window.model.rowCount() == count, timeout=30_000)


def server_versions(store: S3Store, bucket: str) -> set[str]:
    response = store.client.list_object_versions(Bucket=bucket)
    return {v["VersionId"] for v in [*response.get("Versions", []), *response.get("DeleteMarkers", [])]}


def pick(window: VersionsWindow, test: Callable[[ObjectVersion], bool]) -> ObjectVersion:
    version = next(v for v in window.model.versions() if test(v))
    window.select(version)
    return version


def confirm(qtbot: QtBot, window: VersionsWindow, verb: str) -> None:
    qtbot.waitUntil(lambda: window.last_box is not None and window.last_box.isVisible(), timeout=10_000)
    assert window.last_box is not None
    next(b for b in window.last_box.buttons() if b.text() == verb).click()


def test_versions_round_trip_two_versions_a_delete_marker_undelete_restore_download_and_delete(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, moto_account: Account,
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    versioned(moto_store, moto_bucket)
    moto_store.client.put_object(Bucket=moto_bucket, Key="a.txt", Body=b"one")
    moto_store.client.put_object(Bucket=moto_bucket, Key="a.txt", Body=b"two")
    moto_store.client.put_object(Bucket=moto_bucket, Key="a.txt.bak", Body=b"other file")
    app = browse_moto([])
    qtbot.waitUntil(lambda: row_of(app, "a.txt") >= 0, timeout=10_000)
    select(app, "a.txt")
    app.window.versions.update_enabled()
    assert app.window.versions.action.isEnabled()
    app.window.versions.action.trigger()
    window = app.window.versions.windows[(moto_account.id, moto_bucket, "a.txt")]
    assert window.objectName() == "versionsWindow"
    wait_loaded(qtbot, window, 2)  # a.txt.bak shares the prefix but is another file
    assert kinds(window) == [("a.txt", "Current version"), ("a.txt", "Older version")]

    # Delete in the browser: the versioned Space keeps the bytes behind a delete marker.
    edit_actions(app).delete_action.trigger()
    click_in_box(qtbot, edit_actions(app), "Delete")
    wait_done(qtbot, app, 1)
    qtbot.waitUntil(lambda: row_of(app, "a.txt") < 0, timeout=10_000)
    window.reload()
    wait_loaded(qtbot, window, 3)
    assert kinds(window)[0] == ("a.txt", "Delete marker (current)")
    assert "2 versions and 1 delete marker" in window.status.text()

    marker = pick(window, lambda v: v.delete_marker)
    assert window.delete_button.isEnabled()
    assert not window.restore_button.isEnabled()  # a marker has no bytes
    window.delete_button.click()
    confirm(qtbot, window, "Delete Marker")
    wait_loaded(qtbot, window, 2)
    assert marker.version_id not in server_versions(moto_store, moto_bucket)
    assert moto_store.client.get_object(Bucket=moto_bucket, Key="a.txt")["Body"].read() == b"two"
    qtbot.waitUntil(lambda: row_of(app, "a.txt") >= 0, timeout=10_000)  # listed again: undeleted
    wait_row(qtbot, app, ActivityAction.DELETE_VERSION, "a.txt")

    older = pick(window, lambda v: not v.is_latest)
    assert older.size == 3
    assert window.restore_button.isEnabled()
    window.restore_button.click()
    wait_loaded(qtbot, window, 3)
    assert moto_store.client.get_object(Bucket=moto_bucket, Key="a.txt")["Body"].read() == b"one"
    assert window.status.text().startswith("Restored")
    assert wait_row(qtbot, app, ActivityAction.RESTORE_VERSION, "a.txt")[5] == f"version {older.version_id}"

    saved = tmp_path / "saved" / "a (two).txt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(saved), "")))
    two = pick(window, lambda v: v.etag == hashlib.md5(b"two").hexdigest())
    window.download_button.click()
    qtbot.waitUntil(lambda: saved.exists(), timeout=30_000)
    assert saved.read_bytes() == b"two"
    assert not Path(str(saved) + ".part").exists()

    window.select(two)
    window.delete_button.click()
    confirm(qtbot, window, "Delete Version")
    wait_loaded(qtbot, window, 2)
    assert two.version_id not in server_versions(moto_store, moto_bucket)


def test_versions_are_listed_page_by_page_with_both_markers(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, moto_account: Account, qtbot: QtBot
) -> None:
    versioned(moto_store, moto_bucket)
    for n in range(5):
        moto_store.client.put_object(Bucket=moto_bucket, Key=f"docs/{n % 2}.txt", Body=str(n).encode())
    moto_store.client.delete_object(Bucket=moto_bucket, Key="docs/0.txt")
    app = browse_moto(["other/x.txt"])
    service = app.window.versions._service
    service.page_size = 2  # 6 entries in 3 pages: KeyMarker and VersionIdMarker carry on
    window = app.window.versions.open(moto_account.id, moto_bucket, "docs/")
    wait_loaded(qtbot, window, 6)
    assert kinds(window) == [
        ("docs/0.txt", "Delete marker (current)"),
        ("docs/0.txt", "Older version"),
        ("docs/0.txt", "Older version"),
        ("docs/0.txt", "Older version"),
        ("docs/1.txt", "Current version"),
        ("docs/1.txt", "Older version"),
    ]
    assert len({v.version_id for v in window.model.versions()}) == 6


def test_a_space_without_versioning_says_so(
    browse_moto: Browse, moto_bucket: str, moto_account: Account, qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt"])
    window = app.window.versions.open(moto_account.id, moto_bucket, "a.txt")
    wait_loaded(qtbot, window, 1)  # unversioned: the one copy, with the version id "null"
    assert window.model.versions()[0].version_id == "null"
    assert not window.restore_button.isEnabled()
