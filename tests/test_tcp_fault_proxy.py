"""The TCP fault proxy itself: clean forwarding, resets, stalls, reproducibility, speed."""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account
from tests.tcp_fault_proxy import TcpFaultProxy

MIB = 1024 * 1024
_HEADER = struct.Struct("!QQ")


class _ByteServer:
    """A loopback TCP server for raw tests, one connection at a time.

    The client sends two 8-byte counts (upload, download), then `upload` bytes; the
    server reads them all, answers with `download` bytes and closes.
    """

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="byte-server", daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self._listener.getsockname()[1]}"

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._listener.close()
        assert not self._thread.is_alive()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            with conn, contextlib.suppress(OSError):
                conn.settimeout(0.2)
                self._answer(conn)

    def _answer(self, conn: socket.socket) -> None:
        header = self._read(conn, _HEADER.size)
        if header is None:
            return
        upload, download = _HEADER.unpack(header)
        left = upload
        while left and not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                data = conn.recv(min(left, 1 << 20))
                if not data:
                    return
                left -= len(data)
        block = bytes(range(256)) * 4096  # 1 MiB
        while download and not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                download -= conn.send(memoryview(block)[: min(download, len(block))])

    def _read(self, conn: socket.socket, size: int) -> bytes | None:
        data = b""
        while len(data) < size and not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                chunk = conn.recv(size - len(data))
                if not chunk:
                    return None
                data += chunk
        return data if len(data) == size else None


@pytest.fixture
def byte_server() -> Iterator[_ByteServer]:
    server = _ByteServer()
    try:
        yield server
    finally:
        server.close()


def _exchange(endpoint: str, upload: int, download: int, *, timeout: float = 5.0) -> int:
    """Upload `upload` bytes and ask for `download`; return how many came back."""
    port = int(endpoint.rsplit(":", 1)[1])
    received = 0
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(_HEADER.pack(upload, download))
            block = os.urandom(MIB)
            left = upload
            while left:
                sock.sendall(memoryview(block)[: min(left, MIB)])
                left -= min(left, MIB)
            while True:
                data = sock.recv(1 << 20)
                if not data:
                    break
                received += len(data)
        except ConnectionError:
            pass
    return received


