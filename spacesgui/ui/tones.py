"""Colours that say good or bad, chosen for the palette in use so they stay legible.

Fixed colours read well on one background only: the red of an error on white is a
dark red that nearly vanishes on a dark window. These pick a light or a dark variant
by the window colour; each keeps at least 4.5:1 against its palette's background.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

# (on a light window, on a dark window)
ERROR = ("#b3261e", "#ff8a80")
SUCCESS = ("#1e7e34", "#7ee2a0")


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def tone(widget: QWidget, pair: tuple[str, str]) -> str:
    """The colour of `pair` for the palette `widget` paints with."""
    return pair[1] if is_dark(widget.palette()) else pair[0]


# How much of the text colour a hint keeps (the rest is the background). Qt's own
# PlaceholderText is text at half strength: 4:1 on white, under WCAG AA's 4.5:1.
HINT_STRENGTH = 0.65


def hint_colour(palette: QPalette, on: QPalette.ColorRole = QPalette.ColorRole.Window) -> QColor:
    """A quiet colour for hint text on `on` (Window or Base) that stays readable: AA contrast
    in light and dark palettes alike (palette(mid) is meant for bevels and all but vanishes
    on a dark window)."""
    text_role = QPalette.ColorRole.WindowText if on == QPalette.ColorRole.Window else QPalette.ColorRole.Text
    text, back = palette.color(text_role), palette.color(on)

    def mix(a: int, b: int) -> int:
        return round(a * HINT_STRENGTH + b * (1 - HINT_STRENGTH))

    return QColor(mix(text.red(), back.red()), mix(text.green(), back.green()), mix(text.blue(), back.blue()))


def placeholder_style(widget: QWidget, extra: str = "") -> str:
    """A style sheet for a hint label on the window background (see hint_colour)."""
    return f"color: {hint_colour(widget.palette()).name()}; {extra}".strip()
