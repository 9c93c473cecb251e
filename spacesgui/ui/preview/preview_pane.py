"""The preview pane beside the object view: a picture, text, a table, Markdown or a details card.

It only shows what it is given (PreviewFeature decides what and when). GUI thread only.
"""

from __future__ import annotations

import re
import unicodedata
from html import escape

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import (
    QContextMenuEvent,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QKeySequence,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QSizePolicy,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.filetypes import type_label
from spacesgui.core.formatting import human_time
from spacesgui.core.keys import basename
from spacesgui.core.preview import PreviewKind, size_text
from spacesgui.core.transfers import ENGINE_METADATA
from spacesgui.services.preview_service import Preview
from spacesgui.ui.context_menu import show_once
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named

MIN_WIDTH = 220  # the narrowest the pane is made while the list keeps 60% of the two
NARROW_WIDTH = 120  # in a narrow window (480 px) it gives way further, or the list had 90 px
DEFAULT_WIDTH = 340


class PreviewPane(QWidget):
    """Shows one Preview, a “Loading…” line, or why there is nothing to show."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "previewPane", "Preview")
        self.setMinimumWidth(MIN_WIDTH)  # NARROW_WIDTH in a narrow window (PreviewFeature)
        self.key = ""  # the object shown or loading ("" for none)
        self._image = QImage()
        self.title = named(QLabel(self), "previewTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title.setStyleSheet("font-weight: bold; font-size: 14px;")
        self.caption = named(MutedLabel("", self), "previewCaption")
        self.caption.setWordWrap(True)
        self.note = named(MutedLabel("", self), "previewNote")
        self.note.setWordWrap(True)
        self.stack = QStackedWidget(self)
        self.message = named(MutedLabel("", self), "previewMessage", "Preview message")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.image_label = named(QLabel(self), "previewImage", "Picture")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.image_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.text = named(QPlainTextEdit(self), "previewText", "Text")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.markdown = named(QTextBrowser(self), "previewMarkdown", "Markdown")
        self.markdown.setOpenExternalLinks(True)
        self.table = named(QTableWidget(self), "previewTable", "Table")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.details = named(CardLabel(self), "previewDetails", "Details")
        self.details.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for page in (self.message, self.image_label, self.text, self.markdown, self.table, self.details):
            self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.caption)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.note)
        self.show_message("Select a file to preview it.")

    # -- what the feature calls -----------------------------------------------
    def show_message(self, text: str, key: str = "") -> None:
        """No preview: say why (nothing selected, several items, loading)."""
        self.key = key
        self._image = QImage()
        self.title.setText(escape(basename(key)) if key else "")
        self.title.setVisible(bool(key))
        self.caption.setText("")
        self.note.setText("")
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)

    def show_loading(self, key: str) -> None:
        self.show_message("Loading…", key)

    def show_preview(self, preview: Preview) -> None:
        self.key = preview.key
        self._image = QImage()
        self.title.setText(escape(basename(preview.key)))
        self.title.setVisible(True)
        self.caption.setText(_caption(preview))
        self.note.setText(preview.note)
        if preview.error is not None:
            self.message.setText(f"No preview. {preview.note or preview.error.message}")
            self.note.setText("")
            self.stack.setCurrentWidget(self.message)
        elif preview.kind == PreviewKind.IMAGE and preview.image is not None:
            self._image = preview.image
            self._fit_image()
            self.stack.setCurrentWidget(self.image_label)
        elif preview.kind == PreviewKind.MARKDOWN:
            self.markdown.setMarkdown(preview.text)
            self.stack.setCurrentWidget(self.markdown)
        elif preview.kind == PreviewKind.CSV and preview.rows:
            self._fill_table(preview.rows)
            self.stack.setCurrentWidget(self.table)
        elif preview.kind in (PreviewKind.TEXT, PreviewKind.CODE, PreviewKind.JSON, PreviewKind.CSV):
            self.text.setPlainText(preview.text)
            self.stack.setCurrentWidget(self.text)
        elif preview.kind == PreviewKind.FOLDER:
            self.caption.setText("Folder")
            self.message.setText("A folder. Open it to see what it holds.")
            self.stack.setCurrentWidget(self.message)
        else:
            self.caption.setText("")  # the card says it all, row by row
            self.details.setText(_details_html(preview))
            self.stack.setCurrentWidget(self.details)

    @property
    def image(self) -> QImage:
        """The picture shown (null when none), at the size it was decoded."""
        return self._image

    # -- drawing ----------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_image()

    def _fit_image(self) -> None:
        if self._image.isNull():
            self.image_label.clear()
            return
        area = self.stack.size()
        ratio = self.devicePixelRatioF()
        width, height = max(1, int(area.width() * ratio)), max(1, int(area.height() * ratio))
        image = self._image
        if image.width() > width or image.height() > height:
            image = image.scaled(
                width, height, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self.image_label.setPixmap(pixmap)

    def _fill_table(self, rows: tuple[tuple[str, ...], ...]) -> None:
        header, body = rows[0], rows[1:]
        columns = max(len(r) for r in rows)
        self.table.clear()
        self.table.setColumnCount(columns)
        self.table.setRowCount(len(body))
        self.table.setHorizontalHeaderLabels(list(header) + [""] * (columns - len(header)))
        for r, row in enumerate(body):
            for c, cell in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(cell))
        self.table.resizeColumnsToContents()


ZERO_WIDTH_SPACE = "\u200b"


def _caption(preview: Preview) -> str:
    if preview.kind == PreviewKind.FOLDER:
        return "Folder"
    parts = [type_label(basename(preview.key)), size_text(preview.size)]
    if preview.last_modified:
        parts.append(f"modified {human_time(preview.last_modified)}")
    return " — ".join(parts)


def _details_html(preview: Preview) -> str:
    rows = [
        ("Kind", type_label(basename(preview.key))),
        ("Size", size_text(preview.size)),
        ("Content type", preview.content_type or "—"),
        ("Modified", human_time(preview.last_modified) if preview.last_modified else "—"),
    ]
    details = preview.details
    if details is not None:
        headers = details.headers  # those set: what a Properties edit changed shows here too
        rows += [
            (name, value)
            for name, value in (
                ("Cache-Control", headers.cache_control),
                ("Content-Disposition", headers.content_disposition),
                ("Content-Encoding", headers.content_encoding),
            )
            if value
        ]
        rows += [("Storage class", details.storage_class.replace("_", " ").title()), ("ETag", details.etag)]
        if details.encryption:
            rows.append(("Encryption", details.encryption))
    # The engine's own checksums are not the user's metadata (Properties does not show them).
    shown = {name: value for name, value in preview.metadata.items() if name not in ENGINE_METADATA}
    rows += [(f"Metadata: {name}", value) for name, value in sorted(shown.items())]
    # Each name above its value, not a table: a table's columns are as wide as their longest
    # word, so in a narrow pane the values ran off its edge ("Fo", "76", "fo"); a paragraph
    # breaks a long value (an ETag, a type) anywhere when it must.
    return "".join(
        f"<p style='margin-top:0; margin-bottom:6px'><b>{escape(name)}</b><br>{escape(_breakable(value))}</p>"
        for name, value in rows
    )


def _breakable(value: str, every: int = 12) -> str:
    """`value` with places to break inside its long words (an ETag, a file name): a label
    wraps only between words, so one 32-digit ETag kept the card wider than a narrow pane.
    Never before a combining mark, which would part an accent from its letter."""

    def cut(word: str) -> str:
        out, run = [], 0
        for i, char in enumerate(word):
            out.append(char)
            run += 1
            following = word[i + 1] if i + 1 < len(word) else ""
            if run >= every and following and not unicodedata.combining(following):
                out.append(ZERO_WIDTH_SPACE)
                run = 0
        return "".join(out)

    return re.sub(rf"\S{{{every * 2},}}", lambda word: cut(word[0]), value)


class CardLabel(QLabel):
    """The details card: its text can be selected and copied, without the invisible places
    to break that `_breakable` put in long values (a copied ETag must be the ETag)."""

    def event(self, event: QEvent) -> bool:
        # Ctrl+C with text selected here copies that text, not the file's path (the window's
        # Copy holds the key everywhere else).
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Copy)
            and self.hasSelectedText()
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy) and self.hasSelectedText():
            self._copy()
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        copy = menu.addAction("Copy", self._copy)
        copy.setEnabled(self.hasSelectedText())
        show_once(menu, event.globalPos())

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.selectedText().replace(ZERO_WIDTH_SPACE, ""))
