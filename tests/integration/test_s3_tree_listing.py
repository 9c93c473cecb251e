"""iter_tree, the TreeLister a search reads: every object below a folder, page by page, on real servers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account
from spacesgui.core.ports import TreeLister
from tests.fault_proxy import FaultProxy, Match, PaginationBreak

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
