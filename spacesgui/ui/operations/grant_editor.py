"""Permissions… of one file: who may read it and change who may, in a table or as Private / Public.

Opened from a plain slot (never inside a coroutine); reads and writes run as tasks
through the access service. Nothing is written until Apply; closing with changes asks.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.access import AccessPolicy, owner_warning, policy_problems, summary
from spacesgui.core.errors import NotSupported, SpacesError
from spacesgui.core.keys import Location, basename
from spacesgui.services.access_service import AccessService
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.operations.grant_panel import CannedChoicePanel, GrantTablePanel
from spacesgui.ui.problem_label import ProblemLabel

Spawn = Callable[[Awaitable[None]], object]
FOCUS_RELOAD_GAP_S = 2.0  # regaining focus reads again, at most this often


class GrantEditor(QDialog):
    """One file's access list. `canned_only` (DigitalOcean) offers only Private / Public (read).

    GUI thread only; `spawn` runs the reads and writes on the event loop.
    """

    def __init__(
        self, service: AccessService, spawn: Spawn, account_id: str, bucket: str, key: str, *,
        canned_only: bool, parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("grantEditor")
        self.setAccessibleName("Permissions")
        self.setWindowTitle(f"Permissions — {basename(key)}")
        self._service, self._spawn = service, spawn
        self._account_id, self._bucket, self._key = account_id, bucket, key
        self._canned_only = canned_only
        self._loaded: AccessPolicy | None = None
        self._busy = False
        self._unsupported = ""
        self._close_now = False
        self._last_read = 0.0
        self.last_box: QMessageBox | None = None  # for tests

        name = QLabel(basename(key), self)
        font = QFont(name.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        name.setFont(font)
        where = MutedLabel(Location(bucket, "").url() + key, self)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setWordWrap(True)
        self.summary_label = named(QLabel("", self), "grantSummary", "Who may do what")
        self.summary_label.setWordWrap(True)
        self.unsupported_label = named(MutedLabel("", self), "grantUnsupported")
        self.unsupported_label.setWordWrap(True)
        self.unsupported_label.hide()
        self.table_panel = GrantTablePanel(self)
        self.canned_panel = CannedChoicePanel(self)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.table_panel)
        self.pages.addWidget(self.canned_panel)
        self.pages.setCurrentWidget(self.canned_panel if canned_only else self.table_panel)
        self.status_label = named(MutedLabel("", self), "grantStatus", "Status")
        self.status_label.setWordWrap(True)
        self.error_label = named(ProblemLabel(self), "grantError", "What failed")
        self.problems_label = named(ProblemLabel(self), "grantProblems", "What is wrong")
        self.revert_button = named(QPushButton("Revert", self), "grantRevert", "Revert")
        self.apply_button = named(QPushButton("Apply", self), "grantApply", "Apply")
        self.apply_button.setDefault(True)
        self.close_button = named(QPushButton("Close", self), "grantClose", "Close")
        self.revert_button.clicked.connect(self.revert)
        self.apply_button.clicked.connect(self._on_apply_clicked)
        self.close_button.clicked.connect(self.close)
        self.table_panel.edited.connect(self._on_edited)
        self.canned_panel.edited.connect(self._on_edited)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.reload)

        buttons = QHBoxLayout()
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        for widget in (name, where, self.summary_label, self.unsupported_label):
            layout.addWidget(widget)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self.resize(560, 440 if not canned_only else 300)
        self._update()

    # -- state --------------------------------------------------------------
    @property
    def loaded(self) -> AccessPolicy | None:
        """What was last read from the server."""
        return self._loaded

    def edited_policy(self) -> AccessPolicy | None:
        if self._loaded is None:
            return None
        return self.canned_panel.policy() if self._canned_only else self.table_panel.policy()

    def has_changes(self) -> bool:
        edited = self.edited_policy()
        if edited is None or self._unsupported or self._loaded is None:
            return False
        if self._canned_only:
            return bool(self.canned_panel.chosen()) and self.canned_panel.chosen() != self._loaded.canned
        return not edited.same_grants(self._loaded)

    def _update(self) -> None:
        edited = self.edited_policy()
        problems = policy_problems(edited) if edited is not None and self.has_changes() else []
        if edited is not None and not self._unsupported:
            words = summary(edited)
            warning = owner_warning(edited)
            self.summary_label.setText(
                (f"Once applied: {words[0].lower()}{words[1:]}" if self.has_changes() else words)
                + (f" {warning}" if warning else "")
            )
        self.problems_label.set_problem("\n".join(problems))
        changes = not self._busy and self.has_changes()
        self.apply_button.setEnabled(changes and not problems)
        self.revert_button.setEnabled(changes)
        self.pages.setEnabled(not self._busy and not self._unsupported and self._loaded is not None)

    def _set_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))

    def _show(self, policy: AccessPolicy) -> None:
        self._loaded = policy
        self.table_panel.set_policy(policy)
        self.canned_panel.set_policy(policy)
        self._update()

    def _set_unsupported(self, error: SpacesError) -> None:
        self._unsupported = error.message
        self.unsupported_label.setText(f"This server does not support permissions per file. {error.message}")
        self.unsupported_label.show()
        self.summary_label.hide()
        self.pages.hide()
        self._update()

    # -- reading and writing --------------------------------------------------
    def load(self) -> None:
        """Read the file's permissions (again); the dialog shows them when they come."""
        self._spawn(self._load())

    def reload(self) -> None:
        """F5: read again, unless there are changes to keep (then say so)."""
        if self.has_changes():
            self._set_status("Apply or Revert the changes first; then F5 reads the server again.")
            return
        self.load()

    async def _load(self) -> None:
        if self._busy or self._unsupported:
            return
        self._busy = True
        self._set_status("Reading the permissions…")
        self._update()
        try:
            policy = await self._service.object_grants(self._account_id, self._bucket, self._key)
        except NotSupported as error:
            self._set_unsupported(error)
            return
        except SpacesError as error:
            self.error_label.set_problem(f"Could not be read: {error.message}")
            return
        finally:
            self._busy = False
            self._last_read = time.monotonic()
            self._set_status("")
            self._update()
        self.error_label.set_problem("")
        self._show(policy)

    def revert(self) -> None:
        if self._loaded is not None and not self._busy:
            self._show(self._loaded)
            self._set_status("")

    def _on_apply_clicked(self) -> None:
        self._spawn(self._apply())

    async def _apply(self) -> None:
        await self.apply()  # a failure shows in the dialog

    def _on_edited(self) -> None:
        self._set_status("")
        self.error_label.set_problem("")
        self._update()

    async def apply(self) -> bool:
        """Write the edits, then show what the server holds now; False when it failed."""
        edited = self.edited_policy()
        if edited is None or not self.has_changes() or self._busy:
            return not self.has_changes()
        self._busy = True
        self._set_status("Applying…")
        self.error_label.set_problem("")
        self._update()
        try:
            if self._canned_only:
                now = await self._service.set_object_canned(
                    self._account_id, self._bucket, self._key, self.canned_panel.chosen()
                )
            else:
                now = await self._service.set_object_grants(self._account_id, self._bucket, self._key, edited)
        except NotSupported as error:
            self._busy = False
            self._set_unsupported(error)
            return False
        except SpacesError as error:
            self._busy = False
            self._set_status("")
            self.error_label.set_problem(f"Not applied: {error.message}")
            self._update()
            return False
        self._busy = False
        self._show(now)
        self._set_status(
            "Applied. This is what the server holds now."
            if now.same_grants(edited)
            else "The server keeps other permissions than were sent; this is what it holds now."
        )
        return True

    # -- closing and focus ----------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self._close_now or not self.has_changes():
            super().closeEvent(event)
            return
        event.ignore()
        self._spawn(self._ask_before_closing())

    def reject(self) -> None:
        """Escape: close, asking first when there are changes (as the Close button does)."""
        if self._close_now or not self.has_changes():
            super().reject()
            return
        self._spawn(self._ask_before_closing())

    async def _ask_before_closing(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question, "Unapplied changes", "Apply the changes to the permissions?",
            QMessageBox.StandardButton.Apply | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, self,
        )  # fmt: skip
        box.setObjectName("unappliedChangesBox")
        box.setInformativeText("Nothing has been written to the server yet.")
        box.setDefaultButton(QMessageBox.StandardButton.Apply)
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def on_finished(_result: int) -> None:
            if not future.done():
                future.set_result(int(box.standardButton(box.clickedButton())))

        box.finished.connect(on_finished)
        self.last_box = box
        box.open()
        answer = await future
        box.deleteLater()
        if answer == QMessageBox.StandardButton.Apply and not await self.apply():
            return  # the failure shows in the dialog, which stays open
        if answer in (QMessageBox.StandardButton.Apply, QMessageBox.StandardButton.Discard):
            self._close_now = True
            self.close()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if (
            event.type() == QEvent.Type.ActivationChange
            and self.isActiveWindow()
            and self._loaded is not None
            and not self.has_changes()
            and time.monotonic() - self._last_read > FOCUS_RELOAD_GAP_S
        ):
            self.load()  # other tools may have changed the file's permissions meanwhile
