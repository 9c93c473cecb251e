"""Light and dark palettes for GUI tests, and contrast measured on grabbed pixels (WCAG 2)."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication

from spacesgui.core.contrast import contrast_ratio

Role, Group = QPalette.ColorRole, QPalette.ColorGroup


# A dark palette as themes set it, every role given (the tests of the Transfers panel).
DARK_ROLES = {
    QPalette.ColorRole.Window: "#353535",
    QPalette.ColorRole.WindowText: "#f0f0f0",
    QPalette.ColorRole.Base: "#252525",
    QPalette.ColorRole.AlternateBase: "#303030",
    QPalette.ColorRole.Text: "#f0f0f0",
    QPalette.ColorRole.Button: "#353535",
    QPalette.ColorRole.ButtonText: "#f0f0f0",
    QPalette.ColorRole.Highlight: "#2a82da",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Mid: "#404040",
    QPalette.ColorRole.Dark: "#232323",
    QPalette.ColorRole.Light: "#505050",
    QPalette.ColorRole.Midlight: "#454545",
    QPalette.ColorRole.Shadow: "#141414",
    QPalette.ColorRole.PlaceholderText: "#8a8a8a",
}


def themed_palette(name: str) -> QPalette:
    """The style's own light palette, or a fully dark one ("dark")."""
    chosen = QApplication.style().standardPalette()
    if name == "dark":
        for role, colour in DARK_ROLES.items():
            chosen.setColor(role, QColor(colour))
    return chosen


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


def rgb(pixel: int) -> tuple[int, int, int]:
    colour = QColor.fromRgb(pixel)
    return colour.red(), colour.green(), colour.blue()


def pixels_near(image: QImage, colour: QColor, background: QColor) -> int:
    """How many pixels of `image` are mostly `colour` over `background`.

    Antialiasing rarely paints a thin sloped line's exact colour (a dashed one even less):
    a pixel counts when it lies within a quarter of the way from `colour` to `background`.
    """
    want = (colour.red(), colour.green(), colour.blue())
    reach = _distance(want, (background.red(), background.green(), background.blue())) / 4
    return sum(
        1
        for x in range(image.width())
        for y in range(image.height())
        if _distance(rgb(image.pixel(x, y)), want) <= reach
    )


def _distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    return float(sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) ** 0.5)


def text_contrast(image: QImage, area: QRect | None = None) -> tuple[float, tuple[int, int, int]]:
    """Contrast of the text painted in `area` of `image` against its background, and the text colour.

    The background is the commonest colour; the text is the colour farthest from it that
    covers a few pixels at least (a glyph's solid strokes, not a stray edge pixel).
    """
    area = area or image.rect()
    counts: Counter[int] = Counter(
        image.pixel(x, y)
        for y in range(area.top(), area.bottom() + 1)
        for x in range(area.left(), area.right() + 1)
    )
    background = rgb(counts.most_common(1)[0][0])
    solid = [rgb(p) for p, n in counts.items() if n >= 3] or [background]
    text = max(solid, key=lambda c: contrast_ratio(c, background))
    return contrast_ratio(text, background), text
