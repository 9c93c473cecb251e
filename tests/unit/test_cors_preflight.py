"""Which rule should answer a preflight (first match wins), and judging the server's answer."""

from __future__ import annotations

import pytest

from spacesgui.core.cors import CorsRule
from spacesgui.core.cors_preflight import (
    CorsAnswer,
    LocalMatch,
    PreflightRequest,
    compare_preflight,
    compare_simple,
    match_preflight,
    match_simple,
    wildcard_match,
)

APP = "https://app.example.com"
UPLOADS = CorsRule("uploads", (APP,), ("PUT", "POST"), ("content-type", "x-amz-*"))
ANY_GET = CorsRule("", ("*",), ("GET",))
RULES = (UPLOADS, ANY_GET)


def request(origin: str = APP, method: str = "PUT", *headers: str) -> PreflightRequest:
    return PreflightRequest(origin, method, tuple(headers))


@pytest.mark.parametrize(
    ("pattern", "value", "fold", "matches"),
    [
        ("*", "https://anything", False, True),
        ("https://*.example.com", "https://a.b.example.com", False, True),
        ("https://*.example.com", "https://example.com", False, False),
        ("https://example.com", "https://example.com.evil.net", False, False),
        ("https://a.com", "HTTPS://A.COM", False, False),
        ("x-amz-*", "X-Amz-Meta-Owner", True, True),
        ("content.type", "contentxtype", True, False),  # a dot is a dot, not any character
    ],
)
def test_wildcards_stand_for_any_run_of_characters(
    pattern: str, value: str, fold: bool, matches: bool
) -> None:
    assert wildcard_match(pattern, value, fold=fold) is matches


def test_the_first_rule_that_admits_the_request_answers() -> None:
    assert match_preflight(RULES, request(APP, "GET")).rule == 1
    assert match_preflight((ANY_GET, ANY_GET), request(APP, "GET")).rule == 0


def test_a_rule_admits_a_request_only_with_every_header_allowed() -> None:
    assert match_preflight(RULES, request(APP, "PUT", "content-type", "x-amz-acl")).rule == 0

    miss = match_preflight(RULES, request(APP, "PUT", "content-type", "authorization"))

    assert miss.rule is None
    assert "rule 1 (“uploads”) covers this origin and PUT, but not the header authorization" in miss.reason


def test_a_later_rule_may_admit_headers_an_earlier_one_does_not() -> None:
    rules = (UPLOADS, CorsRule("", (APP,), ("PUT",), ("*",)))

    assert match_preflight(rules, request(APP, "PUT", "authorization")).rule == 1


def test_reasons_for_no_match() -> None:
    assert (
        "no rule lists the origin https://evil.net"
        in match_preflight((UPLOADS,), request("https://evil.net")).reason
    )
    assert (
        "rule 2 covers this origin, but not the method PUT"
        in match_preflight(RULES, request("https://x.net")).reason
    )
    assert "not the method DELETE" in match_preflight(RULES, request(APP, "DELETE")).reason
    assert "no CORS rules" in match_preflight((), request()).reason


def test_a_plain_get_is_matched_on_origin_and_method() -> None:
    assert match_simple(RULES, "https://elsewhere.org").rule == 1
    assert match_simple((UPLOADS,), APP).rule is None


def test_typed_requests_are_tidied() -> None:
    assert PreflightRequest.typed(" https://a.com ", "put", "Content-Type, X-Amz-ACL") == PreflightRequest(
        "https://a.com", "PUT", ("content-type", "x-amz-acl")
    )


def answer(status: int = 200, **headers: str) -> CorsAnswer:
    return CorsAnswer(status, tuple((k.replace("_", "-"), v) for k, v in headers.items()))


ALLOWING = answer(
    access_control_allow_origin=APP,
    access_control_allow_methods="GET, PUT",
    access_control_allow_headers="content-type",
)


