"""The CORS editor: a Space's rules as a table and as XML, kept in step, a preflight tester, Apply.

A section of the Space settings window, and a plain widget anywhere else (a test, a
dialog). It speaks the window's SettingsSection interface: `load()` and `apply()` are
coroutines, `has_changes()`, `revert()`, `set_unsupported(error)`, and `changed`. Nothing
reaches the server before Apply; Apply validates first (the message goes on the cell at
fault), then stores the rules and shows what the server read back. Removing every rule
and applying, or "Delete CORS Configuration…", deletes the configuration and checks
that the server no longer returns one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QTabWidget, QVBoxLayout, QWidget

from spacesgui.core.cors import CorsRule, summary, validate_rules
from spacesgui.core.cors_preflight import PreflightRequest
from spacesgui.core.cors_xml import CorsXmlError
from spacesgui.core.errors import InvalidInput, NotSupported, SpacesError
from spacesgui.qtmodels.cors_rule_model import CorsRuleModel
from spacesgui.services.cors_service import CorsService
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.problem_label import ProblemLabel
from spacesgui.ui.settings.cors_rules_panel import CorsRulesPanel
from spacesgui.ui.settings.cors_xml_view import CorsXmlView
from spacesgui.ui.settings.preflight_panel import PreflightPanel
from spacesgui.ui.settings.settings_section import page_heading

Spawner = Callable[[Awaitable[None]], object]

# Problems listed under the tabs at once; the rest are counted (each cell still shows its own).
SHOWN_PROBLEMS = 3
INTRO = (
    "Which websites may use this Space's files from their own pages (scripts, web fonts, "
    "video players), with which methods and headers. Browsers ask first; the Space answers "
    "with these rules."
)
UNSUPPORTED = "This server does not support CORS rules, so browsers cannot be allowed to call this Space."


class CorsEditor(QWidget):
    """Edits one Space's CORS rules. GUI thread only; coroutines run on the qasync loop.

    `spawn` starts a coroutine (the editor's own buttons use it; failures are shown in
    the editor). `show_buttons=False` hides Apply and Revert for a window that has its own.
    """

    changed = Signal()
    title = "CORS"

    def __init__(
        self,
        service: CorsService,
        account_id: str,
        bucket: str,
        spawn: Spawner,
        *,
        show_buttons: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("corsEditor")
        self.setAccessibleName(f"CORS rules of {bucket}")
        self._service, self._account_id, self.bucket, self._spawn = service, account_id, bucket, spawn
        self._stored: tuple[CorsRule, ...] | None = None  # None until read
        self._busy = False
        self.disabled_message = ""  # set by set_unsupported()
        self.last_dialog: QMessageBox | None = None  # kept for tests and against early collection

        self.model = CorsRuleModel(self)
        self.rules_panel = named(CorsRulesPanel(self.model, self), "corsRulesPanel")
        self.xml_view = named(CorsXmlView(self), "corsXmlView")
        self.preflight_panel = named(PreflightPanel(self), "preflightTester", "Preflight tester")
        self.tabs = named(QTabWidget(self), "corsTabs")
        self.tabs.addTab(self.rules_panel, "&Rules")
        self.tabs.addTab(self.xml_view, "&XML")
        self.tabs.addTab(self.preflight_panel, "&Test a Request")
        self.status_label = named(MutedLabel("", self), "corsStatus")
        self.status_label.setWordWrap(True)
        self.problem_label = named(ProblemLabel(self), "corsProblems")
        self.unsupported_label = named(MutedLabel("", self), "corsUnsupported")
        self.unsupported_label.setWordWrap(True)
        self.unsupported_label.hide()
        self.delete_button = self._button("Delete CORS Configuration…", "corsDelete", self._confirm_delete)
        self.delete_button.setToolTip(
            "Delete every CORS rule of this Space on the server, and check they are gone."
        )
        self.revert_button = self._button("Revert", "corsRevert", self.revert)
        self.apply_button = self._button("Apply", "corsApply", lambda: self._run(self._apply_clicked()))
        self.revert_button.setVisible(show_buttons)
        self.apply_button.setVisible(show_buttons)

        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.apply_button)
        self.content = QWidget(self)
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        content.addWidget(self.status_label)
        content.addWidget(self.tabs, 1)
        content.addWidget(self.problem_label)
        content.addLayout(buttons)
        self.intro_label = named(MutedLabel(INTRO, self), "corsIntro")
        self.intro_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(page_heading("CORS", self))
        layout.addWidget(self.intro_label)
        layout.addWidget(self.unsupported_label)
        layout.addWidget(self.content, 1)

        self.model.rules_edited.connect(self._on_model_rules_edited)
        self.xml_view.rules_typed.connect(self._on_xml_view_rules_typed)
        self.xml_view.xml_error_changed.connect(self._on_xml_view_error_changed)
        self.preflight_panel.test_requested.connect(lambda request: self._run(self._test(request)))
        self.xml_view.show_rules(())
        self._update()

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = named(QPushButton(text, self), name, text.rstrip("…"))
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # -- the SettingsSection interface -------------------------------------------------

    def has_changes(self) -> bool:
        """Whether the editor holds rules (or XML) that are not on the server."""
        if self._stored is None:
            return False
        return self.model.rules != self._stored or self.xml_view.error is not None

    async def load(self) -> None:
        """Read the rules from the server and show them, dropping any edit. Failures are shown here.

        Does nothing while a read or write is under way, or once the server said it has no CORS.
        """
        if self._busy or self.disabled_message:
            return
        self._set_busy(True, "Reading the CORS rules…")
        try:
            stored = await self._service.read(self._account_id, self.bucket)
        except NotSupported as error:
            self.set_unsupported(error)
            return
        except SpacesError as error:
            self._set_busy(False, "")
            self.problem_label.set_problem(f"The CORS rules could not be read. {error.message}")
            return
        self._show_stored(stored, f"Stored on the server: {summary(stored)}")

    async def apply(self) -> None:
        """Validate, store the rules, and show what the server read back.

        A failure is shown here and raised (InvalidInput for rules or XML that will not do),
        so a window applying several sections knows to stop. No changes: nothing is sent.
        """
        if self._stored is None or self.disabled_message or not self.has_changes():
            return
        if self.xml_view.error is not None:
            self.tabs.setCurrentWidget(self.xml_view)
            message = f"Fix the XML first. {self.xml_view.error.describe()}"
            self.problem_label.set_problem(message)
            raise InvalidInput(message)
        rules = self.model.rules
        problems = validate_rules(rules)
        if problems:
            self._validate()
            self.tabs.setCurrentWidget(self.rules_panel)
            self.rules_panel.show_problem(problems[0].rule, problems[0].field)
            raise InvalidInput(problems[0].describe())
        self._set_busy(True, "Applying…" if rules else "Deleting the CORS configuration…")
        try:
            stored = await self._service.apply(self._account_id, self.bucket, rules)
        except SpacesError as error:
            self._set_busy(False, "")
            self.problem_label.set_problem(f"The CORS rules were not applied. {error.message}")
            raise
        if not stored:
            note = "Applied: the CORS configuration is deleted, and the server confirms the Space has none."
        elif stored == rules:
            note = f"Applied. The server now stores {summary(stored)}"
        else:
            note = (
                "Applied, but the server stored the rules differently from what was sent; the table "
                f"now shows what it stores: {summary(stored)}"
            )
        self._show_stored(stored, note)

    def revert(self) -> None:
        """Show the rules as last read from the server again."""
        if self._stored is not None:
            self._show_rules(self._stored)
            self.problem_label.set_problem("")
            self._update()

    def set_unsupported(self, error: SpacesError | str) -> None:
        """Turn the editor off with "This server does not support CORS rules" (the server's words as tooltip)."""
        self._busy = False
        self.disabled_message = UNSUPPORTED
        self.unsupported_label.setText(UNSUPPORTED)
        self.unsupported_label.setToolTip(error.message if isinstance(error, SpacesError) else error)
        self.unsupported_label.show()
        self.content.hide()
        self._stored = None
        self._update()

    # -- commands ----------------------------------------------------------------------

    def _run(self, coro: Awaitable[None]) -> None:
        self._spawn(self._reporting(coro))

    async def _reporting(self, coro: Awaitable[None]) -> None:
        try:
            await coro
        except SpacesError as error:
            self._set_busy(False, "")
            self.problem_label.set_problem(error.message)

    async def _apply_clicked(self) -> None:
        with contextlib.suppress(SpacesError):  # apply() shows it here
            await self.apply()

    def _confirm_delete(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Delete CORS Configuration",
            f"Delete every CORS rule of “{self.bucket}”?\n\nWeb pages on other sites will no "
            "longer be allowed to read from or upload to this Space from a browser.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("deleteCorsBox")
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.last_dialog = box

        def on_finished(_result: int) -> None:
            if box.clickedButton() is delete:
                self._run(self._delete())

        box.finished.connect(on_finished)
        box.open()

    async def _delete(self) -> None:
        self._set_busy(True, "Deleting the CORS configuration…")
        try:
            await self._service.delete(self._account_id, self.bucket)
        except SpacesError as error:
            self._set_busy(False, "")
            self.problem_label.set_problem(f"The CORS configuration was not deleted. {error.message}")
            return
        self._show_stored((), "CORS configuration deleted; the server confirms the Space has none.")

    async def _test(self, request: PreflightRequest) -> None:
        self.preflight_panel.set_busy(True)
        try:
            result = await self._service.test(self._account_id, self.bucket, request)
        except SpacesError as error:
            self.preflight_panel.show_problem(f"The test requests failed. {error.message}")
            return
        finally:
            self.preflight_panel.set_busy(False)
        if self._stored is not None and result.stored != self._stored:
            if self.has_changes():
                self.status_label.setText(
                    "The server's rules changed since they were read (another app?). "
                    f"It now stores {summary(result.stored)}"
                )
            else:
                self._show_stored(
                    result.stored,
                    f"The server's rules changed since they were read: {summary(result.stored)}",
                )
        self.preflight_panel.show_result(result, self.model.rules)

    # -- keeping the views in step -----------------------------------------------------

    def _show_stored(self, stored: tuple[CorsRule, ...], note: str) -> None:
        self._stored = stored
        self._busy = False
        self._show_rules(stored)
        self.problem_label.set_problem("")
        self.status_label.setText(note)
        self._update()

    def _show_rules(self, rules: tuple[CorsRule, ...]) -> None:
        self.model.set_rules(rules)
        self.xml_view.show_rules(rules)
        self._validate()

    def _on_model_rules_edited(self) -> None:
        self.xml_view.show_rules(self.model.rules)
        self._validate()
        self._update()

    def _on_xml_view_rules_typed(self, rules: tuple[CorsRule, ...]) -> None:
        self.model.set_rules(rules)
        self._validate()
        self._update()

    def _on_xml_view_error_changed(self, _error: CorsXmlError | None) -> None:
        self._validate()
        self._update()

    def _validate(self) -> None:
        """Mark every problem on its cell, and list the first few under the tabs."""
        problems = validate_rules(self.model.rules)
        self.model.set_problems(problems)
        if self.xml_view.error is not None:
            self.problem_label.set_problem(self.xml_view.error.describe())
            return
        lines = [p.describe() for p in problems[:SHOWN_PROBLEMS]]
        if len(problems) > SHOWN_PROBLEMS:
            lines.append(f"… and {len(problems) - SHOWN_PROBLEMS} more (each marked on its cell).")
        self.problem_label.set_problem("\n".join(lines))

    def _set_busy(self, busy: bool, status: str) -> None:
        self._busy = busy
        if status:
            self.status_label.setText(status)
        self._update()

    def _update(self) -> None:
        loaded = self._stored is not None and not self._busy
        changes = self.has_changes()
        self.tabs.setEnabled(loaded)  # no edits while a write is under way: its answer replaces them
        # Not with a rule marked wrong: the server would refuse it, or worse, take a typo.
        valid = self.xml_view.error is None and not validate_rules(self.model.rules)
        self.apply_button.setEnabled(loaded and changes and valid)
        self.apply_button.setToolTip("" if valid else "Correct what is marked first")
        self.revert_button.setEnabled(loaded and changes)
        self.delete_button.setEnabled(loaded and bool(self._stored))
        self.changed.emit()
