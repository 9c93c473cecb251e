"""SVG files made safe to draw: no reference outside the file is ever followed. Pure Python.

An SVG is a document that may point elsewhere: `<image href="file:///…">`, `xlink:href` to
another file, `<?xml-stylesheet href="…"?>` (QtSvg reads that CSS file), CSS `url(…)` and
`@import`, inline SVGs in `data:` URLs (drawn by Qt with no check at all), and XML entities
that expand to megabytes. A preview draws what the file itself holds, nothing more.

So the bytes are parsed by a real XML parser (expat) and a new document is written from what
it reports — the original bytes never reach QtSvg. Only elements of the SVG namespace (or of
none) and plain attributes are written; every `href` (any prefix, any case) is checked by the
rules in `svg_references`; scripts, foreign objects, event attributes, processing instructions
and comments are dropped. A file that declares entities, is not well-formed, or holds a
reference that cannot be checked is refused whole (`SvgRefused`): the preview shows a card.
"""

from __future__ import annotations

from xml.parsers import expat

from spacesgui.core.svg_references import (
    UncheckableReference,
    kept_fragment,
    kept_raster_data_url,
    safe_css,
)

# An SVG bigger than this is a details card, not a drawing: the bytes are read whole and
# parsed on a worker thread, and a 2 MiB drawing is already a very detailed one.
SVG_MAX_BYTES = 2 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_XML_NS = "http://www.w3.org/XML/1998/namespace"
_SEP = " "  # expat reports `uri local`; a space is in no URI and no XML name

# Dropped with all they hold: they run code, show other documents, or play media.
_DROPPED = frozenset(
    {"script", "foreignobject", "handler", "listener", "iframe", "audio", "video", "animation", "prefetch"}
)
# They draw only what their href points to: without a kept href they go whole (an element
# left with no href makes QtSvg warn on every draw).
_POINTING = frozenset({"image", "use", "feimage"})
# They take their href for a picture to read: only an inline raster one is kept.
_PICTURES = frozenset({"image", "feimage"})
# Animations could set an href to an outside file while the drawing plays.
_ANIMATING = frozenset({"set", "animate", "animatecolor", "animatemotion", "animatetransform"})


class SvgRefused(ValueError):
    """Why a drawing is not drawn at all, in words for the user."""


def looks_like_svg(data: bytes) -> bool:
    """Whether `data` is an SVG document (or a gzipped one: .svgz), judged by its first bytes."""
    if data.startswith(_GZIP_MAGIC):
        return False  # a compressed file says nothing of itself; see is_svgz
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<svg") or (
        head.startswith((b"<?xml", b"<!--", b"<!doctype")) and b"<svg" in head
    )


def self_contained_svg(data: bytes) -> bytes:
    """A new SVG document written from `data` with every reference outside it cut (module docstring).

    A cut `href` is taken off its element (which is then drawn as it would be were the outside
    file missing); a cut CSS `url(…)` becomes `none`. Raises SvgRefused with the reason when
    the drawing must not be drawn at all. Any thread.
    """
    writer = _Writer()
    parser = expat.ParserCreate(namespace_separator=_SEP)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.ordered_attributes = True
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _doctype
    parser.EntityDeclHandler = _entity
    parser.ExternalEntityRefHandler = _external_entity
    parser.StartElementHandler = writer.start
    parser.EndElementHandler = writer.end
    parser.CharacterDataHandler = writer.text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        reason = expat.ErrorString(error.code) or "unreadable"
        raise SvgRefused(f"It is not well-formed XML (line {error.lineno}: {reason}).") from None
    except UncheckableReference as error:
        raise SvgRefused(str(error)) from None
    return writer.document()


def _doctype(_name: str, _system: str | None, _public: str | None, internal_subset: int) -> None:
    # A bare `<!DOCTYPE svg PUBLIC …>` (Inkscape, old exports) is harmless: expat never fetches
    # it and it is not written out. Declarations inside one are what entity bombs are made of.
    if internal_subset:
        raise SvgRefused("It declares its own XML entities or attributes (a DOCTYPE with declarations).")


def _entity(*_args: object) -> None:
    raise SvgRefused("It declares its own XML entities.")


def _external_entity(*_args: object) -> int:
    raise SvgRefused("It refers to an outside XML entity.")


def _split(name: str) -> tuple[str, str]:
    uri, _, local = name.rpartition(_SEP)
    return uri, local


def _escape(text: str, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote:  # character references keep tabs and line ends an attribute value holds
        text = text.replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;")
    return text


class _Writer:
    """Writes the safe document as expat reports the original, element by element.

    No recursion (a deeply nested file cannot exhaust the stack): `_open` holds the names of
    the written elements still open, `_skipping` the depth inside a dropped one.
    """

    def __init__(self) -> None:
        self._out: list[str] = []
        self._open: list[str] = []
        self._skipping = 0
        self._style: list[str] | None = None  # text of the <style> being read

    def document(self) -> bytes:
        return "".join(self._out).encode("utf-8")

    def start(self, name: str, flat: list[str]) -> None:
        if self._skipping or self._style is not None:
            self._skipping += 1
            return
        uri, local = _split(name)
        low = local.lower()
        if not self._open and (uri not in ("", SVG_NS) or low != "svg"):
            raise SvgRefused("It is not an SVG drawing (its outer element is not <svg>).")
        attributes = _safe_attributes(low, list(zip(flat[::2], flat[1::2], strict=True)))
        if (
            uri not in ("", SVG_NS)
            or low in _DROPPED
            or _points_outside(low, attributes)
            or _animates_href(low, attributes)
        ):
            self._skipping = 1
            return
        if not self._open:
            attributes = [("xmlns", SVG_NS), ("xmlns:xlink", XLINK_NS), *attributes]
        self._out.append(f"<{local}")
        self._out.extend(f' {key}="{_escape(value, quote=True)}"' for key, value in attributes)
        self._out.append(">")
        self._open.append(local)
        if low == "style":
            self._style = []

    def end(self, _name: str) -> None:
        if self._skipping:
            self._skipping -= 1
            return
        if self._style is not None:
            self._out.append(_escape(safe_css("".join(self._style))))
            self._style = None
        self._out.append(f"</{self._open.pop()}>")

    def text(self, data: str) -> None:
        if self._skipping or not self._open:
            return
        if self._style is not None:
            self._style.append(data)
        else:
            self._out.append(_escape(data))


def _safe_attributes(element: str, attributes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The attributes of `element` (lower-case local name) that may be written, as written."""
    kept: list[tuple[str, str]] = []
    for name, value in attributes:
        uri, local = _split(name)
        low = local.lower()
        if low.startswith("on"):  # onload, onclick…: events, never run here
            continue
        if low == "href":
            target = kept_raster_data_url(value) if element in _PICTURES else kept_fragment(value)
            if target is not None and local == "href" and uri in ("", XLINK_NS):
                kept.append(("xlink:href" if uri else "href", target))
        elif uri == _XML_NS and local == "space":
            kept.append(("xml:space", value))
        elif not uri:
            kept.append((local, safe_css(value) if low == "style" or "(" in value else value))
    return kept


def _points_outside(element: str, attributes: list[tuple[str, str]]) -> bool:
    return element in _POINTING and not any(key.endswith("href") for key, _ in attributes)


def _animates_href(element: str, attributes: list[tuple[str, str]]) -> bool:
    if element not in _ANIMATING:
        return False
    target = dict(attributes).get("attributeName", "")
    return target.rpartition(":")[2].strip().lower() == "href"
