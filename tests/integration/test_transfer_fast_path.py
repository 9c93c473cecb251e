"""The engine over the fast data path: throttling lowers how many requests go at once,
and every file still arrives with its bytes (issue 11)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from spacesgui.adapters.s3_fast_data import FastS3Store
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account
from spacesgui.core.transfers import TransferState
from spacesgui.engine.transfer_engine import TransferEngine
from tests.fault_proxy import FaultProxy, Match
from tests.integration.transfer_helpers import object_bytes, upload_of, wait_for, write_random

FILES = 96
AT_ONCE = 16
BURST = 48  # 503 Slow Down answers in a row


def test_a_burst_of_slow_downs_lowers_how_many_go_at_once_and_every_file_arrives(
    fault_proxy: FaultProxy, moto_account: Account, moto_store: S3Store, moto_bucket: str,
    make_fast: Callable[..., FastS3Store], make_engine: Callable[..., TransferEngine], tmp_path: Path,
) -> None:  # fmt: skip
    store = make_fast(moto_account.with_changes(endpoint_url=fault_proxy.endpoint), connections=AT_ONCE)
    sources = {
        f"burst/{i:03d}.bin": write_random(tmp_path / "up" / f"{i:03d}.bin", 2000 + i, seed=i)
        for i in range(FILES)
    }
    puts = Match.put_object(moto_bucket)
    burst = fault_proxy.fail(puts, status=503, code="SlowDown", times=BURST)
    engine = make_engine(store, parallel_files=AT_ONCE, retries=12)
    engine.add([], [upload_of(moto_bucket, key, tmp_path / "up" / key.split("/")[1]) for key in sources])
    wait_for(lambda: burst.hits >= BURST, timeout=120)
    # Once the burst is over, hold every PUT at the proxy: what piles up there is how many
    # the client sends at once. Without the adaptive limit all 16 file workers would.
    hold = fault_proxy.hold(puts, limit_s=600)
    try:
        wait_for(lambda: hold.waiting >= 1 and hold.waiting == store.limit.limit, timeout=120)
        at_once = hold.waiting
    finally:
        hold.release()
    assert engine.wait_idle(300)

    assert [(t.key, t.error) for t in engine.transfers() if t.state != TransferState.DONE] == []
    for key, data in sources.items():
        assert object_bytes(moto_store, moto_bucket, key) == data, key
    assert at_once < AT_ONCE  # halved at least once; a few clean answers cannot climb back to 16
