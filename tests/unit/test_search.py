"""The search filter: which listed objects a search's terms pick, and the terms people type."""

from __future__ import annotations

from datetime import datetime

import pytest

from spacesgui.core.errors import InvalidInput
from spacesgui.core.listing import ListingPage, ObjectEntry
from spacesgui.core.search import HitColumn, SearchCriteria, SearchFilter, SearchHits, parse_day, parse_size

DAY = 86_400.0
T0 = datetime(2024, 5, 1).timestamp()


def page(*entries: tuple[str, int, float]) -> ListingPage:
    result = ListingPage()
    for key, size, mtime in entries:
        result.add_object(ObjectEntry(key, size, mtime, etag=f"e-{key}"))
    return result


SAMPLE = page(
    ("photos/", 0, T0),
    ("photos/Beach-2024.JPG", 2_000_000, T0),
    ("photos/beach/notes.txt", 120, T0 + DAY),
    ("photos/city.png", 500_000, T0 + 2 * DAY),
    ("docs/report-beach.pdf", 90_000, T0 - DAY),
    ("docs/readme.md", 40, T0 + 3 * DAY),
)


def found(criteria: SearchCriteria, prefix: str = "", listing: ListingPage = SAMPLE) -> list[str]:
    return SearchFilter(criteria, prefix).matches(listing).keys


def test_a_substring_matches_names_ignoring_case_and_not_folder_names() -> None:
    assert found(SearchCriteria("BEACH")) == ["photos/Beach-2024.JPG", "docs/report-beach.pdf"]


def test_a_glob_must_match_the_whole_name() -> None:
    assert found(SearchCriteria("*.jpg")) == ["photos/Beach-2024.JPG"]
    assert found(SearchCriteria("c?ty.*")) == ["photos/city.png"]
    assert found(SearchCriteria("beach*")) == ["photos/Beach-2024.JPG"]


def test_brackets_are_plain_characters_and_case_is_folded() -> None:
    listing = page(
        ("odd/photo [1].png", 1, T0), ("odd/photo 1.png", 2, T0), ("odd/Straße.txt", 3, T0),
        ("odd/[draft] plan.md", 4, T0),
    )  # fmt: skip
    assert found(SearchCriteria("photo [1].png"), listing=listing) == ["odd/photo [1].png"]
    assert found(SearchCriteria("[1]"), listing=listing) == ["odd/photo [1].png"]
    assert found(SearchCriteria("[draft]*"), listing=listing) == ["odd/[draft] plan.md"]
    assert found(SearchCriteria("STRASSE"), listing=listing) == ["odd/Straße.txt"]
    assert found(SearchCriteria("STRAß?.txt"), listing=listing) == ["odd/Straße.txt"]
    assert found(SearchCriteria("stra*e.TXT"), listing=listing) == ["odd/Straße.txt"]


def test_a_pattern_with_a_slash_matches_the_path_below_the_searched_folder() -> None:
    assert found(SearchCriteria("beach/"), "photos/") == ["photos/beach/notes.txt"]
    assert found(SearchCriteria("*/notes.txt"), "photos/") == ["photos/beach/notes.txt"]
    assert found(SearchCriteria("beach/*.TXT")) == ["photos/beach/notes.txt"]  # from any folder down
    assert found(SearchCriteria("each/*.txt")) == []  # a folder's whole name, not its end


def test_folder_placeholders_are_never_results() -> None:
    assert "photos/" not in found(SearchCriteria())
    assert len(found(SearchCriteria())) == 5


def test_size_bounds_include_both_ends() -> None:
    assert found(SearchCriteria(min_size=120, max_size=90_000)) == [
        "photos/beach/notes.txt",
        "docs/report-beach.pdf",
    ]


def test_date_bounds_take_the_start_and_leave_the_end() -> None:
    criteria = SearchCriteria(modified_after=T0 + DAY, modified_before=T0 + 3 * DAY)
    assert found(criteria) == ["photos/beach/notes.txt", "photos/city.png"]


def test_a_content_type_is_judged_by_extension() -> None:
    assert found(SearchCriteria(content_type="image/*")) == ["photos/Beach-2024.JPG", "photos/city.png"]
    assert found(SearchCriteria(content_type="image/png")) == ["photos/city.png"]
    assert found(SearchCriteria(content_type="application/pdf")) == ["docs/report-beach.pdf"]


def test_every_term_must_hold() -> None:
    assert found(SearchCriteria("beach", content_type="image/")) == ["photos/Beach-2024.JPG"]


def test_hits_carry_size_date_and_etag() -> None:
    hits = SearchFilter(SearchCriteria("city")).matches(SAMPLE)
    assert (hits.sizes, hits.mtimes, hits.etags) == ([500_000], [T0 + 2 * DAY], ["e-photos/city.png"])


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("", None),
        ("1500", 1500),
        ("1,500", 1500),
        ("20 KB", 20_000),
        ("1.5 MiB", 1_572_864),
        ("2g", 2 * 10**9),
    ],
)
def test_sizes_people_type(text: str, size: int | None) -> None:
    assert parse_size(text, "Smallest") == size


def test_a_size_that_is_not_one_is_said_in_plain_words() -> None:
    with pytest.raises(InvalidInput, match="Smallest: “lots” is not a size"):
        parse_size("lots", "Smallest")


def test_days_are_local_midnights_and_an_end_day_is_included() -> None:
    assert parse_day("2024-05-01", "From") == T0
    assert parse_day("2024-05-01", "Until", end=True) == datetime(2024, 5, 2).timestamp()
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        parse_day("May 1st", "From")


def test_terms_that_cannot_match_say_why() -> None:
    assert "larger" in SearchCriteria(min_size=10, max_size=5).problem()
    assert "not before" in SearchCriteria(modified_after=T0, modified_before=T0).problem()
    assert SearchCriteria("x", min_size=1).problem() == ""


def test_hits_sort_by_path_regardless_of_case_and_ties_keep_the_order_they_were_found_in() -> None:
    hits = SearchHits(
        keys=["b/Zebra.jpg", "a/apple.jpg", "b/zebra.png", "A/Banana.jpg"],
        sizes=[5, 1, 5, 3],
        mtimes=[4.0, 3.0, 2.0, 1.0],
        etags=["z", "a", "y", "b"],
    )
    hits.reorder(hits.order(HitColumn.PATH))
    assert hits.keys == ["a/apple.jpg", "A/Banana.jpg", "b/Zebra.jpg", "b/zebra.png"]
    assert hits.etags == ["a", "b", "z", "y"]  # every column moved with its key
    hits.reorder(hits.order(HitColumn.SIZE, descending=True))
    assert hits.keys == ["b/Zebra.jpg", "b/zebra.png", "A/Banana.jpg", "a/apple.jpg"]  # 5, 5 as before
    hits.reorder(hits.order(HitColumn.MODIFIED))
    assert hits.mtimes == [1.0, 2.0, 3.0, 4.0]
