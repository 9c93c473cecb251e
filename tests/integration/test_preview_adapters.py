"""read_start (one ranged GET) against moto, and the thumbnail disk cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from spacesgui.adapters.s3_store import S3Store
from spacesgui.adapters.thumbnail_cache import DiskThumbnailCache
from spacesgui.core.errors import Cancelled
from tests.fault_proxy import FaultProxy, Match


def test_read_start_sends_one_range_request_and_reads_no_more(
    proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str
) -> None:
    body = bytes(range(256)) * 4096  # 1 MiB
    proxy_store.client.put_object(Bucket=moto_bucket, Key="big.bin", Body=body, Metadata={"a": "b"})

    start = proxy_store.read_start(moto_bucket, "big.bin", 1000)

    assert start.data == body[:1000]
    assert start.size == len(body)
    assert start.truncated
    assert start.metadata == {"a": "b"}
    gets = [r for r in fault_proxy.requests if Match(method="GET", path=f"/{moto_bucket}/big.bin").matches(r)]
    assert [r.header("Range") for r in gets] == ["bytes=0-999"]


def test_read_start_of_a_small_file_reads_it_whole(moto_store: S3Store, moto_bucket: str) -> None:
    moto_store.client.put_object(Bucket=moto_bucket, Key="s.txt", Body=b"short", ContentType="text/plain")
    start = moto_store.read_start(moto_bucket, "s.txt", 262_144)
    assert (start.data, start.size, start.truncated, start.content_type) == (b"short", 5, False, "text/plain")


def test_the_cache_returns_what_was_put_and_forgets_the_least_recently_used(tmp_path: Path) -> None:
    cache = DiskThumbnailCache(tmp_path / "thumbnails", max_bytes=3000)
    names = [f"{i:02d}" + "a" * 62 for i in range(3)]
    for age, name in enumerate(names):
        cache.put(name, bytes([age]) * 1000)
        path = next((tmp_path / "thumbnails").glob(f"*/{name}.thumb"))
        os.utime(path, (1_000_000 + age, 1_000_000 + age))  # the first put is the oldest
    assert cache.get(names[0]) == b"\x00" * 1000  # read: now the most recent

    cache.put("ff" + "b" * 62, b"\x09" * 1000)  # over the limit: trim to 80 %

    assert cache.get(names[1]) is None  # least recently used
    assert cache.get(names[0]) == b"\x00" * 1000
    assert cache.get("ff" + "b" * 62) == b"\x09" * 1000
    assert cache.total_bytes() <= 2400


def test_a_cache_folder_that_cannot_be_written_is_a_miss_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    cache = DiskThumbnailCache(blocker / "thumbnails")
    cache.put("ab" * 32, b"data")
    assert cache.get("ab" * 32) is None


def test_read_start_stops_between_chunks_when_asked(moto_store: S3Store, moto_bucket: str) -> None:
    moto_store.client.put_object(Bucket=moto_bucket, Key="photo.png", Body=b"\x89" * (4 * 1024 * 1024))
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 2  # the user selected something else after two chunks

    with pytest.raises(Cancelled):
        moto_store.read_start(moto_bucket, "photo.png", 4 * 1024 * 1024, stop=stop)
    assert len(asked) == 3  # stopped at the third chunk, not after 64 of them


def test_read_start_on_rclone_reads_only_the_range(rclone_store: S3Store, rclone_bucket: str) -> None:
    body = b"0123456789" * 100_000  # 1 MB
    rclone_store.client.put_object(Bucket=rclone_bucket, Key="notes.txt", Body=body)

    start = rclone_store.read_start(rclone_bucket, "notes.txt", 262_144)

    assert start.data == body[:262_144]
    assert start.size == len(body)
    assert start.truncated
