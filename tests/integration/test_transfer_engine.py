"""The transfer engine against real local S3 servers: bytes arrive whole, or not at all."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from spacesgui.adapters.local_files import OsLocalFiles, OsPartFile
from spacesgui.adapters.s3_fast_data import FastS3Store
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account
from spacesgui.core.transfers import OPENED_COPY, Transfer, TransferState
from spacesgui.engine.transfer_engine import TransferEngine
from tests.conftest import RcloneServer
from tests.fault_proxy import Fault, FaultProxy, Match
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


def test_small_and_multipart_uploads_arrive_byte_for_byte(
    rclone_store: S3Store, rclone_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    small = write_random(tmp_path / "small.txt", 3000, seed=1)
    big = write_random(tmp_path / "big.bin", 12 * MiB + 17, seed=2)
    engine = make_engine(rclone_store)
    transfers = [
        upload_of(rclone_bucket, "docs/small.txt", tmp_path / "small.txt"),
        upload_of(rclone_bucket, "big.bin", tmp_path / "big.bin"),
    ]
    engine.add([], transfers)
    assert engine.wait_idle(120)
    done = {t.key: t for t in engine.transfers()}
    assert {k: t.state for k, t in done.items()} == {"docs/small.txt": State.DONE, "big.bin": State.DONE}
    assert done["big.bin"].verified.startswith("Content-MD5 on each of 3 parts")
    assert object_bytes(rclone_store, rclone_bucket, "docs/small.txt") == small
    assert object_bytes(rclone_store, rclone_bucket, "big.bin") == big


def test_downloads_write_a_part_file_then_the_final_name_with_the_object_date(
    rclone_store: S3Store, rclone_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    big = write_random(tmp_path / "src" / "big.bin", 11 * MiB, seed=3)
    small = write_random(tmp_path / "src" / "small.txt", 100, seed=4)
    engine = make_engine(rclone_store)
    engine.add([], [upload_of(rclone_bucket, "a/big.bin", tmp_path / "src" / "big.bin"),
                    upload_of(rclone_bucket, "a/small.txt", tmp_path / "src" / "small.txt")])  # fmt: skip
    assert engine.wait_idle(120)
    out = tmp_path / "out"
    engine.add([], [download_of(rclone_bucket, "a/big.bin", out / "big.bin"),
                    download_of(rclone_bucket, "a/small.txt", out / "small.txt")])  # fmt: skip
    assert engine.wait_idle(120)
    assert all(t.state == State.DONE for t in engine.transfers()), engine.transfers()
    assert (out / "big.bin").read_bytes() == big
    assert (out / "small.txt").read_bytes() == small
    assert sorted(p.name for p in out.iterdir()) == ["big.bin", "small.txt"]  # no .part left
    remote = rclone_store.head_object(rclone_bucket, "a/big.bin")
    assert remote is not None
    assert abs((out / "big.bin").stat().st_mtime - remote.last_modified) < 1


def busy_parts(proxy: FaultProxy, bucket: str, numbers: Iterable[int]) -> list[Fault]:
    """Make the server answer "503 Slow Down" to UploadPart of these part numbers, until cleared.

    With retries to spare, the engine keeps trying them: a transfer stays running with
    exactly the other parts stored, however fast or slow this machine is.
    """
    return [proxy.fail(Match.upload_part(bucket, n), status=503, code="SlowDown") for n in numbers]


def busy_ranges(proxy: FaultProxy, bucket: str, key: str, offsets: Iterable[int]) -> Fault:
    """Make the server answer "503 Slow Down" to ranged GETs of `key` starting at `offsets`."""
    starts = "|".join(str(offset) for offset in offsets)
    match = Match(
        method="GET",
        path=f"/{re.escape(bucket)}/{re.escape(key)}",
        headers={"Range": rf"bytes=({starts})-\d+"},
    )
    return proxy.fail(match, status=503, code="SlowDown")


def part_numbers_sent(proxy: FaultProxy, bucket: str) -> list[int]:
    """The part numbers of every UploadPart request the server was sent, in order."""
    match = Match.upload_part(bucket)
    return [int(r.query["partNumber"][0]) for r in proxy.requests if match.matches(r)]


def paused_after_three_parts(
    proxy_store: S3Store, fault_proxy: FaultProxy, bucket: str, make_engine: Engine, path: Path
) -> tuple[TransferEngine, Transfer]:
    """`path` (30 MiB: six 5 MiB parts) uploading two parts at a time, paused once 1-3 are stored."""
    busy = busy_parts(fault_proxy, bucket, (4, 5, 6))
    engine = make_engine(proxy_store, parts_per_file=2, retries=20)
    transfer = upload_of(bucket, path.name, path)
    engine.add([], [transfer])
    wait_for(lambda: busy[1].hits > 0, timeout=120)  # two at a time: part 5 goes once 1-3 are done
    engine.pause([transfer.id])
    wait_for(lambda: engine.transfers()[0].state == State.PAUSED, timeout=120)
    return engine, transfer


def test_pausing_a_multipart_upload_keeps_its_parts_and_resume_finishes_it(
    moto_store: S3Store, proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str,
    make_engine: Engine, tmp_path: Path,
) -> None:  # fmt: skip
    data = write_random(tmp_path / "video.mp4", 30 * MiB, seed=5)
    engine, transfer = paused_after_three_parts(
        proxy_store, fault_proxy, moto_bucket, make_engine, tmp_path / "video.mp4"
    )
    assert engine.transfers()[0].bytes_done == 15 * MiB  # the three stored parts
    assert [u.key for u in moto_store.list_multipart_uploads(moto_bucket)] == ["video.mp4"]

    fault_proxy.clear()
    engine.resume([transfer.id])
    assert engine.wait_idle(120)
    assert engine.transfers()[0].state == State.DONE, engine.transfers()[0].error
    assert sorted(part_numbers_sent(fault_proxy, moto_bucket)) == [4, 5, 6]  # the kept parts not sent again
    assert object_bytes(moto_store, moto_bucket, "video.mp4") == data
    assert moto_store.list_multipart_uploads(moto_bucket) == []


def test_a_file_changed_while_its_upload_was_paused_says_since_its_upload_began(
    moto_store: S3Store, proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str,
    make_engine: Engine, tmp_path: Path,
) -> None:  # fmt: skip
    # Before: "changed on this computer while it was being uploaded", of an edit made while
    # the upload was paused (or the app closed): a new-user pass found the moment wrong.
    path = tmp_path / "video.mp4"
    write_random(path, 30 * MiB, seed=5)
    engine, transfer = paused_after_three_parts(proxy_store, fault_proxy, moto_bucket, make_engine, path)
    with path.open("ab") as handle:
        handle.write(b"edited while paused")
    fault_proxy.clear()
    engine.resume([transfer.id])
    assert engine.wait_idle(120)
    [failed] = engine.transfers()
    assert failed.state == State.FAILED
    assert "changed on this computer since its upload began" in failed.error
    assert moto_store.head_object(moto_bucket, "video.mp4") is None
    assert moto_store.list_multipart_uploads(moto_bucket) == []  # its parts aborted, none left


@pytest.mark.parametrize("server", ["moto", "rclone"])
def test_a_multipart_upload_whose_completion_answer_is_lost_ends_done_with_its_bytes(
    server: str, moto_endpoint: str, moto_account: Account, moto_store: S3Store, moto_bucket: str,
    rclone_server: RcloneServer, rclone_account: Account, rclone_store: S3Store, rclone_bucket: str,
    make_store: Callable[..., S3Store], make_engine: Engine, tmp_path: Path,
) -> None:  # fmt: skip
    # The server completes the upload, the answer never comes, and the retry finds no upload:
    # the object says whether it is ours. Its ETag is the multipart one on moto (and S3); rclone
    # answers the whole file's MD5, which the file's own bytes must then give.
    # (Both servers are asked for by name: one first set up through getfixturevalue fails
    # the thread-leak check.)
    upstream, account, check, bucket = (
        (moto_endpoint, moto_account, moto_store, moto_bucket) if server == "moto"
        else (rclone_server.endpoint, rclone_account, rclone_store, rclone_bucket)
    )  # fmt: skip
    data = write_random(tmp_path / "big.bin", 11 * MiB, seed=12)
    with FaultProxy(upstream) as proxy:
        store = make_store(account.with_changes(endpoint_url=proxy.endpoint), acls=server == "moto")
        proxy.lose_answers(Match.complete_multipart_upload(bucket), times=1)
        engine = make_engine(store)
        engine.add([], [upload_of(bucket, "big.bin", tmp_path / "big.bin")])
        assert engine.wait_idle(120)
        [done] = engine.transfers()
        completions = proxy.count(Match.complete_multipart_upload(bucket))
    assert (done.state, done.error) == (State.DONE, "")
    assert completions == 2  # the lost one, then the retry that found no upload
    assert object_bytes(check, bucket, "big.bin") == data
    assert check.list_multipart_uploads(bucket) == []


def test_cancelling_a_multipart_upload_aborts_it_on_the_server(
    moto_store: S3Store, proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str,
    make_engine: Engine, tmp_path: Path,
) -> None:  # fmt: skip
    write_random(tmp_path / "big.bin", 30 * MiB, seed=6)
    busy = busy_parts(fault_proxy, moto_bucket, (3, 4, 5, 6))
    engine = make_engine(proxy_store, parts_per_file=2, retries=20)
    transfer = upload_of(moto_bucket, "big.bin", tmp_path / "big.bin")
    engine.add([], [transfer])
    wait_for(lambda: busy[1].hits > 0, timeout=120)  # parts 1-2 stored, 3-4 being retried
    assert len(moto_store.list_multipart_uploads(moto_bucket)) == 1
    engine.cancel([transfer.id])
    wait_for(lambda: engine.transfers()[0].state == State.CANCELLED, timeout=120)
    wait_for(lambda: moto_store.list_multipart_uploads(moto_bucket) == [], timeout=120)
    assert moto_store.head_object(moto_bucket, "big.bin") is None


def test_a_file_deleted_before_upload_fails_clearly_and_retry_uploads_it_once_back(
    rclone_store: S3Store, rclone_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "gone.txt"
    write_random(path, 500, seed=7)
    transfer = upload_of(rclone_bucket, "gone.txt", path)
    path.unlink()
    engine = make_engine(rclone_store)
    engine.add([], [transfer])
    assert engine.wait_idle(30)
    failed = engine.transfers()[0]
    assert failed.state == State.FAILED
    assert "gone.txt" in failed.error
    assert "no longer exists" in failed.error
    data = write_random(path, 800, seed=8)
    engine.retry([transfer.id])
    assert engine.wait_idle(30)
    assert engine.transfers()[0].state == State.DONE
    assert object_bytes(rclone_store, rclone_bucket, "gone.txt") == data


@pytest.mark.parametrize("size", [600_000, 30 * MiB])  # one request; parts
def test_a_file_changed_while_queued_says_so_with_sizes_that_differ(
    size: int, moto_store: S3Store, moto_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    """Before: “changed … while it was being uploaded (it was 600 KB, now 600 KB)”, for a
    file changed before its upload began (the new-user pass)."""
    path = tmp_path / "changed.bin"
    write_random(path, size, seed=5)
    transfer = upload_of(moto_bucket, "changed.bin", path)  # planned at this size
    with path.open("ab") as handle:
        handle.write(b"more")
    engine = make_engine(moto_store)
    engine.add([], [transfer])
    assert engine.wait_idle(120)
    [failed] = engine.transfers()
    assert failed.state == State.FAILED
    assert (
        f"changed on this computer since it was queued (it was {size:,} bytes, now {size + 4:,} bytes)"
        in (failed.error)
    )
    assert moto_store.head_object(moto_bucket, "changed.bin") is None


def test_a_file_that_changes_while_uploading_fails_and_leaves_no_upload_behind(
    moto_store: S3Store, proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str,
    make_engine: Engine, tmp_path: Path,
) -> None:  # fmt: skip
    path = tmp_path / "growing.log"
    write_random(path, 30 * MiB, seed=9)
    busy = busy_parts(fault_proxy, moto_bucket, (3, 4, 5, 6))
    engine = make_engine(proxy_store, parts_per_file=2, retries=20)
    transfer = upload_of(moto_bucket, "growing.log", path)
    engine.add([], [transfer])
    wait_for(lambda: busy[1].hits > 0, timeout=120)  # mid-upload: parts 1-2 stored
    with path.open("ab") as handle:
        handle.write(b"one more line\n")
    fault_proxy.clear()
    assert engine.wait_idle(120)
    failed = engine.transfers()[0]
    assert failed.state == State.FAILED
    assert "changed on this computer while it was being uploaded" in failed.error
    assert moto_store.head_object(moto_bucket, "growing.log") is None
    assert moto_store.list_multipart_uploads(moto_bucket) == []


@pytest.mark.parametrize("path", ["worker thread", "event loop"])
def test_a_file_saved_again_during_a_single_request_upload_fails_and_says_the_space_has_the_old(
    path: str, moto_account: Account, moto_store: S3Store, proxy_store: S3Store,
    fault_proxy: FaultProxy, moto_bucket: str, make_engine: Engine,
    make_fast: Callable[..., FastS3Store], tmp_path: Path,
) -> None:  # fmt: skip
    """The bytes were read before the request went: a Done would hide that the save never went up."""
    file = tmp_path / "notes.txt"
    before = write_random(file, 300_000, seed=21)
    store = proxy_store if path == "worker thread" else make_fast(
        moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    )  # fmt: skip
    engine = make_engine(store)
    hold = fault_proxy.hold(Match.put_object(moto_bucket), limit_s=120)
    transfer = upload_of(moto_bucket, "notes.txt", file)
    engine.add([], [transfer])
    wait_for(lambda: hold.waiting == 1, timeout=120)  # sent whole, the answer not back yet
    after = write_random(file, 300_000, seed=22)  # the user saves again, same size
    stat = file.stat()
    os.utime(file, ns=(stat.st_atime_ns, transfer.local_mtime_ns + 2_000_000_000))
    hold.release()
    assert engine.wait_idle(120)
    [failed] = engine.transfers()
    assert failed.state == State.FAILED
    assert "changed on this computer while it was being uploaded" in failed.error
    assert "The Space has the version from before the change" in failed.error
    assert object_bytes(moto_store, moto_bucket, "notes.txt") == before
    engine.retry([transfer.id])
    assert engine.wait_idle(120)
    assert engine.transfers()[0].state == State.DONE, engine.transfers()[0].error
    assert object_bytes(moto_store, moto_bucket, "notes.txt") == after


@pytest.mark.parametrize("after", ["saved again, an opened copy", "deleted"])
def test_an_upload_stays_done_when_what_follows_its_send_is_not_the_engines_to_say(
    after: str, moto_store: S3Store, proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str,
    make_engine: Engine, tmp_path: Path,
) -> None:  # fmt: skip
    """An opened copy saved again is offered again by its own service (failing it made the
    next upload see its own earlier save as a change on the server); a file deleted after
    its bytes went has nothing newer to upload."""
    file = tmp_path / "notes.txt"
    before = write_random(file, 300_000, seed=23)
    engine = make_engine(proxy_store)
    hold = fault_proxy.hold(Match.put_object(moto_bucket), limit_s=120)
    transfer = upload_of(moto_bucket, "notes.txt", file, phase=OPENED_COPY if "opened" in after else "")
    engine.add([], [transfer])
    wait_for(lambda: hold.waiting == 1, timeout=120)
    if after == "deleted":
        file.unlink()
    else:
        write_random(file, 300_000, seed=24)
        os.utime(file, ns=(transfer.local_mtime_ns, transfer.local_mtime_ns + 2_000_000_000))
    hold.release()
    assert engine.wait_idle(120)
    [done] = engine.transfers()
    assert (done.state, done.error) == (State.DONE, "")
    assert object_bytes(moto_store, moto_bucket, "notes.txt") == before


def test_restart_mid_upload_resumes_from_the_parts_on_the_server(
    moto_store: S3Store, proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str,
    make_engine: Engine, tmp_path: Path,
) -> None:  # fmt: skip
    data = write_random(tmp_path / "backup.tar", 30 * MiB, seed=10)  # six 5 MiB parts
    journal = tmp_path / "restart.sqlite3"
    # The server takes parts 1-3 and keeps refusing 4-6 as busy: the app quits with
    # the upload half done, however fast or slow this machine is.
    busy = busy_parts(fault_proxy, moto_bucket, (4, 5, 6))
    first = make_engine(proxy_store, journal_path=journal, parts_per_file=2, retries=20)
    transfer = upload_of(moto_bucket, "backup.tar", tmp_path / "backup.tar")
    first.add([], [transfer])

    # Two parts at a time: part 5 is sent only once three parts are done, so 1-3 are stored.
    wait_for(lambda: busy[1].hits > 0, timeout=120)
    first.shutdown()  # as when the app quits mid-upload
    upload_id = first.transfers()[0].upload_id
    assert sorted(p.number for p in moto_store.list_parts(moto_bucket, "backup.tar", upload_id)) == [1, 2, 3]

    fault_proxy.clear()  # the server is well again; forget what the first run sent
    second = make_engine(proxy_store, journal_path=journal)
    _groups, restored = second.restore()
    assert [(t.key, t.state) for t in restored] == [("backup.tar", State.PAUSED)]
    assert restored[0].upload_id
    second.resume([transfer.id])
    assert second.wait_idle(120)
    assert second.transfers()[0].state == State.DONE, second.transfers()[0].error
    assert sorted(part_numbers_sent(fault_proxy, moto_bucket)) == [4, 5, 6]  # the missing ones, once each
    assert object_bytes(moto_store, moto_bucket, "backup.tar") == data
    assert moto_store.list_multipart_uploads(moto_bucket) == []


def test_restart_mid_download_continues_the_part_file(
    moto_store: S3Store, proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str,
    make_engine: Engine, tmp_path: Path,
) -> None:  # fmt: skip
    data = write_random(tmp_path / "src.bin", 30 * MiB, seed=11)  # six 5 MiB ranges
    seed_object(moto_store, moto_bucket, "src.bin", tmp_path / "src.bin")
    journal = tmp_path / "restart-download.sqlite3"
    target = tmp_path / "out" / "copy.bin"
    busy = busy_ranges(fault_proxy, moto_bucket, "src.bin", (n * 5 * MiB for n in range(2, 6)))
    first = make_engine(proxy_store, journal_path=journal, parts_per_file=2, retries=20)
    transfer = download_of(moto_bucket, "src.bin", target)
    first.add([], [transfer])
    wait_for(lambda: first.transfers()[0].bytes_done >= 10 * MiB and busy.hits > 0, timeout=120)
    first.shutdown()  # ranges 1-2 are in the .part file, 3-4 were being retried
    assert not target.exists()
    assert [p.name for p in (tmp_path / "out").iterdir()] == [f"copy.bin.{transfer.id[:8]}.part"]

    fault_proxy.clear()
    second = make_engine(proxy_store, journal_path=journal)
    _groups, restored = second.restore()
    assert restored[0].state == State.PAUSED
    assert restored[0].bytes_done == 10 * MiB
    second.resume([transfer.id])
    assert second.wait_idle(120)
    assert second.transfers()[0].state == State.DONE, second.transfers()[0].error
    assert target.read_bytes() == data
    # Continued: only the ranges the .part file lacked were fetched.
    assert ranges_fetched(fault_proxy, moto_bucket, "src.bin") == [
        (n * 5 * MiB, (n + 1) * 5 * MiB - 1) for n in range(2, 6)
    ]


def test_a_quit_mid_range_keeps_what_each_range_had_and_the_resume_fetches_only_the_rest(
    moto_store: S3Store, proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str,
    make_engine: Engine, tmp_path: Path,
) -> None:  # fmt: skip
    """Before, a range recorded nothing until it ended: on a slow link a quit lost every
    byte in flight (up to 8 ranges of 8 MiB), and the restart showed 0%."""
    data = write_random(tmp_path / "src.bin", 30 * MiB, seed=12)  # six 5 MiB ranges
    seed_object(moto_store, moto_bucket, "src.bin", tmp_path / "src.bin")
    journal = tmp_path / "slow-link.sqlite3"
    target = tmp_path / "out" / "copy.bin"
    first = make_engine(proxy_store, journal_path=journal, parts_per_file=2, bandwidth_limit=2 * MiB)
    transfer = download_of(moto_bucket, "src.bin", target)
    first.add([], [transfer])
    wait_for(lambda: first.transfers()[0].bytes_done >= 3 * MiB, timeout=120)  # both first ranges begun
    first.shutdown()  # the app quits: nothing ended, so no range had been recorded before

    fault_proxy.clear()
    second = make_engine(proxy_store, journal_path=journal)
    _groups, restored = second.restore()
    kept = restored[0].bytes_done
    assert restored[0].state == State.PAUSED
    assert 3 * MiB <= kept < 10 * MiB  # shown as it really is, not 0%
    second.resume([transfer.id])
    assert second.wait_idle(120)
    assert second.transfers()[0].state == State.DONE, second.transfers()[0].error
    assert target.read_bytes() == data
    fetched = ranges_fetched(fault_proxy, moto_bucket, "src.bin")
    first_two = [start for start, last in fetched if last in (5 * MiB - 1, 10 * MiB - 1)]
    assert len(first_two) == 2
    assert first_two[0] > 0  # continued where it stopped, not from its start
    assert first_two[1] > 5 * MiB
    assert sum(last - first + 1 for first, last in fetched) == 30 * MiB - kept  # nothing twice


KILLED_UPLOADER = """
import sys, os, time
from spacesgui.adapters.journal import SqliteJournal
from spacesgui.adapters.local_files import OsLocalFiles
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account, AddressingStyle, Credentials
from spacesgui.core.transfers import Direction, Transfer
from spacesgui.engine.transfer_engine import TransferEngine
from spacesgui.core.transfer_settings import EngineSettings

