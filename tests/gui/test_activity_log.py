"""Window → Activity: every change made through the window or the services leaves a row (issue 12, item 6)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Coroutine, Iterable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pytestqt.qtbot import QtBot

from spacesgui.adapters.activity_log import SqliteActivityLog
from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.activity import ActivityAction, ActivityResult
from spacesgui.core.bucket_settings import LoggingConfig, VersioningState
from spacesgui.core.cors import CorsRule
from spacesgui.core.errors import SpacesError
from spacesgui.core.history import Place
from spacesgui.core.lifecycle import LifecycleRule
from spacesgui.qtmodels.activity_model import ActivityColumn
from spacesgui.services.access_service import AccessService
from spacesgui.services.cors_service import CorsService
from spacesgui.services.object_service import ObjectService
from spacesgui.services.space_settings_service import SpaceSettingsService
from spacesgui.ui.activity.activity_window import ActivityWindow
from tests.conftest import TEST_SECRET_KEY
from tests.gui.conftest import wait_listed
from tests.gui.operations_helpers import row_of
from tests.gui.test_object_operations import click_in_box, edit_actions, keys_in, select, wait_done

Browse = Callable[[Iterable[str]], App]
T = TypeVar("T")
Row = tuple[str, str, str, str, str, str]  # account, Space, target, action, result, message


def activity(app: App) -> ActivityWindow:
    window = app.window.activity.open()
    assert window.objectName() == "activityLog"
    return window


def rows(app: App) -> list[Row]:
    """What the activityLog table shows, top (newest) first, less the time."""
    model = activity(app).table.model()
    columns = (ActivityColumn.ACCOUNT, ActivityColumn.SPACE, ActivityColumn.TARGET, ActivityColumn.ACTION,
               ActivityColumn.RESULT, ActivityColumn.MESSAGE)  # fmt: skip
    return [
        tuple(str(model.index(r, c).data()) for c in columns)  # type: ignore[misc]
        for r in range(model.rowCount())
    ]


def wait_row(qtbot: QtBot, app: App, action: ActivityAction, target: str, result: str = "OK") -> Row:
    """Wait for a row of `action` on `target` with `result`; return it."""
    found: list[Row] = []

    def shown() -> None:
        found[:] = [r for r in rows(app) if r[3] == action.value and r[2] == target and r[4] == result]
        assert found, rows(app)

    qtbot.waitUntil(shown, timeout=30_000)
    return found[0]


def run(qtbot: QtBot, app: App, coro: Coroutine[Any, Any, T]) -> T:
    """Run a service coroutine on the app's loop and wait for it; its error is raised here."""

    async def caught() -> T | SpacesError:
        try:
            return await coro
        except SpacesError as error:  # raised below, in the test, not logged as a crashed task
            return error

    task = app.runner.spawn(caught())
    qtbot.waitUntil(task.done, timeout=30_000)
    result = task.result()
    if isinstance(result, SpacesError):
        raise result
    return result


def no_secret_anywhere(app: App, tmp_path: Path) -> None:
    for row in rows(app):
        assert all(TEST_SECRET_KEY not in cell for cell in row), row
    app.accounts.activity.close()  # written through
    db = tmp_path / "activity.sqlite3"
    assert db.exists()
    for entry in SqliteActivityLog(db).recent(10_000):
        assert TEST_SECRET_KEY not in repr(entry)


