"""Parallel listing of a big prefix (StartAfter pieces merged in key order) on real servers.

Small pages (MaxKeys 20) make a ~700-entry prefix take ~35 pages, so the range really is
cut into pieces; the fault proxy in front adds a round trip's latency so that the pieces
visibly overlap at the server, and injects throttling or a server that ignores StartAfter.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING, Any

import pytest

from spacesgui.adapters.s3_paging import iter_sequential_responses
from spacesgui.adapters.s3_parallel_listing import MAX_IN_FLIGHT, ParallelListing
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account, Credentials
from spacesgui.core.listing import ListingPage
from tests.fault_proxy import FaultProxy, Match

if TYPE_CHECKING:
    from tests.conftest import RcloneServer

PAGE = 20
PREFIX = "big/"
# Keys straight under the prefix, folders among them (one of them big enough to span pages
# of a recursive listing), and awkward names: spaces, unicode, URL syntax, a double slash.
FLAT = [f"{PREFIX}file-{i:05d}.bin" for i in range(700)]
FOLDERS = {
    f"{PREFIX}file-00300/": 3,
    f"{PREFIX}file-00577.bin-parts/": 2,
    f"{PREFIX}m/": 100,
    f"{PREFIX}ü dir/": 2,
}
AWKWARD = [
    f"{PREFIX}a b c.txt",
    f"{PREFIX}ünïcødé-名前.txt",
    f"{PREFIX}#?%+&=;.txt",
    f"{PREFIX}/double-slash.txt",
    f"{PREFIX}file-00500 (copy).bin",
    f"{PREFIX}zz-last.txt",
]
NESTED = [f"{folder}{i:04d}.txt" for folder, count in FOLDERS.items() for i in range(count)]
ALL_KEYS = sorted([*FLAT, *AWKWARD, *NESTED, "outside.txt", "big-but-not-below.txt"])
# A file system has no "//" and no 1,024-byte names: rclone serves the rest.
RCLONE_KEYS = [k for k in ALL_KEYS if "//" not in k]
LONG_KEY = PREFIX + "L" * (1024 - len(PREFIX))  # S3's longest key: 1,024 bytes (moto only)


@pytest.fixture(autouse=True)
def parallel_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pieces right after the first page, however fast pages come: these tests are about them.

    When a listing goes parallel at all (slow pages only) is tested at the end.
    """
    monkeypatch.setattr(S3Store, "listing_slow_page_s", 0.0)


def _expected(keys: Iterable[str]) -> tuple[list[str], list[str]]:
    """(folders, keys) of a delimiter listing of PREFIX, as S3 defines it."""
    below = [k for k in keys if k.startswith(PREFIX)]
    folders = sorted(
        {PREFIX + k[len(PREFIX) :].split("/", 1)[0] + "/" for k in below if "/" in k[len(PREFIX) :]}
    )
    return folders, sorted(k for k in below if "/" not in k[len(PREFIX) :])


def _flatten(pages: Iterable[ListingPage]) -> tuple[list[str], list[str]]:
    folders: list[str] = []
    keys: list[str] = []
    for page in pages:
        folders.extend(page.folders)
        keys.extend(page.keys)
    return folders, keys


def _put_all(store: S3Store, bucket: str, keys: Iterable[str]) -> None:
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda key: store.client.put_object(Bucket=bucket, Key=key, Body=b"x"), keys))


@pytest.fixture(scope="module")
def moto_big_bucket(moto_endpoint: str) -> Iterator[str]:
    """A bucket on moto holding ALL_KEYS and LONG_KEY; read-only, seeded once for the module."""
    from tests.conftest import TEST_ACCESS_KEY, TEST_SECRET_KEY, _account

    store = S3Store(_account("moto", moto_endpoint), Credentials(TEST_ACCESS_KEY, TEST_SECRET_KEY))
    bucket = f"parallel-{uuid.uuid4().hex[:12]}"
    try:
        store.client.create_bucket(Bucket=bucket)
        _put_all(store, bucket, [*ALL_KEYS, LONG_KEY])
        yield bucket
    finally:
        store.close()


@pytest.fixture(scope="module")
def rclone_big_bucket(rclone_server: RcloneServer) -> str:
    """RCLONE_KEYS as files under rclone's root."""
    bucket = f"parallel-{uuid.uuid4().hex[:12]}"
    for key in RCLONE_KEYS:
        path = rclone_server.root / bucket / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    rclone_server.wait_until_served(bucket, RCLONE_KEYS)
    return bucket


