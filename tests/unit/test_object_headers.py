"""Header and metadata checks before a property edit is sent: every problem, in words."""

from __future__ import annotations

import pytest

from spacesgui.core.errors import InvalidInput
from spacesgui.core.object_headers import (
    MAX_METADATA_BYTES,
    ObjectHeaders,
    check_object_headers,
    header_value_problem,
    metadata_name_problem,
    metadata_problems,
    metadata_size,
    object_headers_problems,
)


def test_plain_headers_and_metadata_pass_trimmed_with_lower_case_names() -> None:
    headers = ObjectHeaders(
        content_type=" text/html; charset=utf-8 ",
        cache_control="max-age=60, public",
        content_disposition='attachment; filename="report.pdf"',
        content_encoding="gzip",
        content_language="en-GB",
        expires="Thu, 01 Dec 2026 16:00:00 GMT",
        metadata={"X-Amz-Meta-Author": " Ada ", "Project-ID": "42"},
    )

    checked = check_object_headers(headers)

    assert checked.content_type == "text/html; charset=utf-8"
    assert checked.metadata == {"author": "Ada", "project-id": "42"}
    assert checked.cache_control == "max-age=60, public"


@pytest.mark.parametrize(
    ("value", "shown"),
    [("café", "é"), ("a\nb", "U+000A"), ("tab\t", "U+0009"), ("€ ü", "ü €")],
)
def test_a_header_value_must_be_printable_ascii(value: str, shown: str) -> None:
    problem = header_value_problem("Cache-Control", value)

    assert problem is not None
    assert "Cache-Control can hold only plain printable ASCII text" in problem
    assert f"(not: {shown})" in problem


def test_a_non_ascii_download_name_is_pointed_at_filename_star() -> None:
    problem = header_value_problem("Content-Disposition", 'attachment; filename="Überblick.pdf"')

    assert problem is not None
    assert "filename*=UTF-8''" in problem


@pytest.mark.parametrize("name", ["author", "project-id", "a.b", "x_y", "K!#$%&'*+-.^_`|~9"])
def test_header_tokens_are_valid_metadata_names(name: str) -> None:
    assert metadata_name_problem(name) is None


@pytest.mark.parametrize(("name", "shown"), [("my name", "space"), ("a:b", ":"), ("ü", "ü"), ("a/b", "/")])
def test_a_metadata_name_must_be_a_header_token(name: str, shown: str) -> None:
    problem = metadata_name_problem(name)

    assert problem is not None
    assert f"(not: {shown})" in problem


def test_metadata_names_that_differ_only_in_case_collide() -> None:
    problems = metadata_problems({"Author": "a", "author": "b"})

    assert problems == [
        "The metadata names “Author” and “author” are the same to S3, which ignores case in them; keep one."
    ]


def test_metadata_may_hold_2_kb_of_names_and_values_together() -> None:
    just_fits = {"k": "v" * (MAX_METADATA_BYTES - 1)}
    too_much = {"k": "v" * MAX_METADATA_BYTES}

    assert metadata_size(just_fits) == MAX_METADATA_BYTES
    assert metadata_problems(just_fits) == []
    assert metadata_problems(too_much) == [
        "Metadata can hold at most 2,048 bytes in all (names and values together); this has 2,049."
    ]


def test_an_empty_metadata_name_is_refused() -> None:
    assert metadata_problems({"": "x"}) == ["A metadata entry needs a name."]


def test_a_content_type_needs_a_type_and_a_subtype() -> None:
    problems = object_headers_problems(ObjectHeaders(content_type="html"))

    assert problems == ["A Content-Type names a type and a subtype, such as “text/html” (not “html”)."]


def test_expires_must_be_an_http_date() -> None:
    problems = object_headers_problems(ObjectHeaders(expires="tomorrow"))

    assert problems == ["Expires must be a date such as “Thu, 01 Dec 2026 16:00:00 GMT” (not “tomorrow”)."]


def test_every_problem_is_listed_at_once_one_a_line() -> None:
    headers = ObjectHeaders(cache_control="ü", metadata={"bad name": "x", "ok": "ç"})

    with pytest.raises(InvalidInput) as caught:
        check_object_headers(headers)

    lines = caught.value.message.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("Cache-Control can hold only")
    assert "“bad name”" in lines[1]
    assert lines[2].startswith("The value of “ok” can hold only")


def test_empty_headers_are_valid() -> None:
    assert check_object_headers(ObjectHeaders()) == ObjectHeaders()
