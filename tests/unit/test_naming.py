"""Bucket (Space) naming rules and their messages."""

from __future__ import annotations

import pytest

from spacesgui.core.errors import InvalidBucketName
from spacesgui.core.naming import bucket_name_problem, check_bucket_name


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "Enter a name"),
        ("ab", "at least 3 characters"),
        ("a" * 64, "at most 63 characters (this one has 64)"),
        ("MySpace", "capital letters"),
        ("myspacÉ", "capital letters"),
        ("my_space", "(not: _)"),
        ("my space", "(not: space)"),
        ("my space_x!", "(not: space ! _)"),
        ("café", "(not: é)"),
        ("-myspace", "start and end with a letter or a digit"),
        ("myspace-", "start and end with a letter or a digit"),
        (".myspace", "start and end with a letter or a digit"),
        ("myspace.", "start and end with a letter or a digit"),
        ("my..space", "two dots in a row"),
        ("my.-space", "a dot next to a hyphen"),
        ("my-.space", "a dot next to a hyphen"),
        ("192.168.1.10", "look like an IP address"),
        ("xn--myspace", "start with “xn--”"),
        ("myspace-s3alias", "end with “-s3alias”"),
    ],
)
def test_each_broken_rule_is_named(name: str, rule: str) -> None:
    problem = bucket_name_problem(name)

    assert problem is not None
    assert rule in problem


@pytest.mark.parametrize(
    "name",
    ["abc", "a" * 63, "my-space", "my.space", "1space", "space1", "a-b.c-d", "192.168.1", "x-n--a"],
)
def test_valid_names_break_no_rule(name: str) -> None:
    assert bucket_name_problem(name) is None


def test_check_bucket_name_returns_a_valid_name() -> None:
    assert check_bucket_name("my-space") == "my-space"


def test_check_bucket_name_raises_with_the_rule_as_message() -> None:
    with pytest.raises(InvalidBucketName) as caught:
        check_bucket_name("My_Space")

    assert caught.value.message == bucket_name_problem("My_Space")
