"""Listing and bucket calls of S3Store against real S3-compatible servers."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

import pytest

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account
from spacesgui.core.errors import BucketNotEmpty, InvalidBucketName, ListingBroken, NoSuchBucket
from spacesgui.core.listing import ListingPage
from tests.fault_proxy import FaultProxy, Match, PaginationBreak

if TYPE_CHECKING:
    from tests.conftest import RcloneServer


def _seed_rclone(server: RcloneServer, bucket: str, keys: Iterable[str]) -> None:
    """Create each key as a small file under the bucket's directory; wait until it is served."""
    keys = list(keys)
    for key in keys:
        path = server.root / bucket / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(key.encode())
    server.wait_until_served(bucket, [k for k in keys if not k.endswith("/")])


def _seed_moto(store: S3Store, bucket: str, keys: Iterable[str]) -> None:
    for key in keys:
        store.client.put_object(Bucket=bucket, Key=key, Body=key.encode())


def _flatten(pages: Iterable[ListingPage]) -> tuple[list[str], list[str]]:
    """Return (folders, keys) across pages, in the order they came."""
    folders: list[str] = []
    keys: list[str] = []
    for page in pages:
        folders.extend(page.folders)
        keys.extend(page.keys)
    return folders, keys


# -- pagination on a server that gets it right (rclone) ----------------------------------


def _paged_layout(prefix: str, count: int) -> tuple[list[str], list[str], list[str]]:
    """Return (files, keys, folders) for `count` entries directly under `prefix`.

    Laid out so pages of 1,000 end on a folder: entry 1,000 is the folder "a0999.txt/"
    and entry 2,000 "a1999.txt/", each holding keys that must stay rolled up.
    "b.txt" < "b/" < "b0.txt" in byte order puts one more folder between keys.
    """
    boundaries = [i for i in (999, 1999) if i < count]
    keys = sorted(
        [f"{prefix}a{i:04d}.txt" for i in range(count) if i not in boundaries]
        + [f"{prefix}b.txt", f"{prefix}b0.txt"]
    )
    folders = sorted([f"{prefix}a{i:04d}.txt/" for i in boundaries] + [f"{prefix}b/"])
    files = keys + [f"{folder}{j}.txt" for folder in folders for j in range(3)]
    return files, keys, folders


ROOT_FILES, PAGED_ROOT_KEYS, _root_folders = _paged_layout("", 2100)
INNER_FILES, PAGED_INNER_KEYS, PAGED_INNER_FOLDERS = _paged_layout("inner/", 1100)
PAGED_ROOT_FOLDERS = sorted([*_root_folders, "inner/"])


@pytest.fixture(scope="module")
def paged_rclone_bucket(rclone_server: RcloneServer) -> str:
    """A bucket on rclone with 2,100 entries at its root and 1,100 under "inner/".

    Module-scoped and read-only: seeding it takes a moment.
    """
    bucket = f"paged-{uuid.uuid4().hex[:12]}"
    _seed_rclone(rclone_server, bucket, ROOT_FILES + INNER_FILES)
    return bucket


def _last_entry(page: ListingPage) -> str:
    return max(page.keys[-1:] + page.folders[-1:])


def test_the_paged_layout_spans_three_pages_with_folders_on_page_ends(
    rclone_store: S3Store, paged_rclone_bucket: str
) -> None:
    rclone_store.listing_parallelism = 1  # the server's own pages, one after another
    pages = list(rclone_store.iter_listing(paged_rclone_bucket, ""))

    assert len(pages) == 3
    assert _last_entry(pages[0]) == "a0999.txt/"
    assert _last_entry(pages[1]) == "a1999.txt/"


def test_listing_more_than_a_thousand_keys_returns_every_key_once_in_order(
    rclone_store: S3Store, paged_rclone_bucket: str
) -> None:
    folders, keys = _flatten(rclone_store.iter_listing(paged_rclone_bucket, ""))

    assert keys == PAGED_ROOT_KEYS
    assert folders == PAGED_ROOT_FOLDERS


def test_listing_a_folder_of_more_than_a_thousand_keys_returns_every_key_once_in_order(
    rclone_store: S3Store, paged_rclone_bucket: str
) -> None:
    folders, keys = _flatten(rclone_store.iter_listing(paged_rclone_bucket, "inner/"))

    assert keys == PAGED_INNER_KEYS
    assert folders == PAGED_INNER_FOLDERS


def test_listing_a_server_with_working_pagination_gives_no_warning(
    rclone_store: S3Store, paged_rclone_bucket: str
) -> None:
    warnings: list[str] = []

    pages = list(rclone_store.iter_listing(paged_rclone_bucket, "", on_warning=warnings.append))

    assert len(pages) > 1
    assert warnings == []


