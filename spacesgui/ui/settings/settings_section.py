"""What a page of the Space settings window is (`SettingsSection`), and a base for pages that
read one setting, let it be edited, and write it on Apply (`SectionPage`).

GUI thread only. Coroutines (`load`, `apply`) run on the qasync loop; the window starts them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.errors import Cancelled, InvalidInput, NotSupported, SpacesError
from spacesgui.services.space_settings_service import SpaceSettingsService
from spacesgui.ui.box_answer import clicked_button
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.problem_label import ProblemLabel

V = TypeVar("V")
Spawner = Callable[[Awaitable[None]], object]
APPLIED = "Applied."


def page_heading(title: str, parent: QWidget) -> QLabel:
    """A settings page's title: bold, a size up, as every page of Space Settings starts."""
    heading = QLabel(title, parent)
    font = QFont(heading.font())
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    heading.setFont(font)
    return heading


@runtime_checkable
class SettingsSection(Protocol):
    """A page of the Space settings window. Must be a QWidget.

    `changed` is a `Signal()` emitted whenever has_changes() may have changed: an edit, a
    load, an apply, a revert. Nothing is written to the server before apply().
    """

    changed: Any

    def load(self) -> Awaitable[None]:
        """Read the setting from the server and show it (again); failures are shown on the page."""
        ...

    def has_changes(self) -> bool:
        """Whether the page holds edits not yet applied."""
        ...

    def apply(self) -> Awaitable[None]:
        """Write the edits, then read back what the server holds and show it.

        Shows any failure on the page and raises it (a SpacesError), so a caller applying
        several pages knows to stop.
        """
        ...

    def revert(self) -> None:
        """Forget the edits: show what was last read from the server."""
        ...


@dataclass(frozen=True, slots=True)
class SpaceContext:
    """Which Space a page edits, the service it reads and writes through, and how it starts work."""

    account_id: str
    bucket: str
    provider: str
    service: SpaceSettingsService
    spawn: Spawner  # the window's: it keeps the window alive until the work ends