@pytest.fixture
def moto_proxy(moto_endpoint: str) -> Iterator[FaultProxy]:
    with FaultProxy(moto_endpoint) as proxy:
        yield proxy


@pytest.fixture
def rclone_proxy(rclone_server: RcloneServer) -> Iterator[FaultProxy]:
    with FaultProxy(rclone_server.endpoint) as proxy:
        yield proxy


def _through(
    proxy: FaultProxy, account: Account, make_store: Callable[..., S3Store], **kwargs: Any
) -> S3Store:
    return make_store(account.with_changes(endpoint_url=proxy.endpoint), **kwargs)


# -- exact results, pieces at once ----------------------------------------------------------


def test_a_big_folder_on_moto_lists_every_name_once_in_order_with_pieces_at_once(
    moto_proxy: FaultProxy, moto_account: Account, make_store: Callable[..., S3Store], moto_big_bucket: str
) -> None:
    store = _through(moto_proxy, moto_account, make_store)
    moto_proxy.add_latency(0.05)
    listings = moto_proxy.watch(Match.list_objects_v2(moto_big_bucket))

    folders, keys = _flatten(store.iter_listing(moto_big_bucket, PREFIX, page_size=PAGE))

    assert (folders, keys) == _expected([*ALL_KEYS, LONG_KEY])
    assert listings.peak >= 4  # what the server saw: pieces were listed at once
    assert moto_proxy.count(Match(method="GET", query={"start-after": None})) >= 4


def test_a_big_folder_on_rclone_lists_every_name_once_in_order_with_pieces_at_once(
    rclone_proxy: FaultProxy,
    rclone_account: Account,
    make_store: Callable[..., S3Store],
    rclone_big_bucket: str,
) -> None:
    store = _through(rclone_proxy, rclone_account, make_store, acls=False)
    rclone_proxy.add_latency(0.05)
    listings = rclone_proxy.watch(Match.list_objects_v2(rclone_big_bucket))

    folders, keys = _flatten(store.iter_listing(rclone_big_bucket, PREFIX, page_size=PAGE))

    assert (folders, keys) == _expected(RCLONE_KEYS)
    assert listings.peak >= 4


def test_the_first_page_is_the_servers_first_page(moto_store: S3Store, moto_big_bucket: str) -> None:
    first = next(iter(moto_store.iter_listing(moto_big_bucket, PREFIX, page_size=PAGE)))
    raw = moto_store.client.list_objects_v2(
        Bucket=moto_big_bucket, Prefix=PREFIX, Delimiter="/", MaxKeys=PAGE
    )
    assert first.keys == [item["Key"] for item in raw.get("Contents", [])]
    assert first.folders == [item["Prefix"] for item in raw.get("CommonPrefixes", [])]


def test_a_recursive_listing_gives_every_key_once(moto_store: S3Store, moto_big_bucket: str) -> None:
    """In key order for transfers and operations (iter_objects); in any order for a search (iter_tree)."""
    prefix = PREFIX
    expected = sorted(k for k in [*ALL_KEYS, LONG_KEY] if k.startswith(prefix))
    keys = [k for page in moto_store.iter_tree(moto_big_bucket, prefix, page_size=PAGE) for k in page.keys]
    assert sorted(keys) == expected
    entries = [e.key for e in moto_store.iter_objects(moto_big_bucket, prefix, page_size=PAGE)]
    assert entries == expected


def test_a_recursive_listing_on_rclone_gives_every_key_once(
    rclone_store: S3Store, rclone_big_bucket: str
) -> None:
    keys = [
        k for page in rclone_store.iter_tree(rclone_big_bucket, PREFIX, page_size=PAGE) for k in page.keys
    ]
    assert sorted(keys) == sorted(k for k in RCLONE_KEYS if k.startswith(PREFIX))


# Cuts for the unordered listing's tests (chosen, not guessed): the head piece, then three.
CUTS = [f"{PREFIX}file-00100.bin", f"{PREFIX}file-00300.bin", f"{PREFIX}file-00500.bin"]


def _fixed_cuts(prefix: str, last: str, upto: str | None, sample: Any, count: int) -> list[str]:
    return [c for c in CUTS if c > last and (upto is None or c < upto)][:count]


def _search_listing(store: S3Store, bucket: str) -> ParallelListing:
    """A recursive listing of PREFIX as a search runs it (no order), cut at CUTS."""
    sequential = partial(iter_sequential_responses, store._call, store.client, bucket, PREFIX, PAGE)
    return ParallelListing(
        store._call, store.client, bucket, PREFIX, delimiter="", page_size=PAGE, sequential=sequential,
        splitter=_fixed_cuts, ordered=False,
    )  # fmt: skip


