"""A drawing never shows a file of this computer it points to, however the reference is written.

Each drawing below points, one way or another, at a sentinel on this computer (a green
picture, a style sheet painting green, a green SVG). QtSvg alone follows many of them (the
control test shows it does for the bypasses found in review); the preview must draw the
drawing's own red (or refuse it with a reason), never green.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from spacesgui.services.image_decode import decode_image, encode_png

RED, GREEN = QColor("#dc1414"), QColor("#00ff00")
OPEN = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    b'width="100" height="100"><rect width="100" height="100" fill="#dc1414"/>'
)
SIZE = b'width="100" height="100"'


class Sentinels:
    """Green things on this computer a drawing may try to reach."""

    def __init__(self, folder: Path) -> None:
        green = QImage(10, 10, QImage.Format.Format_RGB32)
        green.fill(GREEN)
        self.picture = folder / "green.png"
        assert green.save(str(self.picture))
        # QtSvg reads an <image> href that is not data: as a file name, `#green` too (from the
        # working folder): the tests run from `folder`.
        assert green.save(str(folder / "#green"), "PNG")
        self.sheet = folder / "green.css"
        self.sheet.write_text("rect { fill: #00ff00 }", encoding="utf-8")
        self.drawing = folder / "green.svg"
        self.drawing.write_bytes(
            b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
            b'<rect id="g" width="100" height="100" fill="#00ff00"/></svg>'
        )

    def nested(self) -> bytes:
        """An SVG that draws the green picture: what a data: URL may carry inside."""
        return OPEN + b"<image " + SIZE + b' href="' + bytes(self.picture) + b'"/></svg>'


def _image(attributes: bytes) -> bytes:
    return OPEN + b"<image " + SIZE + b" " + attributes + b"/></svg>"


def _stylesheet(pseudo_attributes: bytes) -> bytes:
    # The rect has no fill of its own, so a style sheet that is read paints it.
    return (
        b"<?xml-stylesheet " + pseudo_attributes + b'?><svg xmlns="http://www.w3.org/2000/svg" '
        b'width="100" height="100"><rect width="100" height="100"/></svg>'
    )


Build = Callable[[Sentinels], bytes]
# (how the drawing points outside, the drawing)
ATTACKS: list[tuple[str, Build]] = [
    # Review finding 2a: the regex saw `#` inside another attribute's value; XML saw the path.
    ("quote trick, href", lambda s: _image(b"foo=\"href='#\" href=\"" + bytes(s.picture) + b"\" y=\"'\"")),
    ("quote trick, xlink:href", lambda s: _image(b"foo=\"xlink:href='#\" xlink:href=\"" + bytes(s.picture) + b"\" y=\"'\"")),
    # Review finding 2b: an SVG inside a data: URL was never looked at.
    ("nested svg", lambda s: _image(b'href="data:image/svg+xml;base64,' + base64.b64encode(s.nested()) + b'"')),
    ("nested svg, xlink", lambda s: _image(b'xlink:href="data:image/svg+xml;base64,' + base64.b64encode(s.nested()) + b'"')),
    ("nested svg labelled png", lambda s: _image(b'href="data:image/png;base64,' + base64.b64encode(s.nested()) + b'"')),
    # QtSvg reads the CSS file an xml-stylesheet instruction names; the regex missed these two.
    ("stylesheet, xhref", lambda s: _stylesheet(b'type="text/css" xhref="' + bytes(s.sheet) + b'"')),
    ("stylesheet, quote trick", lambda s: _stylesheet(b"type=\"text/css\" title=\"href='#\" href=\"" + bytes(s.sheet) + b"\" t=\"'\"")),
    ("stylesheet", lambda s: _stylesheet(b'type="text/css" href="' + bytes(s.sheet) + b'"')),
    ("image href naming a fragment", lambda s: _image(b'href="#green"')),
    ("plain path", lambda s: _image(b'href="' + bytes(s.picture) + b'"')),
    ("file uri, xlink", lambda s: _image(b'xlink:href="' + s.picture.as_uri().encode() + b'"')),
    ("xlink prefix bound elsewhere", lambda s: _image(b'xlink:href="' + bytes(s.picture) + b'"').replace(
        b"http://www.w3.org/1999/xlink", b"urn:not-xlink")),
    ("other prefix for xlink", lambda s: _image(b'xmlns:l="http://www.w3.org/1999/xlink" l:href="' + bytes(s.picture) + b'"')),
    ("upper case", lambda s: OPEN + b"<IMAGE " + SIZE + b' HREF="' + bytes(s.picture) + b'"/></svg>'),
    ("prefixed svg elements", lambda s: (
        b'<?xml version="1.0"?><s:svg xmlns:s="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        b'width="100" height="100"><s:rect width="100" height="100" fill="#dc1414"/><s:image ' + SIZE
        + b' xlink:href="' + bytes(s.picture) + b'"/></s:svg>')),
    ("image in another namespace", lambda s: OPEN + b'<x:image xmlns:x="urn:x" ' + SIZE + b' href="'
        + bytes(s.picture) + b'"/></svg>'),
    ("use of a file", lambda s: OPEN + b'<use href="' + bytes(s.drawing) + b'#g"/></svg>'),
    ("use of a file uri", lambda s: OPEN + b'<use xlink:href="' + s.drawing.as_uri().encode() + b'#g"/></svg>'),
    ("set href while playing", lambda s: OPEN + b"<image " + SIZE + b' href="#x"><set attributeName="xlink:href" to="'
        + bytes(s.picture) + b'"/></image></svg>'),
    ("style attribute url", lambda s: OPEN + b'<rect width="100" height="100" style="fill: url(&quot;'
        + bytes(s.drawing) + b'#g&quot;)"/></svg>'),
    ("style element import and url", lambda s: OPEN[:-len(b'<rect width="100" height="100" fill="#dc1414"/>')]
        + b"<style><![CDATA[@import url(" + bytes(s.sheet) + b'); @import "' + bytes(s.sheet)
        + b'"; rect { fill: u\\72l(' + bytes(s.drawing) + b"#g) }]]></style>"
        + b'<rect width="100" height="100" fill="#dc1414"/></svg>'),
    ("entity expanding to a path", lambda s: b'<!DOCTYPE svg [<!ENTITY p "' + bytes(s.picture) + b'">]>'
        + _image(b'href="&p;"')),
]  # fmt: skip


@pytest.mark.parametrize(("how", "build"), ATTACKS, ids=[how for how, _ in ATTACKS])
def test_a_drawing_never_draws_what_it_points_to_on_this_computer(
    qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, build: Build
) -> None:
    monkeypatch.chdir(tmp_path)
    drawing = build(Sentinels(tmp_path))
    image, why = decode_image(drawing, 100)
    if image.isNull():  # refused: the user is told why
        assert why.startswith("This drawing is not drawn, for safety:"), why
        assert how == "entity expanding to a path"
        return
    colours = {image.pixelColor(x, y).name() for x in range(0, 100, 5) for y in range(0, 100, 5)}
    assert GREEN.name() not in colours, how
    assert colours <= {RED.name(), "#000000"}, colours  # its own red (black: the rect left unfilled)


@pytest.mark.parametrize(
    "how",
    ["quote trick, href", "nested svg labelled png", "stylesheet, xhref", "xlink prefix bound elsewhere"],
)
def test_qtsvg_alone_would_draw_the_sentinel(qapp: object, tmp_path: Path, how: str) -> None:
    """Control: the attacks above are real on this Qt, so their tests can fail."""
    drawing = dict(ATTACKS)[how](Sentinels(tmp_path))
    renderer = QSvgRenderer()
    assert renderer.load(QByteArray(drawing))
    image = QImage(100, 100, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, 100, 100))
    painter.end()
    assert image.pixelColor(50, 50) == GREEN


def test_an_svg_drawn_from_the_file_itself_keeps_its_inside_references(qapp: object) -> None:
    red = QImage(4, 4, QImage.Format.Format_RGB32)
    red.fill(RED)
    inline = encode_png(red)
    drawing = (
        b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        b'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="300" height="100">'
        b'<defs><linearGradient id="b"><stop offset="0" stop-color="#1414dc"/></linearGradient>'
        b'<rect id="r" width="100" height="100"/></defs>'
        b"<style>.g { fill: url(#b) }</style>"
        b'<image width="100" height="100" xlink:href="data:image/png;base64,\n'
        + base64.encodebytes(inline)
        + b'"/>'
        b'<use x="100" href="#r" class="g" inkscape:label="a"/>'
        b'<rect x="200" width="100" height="100" fill="url(#b)"/></svg>'
    )
    image, why = decode_image(drawing, 300)
    assert why == ""
    assert image.pixelColor(50, 50) == RED  # the inline picture
    assert image.pixelColor(150, 50) == QColor("#1414dc")  # <use> of #r, filled by CSS url(#b)
    assert image.pixelColor(250, 50) == QColor("#1414dc")  # fill="url(#b)"
