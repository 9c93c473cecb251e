"""Small files' GETs and PUTs on the fast path's own HTTP connections (s3_small_requests.py).

Against `rclone serve s3`, which checks every signature, and moto behind the fault proxies:
what is counted is what the server and the proxies saw (connections opened, requests cut,
requests answered 503), and the bytes that came back.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from spacesgui.adapters.s3_fast_data import FastS3Store
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account, Credentials
from spacesgui.core.errors import AuthError, IntegrityError, NetworkError, NotFound, Throttled, Timeout
from spacesgui.core.transfers import RemoteObject, TransferState
from spacesgui.engine.download_jobs import SMALL_DOWNLOAD
from spacesgui.engine.transfer_engine import TransferEngine
from tests.conftest import RcloneServer
from tests.fault_proxy import FaultProxy, Match
from tests.integration.transfer_helpers import download_of

FILES = 12


def put_small(store: FastS3Store, bucket: str, key: str, data: bytes, md5_of: bytes | None = None) -> str:
    """put_small of `data` (its Content-MD5 that of `md5_of` when given), as the engine's loop job sends it."""
    md5 = base64.b64encode(hashlib.md5(data if md5_of is None else md5_of).digest()).decode()
    call = store.put_small(
        bucket, key, data, md5_b64=md5, content_type="text/csv", acl="", cache_control="max-age=60",
        metadata={"origin": "spacesgui test"},
    )  # fmt: skip
    return store._loop.run(call)


def get_small(
    store: FastS3Store, bucket: str, key: str, limit: int = SMALL_DOWNLOAD
) -> tuple[RemoteObject, bytes | None]:
    return store._loop.run(store.get_small(bucket, key, limit=limit))


@pytest.fixture
def rclone_files(rclone_store: S3Store, unique_bucket: str) -> dict[str, bytes]:
    """FILES small objects in a new bucket on rclone: key → bytes."""
    rclone_store.client.create_bucket(Bucket=unique_bucket)
    files = {f"f/{i:02d}.txt": f"file {i} ".encode() * (i + 1) for i in range(FILES)}
    for key, data in files.items():
        rclone_store.client.put_object(Bucket=unique_bucket, Key=key, Body=data)
    return files


def test_small_gets_keep_one_connection_and_bring_each_object_whole(
    make_fast: Callable[..., FastS3Store], rclone_server: RcloneServer, rclone_account: Account,
    rclone_files: dict[str, bytes], unique_bucket: str, tcp_fault_proxy: Callable[..., Any],
) -> None:  # fmt: skip
    proxy = tcp_fault_proxy(rclone_server.endpoint)  # counts connections
    store = make_fast(rclone_account.with_changes(endpoint_url=proxy.endpoint), acls=False)
    for key, data in rclone_files.items():
        remote, body = get_small(store, unique_bucket, key)
        assert body == data, key
        assert (remote.size, remote.etag) == (len(data), hashlib.md5(data).hexdigest())
    assert proxy.connections == 1  # one after another: each reuses the one before's connection


def test_an_object_over_the_limit_is_left_unread_for_the_long_way_and_the_next_still_comes(
    make_fast: Callable[..., FastS3Store], rclone_server: RcloneServer, rclone_account: Account,
    rclone_store: S3Store, unique_bucket: str, tcp_fault_proxy: Callable[..., Any],
) -> None:  # fmt: skip
    rclone_store.client.create_bucket(Bucket=unique_bucket)
    big = bytes(range(256)) * 4096  # 1 MiB
    rclone_store.client.put_object(Bucket=unique_bucket, Key="big.bin", Body=big)
    rclone_store.client.put_object(Bucket=unique_bucket, Key="small.txt", Body=b"small")
    proxy = tcp_fault_proxy(rclone_server.endpoint)
    store = make_fast(rclone_account.with_changes(endpoint_url=proxy.endpoint), acls=False)

    remote, body = get_small(store, unique_bucket, "big.bin", limit=64 * 1024)

    assert body is None
    assert (remote.size, remote.etag) == (len(big), hashlib.md5(big).hexdigest())
    # The unread body cannot share its connection with the next answer: a new one is opened.
    assert get_small(store, unique_bucket, "small.txt")[1] == b"small"
    assert proxy.connections == 2


