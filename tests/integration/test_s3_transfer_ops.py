"""S3Store's TransferStore calls against real local servers (moto and `rclone serve s3`).

ACL and Cache-Control tests run on moto only: rclone truncates an object on an ACL PUT
and is never sent ACL calls.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from spacesgui.adapters.s3_client import parse_timestamp
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account
from spacesgui.core.errors import (
    Cancelled,
    IntegrityError,
    InvalidInput,
    NetworkError,
    NotFound,
    ObjectChanged,
    ServerError,
    TransferStopped,
)
from spacesgui.core.transfers import MD5_METADATA, PART_SIZE_METADATA, PartRecord
from tests.conftest import RcloneServer
from tests.fault_proxy import ABSENT, FaultProxy, Match, PaginationBreak

MIB = 1024 * 1024
PART = 5 * MIB  # S3's smallest part but the last
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def multipart_etag(parts: list[bytes]) -> str:
    """The ETag S3 gives a multipart object: MD5 of the parts' MD5s, then "-count"."""
    joined = b"".join(hashlib.md5(p).digest() for p in parts)
    return f"{hashlib.md5(joined).hexdigest()}-{len(parts)}"


class CountingBody(io.BytesIO):
    """A re-readable body that counts the bytes read from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


class FailingBody(io.BytesIO):
    """A body whose read() raises `error` once `after` bytes have been read; counts raises."""

    def __init__(self, data: bytes, error: BaseException, after: int) -> None:
        super().__init__(data)
        self.error = error
        self.after = after
        self.raised = 0

    def read(self, size: int | None = -1) -> bytes:
        if self.tell() >= self.after:
            self.raised += 1
            raise self.error
        return super().read(size if size is not None and 0 <= size <= self.after else self.after)


@dataclass(frozen=True, slots=True)
class Server:
    name: str
    store: S3Store
    bucket: str


@pytest.fixture(params=["moto", "rclone"])
def server(
    request: pytest.FixtureRequest, moto_endpoint: str, rclone_server: RcloneServer, unique_bucket: str
) -> Server:
    """Each test that takes it runs once on moto and once on rclone, in a fresh bucket.

    Both servers are named as arguments so they start before the thread-leak guard
    takes its snapshot: the guard's record of long-lived threads misses session
    fixtures first set up through getfixturevalue inside another fixture.
    """
    if request.param == "moto":
        return Server("moto", request.getfixturevalue("moto_store"), request.getfixturevalue("moto_bucket"))
    store: S3Store = request.getfixturevalue("rclone_store")
    store.client.create_bucket(Bucket=unique_bucket)
    return Server("rclone", store, unique_bucket)


def put(store: S3Store, bucket: str, key: str, data: bytes, **options: Any) -> str:
    kwargs: dict[str, Any] = {"content_type": "", "acl": "private", "cache_control": "", "metadata": {}}
    kwargs.update(options)
    return store.put_object(bucket, key, io.BytesIO(data), size=len(data), md5_b64=md5_b64(data), **kwargs)


def start_multipart(store: S3Store, bucket: str, key: str, **options: Any) -> str:
    kwargs: dict[str, Any] = {"content_type": "", "acl": "private", "cache_control": "", "metadata": {}}
    kwargs.update(options)
    return store.create_multipart_upload(bucket, key, **kwargs)


def send_parts(store: S3Store, bucket: str, key: str, upload_id: str, parts: list[bytes]) -> list[PartRecord]:
    records = []
    offset = 0
    for number, data in enumerate(parts, 1):
        body = io.BytesIO(data)
        etag = store.upload_part(bucket, key, upload_id, number, body, size=len(data), md5_b64=md5_b64(data))
        records.append(PartRecord(number, offset, len(data), etag))
        offset += len(data)
    return records


def upload_multipart(store: S3Store, bucket: str, key: str, parts: list[bytes], **options: Any) -> str:
    upload_id = start_multipart(store, bucket, key, **options)
    records = send_parts(store, bucket, key, upload_id, parts)
    return store.complete_multipart_upload(bucket, key, upload_id, records)


def download(store: S3Store, bucket: str, key: str, **kwargs: Any) -> tuple[bytes, int]:
    """Return (the bytes, the size `.remote` reports)."""
    stream = store.open_download(bucket, key, **kwargs)
    try:
        return b"".join(stream.chunks(64 * 1024)), stream.remote.size
    finally:
        stream.close()


def three_parts() -> list[bytes]:
    return [os.urandom(PART), os.urandom(PART), os.urandom(1000)]


# -- timestamps (no server) -----------------------------------------------------------------

EXPECTED = datetime(2026, 11, 24, 7, 0, 0, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    "text", ["2026-11-24T07:00:00.000Z", "2026-11-24T07:00:00Z", "2026-11-24T07:00:00+00:00"]
)
def test_parse_timestamp_reads_iso_8601_listing_dates(text: str) -> None:
    assert parse_timestamp(text) == EXPECTED


def test_parse_timestamp_reads_two_digit_fractions_as_rclone_sends_them() -> None:
    assert parse_timestamp("2026-11-24T07:00:00.61Z") == pytest.approx(EXPECTED + 0.61)


@pytest.mark.parametrize("text", ["Tue, 24 Nov 2026 07:00:00 GMT", "Tue, 24 Nov 2026 08:00:00 +0100"])
def test_parse_timestamp_reads_rfc_1123_header_dates(text: str) -> None:
    assert parse_timestamp(text) == EXPECTED


def test_parse_timestamp_takes_a_naive_datetime_as_utc() -> None:
    assert parse_timestamp(datetime(2026, 11, 24, 7, 0, 0)) == EXPECTED


@pytest.mark.parametrize("value", [None, "", "yesterday", "Tue, 99 Nov 2026 07:00:00 GMT"])
def test_parse_timestamp_gives_zero_for_missing_or_unreadable_dates(value: Any) -> None:
    assert parse_timestamp(value) == 0.0


# -- single uploads, heads and downloads ------------------------------------------------------


def test_put_then_head_then_download_round_trips_bytes_and_details(server: Server) -> None:
    data = os.urandom(MIB + 7)
    metadata = {MD5_METADATA: md5_hex(data)}

    etag = put(server.store, server.bucket, "dir/a.bin", data, metadata=metadata)
    remote = server.store.head_object(server.bucket, "dir/a.bin")
    got, size = download(server.store, server.bucket, "dir/a.bin")

    assert etag == md5_hex(data)
    assert remote is not None
    assert (remote.key, remote.size, remote.etag) == ("dir/a.bin", len(data), etag)
    assert remote.metadata == metadata
    assert abs(remote.last_modified - time.time()) < 60  # an RFC-1123 header date, read right
    assert got == data
    assert size == len(data)


def test_head_of_a_missing_key_is_none(server: Server) -> None:
    assert server.store.head_object(server.bucket, "no/such/key") is None


def test_a_wrong_content_md5_is_refused_as_integrity_error(server: Server) -> None:
    if server.name == "moto":
        pytest.skip("moto does not check Content-MD5 (its translation is tested via the fault proxy)")
    data = os.urandom(1000)
    body = io.BytesIO(data)

    with pytest.raises(IntegrityError, match="different bytes"):
        server.store.put_object(
            server.bucket, "bad.bin", body, size=len(data), md5_b64=md5_b64(b"other"),
            content_type="", acl="private", cache_control="", metadata={},
        )  # fmt: skip
    assert server.store.head_object(server.bucket, "bad.bin") is None


def test_a_part_with_a_wrong_content_md5_is_refused_as_integrity_error(server: Server) -> None:
    if server.name == "moto":
        pytest.skip("moto does not check Content-MD5 (its translation is tested via the fault proxy)")
    upload_id = start_multipart(server.store, server.bucket, "bad-part.bin")
    data = os.urandom(1000)

    with pytest.raises(IntegrityError):
        server.store.upload_part(
            server.bucket,
            "bad-part.bin",
            upload_id,
            1,
            io.BytesIO(data),
            size=len(data),
            md5_b64=md5_b64(b"x"),
        )
    server.store.abort_multipart_upload(server.bucket, "bad-part.bin", upload_id)


def test_ranged_download_returns_exactly_those_bytes_and_the_whole_size(server: Server) -> None:
    data = os.urandom(300_000)
    put(server.store, server.bucket, "r.bin", data)

    middle, middle_size = download(server.store, server.bucket, "r.bin", start=1000, end=1999)
    tail, tail_size = download(server.store, server.bucket, "r.bin", start=299_990)
    head, head_size = download(server.store, server.bucket, "r.bin", start=0, end=9)

    assert middle == data[1000:2000]
    assert tail == data[299_990:]
    assert head == data[:10]
    assert middle_size == tail_size == head_size == len(data)


def test_download_with_the_current_etag_succeeds(server: Server) -> None:
    etag = put(server.store, server.bucket, "m.bin", b"0123456789")

    assert download(server.store, server.bucket, "m.bin", start=2, if_match=etag)[0] == b"23456789"


def test_download_with_a_stale_etag_raises_object_changed(server: Server) -> None:
    # moto answers 412; rclone ignores If-Match, and the store compares the ETag itself.
    stale = put(server.store, server.bucket, "m.bin", b"first")
    put(server.store, server.bucket, "m.bin", b"second")

    with pytest.raises(ObjectChanged, match="changed on the server"):
        server.store.open_download(server.bucket, "m.bin", start=1, if_match=stale)


def test_iter_objects_lists_every_key_at_any_depth_across_pages(server: Server) -> None:
    keys = ["top.txt", "a/1.txt", "a/b/2.txt", "a/b/c/3.txt", "a/b/c/4 ü+%&.txt", "z/5.txt"]
    for key in keys:
        put(server.store, server.bucket, key, key.encode())

    everything = list(server.store.iter_objects(server.bucket, "", page_size=2))
    under_a = list(server.store.iter_objects(server.bucket, "a/", page_size=2))

    assert sorted(e.key for e in everything) == sorted(keys)
    assert sorted(e.key for e in under_a) == sorted(k for k in keys if k.startswith("a/"))
    entry = next(e for e in everything if e.key == "a/b/2.txt")
    assert (entry.size, entry.etag) == (len(b"a/b/2.txt"), md5_hex(b"a/b/2.txt"))
    assert abs(entry.last_modified - time.time()) < 60


def test_iter_objects_carries_on_with_v1_when_v2_paging_breaks(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    keys = [f"d/{i}/{j}.txt" for i in range(3) for j in range(3)]
    for key in keys:
        put(proxy_store, moto_bucket, key, b"x")
    fault_proxy.cap_page_size(2)
    rewrite = fault_proxy.break_pagination(PaginationBreak.DROP_TOKEN)

    listed = [e.key for e in proxy_store.iter_objects(moto_bucket, "d/")]

    assert sorted(listed) == sorted(keys)
    assert len(listed) == len(keys)
    assert rewrite.hits == 1
    assert fault_proxy.count(Match.list_objects_v1(moto_bucket)) >= 4


def test_upload_bodies_are_read_once(server: Server) -> None:
    # Payload signing is off: botocore no longer reads a body once to hash it, once to send.
    data = os.urandom(2 * MIB)
    single = CountingBody(data)
    part = CountingBody(data)

    server.store.put_object(
        server.bucket, "once.bin", single, size=len(data), md5_b64=md5_b64(data),
        content_type="", acl="private", cache_control="", metadata={},
    )  # fmt: skip
    upload_id = start_multipart(server.store, server.bucket, "once-mp.bin")
    server.store.upload_part(
        server.bucket, "once-mp.bin", upload_id, 1, part, size=len(data), md5_b64=md5_b64(data)
    )
    server.store.abort_multipart_upload(server.bucket, "once-mp.bin", upload_id)

    assert single.bytes_read == len(data)
    assert part.bytes_read == len(data)


# -- multipart ----------------------------------------------------------------------------------


def test_multipart_upload_completes_with_the_s3_multipart_etag(server: Server) -> None:
    parts = three_parts()
    upload_id = start_multipart(
        server.store, server.bucket, "big.bin", metadata={PART_SIZE_METADATA: str(PART)}
    )
    sent = send_parts(server.store, server.bucket, "big.bin", upload_id, parts)

    listed = server.store.list_parts(server.bucket, "big.bin", upload_id)
    etag = server.store.complete_multipart_upload(server.bucket, "big.bin", upload_id, sent)
    remote = server.store.head_object(server.bucket, "big.bin")

    assert [(p.number, p.offset, p.size, p.etag) for p in listed] == [
        (n, 0, len(d), md5_hex(d)) for n, d in enumerate(parts, 1)
    ]
    assert etag == multipart_etag(parts)
    assert remote is not None
    assert remote.size == sum(map(len, parts))
    assert remote.metadata == {PART_SIZE_METADATA: str(PART)}
    assert download(server.store, server.bucket, "big.bin")[0] == b"".join(parts)


def test_list_parts_follows_every_page(server: Server) -> None:
    upload_id = start_multipart(server.store, server.bucket, "paged.bin")
    parts = [bytes([n]) * 10 for n in range(1, 6)]  # small parts are fine until completion
    send_parts(server.store, server.bucket, "paged.bin", upload_id, parts)

    listed = server.store.list_parts(server.bucket, "paged.bin", upload_id, page_size=2)

    assert [p.number for p in listed] == [1, 2, 3, 4, 5]
    server.store.abort_multipart_upload(server.bucket, "paged.bin", upload_id)


def test_list_parts_of_an_upload_that_is_gone_raises_not_found(server: Server) -> None:
    upload_id = start_multipart(server.store, server.bucket, "gone.bin")
    server.store.abort_multipart_upload(server.bucket, "gone.bin", upload_id)

    with pytest.raises(NotFound, match="no longer has this multipart upload"):
        server.store.list_parts(server.bucket, "gone.bin", upload_id)


def test_abort_leaves_no_pending_upload_and_a_second_abort_is_quiet(server: Server) -> None:
    upload_id = start_multipart(server.store, server.bucket, "up/abort.bin")
    send_parts(server.store, server.bucket, "up/abort.bin", upload_id, [b"x" * 100])
    pending = server.store.list_multipart_uploads(server.bucket, "up/")

    server.store.abort_multipart_upload(server.bucket, "up/abort.bin", upload_id)
    server.store.abort_multipart_upload(server.bucket, "up/abort.bin", upload_id)

    assert [(u.bucket, u.key, u.upload_id) for u in pending] == [(server.bucket, "up/abort.bin", upload_id)]
    assert pending[0].initiated > 0
    assert server.store.list_multipart_uploads(server.bucket, "up/") == []


def test_list_multipart_uploads_follows_every_page(server: Server) -> None:
    started = {start_multipart(server.store, server.bucket, f"p/{i}.bin") for i in range(5)}

    pending = server.store.list_multipart_uploads(server.bucket, "p/", page_size=2)

    assert {u.upload_id for u in pending} == started
    for upload in pending:
        server.store.abort_multipart_upload(server.bucket, upload.key, upload.upload_id)


def test_part_size_of_a_multipart_object(server: Server) -> None:
    # rclone ignores PartNumber on HEAD and keeps no parts: it cannot say, so 0.
    upload_multipart(server.store, server.bucket, "parts.bin", three_parts())
    put(server.store, server.bucket, "single.bin", b"0123456789")

    assert server.store.part_size_of(server.bucket, "parts.bin") == (PART if server.name == "moto" else 0)
    assert server.store.part_size_of(server.bucket, "single.bin") == 0


def test_completing_with_a_too_small_part_is_a_clear_server_error(
    moto_store: S3Store, moto_bucket: str
) -> None:
    # rclone joins parts of any size, so this is moto's (and S3's) refusal.
    upload_id = start_multipart(moto_store, moto_bucket, "small.bin")
    records = send_parts(moto_store, moto_bucket, "small.bin", upload_id, [b"a" * 10, b"b" * 10])

    with pytest.raises(ServerError, match="at least 5 MiB"):
        moto_store.complete_multipart_upload(moto_bucket, "small.bin", upload_id, records)


def test_completing_with_an_unknown_part_is_a_clear_server_error(
    moto_store: S3Store, moto_bucket: str
) -> None:
    upload_id = start_multipart(moto_store, moto_bucket, "bad.bin")
    send_parts(moto_store, moto_bucket, "bad.bin", upload_id, [b"a" * 10])

    with pytest.raises(ServerError, match="missing one of the uploaded parts"):
        moto_store.complete_multipart_upload(
            moto_bucket, "bad.bin", upload_id, [PartRecord(1, 0, 10, "0" * 32)]
        )


# -- ACL, Cache-Control, Content-Type (moto only) ----------------------------------------------


def _all_users_read(store: S3Store, bucket: str, key: str) -> bool:
    grants = store.client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    return any(g["Grantee"].get("URI") == ALL_USERS and g["Permission"] == "READ" for g in grants)


def test_public_read_uploads_grant_everyone_read(moto_store: S3Store, moto_bucket: str) -> None:
    put(moto_store, moto_bucket, "public.txt", b"hi", acl="public-read")
    upload_multipart(moto_store, moto_bucket, "public-mp.bin", three_parts(), acl="public-read")

    assert _all_users_read(moto_store, moto_bucket, "public.txt")
    assert _all_users_read(moto_store, moto_bucket, "public-mp.bin")


def test_private_uploads_grant_everyone_nothing(moto_store: S3Store, moto_bucket: str) -> None:
    # (moto cannot answer GetObjectAcl for a multipart object created without an ACL
    # header; the wire test below shows no header is sent for private multipart uploads.)
    put(moto_store, moto_bucket, "private.txt", b"hi", acl="private")

    assert not _all_users_read(moto_store, moto_bucket, "private.txt")


def test_an_acl_spaces_does_not_know_is_refused_before_any_request(
    moto_store: S3Store, moto_bucket: str
) -> None:
    with pytest.raises(InvalidInput, match="private or public-read"):
        put(moto_store, moto_bucket, "x.txt", b"hi", acl="authenticated-read")


@pytest.mark.parametrize("multipart", [False, True], ids=["single", "multipart"])
def test_cache_control_and_content_type_are_stored_with_the_object(
    moto_store: S3Store, moto_bucket: str, multipart: bool
) -> None:
    options = {"content_type": "text/css", "cache_control": "max-age=86400"}
    if multipart:
        upload_multipart(moto_store, moto_bucket, "site.css", [b"body{}"], **options)
    else:
        put(moto_store, moto_bucket, "site.css", b"body{}", **options)

    remote = moto_store.head_object(moto_bucket, "site.css")
    raw = moto_store.client.head_object(Bucket=moto_bucket, Key="site.css")

    assert remote is not None
    assert remote.content_type == "text/css"
    assert raw["CacheControl"] == "max-age=86400"


# -- on the wire and on failure (fault proxy in front of moto) ---------------------------------

PUT_OBJECT = Match(method="PUT", path=r"/[^/]+/.+", query={"uploadId": ABSENT})


def test_uploads_send_content_md5_unsigned_payload_and_no_acl_when_private(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    data = os.urandom(1000)
    put(proxy_store, moto_bucket, "private.bin", data)
    upload_id = start_multipart(proxy_store, moto_bucket, "private-mp.bin")
    send_parts(proxy_store, moto_bucket, "private-mp.bin", upload_id, [data])

    put_request, create, part = [r for r in fault_proxy.requests if r.method in ("PUT", "POST")][-3:]

    for request in (put_request, part):
        assert request.header("Content-MD5") == md5_b64(data)
        assert request.header("x-amz-content-sha256") == "UNSIGNED-PAYLOAD"
        assert not {h for h in request.header_names() if h.startswith("x-amz-checksum-")}
    for request in (put_request, create):
        assert request.header("x-amz-acl") is None
        assert request.header("Cache-Control") is None


def test_public_uploads_send_the_acl_and_cache_control_in_the_upload_request(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    options = {"acl": "public-read", "cache_control": "no-cache"}
    put(proxy_store, moto_bucket, "public.bin", b"data", **options)
    start_multipart(proxy_store, moto_bucket, "public-mp.bin", **options)

    put_request, create = [r for r in fault_proxy.requests if r.method in ("PUT", "POST")][-2:]

    for request in (put_request, create):
        assert request.header("x-amz-acl") == "public-read"
        assert request.header("Cache-Control") == "no-cache"
    assert not [r for r in fault_proxy.requests if "acl" in r.query]  # never a separate ACL PUT


def test_a_failed_put_is_retried_by_re_reading_the_body_from_its_start(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    fault_proxy.fail(PUT_OBJECT, status=503, code="SlowDown", times=1)
    data = os.urandom(MIB)
    body = CountingBody(data)

    etag = proxy_store.put_object(
        moto_bucket, "retried.bin", body, size=len(data), md5_b64=md5_b64(data),
        content_type="", acl="private", cache_control="", metadata={},
    )  # fmt: skip

    assert etag == md5_hex(data)
    assert body.bytes_read == 2 * len(data)
    assert download(proxy_store, moto_bucket, "retried.bin")[0] == data


@pytest.mark.parametrize(
    "error", [Cancelled("cancelled"), TransferStopped("pause")], ids=["cancelled", "transfer-stopped"]
)
def test_an_error_raised_by_the_body_ends_the_upload_at_once_without_retries(
    moto_store: S3Store, moto_bucket: str, error: Exception
) -> None:
    body = FailingBody(os.urandom(MIB), error, after=64 * 1024)

    with pytest.raises(type(error)):
        moto_store.put_object(
            moto_bucket, "stopped.bin", body, size=MIB, md5_b64=md5_b64(b""),
            content_type="", acl="private", cache_control="", metadata={},
        )  # fmt: skip
    assert body.raised == 1


@pytest.mark.parametrize(
    ("status", "code", "expected", "text"),
    [
        (400, "InvalidDigest", IntegrityError, "different bytes than were sent"),
        (400, "BadDigest", IntegrityError, "different bytes than were sent"),
        (413, "RequestEntityTooLarge", ServerError, "too large"),
        (400, "InvalidPartOrder", ServerError, "not listed in order"),
    ],
)
def test_upload_refusals_are_translated_into_clear_core_errors(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str,
    status: int, code: str, expected: type[Exception], text: str,
) -> None:  # fmt: skip
    fault_proxy.fail(PUT_OBJECT, status=status, code=code)

    with pytest.raises(expected, match=text):
        put(proxy_store, moto_bucket, "refused.bin", b"data")


# -- a connection cut mid-download ---------------------------------------------------------------


class CuttingServer:
    """Answers one GET with headers for `size` bytes, sends `sent` of them, then hangs up."""

    def __init__(self, size: int, sent: int) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        # Generous: a loaded machine may take seconds to connect. Closing the listener
        # (on exit) ends the wait at once anyway.
        self._listener.settimeout(60)
        self._size = size
        self._sent = sent
        self._thread = threading.Thread(target=self._serve, name="cutting-server", daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def _serve(self) -> None:
        try:
            connection, _ = self._listener.accept()
        except OSError:
            return
        with connection:
            connection.settimeout(60)
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = connection.recv(65536)
                if not chunk:
                    return
                request += chunk
            head = (
                "HTTP/1.1 200 OK\r\n"
                f"Content-Length: {self._size}\r\n"
                'ETag: "0123456789abcdef0123456789abcdef"\r\n'
                "Last-Modified: Tue, 24 Nov 2026 07:00:00 GMT\r\n"
                "Content-Type: application/octet-stream\r\n\r\n"
            )
            connection.sendall(head.encode() + b"x" * self._sent)

    def __enter__(self) -> CuttingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._listener.close()
        self._thread.join(30)


def test_a_connection_cut_mid_download_raises_network_error(
    moto_account: Account, make_store: Callable[..., S3Store]
) -> None:
    with CuttingServer(size=100_000, sent=1000) as cutter:
        store = make_store(moto_account.with_changes(endpoint_url=cutter.endpoint))
        stream = store.open_download("bucket", "key")
        received: list[bytes] = []
        with pytest.raises(NetworkError, match="broke off"):
            received.extend(stream.chunks(64 * 1024))
        stream.close()

    assert stream.remote.size == 100_000
