"""Decode and encode pictures with Qt's image plugins, on a worker thread.

QImage and QImageReader are safe off the GUI thread (QPixmap is not): the services decode
here and hand the GUI a QImage, which it turns into a pixmap.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QImageReader


def decode_image(data: bytes, max_side: int) -> tuple[QImage, str]:
    """The picture in `data`, scaled while decoding to fit `max_side` × `max_side`.

    Returns (image, "") or (a null image, why it could not be read). Any thread.
    """
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
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


def encode_png(image: QImage) -> bytes:
    """`image` as PNG bytes (for the thumbnail cache). Any thread."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub says bytes; PySide6 takes str
    return bytes(buffer.data().data())
