"""Colours taken from the palette and checked for contrast, so light and dark themes both read.

GUI thread only (palettes belong to it).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from spacesgui.core.contrast import GRAPHIC_CONTRAST, RGB, TEXT_CONTRAST, contrast_ratio, legible, mix

Role = QPalette.ColorRole
ERROR_HUE: RGB = (0xB3, 0x26, 0x1E)  # the hue a failure reads in; its lightness follows the palette
SUCCESS_HUE: RGB = (0x1E, 0x7E, 0x34)
MUTED = 0.4  # how far a hint moves from the text colour toward its background


def rgb(colour: QColor) -> RGB:
    return colour.red(), colour.green(), colour.blue()


def qcolor(value: RGB) -> QColor:
    return QColor(*value)


def error_text(palette: QPalette) -> QColor:
    """Red text that reads on a view's rows (base and alternate) in this palette."""
    backgrounds = [rgb(palette.color(Role.Base)), rgb(palette.color(Role.AlternateBase))]
    return qcolor(legible(ERROR_HUE, rgb(palette.color(Role.Text)), backgrounds))


def status_text(palette: QPalette, ok: bool, background: Role = Role.Window) -> QColor:
    """Green (ok) or red text that reads on `background` (a dialog's window, say)."""
    bg = rgb(palette.color(background))
    return qcolor(legible(SUCCESS_HUE if ok else ERROR_HUE, rgb(palette.color(Role.WindowText)), [bg]))


def muted_text(palette: QPalette, text: Role = Role.WindowText, background: Role = Role.Window) -> QColor:
    """A quieter text colour (for hints) that still reaches WCAG AA on `background`."""
    fg, bg = rgb(palette.color(text)), rgb(palette.color(background))
    return qcolor(legible(mix(fg, bg, MUTED), fg, [bg]))


def muted_row_text(palette: QPalette) -> QColor:
    """Greyed text for a view's rows (deleted files) that still reads on Base and AlternateBase."""
    fg = rgb(palette.color(Role.Text))
    backgrounds = [rgb(palette.color(Role.Base)), rgb(palette.color(Role.AlternateBase))]
    return qcolor(legible(mix(fg, backgrounds[0], MUTED), fg, backgrounds))


def line_colour(palette: QPalette, role: Role, background: Role = Role.Base) -> QColor:
    """The palette's `role` colour, moved toward the text colour until it stands out as a line."""
    bg = rgb(palette.color(background))
    return qcolor(legible(rgb(palette.color(role)), rgb(palette.color(Role.Text)), [bg], GRAPHIC_CONTRAST))


def text_colour(palette: QPalette, background: Role = Role.Base) -> QColor:
    """Secondary text on a view (scale labels): muted, but legible on `background`."""
    return muted_text(palette, Role.Text, background)


__all__ = [
    "TEXT_CONTRAST", "error_text", "line_colour", "muted_row_text", "muted_text", "qcolor", "rgb", "status_text", "text_colour",
]  # fmt: skip


def unfocused_selection(palette: QPalette) -> tuple[QColor, QColor]:
    """(fill, text) of selected rows in a view that does not have the keyboard: a grey
    between the rows' background and their text, with their own text colour on it.

    The lightest such grey on which the text reaches AA and the icons, which a selected row
    paints in the application's HighlightedText (white in most themes), reach 3:1: the
    first, lighter grey left white icons at 1.6:1 on a light theme (the review caught it).
    """
    text, base = rgb(palette.color(Role.Text)), rgb(palette.color(Role.Base))
    icons = rgb(palette.color(Role.HighlightedText))
    fill = mix(text, base, 0.8)
    for step in range(20, 70, 5):
        fill = mix(base, text, step / 100)
        if contrast_ratio(text, fill) >= TEXT_CONTRAST and contrast_ratio(icons, fill) >= GRAPHIC_CONTRAST:
            break
    return qcolor(fill), qcolor(text)
