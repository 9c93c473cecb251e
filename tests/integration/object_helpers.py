"""Helpers for the object-operation and share-link tests: servers, awkward keys, seeding."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from spacesgui.adapters.s3_store import S3Store
from tests.conftest import RcloneServer
from tests.fault_proxy import FaultProxy, RecordedRequest

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"

# A key of exactly 1,024 UTF-8 bytes (S3's limit), in folders short enough for rclone's
# file system (255 bytes a name).
LONG_KEY = ("l" * 199 + "/") * 5 + "k" * 24
assert len(LONG_KEY.encode()) == 1024

# Keys every operation must handle. rclone keeps keys as file paths, so it refuses "//"
# and a trailing "/" ("Object name contains unsupported characters").
AWKWARD_KEYS = (
    "with space/and more spaces.txt",
    "ünïcødé/写真 📷.jpg",
    "odd #?%+&=;@$,'!.txt",
    "double//slash.txt",
    "ends-with-slash/",
    LONG_KEY,
)
RCLONE_AWKWARD_KEYS = tuple(k for k in AWKWARD_KEYS if "//" not in k and not k.endswith("/"))


@dataclass(frozen=True, slots=True)
class Server:
    name: str
    store: S3Store
    bucket: str

    @property
    def awkward_keys(self) -> tuple[str, ...]:
        return AWKWARD_KEYS if self.name == "moto" else RCLONE_AWKWARD_KEYS


def open_server(request: pytest.FixtureRequest, unique_bucket: str) -> Server:
    """The `server` fixture's body: moto or rclone (request.param), in a fresh bucket."""
    if request.param == "moto":
        return Server("moto", request.getfixturevalue("moto_store"), request.getfixturevalue("moto_bucket"))
    store: S3Store = request.getfixturevalue("rclone_store")
    store.client.create_bucket(Bucket=unique_bucket)
    return Server("rclone", store, unique_bucket)


@contextmanager
def proxied_rclone(
    rclone_server: RcloneServer, make_store: Any, account: Any
) -> Iterator[tuple[FaultProxy, S3Store]]:
    """A FaultProxy in front of rclone (it forwards signatures unchanged) and a store using it.

    The store is told rclone keeps no ACLs, as every rclone store in the tests is.
    """
    with FaultProxy(rclone_server.endpoint) as proxy:
        yield proxy, make_store(account.with_changes(endpoint_url=proxy.endpoint), acls=False)


def put_raw(store: S3Store, bucket: str, key: str, data: bytes = b"hi", **params: Any) -> None:
    """Seed one object with boto3 directly (any header, any ACL)."""
    store.client.put_object(Bucket=bucket, Key=key, Body=data, **params)


def seed(store: S3Store, bucket: str, keys: list[str], data: bytes = b"x") -> None:
    """Put many small objects at once (joins its threads before returning)."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda key: put_raw(store, bucket, key, data), keys))


def read(store: S3Store, bucket: str, key: str) -> bytes:
    body = store.client.get_object(Bucket=bucket, Key=key)["Body"]
    try:
        return bytes(body.read())
    finally:
        body.close()


def all_keys(store: S3Store, bucket: str, prefix: str = "") -> set[str]:
    return {entry.key for entry in store.iter_objects(bucket, prefix)}


def is_public(store: S3Store, bucket: str, key: str) -> bool:
    grants = store.client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    return any(g["Grantee"].get("URI") == ALL_USERS and g["Permission"] == "READ" for g in grants)


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def acl_requests(requests: list[RecordedRequest]) -> list[RecordedRequest]:
    return [r for r in requests if "acl" in r.query]