def test_a_connection_the_server_closes_as_it_is_reused_is_replaced_without_an_error(
    make_fast: Callable[..., FastS3Store], rclone_server: RcloneServer, rclone_account: Account,
    rclone_files: dict[str, bytes], unique_bucket: str, tcp_fault_proxy: Callable[..., Any],
) -> None:  # fmt: skip
    # The keep-alive race: the server closes an idle connection just as the next request
    # goes out on it. That request reached no server, so it goes again, on a new connection:
    # the other idle ones are as old, and may be closing too.
    proxy = tcp_fault_proxy(rclone_server.endpoint)
    store = make_fast(rclone_account.with_changes(endpoint_url=proxy.endpoint), acls=False)
    keys = list(rclone_files)

    async def four_at_once() -> list[tuple[RemoteObject, bytes | None]]:
        return await asyncio.gather(
            *(store.get_small(unique_bucket, k, limit=SMALL_DOWNLOAD) for k in keys[:4])
        )

    assert [body for _remote, body in store._loop.run(four_at_once())] == [rclone_files[k] for k in keys[:4]]
    assert proxy.connections == 4  # four idle connections now

    proxy.close_reused = True
    for key in keys[4:]:
        assert get_small(store, unique_bucket, key)[1] == rclone_files[key], key
    assert proxy.reuses_closed == len(keys) - 4  # every request after the first of the run met the race
    assert proxy.connections == len(keys)  # four, then a new one for each race


def test_a_connection_closed_while_idle_is_not_used_again(
    make_fast: Callable[..., FastS3Store], moto_endpoint: str, moto_account: Account, moto_bucket: str,
    moto_store: S3Store,
) -> None:  # fmt: skip
    moto_store.client.put_object(Bucket=moto_bucket, Key="a.txt", Body=b"a")
    with FaultProxy(moto_endpoint) as proxy:
        store = make_fast(moto_account.with_changes(endpoint_url=proxy.endpoint))
        assert get_small(store, moto_bucket, "a.txt")[1] == b"a"
        proxy.close_connections()  # the server side closes the idle connection
        assert get_small(store, moto_bucket, "a.txt")[1] == b"a"
        assert proxy.count(Match.get_object(moto_bucket)) == 2  # no request lost, none sent twice


def test_a_stalled_answer_is_given_up_in_plain_words(
    make_fast: Callable[..., FastS3Store], rclone_server: RcloneServer, rclone_account: Account,
    rclone_files: dict[str, bytes], unique_bucket: str, tcp_fault_proxy: Callable[..., Any],
) -> None:  # fmt: skip
    proxy = tcp_fault_proxy(rclone_server.endpoint, stall_share=1.0, stall_s=30.0, fault_window=64)
    store = make_fast(rclone_account.with_changes(endpoint_url=proxy.endpoint), acls=False, read_timeout=1)
    with pytest.raises(Timeout) as caught:
        get_small(store, unique_bucket, "f/00.txt")
    assert "stopped answering" in caught.value.message
    assert proxy.stalls == 1


def test_error_answers_read_as_elsewhere_and_slow_down_lowers_the_limit(
    make_fast: Callable[..., FastS3Store], moto_endpoint: str, moto_account: Account, moto_bucket: str,
    moto_store: S3Store,
) -> None:  # fmt: skip
    moto_store.client.put_object(Bucket=moto_bucket, Key="here.txt", Body=b"here")
    with FaultProxy(moto_endpoint) as proxy:
        store = make_fast(moto_account.with_changes(endpoint_url=proxy.endpoint), connections=16)
        with pytest.raises(NotFound):
            get_small(store, moto_bucket, "not-here.txt")
        proxy.fail(Match.get_object(moto_bucket), status=503, code="SlowDown", times=1)
        with pytest.raises(Throttled):
            get_small(store, moto_bucket, "here.txt")
        assert store.limit.limit == 8
        assert get_small(store, moto_bucket, "here.txt")[1] == b"here"  # same connection, still in step
        assert proxy.count(Match.get_object(moto_bucket)) == 3


def test_a_refused_signature_on_a_small_get_is_told_in_plain_words(
    make_fast: Callable[..., FastS3Store], rclone_server: RcloneServer, rclone_account: Account,
    rclone_files: dict[str, bytes], unique_bucket: str,
) -> None:  # fmt: skip
    wrong = make_fast(rclone_account, Credentials(rclone_server.access_key, "not-the-secret"), acls=False)
    with pytest.raises(AuthError) as caught:
        get_small(wrong, unique_bucket, "f/00.txt")
    assert "did not accept these keys" in caught.value.message


def test_a_server_that_is_not_there_is_told_as_refused(
    make_fast: Callable[..., FastS3Store], moto_account: Account, moto_bucket: str
) -> None:
    with socket.socket() as placeholder:  # a port nothing listens on once this closes
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]
    store = make_fast(moto_account.with_changes(endpoint_url=f"http://127.0.0.1:{port}"))
    with pytest.raises(NetworkError) as caught:
        get_small(store, moto_bucket, "a.txt")
    assert "refused the connection" in caught.value.message


