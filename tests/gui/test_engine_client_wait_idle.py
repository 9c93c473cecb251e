"""EngineClient.wait_idle: waits for the queue to empty without copying it out of the child."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from tests.gui.test_planning_without_waiting import slowed_engine
from tests.gui.test_transfers_window import drop, keys_in


def test_wait_idle_waits_for_the_upload_and_asks_only_for_a_count(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    tmp_path: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto([])
    engine = slowed_engine(app)  # the upload of 256 KiB is still running when wait_idle first looks
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"p" * 256 * 1024)
    drop(app, [photo])
    # Handed to the child (the plan is mirrored before, on the GUI thread).
    qtbot.waitUntil(lambda: len(app.transfers.queued_targets()) == 1 and not app.runner.busy, timeout=30_000)
    calls: list[str] = []
    real = engine._call

    def call(method: str, *args: Any) -> Any:
        calls.append(method)
        return real(method, *args)

    engine._call = call  # type: ignore[method-assign]

    assert not engine.wait_idle(0.2)  # still uploading: it gives up at the deadline
    assert "photo.jpg" not in keys_in(moto_store, moto_bucket)
    engine.apply_settings(replace(engine.settings, bandwidth_limit=0))
    assert engine.wait_idle(30)
    assert keys_in(moto_store, moto_bucket) == {"photo.jpg"}
    assert set(calls) == {"active_count", "apply_settings"}  # never a copy of every transfer