def test_uploading_downloading_renaming_and_deleting_in_the_window_each_leave_a_row(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, moto_account: Account,
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from PySide6.QtWidgets import QFileDialog

    app = browse_moto(["old.txt"])
    window = activity(app)  # open before the changes: rows arrive while it is open
    local = tmp_path / 'notes, "draft".txt'
    local.write_bytes(b"hello")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *_a, **_k: ([str(local)], "")))
    transfers = app.window.transfer_actions
    assert transfers is not None
    transfers.upload_files_action.trigger()
    wait_done(qtbot, app, 1)
    assert keys_in(moto_store, moto_bucket) == {"old.txt", local.name}
    row = wait_row(qtbot, app, ActivityAction.UPLOAD, local.name)
    assert row[:2] == (moto_account.name, moto_bucket)

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    app.transfers.set_download_folder(str(downloads))
    select(app, "old.txt")
    transfers.download_action.trigger()
    wait_done(qtbot, app, 2)
    assert (downloads / "old.txt").read_bytes() == b"1"
    wait_row(qtbot, app, ActivityAction.DOWNLOAD, f"old.txt → {downloads / 'old.txt'}")

    edit_actions(app).rename("old.txt", "new.txt")
    wait_done(qtbot, app, 3)
    wait_row(qtbot, app, ActivityAction.RENAME, "old.txt → new.txt")

    qtbot.waitUntil(lambda: row_of(app, "new.txt") >= 0, timeout=10_000)
    select(app, "new.txt")
    edit_actions(app).delete_action.trigger()
    click_in_box(qtbot, edit_actions(app), "Delete")
    wait_done(qtbot, app, 4)
    assert keys_in(moto_store, moto_bucket) == {local.name}
    wait_row(qtbot, app, ActivityAction.DELETE, "new.txt")
    assert window.isVisible()
    assert len(rows(app)) >= 4
    no_secret_anywhere(app, tmp_path)


def test_copying_and_moving_by_paste_leave_copy_and_move_rows(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt", "b.txt", "target/x.txt"])
    select(app, "a.txt")
    edit_actions(app).copy_action.trigger()
    app.window.open_folder("target/")
    wait_listed(qtbot, app)
    edit_actions(app).paste_action.trigger()
    wait_done(qtbot, app, 1)
    wait_row(qtbot, app, ActivityAction.COPY, "a.txt → target/a.txt")
    app.window.go_up()
    wait_listed(qtbot, app)
    qtbot.waitUntil(lambda: row_of(app, "b.txt") >= 0, timeout=10_000)
    select(app, "b.txt")
    edit_actions(app).cut_action.trigger()
    app.window.open_folder("target/")
    wait_listed(qtbot, app)
    edit_actions(app).paste_action.trigger()
    wait_done(qtbot, app, 2)
    assert keys_in(moto_store, moto_bucket) == {"a.txt", "target/a.txt", "target/b.txt", "target/x.txt"}
    wait_row(qtbot, app, ActivityAction.MOVE, "b.txt → target/b.txt")


def test_space_settings_cors_and_permissions_writes_are_recorded_and_a_refused_one_with_its_reason(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, moto_account: Account, qtbot: QtBot
) -> None:
    app = browse_moto(["pic.png"])
    account = moto_account.id
    settings = SpaceSettingsService(app.runner, app.accounts)
    cors = CorsService(app.runner, app.accounts)
    access = AccessService(app.runner, app.accounts)
    objects = ObjectService(app.runner, app.accounts)

    run(qtbot, app, settings.set_versioning(account, moto_bucket, VersioningState.ENABLED))
    assert moto_store.client.get_bucket_versioning(Bucket=moto_bucket)["Status"] == "Enabled"
    assert wait_row(qtbot, app, ActivityAction.VERSIONING, moto_bucket)[5] == "Enabled"

    run(
        qtbot,
        app,
        settings.set_lifecycle(account, moto_bucket, [LifecycleRule(prefix="tmp/", expire_days=3)]),
    )
    assert wait_row(qtbot, app, ActivityAction.LIFECYCLE, moto_bucket)[5] == "1 rule"

    policy = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", '
        f'"Action": "s3:GetObject", "Resource": "arn:aws:s3:::{moto_bucket}/public/*"}}]}}'
    )
    run(qtbot, app, settings.set_policy(account, moto_bucket, policy))
    assert moto_bucket in moto_store.client.get_bucket_policy(Bucket=moto_bucket)["Policy"]
    wait_row(qtbot, app, ActivityAction.POLICY, moto_bucket)
    with pytest.raises(SpacesError):
        run(qtbot, app, settings.set_policy(account, moto_bucket, "{not json"))
    failed = wait_row(qtbot, app, ActivityAction.POLICY, moto_bucket, "Failed")
    assert failed[5].startswith("Line 1, column 2")

    other = f"{moto_bucket[:50]}-nolog"
    moto_store.client.create_bucket(Bucket=other)  # no log-delivery grant: the server refuses
    with pytest.raises(SpacesError):
        run(qtbot, app, settings.set_logging(account, moto_bucket, LoggingConfig(other, "x/")))
    refused = wait_row(qtbot, app, ActivityAction.LOGGING, moto_bucket, "Failed")
    assert "will not write logs" in refused[5]
    run(qtbot, app, settings.set_logging(account, moto_bucket, LoggingConfig()))
    assert wait_row(qtbot, app, ActivityAction.LOGGING, moto_bucket)[5] == "off"

    rule = CorsRule(origins=("https://example.com",), methods=("GET",))
    run(qtbot, app, cors.apply(account, moto_bucket, [rule]))
    assert len(moto_store.client.get_bucket_cors(Bucket=moto_bucket)["CORSRules"]) == 1
    assert wait_row(qtbot, app, ActivityAction.CORS_APPLY, moto_bucket)[5] == "1 rule"
    run(qtbot, app, cors.delete(account, moto_bucket))
    wait_row(qtbot, app, ActivityAction.CORS_DELETE, moto_bucket)

    run(qtbot, app, access.set_object_canned(account, moto_bucket, "pic.png", "public-read"))
    assert wait_row(qtbot, app, ActivityAction.ACL, "pic.png")[5] == "made public-read"
    run(qtbot, app, access.set_listing_public(account, moto_bucket, True))
    assert wait_row(qtbot, app, ActivityAction.ACL, moto_bucket)[5] == "listing made public-read"

    run(qtbot, app, objects.create_folder(account, moto_bucket, "", "albums"))
    assert "albums/" in keys_in(moto_store, moto_bucket)
    wait_row(qtbot, app, ActivityAction.NEW_FOLDER, "albums")


