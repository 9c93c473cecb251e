"""CopyObject and DeleteObjects on the fast path (FastS3Store, aiohttp), against moto and rclone.

rclone checks signatures, moto does not: awkward keys reaching rclone prove the requests
were signed over the bytes sent. What the server received is read back with boto3 or
seen in the fault proxy's record.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from spacesgui.adapters.s3_fast_data import FastS3Store
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account
from spacesgui.core.errors import ObjectChanged, ServerError
from spacesgui.core.operations import CopyResult
from tests.conftest import RcloneServer
from tests.fault_proxy import FaultProxy, Match
from tests.integration.object_helpers import (
    AWKWARD_KEYS,
    RCLONE_AWKWARD_KEYS,
    all_keys,
    is_public,
    md5_hex,
    put_raw,
    read,
    seed,
)


@pytest.fixture
def fast_proxy_store(
    fault_proxy: FaultProxy, moto_account: Account, make_fast: Callable[..., FastS3Store]
) -> FastS3Store:
    """A FastS3Store that reaches moto through `fault_proxy`."""
    return make_fast(moto_account.with_changes(endpoint_url=fault_proxy.endpoint))


@dataclass(frozen=True, slots=True)
class Fast:
    name: str
    store: FastS3Store
    plain: S3Store  # boto3, to seed and to check what arrived
    bucket: str
    keys: tuple[str, ...]  # the awkward keys this server takes


@pytest.fixture(params=["moto", "rclone"])
def fast_server(
    request: pytest.FixtureRequest, make_fast: Callable[..., FastS3Store], moto_endpoint: str,
    rclone_server: RcloneServer, unique_bucket: str,
) -> Fast:  # fmt: skip
    """A fast store on moto or rclone (which checks signatures), in a fresh bucket."""
    if request.param == "moto":
        plain: S3Store = request.getfixturevalue("moto_store")
        fast = make_fast(request.getfixturevalue("moto_account"))
        return Fast("moto", fast, plain, request.getfixturevalue("moto_bucket"), AWKWARD_KEYS)
    plain = request.getfixturevalue("rclone_store")
    plain.client.create_bucket(Bucket=unique_bucket)
    fast = make_fast(request.getfixturevalue("rclone_account"), acls=False)
    return Fast("rclone", fast, plain, unique_bucket, RCLONE_AWKWARD_KEYS)


def _md5_b64(body: bytes) -> str:
    return base64.b64encode(hashlib.md5(body).digest()).decode()


# -- DeleteObjects ----------------------------------------------------------------------------


def test_fast_deletes_send_1000_keys_a_request_in_the_body_with_content_md5(
    fault_proxy: FaultProxy, fast_proxy_store: FastS3Store, moto_store: S3Store, moto_bucket: str
) -> None:
    keys = [f"a rather long folder name/{i:04}/and a long file name for it.txt" for i in range(2500)]
    sample = sorted({*keys[::100], keys[999], keys[1000], keys[-1]})
    seed(moto_store, moto_bucket, [*sample, "keep/me.txt"])

    result = fast_proxy_store.delete_objects(moto_bucket, keys)

    assert sorted(result.deleted) == sorted(keys)
    assert result.failed == ()
    assert all_keys(moto_store, moto_bucket) == {"keep/me.txt"}
    deletes = [r for r in fault_proxy.requests if Match.delete_objects(moto_bucket).matches(r)]
    assert [r.body.count(b"<Object>") for r in deletes] == [1000, 1000, 500]
    for request in deletes:
        assert request.header("Content-MD5") == _md5_b64(request.body)
        assert b"<Quiet>false</Quiet>" in request.body
    assert max(len(r.raw_target) for r in fault_proxy.requests) < 2048


@pytest.mark.parametrize("report", [True, False], ids=["refused", "unconfirmed"])
def test_fast_deletes_report_keys_refused_or_unconfirmed_as_not_deleted(
    fault_proxy: FaultProxy,
    fast_proxy_store: FastS3Store,
    moto_store: S3Store,
    moto_bucket: str,
    report: bool,
) -> None:
    keys = ["a.txt", "locked/b.txt", "d & <e>.txt"]
    seed(moto_store, moto_bucket, keys)
    fault_proxy.refuse_deletes(moto_bucket, ["locked/b.txt"], report=report)

    result = fast_proxy_store.delete_objects(moto_bucket, keys)

    assert result.deleted == ("a.txt", "d & <e>.txt")
    assert [(f.key, f.code) for f in result.failed] == [("locked/b.txt", "AccessDenied" if report else "")]
    if report:
        assert result.failed[0].message == "These keys may not delete this file."
    else:
        assert "did not confirm" in result.failed[0].message
    assert all_keys(moto_store, moto_bucket) == {"locked/b.txt"}


def test_a_fast_delete_refused_as_a_whole_deletes_nothing_and_says_why(
    fault_proxy: FaultProxy, fast_proxy_store: FastS3Store, moto_store: S3Store, moto_bucket: str
) -> None:
    seed(moto_store, moto_bucket, ["a.txt", "b.txt"])
    fault_proxy.fail(Match.delete_objects(moto_bucket), status=403, code="AccessDenied")

    result = fast_proxy_store.delete_objects(moto_bucket, ["a.txt", "b.txt"])

    assert result.deleted == ()
    assert all("not allowed" in f.message for f in result.failed)
    assert all_keys(moto_store, moto_bucket) == {"a.txt", "b.txt"}


def test_fast_deletes_take_awkward_keys(fast_server: Fast) -> None:
    server = fast_server
    # moto also takes a key XML cannot carry: it is deleted on its own (DeleteObject).
    keys = [*server.keys, "carriage\rreturn.txt"] if server.name == "moto" else list(server.keys)
    seed(server.plain, server.bucket, keys)

    result = server.store.delete_objects(server.bucket, keys)

    assert sorted(result.deleted) == sorted(keys)
    assert all_keys(server.plain, server.bucket) == set()


# -- CopyObject -------------------------------------------------------------------------------


def _copy(store: FastS3Store, on_loop: bool, bucket: str, key: str, target: str, data: bytes) -> CopyResult:
    """copy_listed from this thread, or copy_small as the engine runs it on the store's loop."""
    if on_loop:
        return store._loop.run(
            store.copy_small(bucket, key, bucket, target, size=len(data), etag=md5_hex(data))
        )
    return store.copy_listed(bucket, key, bucket, target, size=len(data), etag=md5_hex(data))


