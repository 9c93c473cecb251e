"""Light and dark palettes for GUI tests, and contrast measured on grabbed pixels (WCAG 2)."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPalette

Role, Group = QPalette.ColorRole, QPalette.ColorGroup


def light_palette() -> QPalette:
    palette = QPalette(QColor("#efefef"))  # Qt works out the other roles from the button colour
    for role, colour in ((Role.WindowText, "#1a1a1a"), (Role.Text, "#1a1a1a"), (Role.Base, "#ffffff")):
        palette.setColor(role, QColor(colour))
    return palette


def dark_palette() -> QPalette:
    palette = QPalette(QColor("#353535"))
    for role, colour in (
        (Role.Window, "#2b2b2b"),
        (Role.WindowText, "#e6e6e6"),
        (Role.Text, "#e6e6e6"),
        (Role.Base, "#1e1e1e"),
        (Role.AlternateBase, "#262626"),
        (Role.ButtonText, "#e6e6e6"),
    ):
        palette.setColor(role, QColor(colour))
    palette.setColor(Group.Disabled, Role.WindowText, QColor("#7a7a7a"))
    return palette


def relative_luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance (sRGB channels linearised)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) + 0.0722 * linear(colour.blueF())


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_contrast(image: QImage, area: QRect | None = None) -> float:
    """The contrast of the text painted in `area` of `image` against its background.

    The background is the most common colour; the text is the pixel that differs from it
    most (the core of a glyph, not its anti-aliased edge).
    """
    area = area or image.rect()
    counts: Counter[int] = Counter(
        image.pixel(x, y)
        for y in range(area.top(), area.bottom() + 1)
        for x in range(area.left(), area.right() + 1)
    )
    background = QColor.fromRgb(counts.most_common(1)[0][0])
    return max((contrast(QColor.fromRgb(rgb), background) for rgb in counts), default=1.0)
