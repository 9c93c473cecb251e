"""A folder's deleted files over moto: ListObjectVersions with a delimiter, paged; undelete in a batch."""

from __future__ import annotations

import threading

import pytest

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.deleted import markers_to_remove
from spacesgui.core.listing import ListingPage, ObjectRef
from spacesgui.services.deleted_files_service import RestoreJob, restore_deleted
from tests.fault_proxy import FaultProxy, Match


@pytest.fixture
def versioned_bucket(moto_store: S3Store, moto_bucket: str) -> str:
    moto_store.client.put_bucket_versioning(Bucket=moto_bucket, VersioningConfiguration={"Status": "Enabled"})
    return moto_bucket


def put(store: S3Store, bucket: str, key: str, body: bytes = b"x", *, times: int = 1) -> None:
    for n in range(times):
        store.client.put_object(Bucket=bucket, Key=key, Body=body + str(n).encode() * (n > 0))


def test_only_keys_whose_newest_version_is_a_delete_marker_are_listed_deleted_across_pages(
    moto_store: S3Store, versioned_bucket: str
) -> None:
    bucket, client = versioned_bucket, moto_store.client
    put(moto_store, bucket, "docs/live.txt", times=2)
    put(moto_store, bucket, "docs/gone.txt", b"12345", times=3)  # three versions, then deleted
    client.delete_object(Bucket=bucket, Key="docs/gone.txt")
    for n in range(4):
        put(moto_store, bucket, f"docs/old{n}.txt", b"abc")
        client.delete_object(Bucket=bucket, Key=f"docs/old{n}.txt")
    put(moto_store, bucket, "docs/sub/a.txt")  # a live folder
    put(moto_store, bucket, "docs/trash/b.txt")  # a folder of deleted files only
    client.delete_object(Bucket=bucket, Key="docs/trash/b.txt")

    pages: list[ListingPage] = list(moto_store.iter_deleted(bucket, "docs/", max_keys=3))

    assert len(pages) > 2  # the listing crossed pages, so keys straddled them
    assert all(page.deleted for page in pages)
    merged = ListingPage.merged(pages)
    assert merged.keys == [
        "docs/gone.txt",
        "docs/old0.txt",
        "docs/old1.txt",
        "docs/old2.txt",
        "docs/old3.txt",
    ]
    assert merged.sizes[0] == len(b"123452")  # the newest version with bytes, which a restore brings back
    assert sorted(set(merged.folders)) == ["docs/sub/", "docs/trash/"]  # the caller drops the live one


def test_deleting_the_markers_brings_every_deleted_key_back_with_its_bytes(
    moto_store: S3Store, versioned_bucket: str
) -> None:
    bucket, client = versioned_bucket, moto_store.client
    put(moto_store, bucket, "f/a.txt", b"alpha")
    client.delete_object(Bucket=bucket, Key="f/a.txt")
    client.delete_object(Bucket=bucket, Key="f/a.txt")  # deleted twice: two markers above the bytes
    put(moto_store, bucket, "f/b.txt", b"beta")
    versions = list(moto_store.list_versions(bucket, "f/").versions)

    assert {(v.key, v.delete_marker) for v in markers_to_remove(versions)} == {("f/a.txt", True)}
    doomed = [v for v in versions if v.delete_marker]  # both (moto keeps whole seconds: they may tie)
    assert len(doomed) == 2
    assert moto_store.delete_versions(bucket, [(v.key, v.version_id) for v in doomed]) == []
    assert client.get_object(Bucket=bucket, Key="f/a.txt")["Body"].read() == b"alpha"
    assert list(moto_store.iter_deleted(bucket, "f/")) == []


def test_a_folder_restore_reports_each_batch_and_stops_between_batches_leaving_whole_keys(
    moto_store: S3Store, versioned_bucket: str
) -> None:
    bucket, client = versioned_bucket, moto_store.client
    keys = ["f/a.txt", "f/b.txt", "f/sub/c.txt"]
    for key in keys:
        put(moto_store, bucket, key, key.encode())
        client.delete_object(Bucket=bucket, Key=key)
    client.delete_object(Bucket=bucket, Key="f/a.txt")  # two markers: both go in the same batch
    stop = threading.Event()
    reports: list[tuple[int, int]] = []

    def progress(back: int, total: int) -> None:
        reports.append((back, total))
        stop.set()  # Stop pressed after the first batch

    job = RestoreJob(bucket, [ObjectRef("f/", is_folder=True)], 2, 1, stop, progress)
    result = restore_deleted(moto_store, job)

    assert result.stopped
    assert result.restored == ("f/a.txt",)
    assert reports == [(1, 3)]
    assert client.get_object(Bucket=bucket, Key="f/a.txt")["Body"].read() == b"f/a.txt"
    still = ListingPage.merged(list(moto_store.iter_deleted(bucket, "f/")))
    assert still.keys == ["f/b.txt"]
    assert still.folders == ["f/sub/"]


