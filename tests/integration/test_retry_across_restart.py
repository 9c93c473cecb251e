"""A Retry asked for just before a quit holds after the restart, and so does a finished row's speed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.transfers import Transfer, TransferState
from spacesgui.engine.transfer_engine import TransferEngine
from tests.fault_proxy import FaultProxy, Match
from tests.integration.test_transfer_engine import busy_ranges
from tests.integration.transfer_helpers import (
    MiB,
    download_of,
    object_bytes,
    seed_object,
    upload_of,
    wait_for,
    write_random,
)

Engine = Callable[..., TransferEngine]
State = TransferState


def retried_then_quit(
    engine: TransferEngine, failed: Transfer, fault_proxy: FaultProxy, bucket: str, folder: Path
) -> None:
    """Retry `failed` while a blocker holds the only file slot, then quit before it starts.

    The blocker's multipart upload cannot begin (503, again and again): no part body is on
    its way when the engine stops, which the proxy would wait for.
    """
    write_random(folder / "big.bin", 12 * MiB, seed=33)
    blocker = upload_of(bucket, "big.bin", folder / "big.bin")
    begin = Match(method="POST", path=f"/{bucket}/{blocker.key}", query={"uploads": None})
    busy = fault_proxy.fail(begin, status=503, code="SlowDown")
    engine.add([], [blocker])
    wait_for(lambda: busy.hits > 0, timeout=120)
    engine.retry([failed.id])
    assert {t.id: t.state for t in engine.transfers()}[failed.id] == State.QUEUED  # not started
    engine.shutdown()  # as when the app quits
    fault_proxy.clear()


def resumed_after_restart(make_engine: Engine, store: S3Store, journal: Path, transfer: Transfer) -> Transfer:
    """Start again on `journal`, resume `transfer` and wait: how it ended."""
    engine = make_engine(store, journal_path=journal)
    engine.restore()
    engine.resume([transfer.id])
    assert engine.wait_idle(120)
    return {t.id: t for t in engine.transfers()}[transfer.id]


def test_an_upload_retried_just_before_a_quit_takes_the_edited_file_after_the_restart(
    moto_store: S3Store, proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str,
    make_engine: Engine, tmp_path: Path,
) -> None:  # fmt: skip
    # Before: the Retry was forgotten with the quit, and the resumed upload failed again with
    # the same "changed on this computer" (a review of the transfers pass found it).
    path = tmp_path / "notes.txt"
    write_random(path, 2_000, seed=31)
    edited = upload_of(moto_bucket, "notes.txt", path)  # planned at this size
    data = write_random(path, 3_000, seed=32)  # then edited
    journal = tmp_path / "retry.sqlite3"
    first = make_engine(proxy_store, journal_path=journal, parallel_files=1, retries=50)
    first.add([], [edited])
    assert first.wait_idle(120)
    assert "changed on this computer" in first.transfers()[0].error
    retried_then_quit(first, edited, fault_proxy, moto_bucket, tmp_path)

    done = resumed_after_restart(make_engine, proxy_store, journal, edited)
    assert done.state == State.DONE, done.error
    assert object_bytes(moto_store, moto_bucket, "notes.txt") == data  # the file as it is now


def test_a_download_retried_just_before_a_quit_makes_its_deleted_folder_again_after_the_restart(
    moto_store: S3Store, proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str,
    make_engine: Engine, tmp_path: Path,
) -> None:  # fmt: skip
    data = write_random(tmp_path / "src.bin", 30 * MiB, seed=34)
    seed_object(moto_store, moto_bucket, "v.bin", tmp_path / "src.bin")
    journal = tmp_path / "retry.sqlite3"
    busy = busy_ranges(fault_proxy, moto_bucket, "v.bin", (n * 5 * MiB for n in range(2, 6)))
    first = make_engine(proxy_store, journal_path=journal, parallel_files=1, parts_per_file=2, retries=50)
    folder = tmp_path / "dl"
    download = download_of(moto_bucket, "v.bin", folder / "v.bin")
    first.add([], [download])
    wait_for(lambda: first.transfers()[0].bytes_done >= 10 * MiB and busy.hits > 0, timeout=120)
    first.pause([download.id])
    wait_for(lambda: first.transfers()[0].state == State.PAUSED, timeout=120)
    shutil.rmtree(folder)
    fault_proxy.clear()
    first.resume([download.id])
    assert first.wait_idle(120)
    assert "was being downloaded into is gone" in first.transfers()[0].error
    retried_then_quit(first, download, fault_proxy, moto_bucket, tmp_path)

    done = resumed_after_restart(make_engine, proxy_store, journal, download)
    assert done.state == State.DONE, done.error
    assert (folder / "v.bin").read_bytes() == data


def test_a_finished_upload_keeps_its_average_speed_after_a_restart(
    moto_store: S3Store, moto_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    # Before: a finished row's Speed column was blank after a restart (the transfers pass).
    write_random(tmp_path / "photo.jpg", 7 * MiB, seed=36)
    journal = tmp_path / "speed.sqlite3"
    first = make_engine(moto_store, journal_path=journal)
    upload = upload_of(moto_bucket, "photo.jpg", tmp_path / "photo.jpg")
    first.add([], [upload])
    assert first.wait_idle(120)
    [before] = first.transfers()
    assert before.state == State.DONE
    assert before.run_rate > 0
    first.shutdown()

    second = make_engine(moto_store, journal_path=journal)
    _groups, [after] = second.restore()
    assert after.state == State.DONE
    assert (after.run_started, after.run_ended, after.run_bytes) == (
        before.run_started, before.run_ended, before.run_bytes,
    )  # fmt: skip
    assert after.run_rate == before.run_rate
