"""Planning a drop never waits on the transfer process, and still sees what the queue holds."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.conflicts import ConflictPolicy
from spacesgui.core.transfers import TransferState
from spacesgui.services.engine_client import EngineClient
from tests.gui.test_transfers_window import drop, keys_in


def slowed_engine(app: App) -> EngineClient:
    """`app`'s transfer process, at 1 KiB/s: what is dropped stays unfinished while a test looks."""
    engine = app.transfers.engine
    assert isinstance(engine, EngineClient)
    engine.apply_settings(replace(engine.settings, bandwidth_limit=1024))
    return engine


def record_gui_thread_calls(engine: EngineClient) -> list[str]:
    """Every request/reply call the GUI thread makes to the engine process from now on."""
    calls: list[str] = []
    real = engine._call

    def call(method: str, *args: Any) -> Any:
        if threading.current_thread() is threading.main_thread():
            calls.append(method)
        return real(method, *args)

    engine._call = call  # type: ignore[method-assign]
    return calls


def test_a_drop_onto_a_key_still_queued_asks_without_the_gui_thread_waiting_on_the_engine(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    tmp_path: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto([])
    engine = slowed_engine(app)  # the first upload of 64 KiB stays unfinished while the second is planned
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"p" * 64 * 1024)
    drop(app, [photo])
    qtbot.waitUntil(lambda: len(app.transfers.queued_targets()) == 1, timeout=30_000)
    calls = record_gui_thread_calls(engine)

    drop(app, [photo])
    asker = app.window.transfer_actions.ask_conflict  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: asker.last_dialog is not None and asker.last_dialog.isVisible(), timeout=30_000)
    assert asker.last_dialog is not None
    asker.last_dialog.findChild(QPushButton, f"conflict-{ConflictPolicy.RENAME.value}").click()
    qtbot.waitUntil(lambda: len(app.transfers.queued_targets()) == 2 and not app.runner.busy, timeout=30_000)
    assert calls == []  # planning, the conflict and queueing: no synchronous call from the GUI thread
    assert len(engine.transfers()) == 2

    engine.apply_settings(replace(engine.settings, bandwidth_limit=0))

    def both_done() -> None:
        assert [t.state for t in engine.transfers()] == [TransferState.DONE] * 2

    qtbot.waitUntil(both_done, timeout=60_000)
    assert keys_in(moto_store, moto_bucket) == {"photo.jpg", "photo (1).jpg"}
    qtbot.waitUntil(lambda: app.transfers.queued_targets() == {}, timeout=30_000)


def test_a_name_waiting_in_the_queue_is_said_to_be_queued_not_to_exist_and_compared_by_content(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    tmp_path: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    # Before: "“portfolio.jpg” already exists at s3://…" while the first upload was at 0% and
    # nothing was in the Space; with Skip the default, a user took a copy to be safe there.
    app = browse_moto([])
    engine = slowed_engine(app)  # the first stays queued
    first, second, same = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for folder in (first, second, same):
        folder.mkdir()
    (first / "portfolio.jpg").write_bytes(b"a" * 64 * 1024)
    (second / "portfolio.jpg").write_bytes(b"b" * 64 * 1024)  # the same size, other bytes
    (same / "portfolio.jpg").write_bytes(b"b" * 64 * 1024)  # the same bytes as the second
    drop(app, [first / "portfolio.jpg"])
    qtbot.waitUntil(lambda: len(app.transfers.queued_targets()) == 1, timeout=30_000)

    drop(app, [second / "portfolio.jpg"])
    asker = app.window.transfer_actions.ask_conflict  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: asker.last_dialog is not None and asker.last_dialog.isVisible(), timeout=30_000)
    dialog = asker.last_dialog
    assert dialog is not None
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert dialog.windowTitle() == "Already in the queue"
    assert "already exists" not in text
    assert "is waiting in the transfer queue" in text
    assert f"the upload of {first / 'portfolio.jpg'}" in text  # which file holds the name
    assert str(second / "portfolio.jpg") in text
    assert keys_in(moto_store, moto_bucket) == set()  # as the question says: nothing there yet
    # "Only if different" compares the bytes of the file queued: these differ, so it goes.
    dialog.findChild(QPushButton, f"conflict-{ConflictPolicy.OVERWRITE_IF_DIFFERENT.value}").click()
    qtbot.waitUntil(lambda: len(engine.transfers()) == 2 and not app.runner.busy, timeout=30_000)

    drop(app, [same / "portfolio.jpg"])
    qtbot.waitUntil(lambda: asker.last_dialog is not dialog and asker.last_dialog is not None, timeout=30_000)
    again = asker.last_dialog
    assert again is not None
    qtbot.waitUntil(again.isVisible, timeout=30_000)
    again.findChild(QPushButton, f"conflict-{ConflictPolicy.OVERWRITE_IF_DIFFERENT.value}").click()
    qtbot.waitUntil(lambda: len(engine.transfers()) == 3 and not app.runner.busy, timeout=30_000)
    skipped = [
        (Path(t.local_path).parent.name, t.error)
        for t in engine.transfers()
        if t.state == TransferState.SKIPPED
    ]
    # b's bytes differed from a's, so it went; c's are b's, the last queued: what will be there.
    assert skipped == [("c", "Skipped: identical to one already in the queue")]
    engine.apply_settings(replace(engine.settings, bandwidth_limit=0))


def test_a_queued_file_changed_since_is_not_taken_as_what_will_be_there(
    browse_moto: Callable[[Iterable[str]], App], tmp_path: Path, qtbot: QtBot
) -> None:
    # The review: the queued upload's file was hashed as it is now; changed in place since,
    # it matched the new drop, which was skipped as identical, and the queued one then
    # failed (changed since queued): nothing went up.
    app = browse_moto([])
    engine = slowed_engine(app)
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "disk.img").write_bytes(b"1" * 64 * 1024)
    drop(app, [first / "disk.img"])
    qtbot.waitUntil(lambda: len(app.transfers.queued_targets()) == 1, timeout=30_000)
    (first / "disk.img").write_bytes(b"2" * 64 * 1024)  # edited in place, the same size
    stat = (first / "disk.img").stat()
    os.utime(first / "disk.img", ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    (second / "disk.img").write_bytes(b"2" * 64 * 1024)  # the bytes the queued file has now
    drop(app, [second / "disk.img"])
    asker = app.window.transfer_actions.ask_conflict  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: asker.last_dialog is not None and asker.last_dialog.isVisible(), timeout=30_000)
    assert asker.last_dialog is not None
    asker.last_dialog.findChild(
        QPushButton, f"conflict-{ConflictPolicy.OVERWRITE_IF_DIFFERENT.value}"
    ).click()
    qtbot.waitUntil(lambda: len(engine.transfers()) == 2 and not app.runner.busy, timeout=30_000)
    second_row = next(t for t in engine.transfers() if t.local_path == str(second / "disk.img"))
    assert second_row.state != TransferState.SKIPPED, second_row.error
    engine.apply_settings(replace(engine.settings, bandwidth_limit=0))