def test_a_restore_the_server_does_not_confirm_is_reported_failed_and_the_file_stays_deleted(
    fault_proxy: FaultProxy, proxy_store: S3Store, versioned_bucket: str
) -> None:
    bucket, client = versioned_bucket, proxy_store.client
    for key in ("f/a.txt", "f/b.txt"):
        put(proxy_store, bucket, key, key.encode())
        client.delete_object(Bucket=bucket, Key=key)
    fault_proxy.refuse_deletes(bucket, ["f/b.txt"], report=False)  # an answer that says nothing of it

    job = RestoreJob(
        bucket, [ObjectRef("f/", is_folder=True)], 1000, 1000, threading.Event(), lambda *_: None
    )
    result = restore_deleted(proxy_store, job)

    assert result.restored == ("f/a.txt",)
    assert [(f.key, f.code) for f in result.failed] == [("f/b.txt", "")]
    assert "did not confirm" in result.failed[0].message
    assert client.get_object(Bucket=bucket, Key="f/a.txt")["Body"].read() == b"f/a.txt"
    assert ListingPage.merged(list(proxy_store.iter_deleted(bucket, "f/"))).keys == ["f/b.txt"]


def test_markers_from_the_same_second_as_the_bytes_are_deleted_only_when_above_them(
    fault_proxy: FaultProxy, proxy_store: S3Store, versioned_bucket: str
) -> None:
    bucket, client = versioned_bucket, proxy_store.client
    put(proxy_store, bucket, "f/above.txt", b"above")
    client.delete_object(Bucket=bucket, Key="f/above.txt")
    client.delete_object(Bucket=bucket, Key="f/above.txt")  # two markers over the bytes
    put(proxy_store, bucket, "f/below.txt", b"old")
    below = client.delete_object(Bucket=bucket, Key="f/below.txt")["VersionId"]  # a marker under...
    put(proxy_store, bucket, "f/below.txt", b"new")  # ...the newest bytes
    client.delete_object(Bucket=bucket, Key="f/below.txt")
    fault_proxy.same_second(Match(method="GET", query={"versions": None}))  # a whole-second server

    job = RestoreJob(
        bucket, [ObjectRef("f/", is_folder=True)], 1000, 1000, threading.Event(), lambda *_: None
    )
    result = restore_deleted(proxy_store, job)

    assert result.restored == ("f/above.txt", "f/below.txt")
    assert result.failed == ()
    assert client.get_object(Bucket=bucket, Key="f/above.txt")["Body"].read() == b"above"
    assert client.get_object(Bucket=bucket, Key="f/below.txt")["Body"].read() == b"new"
    markers = client.list_object_versions(Bucket=bucket, Prefix="f/").get("DeleteMarkers") or []
    assert [(m["Key"], m["VersionId"]) for m in markers] == [("f/below.txt", below)]  # history kept


def test_a_restore_that_fails_partway_still_names_the_files_already_back(
    fault_proxy: FaultProxy, proxy_store: S3Store, versioned_bucket: str
) -> None:
    bucket, client = versioned_bucket, proxy_store.client
    put(proxy_store, bucket, "f/a.txt", b"alpha")
    client.delete_object(Bucket=bucket, Key="f/a.txt")
    put(proxy_store, bucket, "f/b.txt", b"beta")
    client.delete_object(Bucket=bucket, Key="f/b.txt")
    client.delete_object(Bucket=bucket, Key="f/b.txt")  # a second marker: b.txt is listed again
    fault_proxy.same_second(Match(method="GET", query={"versions": None}))
    fault_proxy.fail(
        Match(method="GET", query={"versions": None, "prefix": "f/b.txt"}), status=403, code="AccessDenied"
    )

    job = RestoreJob(bucket, [ObjectRef("f/", is_folder=True)], 1000, 1, threading.Event(), lambda *_: None)
    result = restore_deleted(proxy_store, job)

    assert result.restored == ("f/a.txt",)
    assert [f.key for f in result.failed] == ["f/b.txt"]
    assert "not allowed" in result.failed[0].message
    assert client.get_object(Bucket=bucket, Key="f/a.txt")["Body"].read() == b"alpha"