# -- shape of a listing ------------------------------------------------------------------


def test_delimiter_groups_keys_below_the_prefix_into_folders(
    rclone_server: RcloneServer, rclone_store: S3Store, rclone_bucket: str
) -> None:
    _seed_rclone(
        rclone_server,
        rclone_bucket,
        ["a.txt", "docs/readme.md", "photos/1.jpg", "photos/2024/x.jpg", "z.txt"],
    )

    folders, keys = _flatten(rclone_store.iter_listing(rclone_bucket, ""))

    assert folders == ["docs/", "photos/"]
    assert keys == ["a.txt", "z.txt"]


def test_nested_prefix_lists_only_its_direct_children(
    rclone_server: RcloneServer, rclone_store: S3Store, rclone_bucket: str
) -> None:
    _seed_rclone(
        rclone_server,
        rclone_bucket,
        ["a/x.txt", "a/b/c/d.txt", "a/b/e.txt", "a/b/f/g.txt", "a/bb.txt", "b.txt"],
    )

    folders, keys = _flatten(rclone_store.iter_listing(rclone_bucket, "a/b/"))

    assert folders == ["a/b/c/", "a/b/f/"]
    assert keys == ["a/b/e.txt"]


def test_empty_bucket_lists_no_folders_and_no_keys(rclone_store: S3Store, rclone_bucket: str) -> None:
    folders, keys = _flatten(rclone_store.iter_listing(rclone_bucket, ""))

    assert (folders, keys) == ([], [])


def test_listing_reports_sizes_and_modification_times(
    rclone_server: RcloneServer, rclone_store: S3Store, rclone_bucket: str
) -> None:
    (rclone_server.root / rclone_bucket / "five.txt").write_bytes(b"12345")
    rclone_server.wait_until_served(rclone_bucket, ["five.txt"])

    (page,) = list(rclone_store.iter_listing(rclone_bucket, ""))

    assert page.keys == ["five.txt"]
    assert page.sizes == [5]
    assert abs(page.mtimes[0] - time.time()) < 300


def test_folder_placeholder_object_is_not_listed_as_its_own_child(
    moto_store: S3Store, moto_bucket: str
) -> None:
    _seed_moto(moto_store, moto_bucket, ["photos/", "photos/cat.jpg"])

    folders, keys = _flatten(moto_store.iter_listing(moto_bucket, "photos/"))

    assert folders == []
    assert keys == ["photos/cat.jpg"]


def test_folder_placeholder_object_shows_as_a_folder_in_its_parent(
    moto_store: S3Store, moto_bucket: str
) -> None:
    _seed_moto(moto_store, moto_bucket, ["photos/"])

    folders, keys = _flatten(moto_store.iter_listing(moto_bucket, ""))

    assert folders == ["photos/"]
    assert keys == []


# Each name needs care somewhere: URL encoding of the listing, SigV4 canonical query
# strings, form decoding ("+" as space), fragments ("#"), percent-escapes ("%").
SPECIAL_KEYS = sorted(
    [
        "a file with spaces.txt",
        "c++ notes.md",
        "100% done.txt",
        "#hashtag.txt",
        "a%20literally-encoded.txt",
        "café-ünïcødé-日本.txt",
        "emoji-🎉.txt",
        "semi;colon&amp=equals.txt",
    ],
    key=lambda k: k.encode(),
)


def test_keys_with_special_characters_survive_listing_on_rclone(
    rclone_server: RcloneServer, rclone_store: S3Store, rclone_bucket: str
) -> None:
    _seed_rclone(rclone_server, rclone_bucket, SPECIAL_KEYS)

    _, keys = _flatten(rclone_store.iter_listing(rclone_bucket, ""))

    assert keys == SPECIAL_KEYS


def test_keys_with_special_characters_survive_listing_on_moto(moto_store: S3Store, moto_bucket: str) -> None:
    _seed_moto(moto_store, moto_bucket, SPECIAL_KEYS)

    _, keys = _flatten(moto_store.iter_listing(moto_bucket, ""))

    assert keys == SPECIAL_KEYS


def test_folder_whose_name_has_special_characters_can_be_listed(
    rclone_server: RcloneServer, rclone_store: S3Store, rclone_bucket: str
) -> None:
    folder = "my c++ & 100% #1 café/"
    _seed_rclone(rclone_server, rclone_bucket, [f"{folder}inside.txt", "outside.txt"])

    folders, keys = _flatten(rclone_store.iter_listing(rclone_bucket, folder))

    assert folders == []
    assert keys == [f"{folder}inside.txt"]


