"""The Content-Type a web site's assets get on the server when uploaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.transfers import TransferState
from spacesgui.engine.transfer_engine import TransferEngine
from tests.integration.transfer_helpers import upload_of, write_random

EXPECTED = {
    "DejaVuSans.ttf": "font/ttf",
    "Inter.otf": "font/otf",
    "Inter.woff": "font/woff",
    "Inter.woff2": "font/woff2",
    "intro.ogg": "audio/ogg",
    "voice.m4a": "audio/mp4",
    "app.js.map": "application/json",
}


def test_fonts_audio_and_source_maps_are_stored_with_their_own_types(
    moto_store: S3Store, moto_bucket: str, make_engine: Callable[..., TransferEngine], tmp_path: Path
) -> None:
    # Before: every one but the .woff2 was stored as application/octet-stream (a new-user pass).
    transfers = []
    for seed, name in enumerate(EXPECTED):
        write_random(tmp_path / name, 2_000, seed=seed)
        transfers.append(upload_of(moto_bucket, f"assets/{name}", tmp_path / name))
    engine = make_engine(moto_store)
    engine.add([], transfers)
    assert engine.wait_idle(120)
    assert {t.state for t in engine.transfers()} == {TransferState.DONE}

    stored = {
        name: moto_store.head_details(moto_bucket, f"assets/{name}").headers.content_type for name in EXPECTED
    }
    assert stored == EXPECTED