def test_creating_and_deleting_a_space_are_recorded_and_a_refused_delete_says_why(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, moto_account: Account, qtbot: QtBot,
    unique_bucket: str,
) -> None:  # fmt: skip
    app = browse_moto([])
    new_name = "made-" + unique_bucket[:50]
    run(qtbot, app, app.browser.create_bucket(moto_account.id, new_name, ""))
    assert new_name in [b["Name"] for b in moto_store.client.list_buckets()["Buckets"]]
    wait_row(qtbot, app, ActivityAction.CREATE_SPACE, new_name)
    with pytest.raises(SpacesError):
        run(qtbot, app, app.browser.create_bucket(moto_account.id, "Bad_Name", ""))
    assert "capital" in wait_row(qtbot, app, ActivityAction.CREATE_SPACE, "Bad_Name", "Failed")[5]

    moto_store.client.put_object(Bucket=new_name, Key="left.txt", Body=b"1")
    with pytest.raises(SpacesError):
        run(qtbot, app, app.browser.delete_bucket(moto_account.id, new_name))
    refused = wait_row(qtbot, app, ActivityAction.DELETE_SPACE, new_name, "Failed")
    assert "still holds objects" in refused[5]
    moto_store.client.delete_object(Bucket=new_name, Key="left.txt")
    app.window.navigate(Place(moto_account.id, new_name, ""))
    wait_listed(qtbot, app)
    app.window.delete_space_action.trigger()
    deletion = app.window.space_deletion
    assert deletion is not None
    qtbot.waitUntil(lambda: deletion.last_box is not None and deletion.last_box.isVisible(), timeout=20_000)
    assert deletion.last_box is not None
    next(b for b in deletion.last_box.buttons() if b.text() == "Delete").click()
    wait_row(qtbot, app, ActivityAction.DELETE_SPACE, new_name)
    assert new_name not in [b["Name"] for b in moto_store.client.list_buckets()["Buckets"]]


