"""iter_tree, the TreeLister a search reads: every object below a folder, page by page, on real servers."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account
from spacesgui.core.ports import TreeLister
from tests.fault_proxy import ABSENT, FaultProxy, Match, PaginationBreak

KEYS = [
    "top.txt",
    "photos/",
    "photos/a.jpg",
    "photos/2024/b.jpg",
    "photos/2024/deep/c d#?.jpg",
    "photosphere.txt",
    "zeta/ü.txt",
]


def put_all(store: S3Store, bucket: str) -> None:
    for i, key in enumerate(KEYS):
        store.client.put_object(Bucket=bucket, Key=key, Body=b"x" * i)


def test_the_store_is_a_tree_lister(moto_store: S3Store) -> None:
    assert isinstance(moto_store, TreeLister)


def test_every_object_below_a_folder_at_any_depth_in_small_pages(
    moto_store: S3Store, moto_bucket: str
) -> None:
    put_all(moto_store, moto_bucket)
    pages = list(moto_store.iter_tree(moto_bucket, "photos/", page_size=2))
    assert len(pages[0].keys) == 2
    assert all(len(p.keys) <= 2 for p in pages)
    assert [k for p in pages for k in p.keys] == [
        "photos/",
        "photos/2024/b.jpg",
        "photos/2024/deep/c d#?.jpg",
        "photos/a.jpg",
    ]
    assert all(not p.folders for p in pages)
    sizes = {k: s for p in pages for k, s in zip(p.keys, p.sizes, strict=True)}
    assert sizes["photos/a.jpg"] == KEYS.index("photos/a.jpg")
    assert all(p.mtimes and min(p.mtimes) > 0 for p in pages)
    assert all(e and '"' not in e for p in pages for e in p.etags)


def test_the_whole_space(moto_store: S3Store, moto_bucket: str) -> None:
    put_all(moto_store, moto_bucket)
    assert sorted(k for p in moto_store.iter_tree(moto_bucket, "") for k in p.keys) == sorted(KEYS)


def test_stopping_a_sequential_iteration_sends_no_further_request(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    put_all(proxy_store, moto_bucket)
    proxy_store.listing_parallelism = 1
    listings = Match(method="GET", query={"list-type": "2"})
    before = fault_proxy.count(listings)
    pages = proxy_store.iter_tree(moto_bucket, "", page_size=2)
    next(pages)
    next(pages)
    pages.close()
    assert fault_proxy.count(listings) == before + 2


def test_stopping_a_parallel_iteration_sends_nothing_once_it_is_closed(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    put_all(proxy_store, moto_bucket)
    listings = Match(method="GET", query={"list-type": "2"})
    pages = proxy_store.iter_tree(moto_bucket, "", page_size=2)
    next(pages)
    next(pages)
    pages.close()  # waits for the requests in flight
    sent = fault_proxy.count(listings)
    assert proxy_store.client.list_objects_v2(Bucket=moto_bucket, MaxKeys=1)["KeyCount"] == 1
    assert fault_proxy.count(listings) == sent + 1  # only the probe: nothing was still on its way


@pytest.mark.parametrize("mode", list(PaginationBreak))
def test_broken_v2_paging_goes_on_with_v1_and_lists_each_object_once(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str, mode: PaginationBreak
) -> None:
    put_all(proxy_store, moto_bucket)
    proxy_store.listing_parallelism = 1  # the sequential paging (also the parallel one's fallback)
    rewrite = fault_proxy.break_pagination(mode)
    keys = [k for p in proxy_store.iter_tree(moto_bucket, "", page_size=2) for k in p.keys]
    assert rewrite.hits >= 1
    assert keys == sorted(KEYS)
    assert fault_proxy.count(Match.list_objects_v1(moto_bucket)) >= 1


def test_rclone_lists_nested_files(
    rclone_account: Account, make_store: Callable[..., S3Store], rclone_bucket: str
) -> None:
    store = make_store(rclone_account)
    for key in ("a/b/c.txt", "a/d.txt", "e.txt"):
        store.client.put_object(Bucket=rclone_bucket, Key=key, Body=b"1")
    assert sorted(k for p in store.iter_tree(rclone_bucket, "a/") for k in p.keys) == ["a/b/c.txt", "a/d.txt"]


def test_a_listing_answered_200_with_an_error_inside_is_retried(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    # botocore's own check for this is skipped on listings (it parsed each page twice);
    # the fast listing parser makes the same check, so botocore still retries.
    put_all(proxy_store, moto_bucket)
    listings = Match(method="GET", query={"list-type": "2"})
    fault = fault_proxy.fail(listings, status=200, code="InternalError", times=1)
    assert sorted(k for p in proxy_store.iter_tree(moto_bucket, "") for k in p.keys) == sorted(KEYS)
    assert fault.hits == 1
    assert fault_proxy.count(listings) == 2


def test_other_calls_answered_200_with_an_error_inside_are_still_retried(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    put_all(proxy_store, moto_bucket)
    copies = Match(method="PUT", path=f"/{moto_bucket}/copy.txt")
    fault = fault_proxy.fail(copies, status=200, code="InternalError", times=1)
    proxy_store.client.copy_object(
        Bucket=moto_bucket, Key="copy.txt", CopySource={"Bucket": moto_bucket, "Key": "top.txt"}
    )
    assert fault.hits == 1
    assert fault_proxy.count(copies) == 2


def folder_tree(
    store: S3Store, bucket: str, folders: int, per_folder: int, *, marker: bool = True
) -> list[str]:
    """`t/` (its marker object too, if `marker`) with two top-level files and `folders`
    folders (one with awkward names), each holding `per_folder` keys, some a level deeper."""
    names = [f"f{n:02d}/" if n else "ü #?%+&/" for n in range(folders)]
    keys = ["t/a-first.txt", "t/zz-last.txt", *(["t/"] if marker else [])]
    keys += [
        f"t/{name}{'deep/' if i % 3 == 0 else ''}k{i:03d}.bin" for name in names for i in range(per_folder)
    ]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda key: store.client.put_object(Bucket=bucket, Key=key, Body=b"x"), keys))
    return sorted(keys)


def folder_requests(proxy: FaultProxy) -> set[str]:
    """The prefixes of the folders below t/ that recursive listings were asked for."""
    found = set()
    recursive = Match(method="GET", query={"list-type": "2", "delimiter": ABSENT})
    for request in (r for r in proxy.requests if recursive.matches(r)):
        for prefix in request.query.get("prefix", []):
            if prefix.startswith("t/") and prefix != "t/":
                found.add(prefix)
    return found


@pytest.mark.parametrize("slow_page_s", [None, 0.0], ids=["fast pages", "every page slow"])
def test_a_big_tree_is_listed_a_folder_at_a_time_and_every_key_comes_once(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str, slow_page_s: float | None
) -> None:
    keys = folder_tree(proxy_store, moto_bucket, folders=6, per_folder=30)
    if slow_page_s is not None:  # each folder's listing goes on in parallel pieces of its own
        proxy_store.listing_slow_page_s = slow_page_s

    listed = [k for p in proxy_store.iter_tree(moto_bucket, "t/", page_size=20) for k in p.keys]

    assert sorted(listed) == keys  # each once: nothing lost past the first page, nothing twice
    assert len(listed) == len(keys)
    asked = folder_requests(fault_proxy)
    assert {"t/f02/", "t/f03/", "t/f04/", "t/f05/"} <= asked  # each folder on its own
    assert "t/f01/" in asked  # where the first page ended: listed from after its last key
    if slow_page_s is not None:
        pieces = Match(method="GET", query={"list-type": "2", "prefix": "t/f04/", "start-after": None})
        assert fault_proxy.count(pieces) >= 1


def test_two_big_folders_share_every_request_the_listing_may_have_in_flight(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    keys = folder_tree(proxy_store, moto_bucket, folders=2, per_folder=300)
    proxy_store.listing_slow_page_s = 0.0  # a distant server: each folder's pages go in pieces
    proxy_store.listing_parallelism = 8
    fault_proxy.add_latency(0.05)
    in_f01 = fault_proxy.watch(Match(method="GET", query={"list-type": "2", "prefix": "t/f01/"}))

    listed = [k for p in proxy_store.iter_tree(moto_bucket, "t/", page_size=10) for k in p.keys]

    assert sorted(listed) == keys
    assert len(listed) == len(keys)
    # Two folders: half of the eight each, not the quarter that four folders would get.
    assert in_f01.peak > 8 // 4
    assert in_f01.peak <= 8 // 2


def test_a_tree_of_many_small_folders_is_listed_in_plain_pages(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    keys = folder_tree(proxy_store, moto_bucket, folders=40, per_folder=1)

    listed = [k for p in proxy_store.iter_tree(moto_bucket, "t/", page_size=20) for k in p.keys]

    assert sorted(listed) == keys
    assert len(listed) == len(keys)
    assert folder_requests(fault_proxy) == set()  # 40 requests where 3 pages do


def test_closing_a_listing_by_folders_sends_nothing_after_it(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    folder_tree(proxy_store, moto_bucket, folders=6, per_folder=30)
    listings = Match(method="GET", query={"list-type": "2"})
    pages = proxy_store.iter_tree(moto_bucket, "t/", page_size=20)
    next(pages)
    next(pages)
    next(pages)  # a folder's page: the split is under way
    pages.close()  # stops the folders' listings, waits for their requests in flight
    sent = fault_proxy.count(listings)
    assert proxy_store.client.list_objects_v2(Bucket=moto_bucket, MaxKeys=1)["KeyCount"] == 1
    assert fault_proxy.count(listings) == sent + 1  # only the probe
    assert folder_requests(fault_proxy)  # it did split: this tested the folders' listings


def test_rclone_lists_a_big_tree_by_folders_with_every_key_once(
    rclone_account: Account, make_store: Callable[..., S3Store], rclone_bucket: str
) -> None:
    store = make_store(rclone_account)
    keys = folder_tree(store, rclone_bucket, folders=5, per_folder=30, marker=False)

    listed = [k for p in store.iter_tree(rclone_bucket, "t/", page_size=20) for k in p.keys]

    assert sorted(listed) == keys
    assert len(listed) == len(keys)
