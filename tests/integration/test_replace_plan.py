"""A replacing upload takes the object's headers, metadata and access from the server."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from spacesgui.adapters.local_files import OsLocalFiles
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account
from spacesgui.core.transfers import MD5_METADATA, Direction
from spacesgui.services.replace_plan import replacing_upload


def test_the_upload_carries_the_objects_headers_metadata_and_access(
    moto_account: Account, moto_store: S3Store, moto_bucket: str, tmp_path: Path
) -> None:
    moto_store.client.put_object(
        Bucket=moto_bucket, Key="a/page.html", Body=b"<p>old</p>", ContentType="text/html",
        CacheControl="no-cache", Metadata={"author": "li", MD5_METADATA: "0" * 32}, ACL="public-read",
    )  # fmt: skip
    local = tmp_path / "page.html"
    local.write_bytes(b"<p>new and longer</p>")
    t = replacing_upload(moto_store, OsLocalFiles(), moto_account, moto_bucket, "a/page.html", str(local))
    assert (t.direction, t.key, t.local_path, t.size) == (Direction.UPLOAD, "a/page.html", str(local), 21)
    assert (t.content_type, t.cache_control, t.acl) == ("text/html", "no-cache", "public-read")
    assert t.metadata == {"author": "li"}  # the old checksum is not carried over


def test_an_object_gone_from_the_server_is_uploaded_with_the_accounts_settings(
    moto_account: Account, moto_store: S3Store, moto_bucket: str, tmp_path: Path
) -> None:
    local = tmp_path / "gone.txt"
    local.write_bytes(b"still wanted")
    account = replace(moto_account, upload_acl="public-read", cache_control="max-age=5")
    t = replacing_upload(moto_store, OsLocalFiles(), account, moto_bucket, "gone.txt", str(local))
    assert (t.content_type, t.cache_control, t.acl, t.metadata) == ("", "max-age=5", "public-read", {})
    assert t.size == len(b"still wanted")
