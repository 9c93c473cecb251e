"""SVG files made safe to draw: no reference outside the file is ever followed. Pure Python.

An SVG is a document that may point elsewhere: `<image href="file:///…">`, `xlink:href`
to another file, CSS `url(…)` and `@import`, and XML entities (declared in a DOCTYPE) that
expand to megabytes. A preview draws what the file itself holds, nothing more, so before
QtSvg sees the bytes every such reference is cut: only in-document fragments (`#id`) and
inline `data:image/…` pictures stay. Scripts are never run by QtSvg; they are dropped too.
"""

from __future__ import annotations

import re

# An SVG bigger than this is a details card, not a drawing: the bytes are read whole and
# parsed on a worker thread, and a 2 MiB drawing is already a very detailed one.
SVG_MAX_BYTES = 2 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"

_DOCTYPE = re.compile(rb"<!DOCTYPE(?:[^\[>]*\[.*?\])?[^>]*>", re.IGNORECASE | re.DOTALL)
_ENTITY = re.compile(rb"<!ENTITY.*?>", re.IGNORECASE | re.DOTALL)
_SCRIPT = re.compile(rb"<script\b.*?(?:</script\s*>|/>)", re.IGNORECASE | re.DOTALL)
_FOREIGN = re.compile(rb"<foreignObject\b.*?(?:</foreignObject\s*>|/>)", re.IGNORECASE | re.DOTALL)
_HREF = re.compile(rb"""(\b(?:xlink:)?href\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_URL = re.compile(rb"""url\(\s*(["']?)(.*?)\1\s*\)""", re.IGNORECASE | re.DOTALL)
_IMPORT = re.compile(rb"@import[^;]*;?", re.IGNORECASE)
# Elements that draw what their href points to: with an outside href they draw nothing, so
# they go whole (an element left with no href makes QtSvg warn on every draw).
_POINTING = re.compile(rb"<(image|use|feImage)\b[^>]*?(?:/>|>.*?</\1\s*>)", re.IGNORECASE | re.DOTALL)


def looks_like_svg(data: bytes) -> bool:
    """Whether `data` is an SVG document (or a gzipped one: .svgz), judged by its first bytes."""
    if data.startswith(_GZIP_MAGIC):
        return False  # a compressed file says nothing of itself; see is_svgz
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<svg") or (
        head.startswith((b"<?xml", b"<!--", b"<!doctype")) and b"<svg" in head
    )


def _kept(target: bytes) -> bool:
    target = target.strip().lower()
    return target.startswith(b"#") or target.startswith(b"data:image/")


def _points_inside(element: bytes) -> bool:
    return all(_kept(m.group(3)) for m in _HREF.finditer(element))


def self_contained_svg(data: bytes) -> bytes:
    """`data` with every reference outside the document cut (see the module docstring).

    A cut `href` is taken off its element, which is then drawn as it would be were the
    outside file missing; a cut CSS `url(…)` becomes `none`.
    """
    data = _DOCTYPE.sub(b"", data)
    data = _ENTITY.sub(b"", data)
    data = _SCRIPT.sub(b"", data)
    data = _FOREIGN.sub(b"", data)
    data = _IMPORT.sub(b"", data)
    data = _POINTING.sub(lambda m: m.group(0) if _points_inside(m.group(0)) else b"", data)
    data = _HREF.sub(lambda m: m.group(0) if _kept(m.group(3)) else b"", data)
    return _URL.sub(lambda m: m.group(0) if _kept(m.group(2)) else b"none", data)
