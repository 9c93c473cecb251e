"""What an SVG may point to when drawn for a preview: only itself and inline pictures. Pure Python.

The rules `svg_safety` applies to every reference it finds, by kind:
- an `href` may name a fragment of the same document (`#id`) — except on `<image>` (and
  `<feImage>`), where QtSvg reads anything not starting with `data` as a file name, so `#id`
  would read a file called that;
- an `<image>` may hold a raster picture inline (`data:image/png|jpeg|gif|webp;base64,…`) whose
  bytes really are that picture: QtSvg hands the decoded bytes to QImage::fromData, which goes by
  the bytes, not the label, so an SVG labelled `image/png` would be drawn unsanitised;
- CSS (a `<style>` element, a `style` attribute, any presentation attribute) may use `url(#id)`;
  any other `url(…)` becomes `none` and `@import` rules go.
"""

from __future__ import annotations

import base64
import binascii
import re

# A same-document reference. Stricter than XML names allow on purpose: anything odder is cut.
_FRAGMENT = re.compile(r"#[\w.:-]+")
_DATA_URL = re.compile(
    r"data:image/(png|jpeg|jpg|gif|webp)(?:;[\w.+-]+=[\w.+-]+)*;base64,([A-Za-z0-9+/=\s]*)",
    re.IGNORECASE,
)
# What Qt's SVG image plugin looks for in the first bytes to claim a picture as its own.
_SVG_MARKERS = (b"<?xml", b"<svg", b"<!--", b"<!doctype")

_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)
_CSS_URL = re.compile(r"""(?:url|src)\s*\(\s*(?:"([^"]*)"|'([^']*)'|([^\s"'()]*))\s*\)""", re.IGNORECASE)
_CSS_ANY_URL = re.compile(r"(?:url|src)\s*\(", re.IGNORECASE)
_CSS_KEPT_URL = re.compile(r"url\(#[\w.:-]+\)")
_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.IGNORECASE)


class UncheckableReference(ValueError):
    """A reference written so that what it points to cannot be told: the drawing is not drawn."""


def kept_fragment(value: str) -> str | None:
    """`value` when it names a fragment of the same document (`#id`), else None."""
    value = value.strip()
    return value if _FRAGMENT.fullmatch(value) else None


def kept_raster_data_url(value: str) -> str | None:
    """`value` re-encoded when it is an inline PNG, JPEG, GIF or WebP whose bytes are one, else None."""
    match = _DATA_URL.fullmatch(value.strip())
    if match is None:
        return None
    try:
        raw = base64.b64decode(re.sub(r"\s+", "", match.group(2)), validate=True)
    except (binascii.Error, ValueError):
        return None
    kind = raster_kind(raw)
    return None if kind is None else f"data:{kind};base64,{base64.b64encode(raw).decode('ascii')}"


def raster_kind(raw: bytes) -> str | None:
    """The media type of the raster picture `raw` starts as (PNG, JPEG, GIF, WebP), else None.

    Bytes that also carry what makes Qt take them for an SVG are None too.
    """
    head = raw[:64].lower()
    if any(marker in head for marker in _SVG_MARKERS):
        return None
    if raw.startswith(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"):
        return "image/png"
    if raw.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if raw.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if raw.startswith(b"RIFF") and raw[8:12] == b"WEBP":
        return "image/webp"
    return None


def safe_css(text: str) -> str:
    """CSS `text` with every `url(…)` not naming a fragment made `none` and every `@import` cut.

    Escapes and comments go first (Qt's CSS reader honours both, so `u\\72l(` or
    `@imp/**/ort` could otherwise hide from the checks below). Raises UncheckableReference
    when a `url(` is left whose end cannot be told.
    """
    text = _CSS_COMMENT.sub(" ", text.replace("\\", ""))
    text = _CSS_URL.sub(_css_url, text)
    while (cut := _CSS_IMPORT.sub("", text)) != text:
        text = cut
    kept = {m.start() for m in _CSS_KEPT_URL.finditer(text)}
    if any(m.start() not in kept for m in _CSS_ANY_URL.finditer(text)):
        raise UncheckableReference("It has a style with a url( the preview cannot read to its end.")
    return text


def _css_url(match: re.Match[str]) -> str:
    target = next((g for g in match.groups() if g is not None), "")
    kept = kept_fragment(target)
    return "none" if kept is None else f"url({kept})"