def test_account_changes_are_recorded_without_their_secret_and_survive_a_restart(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], qtbot: QtBot,
    moto_account: Account, moto_bucket: str, tmp_path: Path, memory_keyring: Any,
) -> None:  # fmt: skip
    from PySide6.QtWidgets import QMessageBox

    app = build_window()
    open_account(app, moto_account)
    added = wait_row(qtbot, app, ActivityAction.ADD_ACCOUNT, moto_account.name)
    assert moto_account.access_key_id in added[5]
    with pytest.raises(SpacesError):
        app.accounts.add_account(moto_account.with_changes(id="other", access_key_id=""), TEST_SECRET_KEY)
    wait_row(qtbot, app, ActivityAction.ADD_ACCOUNT, moto_account.name, "Failed")
    app.accounts.add_account(moto_account.with_changes(name="Renamed"), TEST_SECRET_KEY)
    edited = wait_row(qtbot, app, ActivityAction.EDIT_ACCOUNT, "Renamed")
    assert "secret key replaced" in edited[5]
    assert f"renamed from “{moto_account.name}”" in edited[5]
    # A message that carries a secret (a server echoing a request, say) is kept without it.
    app.accounts.activity.record(
        moto_account.id, moto_bucket, "x", ActivityAction.DELETE, ActivityResult.FAILED,
        f"signature for {TEST_SECRET_KEY} with token dop_v1_{'ab12' * 16}",
    )  # fmt: skip
    leaked = wait_row(qtbot, app, ActivityAction.DELETE, "x", "Failed")
    assert leaked[5] == "signature for [redacted] with token [redacted]"

    app.window.account_panel.remove_requested.emit(moto_account.id)
    box = app.window.space_actions.last_dialog
    assert isinstance(box, QMessageBox)
    next(b for b in box.buttons() if b.text() == "Remove").click()
    wait_row(qtbot, app, ActivityAction.REMOVE_ACCOUNT, "Renamed")
    before = rows(app)
    no_secret_anywhere(app, tmp_path)

    again = build_window()  # the same settings folder: the record is read back, newest first
    qtbot.waitUntil(lambda: again.window.activity.open().loaded, timeout=30_000)
    assert rows(again) == before