endpoint, bucket, path, journal_path, transfer_id = sys.argv[1:6]
account = Account("t", "custom", endpoint, "us-east-1", "test-access", AddressingStyle.PATH)
store = S3Store(account, Credentials("test-access", "test-secret"))
journal = SqliteJournal(journal_path)
settings = EngineSettings(part_size=5 << 20, multipart_threshold=5 << 20, parts_per_file=1,
                          retries=20)
engine = TransferEngine(lambda _a: store, journal, OsLocalFiles(), settings)
stat = os.stat(path)
engine.add([], [Transfer(Direction.UPLOAD, "acct", bucket, "killed.bin", path, stat.st_size,
                         local_mtime_ns=stat.st_mtime_ns, id=transfer_id)])
while len(journal.parts(transfer_id)) < 2:
    time.sleep(0.02)
print("two parts stored", flush=True)
time.sleep(60)  # killed before this ends
"""


def test_a_killed_uploader_resumes_from_its_journal_and_the_server_parts(
    moto_store: S3Store, proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str,
    make_engine: Engine, tmp_path: Path,
) -> None:  # fmt: skip
    import subprocess
    import sys

    data = write_random(tmp_path / "killed.bin", 25 * MiB, seed=12)  # five 5 MiB parts
    journal = tmp_path / "killed.sqlite3"
    busy_parts(fault_proxy, moto_bucket, (3, 4, 5))  # the uploader is still busy when it is killed
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_UPLOADER, fault_proxy.endpoint, moto_bucket,
         str(tmp_path / "killed.bin"), str(journal), "killed-transfer"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "two parts stored"
    finally:
        process.kill()  # SIGKILL: no chance to clean up or write anything more
        process.wait(30)
    [pending] = moto_store.list_multipart_uploads(moto_bucket)
    assert [p.number for p in moto_store.list_parts(moto_bucket, "killed.bin", pending.upload_id)] == [1, 2]

    fault_proxy.clear()
    engine = make_engine(proxy_store, journal_path=journal)
    _groups, restored = engine.restore()
    assert [(t.id, t.state) for t in restored] == [("killed-transfer", State.PAUSED)]
    engine.resume(["killed-transfer"])
    assert engine.wait_idle(120)
    assert engine.transfers()[0].state == State.DONE, engine.transfers()[0].error
    assert sorted(part_numbers_sent(fault_proxy, moto_bucket)) == [3, 4, 5]
    assert object_bytes(moto_store, moto_bucket, "killed.bin") == data
    assert moto_store.list_multipart_uploads(moto_bucket) == []


KILLED_DOWNLOADER = """
import sys, time
from spacesgui.adapters.journal import SqliteJournal
from spacesgui.adapters.local_files import OsLocalFiles
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account, AddressingStyle, Credentials
from spacesgui.core.transfers import Direction, Transfer
from spacesgui.engine import download_jobs
from spacesgui.engine.transfer_engine import TransferEngine
from spacesgui.core.transfer_settings import EngineSettings

