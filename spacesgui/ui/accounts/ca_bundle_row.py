"""The account dialog's “CA certificate” row: a PEM file the server's certificate is checked against.

Connections are always verified; this only says against what. Empty means the usual
public authorities (DigitalOcean, AWS, any server with a public certificate). GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from spacesgui.core.errors import InvalidInput
from spacesgui.core.tls import ca_bundle_message
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named

HINT = (
    "The server's certificate is always verified. Leave this empty for servers with a public "
    "certificate; for a MinIO, Ceph or other server with its own certificate authority, choose "
    "that authority's certificate (a PEM file)."
)
PEM_FILTER = "Certificates (*.pem *.crt *.cer);;All files (*)"


class CaBundleRow(QWidget):
    """A path field, a Choose… button and the hint; `checked_path()` for the account."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = named(
            # Short enough to show whole in the dialog's narrowest width; the hint says the rest.
            QLineEdit(placeholderText="Optional: a PEM file"),
            "caBundleEdit",
            "CA certificate file",
        )
        self.choose_button = named(
            QPushButton("Choose…"), "caBundleChooseButton", "Choose a CA certificate file"
        )
        self.choose_button.clicked.connect(self._on_choose_clicked)
        self.hint = named(MutedLabel(HINT, self), "caBundleHint")  # a note under the field, still legible
        self.hint.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.choose_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.hint)

    def set_path(self, path: str) -> None:
        self.edit.setText(path)

    def checked_path(self) -> str:
        """The file as an absolute path, or "" for none; InvalidInput when it is not a readable file.

        Whether it holds certificates is checked when a connection is made (Test Connection).
        """
        text = self.edit.text().strip()
        if not text:
            return ""
        path = Path(text).expanduser()
        if not path.is_absolute():
            raise InvalidInput(ca_bundle_message(text, "give the full path of the file"))
        if path.is_dir():
            raise InvalidInput(ca_bundle_message(text, "it is a folder, not a file"))
        if not path.is_file():
            raise InvalidInput(ca_bundle_message(text, "there is no such file"))
        return str(path)

    def _on_choose_clicked(self) -> None:
        start = self.edit.text().strip() or str(Path.home())
        path, _filter = QFileDialog.getOpenFileName(self, "Choose a CA Certificate", start, PEM_FILTER)
        if path:
            self.edit.setText(path)
            self.edit.textEdited.emit(path)  # the dialog clears an old test result on an edit
