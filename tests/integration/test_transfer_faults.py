"""Transfers through a proxy that resets and stalls connections: everything arrives, verified."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account
from spacesgui.core.transfers import TransferState
from spacesgui.engine.transfer_engine import TransferEngine
from tests.conftest import RcloneServer
from tests.integration.transfer_helpers import MiB, download_of, object_bytes, upload_of, write_random

SMALL_FILES = 200


@pytest.mark.slow
@pytest.mark.timeout(1800)  # heavy, and a loaded machine may take many times longer
def test_files_big_and_small_survive_resets_and_stalls_both_ways(
    rclone_server: RcloneServer,
    rclone_account: Account,
    rclone_store: S3Store,
    rclone_bucket: str,
    server_credentials: Any,
    tcp_fault_proxy: Callable[..., Any],
    make_engine: Callable[..., TransferEngine],
    tmp_path: Path,
) -> None:
    # A stall outlasts the client's read timeout, so stalled connections are given up on
    # by the client. The timeout is still far above what a loaded machine needs to answer
    # a healthy request: a short one would fail healthy requests too, and the test with them.
    proxy = tcp_fault_proxy(rclone_server.endpoint, seed=7, reset_share=0.3, stall_share=0.1, stall_s=40.0)
    faulty = S3Store(
        rclone_account.with_changes(endpoint_url=proxy.endpoint), server_credentials,
        max_pool_connections=64, connect_timeout=10.0, read_timeout=15.0,
    )  # fmt: skip
    try:
        sources = {f"small/{i:03d}.txt": write_random(tmp_path / "up" / f"{i:03d}.txt", 3000 + i, seed=i)
                   for i in range(SMALL_FILES)}  # fmt: skip
        sources["big/video.mp4"] = write_random(tmp_path / "up" / "video.mp4", 64 * MiB, seed=999)
        paths = {k: tmp_path / "up" / (k.split("/")[1]) for k in sources}
        engine = make_engine(faulty, part_size=8 * MiB, multipart_threshold=8 * MiB, retries=10)
        engine.add([], [upload_of(rclone_bucket, key, paths[key]) for key in sources])
        assert engine.wait_idle(800)
        ups = engine.transfers()
        assert [(t.key, t.error) for t in ups if t.state != TransferState.DONE] == []
        assert all(t.verified for t in ups)
        for key, data in sources.items():
            assert object_bytes(rclone_store, rclone_bucket, key) == data, key
        assert rclone_store.list_multipart_uploads(rclone_bucket) == []

        down = make_engine(faulty, journal_path=tmp_path / "down.sqlite3", part_size=8 * MiB,
                           multipart_threshold=8 * MiB, retries=10)  # fmt: skip
        down.add([], [download_of(rclone_bucket, key, tmp_path / "down" / key) for key in sources])
        assert down.wait_idle(800)
        downs = down.transfers()
        assert [(t.key, t.error) for t in downs if t.state != TransferState.DONE] == []
        for key, data in sources.items():
            assert (tmp_path / "down" / key).read_bytes() == data, key
        leftovers = [p.name for p in (tmp_path / "down").rglob("*.part")]
        assert leftovers == []
        assert proxy.resets >= 5, "the proxy must really have reset connections"
        assert proxy.stalls > 0, "the proxy must really have stalled connections"
    finally:
        faulty.close()
