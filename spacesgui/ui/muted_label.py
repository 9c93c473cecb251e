"""A label in a quieter colour that still reads: the panel's empty-state hint, the header summary."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from spacesgui.qtmodels.legible_colors import muted_text

Role = QPalette.ColorRole


class MutedLabel(QLabel):
    """WindowText moved toward Window, but never below WCAG AA contrast, in any palette.

    A fixed grey (or `palette(mid)`) vanishes in a dark theme; this colour is worked out
    again whenever the palette changes. GUI thread only.
    """

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._applying = False
        self._apply_colour()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.ApplicationPaletteChange,
            QEvent.Type.ParentChange,
        ):
            self._apply_colour()

    def _apply_colour(self) -> None:
        if self._applying:
            return  # setPalette below sends a PaletteChange of its own
        self._applying = True
        try:
            parent = self.parentWidget()
            source = parent.palette() if parent is not None else QPalette()
            palette = self.palette()
            colour = muted_text(source)
            if palette.color(Role.WindowText) != colour or palette.color(Role.Window) != source.color(
                Role.Window
            ):
                palette.setColor(Role.WindowText, colour)
                palette.setColor(Role.Window, source.color(Role.Window))
                self.setPalette(palette)
        finally:
            self._applying = False
