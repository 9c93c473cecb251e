"""Ask for an account's secret key when it is needed and not at hand, without blocking the loop.

The dialog opens with `open()` (never `exec()` inside a coroutine); `SecretAsker` is the
`SecretPrompt` the account service awaits.
"""

from __future__ import annotations

import asyncio
from html import escape

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.accounts import Account
from spacesgui.services.account_service import SecretAnswer
from spacesgui.ui.naming import named


class SecretDialog(QDialog):
    """“Enter the secret key for …”, with Show and Remember; `answer()` once accepted."""

    def __init__(self, account: Account, reason: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "secretDialog", "Secret key needed")
        self.setWindowTitle("Secret Key Needed")
        self.setMinimumWidth(460)
        intro = named(QLabel(self), "secretIntro")
        intro.setWordWrap(True)
        intro.setText(
            f"<b>Enter the secret key for “{escape(account.name)}”.</b><br>"
            f"Access key {escape(account.access_key_id)} at {escape(account.endpoint_url)}."
            + (f"<br><br>{escape(reason)}" if reason else "")
        )
        self.secret_edit = named(QLineEdit(self), "secretEdit", "Secret key")
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_edit.setPlaceholderText("Secret key")
        show = named(QCheckBox("Show", self), "showSecretCheck")
        show.toggled.connect(self._on_show_toggled)
        row = QHBoxLayout()
        row.addWidget(self.secret_edit, 1)
        row.addWidget(show)
        self.remember_check = named(
            QCheckBox("Remember the secret key in the system keyring", self), "rememberCheck"
        )
        self.remember_check.setChecked(account.in_keyring)
        self.remember_check.setToolTip("Unticked, spacesgui asks again after you quit.")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.secret_edit.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.remember_check)
        layout.addWidget(self.buttons)

    def _on_show_toggled(self, shown: bool) -> None:
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)

    def answer(self) -> SecretAnswer:
        return SecretAnswer(self.secret_edit.text().strip(), self.remember_check.isChecked())


class SecretAsker:
    """The `SecretPrompt` the account service awaits; `last_dialog` is for tests."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent
        self.last_dialog: SecretDialog | None = None

    async def __call__(self, account: Account, reason: str) -> SecretAnswer | None:
        future: asyncio.Future[SecretAnswer | None] = asyncio.get_running_loop().create_future()
        dialog = SecretDialog(account, reason, self._parent)
        self.last_dialog = dialog

        def on_finished(result: int) -> None:
            if not future.done():
                future.set_result(dialog.answer() if result == QDialog.DialogCode.Accepted else None)
            dialog.deleteLater()

        dialog.finished.connect(on_finished)
        dialog.open()
        return await future
