"""SVG bytes are cut down to what the file itself holds before anything draws them."""

from __future__ import annotations

from spacesgui.core.preview import PreviewKind, can_thumbnail, plan_preview
from spacesgui.core.svg_safety import SVG_MAX_BYTES, looks_like_svg, self_contained_svg


def test_outside_references_are_cut_and_inside_ones_kept() -> None:
    svg = (
        b'<!DOCTYPE svg [<!ENTITY big "xxxxxxxx">]><svg xmlns="http://www.w3.org/2000/svg" '
        b'xmlns:xlink="http://www.w3.org/1999/xlink"><style>@import url(http://evil/x.css); '
        b"rect { fill: url(https://evil/p.svg#g) }</style>"
        b'<image xlink:href="/etc/passwd.png"/><image href="data:image/png;base64,AAAA"/>'
        b'<use href="other.svg#a"></use><use href="#inside"/><a href="https://example.com">x</a>'
        b"<script>alert(1)</script><foreignObject><p>hi</p></foreignObject></svg>"
    )
    safe = self_contained_svg(svg)
    for gone in (b"ENTITY", b"DOCTYPE", b"evil", b"/etc/passwd", b"other.svg", b"example.com", b"script",
                 b"foreignObject", b"@import"):  # fmt: skip
        assert gone not in safe, gone
    assert b'href="data:image/png;base64,AAAA"' in safe
    assert b'<use href="#inside"/>' in safe
    assert b"fill: none" in safe


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
