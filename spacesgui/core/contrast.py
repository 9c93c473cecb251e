"""Colour contrast as WCAG 2 measures it, and a way to nudge a colour until it is legible.

Pure arithmetic on (red, green, blue) tuples of 0..255, so the rule that picks a
colour and the test that measures painted pixels share one definition.
"""

from __future__ import annotations

RGB = tuple[int, int, int]

TEXT_CONTRAST = 4.5  # WCAG AA for body text
GRAPHIC_CONTRAST = 3.0  # WCAG AA for lines and other non-text marks
STEPS = 20  # how finely legible() walks towards the text colour


def _channel(value: int) -> float:
    c = max(0, min(255, value)) / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    """Relative luminance, 0 (black) .. 1 (white)."""
    r, g, b = (_channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two colours: 1 (the same) .. 21 (black on white)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: RGB, b: RGB, amount: float) -> RGB:
    """`a` moved `amount` (0..1) of the way to `b`."""
    t = max(0.0, min(1.0, amount))
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def legible(colour: RGB, toward: RGB, backgrounds: list[RGB], minimum: float = TEXT_CONTRAST) -> RGB:
    """`colour`, moved toward `toward` (the palette's text colour) just enough to reach `minimum`.

    The contrast must hold against every one of `backgrounds` (a view's base and its
    alternate rows). When even `toward` falls short, `toward` is the best there is.
    """
    for step in range(STEPS + 1):
        candidate = mix(colour, toward, step / STEPS)
        if all(contrast_ratio(candidate, bg) >= minimum for bg in backgrounds):
            return candidate
    return toward
