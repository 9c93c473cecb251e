"""The path bar's text: what it shows opens the same place; URLs are decoded, paths are not."""

from __future__ import annotations

import pytest

from spacesgui.core.errors import InvalidInput
from spacesgui.core.keys import Location
from spacesgui.core.typed_location import TypedLocation, parse_location, parse_typed

AWKWARD_FOLDERS = [
    "summer%20trip/",
    "100%/",
    "a%2Fb/",
    "tag #1/",
    "what?/",
    "c++ notes/",
    "naïve café/",
    "日本語/",
    " leading space/",
    "trailing space /",
    "a//b/",
    "/rooted/",
    "photos/2024 % done/+/",
    "%41/",
]


@pytest.mark.parametrize("prefix", AWKWARD_FOLDERS)
def test_what_the_path_bar_shows_opens_the_same_folder(prefix: str) -> None:
    location = Location("my-space", prefix)
    assert parse_location(location.url()) == location
    assert parse_typed(location.url()) == TypedLocation(location)


def test_a_typed_path_is_never_percent_decoded() -> None:
    assert parse_location("s3://b/%41%42/") == Location("b", "%41%42/")


@pytest.mark.parametrize(
    ("typed", "folder", "key"),
    [
        ("s3://b/odd/data #1.csv", "odd/data #1.csv/", "odd/data #1.csv"),
        ("b/top.txt", "top.txt/", "top.txt"),
        ("/b/a//c", "a//c/", "a//c"),
        ("s3://b/odd/", "odd/", ""),  # a final slash: a folder, nothing else to look for
        ("s3://b", "", ""),
    ],
)
def test_a_path_without_a_final_slash_may_name_a_file(typed: str, folder: str, key: str) -> None:
    assert parse_typed(typed) == TypedLocation(Location("b", folder), or_object=key)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://photos.nyc3.digitaloceanspaces.com/summer%20trip/beach.jpg",
            TypedLocation(Location("photos", "summer trip/"), "summer trip/beach.jpg"),
        ),
        (
            "https://photos.ams3.cdn.digitaloceanspaces.com/a%2Bb/",
            TypedLocation(Location("photos", "a+b/")),
        ),
        (
            "https://sfo3.digitaloceanspaces.com/photos/100%25/x.png?X-Amz-Signature=abc",
            TypedLocation(Location("photos", "100%/"), "100%/x.png"),
        ),
        (
            "https://my-bucket.s3.eu-west-1.amazonaws.com/a+b.txt",
            TypedLocation(Location("my-bucket", ""), "a+b.txt"),
        ),
        ("https://s3.amazonaws.com/my-bucket/", TypedLocation(Location("my-bucket", ""))),
        ("https://photos.nyc3.digitaloceanspaces.com/", TypedLocation(Location("photos", ""))),
    ],
)
def test_a_pasted_storage_url_opens_its_folder_decoded(url: str, expected: TypedLocation) -> None:
    assert parse_typed(url) == expected


def test_a_url_of_the_accounts_own_endpoint_is_path_style() -> None:
    typed = parse_typed("http://127.0.0.1:9000/demo/a%20b/", endpoint_url="http://127.0.0.1:9000")
    assert typed == TypedLocation(Location("demo", "a b/"))


def test_a_url_of_another_server_is_refused_in_words() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_typed("https://example.com/x/y", endpoint_url="http://127.0.0.1:9000")
    assert "s3://space-name/folder/" in caught.value.message
