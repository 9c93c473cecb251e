"""CORS rules: validation in words, field by field, and the helpers the editor uses."""

from __future__ import annotations

import pytest

from spacesgui.core.cors import (
    MAX_RULES,
    TEMPLATES,
    CorsField,
    CorsRule,
    duplicate_id,
    max_age_problem,
    method_problem,
    origin_problem,
    split_list,
    summary,
    validate_rules,
)

GOOD = CorsRule("uploads", ("https://app.example.com",), ("PUT",), ("content-type",), ("ETag",), "3000")


def fields_of(rule: CorsRule) -> list[CorsField | None]:
    return [p.field for p in validate_rules([rule])]


def test_a_good_rule_has_no_problems() -> None:
    assert validate_rules([GOOD]) == []


@pytest.mark.parametrize(
    "origin",
    [
        "*",
        "https://example.com",
        "http://localhost:3000",
        "https://*.example.com",
        "*.example.com",
        "http://127.0.0.1:8080",
        "http://[::1]:8080",
        "https://example.com:*",
        "chrome-extension://abcdefgh",
        "*://example.com",
    ],
)
def test_origins_a_browser_can_send_are_accepted(origin: str) -> None:
    assert origin_problem(origin) == ""


@pytest.mark.parametrize(
    ("origin", "words"),
    [
        ("https://*.*.example.com", "2 wildcards"),
        ("**", "2 wildcards"),
        ("example.com", "needs its scheme"),
        ("https://example.com/", "use “https://example.com”"),
        ("https://example.com/app", "has a path"),
        ("https://example.com?x=1", "has a path"),
        ("https://a.com b.com", "holds a space"),
        ("https://", "no host name"),
        ("https://example.com:99999", "port"),
        ("https://example.com:http", "port"),
        ("https://exa_mple.com", "invalid host name"),
        ("https://user@example.com", "user name"),
        ("1http://example.com", "scheme"),
        ("", "empty"),
        ("HTTPS://WWW.Example.com", "use “https://www.example.com”"),  # a browser never sends it
        ("https://example.com;https://b.com", "Separate origins with commas"),
        ("https://example.com:\uff18\uff10", "port"),  # full-width digits are no port
        ("*.example.com:\uff18\uff10", "not an origin"),
    ],
)
def test_bad_origins_are_refused_in_words(origin: str, words: str) -> None:
    assert words in origin_problem(origin)


def test_a_bad_origin_is_reported_on_the_origins_field_naming_it() -> None:
    (problem,) = validate_rules([GOOD, CorsRule("", ("https://*.*.x.com",), ("GET",))])

    assert (problem.rule, problem.field, problem.item) == (1, CorsField.ORIGINS, "https://*.*.x.com")
    assert problem.describe().startswith("Rule 2, allowed origins: “https://*.*.x.com” has 2 wildcards")


def test_a_rule_needs_an_origin_and_a_method() -> None:
    assert fields_of(CorsRule()) == [CorsField.ORIGINS, CorsField.METHODS]


@pytest.mark.parametrize(("method", "words"), [("PATCH", "not a method"), ("get", "capitals: GET")])
def test_unknown_methods_are_refused(method: str, words: str) -> None:
    rule = CorsRule("", ("*",), ("GET", method))

    (problem,) = validate_rules([rule])

    assert (problem.field, problem.item) == (CorsField.METHODS, method)
    assert words in problem.message
    assert method_problem("DELETE") == ""


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("-5", "cannot be negative"),
        ("abc", "whole number"),
        ("1.5", "whole number"),
        ("9" * 12, "too large"),
        ("\uff13\uff10\uff10\uff10", "whole number"),  # full-width 3000: it would be sent as it is
    ],
)
def test_a_max_age_must_be_whole_seconds_from_zero(text: str, words: str) -> None:
    assert words in max_age_problem(text)
    assert fields_of(CorsRule("", ("*",), ("GET",), max_age=text)) == [CorsField.MAX_AGE]


@pytest.mark.parametrize("text", ["", "0", "3000", " 60 "])
def test_good_max_ages(text: str) -> None:
    assert max_age_problem(text) == ""


def test_max_age_seconds_is_a_number_or_none() -> None:
    assert CorsRule(max_age=" 60 ").max_age_seconds == 60
    assert CorsRule().max_age_seconds is None


@pytest.mark.parametrize(
    ("allowed", "expose", "field"),
    [
        (("content type",), (), CorsField.ALLOWED_HEADERS),
        (("x-amz-**",), (), CorsField.ALLOWED_HEADERS),
        ((), ("bad header",), CorsField.EXPOSE_HEADERS),
    ],
)
def test_header_names_are_checked(
    allowed: tuple[str, ...], expose: tuple[str, ...], field: CorsField
) -> None:
    assert fields_of(CorsRule("", ("*",), ("GET",), allowed, expose)) == [field]


def test_a_wildcard_header_is_fine() -> None:
    assert validate_rules([CorsRule("", ("*",), ("GET",), ("*", "x-amz-*"))]) == []


def test_an_id_longer_than_s3_takes_is_refused() -> None:
    assert fields_of(GOOD.__class__("x" * 256, ("*",), ("GET",))) == [CorsField.ID]


def test_at_most_a_hundred_rules() -> None:
    assert validate_rules([GOOD] * MAX_RULES) == []

    (problem,) = validate_rules([GOOD] * (MAX_RULES + 1))

    assert (problem.rule, problem.field) == (MAX_RULES, None)
    assert "at most 100" in problem.message
    assert "Remove 1" in problem.message


def test_typed_lists_split_on_commas_and_lines() -> None:
    assert split_list(" https://a.com, https://b.com\nhttps://c.com ,, ") == (
        "https://a.com",
        "https://b.com",
        "https://c.com",
    )


def test_a_duplicate_gets_a_fresh_id() -> None:
    assert duplicate_id("uploads", ["uploads"]) == "uploads-copy"
    assert duplicate_id("uploads", ["uploads", "uploads-copy"]) == "uploads-copy-2"
    assert duplicate_id("", []) == ""


def test_the_get_template_is_valid_as_it_is() -> None:
    template = TEMPLATES[0]
    assert template.label == "Allow GET from any origin"
    assert validate_rules([template.rule]) == []
    assert template.rule.origins == ("*",)


def test_the_upload_template_still_needs_its_origin() -> None:
    template = TEMPLATES[1]
    assert template.label == "Allow browser uploads from an origin"
    assert template.needs_origin
    assert fields_of(template.rule) == [CorsField.ORIGINS]
    assert "ETag" in template.rule.expose_headers
    filled = CorsRule(**{**_as_dict(template.rule), "origins": ("https://app.example.com",)})
    assert validate_rules([filled]) == []


def _as_dict(rule: CorsRule) -> dict[str, object]:
    return {name: getattr(rule, name) for name in CorsRule.__slots__}


def test_summary_in_words() -> None:
    assert summary([]).startswith("No CORS rules")
    assert summary([GOOD, CorsRule("", ("*",), ("GET", "HEAD"))]) == (
        "2 rules: PUT from 1 origin; GET, HEAD from any origin"
    )
