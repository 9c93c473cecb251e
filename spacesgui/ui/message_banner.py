"""An inline message above the object view: what went wrong, and what to do about it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from spacesgui.core.redaction import redact

# (background, border, text) per level, for a light and for a dark window palette. The
# text colours keep at least 7:1 against their background, the close button included.
LIGHT_COLOURS = {
    "error": ("#fdecea", "#b3261e", "#611a15"),
    "warning": ("#fff4e5", "#d38b00", "#663c00"),
    "info": ("#e8f1fd", "#1a73e8", "#0b3a75"),
}
DARK_COLOURS = {
    "error": ("#3d1714", "#e46962", "#fbd9d5"),
    "warning": ("#3a2a05", "#e0a030", "#fde7b8"),
    "info": ("#0f2744", "#6aa5f8", "#d6e6fd"),
}


class MessageBanner(QFrame):
    """Shows one message at a time, with an optional action button; hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self.setAccessibleName("Message")
        if parent is not None:
            # Its style sheet fixes the banner's own palette, so a new theme (dark mode turning
            # on while the app runs) reaches the banner through its window's palette only.
            parent.window().installEventFilter(self)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._label = QLabel(self)
        self._label.setObjectName("messageText")
        self._label.setWordWrap(True)
        self._action = QPushButton(self)
        self._action.setObjectName("messageAction")
        self._close = QToolButton(self)
        self._close.setText("✕")
        self._close.setAccessibleName("Dismiss message")
        self._close.setAutoRaise(True)
        self._close.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self._label, 1)
        layout.addWidget(self._action)
        layout.addWidget(self._close)
        self._callback: Callable[[], None] | None = None
        self._about = ""  # what the message concerns ("" for nothing in particular)
        self._level = "info"
        self._action.clicked.connect(self._on_action_clicked)
        self.hide()

    def show_message(
        self,
        text: str,
        *,
        level: str = "error",
        action: str = "",
        on_action: Callable[[], None] | None = None,
        about: str = "",
    ) -> None:
        """Show `text`; `about` names what it concerns (an account id), for `dismiss_about`."""
        self._about = about
        self._level = level if level in LIGHT_COLOURS else "info"
        self._apply_colours()
        self._label.setText(redact(text))  # whatever built the text, no known secret is shown
        self._callback = on_action
        self._action.setText(action)
        self._action.setVisible(bool(action and on_action))
        self.show()

    def _apply_colours(self) -> None:
        # The window's palette, not the banner's own: its style sheet has painted that one.
        window = self.window().palette().color(QPalette.ColorRole.Window)
        colours = DARK_COLOURS if window.lightness() < 128 else LIGHT_COLOURS
        background, border, text_colour = colours[self._level]
        sheet = (
            f"#messageBanner {{ background: {background}; border: 1px solid {border}; border-radius: 4px; }}"
            f"#messageText {{ color: {text_colour}; }}"
            f"#messageBanner QToolButton {{ color: {text_colour}; font-weight: bold; }}"
        )
        if sheet != self.styleSheet():  # a new style sheet changes the palette again: no loop
            self.setStyleSheet(sheet)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.PaletteChange and watched is self.window() and not self.isHidden():
            self._apply_colours()
        return False

    def text(self) -> str:
        return self._label.text() if self.isVisible() else ""

    def message(self) -> str:
        """The text on show ("" when hidden), whether or not the window is on screen."""
        return "" if self.isHidden() else self._label.text()

    def dismiss(self) -> None:
        self._callback = None
        self._about = ""
        self.hide()

    def dismiss_about(self, about: str) -> None:
        """Take the message away if it concerns `about` (an account just removed, say)."""
        if about and self._about == about:
            self.dismiss()

    def _on_action_clicked(self) -> None:
        callback = self._callback
        self.dismiss()
        if callback is not None:
            callback()
