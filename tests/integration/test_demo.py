"""The embedded demo: its server, its sample Spaces and its fast listing, over real HTTP."""

from __future__ import annotations

import hashlib
import io
import math
import socket
import struct
import threading
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from spacesgui.adapters.s3_client import make_client
from spacesgui.core.accounts import Account, AddressingStyle
from spacesgui.demo import big_space
from spacesgui.demo.server import DEMO_CREDENTIALS, SPACES, DemoServer, demo_account

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

SMALL_BIG_KEYS = 5_000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
THREAD_JOIN_S = 5.0


@dataclass
class Seeded:
    """A started and seeded demo server, with what was observed while it came up."""

    server: DemoServer
    account: Account
    spaces_before_seed: list[str]
    ready: list[str] = field(default_factory=list)


def _client(account: Account) -> S3Client:
    return make_client(account, DEMO_CREDENTIALS)


def _walk_v2(client: S3Client, bucket: str, **kwargs: Any) -> tuple[list[str], list[str], int]:
    """List with ListObjectsV2 page by page; return (keys, folders, pages) in server order."""
    keys: list[str] = []
    folders: list[str] = []
    pages = 0
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, **kwargs):
        pages += 1
        keys.extend(item["Key"] for item in page.get("Contents", []))
        folders.extend(p["Prefix"] for p in page.get("CommonPrefixes", []))
    return keys, folders, pages


def _walk_v1(client: S3Client, bucket: str, **kwargs: Any) -> tuple[list[str], list[str]]:
    keys: list[str] = []
    folders: list[str] = []
    for page in client.get_paginator("list_objects").paginate(Bucket=bucket, **kwargs):
        keys.extend(item["Key"] for item in page.get("Contents", []))
        folders.extend(p["Prefix"] for p in page.get("CommonPrefixes", []))
    return keys, folders


def _png_size(data: bytes) -> tuple[int, int]:
    """Check that `data` is a well-formed RGB(A) PNG whose pixels decode; return its size."""
    assert data[:8] == PNG_SIGNATURE
    chunks: list[tuple[bytes, bytes]] = []
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        chunks.append((kind, body))
        pos += 12 + length
    assert chunks[0][0] == b"IHDR"
    assert chunks[-1] == (b"IEND", b"")
    width, height, depth, color = struct.unpack(">IIBB", chunks[0][1][:10])
    assert depth == 8
    channels = {2: 3, 6: 4}[color]
    pixels = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    assert len(pixels) == height * (1 + width * channels)
    return width, height


def _port_is_closed(endpoint: str) -> bool:
    port = int(endpoint.rsplit(":", 1)[1])
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10):
            return False
    except OSError:
        return True


def test_demo_account_points_at_the_local_server() -> None:
    account = demo_account("http://127.0.0.1:4567")

    assert account.name == "Demo (local)"
    assert account.provider == "custom"
    assert account.endpoint_url == "http://127.0.0.1:4567"
    assert account.region == "us-east-1"
    assert account.addressing is AddressingStyle.PATH
    assert account.access_key_id == DEMO_CREDENTIALS.access_key_id


@pytest.fixture(scope="class")
def seeded() -> Iterator[Seeded]:
    """A started demo server (smaller big Space), seeded; one per test class."""
    server = DemoServer(big_keys=SMALL_BIG_KEYS)
    endpoint = server.start()
    account = demo_account(endpoint)
    client = _client(account)
    try:
        before = [b["Name"] for b in client.list_buckets().get("Buckets", [])]
    finally:
        client.close()
    seeded = Seeded(server, account, before)
    try:
        server.seed(on_bucket_ready=seeded.ready.append)
        yield seeded
    finally:
        server.stop()


