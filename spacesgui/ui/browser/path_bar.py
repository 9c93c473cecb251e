"""Breadcrumbs for the current place, that turn into an editable s3:// path on click."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QSizePolicy, QStackedWidget, QToolButton, QWidget

from spacesgui.core.keys import Location, segments


class _Crumbs(QWidget):
    clicked_empty = Signal()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked_empty.emit()
        super().mousePressEvent(event)


class _PathEdit(QLineEdit):
    cancelled = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)


class PathBar(QStackedWidget):
    """Shows `s3://bucket/a/b/` as buttons; Ctrl+L or a click on empty space edits it as text."""

    location_requested = Signal(str)  # the text of an s3:// path the user asked to open
    # Escape or Enter ended an edit: the keyboard goes back to the rows, as from Explorer's
    # address bar (the line edit hides, and nothing would have the focus).
    editing_done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pathBar")
        self.setAccessibleName("Path")
        self._location = Location()
        self._crumbs = _Crumbs(self)
        self._crumb_layout = QHBoxLayout(self._crumbs)
        self._crumb_layout.setContentsMargins(2, 0, 2, 0)
        self._crumb_layout.setSpacing(0)
        self._crumbs.clicked_empty.connect(self.start_editing)
        self._edit = _PathEdit(self)
        self._edit.setObjectName("pathEdit")
        self._edit.setAccessibleName("Path")
        self._edit.setPlaceholderText("s3://space-name/folder/")
        self._edit.returnPressed.connect(self._on_edit_return_pressed)
        self._edit.cancelled.connect(self._on_edit_cancelled)
        self._edit.editingFinished.connect(self._on_edit_finished)
        self.addWidget(self._crumbs)
        self.addWidget(self._edit)
        # As tall as the line edit wants, asked each time: a height fixed at construction
        # goes stale when the style or font changes (and clipped the "_" of My_Space).
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._edit.sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._edit.sizeHint().height())

    @property
    def location(self) -> Location:
        return self._location

    def text(self) -> str:
        return self._location.url()

    def set_location(self, location: Location, account_name: str = "") -> None:
        """Show `location`; the first crumb names the account it belongs to (or says s3://)."""
        self._location = location
        self._edit.setText(location.url())
        while self._crumb_layout.count():
            item = self._crumb_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        parts = [(account_name or "s3://", Location())]
        if location.bucket:
            parts.append((location.bucket, Location(location.bucket)))
            prefix = ""
            for name in segments(location.prefix):
                prefix += name + "/"
                parts.append((name, Location(location.bucket, prefix)))
        for i, (label, target) in enumerate(parts):
            button = QToolButton(self._crumbs)
            # "s3://photos" reads as one path; an account's name is a crumb of its own.
            separated = i < len(parts) - 1 and (i > 0 or bool(account_name))
            button.setText(f"{label}  ›" if separated else label)
            button.setAutoRaise(True)
            # Not a Tab stop each: made at every folder change, they joined the end of the
            # focus chain, so Tab wandered list → Spaces → panel → filter → path. Ctrl+L,
            # Backspace and Alt+Up reach every place a crumb does.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setObjectName(f"crumb{i}")
            button.setAccessibleName(
                f"Go to {target.url()}" if i else f"Go to the Spaces of {account_name or 'this account'}"
            )
            if i == 0 and account_name:
                button.setToolTip(f"Account “{account_name}”: show its Spaces")
            button.clicked.connect(self._opener(target.url()))
            self._crumb_layout.addWidget(button)
        self._crumb_layout.addStretch(1)

    def _opener(self, url: str) -> Callable[[], None]:
        return lambda: self.location_requested.emit(url)

    def start_editing(self) -> None:
        self._edit.setText(self._location.url())
        self.setCurrentWidget(self._edit)
        self._edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._edit.selectAll()

    def stop_editing(self) -> None:
        self.setCurrentWidget(self._crumbs)

    def is_editing(self) -> bool:
        return self.currentWidget() is self._edit

    def _on_edit_cancelled(self) -> None:
        self.stop_editing()
        self.editing_done.emit()

    def _on_edit_return_pressed(self) -> None:
        text = self._edit.text()
        self.stop_editing()
        self.editing_done.emit()
        self.location_requested.emit(text)

    def _on_edit_finished(self) -> None:
        if not self._edit.hasFocus():
            self.stop_editing()
