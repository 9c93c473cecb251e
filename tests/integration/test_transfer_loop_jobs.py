"""Small files as coroutines on the fast path's event loop (engine/loop_jobs.py, issue 11).

The engine moves small files on the store's loop, with no worker thread per file: what
the user sees is the same as on the thread path (bytes, headers, dates, no `.part` file
left, pause and cancel), and no file worker thread is started for them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from spacesgui.adapters.local_files import OsLocalFiles
from spacesgui.adapters.s3_fast_data import FastS3Store
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core import prefix_hash
from spacesgui.core.accounts import Account
from spacesgui.core.local_files import part_path
from spacesgui.core.transfers import MD5_METADATA, PART_SIZE_METADATA, Direction, Transfer, TransferState
from spacesgui.engine.transfer_engine import TransferEngine
from tests.fault_proxy import FaultProxy, Hold, Match
from tests.integration.transfer_helpers import (
    download_of,
    object_bytes,
    random_bytes,
    upload_of,
    wait_for,
    write_random,
)

# Keys a user's files may well have; each also names a local file on every system.
NAMES = ["plain.txt", "with space.txt", "ünïcødé – ✓.txt", "odd #?%+&=.bin", "a;b,c@d$e!.bin"]
FILES = 30


def _worker_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("spacesgui-transfer_")]


def test_small_files_go_up_and_come_down_on_the_loop_without_a_worker_thread(
    moto_account: Account, moto_store: S3Store, moto_bucket: str, make_fast: Callable[..., FastS3Store],
    make_engine: Callable[..., TransferEngine], tmp_path: Path,
) -> None:  # fmt: skip
    store = make_fast(moto_account)
    sources: dict[str, bytes] = {}
    uploads = []
    for i in range(FILES):
        name = f"{i:02d} {NAMES[i % len(NAMES)]}"
        sources[f"loop/{name}"] = write_random(tmp_path / "up" / name, 100 + 97 * i, seed=i)
        uploads.append(
            upload_of(
                moto_bucket,
                f"loop/{name}",
                tmp_path / "up" / name,
                acl="public-read",
                cache_control="max-age=60",
            )
        )
    before = _worker_threads()
    engine = make_engine(store)
    engine.add([], uploads)
    assert engine.wait_idle(120)
    assert [(t.key, t.error) for t in engine.transfers() if t.state != TransferState.DONE] == []
    for key, data in sources.items():
        assert object_bytes(moto_store, moto_bucket, key) == data, key
    head = moto_store.client.head_object(Bucket=moto_bucket, Key=uploads[0].key)
    assert head["CacheControl"] == "max-age=60"
    assert head["ContentType"].startswith("text/plain")
    grants = moto_store.client.get_object_acl(Bucket=moto_bucket, Key=uploads[0].key)["Grants"]
    assert any(g["Grantee"].get("URI", "").endswith("AllUsers") for g in grants)

    out = tmp_path / "down"
    downloads = [download_of(moto_bucket, key, out / key.removeprefix("loop/")) for key in sources]
    engine.add([], downloads)
    assert engine.wait_idle(120)
    assert [(t.key, t.error) for t in engine.transfers() if t.state != TransferState.DONE] == []
    for key, data in sources.items():
        path = out / key.removeprefix("loop/")
        assert path.read_bytes() == data, key
        remote = moto_store.head_object(moto_bucket, key)
        assert remote is not None
        assert abs(os.stat(path).st_mtime - remote.last_modified) < 1.0, key
    assert sorted(p.name for p in out.iterdir()) == sorted(
        k.removeprefix("loop/") for k in sources
    )  # no .part
    assert all(t.verified for t in engine.transfers())
    # The MD5 the upload stored in the object's metadata came back with each GET and was used.
    downloaded = {t.verified for t in engine.transfers() if t.direction == Direction.DOWNLOAD}
    assert downloaded == {"MD5 stored at upload"}
    assert _worker_threads() == before  # every file moved on the loop


def test_small_downloads_on_the_loop_pause_resume_and_cancel(
    fault_proxy: FaultProxy, moto_account: Account, moto_store: S3Store, moto_bucket: str,
    make_fast: Callable[..., FastS3Store], make_engine: Callable[..., TransferEngine], tmp_path: Path,
) -> None:  # fmt: skip
    sources = {}
    for i in range(8):
        key = f"held/{i}.bin"
        sources[key] = write_random(tmp_path / "src" / f"{i}.bin", 3000 + i, seed=i)
        moto_store.client.put_object(Bucket=moto_bucket, Key=key, Body=sources[key])
    store = make_fast(moto_account.with_changes(endpoint_url=fault_proxy.endpoint))
    engine = make_engine(store, parallel_files=8)
    hold = fault_proxy.hold(Match.get_object(moto_bucket), limit_s=120)
    out = tmp_path / "out"
    downloads = [download_of(moto_bucket, key, out / key.removeprefix("held/")) for key in sources]
    engine.add([], downloads)
    try:
        wait_for(lambda: hold.waiting == len(sources), timeout=60)  # every GET in flight
        paused, cancelled = [t.id for t in downloads[:4]], [t.id for t in downloads[4:]]
        engine.pause(paused)
        engine.cancel(cancelled)
    finally:
        hold.release()
    assert engine.wait_idle(120)
    by_id = {t.id: t for t in engine.transfers()}
    # Stopped while their answers were on the way: nothing of them is written.
    assert {by_id[i].state for i in paused} == {TransferState.PAUSED}
    assert {by_id[i].state for i in cancelled} == {TransferState.CANCELLED}
    assert not out.exists() or list(out.iterdir()) == []

    engine.resume(paused)
    assert engine.wait_idle(120)
    by_id = {t.id: t for t in engine.transfers()}
    assert {by_id[i].state for i in paused} == {TransferState.DONE}
    for t in downloads[:4]:
        assert Path(t.local_path).read_bytes() == sources[t.key]
    assert sorted(p.name for p in out.iterdir()) == sorted(Path(t.local_path).name for t in downloads[:4])


class _CountingReads(OsLocalFiles):
    def __init__(self) -> None:
        self.read_paths: list[str] = []

    def read_range(self, path: str, offset: int, size: int) -> bytes:
        self.read_paths.append(path)
        return super().read_range(path, offset, size)


def test_a_big_download_in_ranges_is_checked_by_its_md5_without_reading_the_file_again(
    moto_account: Account, moto_store: S3Store, moto_bucket: str, make_fast: Callable[..., FastS3Store],
    make_engine: Callable[..., TransferEngine], tmp_path: Path,
) -> None:  # fmt: skip
    data = random_bytes(13 * 1024 * 1024 + 17, seed=5)
    moto_store.client.put_object(Bucket=moto_bucket, Key="big.bin", Body=data)  # one part: ETag is its MD5
    local = _CountingReads()
    engine = make_engine(make_fast(moto_account), local=local, parts_per_file=4)
    target = tmp_path / "big.bin"
    engine.add([], [download_of(moto_bucket, "big.bin", target)])
    assert engine.wait_idle(120)
    [done] = engine.transfers()
    assert (done.state, done.error) == (TransferState.DONE, "")
    assert 0 < done.part_size < len(data)  # it did come in ranges
    assert target.read_bytes() == data
    assert done.verified == "ETag (MD5)"
    assert local.read_paths == []  # checked as the ranges landed


def test_a_big_file_this_app_uploaded_in_parts_comes_back_checked_part_by_part(
    moto_account: Account, moto_store: S3Store, moto_bucket: str, make_fast: Callable[..., FastS3Store],
    make_engine: Callable[..., TransferEngine], tmp_path: Path,
) -> None:  # fmt: skip
    # Its multipart ETag checks every byte from the MD5s of ranges cut as its parts were, each
    # computed on its range's own thread: no hash in order on one thread, no second read.
    source = tmp_path / "up" / "big.bin"
    data = write_random(source, 11 * 1024 * 1024 + 17, seed=7)  # 3 parts of 5 MiB
    store = make_fast(moto_account)
    up = make_engine(store, tmp_path / "up.sqlite3")
    up.add([], [upload_of(moto_bucket, "big.bin", source)])
    assert up.wait_idle(120)
    assert [t.state for t in up.transfers()] == [TransferState.DONE]
    head = moto_store.client.head_object(Bucket=moto_bucket, Key="big.bin")
    assert head["ETag"].endswith('-3"')
    assert PART_SIZE_METADATA in head["Metadata"]

    local = _CountingReads()
    down = make_engine(store, tmp_path / "down.sqlite3", local=local, parts_per_file=4)
    target = tmp_path / "down" / "big.bin"
    down.add([], [download_of(moto_bucket, "big.bin", target)])
    assert down.wait_idle(120)
    [done] = down.transfers()
    assert (done.state, done.error) == (TransferState.DONE, "")
    assert target.read_bytes() == data
    assert done.verified == "ETag (MD5 of 3 parts of 5 MiB)"
    assert local.read_paths == []  # checked as the ranges landed


CHUNK = 256 * 1024  # EngineSettings.chunk_size: the bytes a range hands on at a time
# The object's bytes, its download (started), the engine, the reads it made, the hold.
HeldFirstRange = tuple[bytes, Transfer, TransferEngine, _CountingReads, Hold]


@pytest.fixture
def held_first_range(
    fault_proxy: FaultProxy, moto_account: Account, moto_store: S3Store, moto_bucket: str,
    make_fast: Callable[..., FastS3Store], make_engine: Callable[..., TransferEngine], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> HeldFirstRange:  # fmt: skip
    """A 20 MiB download in 5 MiB ranges whose first range is held at the proxy, with room in
    memory for one chunk ahead of it; started, and its second range two chunks in."""
    monkeypatch.setattr(prefix_hash, "MAX_WAITING", CHUNK)
    monkeypatch.setattr(prefix_hash, "STALL_S", 200.0)  # no waiting range gives up within the test
    data = random_bytes(20 * 1024 * 1024 + 17, seed=6)
    moto_store.client.put_object(Bucket=moto_bucket, Key="big.bin", Body=data)  # one part: ETag is its MD5
    local = _CountingReads()
    engine = make_engine(make_fast(moto_account.with_changes(endpoint_url=fault_proxy.endpoint)),
                         local=local, parts_per_file=4)  # fmt: skip
    hold = fault_proxy.hold(Match(method="GET", headers={"Range": r"bytes=0-\d+"}), limit_s=120)
    download = download_of(moto_bucket, "big.bin", tmp_path / "big.bin")
    engine.add([], [download])
    part = Path(part_path(download.local_path, download.id))
    # The second range has written two chunks: one more than the memory allowed ahead.
    wait_for(
        lambda: hold.waiting == 1 and part.exists() and part.stat().st_size >= 5 * 1024 * 1024 + 2 * CHUNK
    )
    return data, download, engine, local, hold


def test_ranges_ahead_of_a_late_first_range_wait_for_it_so_the_file_is_not_read_again(
    held_first_range: HeldFirstRange,
) -> None:
    data, download, engine, local, hold = held_first_range
    hold.release()
    assert engine.wait_idle(120)
    [done] = engine.transfers()
    assert (done.state, done.error) == (TransferState.DONE, "")
    assert Path(download.local_path).read_bytes() == data
    assert done.verified == "ETag (MD5)"
    assert local.read_paths == []  # before, the check gave up and read the whole file again


def test_a_pause_frees_the_ranges_waiting_for_a_late_first_range_and_the_download_resumes(
    held_first_range: HeldFirstRange,
) -> None:
    data, download, engine, _local, hold = held_first_range
    try:
        engine.pause([download.id])
    finally:
        hold.release()
    assert engine.wait_idle(120)  # the waiting ranges do not wait out their stall
    assert [t.state for t in engine.transfers()] == [TransferState.PAUSED]
    engine.resume([download.id])
    assert engine.wait_idle(120)
    [done] = engine.transfers()
    assert (done.state, done.error) == (TransferState.DONE, "")
    assert Path(download.local_path).read_bytes() == data


def test_a_request_refused_for_a_skewed_clock_is_signed_again_with_the_servers_time(
    fault_proxy: FaultProxy, moto_account: Account, moto_store: S3Store, moto_bucket: str,
    make_fast: Callable[..., FastS3Store], make_engine: Callable[..., TransferEngine], tmp_path: Path,
) -> None:  # fmt: skip
    store = make_fast(moto_account.with_changes(endpoint_url=fault_proxy.endpoint))
    store._signer.skew_s = -3600.0  # this computer's clock an hour behind the server's
    puts = Match.put_object(moto_bucket)
    refused = fault_proxy.fail(puts, status=403, code="RequestTimeTooSkewed", times=1)
    data = write_random(tmp_path / "clock.txt", 1234, seed=3)
    engine = make_engine(store)
    engine.add([], [upload_of(moto_bucket, "clock.txt", tmp_path / "clock.txt")])
    assert engine.wait_idle(60)
    [done] = engine.transfers()
    assert (done.state, done.error) == (TransferState.DONE, "")
    assert refused.hits == 1
    assert object_bytes(moto_store, moto_bucket, "clock.txt") == data
    assert abs(store._signer.skew_s) < 60  # the server's Date set it right


def _seed(store: S3Store, bucket: str, folder: str, count: int, size: int) -> dict[str, bytes]:
    """`count` small objects in `folder` of `bucket`, a few bytes apart in size: key → bytes."""
    sources = {f"{folder}{i}.txt": random_bytes(size + i, seed=i) for i in range(count)}
    for key, data in sources.items():
        store.client.put_object(Bucket=bucket, Key=key, Body=data)
    return sources


def _download_all(
    engine: TransferEngine, bucket: str, sources: dict[str, bytes], folder: str, out: Path
) -> dict[str, Transfer]:
    """Download every key of `sources` into `out` (named without `folder`): key → its transfer, ended."""
    engine.add([], [download_of(bucket, key, out / key.removeprefix(folder)) for key in sources])
    assert engine.wait_idle(60)
    return {t.key: t for t in engine.transfers()}


def test_a_download_whose_name_is_taken_by_a_folder_fails_clearly_and_the_others_of_its_batch_arrive(
    moto_account: Account, moto_store: S3Store, moto_bucket: str, make_fast: Callable[..., FastS3Store],
    make_engine: Callable[..., TransferEngine], tmp_path: Path,
) -> None:  # fmt: skip
    sources = _seed(moto_store, moto_bucket, "batch/", 12, 500)
    out = tmp_path / "out"
    (out / "5.txt" / "inside").mkdir(parents=True)  # a folder where file 5 would go
    done = _download_all(make_engine(make_fast(moto_account)), moto_bucket, sources, "batch/", out)
    failed = {key: t.error for key, t in done.items() if t.state != TransferState.DONE}
    assert list(failed) == ["batch/5.txt"]
    assert "5.txt" in failed["batch/5.txt"]
    for key, data in sources.items():
        if key != "batch/5.txt":
            assert (out / key.removeprefix("batch/")).read_bytes() == data
    assert (out / "5.txt" / "inside").is_dir()  # the user's folder untouched


def test_a_small_download_whose_bytes_do_not_match_their_md5_fails_and_nothing_is_written(
    moto_account: Account, moto_store: S3Store, moto_bucket: str, make_fast: Callable[..., FastS3Store],
    make_engine: Callable[..., TransferEngine], tmp_path: Path,
) -> None:  # fmt: skip
    sources = _seed(moto_store, moto_bucket, "check/", 10, 700)
    # The MD5 spacesgui stored at upload no longer matches what the server sends for file 3.
    moto_store.client.put_object(
        Bucket=moto_bucket, Key="check/3.txt", Body=sources["check/3.txt"], Metadata={MD5_METADATA: "0" * 32}
    )
    out = tmp_path / "out"
    done = _download_all(make_engine(make_fast(moto_account)), moto_bucket, sources, "check/", out)
    failed = {key: t.error for key, t in done.items() if t.state != TransferState.DONE}
    assert list(failed) == ["check/3.txt"]
    assert "arrived damaged" in failed["check/3.txt"]
    assert "nothing was written" in failed["check/3.txt"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{i}.txt" for i in range(10) if i != 3
    )  # no .part
    for key, data in sources.items():
        if key != "check/3.txt":
            assert (out / key.removeprefix("check/")).read_bytes() == data
            assert done[key].verified == "ETag (MD5)"


def test_a_folder_moved_on_the_loop_arrives_whole_keeps_access_and_leaves_no_source(
    moto_account: Account, moto_store: S3Store, moto_bucket: str, make_fast: Callable[..., FastS3Store],
    make_engine: Callable[..., TransferEngine],
) -> None:  # fmt: skip
    store = make_fast(moto_account)
    sources: dict[str, bytes] = {}
    moves = []
    for i in range(FILES):
        key = f"old/{i:02d} {NAMES[i % len(NAMES)]}"
        data = random_bytes(50 + 31 * i, seed=i)
        extra = {"ACL": "public-read"} if i % 3 == 0 else {}
        etag = moto_store.client.put_object(
            Bucket=moto_bucket, Key=key, Body=data, CacheControl="max-age=60", Metadata={"n": str(i)}, **extra
        )["ETag"].strip('"')  # fmt: skip
        sources[key] = data
        new_key = "new/" + key.removeprefix("old/")
        move = Transfer(Direction.MOVE, "acct", moto_bucket, new_key, "", len(data), remote_etag=etag)
        move.source_bucket, move.source_key = moto_bucket, key
        moves.append(move)
    before = _worker_threads()
    engine = make_engine(store)
    engine.add([], moves)
    assert engine.wait_idle(120)

    assert [(t.key, t.error) for t in engine.transfers() if t.state != TransferState.DONE] == []
    assert {e.key for e in moto_store.iter_objects(moto_bucket, "old/")} == set()
    for i, (key, data) in enumerate(sources.items()):
        moved = "new/" + key.removeprefix("old/")
        assert object_bytes(moto_store, moto_bucket, moved) == data, moved
        head = moto_store.client.head_object(Bucket=moto_bucket, Key=moved)
        assert (head["CacheControl"], head["Metadata"]) == ("max-age=60", {"n": str(i)}), moved
        grants = moto_store.client.get_object_acl(Bucket=moto_bucket, Key=moved)["Grants"]
        assert any(g["Grantee"].get("URI", "").endswith("AllUsers") for g in grants) == (i % 3 == 0), moved
    assert all("compared with the original" in t.verified for t in engine.transfers())
    # Only the sources' DeleteObjects request took a worker thread; on the thread path each
    # of the 30 copies takes one of its own.
    assert len(set(_worker_threads()) - set(before)) <= 1


def test_a_small_object_another_tool_uploaded_as_a_multipart_upload_comes_down_on_the_loop_checked_by_its_etag(
    moto_account: Account, moto_store: S3Store, moto_bucket: str, make_fast: Callable[..., FastS3Store],
    make_engine: Callable[..., TransferEngine], tmp_path: Path,
) -> None:  # fmt: skip
    # A multipart ETag ("…-1") and no MD5 of ours: the loop asks the server for the part size
    # (on a thread) and checks the bytes against the ETag.
    client = moto_store.client
    sources = {f"parts/{i}.bin": random_bytes(70_000 + i, seed=i) for i in range(3)}
    for key, data in sources.items():
        upload = client.create_multipart_upload(Bucket=moto_bucket, Key=key)["UploadId"]
        etag = client.upload_part(Bucket=moto_bucket, Key=key, UploadId=upload, PartNumber=1, Body=data)[
            "ETag"
        ]
        client.complete_multipart_upload(
            Bucket=moto_bucket, Key=key, UploadId=upload,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
        )  # fmt: skip
        assert client.head_object(Bucket=moto_bucket, Key=key)["ETag"].endswith('-1"')
    before = _worker_threads()
    out = tmp_path / "out"
    done = _download_all(make_engine(make_fast(moto_account)), moto_bucket, sources, "parts/", out)

    assert {key: (t.state, t.error, t.verified) for key, t in done.items()} == {
        key: (TransferState.DONE, "", "ETag (MD5 of 1 part)") for key in sources
    }
    for key, data in sources.items():
        assert (out / key.removeprefix("parts/")).read_bytes() == data
    assert sorted(p.name for p in out.iterdir()) == sorted(
        k.removeprefix("parts/") for k in sources
    )  # no .part
    assert _worker_threads() == before  # all on the loop
