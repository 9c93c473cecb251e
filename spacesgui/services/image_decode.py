"""Decode and encode pictures with Qt's image plugins, on a worker thread.

QImage and QImageReader are safe off the GUI thread (QPixmap is not): the services decode
here and hand the GUI a QImage, which it turns into a pixmap.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QImageReader, QPainter
from PySide6.QtSvg import QSvgRenderer, QtSvg

from spacesgui.core.svg_safety import SVG_MAX_BYTES, SvgRefused, looks_like_svg, self_contained_svg

# A drawing with no size of its own (no width/height, no viewBox) is drawn this big.
SVG_FALLBACK_SIDE = 512


def decode_image(data: bytes, max_side: int) -> tuple[QImage, str]:
    """The picture in `data`, scaled while decoding to fit `max_side` × `max_side`.

    Returns (image, "") or (a null image, why it could not be read). Any thread.
    An SVG is drawn by QtSvg from its self-contained part only (see core/svg_safety.py),
    never by Qt's image plugin, which would follow what it points to.
    """
    if looks_like_svg(data) or data.lstrip().lower().startswith(b"<?xml"):
        return render_svg(data, max_side)
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    plugin = bytes(reader.format().data()).lower()
    if plugin == b"svgz":  # gzipped: what it holds once inflated is not known before
        return QImage(), "Compressed drawings (.svgz) are not shown."
    if plugin == b"svg":  # an SVG the sniffing above missed: never through the plugin
        return render_svg(data, max_side)
    reader.setAutoTransform(True)  # EXIF orientation, as cameras mean it
    size = reader.size()
    if size.isValid() and max(size.width(), size.height()) > max_side:
        reader.setScaledSize(size.scaled(QSize(max_side, max_side), Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return QImage(), reader.errorString() or "The picture could not be read."
    if max(image.width(), image.height()) > max_side:  # formats that cannot scale while reading
        image = image.scaled(
            max_side, max_side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    return image, ""


def render_svg(data: bytes, max_side: int) -> tuple[QImage, str]:
    """The SVG in `data` drawn to fit `max_side` × `max_side`, on a transparent ground. Any thread."""
    if len(data) > SVG_MAX_BYTES:
        return QImage(), f"The drawing is larger than {SVG_MAX_BYTES // (1024 * 1024)} MB."
    try:
        safe = self_contained_svg(data)
    except SvgRefused as refused:
        return QImage(), f"This drawing is not drawn, for safety: {refused}"
    renderer = QSvgRenderer()
    renderer.setOptions(QtSvg.Option.DisableAnimations)
    if not renderer.load(QByteArray(safe)) or not renderer.isValid():
        return QImage(), "This is not an SVG drawing Qt can read."
    size = renderer.defaultSize()
    if size.isEmpty():
        size = QSize(SVG_FALLBACK_SIDE, SVG_FALLBACK_SIDE)
    size = size.scaled(QSize(max_side, max_side), Qt.AspectRatioMode.KeepAspectRatio)
    image = QImage(max(1, size.width()), max(1, size.height()), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
    finally:
        painter.end()
    return image, ""


def encode_png(image: QImage) -> bytes:
    """`image` as PNG bytes (for the thumbnail cache). Any thread."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub says bytes; PySide6 takes str
    return bytes(buffer.data().data())
