"""Copies, moves and deletes through the engine against moto: batched, verified, resumable."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from spacesgui.adapters.journal import SqliteJournal
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.transfers import COPIED, Direction, Transfer, TransferGroup, TransferState
from spacesgui.engine.run_queue import NOT_COPIED
from spacesgui.engine.transfer_engine import TransferEngine
from tests.fault_proxy import FaultProxy, Match
from tests.integration.transfer_helpers import wait_for

Engine = Callable[..., TransferEngine]
State = TransferState


def put(store: S3Store, bucket: str, key: str, body: bytes, **extra: object) -> str:
    response = store.client.put_object(Bucket=bucket, Key=key, Body=body, **extra)  # type: ignore[arg-type]
    return str(response["ETag"]).strip('"')


def keys_in(store: S3Store, bucket: str) -> set[str]:
    return {e.key for e in store.iter_objects(bucket, "")}


def delete_of(bucket: str, key: str, size: int = 1, **fields: object) -> Transfer:
    return Transfer(Direction.DELETE, "acct", bucket, key, "", size, **fields)  # type: ignore[arg-type]


def copy_of(
    direction: Direction, bucket: str, source: str, target: str, size: int, etag: str, **fields: object
) -> Transfer:
    return Transfer(
        direction, "acct", bucket, target, "", size, source_bucket=bucket, source_key=source,
        remote_etag=etag, **fields,  # type: ignore[arg-type]
    )  # fmt: skip


def copy_requests(proxy: FaultProxy, bucket: str) -> int:
    return proxy.count(Match(method="PUT", path=f"/{bucket}/.+", headers={"x-amz-copy-source": ".+"}))


def test_deleting_2500_keys_takes_exactly_three_delete_objects_requests(
    proxy_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, make_engine: Engine
) -> None:
    seeded = [f"folder/{i:04d}.txt" for i in range(0, 2500, 97)]  # a sample really on the server
    for key in seeded:
        put(proxy_store, moto_bucket, key, b"x")
    put(proxy_store, moto_bucket, "keep.txt", b"k")
    fault_proxy.clear()
    engine = make_engine(proxy_store)
    engine.add([], [delete_of(moto_bucket, f"folder/{i:04d}.txt") for i in range(2500)])
    assert engine.wait_idle(120)
    assert {t.state for t in engine.transfers()} == {State.DONE}
    assert fault_proxy.count(Match.delete_objects(moto_bucket)) == 3
    assert max(len(r.raw_target) for r in fault_proxy.requests) < 2048
    assert keys_in(proxy_store, moto_bucket) == {"keep.txt"}


def test_a_long_delete_sends_its_first_request_while_the_rest_is_still_being_journaled(
    proxy_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, make_engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    for i in range(0, 2500, 250):
        put(proxy_store, moto_bucket, f"folder/{i:04d}.txt", b"x")
    fault_proxy.clear()
    journaled: list[int] = []  # transfers in each journal entry
    release = threading.Event()
    journal_add = SqliteJournal.add

    def held(journal: SqliteJournal, groups: list[TransferGroup], transfers: list[Transfer]) -> None:
        journaled.append(len(transfers))
        if len(journaled) == 2:
            assert release.wait(120)  # the second thousand waits until the first request is out
        journal_add(journal, groups, transfers)

    monkeypatch.setattr(SqliteJournal, "add", held)
    engine = make_engine(proxy_store)
    adding = threading.Thread(
        target=engine.add, args=([], [delete_of(moto_bucket, f"folder/{i:04d}.txt") for i in range(2500)])
    )
    adding.start()
    try:
        wait_for(lambda: fault_proxy.count(Match.delete_objects(moto_bucket)) >= 1, timeout=120)
        assert journaled == [1000, 1000]  # a request went out while the rest was not journaled yet
    finally:
        release.set()
        adding.join(120)

    assert engine.wait_idle(120)
    assert journaled == [1000, 1000, 500]
    assert {t.state for t in engine.transfers()} == {State.DONE}
    assert fault_proxy.count(Match.delete_objects(moto_bucket)) == 3
    assert keys_in(proxy_store, moto_bucket) == set()


def test_a_key_the_server_refuses_fails_with_its_reason_and_the_others_are_done(
    proxy_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, make_engine: Engine
) -> None:
    for key in ("a.txt", "b.txt", "c.txt"):
        put(proxy_store, moto_bucket, key, b"x")
    fault_proxy.refuse_deletes(moto_bucket, ["b.txt"], code="AccessDenied", message="Access Denied")
    engine = make_engine(proxy_store)
    engine.add([], [delete_of(moto_bucket, k) for k in ("a.txt", "b.txt", "c.txt")])
    assert engine.wait_idle(60)
    result = {t.key: (t.state, t.error) for t in engine.transfers()}
    assert result["a.txt"] == (State.DONE, "")
    assert result["c.txt"] == (State.DONE, "")
    assert result["b.txt"][0] == State.FAILED
    assert result["b.txt"][1].startswith("Not deleted:")
    assert keys_in(proxy_store, moto_bucket) == {"b.txt"}


def test_a_move_copies_verifies_then_deletes_the_source(
    moto_store: S3Store, moto_bucket: str, make_engine: Engine
) -> None:
    etag = put(moto_store, moto_bucket, "old/a b#?.txt", b"hello", ContentType="text/plain",
               Metadata={"owner": "ann"})  # fmt: skip
    engine = make_engine(moto_store)
    engine.add([], [copy_of(Direction.MOVE, moto_bucket, "old/a b#?.txt", "new/a b#?.txt", 5, etag)])
    assert engine.wait_idle(60)
    (done,) = engine.transfers()
    assert (done.state, done.phase) == (State.DONE, COPIED)
    assert "compared" in done.verified
    assert keys_in(moto_store, moto_bucket) == {"new/a b#?.txt"}
    head = moto_store.client.head_object(Bucket=moto_bucket, Key="new/a b#?.txt")
    assert (head["ContentType"], head["Metadata"]) == ("text/plain", {"owner": "ann"})


def test_a_move_whose_copy_fails_keeps_its_source(
    proxy_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, make_engine: Engine
) -> None:
    etag = put(proxy_store, moto_bucket, "a.txt", b"hello")
    fault_proxy.fail(
        Match(method="PUT", path=f"/{moto_bucket}/b.txt"), status=403, code="AccessDenied", message="no"
    )
    engine = make_engine(proxy_store)
    engine.add([], [copy_of(Direction.MOVE, moto_bucket, "a.txt", "b.txt", 5, etag)])
    assert engine.wait_idle(60)
    (failed,) = engine.transfers()
    assert failed.state == State.FAILED
    assert failed.phase == ""
    assert keys_in(proxy_store, moto_bucket) == {"a.txt"}
    assert fault_proxy.count(Match.delete_objects(moto_bucket)) == 0


def test_a_move_whose_source_could_not_be_deleted_retries_only_the_deletion_after_a_restart(
    proxy_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, make_engine: Engine, tmp_path: Path
) -> None:
    etag = put(proxy_store, moto_bucket, "src.txt", b"payload")
    refusal = fault_proxy.fail(Match.delete_objects(moto_bucket), status=503, code="SlowDown", message="busy")
    journal = tmp_path / "j.sqlite3"
    first = make_engine(proxy_store, journal_path=journal, retries=0)
    first.add([], [copy_of(Direction.MOVE, moto_bucket, "src.txt", "dst.txt", 7, etag)])
    assert first.wait_idle(60)
    (failed,) = first.transfers()
    assert (failed.state, failed.phase) == (State.FAILED, COPIED)
    assert failed.error.startswith("Copied, but the original could not be deleted")
    assert keys_in(proxy_store, moto_bucket) == {"src.txt", "dst.txt"}
    first.shutdown()

    again = make_engine(proxy_store, journal_path=journal)
    _groups, (restored,) = again.restore()
    assert (restored.state, restored.phase) == (State.FAILED, COPIED)
    refusal.times = 0  # the server takes deletes again
    copies_before = copy_requests(fault_proxy, moto_bucket)
    again.retry([restored.id])
    assert again.wait_idle(60)
    assert again.transfers()[0].state == State.DONE
    assert copy_requests(fault_proxy, moto_bucket) == copies_before  # the copy is not made again
    assert keys_in(proxy_store, moto_bucket) == {"dst.txt"}


def test_replace_deletes_the_targets_other_keys_only_after_every_copy_is_done(
    proxy_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, make_engine: Engine
) -> None:
    good = put(proxy_store, moto_bucket, "src/good.txt", b"g")
    bad = put(proxy_store, moto_bucket, "src/bad.txt", b"b")
    put(proxy_store, moto_bucket, "dst/other.txt", b"o")
    fault_proxy.fail(
        Match(method="PUT", path=f"/{moto_bucket}/dst/bad.txt"), status=403, code="AccessDenied", message="no"
    )
    copies = TransferGroup(Direction.COPY, "src", "acct", moto_bucket, "dst/", "")
    cleanup = TransferGroup(Direction.DELETE, "dst (replace)", "acct", moto_bucket, "dst/", "")
    engine = make_engine(proxy_store)
    engine.add(
        [copies, cleanup],
        [
            copy_of(Direction.COPY, moto_bucket, "src/good.txt", "dst/good.txt", 1, good, group_id=copies.id),
            copy_of(Direction.COPY, moto_bucket, "src/bad.txt", "dst/bad.txt", 1, bad, group_id=copies.id),
            delete_of(moto_bucket, "dst/other.txt", group_id=cleanup.id, waits_for=copies.id),
        ],
    )
    assert engine.wait_idle(60)
    result = {t.key: (t.state, t.error) for t in engine.transfers()}
    assert result["dst/other.txt"] == (State.SKIPPED, NOT_COPIED)
    assert "dst/other.txt" in keys_in(proxy_store, moto_bucket)
    # Once the failed copy is retried and done, the waiting delete runs.
    fault_proxy.clear()
    failed = [t.id for t in engine.transfers() if t.state == State.FAILED]
    engine.retry(failed)
    assert engine.wait_idle(60)
    assert {t.key: t.state for t in engine.transfers()}["dst/bad.txt"] == State.DONE
