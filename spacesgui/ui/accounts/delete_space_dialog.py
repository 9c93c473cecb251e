"""The question before a Space with objects is emptied and deleted: its name typed to confirm.

Deleting every object of a Space is the one action here that cannot be undone at any
scale, so it is not one click in a box that looks like a single file's delete: as in
DigitalOcean's control panel, Delete All is enabled only once the Space's name is typed.
Cancel stays the default button, so Enter never deletes. GUI thread only.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from spacesgui.ui.naming import named


class DeleteSpaceDialog(QDialog):
    """Asks to delete `bucket` and all it holds; `abort_check` is there when uploads are pending."""

    def __init__(
        self, bucket: str, question: str, details: str, uploads_choice: str, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        named(self, "deleteSpaceBox", "Delete Space")
        self.setWindowTitle("Delete Space")
        self._bucket = bucket
        icon = QLabel(self)
        side = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize, None, self)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(side, side)
        )
        self.question = QLabel(f"<b>{escape(question)}</b>", self)
        self.question.setWordWrap(True)
        self.details = QLabel(details, self)
        self.details.setWordWrap(True)
        self.prompt = QLabel(f"To confirm, type the Space's name, “{escape(bucket)}”:", self)
        self.prompt.setWordWrap(True)
        self.name_edit = named(QLineEdit(self), "deleteSpaceNameEdit", "The Space's name, to confirm")
        self.prompt.setBuddy(self.name_edit)
        self.abort_check: QCheckBox | None = None
        if uploads_choice:
            self.abort_check = named(QCheckBox(uploads_choice, self), "abortUploadsCheck", uploads_choice)
            self.abort_check.setChecked(True)
        buttons = QDialogButtonBox(self)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.delete_button: QPushButton = buttons.addButton(
            "Delete All", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.delete_button.setObjectName("deleteSpaceButton")
        self.delete_button.setEnabled(False)
        self.delete_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)  # Enter never deletes
        self.delete_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        self.name_edit.textChanged.connect(self._on_name_edit_text_changed)

        text = QVBoxLayout()
        for widget in (self.question, self.details, self.prompt, self.name_edit):
            text.addWidget(widget)
        if self.abort_check is not None:
            text.addWidget(self.abort_check)
        row = QHBoxLayout()
        row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Wrapped labels: tall enough for their lines at this width, and wide enough for
        # the check box, which does not wrap (a dialog opens at a height for one line each).
        layout = self.layout()
        assert layout is not None
        layout.activate()
        width = max(self.width(), layout.totalMinimumSize().width())
        self.resize(width, max(self.height(), layout.totalHeightForWidth(width)))

    def _on_name_edit_text_changed(self, text: str) -> None:
        # Exactly the name: Space names are lower case, and a near miss is not a yes.
        self.delete_button.setEnabled(text.strip() == self._bucket)