def test_small_puts_arrive_with_their_headers_on_one_kept_connection(
    make_fast: Callable[..., FastS3Store], rclone_server: RcloneServer, rclone_account: Account,
    rclone_store: S3Store, unique_bucket: str, tcp_fault_proxy: Callable[..., Any],
) -> None:  # fmt: skip
    rclone_store.client.create_bucket(Bucket=unique_bucket)
    proxy = tcp_fault_proxy(rclone_server.endpoint)
    store = make_fast(rclone_account.with_changes(endpoint_url=proxy.endpoint), acls=False)
    files = {f"up/{i:02d}.csv": f"a,b\n{i},{i * i}\n".encode() for i in range(FILES)}
    for key, data in files.items():
        assert put_small(store, unique_bucket, key, data) == hashlib.md5(data).hexdigest()
    assert proxy.connections == 1
    for key, data in files.items():
        got = rclone_store.client.get_object(Bucket=unique_bucket, Key=key)
        assert got["Body"].read() == data, key
        metadata = {name.lower(): value for name, value in got["Metadata"].items()}  # rclone: "Origin"
        assert (got["ContentType"], got["CacheControl"], metadata) == (
            "text/csv", "max-age=60", {"origin": "spacesgui test"}
        )  # fmt: skip


def test_a_small_put_whose_bytes_differ_from_their_md5_is_refused_and_nothing_is_stored(
    make_fast: Callable[..., FastS3Store], rclone_account: Account, rclone_store: S3Store, unique_bucket: str
) -> None:
    rclone_store.client.create_bucket(Bucket=unique_bucket)
    store = make_fast(rclone_account, acls=False)
    with pytest.raises(IntegrityError):
        put_small(store, unique_bucket, "changed.txt", b"the bytes sent", md5_of=b"the bytes read")
    assert rclone_store.head_object(unique_bucket, "changed.txt") is None
    assert put_small(store, unique_bucket, "after.txt", b"after") == hashlib.md5(b"after").hexdigest()


def test_a_small_put_that_meets_the_keep_alive_race_arrives_once_whole(
    make_fast: Callable[..., FastS3Store], rclone_server: RcloneServer, rclone_account: Account,
    rclone_store: S3Store, unique_bucket: str, tcp_fault_proxy: Callable[..., Any],
) -> None:  # fmt: skip
    rclone_store.client.create_bucket(Bucket=unique_bucket)
    proxy = tcp_fault_proxy(rclone_server.endpoint)
    proxy.close_reused = True
    store = make_fast(rclone_account.with_changes(endpoint_url=proxy.endpoint), acls=False)
    for i in range(4):
        put_small(store, unique_bucket, f"race/{i}.csv", f"{i}\n".encode())
    assert proxy.reuses_closed == 3
    listed = {e.key: e.size for e in rclone_store.iter_objects(unique_bucket, "race/")}
    assert listed == {f"race/{i}.csv": 2 for i in range(4)}


@pytest.mark.parametrize("framing", ["chunked", "close"])
def test_answers_in_chunks_are_read_and_answers_to_the_connections_end_go_the_long_way(
    make_fast: Callable[..., FastS3Store], make_engine: Callable[..., TransferEngine], moto_endpoint: str,
    moto_account: Account, moto_bucket: str, moto_store: S3Store, tmp_path: Path, framing: str,
) -> None:  # fmt: skip
    files = {f"framed/{i}.txt": f"framed {i} ".encode() * (i + 1) for i in range(3)}
    for key, data in files.items():
        moto_store.client.put_object(Bucket=moto_bucket, Key=key, Body=data)
    with FaultProxy(moto_endpoint) as proxy:
        proxy.framing = framing
        store = make_fast(moto_account.with_changes(endpoint_url=proxy.endpoint))
        body = get_small(store, moto_bucket, "framed/0.txt")[1]
        # Chunks are read on our connections; a body with no length is not (it comes the long way).
        assert body == (files["framed/0.txt"] if framing == "chunked" else None)

        engine = make_engine(store)
        engine.add(
            [], [download_of(moto_bucket, key, tmp_path / key, len(data)) for key, data in files.items()]
        )
        assert engine.wait_idle(60)
        assert {t.key: (t.state, t.error) for t in engine.transfers()} == {
            key: (TransferState.DONE, "") for key in files
        }  # fmt: skip
        for key, data in files.items():
            assert (tmp_path / key).read_bytes() == data, key

        assert put_small(store, moto_bucket, "framed/up.csv", b"up") == hashlib.md5(b"up").hexdigest()
        puts = proxy.count(Match.put_object(moto_bucket))
    assert moto_store.client.get_object(Bucket=moto_bucket, Key="framed/up.csv")["Body"].read() == b"up"
    # An answer with no length: the PUT goes once more through aiohttp, which reads it.
    assert puts == (1 if framing == "chunked" else 2)
