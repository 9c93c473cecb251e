"""S3 key and location helpers."""

from __future__ import annotations

import pytest

from spacesgui.core.errors import InvalidInput
from spacesgui.core.keys import Location, as_folder, basename, join, parent, segments
from spacesgui.core.typed_location import parse_location


@pytest.mark.parametrize(
    ("prefix", "name", "key"),
    [
        ("", "a.txt", "a.txt"),
        ("photos/", "a.txt", "photos/a.txt"),
        ("photos", "a.txt", "photos/a.txt"),
        ("photos/2024/", "sub/", "photos/2024/sub/"),
    ],
)
def test_join_puts_exactly_one_slash_between_prefix_and_name(prefix: str, name: str, key: str) -> None:
    assert join(prefix, name) == key


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("a.txt", ""),
        ("photos/", ""),
        ("photos/a.txt", "photos/"),
        ("photos/2024/", "photos/"),
        ("photos/2024/a b.txt", "photos/2024/"),
        ("", ""),
    ],
)
def test_parent_is_the_folder_that_contains_a_key_or_folder(key: str, expected: str) -> None:
    assert parent(key) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [("a.txt", "a.txt"), ("photos/", "photos"), ("photos/2024/a b.txt", "a b.txt"), ("a/b/", "b")],
)
def test_basename_is_the_last_segment_without_slash(key: str, expected: str) -> None:
    assert basename(key) == expected


@pytest.mark.parametrize(
    ("typed", "folder"),
    [("", ""), ("/", ""), ("photos", "photos/"), ("/photos/2024", "photos/2024/"), ("a/", "a/")],
)
def test_as_folder_strips_leading_slashes_and_ends_with_one(typed: str, folder: str) -> None:
    assert as_folder(typed) == folder


def test_segments_are_the_folder_names_of_a_prefix() -> None:
    assert segments("photos/2024/summer/") == ["photos", "2024", "summer"]


def test_segments_of_the_root_are_empty() -> None:
    assert segments("") == []


def test_location_url_of_a_folder() -> None:
    assert Location("my-space", "photos/").url() == "s3://my-space/photos/"


def test_location_url_of_the_account_root() -> None:
    assert Location().url() == "s3://"


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        (Location("b", "photos/2024/"), Location("b", "photos/")),
        (Location("b", "photos/"), Location("b", "")),
        (Location("b", ""), Location()),
    ],
)
def test_location_parent_walks_up_to_the_bucket_then_the_account(
    location: Location, expected: Location
) -> None:
    assert location.parent() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("s3://my-space/photos/", Location("my-space", "photos/")),
        ("S3://my-space/photos", Location("my-space", "photos/")),
        ("my-space/photos/2024", Location("my-space", "photos/2024/")),
        ("/my-space/photos/", Location("my-space", "photos/")),
        ("  s3://my-space  ", Location("my-space", "")),
        ("my-space", Location("my-space", "")),
        ("s3://my-space/", Location("my-space", "")),
        ("my-space/summer%20trip", Location("my-space", "summer%20trip/")),
        ("", Location()),
        ("s3://", Location()),
        ("/", Location()),
    ],
)
def test_parse_location_accepts_what_people_type(text: str, expected: Location) -> None:
    assert parse_location(text) == expected


@pytest.mark.parametrize("text", ["ftp://x/y", "gs://bucket/a"])
def test_parse_location_refuses_other_schemes_and_names_them(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_location(text)

    assert text.split("://")[0] + "://" in caught.value.message
    assert "s3://" in caught.value.message


def test_parsed_location_round_trips_through_its_url() -> None:
    location = Location("my-space", "photos/2024/")

    assert parse_location(location.url()) == location