class SectionPage(QWidget, Generic[V]):
    """A heading, an explanation, the page's form (`body`), what is wrong, and Revert / Apply.

    Subclasses set `title`, `what` ("versioning": "This server does not support
    versioning.") and `intro`, build their form into `self.body`, and implement `_read`,
    `_show`, `_current`, `_write` and, if edits can be wrong, `problems`. Values are
    compared with `_same` (== by default) to tell whether there are changes.
    """

    changed = Signal()
    scrolls_itself = True  # the window puts other sections in a scroll area
    title = ""
    what = ""
    intro = ""
    editable = True  # False: a page that only shows (no Revert / Apply)

    def __init__(self, context: SpaceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName(f"{self.title.lower()}Section")
        self.setAccessibleName(f"{self.title} settings")
        self._loaded: V | None = None
        self.last_box: QMessageBox | None = None  # the question `_ask_first` showed last (tests)
        self._busy = False
        self._read_again = False  # a read was asked for while the page was busy
        self._unsupported = ""
        heading = page_heading(self.title, self)
        self.intro_label = named(MutedLabel(self.intro, self), f"{self.title.lower()}Intro")
        self.intro_label.setWordWrap(True)
        self.intro_label.setVisible(bool(self.intro))
        self.status_label = named(MutedLabel("", self), f"{self.title.lower()}Status", "Status")
        self.status_label.setWordWrap(True)
        self.status_label.hide()
        self.unsupported_label = named(MutedLabel("", self), f"{self.title.lower()}Unsupported")
        self.unsupported_label.setWordWrap(True)
        self.unsupported_label.hide()
        self.error_label = named(ProblemLabel(self), f"{self.title.lower()}Error", "What failed")
        self.problems_label = named(ProblemLabel(self), f"{self.title.lower()}Problems", "What is wrong")
        self.body = QWidget(self)
        self.revert_button = named(QPushButton("Revert", self), f"{self.title.lower()}Revert", "Revert")
        self.apply_button = named(QPushButton("Apply", self), f"{self.title.lower()}Apply", "Apply")
        self.revert_button.setToolTip("Forget the changes on this page")
        self.apply_button.setToolTip("Write the changes on this page to the server")
        self.revert_button.clicked.connect(self.revert)
        self.apply_button.clicked.connect(self._on_apply_clicked)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.apply_button)
        # The form scrolls in a short window; what is wrong and Apply stay in sight below it.
        content = QWidget(self)
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (
            heading,
            self.intro_label,
            self.unsupported_label,
            self.status_label,
            self.error_label,
        ):
            column.addWidget(widget)
        column.addWidget(self.body, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Text wraps to the width instead: a sideways scroll hides the ends of sentences.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problems_label)
        if self.editable:
            layout.addLayout(buttons)
        else:
            self.revert_button.hide()
            self.apply_button.hide()
        self._update_buttons()

    # -- for subclasses -------------------------------------------------------------------
    async def _read(self) -> V:
        raise NotImplementedError

    def _show(self, value: V) -> None:
        raise NotImplementedError

    def _current(self) -> V:
        raise NotImplementedError

    async def _write(self, value: V) -> None:
        raise NotImplementedError

    def problems(self) -> list[str]:
        """What is wrong with the edits, in words; [] when they may be applied."""
        return []

    async def _confirm(self, value: V) -> bool:
        """Whether to write `value`: a page whose changes delete things asks first."""
        return True

    async def _ask_first(
        self, name: str, title: str, text: str, informative: str, button: str, role: QMessageBox.ButtonRole
    ) -> bool:
        """Ask before a change with no way back; True when `button` is clicked. Cancel is the
        default, so Enter never does it."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Cancel, self)
        box.setObjectName(name)
        box.setInformativeText(informative)
        go = box.addButton(button, role)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.last_box = box
        return await clicked_button(box) is go

    def _same(self, first: V, second: V) -> bool:
        return first == second

    def _edited(self) -> None:
        """Call on every edit: says what is wrong, and enables Revert / Apply."""
        if self._loaded is None or self._busy:
            return
        changes = self.has_changes()
        if changes and self.status_label.text().startswith(APPLIED):
            self._set_status("")  # said of the values before this edit
        self.problems_label.set_problem("\n".join(self.problems()) if changes else "")
        self._update_buttons()
        self.changed.emit()

    @property
    def loaded(self) -> V | None:
        """What was last read from the server (None before the first read)."""
        return self._loaded

    # -- SettingsSection ------------------------------------------------------------------
    async def load(self) -> None:
        if self._unsupported:
            return
        if self._busy:
            # The running read may have started before the change that asks for this one:
            # read once more when it ends (an apply reads back itself).
            self._read_again = True
            return
        while True:
            self._read_again = False
            if not await self._read_once() or not self._read_again:
                return

    async def _read_once(self) -> bool:
        """Read and show the setting; False when it could not be read (the page says why)."""
        self._set_busy(True, "Reading from the server…")
        try:
            value = await self._read()
        except NotSupported as error:
            self._set_busy(False, "")
            self.set_unsupported(error)
            return False
        except SpacesError as error:
            self._set_busy(False, "")
            self.error_label.set_problem(f"Could not be read: {error.message}")
            return False
        self._loaded = value
        self.error_label.set_problem("")
        self._set_busy(False, "")
        self._show(value)
        self._edited()
        self.changed.emit()
        return True

    def has_changes(self) -> bool:
        return (
            self.editable
            and self._loaded is not None
            and not self._unsupported
            and not self._same(self._current(), self._loaded)
        )

    async def apply(self) -> None:
        if not self.has_changes() or self._busy:
            return
        problems = self.problems()
        if problems:
            self.problems_label.set_problem("\n".join(problems))
            raise InvalidInput(" ".join(problems))
        value = self._current()  # what is asked about is what is written
        if not await self._confirm(value):
            self._set_status("Not applied: nothing was changed on the server.")
            raise Cancelled("Not applied.")
        self._set_busy(True, "Applying…")
        try:
            await self._write(value)
        except NotSupported as error:
            self._set_busy(False, "")
            self.set_unsupported(error)
            raise
        except SpacesError as error:
            self._set_busy(False, "")
            self.error_label.set_problem(f"Not applied: {error.message}")
            self._update_buttons()
            raise
        self._set_busy(False, "")
        await self.load()  # read back: show what the server holds now
        if not self.error_label.text():
            self._set_status(f"{APPLIED} This is what the server holds now.")

    def revert(self) -> None:
        if self._loaded is None or self._busy:
            return
        self._show(self._loaded)
        self.error_label.set_problem("")
        self._set_status("")
        self._edited()

    # -- state ----------------------------------------------------------------------------
    def set_unsupported(self, error: SpacesError | str) -> None:
        """Turn the page off with “This server does not support …” (the server's words in the tooltip)."""
        detail = error.message if isinstance(error, SpacesError) else error
        self._unsupported = f"This server does not support {self.what}."
        self.unsupported_label.setText(self._unsupported)
        self.unsupported_label.setToolTip(detail)
        self.unsupported_label.show()
        self.problems_label.set_problem("")
        self.error_label.set_problem("")
        self.body.setEnabled(False)
        self._update_buttons()
        self.changed.emit()

    @property
    def unsupported(self) -> str:
        return self._unsupported

    def _set_busy(self, busy: bool, status: str) -> None:
        self._busy = busy
        self.body.setEnabled(not busy and not self._unsupported)
        self._set_status(status)
        self._update_buttons()

    def _set_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))

    def _update_buttons(self) -> None:
        changes = not self._busy and self.has_changes()
        self.revert_button.setEnabled(changes)
        self.apply_button.setEnabled(changes and not self.problems())

    def _on_apply_clicked(self) -> None:
        self.context.spawn(self._apply_quietly())

    async def _apply_quietly(self) -> None:
        with contextlib.suppress(SpacesError):  # apply() shows it on the page
            await self.apply()
