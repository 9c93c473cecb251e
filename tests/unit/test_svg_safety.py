"""SVG bytes are cut down to what the file itself holds before anything draws them."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from spacesgui.core.preview import PreviewKind, can_thumbnail, plan_preview, thumbnail_key
from spacesgui.core.svg_safety import SVG_MAX_BYTES, SvgRefused, looks_like_svg, self_contained_svg


def test_outside_references_are_cut_and_inside_ones_kept() -> None:
    svg = (
        b'<?xml-stylesheet type="text/css" href="evil.css"?><!-- a comment -->'
        b'<svg xmlns="http://www.w3.org/2000/svg" '
        b'xmlns:xlink="http://www.w3.org/1999/xlink"><style>@import url(http://evil/x.css); '
        b"rect { fill: url(https://evil/p.svg#g) } a > b { fill: url(#in) }</style>"
        b'<image xlink:href="/etc/passwd.png"/><image href="//host/share/x.png"/>'
        b'<use href="other.svg#a"></use><use href="#inside"/><a href="https://example.com">x</a>'
        b'<rect onclick="x()" style="fill:url( \'file:///p\' )" filter="url(#f)" mask="url(evil#m)"/>'
        b"<script>alert(1)</script><foreignObject><p>hi</p></foreignObject></svg>"
    )
    safe = self_contained_svg(svg)
    for gone in (b"evil", b"/etc/passwd", b"//host", b"other.svg", b"example.com", b"script", b"file:",
                 b"foreignObject", b"@import", b"comment", b"onclick", b"<?"):  # fmt: skip
        assert gone not in safe, gone
    assert b'<use href="#inside"></use>' in safe
    assert b"fill: none" in safe
    assert b"a &gt; b { fill: url(#in) }" in safe
    assert b'style="fill:none" filter="url(#f)" mask="none"' in safe
    assert safe.count(b"<image") == 0  # an image left pointing nowhere goes whole


def test_the_original_bytes_are_never_passed_on_only_what_the_parser_read() -> None:
    # Review finding 2a: a regex saw `#` in foo's value; the parser sees href as its own attribute.
    svg = (
        b'<svg xmlns=\'http://www.w3.org/2000/svg\'><image foo="href=\'#" href="/home/u/p.png" y="\'"/></svg>'
    )
    assert b"/home/u" not in self_contained_svg(svg)
    safe = self_contained_svg(
        b"<svg xmlns='http://www.w3.org/2000/svg'><rect foo=\"href='#\" y=\"'\"/></svg>"
    )
    assert safe == (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<rect foo="href=\'#" y="\'"></rect></svg>'
    )


def test_only_raster_pictures_whose_bytes_are_one_stay_inline() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(20)
    nested = b"<svg xmlns='http://www.w3.org/2000/svg'><image href='/home/u/p.png'/></svg>"

    def image(href: bytes) -> bytes:
        return self_contained_svg(
            b"<svg xmlns='http://www.w3.org/2000/svg'><image href='" + href + b"'/></svg>"
        )

    kept = image(b"data:image/png;base64," + base64.b64encode(png)[:12] + b"\n" + base64.b64encode(png)[12:])
    assert b'<image href="data:image/png;base64,' + base64.b64encode(png) + b'">' in kept
    for bad in (
        b"data:image/svg+xml;base64," + base64.b64encode(nested),  # review finding 2b
        b"data:image/png;base64," + base64.b64encode(nested),  # Qt goes by the bytes, not the label
        b"data:image/png;base64," + base64.b64encode(png + b"<svg"),
        b"data:image/png,%89PNG%0D%0A%1A%0A",  # not base64
        b"data:text/html;base64,PHA+",
        b"#inside",  # on <image>, QtSvg would read a file called that
    ):
        assert b"<image" not in image(bad), bad


@pytest.mark.parametrize(
    ("svg", "reason"),
    [
        (b'<!DOCTYPE svg [<!ENTITY big "xxxxxxxx">]><svg xmlns="http://www.w3.org/2000/svg">&big;</svg>',
         "entities"),
        (b'<!DOCTYPE svg [<!ATTLIST image href CDATA "/etc/p.png">]><svg/>', "DOCTYPE with declarations"),
        (b"<svg><rect></svg>", "well-formed"),
        (b"<html><svg/></html>", "not an SVG"),
        (b"<svg xmlns:xlink='http://www.w3.org/1999/xlink'><style>a { fill: url(x</style></svg>", "url("),
    ],
)  # fmt: skip
def test_what_cannot_be_checked_is_refused_with_a_reason(svg: bytes, reason: str) -> None:
    with pytest.raises(SvgRefused, match=re.escape(reason)):
        self_contained_svg(svg)


def test_a_plain_doctype_and_other_namespaces_are_dropped_not_refused() -> None:
    svg = (
        b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:i="http://www.inkscape.org/namespaces/inkscape" '
        b'xml:space="preserve"><i:namedview/><g i:label="L"><text>a &amp; b</text></g></svg>'
    )
    assert self_contained_svg(svg) == (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        b'xml:space="preserve"><g><text>a &amp; b</text></g></svg>'
    )
    # The outside DTD is never fetched: an entity it would define is simply skipped.
    skipped = self_contained_svg(b'<!DOCTYPE svg SYSTEM "http://evil/x.dtd"><svg>&x;</svg>')
    assert skipped.endswith(b'xlink"></svg>')


def test_svg_is_told_by_its_first_bytes() -> None:
    assert looks_like_svg(b'\xef\xbb\xbf<?xml version="1.0"?>\n<svg/>')
    assert looks_like_svg(b"  <svg xmlns='http://www.w3.org/2000/svg'/>")
    assert not looks_like_svg(b"\x89PNG\r\n")
    assert not looks_like_svg(b"\x1f\x8b\x08<svg")  # gzip: not drawn


def test_an_svg_is_previewed_as_a_picture_up_to_its_own_cap() -> None:
    assert plan_preview("logo.svg", 1000).kind == PreviewKind.IMAGE
    assert plan_preview("logo.svg", 1000).max_bytes == 1000
    too_big = plan_preview("map.svg", SVG_MAX_BYTES + 1)
    assert too_big.kind == PreviewKind.DETAILS
    assert "not drawn" in too_big.note
    assert plan_preview("no-extension", 10, "image/svg+xml").kind == PreviewKind.IMAGE
    assert plan_preview("logo.svgz", 10).kind == PreviewKind.DETAILS
    assert can_thumbnail("logo.svg", SVG_MAX_BYTES)
    assert not can_thumbnail("logo.svg", SVG_MAX_BYTES + 1)


def test_thumbnails_drawn_by_the_old_sanitiser_are_not_taken_from_the_cache() -> None:
    # The name the cache used before: such a thumbnail may show a file of this computer.
    old = hashlib.sha256("\n".join(("http://h", "b", "k.svg", "e1", "128")).encode("utf-8")).hexdigest()
    assert thumbnail_key("http://h", "b", "k.svg", "e1") != old