class TestSeededDemo:
    """One demo server (with a smaller big Space) shared by the tests that only read it,
    or that put back what they change."""

    @pytest.fixture
    def client(self, seeded: Seeded) -> Iterator[S3Client]:
        client = _client(seeded.account)
        yield client
        client.close()

    def test_start_returns_before_anything_is_seeded(self, seeded: Seeded) -> None:
        # Listed between start() and seed(): a start() that seeded would show them here.
        # (How long start() takes is measured in bench/demo_listing.py, not here.)
        assert not set(SPACES) & set(seeded.spaces_before_seed)

    def test_every_sample_space_exists(self, client: S3Client) -> None:
        names = {b["Name"] for b in client.list_buckets()["Buckets"]}

        assert set(SPACES) <= names

    def test_spaces_are_reported_ready_small_ones_first_and_big_one_last(self, seeded: Seeded) -> None:
        assert seeded.ready == ["website", "photos", "backups", "big-space"]

    def test_photos_holds_nested_folders_of_valid_pngs(self, client: S3Client) -> None:
        keys, _, _ = _walk_v2(client, "photos")
        _, top, _ = _walk_v2(client, "photos", Delimiter="/")
        sizes = []
        for key in keys:
            response = client.get_object(Bucket="photos", Key=key)
            data = response["Body"].read()
            assert response["ContentType"] == "image/png"
            width, height = _png_size(data)
            assert width >= 100
            assert height >= 100
            sizes.append(len(data))

        assert len(keys) >= 20
        assert {"2023/", "2024/", "family/"} <= set(top)
        assert "2024/trips/lisbon/tagus.png" in keys
        assert len(set(sizes)) == len(sizes)
        assert min(sizes) < 100_000 < 1_000_000 < max(sizes)

    def test_website_objects_have_their_content_types(self, client: S3Client) -> None:
        expected = {
            "index.html": "text/html",
            "about.html": "text/html",
            "404.html": "text/html",
            "css/site.css": "text/css",
            "js/app.js": "text/javascript",
            "images/logo.png": "image/png",
            "images/croissant.svg": "image/svg+xml",
        }
        for key, content_type in expected.items():
            head = client.head_object(Bucket="website", Key=key)
            assert head["ContentType"].split(";")[0] == content_type, key
        logo = client.get_object(Bucket="website", Key="images/logo.png")["Body"].read()
        assert _png_size(logo) == (192, 192)

    def test_backups_holds_a_readme_and_large_gzip_dumps(self, client: S3Client) -> None:
        response = client.list_objects_v2(Bucket="backups")
        sizes = {item["Key"]: item["Size"] for item in response["Contents"]}
        dumps = [key for key in sizes if key.endswith(".sql.gz")]
        head = client.get_object(Bucket="backups", Key=dumps[0], Range="bytes=0-1")

        assert "README.txt" in sizes
        assert len(dumps) >= 3
        assert all(5 << 20 <= sizes[key] <= 20 << 20 for key in dumps)
        assert head["Body"].read() == b"\x1f\x8b"

    def test_big_space_lists_every_key_once_in_order_across_pages(self, client: S3Client) -> None:
        keys, _, pages = _walk_v2(client, "big-space", MaxKeys=1000)

        assert len(keys) == SMALL_BIG_KEYS + 1  # and the README
        assert keys == sorted(set(keys))
        assert pages == math.ceil(len(keys) / 1000)

    def test_big_space_with_a_delimiter_lists_its_folders(self, client: S3Client) -> None:
        plan = big_space.plan(SMALL_BIG_KEYS)

        root_keys, root_folders, _ = _walk_v2(client, "big-space", Delimiter="/")
        _, asset_folders, _ = _walk_v2(client, "big-space", Prefix="assets/", Delimiter="/")
        logs, log_folders, log_pages = _walk_v2(
            client, "big-space", Prefix="logs/", Delimiter="/", MaxKeys=1000
        )
        one_folder, _, _ = _walk_v2(client, "big-space", Prefix="assets/07/", Delimiter="/")

        assert root_keys == ["README.txt"]
        assert root_folders == ["assets/", "logs/"]
        assert asset_folders == [f"assets/{i:02d}/" for i in range(100)]
        assert len(logs) == plan.logs
        assert logs == sorted(logs)
        assert log_folders == []
        assert log_pages == math.ceil(plan.logs / 1000)
        assert len(one_folder) == len([i for i in range(plan.assets) if i % 100 == 7])

    def test_list_objects_v1_pages_through_the_flat_folder_by_marker(self, client: S3Client) -> None:
        v2_keys, _, _ = _walk_v2(client, "big-space", Prefix="logs/", Delimiter="/")
        v1_keys, v1_folders = _walk_v1(
            client, "big-space", Prefix="logs/", Delimiter="/", PaginationConfig={"PageSize": 700}
        )
        after = client.list_objects(Bucket="big-space", Prefix="logs/", Marker=v2_keys[9], MaxKeys=5)

        assert v1_keys == v2_keys
        assert v1_folders == []
        assert [item["Key"] for item in after["Contents"]] == v2_keys[10:15]
        assert after["IsTruncated"] is True

    def test_a_big_space_object_reads_back_with_its_size_and_md5_etag(self, client: S3Client) -> None:
        listed = client.list_objects_v2(Bucket="big-space", Prefix="assets/42/", MaxKeys=3)
        for item in listed["Contents"]:
            body = client.get_object(Bucket="big-space", Key=item["Key"])["Body"].read()
            head = client.head_object(Bucket="big-space", Key=item["Key"])
            assert len(body) == item["Size"] == head["ContentLength"]
            assert item["ETag"] == head["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'

    def test_big_space_keys_vary_in_size_and_date(self, client: S3Client) -> None:
        page = client.list_objects_v2(Bucket="big-space", Prefix="assets/", MaxKeys=1000)
        sizes = {item["Size"] for item in page["Contents"]}
        dates = {item["LastModified"] for item in page["Contents"]}

        assert len(sizes) > 100
        assert len(dates) > 100

    def test_objects_put_after_seeding_show_up_and_deleted_ones_disappear(self, client: S3Client) -> None:
        logs, _, _ = _walk_v2(client, "big-space", Prefix="logs/", Delimiter="/")
        victim = logs[len(logs) // 2]
        new_log = victim[:-4] + "-late.log"  # sorts right after the victim
        client.put_object(Bucket="big-space", Key=new_log, Body=b"late\n")
        client.put_object(Bucket="big-space", Key="new-folder/a.txt", Body=b"a")
        client.put_object(Bucket="big-space", Key=victim, Body=b"overwritten\n")
        client.delete_object(Bucket="big-space", Key=logs[0])

        after, _, _ = _walk_v2(client, "big-space", Prefix="logs/", Delimiter="/", MaxKeys=1000)
        _, root_folders, _ = _walk_v2(client, "big-space", Delimiter="/")
        overwritten = client.head_object(Bucket="big-space", Key=victim)

        assert after == sorted([*logs[1:], new_log])
        assert root_folders == ["assets/", "logs/", "new-folder/"]
        assert overwritten["ContentLength"] == len(b"overwritten\n")

        client.delete_objects(
            Bucket="big-space",
            Delete={"Objects": [{"Key": new_log}, {"Key": "new-folder/a.txt"}]},
        )
        client.put_object(Bucket="big-space", Key=logs[0], Body=b"restored\n")
        restored, _, _ = _walk_v2(client, "big-space", Prefix="logs/", Delimiter="/")
        _, root_folders, _ = _walk_v2(client, "big-space", Delimiter="/")

        assert restored == logs
        assert root_folders == ["assets/", "logs/"]

    def test_multipart_uploads_and_copies_show_up_in_a_demo_space(self, client: S3Client) -> None:
        source = client.list_objects_v2(Bucket="big-space", Prefix="assets/03/", MaxKeys=1)
        source_key = source["Contents"][0]["Key"]
        data = bytes(range(256)) * 24_000  # ~6 MB: two parts
        config = TransferConfig(multipart_threshold=5 << 20, multipart_chunksize=5 << 20)
        client.upload_fileobj(io.BytesIO(data), "big-space", "uploads/big.bin", Config=config)
        client.copy_object(
            Bucket="big-space", Key="uploads/copy.bin", CopySource={"Bucket": "big-space", "Key": source_key}
        )
        try:
            listed, _, _ = _walk_v2(client, "big-space", Prefix="uploads/")
            copied = client.get_object(Bucket="big-space", Key="uploads/copy.bin")["Body"].read()
            original = client.get_object(Bucket="big-space", Key=source_key)["Body"].read()
            # Started without an x-amz-acl header, as the app's uploads are by default: moto
            # answered 500 to reading its ACL, and the app showed its Access as "Unknown".
            grants = client.get_object_acl(Bucket="big-space", Key="uploads/big.bin")["Grants"]
        finally:
            client.delete_objects(
                Bucket="big-space",
                Delete={"Objects": [{"Key": "uploads/big.bin"}, {"Key": "uploads/copy.bin"}]},
            )

        assert listed == ["uploads/big.bin", "uploads/copy.bin"]
        assert copied == original
        assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # private, as S3 makes it
        assert _walk_v2(client, "big-space", Prefix="uploads/")[0] == []

    def test_a_garbage_continuation_token_is_refused(self, client: S3Client) -> None:
        with pytest.raises(ClientError) as caught:
            client.list_objects_v2(Bucket="big-space", ContinuationToken="not-a-token")

        assert caught.value.response["Error"]["Code"] == "InvalidArgument"

    def test_fast_listing_agrees_with_moto_own_listing(self, client: S3Client) -> None:
        """The same keys in a demo Space (fast path) and a plain bucket (moto's code)."""
        names = [
            "a", "a b", "a&b<c>.txt", "a+b", "a/b", "a/b/c", "a/b/d", "a%2Fb", "ab", "b/",
            "b//c", "b/c/d/e", "z", "zz/1", "zz/2", "ü/ß.txt",
        ]  # fmt: skip
        top = f"cmp-{uuid.uuid4().hex[:8]}/"
        plain = f"plain-{uuid.uuid4().hex[:12]}"
        client.create_bucket(Bucket=plain)
        try:
            for name in names:
                for bucket in ("website", plain):
                    client.put_object(Bucket=bucket, Key=top + name, Body=name.encode())
            for sub in ("", "a", "a/", "b/", "zz"):
                for delimiter in ("/", ""):
                    for size in (1, 2, 3, 1000):
                        args = {"Prefix": top + sub, "Delimiter": delimiter}
                        paging = {"PaginationConfig": {"PageSize": size}}
                        fast = _walk_v2(client, "website", **args, **paging)
                        slow = _walk_v2(client, plain, **args, **paging)
                        assert fast == slow, (sub, delimiter, size)
                        fast_v1 = _walk_v1(client, "website", **args, **paging)
                        slow_v1 = _walk_v1(client, plain, **args, **paging)
                        assert fast_v1[0] == slow_v1[0], (sub, delimiter, size)
                        assert set(fast_v1[1]) == set(slow_v1[1]), (sub, delimiter, size)
                    for start_after in ("a/b", "a", "b/"):
                        args = {"Prefix": top, "Delimiter": delimiter, "StartAfter": top + start_after}
                        assert _walk_v2(client, "website", **args) == _walk_v2(client, plain, **args)
        finally:
            for bucket in ("website", plain):
                client.delete_objects(
                    Bucket=bucket, Delete={"Objects": [{"Key": top + name} for name in names]}
                )
            client.delete_bucket(Bucket=plain)
        left, _, _ = _walk_v2(client, "website", Prefix=top)
        assert left == []


def test_stop_closes_the_port_and_leaves_no_thread_running() -> None:
    before = set(threading.enumerate())
    server = DemoServer(big_keys=100)
    endpoint = server.start()
    client = _client(demo_account(endpoint))
    client.list_buckets()  # leaves a keep-alive connection (and its thread) open

    server.stop()
    client.close()
    leftover = [t for t in threading.enumerate() if t not in before]
    for thread in leftover:
        thread.join(THREAD_JOIN_S)

    assert [t.name for t in leftover if t.is_alive()] == []
    assert _port_is_closed(endpoint)


def test_stop_is_idempotent_and_fine_before_start() -> None:
    never_started = DemoServer(big_keys=100)
    never_started.stop()
    server = DemoServer(big_keys=100)
    server.start()

    server.stop()
    server.stop()

    assert server.endpoint  # still says where it was
    with pytest.raises(RuntimeError):
        server.start()


def test_only_one_demo_server_runs_at_a_time() -> None:
    with DemoServer(big_keys=100):
        second = DemoServer(big_keys=100)
        with pytest.raises(RuntimeError, match="Another DemoServer"):
            second.start()
    with DemoServer(big_keys=100) as third:
        assert third.endpoint


def test_stop_during_seeding_ends_the_seeding_quietly() -> None:
    server = DemoServer(big_keys=SMALL_BIG_KEYS)
    server.start()
    first_ready = threading.Event()
    errors: list[BaseException] = []

    def seed() -> None:
        try:
            server.seed(on_bucket_ready=lambda _name: first_ready.set())
        except BaseException as exc:
            errors.append(exc)

    seeding = threading.Thread(target=seed, name="test-seed")
    seeding.start()
    try:
        assert first_ready.wait(THREAD_JOIN_S * 6)
    finally:
        server.stop()
        seeding.join(THREAD_JOIN_S * 6)

    assert not seeding.is_alive()
    assert errors == []


@pytest.mark.slow
def test_the_100000_key_space_lists_in_full_pages_and_every_log_is_there() -> None:
    # Its speed (a page in ~25 ms) is measured by bench/demo_listing.py: a test cannot
    # tell a slow product from a loaded machine.
    with DemoServer() as server:
        server.seed()
        client = _client(demo_account(server.endpoint))
        try:
            token: dict[str, str] = {}
            for _ in range(5):
                page = client.list_objects_v2(
                    Bucket="big-space", Prefix="logs/", Delimiter="/", MaxKeys=1000, **token
                )
                assert len(page["Contents"]) == 1000
                token = {"ContinuationToken": page["NextContinuationToken"]}
            logs, _, _ = _walk_v2(client, "big-space", Prefix="logs/", Delimiter="/")
        finally:
            client.close()

    assert len(logs) == len(set(logs)) == big_space.plan(100_000).logs