def test_a_search_listing_hands_on_a_deep_piece_while_an_earlier_piece_is_still_at_the_server(
    moto_proxy: FaultProxy, moto_account: Account, make_store: Callable[..., S3Store], moto_big_bucket: str
) -> None:
    """A search's first match may lie deep in the key order: with `ordered=False` its page
    is handed on at once, not after every page before it (the piece after the first cut
    is kept waiting at the server meanwhile)."""
    store = _through(moto_proxy, moto_account, make_store)
    held = moto_proxy.hold(Match(method="GET", query={"start-after": CUTS[0]}), limit_s=30)
    listing = _search_listing(store, moto_big_bucket)
    keys: list[str] = []
    pages = iter(listing)
    for response in pages:
        keys.extend(item["Key"] for item in response.get("Contents", ()))
        if any(key > CUTS[2] for key in keys):
            break
    # A name past the third cut is in, and the piece after the first is still at the server
    # (its request went out with the others; on a loaded machine it may reach the proxy late).
    deadline = time.monotonic() + 30
    while held.waiting == 0 and time.monotonic() < deadline:
        threading.Event().wait(0.01)
    assert held.waiting == 1
    assert not held.released
    assert not any(CUTS[0] < key <= CUTS[1] for key in keys)
    held.release()
    keys.extend(item["Key"] for response in pages for item in response.get("Contents", ()))

    expected = sorted(k for k in [*ALL_KEYS, LONG_KEY] if k.startswith(PREFIX))
    assert sorted(keys) == expected  # every key, each once
    assert keys != expected  # and not in key order: the deep piece came first
    assert not listing.stats.fell_back


