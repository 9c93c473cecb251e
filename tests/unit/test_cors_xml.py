"""CORS rules to and from S3's CORSConfiguration XML, with the line of each mistake."""

from __future__ import annotations

import pytest

from spacesgui.core.cors import CorsRule
from spacesgui.core.cors_xml import CorsXmlError, parse_xml, render_xml

RULES = (
    CorsRule("uploads", ("https://app.example.com", "https://*.example.org"), ("PUT", "POST"),
             ("content-type", "x-amz-*"), ("ETag",), "3000"),
    CorsRule("", ("*",), ("GET",)),
)  # fmt: skip


def test_rendered_rules_parse_back_equal() -> None:
    assert parse_xml(render_xml(RULES)) == RULES


def test_the_rendering_follows_the_s3_schema() -> None:
    text = render_xml(RULES[:1])

    assert '<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' in text
    assert text.index("<ID>uploads</ID>") < text.index("<AllowedOrigin>") < text.index("<AllowedMethod>")
    assert text.index("<ExposeHeader>") < text.index("<MaxAgeSeconds>3000</MaxAgeSeconds>")


def test_values_are_escaped_and_kept_as_typed() -> None:
    rule = CorsRule("a<b&c", ("https://x.com/<path>",), ("GET",), max_age="-5")

    text = render_xml([rule])

    assert "<ID>a&lt;b&amp;c</ID>" in text
    assert parse_xml(text) == (rule,)  # a bad value survives the trip: validation shows it


def test_xml_as_s3_returns_it_parses() -> None:
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule>'
        "<AllowedHeader>*</AllowedHeader><AllowedMethod>GET</AllowedMethod>"
        "<AllowedOrigin>*</AllowedOrigin><MaxAgeSeconds>60</MaxAgeSeconds>"
        "</CORSRule></CORSConfiguration>"
    )

    assert parse_xml(text) == (CorsRule("", ("*",), ("GET",), ("*",), (), "60"),)


def test_no_namespace_is_fine_too() -> None:
    assert parse_xml(
        "<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>"
    )


@pytest.mark.parametrize("text", ["", "  \n", "<CORSConfiguration/>"])
def test_no_rules_is_an_empty_configuration(text: str) -> None:
    assert parse_xml(text) == ()


def _error(text: str) -> CorsXmlError:
    with pytest.raises(CorsXmlError) as caught:
        parse_xml(text)
    return caught.value


def test_malformed_xml_names_its_line() -> None:
    error = _error("<CORSConfiguration>\n  <CORSRule>\n    <AllowedOrigin>*</AllowedOrign>\n")

    assert error.line == 3
    assert "not well-formed" in error.message
    assert error.describe().startswith("Line 3: ")


def test_an_unknown_method_names_its_line() -> None:
    text = render_xml(RULES).replace(
        "<AllowedMethod>POST</AllowedMethod>", "<AllowedMethod>PATCH</AllowedMethod>"
    )

    error = _error(text)

    assert "“PATCH” is not a method" in error.message
    assert text.splitlines()[error.line - 1].strip() == "<AllowedMethod>PATCH</AllowedMethod>"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("<CORSRules/>", 1, "must be a <CORSConfiguration>"),
        ("<CORSConfiguration>\n<Rule/>\n</CORSConfiguration>", 2, "only <CORSRule>"),
        ("<CORSConfiguration><CORSRule>\n<AllowedOrigins>*</AllowedOrigins>\n</CORSRule></CORSConfiguration>", 2, "not part of a CORS rule"),
        ("<CORSConfiguration><CORSRule><ID>a</ID>\n<ID>b</ID></CORSRule></CORSConfiguration>", 2, "only one <ID>"),
        ("<CORSConfiguration><CORSRule><ID><b/></ID></CORSRule></CORSConfiguration>", 1, "only text"),
        ("<CORSConfiguration>words<CORSRule/></CORSConfiguration>", 1, "holds text"),
    ],
)  # fmt: skip
def test_shapes_s3_would_refuse_name_their_line(text: str, line: int, words: str) -> None:
    error = _error(text)

    assert words in error.message
    assert error.line == line


def test_a_doctype_is_refused() -> None:
    text = '<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<CORSConfiguration/>'

    assert "DOCTYPE" in _error(text).message
