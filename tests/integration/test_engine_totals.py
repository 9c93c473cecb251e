"""The engine's totals count uploaded and downloaded bytes apart, for the transfer graph."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.transfers import TransferState
from spacesgui.engine.transfer_engine import TransferEngine
from tests.integration.transfer_helpers import MiB, download_of, seed_object, upload_of, write_random

Engine = Callable[..., TransferEngine]


def test_totals_count_uploaded_and_downloaded_bytes_apart(
    moto_store: S3Store, moto_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    write_random(tmp_path / "up.bin", 6 * MiB + 5, seed=1)  # multipart: parts count as they land
    write_random(tmp_path / "seed.bin", 3000, seed=2)
    seed_object(moto_store, moto_bucket, "down.bin", tmp_path / "seed.bin")
    engine = make_engine(moto_store)
    assert (engine.totals().uploaded, engine.totals().downloaded) == (0, 0)
    engine.add([], [upload_of(moto_bucket, "up.bin", tmp_path / "up.bin")])
    assert engine.wait_idle(60)
    engine.add([], [download_of(moto_bucket, "down.bin", tmp_path / "out" / "down.bin", size=3000)])
    assert engine.wait_idle(60)
    assert all(t.state == TransferState.DONE for t in engine.transfers())
    totals = engine.totals()
    assert totals.uploaded == 6 * MiB + 5
    assert totals.downloaded == 3000
    assert totals.moved == 6 * MiB + 5 + 3000
