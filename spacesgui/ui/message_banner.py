"""An inline message above the object view: what went wrong, and what to do about it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget


class MessageBanner(QFrame):
    """Shows one message at a time, with an optional action button; hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self.setAccessibleName("Message")
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
        self._action.clicked.connect(self._on_action_clicked)
        self.hide()

    def show_message(
        self,
        text: str,
        *,
        level: str = "error",
        action: str = "",
        on_action: Callable[[], None] | None = None,
    ) -> None:
        colours = {
            "error": ("#fdecea", "#b3261e", "#611a15"),
            "warning": ("#fff4e5", "#d38b00", "#663c00"),
            "info": ("#e8f1fd", "#1a73e8", "#0b3a75"),
        }
        background, border, text_colour = colours.get(level, colours["info"])
        self.setStyleSheet(
            f"#messageBanner {{ background: {background}; border: 1px solid {border}; border-radius: 4px; }}"
            f"#messageText {{ color: {text_colour}; }}"
        )
        self._label.setText(text)
        self._callback = on_action
        self._action.setText(action)
        self._action.setVisible(bool(action and on_action))
        self.show()

    def text(self) -> str:
        return self._label.text() if self.isVisible() else ""

    def dismiss(self) -> None:
        self._callback = None
        self.hide()

    def _on_action_clicked(self) -> None:
        callback = self._callback
        self.dismiss()
        if callback is not None:
            callback()
