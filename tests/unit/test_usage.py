"""Totals of a Space's usage, and the treemap layout."""

from __future__ import annotations

import math

import pytest

from spacesgui.core.listing import ListingPage, ObjectEntry
from spacesgui.core.usage import Rect, UsageTally, share_of, squarify


def _entry(key: str, size: int, storage_class: str = "STANDARD") -> ObjectEntry:
    return ObjectEntry(key=key, size=size, last_modified=0.0, storage_class=storage_class)


def test_every_folder_holds_the_totals_of_everything_below_it() -> None:
    tally = UsageTally()
    tally.add_all(
        [
            _entry("a.txt", 1),
            _entry("photos/b.jpg", 10),
            _entry("photos/2024/c.jpg", 100),
            _entry("photos/2024/d.jpg", 1000),
            _entry("video/e.mp4", 5),
        ]
    )
    root = tally.root
    assert (root.count, root.size, root.own_count, root.own_size) == (5, 1116, 1, 1)
    photos = root.children["photos/"]
    assert (photos.prefix, photos.count, photos.size, photos.own_size) == ("photos/", 3, 1110, 10)
    year = photos.children["2024/"]
    assert (year.prefix, year.count, year.size, year.own_count) == ("photos/2024/", 2, 1100, 2)
    assert [c.name for c in root.sorted_children()] == ["photos/", "video/"]


def _page(*entries: ObjectEntry) -> ListingPage:
    page = ListingPage()
    for entry in entries:
        page.add_object(entry)
    return page


def test_pages_in_any_order_give_the_same_folders_and_classes_as_objects_one_by_one() -> None:
    entries = [_entry("a", 1), _entry("p/b", 10, "GLACIER"), _entry("p/q/c", 100), _entry("z/d", 1000, "")]
    one_by_one = UsageTally()
    one_by_one.add_all(entries)
    by_pages = UsageTally()
    by_pages.add_page(_page(*entries[2:]))  # the later names first, as a parallel listing hands them on
    by_pages.add_page(_page(*entries[:2]))
    assert by_pages.by_storage_class() == one_by_one.by_storage_class()
    for tally in (one_by_one, by_pages):
        p = tally.root.children["p/"]
        assert (tally.count, tally.size, p.count, p.size, p.children["q/"].size) == (4, 1111, 2, 110, 100)
    assert [c.storage_class for c in by_pages.by_storage_class()] == ["STANDARD", "GLACIER"]


def test_a_scan_of_a_folder_counts_folders_relative_to_it() -> None:
    tally = UsageTally("photos/")
    tally.add_all([_entry("photos/x.jpg", 3), _entry("photos/2024/y.jpg", 4)])
    assert tally.root.prefix == "photos/"
    assert list(tally.root.children) == ["2024/"]
    assert tally.root.children["2024/"].prefix == "photos/2024/"
    assert (tally.count, tally.size) == (2, 7)


def test_folder_markers_and_double_slashes_are_counted_where_they_live() -> None:
    tally = UsageTally()
    tally.add_all([_entry("docs/", 0), _entry("a//b", 7)])
    assert tally.root.children["docs/"].own_count == 1
    assert tally.root.children["a/"].children["/"].own_size == 7


def test_storage_classes_are_totalled_biggest_first() -> None:
    tally = UsageTally()
    tally.add_all([_entry("a", 5), _entry("b", 50, "GLACIER"), _entry("c", 6), _entry("d", 1, "")])
    rows = [(r.storage_class, r.count, r.size) for r in tally.by_storage_class()]
    assert rows == [("GLACIER", 1, 50), ("STANDARD", 3, 12)]


def test_share_of_an_empty_whole_is_zero() -> None:
    assert share_of(5, 0) == 0.0
    assert share_of(1, 4) == 0.25


@pytest.mark.parametrize(
    "sizes", [[6, 6, 4, 3, 2, 2, 1], [1], [100, 1, 1, 1], [5, 5, 5, 5], [3, 0, 2], [1e12, 1, 1]]
)
def test_squarify_fills_the_area_with_areas_proportional_to_sizes(sizes: list[float]) -> None:
    area = Rect(10, 20, 600, 400)
    rects = squarify(sizes, area)
    assert len(rects) == len(sizes)
    total = sum(sizes)
    for size, r in zip(sizes, rects, strict=True):
        assert math.isclose(r.w * r.h, size / total * 600 * 400, rel_tol=1e-6, abs_tol=1e-6)
        assert r.x >= 10 - 1e-9
        assert r.y >= 20 - 1e-9
        assert r.x + r.w <= 610 + 1e-6
        assert r.y + r.h <= 420 + 1e-6
    solid = [r for r in rects if r.w * r.h > 0]
    for i, a in enumerate(solid):  # no two rectangles overlap
        for b in solid[i + 1 :]:
            overlap_w = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
            overlap_h = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
            assert overlap_w <= 1e-6 or overlap_h <= 1e-6


def test_squarify_keeps_equal_items_close_to_square() -> None:
    rects = squarify([1, 1, 1, 1], Rect(0, 0, 200, 200))
    assert all(math.isclose(r.w, 100) and math.isclose(r.h, 100) for r in rects)


def test_squarify_of_nothing_gives_empty_rectangles() -> None:
    assert squarify([0, 0], Rect(0, 0, 10, 10)) == [Rect(0, 0, 0.0, 0.0)] * 2
    assert squarify([], Rect(0, 0, 10, 10)) == []