endpoint, bucket, target, journal_path, transfer_id = sys.argv[1:6]
download_jobs.CHECKPOINT_S = 0.2  # a range records how far it got five times a second
account = Account("t", "custom", endpoint, "us-east-1", "test-access", AddressingStyle.PATH)
store = S3Store(account, Credentials("test-access", "test-secret"))
journal = SqliteJournal(journal_path)
settings = EngineSettings(parts_per_file=2, bandwidth_limit=1 << 20)  # a slow link
engine = TransferEngine(lambda _a: store, journal, OsLocalFiles(), settings)
engine.add([], [Transfer(Direction.DOWNLOAD, "acct", bucket, "src.bin", target, 0, id=transfer_id)])
deadline = time.monotonic() + 120
while not any(0 < p.size < 8 << 20 and p.offset + p.size < 20 << 20 for p in journal.parts(transfer_id)):
    if time.monotonic() > deadline:
        print("no range recorded part-way", flush=True)
        sys.exit(1)
    time.sleep(0.02)
print("ranges begun", flush=True)
time.sleep(60)  # killed before this ends
"""


def test_a_killed_downloader_resumes_each_range_where_its_last_record_left_it(
    moto_store: S3Store, proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str,
    make_engine: Engine, tmp_path: Path,
) -> None:  # fmt: skip
    import subprocess
    import sys

    data = write_random(tmp_path / "src.bin", 20 * MiB, seed=14)  # ranges of 8 MiB: the default
    seed_object(moto_store, moto_bucket, "src.bin", tmp_path / "src.bin")
    journal = tmp_path / "killed-download.sqlite3"
    target = tmp_path / "out" / "copy.bin"
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_DOWNLOADER, fault_proxy.endpoint, moto_bucket, str(target),
         str(journal), "killed-download"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ranges begun"
    finally:
        process.kill()  # SIGKILL: what a crash or a power cut leaves
        process.wait(30)

    fault_proxy.clear()
    engine = make_engine(proxy_store, journal_path=journal)
    _groups, restored = engine.restore()
    kept = restored[0].bytes_done
    assert kept > 0
    engine.resume(["killed-download"])
    assert engine.wait_idle(120)
    assert engine.transfers()[0].state == State.DONE, engine.transfers()[0].error
    assert target.read_bytes() == data
    fetched = ranges_fetched(fault_proxy, moto_bucket, "src.bin")
    assert sum(last - first + 1 for first, last in fetched) == 20 * MiB - kept


class _FullDisk(OsLocalFiles):
    """The real file system, except that writing a download's bytes hits a full disk."""

    def open_part(self, path: str, *, keep: bool, tag: str = "") -> OsPartFile:
        real = super().open_part(path, keep=keep, tag=tag)
        real.close()
        return OsPartFile(real.path, os.open("/dev/full", os.O_WRONLY))


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full to fill a disk for real")
def test_a_full_disk_fails_the_download_clearly_and_no_file_takes_the_final_name(
    rclone_store: S3Store, rclone_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    write_random(tmp_path / "src.bin", 300_000, seed=13)
    seed_object(rclone_store, rclone_bucket, "photo.jpg", tmp_path / "src.bin")
    engine = make_engine(rclone_store, journal_path=tmp_path / "full.sqlite3", local=_FullDisk())
    target = tmp_path / "out" / "photo.jpg"
    engine.add([], [download_of(rclone_bucket, "photo.jpg", target)])
    assert engine.wait_idle(30)
    failed = engine.transfers()[0]
    assert failed.state == State.FAILED
    assert "is full" in failed.error
    assert not target.exists()


class _TinyDisk(OsLocalFiles):
    def free_space(self, path: str) -> int:
        return 1000


def test_a_download_bigger_than_the_free_space_is_refused_before_it_starts(
    rclone_store: S3Store, rclone_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    write_random(tmp_path / "src.bin", 50_000, seed=14)
    seed_object(rclone_store, rclone_bucket, "big.iso", tmp_path / "src.bin")
    engine = make_engine(rclone_store, journal_path=tmp_path / "tiny.sqlite3", local=_TinyDisk())
    target = tmp_path / "out" / "big.iso"
    engine.add([], [download_of(rclone_bucket, "big.iso", target)])
    assert engine.wait_idle(30)
    failed = engine.transfers()[0]
    assert failed.state == State.FAILED
    assert "Not enough space" in failed.error
    assert not target.exists()
    assert list((tmp_path / "out").glob("*.part")) == []


def test_a_file_replaced_by_a_folder_before_upload_fails_with_a_clear_message(
    rclone_store: S3Store, rclone_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "photo.jpg"
    write_random(path, 100, seed=15)
    transfer = upload_of(rclone_bucket, "photo.jpg", path)
    path.unlink()
    path.mkdir()
    engine = make_engine(rclone_store)
    engine.add([], [transfer])
    assert engine.wait_idle(30)
    failed = engine.transfers()[0]
    assert failed.state == State.FAILED
    assert "photo.jpg" in failed.error
    assert "folder" in failed.error
    assert rclone_store.head_object(rclone_bucket, "photo.jpg") is None


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_fails_with_a_clear_message(
    rclone_store: S3Store, rclone_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "secret.txt"
    write_random(path, 100, seed=16)
    path.chmod(0)
    engine = make_engine(rclone_store)
    engine.add([], [upload_of(rclone_bucket, "secret.txt", path)])
    assert engine.wait_idle(30)
    failed = engine.transfers()[0]
    assert failed.state == State.FAILED
    assert "permission denied" in failed.error.lower()


def test_a_users_own_part_file_beside_the_target_is_never_touched(
    rclone_store: S3Store, rclone_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    data = write_random(tmp_path / "src.bin", 2000, seed=20)
    engine = make_engine(rclone_store)
    engine.add([], [upload_of(rclone_bucket, "x", tmp_path / "src.bin")])
    assert engine.wait_idle(30)
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.part").write_bytes(b"a browser's half-finished download")
    engine.add([], [download_of(rclone_bucket, "x", out / "x")])
    assert engine.wait_idle(30)
    assert (out / "x").read_bytes() == data
    assert (out / "x.part").read_bytes() == b"a browser's half-finished download"


def test_two_transfers_to_one_file_run_one_after_the_other(
    rclone_store: S3Store, rclone_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    first = write_random(tmp_path / "a.bin", 7 * MiB, seed=21)
    second = write_random(tmp_path / "b.bin", 6 * MiB, seed=22)
    engine = make_engine(rclone_store)
    engine.add([], [upload_of(rclone_bucket, "a.bin", tmp_path / "a.bin"),
                    upload_of(rclone_bucket, "b.bin", tmp_path / "b.bin")])  # fmt: skip
    assert engine.wait_idle(120)
    target = tmp_path / "out" / "same.bin"
    engine.add([], [download_of(rclone_bucket, "a.bin", target), download_of(rclone_bucket, "b.bin", target)])
    assert engine.wait_idle(120)
    downloads = [t for t in engine.transfers() if t.local_path == str(target)]
    assert [t.state for t in downloads] == [State.DONE, State.DONE]
    assert target.read_bytes() == second  # the later one wins, whole
    assert target.read_bytes() != first


def ranges_fetched(proxy: FaultProxy, bucket: str, key: str) -> list[tuple[int, int]]:
    """The byte ranges (first, last) of every ranged GET of `key` the server was sent."""
    match = Match.get_object(bucket)
    found = []
    for request in proxy.requests:
        if match.matches(request) and request.path.endswith(f"/{key}"):
            first, _, last = (request.header("Range") or "").removeprefix("bytes=").partition("-")
            found.append((int(first), int(last)))
    return sorted(found)


def test_a_paused_download_whose_part_file_was_deleted_starts_over_and_verifies(
    moto_store: S3Store, proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str,
    make_engine: Engine, tmp_path: Path,
) -> None:  # fmt: skip
    data = write_random(tmp_path / "src.bin", 30 * MiB, seed=23)  # six 5 MiB ranges
    seed_object(moto_store, moto_bucket, "v.bin", tmp_path / "src.bin")
    busy = busy_ranges(fault_proxy, moto_bucket, "v.bin", (n * 5 * MiB for n in range(2, 6)))
    engine = make_engine(proxy_store, journal_path=tmp_path / "d.sqlite3", parts_per_file=2, retries=20)
    target = tmp_path / "out" / "v.bin"
    transfer = download_of(moto_bucket, "v.bin", target)
    engine.add([], [transfer])
    wait_for(lambda: engine.transfers()[0].bytes_done >= 10 * MiB and busy.hits > 0, timeout=120)
    engine.pause([transfer.id])
    wait_for(lambda: engine.transfers()[0].state == State.PAUSED, timeout=120)
    leftovers = list((tmp_path / "out").glob("*.part"))
    assert len(leftovers) == 1
    leftovers[0].unlink()  # the user tidies up while it is paused

    fault_proxy.clear()  # the server is well again; forget what was fetched so far
    engine.resume([transfer.id])
    assert engine.wait_idle(120)
    done = engine.transfers()[0]
    assert done.state == State.DONE, done.error
    assert done.verified == "ETag (MD5)"  # the whole file was checked against the server's MD5
    assert target.read_bytes() == data
    # Started over: every range was fetched again, the two it had before included.
    assert ranges_fetched(fault_proxy, moto_bucket, "v.bin") == [
        (n * 5 * MiB, (n + 1) * 5 * MiB - 1) for n in range(6)
    ]


def test_a_paused_download_whose_folder_was_deleted_fails_saying_so_and_retry_makes_it_again(
    moto_store: S3Store, proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str,
    make_engine: Engine, tmp_path: Path,
) -> None:  # fmt: skip
    # Before: the folder came back in silence and the download started over, its bytes
    # fetched again with no word (a new-user pass deleted the folder while it was paused).
    data = write_random(tmp_path / "src.bin", 30 * MiB, seed=25)
    seed_object(moto_store, moto_bucket, "v.bin", tmp_path / "src.bin")
    busy = busy_ranges(fault_proxy, moto_bucket, "v.bin", (n * 5 * MiB for n in range(2, 6)))
    engine = make_engine(proxy_store, parts_per_file=2, retries=20)
    folder = tmp_path / "dl2"
    transfer = download_of(moto_bucket, "v.bin", folder / "v.bin")
    engine.add([], [transfer])
    wait_for(lambda: engine.transfers()[0].bytes_done >= 10 * MiB and busy.hits > 0, timeout=120)
    engine.pause([transfer.id])
    wait_for(lambda: engine.transfers()[0].state == State.PAUSED, timeout=120)
    shutil.rmtree(folder)
    fault_proxy.clear()
    engine.resume([transfer.id])
    assert engine.wait_idle(120)
    [failed] = engine.transfers()
    assert failed.state == State.FAILED
    assert f"The folder “{folder}” that “v.bin” was being downloaded into is gone" in failed.error
    assert not folder.exists()  # not made again behind the user's back

    engine.retry([transfer.id])
    assert engine.wait_idle(120)
    assert engine.transfers()[0].state == State.DONE, engine.transfers()[0].error
    assert (folder / "v.bin").read_bytes() == data


def test_changing_parallel_parts_mid_upload_does_not_fail_it_and_holds_from_then_on(
    moto_store: S3Store, proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str,
    make_engine: Engine, tmp_path: Path,
) -> None:  # fmt: skip
    data = write_random(tmp_path / "big.bin", 40 * MiB, seed=24)  # eight 5 MiB parts
    held = fault_proxy.hold(Match.upload_part(moto_bucket))
    engine = make_engine(proxy_store, parts_per_file=4)
    engine.add([], [upload_of(moto_bucket, "big.bin", tmp_path / "big.bin")])
    wait_for(lambda: held.waiting == 4, timeout=120)  # four parts in flight
    settings = {**engine.settings.to_dict(), "parallel_parts": 2}
    engine.apply_settings(engine.settings.__class__(**settings))
    later = fault_proxy.watch(Match.upload_part(moto_bucket))  # parts sent from now on
    held.release()
    assert engine.wait_idle(120)
    assert engine.transfers()[0].state == State.DONE, engine.transfers()[0].error
    assert object_bytes(moto_store, moto_bucket, "big.bin") == data
    assert sorted(part_numbers_sent(fault_proxy, moto_bucket)) == list(range(1, 9))
    assert later.peak <= 2  # never more than the new limit among the parts sent after the change
