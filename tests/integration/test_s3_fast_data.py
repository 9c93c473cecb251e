"""The fast data path (aiohttp, botocore's signer) against moto and `rclone serve s3`.

rclone checks signatures, moto does not: every key and header must reach rclone exactly
as it was signed. Bytes are read back with boto3, so a key sent under another name, or a
header lost, shows as a difference the user would see.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from spacesgui.adapters.s3_fast_data import FastS3Store
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account, Credentials
from spacesgui.core.errors import AuthError, ObjectChanged, Throttled, TlsError
from spacesgui.core.transfers import PUBLIC_READ, PartRecord
from tests.conftest import RcloneServer
from tests.fault_proxy import FaultProxy, Match
from tests.integration.object_helpers import AWKWARD_KEYS, RCLONE_AWKWARD_KEYS

MIB = 1024 * 1024
TOKEN = "FwoGZXIvYXdzEXAMPLE/session+token=="  # a session token's shape: / + = included


@dataclass(frozen=True, slots=True)
class Fast:
    name: str
    store: FastS3Store
    plain: S3Store  # boto3, to check what arrived
    bucket: str

    @property
    def keys(self) -> tuple[str, ...]:
        return AWKWARD_KEYS if self.name == "moto" else RCLONE_AWKWARD_KEYS


@pytest.fixture(params=["moto", "rclone"])
def fast(
    request: pytest.FixtureRequest, make_fast: Callable[..., FastS3Store], server_credentials: Credentials,
    unique_bucket: str, moto_endpoint: str, rclone_server: RcloneServer,
) -> Fast:  # fmt: skip
    """A fast store with a session token, on moto or rclone, and a plain store to check with.

    Both servers are asked for here, not one through getfixturevalue: a session fixture
    first set up that way is not known as long-lived, and its thread fails the leak check.
    """
    with_token = Credentials(server_credentials.access_key_id, server_credentials.secret_access_key, TOKEN)
    if request.param == "moto":
        plain: S3Store = request.getfixturevalue("moto_store")
        bucket = request.getfixturevalue("moto_bucket")
        store = make_fast(request.getfixturevalue("moto_account"), with_token)
    else:
        plain = request.getfixturevalue("rclone_store")
        plain.client.create_bucket(Bucket=unique_bucket)
        bucket = unique_bucket
        store = make_fast(request.getfixturevalue("rclone_account"), with_token, acls=False)
    return Fast(request.param, store, plain, bucket)


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def put(store: FastS3Store, bucket: str, key: str, data: bytes, **headers: str) -> str:
    return store.put_object(
        bucket, key, _Body(data), size=len(data), md5_b64=md5_b64(data),
        content_type=headers.get("content_type", "text/plain"), acl=headers.get("acl", ""),
        cache_control=headers.get("cache_control", ""), metadata={"md5": hashlib.md5(data).hexdigest()},
    )  # fmt: skip


class _Body:
    """The engine's reader in its simplest form: bytes in memory."""

    def __init__(self, data: bytes) -> None:
        self._data, self.position = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else min(len(self._data), self.position + size)
        chunk, self.position = self._data[self.position : end], end
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = offset
        return offset

    def tell(self) -> int:
        return self.position


def read_back(fast: Fast, key: str) -> bytes:
    return fast.plain.client.get_object(Bucket=fast.bucket, Key=key)["Body"].read()


def test_awkward_keys_go_up_and_come_down_byte_for_byte_with_a_session_token(fast: Fast) -> None:
    for key in fast.keys:
        data = f"bytes of {key}".encode()
        assert put(fast.store, fast.bucket, key, data) == hashlib.md5(data).hexdigest()
    listed = {e.key for e in fast.plain.iter_objects(fast.bucket, "")}
    assert listed == set(fast.keys)  # no key arrived under another name
    for key in fast.keys:
        data = f"bytes of {key}".encode()
        assert read_back(fast, key) == data
        stream = fast.store.open_download(fast.bucket, key)
        try:
            assert b"".join(stream.chunks(7)) == data
        finally:
            stream.close()
        assert stream.remote.size == len(data)
        remote, body = fast.store._loop.run(fast.store.get_small(fast.bucket, key, limit=1024 * 1024))
        assert (body, remote.key, remote.size) == (data, key, len(data))  # a small file's own GET
    for key in fast.keys:  # a small file's own PUT (the engine's loop job)
        data = f"small bytes of {key}".encode()
        sending = fast.store.put_small(
            fast.bucket, key, data, md5_b64=md5_b64(data), content_type="text/plain", acl="",
            cache_control="", metadata={},
        )  # fmt: skip
        assert fast.store._loop.run(sending) == hashlib.md5(data).hexdigest()
        assert read_back(fast, key) == data


def test_headers_reach_the_object(fast: Fast) -> None:
    data = b"<html></html>"
    put(fast.store, fast.bucket, "page.html", data, content_type="text/html", cache_control="max-age=60")
    head = fast.plain.client.head_object(Bucket=fast.bucket, Key="page.html")
    assert head["ContentType"] == "text/html"
    # rclone answers with the name capitalised (Go's header form), whoever sent it.
    assert {k.lower(): v for k, v in head["Metadata"].items()} == {"md5": hashlib.md5(data).hexdigest()}
    if fast.name == "moto":  # rclone keeps neither Cache-Control nor ACLs
        assert head["CacheControl"] == "max-age=60"


def test_a_public_upload_is_public(make_fast: Callable[..., FastS3Store], moto_account: Account,
                                   moto_store: S3Store, moto_bucket: str) -> None:  # fmt: skip
    store = make_fast(moto_account)
    put(store, moto_bucket, "public.txt", b"for all", acl=PUBLIC_READ)
    grants = moto_store.client.get_object_acl(Bucket=moto_bucket, Key="public.txt")["Grants"]
    assert any(g["Grantee"].get("URI", "").endswith("/AllUsers") for g in grants)


