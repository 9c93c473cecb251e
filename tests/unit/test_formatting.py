"""Human-readable sizes, counts and times."""

from __future__ import annotations

from datetime import datetime

import pytest

from spacesgui.core.formatting import human_count, human_size, human_time, listed_names


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (2, "2 bytes"),
        (999, "999 bytes"),
        (1000, "1.0 KB"),
        (1500, "1.5 KB"),
        (99_949, "99.9 KB"),
        (100_000, "100 KB"),
        (123_456_789, "123 MB"),
        (5_000_000_000, "5.0 GB"),
        (2**40, "1.1 TB"),
        (10**15, "1.0 PB"),
        (10**18, "1000 PB"),
    ],
)
def test_human_size_uses_decimal_units_like_file_managers(size: int, text: str) -> None:
    assert human_size(size) == text


@pytest.mark.parametrize(
    ("size", "text"),
    [(999_500, "1.0 MB"), (999_999, "1.0 MB"), (999_999_999, "1.0 GB")],
)
def test_human_size_rolls_over_to_the_next_unit_instead_of_showing_1000(size: int, text: str) -> None:
    assert human_size(size) == text


def test_human_size_rounded_up_to_100_drops_the_decimal() -> None:
    assert human_size(99_950) == "100 KB"


@pytest.mark.parametrize(
    ("count", "text"),
    [(0, "0 files"), (1, "1 file"), (2, "2 files"), (12_345, "12,345 files")],
)
def test_human_count_pluralises_and_groups_digits(count: int, text: str) -> None:
    assert human_count(count, "file") == text


def test_human_time_shows_local_time_to_the_minute() -> None:
    timestamp = datetime(2024, 5, 6, 7, 8, 59).timestamp()

    assert human_time(timestamp) == "2024-05-06 07:08"


def test_human_time_of_an_unknown_time_is_empty() -> None:
    assert human_time(0) == ""


def test_listed_names_are_one_a_line_long_ones_cut_in_the_middle_then_how_many_more() -> None:
    long = "quarterly-financial-report-for-the-board-of-directors-meeting-2024-Q1.pdf"
    text = listed_names(["a.png", long, "b/", "c", "d", "e", "f"])
    lines = text.split("\n")
    assert lines[0] == "a.png"
    assert len(lines[1]) <= 44  # one line in a message box
    assert lines[1].endswith("-2024-Q1.pdf")
    assert "…" in lines[1]
    assert lines[2:] == ["b/", "c", "d", "and 2 more"]
    assert listed_names(["only.txt"]) == "only.txt"
