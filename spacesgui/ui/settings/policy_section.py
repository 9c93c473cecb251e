"""The Policy page: the bucket policy as JSON, checked as it is typed (line and column of a
mistake), formatted on request, started from templates, or deleted."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtGui import QColor, QFontDatabase, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.bucket_policy import (
    add_statements,
    format_policy,
    policy_problem,
    public_read_template,
    referrer_template,
    same_policy,
)
from spacesgui.core.errors import InvalidInput
from spacesgui.qtmodels.legible_colors import error_text
from spacesgui.ui.naming import named
from spacesgui.ui.settings.settings_section import SectionPage, SpaceContext

ERROR_LINE_ALPHA = 48  # the error line's tint: the palette's error red, faint enough to read through


class PolicySection(SectionPage[str]):
    """The bucket policy of one Space. GUI thread only."""

    title = "Policy"
    what = "bucket policies"
    intro = (
        "A bucket policy says, in JSON, who may do what with this Space and its files: for example "
        "that anyone may read the files in one folder. It applies on top of each file's own access."
    )

    def __init__(self, context: SpaceContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.last_dialog: QDialog | None = None  # a template's question, for tests
        self.editor = named(QPlainTextEdit(self.body), "policyEditor", "Bucket policy (JSON)")
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setPlaceholderText("No policy. Write one, or start from a template.")
        self.editor.textChanged.connect(self._on_editor_text_changed)
        self.format_button = named(QPushButton("Format", self.body), "policyFormat", "Format the policy")
        self.format_button.setToolTip("Indent the policy's JSON")
        self.format_button.clicked.connect(self.format)
        self.templates_button = named(QPushButton(self.body), "policyTemplates", "Templates")
        self.templates_button.setText("Templates")
        menu = QMenu(self.templates_button)
        self.public_read_action = menu.addAction("Anyone May Read One Folder…", self.ask_public_read)
        self.referrer_action = menu.addAction("Serve Files Only to Some Sites…", self.ask_referrers)
        self.templates_button.setMenu(menu)
        self.delete_button = named(
            QPushButton("Delete Policy", self.body), "policyDelete", "Delete the policy"
        )
        self.delete_button.setToolTip("Remove the whole policy when you apply")
        self.delete_button.setEnabled(False)  # until a policy is read from the server
        self.delete_button.clicked.connect(self.editor.clear)
        tools = QHBoxLayout()
        tools.addWidget(self.format_button)
        tools.addWidget(self.templates_button)
        tools.addStretch(1)
        tools.addWidget(self.delete_button)
        column = QVBoxLayout(self.body)
        column.setContentsMargins(0, 8, 0, 0)
        column.addLayout(tools)
        column.addWidget(self.editor, 1)

    async def _read(self) -> str:
        return await self.context.service.policy(self.context.account_id, self.context.bucket)

    def _show(self, value: str) -> None:
        text = value
        if value.strip():
            # Servers keep it on one line. Not JSON: shown as held; the problem line says why.
            with contextlib.suppress(InvalidInput):
                text = format_policy(value)
        self.editor.setPlainText(text)

    def _current(self) -> str:
        return self.editor.toPlainText()

    def _same(self, first: str, second: str) -> bool:
        return same_policy(first, second)

    def problems(self) -> list[str]:
        text = self.editor.toPlainText()
        problem = policy_problem(text) if text.strip() else None
        return [problem.message] if problem else []

    async def _write(self, value: str) -> None:
        await self.context.service.set_policy(self.context.account_id, self.context.bucket, value)

    def _edited(self) -> None:
        super()._edited()
        deleting = bool(self._loaded and self._loaded.strip()) and not self.editor.toPlainText().strip()
        if deleting and not self._busy:
            self._set_status("The policy will be deleted when you apply.")
        elif self.status_label.text().startswith("The policy will be deleted"):
            self._set_status("")
        # Only a policy the server holds can be deleted; an unsaved draft is just text.
        stored = bool(self._loaded and self._loaded.strip())
        self.delete_button.setEnabled(stored and bool(self.editor.toPlainText().strip()))
        self.delete_button.setToolTip(
            "Remove the whole policy when you apply"
            if stored
            else "This Space has no policy to delete (clear the text to drop a draft)"
        )
        self.format_button.setEnabled(bool(self.editor.toPlainText().strip()))

    def _on_editor_text_changed(self) -> None:
        self._mark_problem()
        self._edited()

    def _mark_problem(self) -> None:
        """Tint the line the JSON problem is on (palette-aware red), or nothing."""
        text = self.editor.toPlainText()
        problem = policy_problem(text) if text.strip() else None
        if problem is None or problem.line < 1:
            self.editor.setExtraSelections([])
            return
        block = self.editor.document().findBlockByLineNumber(problem.line - 1)
        tint = QColor(error_text(self.editor.palette()))
        tint.setAlpha(ERROR_LINE_ALPHA)
        line_format = QTextCharFormat()
        line_format.setBackground(tint)
        line_format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        selection = QTextEdit.ExtraSelection()
        selection.format = line_format  # assigned whole: the attribute is a copy in PySide
        selection.cursor = QTextCursor(block)
        self.editor.setExtraSelections([selection])

    # -- tools ----------------------------------------------------------------------------
    def format(self) -> None:
        """Indent the policy; a policy that is not JSON says where it is not."""
        try:
            formatted = format_policy(self.editor.toPlainText())
        except InvalidInput as error:
            self.problems_label.set_problem(error.message)
            return
        if formatted != self.editor.toPlainText():
            self.editor.setPlainText(formatted)

    def ask_public_read(self) -> None:
        self._ask(
            "Anyone May Read One Folder",
            "Anyone with a file's address may read the files in this folder (empty: every file). "
            "Listing stays private.\n\nFolder:",
            "public/",
            lambda answer: public_read_template(self.context.bucket, answer.strip().lstrip("/")),
        )

    def ask_referrers(self) -> None:
        self._ask(
            "Serve Files Only to Some Sites",
            "Refuse to serve files unless the request comes from a page of these sites (separate "
            "several with spaces). Browsers say which page asked; other programs can pretend, so "
            "this stops hot-linking, not copying. Files must still be readable by everyone "
            "(public, or allowed by another statement).\n\nSites:",
            "https://example.com/*",
            lambda answer: referrer_template(self.context.bucket, answer.split()),
        )

    def _ask(self, title: str, label: str, suggestion: str, make: Callable[[str], str]) -> None:
        dialog = QInputDialog(self)
        dialog.setObjectName("policyTemplateDialog")
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(suggestion)
        self.last_dialog = dialog

        def on_finished(result: int) -> None:
            if result != QDialog.DialogCode.Accepted:
                return
            try:
                template = make(dialog.textValue())
            except InvalidInput as error:
                self.problems_label.set_problem(error.message)
                return
            # Added to a policy already there, so a template never drops statements.
            self.editor.setPlainText(add_statements(self.editor.toPlainText(), template))

        dialog.finished.connect(on_finished)
        dialog.open()