@pytest.mark.parametrize("on_loop", [False, True], ids=["thread", "loop"])
def test_a_fast_copy_is_made_only_of_the_listed_version(
    fault_proxy: FaultProxy,
    fast_proxy_store: FastS3Store,
    moto_store: S3Store,
    moto_bucket: str,
    on_loop: bool,
) -> None:
    put_raw(moto_store, moto_bucket, "a.txt", b"first")
    fault_proxy.fail(Match(method="PUT", path=f"/{moto_bucket}/b.txt"), status=412, code="PreconditionFailed")

    with pytest.raises(ObjectChanged):
        _copy(fast_proxy_store, on_loop, moto_bucket, "a.txt", "b.txt", b"first")

    copy = next(r for r in fault_proxy.requests if r.header("x-amz-copy-source"))
    assert copy.header("x-amz-copy-source-if-match") == f'"{md5_hex(b"first")}"'
    assert copy.header("x-amz-metadata-directive") == "COPY"
    assert all("b.txt" not in key for key in all_keys(moto_store, moto_bucket))


def test_a_fast_copy_answered_200_with_an_error_document_is_a_failure(
    fault_proxy: FaultProxy, fast_proxy_store: FastS3Store, moto_store: S3Store, moto_bucket: str
) -> None:
    put_raw(moto_store, moto_bucket, "a.txt", b"first")
    # S3 answers a copy that fails after it started with 200 and an <Error> document.
    fault_proxy.fail(Match(method="PUT", path=f"/{moto_bucket}/b.txt"), status=200, code="InternalError")

    with pytest.raises(ServerError):
        fast_proxy_store.copy_listed(
            moto_bucket, "a.txt", moto_bucket, "b.txt", size=5, etag=md5_hex(b"first")
        )


@pytest.mark.parametrize("on_loop", [False, True], ids=["thread", "loop"])
def test_fast_copies_of_awkward_keys_keep_bytes_headers_and_access(fast_server: Fast, on_loop: bool) -> None:
    fast, plain, bucket = fast_server.store, fast_server.plain, fast_server.bucket
    on_moto = fast_server.name == "moto"
    for index, key in enumerate(fast_server.keys):
        public = on_moto and index % 2 == 0  # rclone keeps no ACLs: never sent one
        extra = {"ACL": "public-read"} if public else {}
        put_raw(plain, bucket, key, key.encode(), ContentType="text/csv", Metadata={"author": "ada"}, **extra)
        # Into a folder of its own; a 1,024-byte key keeps its length (another first letter).
        target = f"c/{key}" if len(key.encode()) <= 1022 else f"m{key[1:]}"

        result = _copy(fast, on_loop, bucket, key, target, key.encode())

        assert read(plain, bucket, target) == key.encode(), key
        assert result.etag == md5_hex(key.encode()), key
        copied = plain.head_details(bucket, target).headers
        assert copied.metadata.get("author") == "ada", key
        if on_moto:  # rclone answers a Content-Type from the name's extension
            assert copied.content_type == "text/csv", key
            assert is_public(plain, bucket, target) == public, key


def test_a_copy_on_the_loop_of_a_file_with_grants_beyond_public_read_says_what_it_could_not_carry(
    make_fast: Callable[..., FastS3Store], moto_account: Account, moto_store: S3Store, moto_bucket: str
) -> None:
    fast = make_fast(moto_account)
    put_raw(moto_store, moto_bucket, "shared.txt", b"s")
    owner = moto_store.client.get_object_acl(Bucket=moto_bucket, Key="shared.txt")["Owner"]["ID"]
    moto_store.client.put_object_acl(
        Bucket=moto_bucket, Key="shared.txt", GrantFullControl=f"id={owner}",
        GrantRead='uri="http://acs.amazonaws.com/groups/global/AllUsers"', GrantWrite="id=someone-else",
    )  # fmt: skip

    result = fast._loop.run(
        fast.copy_small(moto_bucket, "shared.txt", moto_bucket, "copy.txt", size=1, etag=md5_hex(b"s"))
    )

    assert is_public(moto_store, moto_bucket, "copy.txt")
    assert result.acl == "public-read"
    assert any("someone-else" in note for note in result.notes), result.notes