def test_a_big_body_streams_and_multipart_parts_join(fast: Fast) -> None:
    parts = [b"a" * (5 * MIB), b"b" * (3 * MIB + 17)]  # over INLINE_BYTES: streamed in chunks
    upload_id = fast.plain.create_multipart_upload(
        fast.bucket, "big.bin", content_type="", acl="", cache_control="", metadata={}
    )
    records = []
    for number, data in enumerate(parts, 1):
        etag = fast.store.upload_part(
            fast.bucket, "big.bin", upload_id, number, _Body(data), size=len(data), md5_b64=md5_b64(data)
        )
        assert etag == hashlib.md5(data).hexdigest()
        records.append((number, etag))
    fast.plain.complete_multipart_upload(
        fast.bucket, "big.bin", upload_id, [PartRecord(n, 0, 0, e) for n, e in records]
    )
    whole = b"".join(parts)
    # A range of megabytes (on a worker thread) and a short one (on the loop) read the same.
    for start, end in ((MIB, 7 * MIB - 1), (5 * MIB - 10, 5 * MIB + 99)):
        stream = fast.store.open_download(fast.bucket, "big.bin", start=start, end=end)
        try:
            assert b"".join(stream.chunks(256 * 1024)) == whole[start : end + 1]
        finally:
            stream.close()
        assert stream.remote.size == len(whole)
        assert stream.remote.etag == fast.plain.head_object(fast.bucket, "big.bin").etag


def test_a_changed_object_is_refused_as_changed(fast: Fast) -> None:
    put(fast.store, fast.bucket, "v.txt", b"one")
    with pytest.raises(ObjectChanged):
        fast.store.open_download(fast.bucket, "v.txt", if_match=hashlib.md5(b"other").hexdigest())


def test_a_refused_signature_is_told_in_plain_words(
    make_fast: Callable[..., FastS3Store], rclone_server: RcloneServer, rclone_account: Account,
    rclone_store: S3Store, unique_bucket: str,
) -> None:  # fmt: skip
    rclone_store.client.create_bucket(Bucket=unique_bucket)
    wrong = make_fast(rclone_account, Credentials(rclone_server.access_key, "not-the-secret"), acls=False)
    with pytest.raises(AuthError) as caught:
        put(wrong, unique_bucket, "x.txt", b"x")
    assert "did not accept these keys" in caught.value.message
    small = wrong.put_small(
        unique_bucket, "y.txt", b"y", md5_b64=md5_b64(b"y"), content_type="", acl="", cache_control="",
        metadata={},
    )  # fmt: skip
    with pytest.raises(AuthError) as caught:  # a small file's own PUT, on the store's own connections
        wrong._loop.run(small)
    assert "did not accept these keys" in caught.value.message
    assert not list(rclone_store.iter_objects(unique_bucket, ""))


def test_slow_down_halves_how_many_go_at_once_and_clean_answers_bring_it_back(
    make_fast: Callable[..., FastS3Store], moto_endpoint: str, moto_account: Account, moto_bucket: str,
    moto_store: S3Store,
) -> None:  # fmt: skip
    with FaultProxy(moto_endpoint) as proxy:
        store = make_fast(moto_account.with_changes(endpoint_url=proxy.endpoint), connections=16)
        proxy.fail(Match.put_object(moto_bucket), status=503, code="SlowDown", times=1)
        with pytest.raises(Throttled):
            put(store, moto_bucket, "a.txt", b"a")
        assert store.limit.limit == 8
        for i in range(8):
            put(store, moto_bucket, f"b{i}.txt", b"b")
        assert store.limit.limit == 9
    assert read_back_plain(moto_store, moto_bucket, "b7.txt") == b"b"


def test_a_load_balancers_cookie_is_not_sent_back(
    make_fast: Callable[..., FastS3Store], moto_endpoint: str, moto_account: Account, moto_bucket: str,
    moto_store: S3Store,
) -> None:  # fmt: skip
    # As boto3: S3 requests carry no cookies, whatever a load balancer in front sets.
    with FaultProxy(moto_endpoint) as proxy:
        proxy.add_answer_header("Set-Cookie", "AWSALB=sticky-backend-7; Path=/")
        by_name = proxy.endpoint.replace("127.0.0.1", "localhost")  # a host name keeps cookies; an IP not
        store = make_fast(moto_account.with_changes(endpoint_url=by_name))
        for i in range(3):
            put(store, moto_bucket, f"c{i}.txt", b"c")
            stream = store.open_download(moto_bucket, f"c{i}.txt")
            try:
                assert b"".join(stream.chunks(64)) == b"c"
            finally:
                stream.close()
        sent = proxy.requests
    assert len(sent) >= 6
    assert [r.header("Cookie") for r in sent] == [None] * len(sent)
    assert read_back_plain(moto_store, moto_bucket, "c2.txt") == b"c"


def read_back_plain(store: S3Store, bucket: str, key: str) -> bytes:
    return store.client.get_object(Bucket=bucket, Key=key)["Body"].read()


def test_https_to_a_plain_http_server_is_told_as_a_tls_problem(
    make_fast: Callable[..., FastS3Store], moto_endpoint: str, moto_account: Account, moto_bucket: str
) -> None:
    store = make_fast(moto_account.with_changes(endpoint_url=moto_endpoint.replace("http://", "https://", 1)))
    with pytest.raises(TlsError) as caught:
        put(store, moto_bucket, "x.txt", b"x")
    assert "secure connection" in caught.value.message
