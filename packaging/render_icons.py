"""Render resources/app/spacesgui.svg to the PNG sizes, .ico and .icns the packages need.

Run from the repository root after changing the SVG, and commit what it writes:

    uv run python packaging/render_icons.py

Qt's QSvgRenderer draws each PNG at its own size; the .ico (PNG-compressed entries, Windows
Vista and later) and the .icns (PNG-based types, macOS 10.7 and later) are written here from
those PNGs, so no other tool is needed.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
APP_DIR = ROOT / "resources" / "app"
SVG = APP_DIR / "spacesgui.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# icns type codes for PNG payloads, by pixel size (a size may serve as @1x and @2x).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    from PySide6.QtCore import QBuffer, QIODevice

    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICO container whose entries are PNGs (a width/height byte of 0 means 256)."""
    header = struct.pack("<HHH", 0, 1, len(ICO_SIZES))
    offset = 6 + 16 * len(ICO_SIZES)
    entries = b""
    payload = b""
    for size in ICO_SIZES:
        png = pngs[size]
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(payload))
        payload += png
    return header + entries + payload


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    body = b"".join(struct.pack(">4sI", code, 8 + len(pngs[size])) + pngs[size] for code, size in ICNS_TYPES)
    return struct.pack(">4sI", b"icns", 8 + len(body)) + body


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"cannot read {SVG.name}", file=sys.stderr)
        return 1
    pngs = {size: render_png(renderer, size) for size in PNG_SIZES}
    for size, png in pngs.items():
        (APP_DIR / f"spacesgui-{size}.png").write_bytes(png)
    (APP_DIR / "spacesgui.ico").write_bytes(ico_bytes(pngs))
    (APP_DIR / "spacesgui.icns").write_bytes(icns_bytes(pngs))
    print(f"wrote {len(pngs)} PNGs, spacesgui.ico and spacesgui.icns to resources/app")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