# -- a server with broken ListObjectsV2 pagination (fault proxy) -------------------------

# The proxy breaks rclone's v2 answers and leaves its v1 answers alone. rclone rather than
# moto: moto's ListObjects v1 is not what S3 servers do (its NextMarker is an opaque
# token and it returns every CommonPrefix on every page, whatever Marker and MaxKeys say),
# so a fallback through moto cannot be right; see the last test of this section.


@pytest.fixture
def rclone_proxy(rclone_server: RcloneServer) -> Iterator[FaultProxy]:
    """A FaultProxy in front of rclone. It passes requests unchanged, so signatures hold."""
    with FaultProxy(rclone_server.endpoint) as proxy:
        yield proxy


@pytest.fixture
def rclone_proxy_store(
    rclone_proxy: FaultProxy, rclone_account: Account, make_store: Callable[..., S3Store]
) -> S3Store:
    """One page after another: these tests are about the sequential paging and its v1 fallback
    (a parallel listing starts pieces with StartAfter and may never need a broken token)."""
    store = make_store(rclone_account.with_changes(endpoint_url=rclone_proxy.endpoint))
    store.listing_parallelism = 1
    return store


@pytest.mark.parametrize("mode", list(PaginationBreak), ids=lambda m: m.value)
def test_broken_v2_pagination_falls_back_to_v1_and_lists_every_key_once(
    rclone_proxy: FaultProxy,
    rclone_proxy_store: S3Store,
    paged_rclone_bucket: str,
    mode: PaginationBreak,
) -> None:
    rewrite = rclone_proxy.break_pagination(mode)

    folders, keys = _flatten(
        rclone_proxy_store.iter_listing(paged_rclone_bucket, "", on_warning=lambda _: None)
    )

    assert rewrite.hits == 1
    assert rclone_proxy.count(Match.list_objects_v1(paged_rclone_bucket)) >= 1
    assert keys == PAGED_ROOT_KEYS
    assert folders == PAGED_ROOT_FOLDERS


def test_broken_v2_pagination_in_a_folder_lists_every_key_once(
    rclone_proxy: FaultProxy, rclone_proxy_store: S3Store, paged_rclone_bucket: str
) -> None:
    rewrite = rclone_proxy.break_pagination(PaginationBreak.DROP_TOKEN)

    folders, keys = _flatten(
        rclone_proxy_store.iter_listing(paged_rclone_bucket, "inner/", on_warning=lambda _: None)
    )

    assert rewrite.hits == 1
    assert keys == PAGED_INNER_KEYS
    assert folders == PAGED_INNER_FOLDERS


def test_broken_v2_pagination_is_reported_through_on_warning(
    rclone_proxy: FaultProxy, rclone_proxy_store: S3Store, paged_rclone_bucket: str
) -> None:
    rclone_proxy.break_pagination(PaginationBreak.REPEAT_TOKEN)
    warnings: list[str] = []

    list(rclone_proxy_store.iter_listing(paged_rclone_bucket, "", on_warning=warnings.append))

    assert len(warnings) == 1
    assert paged_rclone_bucket in warnings[0]
    assert "v1" in warnings[0]


# moto answers ListObjectsV2 well, so with the proxy capping its pages the adapter's own
# v2 paging across folders gets exercised on a small, fast bucket.
SMALL_KEYS = sorted(
    [f"k{i:03d}.txt" for i in range(23)]
    + ["d.txt", "d0.txt", "e.txt", "m.txt"]
    + ["d/1.txt", "d/2.txt", "d/3.txt", "f/1.txt", "n/1.txt", "n/2/3.txt", "z/1.txt"]
)
SMALL_ROOT_KEYS = [k for k in SMALL_KEYS if "/" not in k]
SMALL_ROOT_FOLDERS = ["d/", "f/", "n/", "z/"]
SMALL_PAGE = 4


def test_small_pages_from_a_working_server_list_every_key_once_without_fallback(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_store: S3Store, moto_bucket: str
) -> None:
    _seed_moto(moto_store, moto_bucket, SMALL_KEYS)
    fault_proxy.cap_page_size(SMALL_PAGE)
    warnings: list[str] = []

    folders, keys = _flatten(proxy_store.iter_listing(moto_bucket, "", on_warning=warnings.append))

    assert warnings == []
    assert fault_proxy.count(Match.list_objects_v2(moto_bucket)) > 1
    assert fault_proxy.count(Match.list_objects_v1(moto_bucket)) == 0
    assert (folders, keys) == (SMALL_ROOT_FOLDERS, SMALL_ROOT_KEYS)


