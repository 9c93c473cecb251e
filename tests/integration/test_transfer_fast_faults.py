"""The fast data path through a proxy that resets and stalls connections: everything arrives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from spacesgui.adapters.s3_fast_data import FastS3Store
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account
from spacesgui.core.transfers import TransferState
from spacesgui.engine.transfer_engine import TransferEngine
from tests.conftest import RcloneServer
from tests.integration.transfer_helpers import MiB, download_of, object_bytes, upload_of, write_random

SMALL_FILES = 60


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_fast_path_files_big_and_small_survive_resets_and_stalls_both_ways(
    rclone_server: RcloneServer, rclone_account: Account, rclone_store: S3Store, rclone_bucket: str,
    tcp_fault_proxy: Callable[..., Any], make_fast: Callable[..., FastS3Store],
    make_engine: Callable[..., TransferEngine], tmp_path: Path,
) -> None:  # fmt: skip
    proxy = tcp_fault_proxy(rclone_server.endpoint, seed=11, reset_share=0.3, stall_share=0.1, stall_s=12.0)
    faulty = make_fast(
        rclone_account.with_changes(endpoint_url=proxy.endpoint),
        acls=False,
        # Short timeouts: a stalled read is given up and retried soon (a stall lasts 12 s; a
        # stalled upload body, which aiohttp cannot time out, waits the stall out).
        connect_timeout=5.0,
        read_timeout=5.0,
    )
    sources = {f"small/{i:03d}.txt": write_random(tmp_path / "up" / f"{i:03d}.txt", 3000 + i, seed=i)
               for i in range(SMALL_FILES)}  # fmt: skip
    sources["big/video.mp4"] = write_random(tmp_path / "up" / "video.mp4", 24 * MiB, seed=999)
    paths = {k: tmp_path / "up" / k.split("/")[1] for k in sources}
    engine = make_engine(faulty, part_size=8 * MiB, multipart_threshold=8 * MiB, retries=10)
    engine.add([], [upload_of(rclone_bucket, key, paths[key]) for key in sources])
    assert engine.wait_idle(800)
    ups = engine.transfers()
    assert [(t.key, t.error) for t in ups if t.state != TransferState.DONE] == []
    for key, data in sources.items():
        assert object_bytes(rclone_store, rclone_bucket, key) == data, key

    down = make_engine(faulty, journal_path=tmp_path / "down.sqlite3", part_size=8 * MiB,
                       multipart_threshold=8 * MiB, retries=10)  # fmt: skip
    sizes = {key: len(data) for key, data in sources.items()}
    down.add(
        [], [download_of(rclone_bucket, key, tmp_path / "down" / key, size=sizes[key]) for key in sources]
    )
    assert down.wait_idle(800)
    assert [(t.key, t.error) for t in down.transfers() if t.state != TransferState.DONE] == []
    for key, data in sources.items():
        assert (tmp_path / "down" / key).read_bytes() == data, key
    assert [p.name for p in (tmp_path / "down").rglob("*.part")] == []
    # aiohttp keeps few connections open, so few draws: count the faults that fired at all.
    assert proxy.resets + proxy.stalls >= 2, "the proxy must really have cut or stalled connections"