def test_a_search_listing_asks_for_a_piece_deep_in_the_range_in_its_first_round(
    moto_proxy: FaultProxy, moto_account: Account, make_store: Callable[..., S3Store], moto_big_bucket: str
) -> None:
    """Where a recursive listing ends is unknown; a search's pieces widen twofold from the
    first page on, so the first requests after it already reach past the middle of the keys
    (one page-wide piece after another would reach a few pages in)."""
    store = _through(moto_proxy, moto_account, make_store)
    moto_proxy.add_latency(0.05)

    keys = [k for page in store.iter_tree(moto_big_bucket, PREFIX, page_size=PAGE) for k in page.keys]

    expected = sorted(k for k in [*ALL_KEYS, LONG_KEY] if k.startswith(PREFIX))
    assert sorted(keys) == expected
    starts = [r.query["start-after"][0] for r in moto_proxy.requests if "start-after" in r.query]
    first_round = starts[:8]
    middle = expected[len(expected) // 2]
    assert any(start > middle for start in first_round), first_round


def test_a_server_that_ignores_start_after_mid_search_still_gives_every_key_once(
    moto_proxy: FaultProxy,
    moto_account: Account,
    make_store: Callable[..., S3Store],
    moto_big_bucket: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A piece's pages handed on out of order, then the last piece's answer starts from the
    beginning: the listing starts over one page after another and skips every name it had
    handed on, whichever piece it came from."""
    store = _through(moto_proxy, moto_account, make_store)
    second = moto_proxy.hold(Match(method="GET", query={"start-after": CUTS[0]}), limit_s=30)
    last = moto_proxy.hold(Match(method="GET", query={"start-after": CUTS[2]}), limit_s=30)
    ignored = moto_proxy.reroute(
        Match(method="GET", query={"start-after": CUTS[2]}),
        f"list-type=2&prefix={PREFIX}&max-keys={PAGE}&encoding-type=url",
    )
    listing = _search_listing(store, moto_big_bucket)
    keys: list[str] = []
    with caplog.at_level(logging.WARNING, logger="spacesgui.adapters.s3_parallel_listing"):
        for response in listing:
            keys.extend(item["Key"] for item in response.get("Contents", ()))
            if not last.released and any(CUTS[1] < key <= CUTS[2] for key in keys):
                second.release()  # the third piece is in, out of order: now let the server misbehave
                last.release()

    assert ignored.hits >= 1
    assert listing.stats.fell_back
    third = next(i for i, key in enumerate(keys) if CUTS[1] < key <= CUTS[2])
    assert not any(CUTS[0] < key <= CUTS[1] for key in keys[:third])  # handed on before the second
    assert sorted(keys) == sorted(k for k in [*ALL_KEYS, LONG_KEY] if k.startswith(PREFIX))
    assert any("one page after another" in r.getMessage() for r in caplog.records)


def test_folders_cut_through_by_pieces_are_listed_once(moto_store: S3Store, moto_big_bucket: str) -> None:
    """Cuts inside folders (chosen here, not guessed): each folder still comes exactly once."""
    cuts = [
        f"{PREFIX}file-00300/0001.txt",
        f"{PREFIX}m/0050.txt",
        f"{PREFIX}m/0100.txt",
        f"{PREFIX}m/0100.txt!",
    ]

    def inside_folders(prefix: str, last: str, upto: str | None, sample: Any, count: int) -> list[str]:
        return [c for c in cuts if c > last and (upto is None or c < upto)][:count]

    listing = _listing(moto_store, moto_big_bucket, PREFIX, "/", splitter=inside_folders)
    responses = list(listing)
    folders = [p["Prefix"] for r in responses for p in r.get("CommonPrefixes", ())]
    keys = [item["Key"] for r in responses for item in r.get("Contents", ())]

    assert (folders, keys) == _expected([*ALL_KEYS, LONG_KEY])
    assert listing.stats.pieces >= 3
    assert not listing.stats.fell_back


def test_a_page_running_past_its_piece_lists_the_pieces_not_yet_asked_for(
    moto_proxy: FaultProxy, moto_account: Account, make_store: Callable[..., S3Store], moto_big_bucket: str
) -> None:
    """Cuts two names apart and in gaps (chosen here), one request at a time: a page of 20
    names covers the next pieces, which are then not asked for again; pieces past the last
    name cost no request. So no request is spent on names already listed."""
    store = _through(moto_proxy, moto_account, make_store)
    cuts = sorted(
        [f"{PREFIX}file-{i:05d}.bin" for i in range(30, 690, 2)]
        + [f"{PREFIX}file-{i:05d}.bin~" for i in range(100, 600, 50)]  # empty pieces: gaps
        + [f"{PREFIX}zz-last.txt~", f"{PREFIX}zzz", f"{PREFIX}~"]  # past the last name
    )

    def close_cuts(prefix: str, last: str, upto: str | None, sample: Any, count: int) -> list[str]:
        return [c for c in cuts if c > last and (upto is None or c < upto)][:count]

    listing = _listing(store, moto_big_bucket, PREFIX, "/", splitter=close_cuts, max_in_flight=1)
    responses = list(listing)

    folders = [p["Prefix"] for r in responses for p in r.get("CommonPrefixes", ())]
    keys = [item["Key"] for r in responses for item in r.get("Contents", ())]
    assert (folders, keys) == _expected([*ALL_KEYS, LONG_KEY])
    assert not listing.stats.fell_back
    sent = moto_proxy.count(Match.list_objects_v2(moto_big_bucket))
    assert sent == listing.stats.requests + 1  # the first page, then the pieces' pages
    assert listing.stats.pieces > 10
    names = len(folders) + len(keys)
    assert sent <= -(-names // PAGE) + 1  # a page of new names a request (the last one short)


def _listing(store: S3Store, bucket: str, prefix: str, delimiter: str, **kwargs: Any) -> ParallelListing:
    sequential = partial(store._iter_listing_responses, bucket, prefix, None, PAGE)
    return ParallelListing(
        store._call,
        store.client,
        bucket,
        prefix,
        delimiter=delimiter,
        page_size=PAGE,
        sequential=sequential,
        **kwargs,
    )


# -- throttling and misbehaving servers ------------------------------------------------------


def test_a_burst_of_slow_down_answers_lowers_concurrency_and_the_result_stays_exact(
    moto_proxy: FaultProxy, moto_account: Account, make_store: Callable[..., S3Store], moto_big_bucket: str
) -> None:
    store = _through(moto_proxy, moto_account, make_store)
    pieces = Match(method="GET", query={"list-type": "2", "start-after": None})
    burst = moto_proxy.fail(
        pieces, status=503, code="SlowDown", message="Please reduce your request rate.", times=12
    )
    listing = _listing(store, moto_big_bucket, PREFIX, "/")

    responses = list(listing)

    folders = [p["Prefix"] for r in responses for p in r.get("CommonPrefixes", ())]
    keys = [item["Key"] for r in responses for item in r.get("Contents", ())]
    assert (folders, keys) == _expected([*ALL_KEYS, LONG_KEY])
    assert burst.hits == 12
    assert listing.stats.throttled >= 1
    assert listing.stats.lowest_limit <= MAX_IN_FLIGHT // 2


def test_a_server_that_ignores_start_after_gets_a_sequential_listing_and_a_log_line(
    moto_proxy: FaultProxy,
    moto_account: Account,
    make_store: Callable[..., S3Store],
    moto_big_bucket: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = _through(moto_proxy, moto_account, make_store)
    # The pieces' requests go on without their start-after: the server lists from the start.
    ignored = moto_proxy.reroute(
        Match(method="GET", query={"list-type": "2", "start-after": None}),
        f"list-type=2&prefix={PREFIX}&delimiter=%2F&max-keys={PAGE}&encoding-type=url",
    )

    with caplog.at_level(logging.WARNING, logger="spacesgui.adapters.s3_parallel_listing"):
        folders, keys = _flatten(store.iter_listing(moto_big_bucket, PREFIX, page_size=PAGE))

    assert ignored.hits >= 1
    assert (folders, keys) == _expected([*ALL_KEYS, LONG_KEY])
    assert any("one page after another" in r.getMessage() for r in caplog.records)


def test_a_slow_consumer_keeps_the_pages_listed_ahead_bounded(
    moto_proxy: FaultProxy, moto_account: Account, make_store: Callable[..., S3Store], moto_big_bucket: str
) -> None:
    """Pieces come in far faster than this consumer takes pages (each page waits for a
    request of its own through the 50 ms proxy), yet only a few pages are ever kept ahead."""
    store = _through(moto_proxy, moto_account, make_store)
    moto_proxy.add_latency(0.05)
    sequential = partial(store._iter_listing_responses, moto_big_bucket, PREFIX, None, 10)
    listing = ParallelListing(
        store._call, store.client, moto_big_bucket, PREFIX, delimiter="/", page_size=10, sequential=sequential,
        max_waiting_pages=3,
    )  # fmt: skip
    keys: list[str] = []
    pages = iter(listing)
    for _ in range(25):  # of ~36: the pieces have long overtaken the consumer by then
        keys.extend(item["Key"] for item in next(pages).get("Contents", ()))
        store.client.head_bucket(Bucket=moto_big_bucket)  # a slow consumer: one round trip a page
    pages.close()  # type: ignore[attr-defined]

    expected = _expected([*ALL_KEYS, LONG_KEY])[1]
    assert keys == expected[: len(keys)]
    assert listing.stats.peak_waiting_pages <= 3 + MAX_IN_FLIGHT  # the cap, and what was in flight
    assert listing.stats.peak_waiting_pages >= 3  # the consumer really was the slower


# -- only where it pays -------------------------------------------------------------------


def test_pages_that_come_fast_go_one_after_another_with_no_extra_request(
    moto_proxy: FaultProxy, moto_account: Account, make_store: Callable[..., S3Store], moto_big_bucket: str
) -> None:
    # "Fast" is anything under the threshold; a threshold no page reaches makes it so on any machine.
    store = _through(moto_proxy, moto_account, make_store)
    store.listing_slow_page_s = 3_600.0
    listings = moto_proxy.watch(Match.list_objects_v2(moto_big_bucket))

    folders, keys = _flatten(store.iter_listing(moto_big_bucket, PREFIX, page_size=PAGE))

    assert (folders, keys) == _expected([*ALL_KEYS, LONG_KEY])
    assert listings.peak == 1
    assert moto_proxy.count(Match(method="GET", query={"start-after": None})) == 0
    pages = moto_proxy.count(Match.list_objects_v2(moto_big_bucket))
    entries = len(folders) + len(keys)
    assert pages == -(-entries // PAGE)  # a sequential listing's pages, not one more


def test_a_listing_whose_pages_turn_slow_goes_parallel_from_there(
    moto_proxy: FaultProxy, moto_account: Account, make_store: Callable[..., S3Store], moto_big_bucket: str
) -> None:
    store = _through(moto_proxy, moto_account, make_store)
    store.listing_slow_page_s = 0.75  # no page of 20 names takes that long on its own
    listings = moto_proxy.watch(Match.list_objects_v2(moto_big_bucket))
    pages = store.iter_listing(moto_big_bucket, PREFIX, page_size=PAGE)
    got = [next(pages) for _ in range(4)]  # fast: one after another
    assert listings.peak == 1
    assert moto_proxy.count(Match(method="GET", query={"start-after": None})) == 0

    moto_proxy.add_latency(1.0)  # now every page is slower than the threshold
    folders, keys = _flatten([*got, *pages])

    assert (folders, keys) == _expected([*ALL_KEYS, LONG_KEY])
    assert listings.peak >= 4  # the rest in pieces at once
    assert moto_proxy.count(Match(method="GET", query={"start-after": None})) >= 4