def test_v1_fallback_never_ends_a_truncated_listing_silently(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_store: S3Store, moto_bucket: str
) -> None:
    """moto's v1 NextMarker is an opaque token, not a key name (S3 allows a server to
    page like that: the client is told to send NextMarker back as Marker). Whatever the
    adapter makes of it, it must either list everything or raise ListingBroken, never
    return part of a folder as if it were all of it.
    """
    _seed_moto(moto_store, moto_bucket, SMALL_KEYS)
    fault_proxy.cap_page_size(SMALL_PAGE)
    fault_proxy.break_pagination(PaginationBreak.DROP_TOKEN)

    try:
        folders, keys = _flatten(proxy_store.iter_listing(moto_bucket, "", on_warning=lambda _: None))
    except ListingBroken:
        return
    assert keys == SMALL_ROOT_KEYS
    assert folders == SMALL_ROOT_FOLDERS


# -- buckets -----------------------------------------------------------------------------


def test_created_bucket_appears_in_list_buckets(moto_store: S3Store, unique_bucket: str) -> None:
    moto_store.create_bucket(unique_bucket, "us-east-1")

    assert unique_bucket in [b.name for b in moto_store.list_buckets()]


def test_list_buckets_reports_when_a_bucket_was_created(moto_store: S3Store, moto_bucket: str) -> None:
    (info,) = [b for b in moto_store.list_buckets() if b.name == moto_bucket]

    assert abs(info.created - time.time()) < 300


def test_a_created_bucket_is_on_the_server_and_passes_check_bucket(
    moto_store: S3Store, unique_bucket: str
) -> None:
    moto_store.create_bucket(unique_bucket, "us-east-1")

    assert unique_bucket in [b["Name"] for b in moto_store.client.list_buckets()["Buckets"]]
    moto_store.check_bucket(unique_bucket)  # raises if the bucket is missing
    with pytest.raises(NoSuchBucket):  # …as it does for one that was not created
        moto_store.check_bucket(unique_bucket + "-not-created")


def test_a_bucket_created_in_another_region_lives_there_and_passes_check_bucket(
    moto_store: S3Store, unique_bucket: str
) -> None:
    moto_store.create_bucket(unique_bucket, "eu-west-1")

    location = moto_store.client.get_bucket_location(Bucket=unique_bucket)["LocationConstraint"]
    assert location == "eu-west-1"
    moto_store.check_bucket(unique_bucket)


def test_deleted_bucket_disappears_from_list_buckets(moto_store: S3Store, moto_bucket: str) -> None:
    moto_store.delete_bucket(moto_bucket)

    assert moto_bucket not in [b.name for b in moto_store.list_buckets()]


def test_list_buckets_on_rclone_shows_top_level_directories(
    rclone_store: S3Store, rclone_bucket: str
) -> None:
    assert rclone_bucket in [b.name for b in rclone_store.list_buckets()]


def test_deleting_a_bucket_that_holds_objects_raises_bucket_not_empty(
    moto_store: S3Store, moto_bucket: str
) -> None:
    _seed_moto(moto_store, moto_bucket, ["keep-me.txt"])

    with pytest.raises(BucketNotEmpty) as caught:
        moto_store.delete_bucket(moto_bucket)

    assert moto_bucket in caught.value.message
    assert "Delete them first" in caught.value.message


def test_bucket_that_was_not_empty_is_still_there_after_the_failed_delete(
    moto_store: S3Store, moto_bucket: str
) -> None:
    _seed_moto(moto_store, moto_bucket, ["keep-me.txt"])
    with pytest.raises(BucketNotEmpty):
        moto_store.delete_bucket(moto_bucket)

    _, keys = _flatten(moto_store.iter_listing(moto_bucket, ""))

    assert keys == ["keep-me.txt"]


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("ab", "at least 3 characters"),
        ("a" * 64, "at most 63 characters"),
        ("MySpace", "capital letters"),
        ("my_space", "only lowercase letters, digits, dots and hyphens"),
        ("-space", "start and end with a letter or a digit"),
        ("my..space", "two dots in a row"),
        ("192.168.1.1", "IP address"),
    ],
)
def test_creating_a_bucket_with_an_invalid_name_names_the_rule_and_sends_nothing(
    fault_proxy: FaultProxy, proxy_store: S3Store, name: str, rule: str
) -> None:
    with pytest.raises(InvalidBucketName) as caught:
        proxy_store.create_bucket(name, "us-east-1")

    assert rule in caught.value.message
    assert fault_proxy.count() == 0
