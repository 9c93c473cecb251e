"""The fast listing parser holds off the garbage collector while it parses a page, and only then."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from spacesgui.adapters.s3_fast_listing import _collector_pause, parse_listing

NS = "http://s3.amazonaws.com/doc/2006-03-01/"


def page_body(count: int) -> bytes:
    items = "".join(
        f"<Contents><Key>logs/a&amp;b-{i:06d}.log</Key><LastModified>2024-01-02T03:01:39.000Z</LastModified>"
        f"<ETag>&quot;0123456789abcdef&quot;</ETag><Size>{i * 7}</Size>"
        "<Owner><ID>abc</ID><DisplayName>x</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents>"
        for i in range(count)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="{NS}"><Name>b</Name>'
        f"<KeyCount>{count}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated>{items}"
        "<NextContinuationToken>next</NextContinuationToken></ListBucketResult>"
    ).encode()


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of every collection the collector runs during the test."""
    seen: list[int] = []

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(on_gc)
    try:
        yield seen
    finally:
        gc.callbacks.remove(on_gc)


def test_a_page_is_parsed_whole_into_botocore_shape() -> None:
    parsed = parse_listing(page_body(3))
    assert parsed["IsTruncated"] is True
    assert parsed["KeyCount"] == 3
    assert parsed["NextContinuationToken"] == "next"
    assert [c["Key"] for c in parsed["Contents"]] == [f"logs/a&b-{i:06d}.log" for i in range(3)]
    assert parsed["Contents"][2]["Size"] == 14
    assert parsed["Contents"][0]["ETag"] == '"0123456789abcdef"'


def test_no_collection_runs_while_a_page_is_parsed_and_50_pages_set_off_no_full_one(
    collections: list[int],
) -> None:
    body = page_body(1000)
    during: list[int] = []
    gc.callbacks.append(
        lambda phase, info: during.append(_collector_pause._depth) if phase == "start" else None
    )
    try:
        gc.collect()
        collections.clear()
        for _ in range(50):
            parse_listing(body)
    finally:
        gc.callbacks.pop()
    assert not any(during)  # never with the pause held
    assert 2 not in collections  # without the pause: one full collection every ~10 pages
    assert gc.isenabled()


def test_the_parsed_items_are_not_tracked_by_the_collector() -> None:
    parsed = parse_listing(page_body(10))
    assert not any(gc.is_tracked(item) for item in parsed["Contents"])


def test_a_collector_turned_off_elsewhere_stays_off() -> None:
    gc.disable()
    try:
        parse_listing(page_body(10))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_parses_on_two_threads_leave_the_collector_on() -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with _collector_pause:
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with _collector_pause:
            second_in.set()
            first_out.wait(5)
            assert not gc.isenabled()  # the first leaving does not turn it on under the second

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert gc.isenabled()
