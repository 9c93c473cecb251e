"""A replacing upload takes the object's headers, metadata and access from the server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from spacesgui.adapters.local_files import OsLocalFiles
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account
from spacesgui.core.transfers import MD5_METADATA, Direction, TransferState
from spacesgui.engine.transfer_engine import TransferEngine
from spacesgui.services.replace_plan import replacing_upload
from tests.integration.transfer_helpers import MiB, object_bytes, write_random

Engine = Callable[..., TransferEngine]
State = TransferState


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


def test_the_engine_keeps_the_carried_metadata_on_single_and_multipart_uploads(
    moto_account: Account, moto_store: S3Store, moto_bucket: str, make_engine: Engine, tmp_path: Path
) -> None:
    small = write_random(tmp_path / "small.txt", 3000, seed=1)
    big = write_random(tmp_path / "big.bin", 12 * MiB + 17, seed=2)
    for key in ("small.txt", "big.bin"):
        moto_store.client.put_object(
            Bucket=moto_bucket, Key=key, Body=b"old", ContentType="application/x-mine",
            CacheControl="max-age=9", Metadata={"keep": "me"},
        )  # fmt: skip
    transfers = [
        replacing_upload(moto_store, OsLocalFiles(), moto_account, moto_bucket, key, str(tmp_path / key))
        for key in ("small.txt", "big.bin")
    ]
    engine = make_engine(moto_store)
    engine.add([], transfers)
    assert engine.wait_idle(120)
    assert {t.key: t.state for t in engine.transfers()} == {"small.txt": State.DONE, "big.bin": State.DONE}
    for key, data in (("small.txt", small), ("big.bin", big)):
        assert object_bytes(moto_store, moto_bucket, key) == data
        head = moto_store.client.head_object(Bucket=moto_bucket, Key=key)
        assert (head["ContentType"], head["CacheControl"]) == ("application/x-mine", "max-age=9")
        assert head["Metadata"]["keep"] == "me"