def test_filters_narrow_the_rows_and_export_writes_the_rows_shown_as_quoted_csv(
    build_window: Callable[[], App], qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    app = build_window()
    record = app.accounts.activity.record
    record("a1", "photos", 'summer, "best".jpg', ActivityAction.UPLOAD, account_name="Work")
    record(
        "a1",
        "photos",
        "old.jpg",
        ActivityAction.DELETE,
        ActivityResult.FAILED,
        "Access denied",
        account_name="Work",
    )
    record("a2", "logs", "today.log", ActivityAction.DOWNLOAD, ActivityResult.CANCELLED, account_name="Home")
    window = activity(app)
    qtbot.waitUntil(lambda: window.loaded and len(rows(app)) == 3, timeout=30_000)
    assert [r[2] for r in rows(app)] == ["today.log", "old.jpg", 'summer, "best".jpg']  # newest first

    window.account_box.setCurrentIndex(window.account_box.findText("Work"))
    assert [r[2] for r in rows(app)] == ["old.jpg", 'summer, "best".jpg']
    window.result_box.setCurrentIndex(window.result_box.findText("Failed"))
    assert [r[2] for r in rows(app)] == ["old.jpg"]
    window.result_box.setCurrentIndex(0)
    window.action_box.setCurrentIndex(window.action_box.findText("Upload"))
    assert [r[2] for r in rows(app)] == ['summer, "best".jpg']
    window.action_box.setCurrentIndex(0)
    window.account_box.setCurrentIndex(0)
    window.search.setText("DENIED")
    assert [r[2] for r in rows(app)] == ["old.jpg"]
    assert window.count_label.text() == "1 of 3 entries"
    record(
        "a1", "photos", "new denied.jpg", ActivityAction.DELETE, ActivityResult.FAILED, account_name="Work"
    )
    record("a1", "photos", "unrelated.jpg", ActivityAction.UPLOAD, account_name="Work")
    assert [r[2] for r in rows(app)] == ["new denied.jpg", "old.jpg"]  # live rows pass the filter too
    window.search.setText("")

    target = tmp_path / "export.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), "")))
    window.action_box.setCurrentIndex(window.action_box.findText("Upload"))
    window.export_button.click()
    qtbot.waitUntil(lambda: "Exported 2 entries" in window.count_label.text(), timeout=30_000)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: spreadsheets read it as UTF-8
    assert b'"summer, ""best"".jpg"' in raw
    with target.open(encoding="utf-8-sig", newline="") as file:
        table = list(csv.reader(file))
    assert table[0] == ["Time (UTC)", "Account", "Space", "Target", "Action", "Result", "Message"]
    assert [row[1:] for row in table[1:]] == [
        ["Work", "photos", "unrelated.jpg", "Upload", "ok", ""],
        ["Work", "photos", 'summer, "best".jpg', "Upload", "ok", ""],
    ]
    assert all(row[0].endswith("Z") for row in table[1:])


def test_an_export_to_a_folder_that_cannot_be_written_says_so(
    build_window: Callable[[], App], qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    app = build_window()
    app.accounts.activity.record("a1", "photos", "a.jpg", ActivityAction.UPLOAD, account_name="Work")
    window = activity(app)
    target = tmp_path / "missing folder" / "export.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), "")))
    window.export_button.click()
    qtbot.waitUntil(lambda: "Could not write" in window.problem_label.text(), timeout=30_000)
    qtbot.waitUntil(lambda: "could not be written" in app.window.banner.text(), timeout=30_000)
    assert not target.exists()


def test_the_activity_model_passes_the_model_tester(
    build_window: Callable[[], App], qtbot: QtBot, qtmodeltester: Any
) -> None:
    app = build_window()
    window = activity(app)
    for n in range(5):
        app.accounts.activity.record("a", "s", f"k{n}", ActivityAction.UPLOAD, account_name="A")
    qtbot.waitUntil(lambda: window.model.rowCount() >= 5, timeout=10_000)
    everything = window.model.rowCount()
    window.search.setText("k3")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10_000)  # the search narrows it
    window.search.setText("")
    qtbot.waitUntil(lambda: window.model.rowCount() == everything, timeout=10_000)  # and widens again
    qtmodeltester.check(window.model, force_py=True)  # raises on a broken model


def test_a_transfer_is_recorded_once_when_it_ends_and_the_journals_old_ones_not_again() -> None:
    from spacesgui.core.transfers import Direction, Transfer, TransferState
    from spacesgui.services.activity_service import ActivityService, TransferActivity

    service = ActivityService()
    seen: list[str] = []
    service.entries_added.connect(
        lambda entries: seen.extend(f"{e.target}:{e.result.value}" for e in entries)
    )
    feed = TransferActivity(service, clock=lambda: 100.0)
    old_done = Transfer(Direction.UPLOAD, "a", "b", "old.txt", "", 1, state=TransferState.DONE, created=50.0)
    old_paused = Transfer(
        Direction.UPLOAD, "a", "b", "paused.txt", "", 1, state=TransferState.PAUSED, created=50.0
    )
    new = Transfer(Direction.UPLOAD, "a", "b", "new.txt", "", 1, state=TransferState.DONE, created=150.0)
    feed.on_transfers_changed([old_done, old_paused])  # the journal's history at start
    feed.on_transfers_changed([new, new])
    old_paused.state = TransferState.FAILED
    old_paused.error = "Disk full"
    feed.on_transfers_changed([old_paused])
    old_paused.state = TransferState.QUEUED  # Retry
    feed.on_transfers_changed([old_paused])
    old_paused.state = TransferState.DONE
    feed.on_transfers_changed([old_paused, old_done])
    assert seen == ["new.txt:ok", "paused.txt:failed", "paused.txt:ok"]
    service.close()


def test_window_activity_opens_the_one_activity_window(build_window: Callable[[], App], qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QMenu

    app = build_window()
    menu = app.window.menuBar().findChild(QMenu, "windowMenu")
    assert menu is not None
    action = next(a for a in menu.actions() if a.objectName() == "showActivityAction")
    action.trigger()
    window = app.window.findChild(ActivityWindow, "activityLog")
    assert window is not None
    qtbot.waitUntil(window.isVisible, timeout=10_000)
    window.close()
    action.trigger()
    assert app.window.findChildren(ActivityWindow) == [window]
    assert window.isVisible()


def test_a_transfer_the_server_refuses_is_recorded_as_failed_with_the_reason(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt"])
    select(app, "a.txt")
    edit_actions(app).delete_action.trigger()
    actions = edit_actions(app)
    qtbot.waitUntil(lambda: actions.last_box is not None and actions.last_box.isVisible(), timeout=20_000)
    moto_store.client.delete_object(Bucket=moto_bucket, Key="a.txt")  # the Space goes while the user reads
    moto_store.client.delete_bucket(Bucket=moto_bucket)
    click_in_box(qtbot, actions, "Delete")
    qtbot.waitUntil(lambda: any(t.state.finished for t in app.transfers.engine.transfers()), timeout=60_000)
    failed = wait_row(qtbot, app, ActivityAction.DELETE, "a.txt", "Failed")
    transfer = app.transfers.engine.transfers()[0]
    assert transfer.error
    assert failed[5] == transfer.error


def test_digitalocean_key_and_token_changes_are_recorded_without_the_token(
    build_window: Callable[[], App], qtbot: QtBot
) -> None:
    from spacesgui.core.do_api import KeyGrant, Permission
    from tests.fake_do_api import TOKEN, serve_fake_do_api

    with serve_fake_do_api() as api:
        app = build_window()
        assert app.window.cdn is not None
        service = app.window.cdn.service
        service.set_api_url(api.url)
        service.set_token(TOKEN)
        wait_row(qtbot, app, ActivityAction.API_TOKEN, "")
        created = run(qtbot, app, service.create_key("site deploy", [KeyGrant("site", Permission.READ)]))
        assert created.key.access_key in api.keys
        wait_row(qtbot, app, ActivityAction.CREATE_KEY, "site deploy")
        run(qtbot, app, service.rename_key(created.key.access_key, "deploy"))
        assert wait_row(qtbot, app, ActivityAction.RENAME_KEY, created.key.access_key)[5] == "named “deploy”"
        run(qtbot, app, service.delete_key(created.key.access_key))
        assert api.keys == {}
        row = wait_row(qtbot, app, ActivityAction.DELETE_KEY, created.key.access_key)
        assert row[0] == "DigitalOcean API"
        with pytest.raises(SpacesError):
            run(qtbot, app, service.delete_key("no-such-key"))
        wait_row(qtbot, app, ActivityAction.DELETE_KEY, "no-such-key", "Failed")
        assert all(TOKEN not in cell and created.secret_key not in cell for r in rows(app) for cell in r)


def test_every_action_word_shows_whole_in_its_column(build_window: Callable[[], App], qtbot: QtBot) -> None:
    """“Restore version” was cut to “Restore versi…” at 100 px (the new-user pass)."""
    app = build_window()
    window = activity(app)
    qtbot.waitUntil(window.isVisible, timeout=10_000)
    table = window.table
    room = table.horizontalHeader().sectionSize(ActivityColumn.ACTION) - 8  # the cell's own margins
    metrics = table.fontMetrics()
    assert [a.value for a in ActivityAction if metrics.horizontalAdvance(a.value) > room] == []
    window.close()
