"""Planning a drop never waits on the transfer process, and still sees what the queue holds."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.conflicts import ConflictPolicy
from spacesgui.core.transfers import TransferState
from spacesgui.services.engine_client import EngineClient
from tests.gui.test_transfers_window import drop, keys_in


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
    engine = app.transfers.engine
    assert isinstance(engine, EngineClient)
    # 1 KiB/s: the first upload of 64 KiB stays unfinished while the second drop is planned.
    engine.apply_settings(replace(engine.settings, bandwidth_limit=1024))
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
