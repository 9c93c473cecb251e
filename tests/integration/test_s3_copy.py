"""Server-side copies and property edits against real local servers (moto and `rclone serve s3`).

Objects over 5 GiB are copied in parts; the threshold and part size are parameters, so
copies in parts are tested with 5 MiB parts on moto, checking bytes, headers and access.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

import pytest

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account
from spacesgui.core.errors import InvalidInput, ObjectChanged, ServerError
from spacesgui.core.object_headers import ObjectHeaders
from spacesgui.core.transfers import PART_SIZE_METADATA
from tests.conftest import RcloneServer
from tests.fault_proxy import FaultProxy, Match
from tests.integration.object_helpers import (
    Server,
    acl_requests,
    all_keys,
    is_public,
    md5_hex,
    open_server,
    proxied_rclone,
    put_raw,
    read,
)

MIB = 1024 * 1024
SMALL_PARTS = {"multipart_threshold": 5 * MIB, "part_size": 5 * MIB}
HEADERS = {
    "ContentType": "text/csv",
    "CacheControl": "max-age=300",
    "ContentDisposition": 'attachment; filename="data.csv"',
    "ContentEncoding": "identity",
    "Metadata": {"author": "ada", "project": "42"},
}


@pytest.fixture(params=["moto", "rclone"])
def server(
    request: pytest.FixtureRequest, moto_endpoint: str, rclone_server: RcloneServer, unique_bucket: str
) -> Server:
    """Each test that takes it runs on moto and on rclone, in a fresh bucket."""
    return open_server(request, unique_bucket)


def _same_headers(copy: ObjectHeaders, original: ObjectHeaders) -> None:
    assert copy.content_type == original.content_type == "text/csv"
    assert copy.cache_control == original.cache_control == "max-age=300"
    assert copy.content_disposition == original.content_disposition == 'attachment; filename="data.csv"'
    assert copy.content_encoding == original.content_encoding == "identity"
    # rclone adds metadata of its own (mtime): compare what was given.
    assert {k: copy.metadata.get(k) for k in ("author", "project")} == {"author": "ada", "project": "42"}


# -- copy in one request ------------------------------------------------------------------------


def test_a_copy_keeps_the_bytes_headers_and_metadata(server: Server) -> None:
    store, bucket = server.store, server.bucket
    put_raw(store, bucket, "data.csv", b"a,b\n1,2\n", **HEADERS)

    result = store.copy_object(bucket, "data.csv", bucket, "copies/data.csv")

    assert read(store, bucket, "copies/data.csv") == b"a,b\n1,2\n"
    _same_headers(
        store.head_details(bucket, "copies/data.csv").headers, store.head_details(bucket, "data.csv").headers
    )
    assert (result.size, result.parts, result.etag) == (8, 0, md5_hex(b"a,b\n1,2\n"))
    assert result.verified == "size and ETag"
    assert result.acl == ("private" if server.name == "moto" else "")


def test_a_copy_of_a_public_file_is_public_and_of_a_private_one_private(
    moto_store: S3Store, moto_bucket: str
) -> None:
    put_raw(moto_store, moto_bucket, "public.txt", ACL="public-read")
    put_raw(moto_store, moto_bucket, "private.txt")

    public = moto_store.copy_object(moto_bucket, "public.txt", moto_bucket, "public copy.txt")
    private = moto_store.copy_object(moto_bucket, "private.txt", moto_bucket, "private copy.txt")

    assert (public.acl, private.acl) == ("public-read", "private")
    assert is_public(moto_store, moto_bucket, "public copy.txt")
    assert not is_public(moto_store, moto_bucket, "private copy.txt")


def test_the_acl_travels_in_the_copy_request_itself(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    put_raw(proxy_store, moto_bucket, "public.txt", ACL="public-read")
    fault_proxy.clear()

    proxy_store.copy_object(moto_bucket, "public.txt", moto_bucket, "copy.txt")

    copies = [r for r in fault_proxy.requests if r.header("x-amz-copy-source")]
    assert len(copies) == 1
    assert copies[0].header("x-amz-acl") == "public-read"
    assert copies[0].header("x-amz-metadata-directive") == "COPY"
    assert not [r for r in acl_requests(fault_proxy.requests) if r.method == "PUT"]  # no separate ACL PUT


def test_a_copy_can_be_given_its_own_access(moto_store: S3Store, moto_bucket: str) -> None:
    put_raw(moto_store, moto_bucket, "public.txt", ACL="public-read")

    result = moto_store.copy_object(moto_bucket, "public.txt", moto_bucket, "copy.txt", acl="private")

    assert result.acl == "private"
    assert not is_public(moto_store, moto_bucket, "copy.txt")


def test_a_copy_goes_to_another_space(moto_store: S3Store, moto_bucket: str) -> None:
    other = f"{moto_bucket[:40]}-other"
    moto_store.client.create_bucket(Bucket=other)
    put_raw(moto_store, moto_bucket, "a.txt", b"across", **HEADERS)

    result = moto_store.copy_object(moto_bucket, "a.txt", other, "b.txt")

    assert read(moto_store, other, "b.txt") == b"across"
    assert (result.bucket, result.key) == (other, "b.txt")
    _same_headers(
        moto_store.head_details(other, "b.txt").headers, moto_store.head_details(moto_bucket, "a.txt").headers
    )


def test_awkward_keys_are_copied_to_awkward_keys(server: Server) -> None:
    for key in server.awkward_keys:
        put_raw(server.store, server.bucket, key, key.encode())

    for key in server.awkward_keys:
        # Into a folder of its own; a 1,024-byte key keeps its length (another first letter).
        target = f"c/{key}" if len(key.encode()) <= 1022 else f"m{key[1:]}"
        server.store.copy_object(server.bucket, key, server.bucket, target)
        assert read(server.store, server.bucket, target) == key.encode(), key


def test_a_file_cannot_be_copied_onto_itself(moto_store: S3Store, moto_bucket: str) -> None:
    with pytest.raises(InvalidInput, match="onto itself"):
        moto_store.copy_object(moto_bucket, "a.txt", moto_bucket, "a.txt")


def test_a_copy_is_made_only_of_the_version_that_was_read(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    put_raw(proxy_store, moto_bucket, "a.txt", b"first")
    # moto ignores x-amz-copy-source-if-match; answer as S3 does when the source changed.
    fault_proxy.fail(Match(method="PUT", path=f"/{moto_bucket}/b.txt"), status=412, code="PreconditionFailed")

    with pytest.raises(ObjectChanged, match="changed on the server while it was being copied"):
        proxy_store.copy_object(moto_bucket, "a.txt", moto_bucket, "b.txt")

    copy = next(r for r in fault_proxy.requests if r.header("x-amz-copy-source"))
    assert copy.header("x-amz-copy-source-if-match") == f'"{md5_hex(b"first")}"'


# -- copy in parts ------------------------------------------------------------------------------


def test_a_copy_in_parts_keeps_bytes_headers_metadata_and_public_access(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    data = os.urandom(11 * MIB + 123)
    put_raw(proxy_store, moto_bucket, "big.bin", data, ACL="public-read", **HEADERS)
    fault_proxy.clear()

    result = proxy_store.copy_object(moto_bucket, "big.bin", moto_bucket, "big copy.bin", **SMALL_PARTS)

    assert read(proxy_store, moto_bucket, "big copy.bin") == data
    assert (result.parts, result.size, result.verified, result.acl) == (3, len(data), "size", "public-read")
    assert re.fullmatch(r"[0-9a-f]{32}-3", result.etag)
    _same_headers(
        proxy_store.head_details(moto_bucket, "big copy.bin").headers,
        proxy_store.head_details(moto_bucket, "big.bin").headers,
    )
    assert is_public(proxy_store, moto_bucket, "big copy.bin")
    # The headers and the ACL went with CreateMultipartUpload, not in a later call.
    create = next(r for r in fault_proxy.requests if r.method == "POST" and "uploads" in r.query)
    assert create.header("x-amz-acl") == "public-read"
    assert create.header("Content-Type") == "text/csv"
    assert create.header("x-amz-meta-author") == "ada"
    parts = [r for r in fault_proxy.requests if r.method == "PUT" and "partNumber" in r.query]
    assert [r.header("x-amz-copy-source-range") for r in parts] == [
        f"bytes=0-{5 * MIB - 1}", f"bytes={5 * MIB}-{10 * MIB - 1}", f"bytes={10 * MIB}-{len(data) - 1}",
    ]  # fmt: skip
    assert {r.header("x-amz-copy-source-if-match") for r in parts} == {f'"{md5_hex(data)}"'}


def test_a_copy_in_parts_records_its_own_part_size(moto_store: S3Store, moto_bucket: str) -> None:
    # A part size recorded at upload would no longer match the copy's parts, and
    # downloads check the ETag with it.
    put_raw(
        moto_store, moto_bucket, "big.bin", os.urandom(6 * MIB), Metadata={PART_SIZE_METADATA: str(8 * MIB)}
    )

    moto_store.copy_object(moto_bucket, "big.bin", moto_bucket, "copy.bin", **SMALL_PARTS)

    assert moto_store.head_details(moto_bucket, "copy.bin").headers.metadata[PART_SIZE_METADATA] == str(
        5 * MIB
    )


def test_a_failed_part_leaves_no_copy_and_no_upload_behind(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    put_raw(proxy_store, moto_bucket, "big.bin", os.urandom(11 * MIB))
    part_two = Match(method="PUT", path=f"/{moto_bucket}/copy.bin", query={"partNumber": "2"})
    fault_proxy.fail(part_two, status=500, code="InternalError")

    with pytest.raises(ServerError):
        proxy_store.copy_object(moto_bucket, "big.bin", moto_bucket, "copy.bin", **SMALL_PARTS)

    assert proxy_store.list_multipart_uploads(moto_bucket) == []
    assert all_keys(proxy_store, moto_bucket) == {"big.bin"}


# -- property edits -----------------------------------------------------------------------------

NEW_HEADERS = ObjectHeaders(
    content_type="text/plain; charset=utf-8",
    cache_control="no-cache",
    content_disposition="inline",
    metadata={"Reviewed-By": "grace"},
)


def test_new_properties_replace_the_old_and_keep_the_bytes(server: Server) -> None:
    store, bucket = server.store, server.bucket
    put_raw(store, bucket, "notes.txt", b"keep these bytes", **HEADERS)

    details = store.update_metadata(bucket, "notes.txt", NEW_HEADERS)

    headers = store.head_details(bucket, "notes.txt").headers
    assert details.headers == headers
    assert headers.content_type == "text/plain; charset=utf-8"
    assert headers.cache_control == "no-cache"
    assert headers.content_disposition == "inline"
    assert headers.metadata.get("reviewed-by") == "grace"
    assert "author" not in headers.metadata
    assert read(store, bucket, "notes.txt") == b"keep these bytes"


def test_new_properties_keep_a_public_file_public(moto_store: S3Store, moto_bucket: str) -> None:
    put_raw(moto_store, moto_bucket, "public.txt", ACL="public-read")

    moto_store.update_metadata(moto_bucket, "public.txt", NEW_HEADERS)

    assert is_public(moto_store, moto_bucket, "public.txt")
    assert moto_store.head_details(moto_bucket, "public.txt").headers.cache_control == "no-cache"


def test_new_properties_of_a_large_file_are_written_in_parts(moto_store: S3Store, moto_bucket: str) -> None:
    data = os.urandom(6 * MIB)
    put_raw(moto_store, moto_bucket, "big.bin", data, ACL="public-read")

    details = moto_store.update_metadata(moto_bucket, "big.bin", NEW_HEADERS, **SMALL_PARTS)

    assert details.part_count == 2
    assert details.headers.content_type == "text/plain; charset=utf-8"
    assert read(moto_store, moto_bucket, "big.bin") == data
    assert is_public(moto_store, moto_bucket, "big.bin")


def test_invalid_properties_are_refused_before_any_request(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    headers = ObjectHeaders(cache_control="máx-age", metadata={"bad name": "x"})

    with pytest.raises(InvalidInput) as caught:
        proxy_store.update_metadata(moto_bucket, "a.txt", headers)

    assert len(caught.value.message.splitlines()) == 2
    assert fault_proxy.count() == 0


def test_properties_of_a_file_changed_since_they_were_shown_are_not_saved(
    moto_store: S3Store, moto_bucket: str
) -> None:
    put_raw(moto_store, moto_bucket, "a.txt", b"old")
    seen = moto_store.head_details(moto_bucket, "a.txt").etag
    put_raw(moto_store, moto_bucket, "a.txt", b"new", CacheControl="max-age=1")

    with pytest.raises(ObjectChanged, match="Open them again"):
        moto_store.update_metadata(moto_bucket, "a.txt", NEW_HEADERS, if_match=seen)

    assert moto_store.head_details(moto_bucket, "a.txt").headers.cache_control == "max-age=1"


def test_rclone_copies_and_property_edits_send_no_acl_request(
    rclone_server: RcloneServer,
    rclone_account: Account,
    make_store: Callable[..., S3Store],
    rclone_bucket: str,
) -> None:
    with proxied_rclone(rclone_server, make_store, rclone_account) as (proxy, store):
        put_raw(store, rclone_bucket, "a.txt", b"bytes", **HEADERS)

        store.copy_object(rclone_bucket, "a.txt", rclone_bucket, "b.txt")
        store.update_metadata(rclone_bucket, "b.txt", NEW_HEADERS)

        assert acl_requests(proxy.requests) == []
        assert not [r for r in proxy.requests if r.header("x-amz-acl")]
        assert read(store, rclone_bucket, "b.txt") == b"bytes"
