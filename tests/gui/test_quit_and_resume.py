"""Quitting during transfers asks first; paused transfers come back with the progress they have,
and resume with the same keys given again (issue 7, item 5)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.history import Place
from spacesgui.core.transfer_settings import EngineSettings
from spacesgui.core.transfers import TransferState
from spacesgui.qtmodels.transfer_cells import TransferColumn
from tests.gui.test_transfers_window import drop, wait_transfers_done

MiB = 1024 * 1024
SLOW = EngineSettings(bandwidth_limit=1_500_000, part_size=5 * MiB, multipart_threshold=5 * MiB)


def open_space(app: App, qtbot: QtBot, account: Account, bucket: str, secret: str, *, persist: bool) -> None:
    app.accounts.add_account(account, secret, remember=persist, persist=persist)
    app.window.navigate(Place(account.id, bucket, ""))


def stored_parts(store: S3Store, bucket: str, key: str) -> list[int]:
    """Sizes of the parts the server holds for the open multipart upload of `key`."""
    uploads = [u for u in store.list_multipart_uploads(bucket) if u.key == key]
    if not uploads:
        return []
    return [p.size for p in store.list_parts(bucket, key, uploads[0].upload_id)]


def start_slow_upload(app: App, qtbot: QtBot, path: Path) -> None:
    app.transfers.engine.apply_settings(SLOW)
    drop(app, [path])
    qtbot.waitUntil(
        lambda: any(t.state == TransferState.RUNNING for t in app.transfers.engine.transfers()),
        timeout=15_000,
    )


def test_quitting_while_an_upload_runs_asks_and_cancel_keeps_it_running(
    browse_moto: Callable[[list[str]], App], qtbot: QtBot, tmp_path: Path
) -> None:
    (tmp_path / "big.bin").write_bytes(os.urandom(12 * MiB))
    app = browse_moto([])
    start_slow_upload(app, qtbot, tmp_path / "big.bin")
    app.window.quit_action.trigger()
    guard = app.window.quit_guard
    assert guard is not None
    qtbot.waitUntil(lambda: guard.last_box is not None and guard.last_box.isVisible(), timeout=10_000)
    assert guard.last_box is not None
    assert "1 transfer is still running" in guard.last_box.text()
    guard.last_box.reject()  # Cancel (Esc)
    assert app.window.isVisible()
    assert [t.state for t in app.transfers.engine.transfers()] in (
        [TransferState.RUNNING],
        [TransferState.QUEUED],
    )


def test_quit_when_done_quits_after_the_last_transfer_lands(
    browse_moto: Callable[[list[str]], App],
    moto_store: S3Store,
    moto_bucket: str,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    data = os.urandom(6 * MiB)
    (tmp_path / "big.bin").write_bytes(data)
    app = browse_moto([])
    start_slow_upload(app, qtbot, tmp_path / "big.bin")
    app.window.quit_action.trigger()
    guard = app.window.quit_guard
    assert guard is not None
    qtbot.waitUntil(lambda: guard.last_box is not None and guard.last_box.isVisible(), timeout=10_000)
    assert guard.last_box is not None
    button = guard.last_box.findChild(QPushButton, "quitWhenDone")
    assert button is not None
    button.click()
    assert app.window.isVisible()
    assert "quits when" in app.window.banner.text()
    qtbot.waitUntil(lambda: not app.window.isVisible(), timeout=60_000)
    body = moto_store.client.get_object(Bucket=moto_bucket, Key="big.bin")["Body"].read()
    assert body == data


def test_pause_and_quit_then_start_again_shows_the_parts_the_server_has_and_says_what_was_paused(
    build_window: Callable[[], App], moto_account: Account, moto_store: S3Store, moto_bucket: str,
    server_credentials, qtbot: QtBot, tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:  # fmt: skip
    data = os.urandom(16 * MiB)
    (tmp_path / "big.bin").write_bytes(data)
    first = build_window()
    open_space(first, qtbot, moto_account, moto_bucket, server_credentials.secret_access_key, persist=True)
    start_slow_upload(first, qtbot, tmp_path / "big.bin")
    qtbot.waitUntil(lambda: len(stored_parts(moto_store, moto_bucket, "big.bin")) >= 1, timeout=30_000)
    first.window.quit_action.trigger()
    guard = first.window.quit_guard
    assert guard is not None
    qtbot.waitUntil(lambda: guard.last_box is not None and guard.last_box.isVisible(), timeout=10_000)
    assert guard.last_box is not None
    button = guard.last_box.findChild(QPushButton, "pauseAndQuit")
    assert button is not None
    button.click()
    assert not first.window.isVisible()
    first.shutdown()
    parts = stored_parts(moto_store, moto_bucket, "big.bin")
    assert parts

    again = build_window()
    dock = again.window.transfer_actions.dock  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: dock.model.rowCount() == 1, timeout=10_000)
    (restored,) = again.transfers.engine.transfers()
    assert restored.state == TransferState.PAUSED
    # What the recorded parts on the server hold: not 0, and not bytes that were in flight.
    # (A part the server took just as the app stopped may be unrecorded: it is sent again.)
    sums = {sum(p for i, p in enumerate(parts) if mask >> i & 1) for mask in range(1, 1 << len(parts))}
    assert restored.bytes_done in sums
    # The bar may be below what it showed before the quit: the row says why (a new-user pass
    # took the drop for lost work).
    tip = dock.model.index(0, TransferColumn.STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert "The Space keeps whole parts only" in tip
    assert "sent again on Resume" in tip
    banner = again.window.banner
    qtbot.waitUntil(lambda: "from the last session is paused" in banner.text(), timeout=10_000)
    assert "“big.bin” (" in banner.text()
    assert "Resume it here" in banner.text()
    resume_all = banner.findChild(QPushButton, "messageAction")
    assert resume_all is not None
    assert resume_all.text() == "Resume All"
    assert resume_all.isVisible()
    # Taken up again from the Transfers panel's own Resume All, not the banner's: the banner
    # goes too, once nothing is paused (it stayed, telling of what was over).
    next(a for a in dock.actions() if a.objectName() == "resumeAll").trigger()
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=30_000)
    wait_transfers_done(qtbot, again, 1)
    assert moto_store.client.get_object(Bucket=moto_bucket, Key="big.bin")["Body"].read() == data


def test_command_line_transfers_resume_when_the_same_keys_are_given_again(
    build_window: Callable[[], App], moto_account: Account, moto_store: S3Store, moto_bucket: str,
    server_credentials, qtbot: QtBot, tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:  # fmt: skip
    data = os.urandom(12 * MiB)
    (tmp_path / "big.bin").write_bytes(data)
    secret = server_credentials.secret_access_key
    first = build_window()
    open_space(first, qtbot, moto_account, moto_bucket, secret, persist=False)  # as --endpoint-url does
    start_slow_upload(first, qtbot, tmp_path / "big.bin")
    qtbot.waitUntil(lambda: len(stored_parts(moto_store, moto_bucket, "big.bin")) >= 1, timeout=30_000)
    first.window.close()
    first.shutdown()

    again = build_window()  # started without the keys
    dock = again.window.transfer_actions.dock  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: dock.model.rowCount() == 1, timeout=10_000)
    (restored,) = again.transfers.engine.transfers()
    again.transfers.resume([restored.id])
    banner = again.window.banner
    qtbot.waitUntil(lambda: "needs the keys for" in banner.text(), timeout=10_000)
    assert moto_account.endpoint_url in banner.text()
    assert again.transfers.engine.transfers()[0].state == TransferState.PAUSED  # not failed

    # The same endpoint and keys given again (a new account id, as each command line makes).
    same_keys = Account(
        "again", moto_account.provider, moto_account.endpoint_url, moto_account.region,
        moto_account.access_key_id, moto_account.addressing,
    )  # fmt: skip
    assert same_keys.id != moto_account.id
    again.accounts.add_account(same_keys, secret, remember=False, persist=False)
    qtbot.waitUntil(lambda: again.transfers.engine.transfers()[0].account_id == same_keys.id, timeout=10_000)
    again.transfers.resume([restored.id])
    wait_transfers_done(qtbot, again, 1)
    assert again.transfers.engine.transfers()[0].state == TransferState.DONE
    assert moto_store.client.get_object(Bucket=moto_bucket, Key="big.bin")["Body"].read() == data
