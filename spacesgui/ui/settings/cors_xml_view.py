"""The CORS rules as S3's CORSConfiguration XML, editable; the line of a mistake is highlighted."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QColor, QFontDatabase, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from spacesgui.core.cors import CorsRule
from spacesgui.core.cors_xml import CorsXmlError, parse_xml, render_xml
from spacesgui.qtmodels.legible_colors import error_text
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named

# How strongly the error line is tinted: enough to find it, light enough to read it.
LINE_TINT_ALPHA = 56


class CorsXmlView(QWidget):
    """Shows rules as XML and parses what is typed, on every change.

    `rules_typed(rules)` follows each edit that parses; `xml_error_changed(error or None)`
    follows each edit (None once it parses again). `show_rules` replaces the text and
    emits neither. GUI thread only.
    """

    rules_typed = Signal(object)  # tuple[CorsRule, ...]
    xml_error_changed = Signal(object)  # CorsXmlError | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._showing = False
        self.error: CorsXmlError | None = None
        self.edit = named(QPlainTextEdit(self), "corsXmlEdit", "CORS configuration as XML")
        self.edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.edit.setTabChangesFocus(True)
        self.edit.textChanged.connect(self._on_edit_text_changed)
        hint = named(
            MutedLabel(
                "The same rules as S3 stores them. Edits here show in the table as soon as they "
                "parse; edits in the table rewrite this text.",
                self,
            ),
            "corsXmlHint",
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(hint)

    def show_rules(self, rules: Sequence[CorsRule]) -> None:
        """Replace the text with `rules` rendered (as edits in the table do); clears any error."""
        text = render_xml(rules)
        if text != self.edit.toPlainText():
            self._showing = True
            try:
                self.edit.setPlainText(text)
            finally:
                self._showing = False
        self._set_error(None)

    def text(self) -> str:
        return self.edit.toPlainText()

    def _on_edit_text_changed(self) -> None:
        if self._showing:
            return
        try:
            rules = parse_xml(self.edit.toPlainText())
        except CorsXmlError as error:
            self._set_error(error)
            return
        self._set_error(None)
        self.rules_typed.emit(rules)

    def _set_error(self, error: CorsXmlError | None) -> None:
        before, self.error = self.error, error
        self._highlight()
        if (before is None) != (error is None) or (
            before and error and before.describe() != error.describe()
        ):
            self.xml_error_changed.emit(error)

    def _highlight(self) -> None:
        selections = []
        if self.error is not None and self.error.line:
            block = self.edit.document().findBlockByNumber(self.error.line - 1)
            if block.isValid():
                selection = QTextEdit.ExtraSelection()
                tint = QColor(error_text(self.edit.palette()))
                tint.setAlpha(LINE_TINT_ALPHA)
                selection.format.setBackground(tint)
                selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
                selection.cursor = QTextCursor(block)
                selections.append(selection)
        self.edit.setExtraSelections(selections)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._highlight()  # the tint follows the palette
