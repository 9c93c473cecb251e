"""The transfer engine against real local S3 servers: bytes arrive whole, or not at all."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from spacesgui.adapters.local_files import OsLocalFiles, OsPartFile
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.transfers import TransferState
from spacesgui.engine.transfer_engine import TransferEngine
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
    assert engine.wait_idle(60)
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
    assert engine.wait_idle(60)
    out = tmp_path / "out"
    engine.add([], [download_of(rclone_bucket, "a/big.bin", out / "big.bin"),
                    download_of(rclone_bucket, "a/small.txt", out / "small.txt")])  # fmt: skip
    assert engine.wait_idle(60)
    assert all(t.state == State.DONE for t in engine.transfers()), engine.transfers()
    assert (out / "big.bin").read_bytes() == big
    assert (out / "small.txt").read_bytes() == small
    assert sorted(p.name for p in out.iterdir()) == ["big.bin", "small.txt"]  # no .part left
    remote = rclone_store.head_object(rclone_bucket, "a/big.bin")
    assert remote is not None
    assert abs((out / "big.bin").stat().st_mtime - remote.last_modified) < 1


def test_pausing_a_multipart_upload_keeps_its_parts_and_resume_finishes_it(
    moto_store: S3Store, moto_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    data = write_random(tmp_path / "video.mp4", 30 * MiB, seed=5)
    engine = make_engine(moto_store, bandwidth_limit=10 * MiB, parts_per_file=2)
    transfer = upload_of(moto_bucket, "video.mp4", tmp_path / "video.mp4")
    engine.add([], [transfer])
    wait_for(lambda: engine.transfers()[0].bytes_done >= 11 * MiB)
    engine.pause([transfer.id])
    wait_for(lambda: engine.transfers()[0].state == State.PAUSED)
    paused = engine.transfers()[0]
    assert 0 < paused.bytes_done < paused.size
    assert [u.key for u in moto_store.list_multipart_uploads(moto_bucket)] == ["video.mp4"]
    engine.apply_settings(engine.settings.__class__(**{**engine.settings.to_dict(), "bandwidth_limit": 0}))
    engine.resume([transfer.id])
    assert engine.wait_idle(60)
    assert engine.transfers()[0].state == State.DONE
    assert object_bytes(moto_store, moto_bucket, "video.mp4") == data
    assert moto_store.list_multipart_uploads(moto_bucket) == []


def test_cancelling_a_multipart_upload_aborts_it_on_the_server(
    moto_store: S3Store, moto_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    write_random(tmp_path / "big.bin", 30 * MiB, seed=6)
    engine = make_engine(moto_store, bandwidth_limit=10 * MiB, parts_per_file=2)
    transfer = upload_of(moto_bucket, "big.bin", tmp_path / "big.bin")
    engine.add([], [transfer])
    wait_for(lambda: engine.transfers()[0].bytes_done >= 6 * MiB)
    assert len(moto_store.list_multipart_uploads(moto_bucket)) == 1
    engine.cancel([transfer.id])
    wait_for(lambda: engine.transfers()[0].state == State.CANCELLED)
    wait_for(lambda: moto_store.list_multipart_uploads(moto_bucket) == [])
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


def test_a_file_that_changes_while_uploading_fails_and_leaves_no_upload_behind(
    moto_store: S3Store, moto_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "growing.log"
    write_random(path, 30 * MiB, seed=9)
    engine = make_engine(moto_store, bandwidth_limit=10 * MiB, parts_per_file=2)
    transfer = upload_of(moto_bucket, "growing.log", path)
    engine.add([], [transfer])
    wait_for(lambda: engine.transfers()[0].bytes_done >= 6 * MiB)
    with path.open("ab") as handle:
        handle.write(b"one more line\n")
    assert engine.wait_idle(60)
    failed = engine.transfers()[0]
    assert failed.state == State.FAILED
    assert "changed on this computer while it was being uploaded" in failed.error
    assert moto_store.head_object(moto_bucket, "growing.log") is None
    assert moto_store.list_multipart_uploads(moto_bucket) == []


def test_restart_mid_upload_resumes_from_the_parts_on_the_server(
    moto_store: S3Store, moto_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    data = write_random(tmp_path / "backup.tar", 30 * MiB, seed=10)
    journal = tmp_path / "restart.sqlite3"
    first = make_engine(moto_store, journal_path=journal, bandwidth_limit=10 * MiB, parts_per_file=2)
    transfer = upload_of(moto_bucket, "backup.tar", tmp_path / "backup.tar")
    first.add([], [transfer])
    wait_for(lambda: first.transfers()[0].bytes_done >= 12 * MiB)
    first.shutdown()  # as when the app quits mid-upload

    second = make_engine(moto_store, journal_path=tmp_path / "restart.sqlite3")
    _groups, restored = second.restore()
    assert [(t.key, t.state) for t in restored] == [("backup.tar", State.PAUSED)]
    assert restored[0].upload_id
    second.resume([transfer.id])
    assert second.wait_idle(60)
    assert second.transfers()[0].state == State.DONE
    assert object_bytes(moto_store, moto_bucket, "backup.tar") == data
    assert moto_store.list_multipart_uploads(moto_bucket) == []


def test_restart_mid_download_continues_the_part_file(
    rclone_store: S3Store, rclone_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    data = write_random(tmp_path / "src.bin", 30 * MiB, seed=11)
    seed_object(rclone_store, rclone_bucket, "src.bin", tmp_path / "src.bin")
    journal = tmp_path / "restart-download.sqlite3"
    target = tmp_path / "out" / "copy.bin"
    first = make_engine(rclone_store, journal_path=journal, bandwidth_limit=10 * MiB, parts_per_file=2)
    transfer = download_of(rclone_bucket, "src.bin", target)
    first.add([], [transfer])
    wait_for(lambda: first.transfers()[0].bytes_done >= 12 * MiB)
    first.shutdown()
    assert not target.exists()
    assert [p.name for p in (tmp_path / "out").iterdir()] == [f"copy.bin.{transfer.id[:8]}.part"]

    second = make_engine(rclone_store, journal_path=journal)
    _groups, restored = second.restore()
    assert restored[0].state == State.PAUSED
    assert restored[0].bytes_done >= 10 * MiB
    second.resume([transfer.id])
    assert second.wait_idle(60)
    assert second.transfers()[0].state == State.DONE, second.transfers()[0].error
    assert target.read_bytes() == data


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
                          bandwidth_limit=8 << 20)
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
    moto_endpoint: str, moto_store: S3Store, moto_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    import subprocess
    import sys

    data = write_random(tmp_path / "killed.bin", 25 * MiB, seed=12)
    journal = tmp_path / "killed.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_UPLOADER, moto_endpoint, moto_bucket, str(tmp_path / "killed.bin"),
         str(journal), "killed-transfer"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "two parts stored"
    finally:
        process.kill()  # SIGKILL: no chance to clean up or write anything more
        process.wait(10)
    assert len(moto_store.list_multipart_uploads(moto_bucket)) == 1

    engine = make_engine(moto_store, journal_path=journal)
    _groups, restored = engine.restore()
    assert [(t.id, t.state) for t in restored] == [("killed-transfer", State.PAUSED)]
    engine.resume(["killed-transfer"])
    assert engine.wait_idle(60)
    assert engine.transfers()[0].state == State.DONE, engine.transfers()[0].error
    assert object_bytes(moto_store, moto_bucket, "killed.bin") == data
    assert moto_store.list_multipart_uploads(moto_bucket) == []


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
    assert engine.wait_idle(60)
    target = tmp_path / "out" / "same.bin"
    engine.add([], [download_of(rclone_bucket, "a.bin", target), download_of(rclone_bucket, "b.bin", target)])
    assert engine.wait_idle(60)
    downloads = [t for t in engine.transfers() if t.local_path == str(target)]
    assert [t.state for t in downloads] == [State.DONE, State.DONE]
    assert target.read_bytes() == second  # the later one wins, whole
    assert target.read_bytes() != first


def test_a_paused_download_whose_part_file_was_deleted_starts_over_and_verifies(
    rclone_store: S3Store, rclone_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    data = write_random(tmp_path / "src.bin", 30 * MiB, seed=23)
    seed_object(rclone_store, rclone_bucket, "v.bin", tmp_path / "src.bin")
    engine = make_engine(
        rclone_store, journal_path=tmp_path / "d.sqlite3", bandwidth_limit=10 * MiB, parts_per_file=2
    )
    target = tmp_path / "out" / "v.bin"
    transfer = download_of(rclone_bucket, "v.bin", target)
    engine.add([], [transfer])
    wait_for(lambda: engine.transfers()[0].bytes_done >= 12 * MiB)
    engine.pause([transfer.id])
    wait_for(lambda: engine.transfers()[0].state == State.PAUSED)
    for leftover in (tmp_path / "out").glob("*.part"):
        leftover.unlink()  # the user tidies up while it is paused
    engine.apply_settings(engine.settings.__class__(**{**engine.settings.to_dict(), "bandwidth_limit": 0}))
    engine.resume([transfer.id])
    assert engine.wait_idle(60)
    assert engine.transfers()[0].state == State.DONE, engine.transfers()[0].error
    assert target.read_bytes() == data


def test_changing_parallel_parts_mid_upload_does_not_fail_it(
    moto_store: S3Store, moto_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    data = write_random(tmp_path / "big.bin", 30 * MiB, seed=24)
    engine = make_engine(moto_store, bandwidth_limit=10 * MiB, parts_per_file=4)
    engine.add([], [upload_of(moto_bucket, "big.bin", tmp_path / "big.bin")])
    wait_for(lambda: engine.transfers()[0].bytes_done >= 3 * MiB)
    settings = {**engine.settings.to_dict(), "parallel_parts": 2, "bandwidth_limit": 0}
    engine.apply_settings(engine.settings.__class__(**settings))
    assert engine.wait_idle(60)
    assert engine.transfers()[0].state == State.DONE, engine.transfers()[0].error
    assert object_bytes(moto_store, moto_bucket, "big.bin") == data
