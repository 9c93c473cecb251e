"""The Space settings window's Permissions page: who may list the Space's files, in plain words.

A Space's listing is private (only keys of this account) or public (the canned ACL
public-read: anyone may list names, sizes and dates). Listing is not reading: files keep
their own access, so the page offers Make Every File Public through the transfer queue,
asking first. It is a SettingsSection (load, has_changes, apply, revert, set_unsupported,
`changed`), and works on its own too. GUI thread only; reads and writes run through
`spawn` on the event loop, never with a dialog exec()'d inside a coroutine.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.access import LISTING_PRIVATE, LISTING_PUBLIC, AccessPolicy, AccessState, listing_summary
from spacesgui.core.errors import NotSupported, SpacesError
from spacesgui.core.formatting import human_count
from spacesgui.core.listing import ObjectRef
from spacesgui.services.access_service import AccessService
from spacesgui.services.operation_service import OperationService
from spacesgui.ui.box_answer import clicked_button
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.problem_label import ProblemLabel

Spawn = Callable[[Awaitable[None]], object]
NOT_READING = (
    "Listing is not reading: a public listing shows every file's name, size and date, but "
    "each file stays as private as it is (see the Access column). To let anyone read every "
    "file, make them public:"
)


class PermissionsSection(QWidget):
    """Private or public listing of one Space, and Make Every File Public. See the module docstring."""

    changed = Signal()  # has_changes() may have changed: an edit, a load, an apply, a revert

    def __init__(
        self, service: AccessService, account_id: str, bucket: str, spawn: Spawn,
        operations: OperationService | None = None, parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("permissionsSection")
        self.setAccessibleName("Permissions settings")
        self._service, self._spawn, self._operations = service, spawn, operations
        self._account_id, self._bucket = account_id, bucket
        self._loaded: AccessPolicy | None = None
        self._busy = False
        self._unsupported = ""
        self.last_box: QMessageBox | None = None  # for tests

        heading = QLabel("Permissions", self)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        intro = named(MutedLabel("Who can list the files of this Space.", self), "permissionsIntro")
        intro.setWordWrap(True)
        self.unsupported_label = named(MutedLabel("", self), "permissionsUnsupported")
        self.unsupported_label.setWordWrap(True)
        self.unsupported_label.hide()
        self.status_label = named(MutedLabel("", self), "permissionsStatus", "Status")
        self.status_label.setWordWrap(True)
        self.status_label.hide()
        self.error_label = named(ProblemLabel(self), "permissionsError", "What failed")
        self.body = QWidget(self)
        self.summary_label = named(QLabel("", self.body), "permissionsSummary", "Who can list this Space")
        self.summary_label.setWordWrap(True)
        self.private_radio = named(
            QRadioButton("Private listing", self.body), "listingPrivateRadio", "Private listing"
        )
        self.public_radio = named(
            QRadioButton("Public listing", self.body), "listingPublicRadio", "Public listing"
        )
        self.custom_note = named(MutedLabel("", self.body), "permissionsCustomNote")
        self.custom_note.setWordWrap(True)
        self.custom_note.hide()
        note = named(MutedLabel(NOT_READING, self.body), "notReadingNote")
        note.setWordWrap(True)
        self.make_public_button = named(
            QPushButton("Make Every File Public…", self.body), "makeAllPublicButton", "Make every file public"
        )
        self.make_public_button.setToolTip("Let anyone read every file of this Space (asks first)")
        self.make_public_button.setVisible(operations is not None)
        self.make_public_button.clicked.connect(self._on_make_public_clicked)
        self.revert_button = named(QPushButton("Revert", self), "permissionsRevert", "Revert")
        self.apply_button = named(QPushButton("Apply", self), "permissionsApply", "Apply")
        self.revert_button.clicked.connect(self.revert)
        self.apply_button.clicked.connect(self._on_apply_clicked)
        for radio in (self.private_radio, self.public_radio):
            radio.toggled.connect(self._edited)

        form = QVBoxLayout(self.body)
        form.setContentsMargins(0, 0, 0, 0)
        now = QLabel("Now:", self.body)
        bold = QFont(now.font())
        bold.setBold(True)
        now.setFont(bold)
        current = QHBoxLayout()
        current.addWidget(now, 0)
        current.addWidget(self.summary_label, 1)
        form.addLayout(current)
        form.addSpacing(6)
        for radio, text in ((self.private_radio, LISTING_PRIVATE), (self.public_radio, LISTING_PUBLIC)):
            consequence = MutedLabel(text, self.body)
            consequence.setWordWrap(True)
            consequence.setContentsMargins(24, 0, 0, 6)
            form.addWidget(radio)
            form.addWidget(consequence)
        form.addWidget(self.custom_note)
        line = QFrame(self.body)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        form.addWidget(line)
        form.addWidget(note)
        row = QHBoxLayout()
        row.addWidget(self.make_public_button)
        row.addStretch(1)
        form.addLayout(row)
        form.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        for widget in (heading, intro, self.unsupported_label, self.status_label, self.error_label):
            layout.addWidget(widget)
        layout.addWidget(self.body, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # -- SettingsSection ------------------------------------------------------
    @property
    def loaded(self) -> AccessPolicy | None:
        """The Space's ACL as last read (None before the first read)."""
        return self._loaded

    @property
    def unsupported(self) -> str:
        return self._unsupported

    def chosen_public(self) -> bool | None:
        """The listing chosen: True public, False private, None neither (a custom ACL, untouched)."""
        if self.public_radio.isChecked():
            return True
        return False if self.private_radio.isChecked() else None

    def has_changes(self) -> bool:
        if self._loaded is None or self._unsupported:
            return False
        chosen = self.chosen_public()
        return chosen is not None and self._loaded.canned != ("public-read" if chosen else "private")

    async def load(self) -> None:
        """Read the Space's ACL and show it; a failure is shown on the page."""
        if self._busy or self._unsupported:
            return
        self._set_busy(True, "Reading from the server…")
        try:
            policy = await self._service.listing_grants(self._account_id, self._bucket)
        except NotSupported as error:
            self._set_busy(False, "")
            self.set_unsupported(error)
            return
        except SpacesError as error:
            self._set_busy(False, "")
            self.error_label.set_problem(f"Could not be read: {error.message}")
            return
        self.error_label.set_problem("")
        self._set_busy(False, "")
        self._show(policy)

    async def apply(self) -> None:
        """Write the chosen listing, then read back and show what the server holds.

        Shows a failure on the page and raises it (a SpacesError).
        """
        chosen = self.chosen_public()
        if not self.has_changes() or self._busy or chosen is None:
            return
        self._set_busy(True, "Applying…")
        try:
            policy = await self._service.set_listing_public(self._account_id, self._bucket, chosen)
        except NotSupported as error:
            self._set_busy(False, "")
            self.set_unsupported(error)
            raise
        except SpacesError as error:
            self._set_busy(False, "")
            self.error_label.set_problem(f"Not applied: {error.message}")
            raise
        self._set_busy(False, "Applied. This is what the server holds now.")
        self.error_label.set_problem("")
        self._show(policy)

    def revert(self) -> None:
        if self._loaded is not None and not self._busy:
            self._show(self._loaded)
            self._set_status("")

    def set_unsupported(self, error: SpacesError | str) -> None:
        """Turn the page off with “This server does not support …” (the server's words in the tooltip)."""
        detail = error.message if isinstance(error, SpacesError) else error
        self._unsupported = "This server does not support permissions (access lists) for Spaces."
        self.unsupported_label.setText(self._unsupported)
        self.unsupported_label.setToolTip(detail)
        self.unsupported_label.show()
        self.error_label.set_problem("")
        self.body.setEnabled(False)
        self._update_buttons()
        self.changed.emit()

    # -- showing --------------------------------------------------------------
    def _show(self, policy: AccessPolicy) -> None:
        self._loaded = policy
        state = policy.state
        for radio, checked in (
            (self.private_radio, state is AccessState.PRIVATE),
            (self.public_radio, state is AccessState.PUBLIC),
        ):
            radio.blockSignals(True)
            radio.setAutoExclusive(False)  # a custom ACL checks neither
            radio.setChecked(checked)
            radio.setAutoExclusive(True)
            radio.blockSignals(False)
        self.summary_label.setText(listing_summary(policy))
        custom = state is AccessState.CUSTOM
        self.custom_note.setText(
            "This Space has other permissions too (set by another tool). Choosing Private or "
            "Public listing and applying replaces them all."
            if custom
            else ""
        )
        self.custom_note.setVisible(custom)
        self._update_buttons()
        self.changed.emit()

    def _edited(self) -> None:
        if self._loaded is not None and not self._busy:
            self._set_status("")
            self._update_buttons()
            self.changed.emit()

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
        self.apply_button.setEnabled(changes)

    def _on_apply_clicked(self) -> None:
        self._spawn(self._apply_quietly())

    async def _apply_quietly(self) -> None:
        with contextlib.suppress(SpacesError):  # apply() shows it on the page
            await self.apply()

    # -- make every file public -----------------------------------------------
    def _on_make_public_clicked(self) -> None:
        self._spawn(self._make_public_quietly())

    async def _make_public_quietly(self) -> None:
        await self.make_every_file_public()  # it says on the page what it did

    async def make_every_file_public(self) -> int:
        """Ask, then make every file of the Space public through the transfer queue; how many were queued."""
        if self._operations is None or not await self._confirm_make_public():
            return 0
        self._set_status("Listing the Space's files…")
        try:
            queued = await self._operations.set_access(
                self._account_id, self._bucket, [ObjectRef("", is_folder=True)], True
            )
        except SpacesError as error:
            self._set_status("")
            self.error_label.set_problem(f"Files not made public: {error.message}")
            return 0
        self._set_status(
            f"Making {human_count(queued, 'file')} public; the Transfers panel shows how far it is."
            if queued
            else "This Space has no files to make public."
        )
        return queued

    async def _confirm_make_public(self) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Make Every File Public", f"Make every file of “{self._bucket}” public?",
            QMessageBox.StandardButton.Cancel, self,
        )  # fmt: skip
        box.setObjectName("confirmAllPublicBox")
        box.setInformativeText(
            "Anyone who has the address of a file can then read it, without keys. Files added "
            "later stay as they are uploaded. Make Private on a folder undoes it."
        )
        public = box.addButton("Make Every File Public", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.last_box = box
        return await clicked_button(box) is public
