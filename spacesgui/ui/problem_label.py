"""A label for what is wrong with what was typed: red that reads in light and dark palettes."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QDialog, QLabel, QWidget

from spacesgui.qtmodels.legible_colors import status_text

Role = QPalette.ColorRole


class ProblemLabel(QLabel):
    """Word-wrapped text in the palette's legible error red, worked out again when the palette
    changes (a colour fixed at start would vanish after a switch to a dark theme). Hidden
    while empty, so a form does not keep a blank line for it; in a dialog, the dialog grows
    to show a reason of several lines whole (a dialog keeps the height it opened with, and
    the end of the reason was cut off), and goes back when the reason is gone. GUI thread only.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self._applying = False
        self.growth = DialogGrowth(self)
        self._apply_colour()
        self.hide()

    def set_problem(self, text: str) -> None:
        if text:
            self.growth.mark()  # before the text and its line are laid out
        if text != self.text():
            self.setText(text)
        self.setVisible(bool(text))
        if text:
            QTimer.singleShot(0, self, self._fit_dialog)  # once the layout has the text; not if deleted
        else:
            self.growth.give_back()

    def _fit_dialog(self) -> None:
        if self.isVisible():
            self.growth.grow()

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
            colour = status_text(source, ok=False)
            palette = self.palette()
            if palette.color(Role.WindowText) != colour:
                palette.setColor(Role.WindowText, colour)
                self.setPalette(palette)
        finally:
            self._applying = False


def grow_to_fit(widget: QWidget) -> None:
    """Make the dialog holding `widget` tall enough for its layout at its width (a dialog
    keeps the height it opened with, and new lines of wrapped text were cut off)."""
    dialog = widget.window()
    layout = dialog.layout() if isinstance(dialog, QDialog) else None
    if layout is None:
        return
    layout.activate()
    width = dialog.width()
    needed = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else -1
    needed = max(needed, layout.totalMinimumSize().height())
    if needed > dialog.height():
        dialog.resize(width, needed)


class DialogGrowth:
    """Grows the dialog holding `widget` for its text (grow_to_fit), and gives the height back
    once the text is gone, unless the user has resized the dialog since (then it is theirs).

    The height to give back is marked before the text is set: the dialog's layout may raise
    the dialog's minimum height, and so its height, before `grow` runs (seen on loaded
    machines), and the height at `grow` would then already be the grown one.
    """

    def __init__(self, widget: QWidget) -> None:
        self._widget = widget
        self._before: int | None = None  # the dialog's height before the text came
        self._after: int | None = None  # its height once grown for the text

    def mark(self) -> None:
        """Remember the dialog's height now, before text that may grow it (once per growth)."""
        if self._before is None:
            self._before = self._widget.window().height()

    def grow(self) -> None:
        self.mark()
        grow_to_fit(self._widget)
        self._after = self._widget.window().height()

    def give_back(self) -> None:
        before, after = self._before, self._after
        self._before = self._after = None
        dialog = self._widget.window()
        if after is None:
            after = dialog.height()  # the text went before `grow` ran; the layout may have grown it
        if before is None or after == before or dialog.height() != after:
            return  # it never grew, or the user has resized it since
        layout = dialog.layout()
        if layout is not None:  # lower the minimum height the text had raised, or resize stops at it
            layout.invalidate()
            layout.activate()
        dialog.resize(dialog.width(), before)