def test_a_browser_goes_ahead_only_on_an_answer_that_covers_origin_method_and_headers() -> None:
    assert ALLOWING.lets_browser_send(request(APP, "PUT", "content-type"))
    assert not ALLOWING.lets_browser_send(request(APP, "DELETE"))
    assert not ALLOWING.lets_browser_send(request(APP, "PUT", "authorization"))
    assert not ALLOWING.lets_browser_send(request("https://evil.net", "PUT"))
    assert ALLOWING.lets_browser_send(request(APP, "POST"))  # POST need not be listed
    assert not answer(403).lets_browser_send(request(APP, "GET"))


def test_a_wildcard_allow_origin_lets_any_page_read() -> None:
    assert answer(access_control_allow_origin="*").allows_origin("https://x.org")


def test_agreement_when_both_allow_or_both_refuse() -> None:
    allowed = request(APP, "PUT", "content-type")
    refused = request("https://evil.net", "PUT")

    both_allow = compare_preflight(ALLOWING, match_preflight(RULES, allowed), allowed)
    both_refuse = compare_preflight(answer(403), match_preflight(RULES, refused), refused)

    assert both_allow.agree
    assert both_allow.text.startswith("They agree: the browser may send a PUT from https://app.example.com.")
    assert "Rule 1 (“uploads”) allows it." in both_allow.text
    assert both_refuse.agree
    assert "may not send" in both_refuse.text


def test_disagreement_is_explained() -> None:
    allowed = request(APP, "PUT", "content-type")

    refused_but_should = compare_preflight(
        CorsAnswer(403, (), "CORSResponse"), match_preflight(RULES, allowed), allowed
    )
    allowed_but_should_not = compare_preflight(ALLOWING, LocalMatch(None, "No rule allows it."), allowed)

    assert not refused_but_should.agree
    assert "a browser would not send a PUT from https://app.example.com (status 403 CORSResponse)" in (
        refused_but_should.text
    )
    assert "rule 1 (“uploads”) allows it" in refused_but_should.text
    assert not allowed_but_should_not.agree
    assert "the server allows" in allowed_but_should_not.text


def test_a_plain_get_agrees_on_allow_origin() -> None:
    with_header = answer(access_control_allow_origin=APP)

    assert compare_simple(with_header, match_simple(RULES, APP), APP).agree
    assert compare_simple(answer(), match_simple((UPLOADS,), APP), APP).agree
    assert not compare_simple(answer(), match_simple(RULES, APP), APP).agree


def test_an_answer_describes_its_cors_headers() -> None:
    text = CorsAnswer(403, (("vary", "Origin"),), "CORSResponse").describe()
    assert text == "403 CORSResponse\n(no Access-Control headers)"
    assert "Access-Control-Allow-Origin: https://app.example.com" in ALLOWING.describe()


@pytest.mark.parametrize(
    ("answer_", "asked", "words"),
    [
        (CorsAnswer(403, (), "CORSResponse"), request(APP, "GET"), "status 403 CORSResponse"),
        (answer(access_control_allow_origin="https://other.org"), request(APP, "GET"), "is https://other.org, not this origin"),
        (answer(), request(APP, "GET"), "no Access-Control-Allow-Origin"),
        (ALLOWING, request(APP, "DELETE"), "Access-Control-Allow-Methods (GET, PUT) does not list DELETE"),
        (ALLOWING, request(APP, "PUT", "x-amz-acl"), "Access-Control-Allow-Headers (content-type) does not list x-amz-acl"),
    ],
)  # fmt: skip
def test_a_refusal_says_which_header_stops_the_browser(
    answer_: CorsAnswer, asked: PreflightRequest, words: str
) -> None:
    assert words in answer_.refusal(asked)
    assert ALLOWING.refusal(request(APP, "PUT", "content-type")) == ""


def test_a_get_without_the_rules_expose_headers_is_a_disagreement_on_detail() -> None:
    reads = (CorsRule("", (APP,), ("GET",), (), ("ETag", "x-amz-meta-owner")),)
    bare = answer(access_control_allow_origin=APP, access_control_expose_headers="ETag")

    verdict = compare_simple(bare, match_simple(reads, APP), APP, reads[0].expose_headers)

    assert not verdict.agree
    assert "not the header x-amz-meta-owner the rule exposes" in verdict.text
