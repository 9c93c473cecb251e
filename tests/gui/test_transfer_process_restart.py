"""The transfer process killed (as the system does when memory runs out): the window says so at
once, later actions say what to do, and Restart Transfers carries the upload to the server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.transfers import TransferState
from tests.fault_proxy import FaultProxy, Match
from tests.gui.bulk_helpers import open_through_proxy
from tests.gui.test_transfers_window import drop

BODY = b"sunset at belem\n" * 64


def banner_text(app: App) -> str:
    return app.window.banner.text()


def test_a_killed_transfer_process_is_shown_at_once_and_restart_finishes_the_upload(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot, tmp_path: Path,
) -> None:  # fmt: skip
    photo = tmp_path / "sunset.png"
    photo.write_bytes(BODY)
    app, _account = open_through_proxy(
        qtbot, build_window, open_account, moto_account, fault_proxy, moto_bucket
    )
    hold = fault_proxy.hold(Match.put_object(moto_bucket))
    drop(app, [photo])
    qtbot.waitUntil(lambda: hold.waiting >= 1, timeout=30_000)  # the upload is under way

    process = app.transfers.engine._process  # type: ignore[attr-defined]
    process.kill()  # SIGKILL, like the system's out-of-memory killer
    # No user action: the banner comes by itself, with a way out.
    qtbot.waitUntil(lambda: "stopped unexpectedly" in banner_text(app), timeout=30_000)
    button = app.window.banner.findChild(QPushButton, "messageAction")
    assert button is not None
    assert button.isVisible()
    assert button.text() == "Restart Transfers"
    model = app.window.transfer_actions.dock.model  # type: ignore[union-attr]
    (upload_id,) = model.all_ids()
    shown = model.transfer(upload_id)
    assert shown is not None
    assert shown.state == TransferState.PAUSED  # not "Running" forever
    dock = app.window.transfer_actions.dock  # type: ignore[union-attr]
    assert dock.summary == "Transfers: 1 paused"

    # A later action says what is wrong and what to do, not that the app is closing.
    app.window.banner.dismiss()
    app.transfers.pause([upload_id])
    qtbot.waitUntil(lambda: "Restart Transfers" in banner_text(app), timeout=30_000)
    assert "closing" not in banner_text(app)
    assert button.isVisible()

    # A drop while the process is down queues nothing, and leaves no row "Queued" behind.
    app.window.banner.dismiss()
    other = tmp_path / "more"
    other.mkdir()
    (other / "a.txt").write_bytes(b"a")
    drop(app, [other])
    qtbot.waitUntil(lambda: "not running" in banner_text(app), timeout=30_000)
    assert button.isVisible()
    assert model.all_ids() == [upload_id]

    since = len(fault_proxy.requests)
    hold.release()  # whatever the dead process had sent may go on; the restart must send again
    button.click()
    qtbot.waitUntil(
        lambda: (t := model.transfer(upload_id)) is not None and t.state == TransferState.DONE, timeout=60_000
    )
    sent_again = [r for r in fault_proxy.requests[since:] if Match.put_object(moto_bucket).matches(r)]
    assert [r.path for r in sent_again] == [f"/{moto_bucket}/sunset.png"]
    assert moto_store.client.get_object(Bucket=moto_bucket, Key="sunset.png")["Body"].read() == BODY
    assert "Transfers restarted" in banner_text(app)