def _wait_until(condition: Callable[[], bool], timeout: float = 2.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _put_request(bucket: str, key: str, size: int) -> bytes:
    return (
        f"PUT /{bucket}/{key} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {size}\r\n\r\n"
    ).encode()


def _connect(proxy: TcpFaultProxy, timeout: float) -> socket.socket:
    return socket.create_connection(("127.0.0.1", proxy.port), timeout=timeout)


# -- no faults -----------------------------------------------------------------------------


def test_boto3_put_and_get_round_trip_through_the_proxy(
    tcp_fault_proxy: Callable[..., TcpFaultProxy],
    moto_endpoint: str,
    moto_account: Account,
    moto_bucket: str,
    make_store: Callable[..., S3Store],
) -> None:
    proxy = tcp_fault_proxy(moto_endpoint)
    store = make_store(moto_account.with_changes(endpoint_url=proxy.endpoint))
    body = os.urandom(5 * MIB + 123)

    store.client.put_object(Bucket=moto_bucket, Key="big.bin", Body=body)
    got = store.client.get_object(Bucket=moto_bucket, Key="big.bin")["Body"].read()

    assert got == body
    assert proxy.connections >= 1
    assert proxy.bytes_forwarded > 2 * len(body)
    assert (proxy.resets, proxy.stalls) == (0, 0)


def test_throughput_of_64_mib_each_way(
    tcp_fault_proxy: Callable[..., TcpFaultProxy], byte_server: _ByteServer
) -> None:
    proxy = tcp_fault_proxy(byte_server.address)
    started = time.perf_counter()
    received = _exchange(proxy.endpoint, 64 * MIB, 64 * MIB, timeout=10)
    elapsed = time.perf_counter() - started

    print(f"128 MiB (64 up, 64 down) through the proxy in {elapsed:.2f} s: {128 / elapsed:.0f} MiB/s")
    assert received == 64 * MIB
    assert elapsed < 10


# -- resets --------------------------------------------------------------------------------


def test_reset_share_one_resets_an_upload_mid_body(
    tcp_fault_proxy: Callable[..., TcpFaultProxy], moto_endpoint: str, moto_bucket: str
) -> None:
    proxy = tcp_fault_proxy(moto_endpoint, reset_share=1.0)
    size = 2 * MIB
    answer = b""
    with _connect(proxy, timeout=5) as sock:
        try:
            sock.sendall(_put_request(moto_bucket, "cut.bin", size) + os.urandom(size))
            answer = sock.recv(65536)
        except ConnectionError:  # reset, or broken pipe while still sending
            answer = b""
    assert answer == b""
    assert _wait_until(lambda: proxy.resets == 1)
    assert proxy.connections == 1


def test_reset_cuts_a_download_mid_body(
    tcp_fault_proxy: Callable[..., TcpFaultProxy], byte_server: _ByteServer
) -> None:
    proxy = tcp_fault_proxy(byte_server.address, reset_share=1.0)
    received = _exchange(proxy.endpoint, 0, 4 * MIB)
    assert received < 256 * 1024
    assert _wait_until(lambda: proxy.resets == 1)


def test_heal_stops_faults_even_on_open_connections(
    tcp_fault_proxy: Callable[..., TcpFaultProxy], byte_server: _ByteServer
) -> None:
    proxy = tcp_fault_proxy(byte_server.address, reset_share=1.0)
    with _connect(proxy, timeout=5) as sock:
        assert _wait_until(lambda: proxy.connections == 1)
        proxy.heal()  # this connection's planned reset must not fire any more
        sock.sendall(_HEADER.pack(MIB, MIB) + os.urandom(MIB))
        received = 0
        while data := sock.recv(1 << 20):
            received += len(data)
    assert received == MIB
    assert _exchange(proxy.endpoint, MIB, MIB) == MIB
    assert proxy.resets == 0


def test_configure_turns_faults_on_for_new_connections(
    tcp_fault_proxy: Callable[..., TcpFaultProxy], byte_server: _ByteServer
) -> None:
    proxy = tcp_fault_proxy(byte_server.address)
    assert _exchange(proxy.endpoint, MIB, MIB) == MIB
    proxy.configure(reset_share=1.0)
    assert _exchange(proxy.endpoint, MIB, MIB) < MIB
    assert _wait_until(lambda: proxy.resets == 1)
    with pytest.raises(ValueError, match="must not exceed 1"):
        proxy.configure(stall_share=0.5)


def test_the_same_seed_faults_the_same_connections(
    tcp_fault_proxy: Callable[..., TcpFaultProxy], byte_server: _ByteServer
) -> None:
    def outcomes(seed: int) -> tuple[list[bool], int]:
        proxy = tcp_fault_proxy(byte_server.address, seed=seed, reset_share=0.5)
        complete = [_exchange(proxy.endpoint, 512 * 1024, 512 * 1024) == 512 * 1024 for _ in range(16)]
        assert _wait_until(lambda: proxy.resets == complete.count(False))
        proxy.close()
        return complete, proxy.resets

    first, resets = outcomes(seed=7)
    assert outcomes(seed=7) == (first, resets)
    assert 0 < resets < 16


# -- stalls --------------------------------------------------------------------------------


def test_stall_times_out_a_reader_and_close_is_quick(
    tcp_fault_proxy: Callable[..., TcpFaultProxy], moto_endpoint: str, moto_bucket: str
) -> None:
    proxy = tcp_fault_proxy(moto_endpoint, stall_share=1.0, stall_s=2)
    size = 2 * MIB
    with _connect(proxy, timeout=0.5) as sock:
        # The 2 MiB may fit in the socket buffers; then the read is what times out.
        with contextlib.suppress(TimeoutError):
            sock.sendall(_put_request(moto_bucket, "stalled.bin", size) + os.urandom(size))
        with pytest.raises(TimeoutError):
            sock.recv(65536)
    assert proxy.stalls == 1
    assert proxy.resets == 0

    started = time.monotonic()
    proxy.close()
    assert time.monotonic() - started < 1.0


def test_a_stalled_connection_is_closed_after_stall_s(
    tcp_fault_proxy: Callable[..., TcpFaultProxy], byte_server: _ByteServer
) -> None:
    proxy = tcp_fault_proxy(byte_server.address, stall_share=1.0, stall_s=0.5)
    started = time.monotonic()
    received = _exchange(proxy.endpoint, 0, 4 * MIB, timeout=5)
    elapsed = time.monotonic() - started
    assert received < 256 * 1024
    assert 0.4 < elapsed < 3
    assert proxy.stalls == 1


def test_close_without_start_and_twice_is_harmless(byte_server: _ByteServer) -> None:
    TcpFaultProxy(byte_server.address).close()
    with TcpFaultProxy(byte_server.address) as proxy:
        assert proxy.endpoint.startswith("http://127.0.0.1:")
    proxy.close()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reset_share": 1.5}, "between 0 and 1"),
        ({"reset_share": 0.6, "stall_share": 0.6}, "must not exceed 1"),
        ({"stall_s": -1}, "stall_s"),
        ({"fault_window": 0}, "fault_window"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TcpFaultProxy("127.0.0.1:1", **kwargs)
