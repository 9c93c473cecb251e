"""Shared setup for transfer tests: an engine over a real store, and transfers to feed it."""

from __future__ import annotations

import os
from pathlib import Path

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.ports import TransferStore
from spacesgui.core.transfers import Direction, Transfer, TransferState
from tests.waiting import wait_for as wait_for  # shared by the transfer tests that import it here

MiB = 1024 * 1024


def upload_of(bucket: str, key: str, path: Path, account_id: str = "acct", **fields: object) -> Transfer:
    stat = os.stat(path)
    return Transfer(
        Direction.UPLOAD, account_id, bucket, key, str(path), stat.st_size,
        local_mtime_ns=stat.st_mtime_ns, **fields,  # type: ignore[arg-type]
    )  # fmt: skip


def download_of(bucket: str, key: str, path: Path, size: int = 0, account_id: str = "acct") -> Transfer:
    return Transfer(Direction.DOWNLOAD, account_id, bucket, key, str(path), size)


def write_random(path: Path, size: int, seed: int = 0) -> bytes:
    data = random_bytes(size, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def random_bytes(size: int, seed: int = 0) -> bytes:
    import random

    return random.Random(seed).randbytes(size)


def states(transfers: list[Transfer]) -> dict[str, TransferState]:
    return {t.key: t.state for t in transfers}


def object_bytes(store: TransferStore, bucket: str, key: str) -> bytes:
    stream = store.open_download(bucket, key)
    try:
        return b"".join(stream.chunks(1024 * 1024))
    finally:
        stream.close()


def seed_object(store: S3Store, bucket: str, key: str, path: Path) -> None:
    """Put the file at `path` on the server as `key`, for tests about downloading it."""
    store.client.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())
