"""HTTPS with a private certificate authority (issue 11, item 6): an account trusts its own CA
bundle on every connection (boto3 and the fast data path), says in plain words when a
server's certificate is not trusted, and reuses its secure connections."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from spacesgui.adapters.s3_fast_data import FastS3Store
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.errors import InvalidInput, UntrustedCertificate
from spacesgui.core.transfers import TransferState
from spacesgui.engine.transfer_engine import TransferEngine
from tests.conftest import RcloneServer
from tests.integration.transfer_helpers import MiB, download_of, upload_of, write_random
from tests.tls_certs import PrivateCa, tls_account

SMALL_FILES = 48
AT_ONCE = 4


@pytest.fixture
def tls_server(rclone_tls_server: tuple[RcloneServer, PrivateCa]) -> RcloneServer:
    return rclone_tls_server[0]


@pytest.fixture
def ca(rclone_tls_server: tuple[RcloneServer, PrivateCa]) -> PrivateCa:
    return rclone_tls_server[1]


@pytest.fixture
def tls_bucket(
    tls_server: RcloneServer, ca: PrivateCa, make_store: Callable[..., S3Store], unique_bucket: str
) -> str:
    """A new bucket on the https server, made through boto3 with the account's CA bundle."""
    make_store(tls_account(tls_server.endpoint, str(ca.ca)), acls=False).create_bucket(unique_bucket, "")
    return unique_bucket


def finished(engine: TransferEngine) -> list[tuple[str, TransferState, str]]:
    assert engine.wait_idle(120)
    return [(t.key, t.state, t.error) for t in engine.transfers()]


def test_an_account_with_its_ca_certificate_moves_small_and_multipart_files_over_https(
    tls_server: RcloneServer, ca: PrivateCa, tls_bucket: str, make_fast: Callable[..., FastS3Store],
    make_engine: Callable[..., TransferEngine], tmp_path: Path,
) -> None:  # fmt: skip
    store = make_fast(tls_account(tls_server.endpoint, str(ca.ca)), acls=False)
    sources = {
        "small.bin": write_random(tmp_path / "up" / "small.bin", 3_000, seed=1),
        "big.bin": write_random(tmp_path / "up" / "big.bin", 11 * MiB, seed=2),  # 3 parts of 5 MiB
    }
    engine = make_engine(store)
    engine.add([], [upload_of(tls_bucket, key, tmp_path / "up" / key) for key in sources])
    assert finished(engine) == [(key, TransferState.DONE, "") for key in sources]
    for key, data in sources.items():  # the bytes the server wrote to its disk
        assert (tls_server.root / tls_bucket / key).read_bytes() == data, key

    downloads = [
        download_of(tls_bucket, key, tmp_path / "down" / key, len(data)) for key, data in sources.items()
    ]
    (tmp_path / "down").mkdir()
    engine.add([], downloads)
    assert all(state == TransferState.DONE for _key, state, _error in finished(engine))
    for key, data in sources.items():
        assert (tmp_path / "down" / key).read_bytes() == data, key


def test_without_the_ca_certificate_the_user_is_told_it_is_not_trusted_and_nothing_is_written(
    tls_server: RcloneServer, tls_bucket: str, make_fast: Callable[..., FastS3Store],
    make_store: Callable[..., S3Store], make_engine: Callable[..., TransferEngine], tmp_path: Path,
) -> None:  # fmt: skip
    account = tls_account(tls_server.endpoint)  # no CA bundle: only the public authorities
    write_random(tmp_path / "up" / "a.bin", 2_000)
    engine = make_engine(make_fast(account, acls=False), retries=1)
    engine.add([], [upload_of(tls_bucket, "a.bin", tmp_path / "up" / "a.bin")])

    ((_key, state, error),) = finished(engine)
    assert state == TransferState.FAILED
    assert "certificate is not trusted" in error, error
    assert "CA certificate" in error  # where to fix it
    assert list((tls_server.root / tls_bucket).iterdir()) == []
    with pytest.raises(UntrustedCertificate) as caught:  # listings go through boto3: the same words
        make_store(account, acls=False).list_buckets()
    assert "certificate is not trusted" in caught.value.message


def test_many_small_files_over_https_reuse_a_few_connections(
    tls_server: RcloneServer, ca: PrivateCa, tls_bucket: str, tcp_fault_proxy: Callable[..., Any],
    make_fast: Callable[..., FastS3Store], make_engine: Callable[..., TransferEngine], tmp_path: Path,
) -> None:  # fmt: skip
    proxy = tcp_fault_proxy(tls_server.endpoint.removeprefix("https://"))  # counts TCP connections
    store = make_fast(
        tls_account(f"https://127.0.0.1:{proxy.port}", str(ca.ca)), acls=False, connections=AT_ONCE
    )
    sources = {
        f"many/{i:02d}.bin": write_random(tmp_path / "up" / f"{i:02d}.bin", 512 + i, seed=i)
        for i in range(SMALL_FILES)
    }
    engine = make_engine(store, parallel_files=AT_ONCE)
    engine.add([], [upload_of(tls_bucket, key, tmp_path / "up" / key.split("/")[1]) for key in sources])

    assert {state for _key, state, _error in finished(engine)} == {TransferState.DONE}
    for key, data in sources.items():
        assert (tls_server.root / tls_bucket / key).read_bytes() == data, key
    # Each TLS handshake is a new connection: a pool that did not keep them would open one a file.
    assert proxy.connections <= SMALL_FILES // 4, proxy.connections

    # Downloads of small files go on connections of the fast path's own (s3_small_requests.py).
    uploads_opened = proxy.connections
    down = make_engine(store, parallel_files=AT_ONCE)
    down.add(
        [],
        [download_of(tls_bucket, key, tmp_path / "down" / key, len(data)) for key, data in sources.items()],
    )
    assert {state for _key, state, _error in finished(down)} == {TransferState.DONE}
    for key, data in sources.items():
        assert (tmp_path / "down" / key).read_bytes() == data, key
    assert proxy.connections - uploads_opened <= SMALL_FILES // 4, proxy.connections - uploads_opened


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "there is no such file"),
        (b"not a certificate\n", "holds no certificate"),
        ("folder", "is a folder"),
    ],
)
def test_a_ca_bundle_that_cannot_be_used_is_explained_before_any_request(
    tmp_path: Path, make_store: Callable[..., S3Store], content: bytes | str | None, words: str
) -> None:
    path = tmp_path / "ca.pem"
    if content == "folder":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(InvalidInput) as caught:
        make_store(tls_account("https://127.0.0.1:9", str(path)))
    assert words in caught.value.message
    assert str(path) in caught.value.message
    assert "account settings" in caught.value.message
