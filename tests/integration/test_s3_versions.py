"""Object versions over moto: paging, a version's bytes, restore over the current one, errors in words."""

from __future__ import annotations

from pathlib import Path

import pytest

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.errors import SpacesError


@pytest.fixture
def versioned_bucket(moto_store: S3Store, moto_bucket: str) -> str:
    moto_store.client.put_bucket_versioning(Bucket=moto_bucket, VersioningConfiguration={"Status": "Enabled"})
    return moto_bucket


def test_pages_follow_each_other_by_both_markers_until_every_version_is_listed(
    moto_store: S3Store, versioned_bucket: str
) -> None:
    for n in range(5):
        moto_store.client.put_object(Bucket=versioned_bucket, Key=f"k{n % 2}", Body=b"x" * n)
    seen, key_marker, version_marker, pages = [], "", "", 0
    while True:
        page = moto_store.list_versions(versioned_bucket, "", key_marker, version_marker, max_keys=2)
        seen.extend(page.versions)
        pages += 1
        if not page.truncated:
            break
        key_marker, version_marker = page.next_key_marker, page.next_version_marker
    assert pages == 3
    assert sorted(v.size for v in seen) == [0, 1, 2, 3, 4]
    assert len({v.version_id for v in seen}) == 5
    assert sum(v.is_latest for v in seen) == 2


def test_a_version_downloads_and_restores_over_the_current_one(
    moto_store: S3Store, versioned_bucket: str, tmp_path: Path
) -> None:
    first = moto_store.client.put_object(Bucket=versioned_bucket, Key="a", Body=b"first")["VersionId"]
    moto_store.client.put_object(Bucket=versioned_bucket, Key="a", Body=b"second")
    target = tmp_path / "out" / "a"
    assert moto_store.download_version(versioned_bucket, "a", first, str(target)) == 5
    assert target.read_bytes() == b"first"
    new_id = moto_store.restore_version(versioned_bucket, "a", first)
    assert new_id not in ("", first)
    assert moto_store.client.get_object(Bucket=versioned_bucket, Key="a")["Body"].read() == b"first"


def test_an_unknown_version_is_a_core_error_and_leaves_no_part_file(
    moto_store: S3Store, versioned_bucket: str, tmp_path: Path
) -> None:
    moto_store.client.put_object(Bucket=versioned_bucket, Key="a", Body=b"x")
    target = tmp_path / "a"
    with pytest.raises(SpacesError):
        moto_store.download_version(versioned_bucket, "a", "no-such-version", str(target))
    assert list(tmp_path.iterdir()) == []


def test_restoring_a_public_file_keeps_it_public(moto_store: S3Store, versioned_bucket: str) -> None:
    first = moto_store.client.put_object(Bucket=versioned_bucket, Key="p", Body=b"1", ACL="public-read")
    moto_store.client.put_object(Bucket=versioned_bucket, Key="p", Body=b"2", ACL="public-read")
    moto_store.restore_version(versioned_bucket, "p", first["VersionId"])
    assert moto_store.get_acl(versioned_bucket, "p").canned == "public-read"
