"""S3Store's object operations against real local servers: new folder, properties, access, delete.

Copies and property edits are in test_s3_copy.py. ACL tests run against moto; rclone keeps
no ACLs, and the tests here check that it is never sent an object ACL call.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from collections.abc import Callable

import pytest

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account
from spacesgui.core.errors import AlreadyExists, InvalidInput, NotFound, NotSupported
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
    seed,
)


@pytest.fixture(params=["moto", "rclone"])
def server(
    request: pytest.FixtureRequest, moto_endpoint: str, rclone_server: RcloneServer, unique_bucket: str
) -> Server:
    """Each test that takes it runs on moto and on rclone, in a fresh bucket.

    Both servers are named as arguments so they start before the thread-leak guard's snapshot.
    """
    return open_server(request, unique_bucket)


# -- new folder -------------------------------------------------------------------------------


def test_a_new_folder_is_a_zero_byte_marker_listed_in_its_parent(
    moto_store: S3Store, moto_bucket: str
) -> None:
    key = moto_store.create_folder(moto_bucket, "docs/", "reports")

    assert key == "docs/reports/"
    details = moto_store.head_details(moto_bucket, key)
    assert details.size == 0
    assert details.etag == md5_hex(b"")
    folders = [f for page in moto_store.iter_listing(moto_bucket, "docs/") for f in page.folders]
    assert folders == ["docs/reports/"]


@pytest.mark.parametrize("name", ["with space", "ünïcødé 写真 📷", "odd #?%+&=;@$,'!"])
def test_new_folders_take_awkward_names_under_awkward_prefixes(
    moto_store: S3Store, moto_bucket: str, name: str
) -> None:
    prefix = "a//b/"  # an empty folder name between the slashes: legal in S3

    key = moto_store.create_folder(moto_bucket, prefix, name)

    assert key == f"a//b/{name}/"
    assert all_keys(moto_store, moto_bucket) == {key}


def test_a_new_folder_may_fill_a_key_to_1024_bytes(moto_store: S3Store, moto_bucket: str) -> None:
    prefix = "p" * 1000 + "/"

    key = moto_store.create_folder(moto_bucket, prefix, "n" * 22)

    assert len(key.encode()) == 1024
    assert all_keys(moto_store, moto_bucket) == {key}


def test_a_folder_name_already_used_by_a_file_or_folder_is_refused(server: Server) -> None:
    put_raw(server.store, server.bucket, "taken")
    put_raw(server.store, server.bucket, "photos/cat.jpg")

    with pytest.raises(AlreadyExists, match=re.escape("A file named “taken” is already here.")):
        server.store.create_folder(server.bucket, "", "taken")
    with pytest.raises(AlreadyExists, match=re.escape("A folder named “photos” is already here.")):
        server.store.create_folder(server.bucket, "", "photos")

    assert all_keys(server.store, server.bucket) == {"taken", "photos/cat.jpg"}


def test_a_folder_name_with_a_slash_is_refused_before_any_request(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    with pytest.raises(InvalidInput, match="cannot contain “/”"):
        proxy_store.create_folder(moto_bucket, "", "a/b")

    assert fault_proxy.count() == 0


def test_a_server_that_cannot_keep_empty_folders_says_so_and_leaves_nothing(
    rclone_store: S3Store, rclone_bucket: str
) -> None:
    # rclone stores "new folder/" as an empty file "new folder".
    with pytest.raises(NotSupported, match="cannot keep empty folders"):
        rclone_store.create_folder(rclone_bucket, "", "new folder")

    assert all_keys(rclone_store, rclone_bucket) == set()


# -- properties -------------------------------------------------------------------------------


def test_head_details_report_every_header_and_metadata(moto_store: S3Store, moto_bucket: str) -> None:
    before = time.time()
    put_raw(
        moto_store, moto_bucket, "report.pdf", b"%PDF-1.7",
        ContentType="application/pdf", CacheControl="max-age=60", ContentDisposition='attachment; filename="r.pdf"',
        ContentEncoding="identity", ContentLanguage="en-GB", Expires="Thu, 01 Dec 2033 16:00:00 GMT",
        Metadata={"Author": "Ada", "project": "42"}, StorageClass="STANDARD_IA",
    )  # fmt: skip

    details = moto_store.head_details(moto_bucket, "report.pdf")

    assert (details.key, details.size, details.etag) == ("report.pdf", 8, md5_hex(b"%PDF-1.7"))
    assert details.storage_class == "STANDARD_IA"
    assert before - 5 <= details.last_modified <= time.time() + 5
    headers = details.headers
    assert headers.content_type == "application/pdf"
    assert headers.cache_control == "max-age=60"
    assert headers.content_disposition == 'attachment; filename="r.pdf"'
    assert headers.content_encoding == "identity"
    assert headers.content_language == "en-GB"
    assert headers.expires == "Thu, 01 Dec 2033 16:00:00 GMT"
    assert headers.metadata == {"author": "Ada", "project": "42"}
    assert details.version_id == ""


def test_head_details_report_the_version_in_a_versioned_bucket(moto_store: S3Store, moto_bucket: str) -> None:
    moto_store.client.put_bucket_versioning(Bucket=moto_bucket, VersioningConfiguration={"Status": "Enabled"})
    version = moto_store.client.put_object(Bucket=moto_bucket, Key="v.txt", Body=b"1")["VersionId"]

    assert moto_store.head_details(moto_bucket, "v.txt").version_id == version


def test_head_details_of_awkward_keys(server: Server) -> None:
    for key in server.awkward_keys:
        put_raw(server.store, server.bucket, key, key.encode(), Metadata={"k": "v"})

    for key in server.awkward_keys:
        details = server.store.head_details(server.bucket, key)
        assert (details.key, details.size) == (key, len(key.encode())), key
        assert details.headers.metadata["k"] == "v", key


def test_head_details_of_a_missing_key_names_it(moto_store: S3Store, moto_bucket: str) -> None:
    with pytest.raises(NotFound, match=re.escape("“gone.txt” is not in")):
        moto_store.head_details(moto_bucket, "gone.txt")


# -- access (ACL) ------------------------------------------------------------------------------


def test_moto_keeps_acls(moto_store: S3Store, moto_bucket: str) -> None:
    assert moto_store.acl_support(moto_bucket) is True


def test_a_file_is_made_public_and_private_again(moto_store: S3Store, moto_bucket: str) -> None:
    put_raw(moto_store, moto_bucket, "photo.jpg")

    moto_store.put_canned_acl(moto_bucket, "photo.jpg", "public-read")
    assert is_public(moto_store, moto_bucket, "photo.jpg")
    assert moto_store.get_acl(moto_bucket, "photo.jpg").canned == "public-read"

    moto_store.put_canned_acl(moto_bucket, "photo.jpg", "private")
    assert not is_public(moto_store, moto_bucket, "photo.jpg")
    assert moto_store.get_acl(moto_bucket, "photo.jpg").canned == "private"


def test_a_store_told_there_are_no_acls_sends_rclone_no_acl_request_and_its_file_stays_whole(
    rclone_server: RcloneServer,
    rclone_account: Account,
    make_store: Callable[..., S3Store],
    rclone_bucket: str,
) -> None:
    with proxied_rclone(rclone_server, make_store, rclone_account) as (proxy, store):
        put_raw(store, rclone_bucket, "keep.txt", b"every byte")

        assert store.acl_support(rclone_bucket) is False
        with pytest.raises(NotSupported, match="does not keep access lists"):
            store.put_canned_acl(rclone_bucket, "keep.txt", "public-read")
        with pytest.raises(NotSupported, match="does not keep access lists"):
            store.get_acl(rclone_bucket, "keep.txt")

        assert acl_requests(proxy.requests) == []
        assert read(store, rclone_bucket, "keep.txt") == b"every byte"


def test_a_bucket_acl_answer_that_is_not_an_acl_means_no_acls_and_no_object_acl_call(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    # What rclone serve s3 does: it answers GET bucket?acl with the bucket's listing.
    rerouted = fault_proxy.reroute(
        Match(method="GET", path=f"/{moto_bucket}/?", query={"acl": None}), "list-type=2"
    )
    put_raw(proxy_store, moto_bucket, "keep.txt", b"every byte")

    assert proxy_store.acl_support(moto_bucket) is False
    with pytest.raises(NotSupported, match="does not keep access lists"):
        proxy_store.put_canned_acl(moto_bucket, "keep.txt", "public-read")
    with pytest.raises(NotSupported, match="does not keep access lists"):
        proxy_store.get_acl(moto_bucket, "keep.txt")

    # One read-only probe of the bucket, answered with a listing; nothing about the object.
    assert rerouted.hits == 1
    assert [(r.method, r.path) for r in acl_requests(fault_proxy.requests)] == [("GET", f"/{moto_bucket}")]
    assert read(proxy_store, moto_bucket, "keep.txt") == b"every byte"


def test_a_server_answering_not_implemented_to_acls_is_taken_as_having_none(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    fault_proxy.fail(
        Match(method="GET", path=f"/{moto_bucket}/?", query={"acl": None}), status=501, code="NotImplemented"
    )
    put_raw(proxy_store, moto_bucket, "a.txt")

    assert proxy_store.acl_support(moto_bucket) is False
    with pytest.raises(NotSupported, match="does not keep access lists"):
        proxy_store.put_canned_acl(moto_bucket, "a.txt", "public-read")
    assert len(acl_requests(fault_proxy.requests)) == 1


def test_a_space_with_acls_turned_off_says_so_when_a_file_is_made_public(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    put_raw(proxy_store, moto_bucket, "a.txt")
    object_acl = Match(method="PUT", path=f"/{moto_bucket}/a.txt", query={"acl": None})
    fault_proxy.fail(object_acl, status=400, code="AccessControlListNotSupported")

    with pytest.raises(NotSupported, match=r"access lists \(ACLs\) turned off"):
        proxy_store.put_canned_acl(moto_bucket, "a.txt", "public-read")


def test_acls_the_app_cannot_set_are_refused_in_words(moto_store: S3Store, moto_bucket: str) -> None:
    with pytest.raises(InvalidInput, match="private or public-read, not “authenticated-read”"):
        moto_store.put_canned_acl(moto_bucket, "a.txt", "authenticated-read")


# -- delete -----------------------------------------------------------------------------------


def _md5_b64(body: bytes) -> str:
    return base64.b64encode(hashlib.md5(body).digest()).decode()


def test_2500_keys_go_in_three_delete_requests_in_the_body_with_content_md5(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_store: S3Store, moto_bucket: str
) -> None:
    # Long keys: 2,500 of them would make a URL of about 250 KB.
    keys = [f"a rather long folder name/{i:04}/and a long file name for it.txt" for i in range(2500)]
    # moto takes ~10 ms a PUT on a busy machine, so seed a sample spread over every batch
    # (the first and last key of each among them); S3 confirms deleting a missing key too.
    sample = sorted({*keys[::50], keys[999], keys[1000], keys[1999], keys[2000], keys[-1]})
    seed(moto_store, moto_bucket, sample)
    seed(moto_store, moto_bucket, ["keep/me.txt"])

    result = proxy_store.delete_objects(moto_bucket, keys)

    assert sorted(result.deleted) == sorted(keys)
    assert result.failed == ()
    assert all_keys(moto_store, moto_bucket) == {"keep/me.txt"}
    deletes = [r for r in fault_proxy.requests if Match.delete_objects(moto_bucket).matches(r)]
    assert len(deletes) == 3
    assert [r.body.count(b"<Object>") for r in deletes] == [1000, 1000, 500]
    for request in deletes:
        assert request.header("Content-MD5") == _md5_b64(request.body)
        assert b"<Quiet>false</Quiet>" in request.body  # so the answer names every key deleted
    assert max(len(r.raw_target) for r in fault_proxy.requests) < 2048


def test_keys_the_server_refuses_are_reported_one_by_one_and_stay(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    keys = ["a.txt", "b.txt", "locked/c.txt", "d.txt", "locked/e.txt"]
    seed(proxy_store, moto_bucket, keys)
    fault_proxy.refuse_deletes(moto_bucket, ["locked/c.txt", "locked/e.txt"])

    result = proxy_store.delete_objects(moto_bucket, keys)

    assert result.deleted == ("a.txt", "b.txt", "d.txt")
    assert [(f.key, f.code) for f in result.failed] == [
        ("locked/c.txt", "AccessDenied"),
        ("locked/e.txt", "AccessDenied"),
    ]
    assert all(f.message == "These keys may not delete this file." for f in result.failed)
    assert all_keys(proxy_store, moto_bucket) == {"locked/c.txt", "locked/e.txt"}


def test_a_per_key_error_other_than_access_denied_carries_the_servers_words(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    seed(proxy_store, moto_bucket, ["a.txt"])
    fault_proxy.refuse_deletes(moto_bucket, ["a.txt"], code="InternalError", message="We hit a snag.")

    result = proxy_store.delete_objects(moto_bucket, ["a.txt"])

    assert result.failed[0].message == "The server did not delete it: We hit a snag. (InternalError)"


def test_keys_the_server_does_not_confirm_are_not_reported_deleted(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    seed(proxy_store, moto_bucket, ["a.txt", "b.txt"])
    fault_proxy.refuse_deletes(moto_bucket, ["b.txt"], report=False)

    result = proxy_store.delete_objects(moto_bucket, ["a.txt", "b.txt"])

    assert result.deleted == ("a.txt",)
    assert [(f.key, f.code) for f in result.failed] == [("b.txt", "")]
    assert "did not confirm" in result.failed[0].message
    assert all_keys(proxy_store, moto_bucket) == {"b.txt"}


def test_a_delete_refused_as_a_whole_reports_every_key_with_the_reason(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    seed(proxy_store, moto_bucket, ["a.txt", "b.txt"])
    fault_proxy.fail(Match.delete_objects(moto_bucket), status=403, code="AccessDenied")

    result = proxy_store.delete_objects(moto_bucket, ["a.txt", "b.txt"])

    assert result.deleted == ()
    assert [f.key for f in result.failed] == ["a.txt", "b.txt"]
    assert all("not allowed" in f.message for f in result.failed)
    assert all_keys(proxy_store, moto_bucket) == {"a.txt", "b.txt"}


def test_awkward_keys_are_deleted(server: Server) -> None:
    keys = list(server.awkward_keys)
    seed(server.store, server.bucket, keys)

    result = server.store.delete_objects(server.bucket, keys)

    assert sorted(result.deleted) == sorted(keys)
    assert all_keys(server.store, server.bucket) == set()


def test_a_key_xml_cannot_carry_is_deleted_on_its_own(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    keys = ["plain.txt", "carriage\rreturn.txt"]
    seed(proxy_store, moto_bucket, keys)

    result = proxy_store.delete_objects(moto_bucket, keys)

    assert sorted(result.deleted) == sorted(keys)
    for key in keys:
        with pytest.raises(NotFound):
            proxy_store.head_details(moto_bucket, key)
    assert fault_proxy.count(Match(method="DELETE")) == 1


def test_an_access_change_or_acl_read_of_an_object_that_is_gone_names_it_in_plain_words(
    moto_store: S3Store, moto_bucket: str
) -> None:
    """Before: “PutObjectAcl: the object was not found.” (the request's name, not the file's)."""
    said = f"“ghost.png” is not in {moto_bucket} (any more)."
    for attempt in (
        lambda: moto_store.put_canned_acl(moto_bucket, "ghost.png", "public-read"),
        lambda: moto_store.get_acl(moto_bucket, "ghost.png"),
        lambda: moto_store.get_object_grants(moto_bucket, "ghost.png"),
    ):
        with pytest.raises(NotFound) as caught:
            attempt()
        assert caught.value.message == said
