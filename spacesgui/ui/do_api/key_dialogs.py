"""The dialogs of the DigitalOcean keys window: a new key's name and access, and the new
key's secret, shown once, with Save as Account. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.accounts import DIGITALOCEAN_REGIONS
from spacesgui.core.do_api import (
    FULL_ACCESS,
    PERMISSION_LABELS,
    CreatedKey,
    KeyGrant,
    Permission,
    check_key_request,
)
from spacesgui.core.errors import SpacesError
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.problem_label import ProblemLabel


class CreateKeyDialog(QDialog):
    """A new key's name, and full access or per-Space grants (read, read and write, full)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("doCreateKeyDialog")
        self.setWindowTitle("Create Spaces Key")
        self.name_edit = named(QLineEdit(self), "createKeyName", "Key name")
        self.name_edit.setPlaceholderText("A name to tell it apart, e.g. website deploy")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 60)  # was ~280 px
        self.full_radio = named(QRadioButton("Full access to every Space", self), "createKeyFull")
        self.scoped_radio = named(QRadioButton("Only these Spaces:", self), "createKeyScoped")
        self.full_radio.setChecked(True)
        self.grants_table = named(QTableWidget(0, 2, self), "createKeyGrants", "Spaces and access")
        self.grants_table.setHorizontalHeaderLabels(["Space", "Access"])
        self.grants_table.horizontalHeader().setStretchLastSection(True)
        self.add_button = named(QPushButton("Add Space", self), "createKeyAddSpace")
        self.remove_button = named(QPushButton("Remove", self), "createKeyRemoveSpace")
        self.add_button.clicked.connect(lambda: self.add_grant("", Permission.READ))
        self.remove_button.clicked.connect(self._remove_current)
        self.problem_label = named(ProblemLabel(self), "createKeyProblem", "What is wrong")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.create_button = named(
            self.buttons.addButton("Create", QDialogButtonBox.ButtonRole.AcceptRole), "createKeyCreate"
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for signal in (self.name_edit.textChanged, self.full_radio.toggled, self.grants_table.itemChanged):
            signal.connect(self._check)
        form = QFormLayout()
        form.addRow("Name:", self.name_edit)
        rows = QHBoxLayout()
        rows.addWidget(self.add_button)
        rows.addWidget(self.remove_button)
        rows.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.full_radio)
        layout.addWidget(self.scoped_radio)
        layout.addWidget(self.grants_table)
        layout.addLayout(rows)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self._check()

    def add_grant(self, bucket: str, permission: Permission) -> None:
        """Add a row: a Space and what the key may do there (picks “Only these Spaces”)."""
        row = self.grants_table.rowCount()
        self.grants_table.insertRow(row)
        combo = QComboBox(self.grants_table)
        for choice, label in PERMISSION_LABELS.items():
            combo.addItem(label, choice.value)
        combo.setCurrentIndex(combo.findData(permission.value))
        combo.currentIndexChanged.connect(self._check)
        self.grants_table.setCellWidget(row, 1, combo)
        self.grants_table.setItem(row, 0, QTableWidgetItem(bucket))
        self.scoped_radio.setChecked(True)
        self._check()

    def _remove_current(self) -> None:
        row = self.grants_table.currentRow()
        if row >= 0:
            self.grants_table.removeRow(row)
            self._check()

    def key_name(self) -> str:
        return self.name_edit.text().strip()

    def grants(self) -> list[KeyGrant]:
        if self.full_radio.isChecked():
            return list(FULL_ACCESS)
        grants = []
        for row in range(self.grants_table.rowCount()):
            item = self.grants_table.item(row, 0)
            combo = self.grants_table.cellWidget(row, 1)
            bucket = item.text().strip() if item is not None else ""
            if bucket and isinstance(combo, QComboBox):
                grants.append(KeyGrant(bucket, Permission(combo.currentData())))
        return grants

    def _check(self) -> None:
        problem = ""
        try:
            # An empty name is not yet a mistake: Create waits for it, and the field's hint
            # says what goes there (before, choosing “Only these Spaces” first showed a red
            # “Give the key a name” before anything was typed).
            check_key_request(self.key_name() or "(not named yet)", self.grants())
        except SpacesError as error:
            problem = error.message
        self.problem_label.set_problem(problem)
        self.create_button.setEnabled(not problem and bool(self.key_name()))


class CreatedKeyDialog(QDialog):
    """The new key's access key and secret (shown this once), and Save as Account."""

    def __init__(
        self,
        created: CreatedKey,
        save_account: Callable[[CreatedKey, str, str], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("doCreatedKey")
        self.setWindowTitle(f"Key “{created.key.name}” Created")
        self._created, self._save_account = created, save_account
        warning = QLabel(
            "<b>This is the only time the secret key is shown.</b> Save it as a spacesgui account "
            "(it goes straight to the system keyring) or copy it somewhere safe now.",
            self,
        )
        warning.setWordWrap(True)
        self.access_edit = named(QLineEdit(created.key.access_key, self), "createdAccessKey", "Access key")
        self.secret_edit = named(QLineEdit(created.secret_key, self), "createdSecret", "Secret key")
        for edit in (self.access_edit, self.secret_edit):
            edit.setReadOnly(True)
            edit.setCursorPosition(0)
            edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance(edit.text()) + 16)
        copy_secret = named(QPushButton("Copy", self), "createdCopySecret", "Copy the secret key")
        copy_secret.clicked.connect(lambda: QGuiApplication.clipboard().setText(created.secret_key))
        secret_row = QHBoxLayout()
        secret_row.addWidget(self.secret_edit, 1)
        secret_row.addWidget(copy_secret)
        self.account_name_edit = named(
            QLineEdit(created.key.name, self), "createdAccountName", "Account name"
        )
        self.region_combo = named(QComboBox(self), "createdRegion", "Region")
        self.region_combo.addItems(list(DIGITALOCEAN_REGIONS))
        self.save_button = named(
            QPushButton("Save as Account", self), "createdSaveAccount", "Save as Account"
        )
        self.save_button.clicked.connect(self.save_as_account)
        self.result_label = named(MutedLabel("", self), "createdResult")
        self.result_label.setWordWrap(True)
        self.problem_label = named(ProblemLabel(self), "createdProblem", "What failed")
        form = QFormLayout()
        form.addRow("Access key:", self.access_edit)
        form.addRow("Secret key:", secret_row)
        form.addRow("Account name:", self.account_name_edit)
        form.addRow("Region:", self.region_combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(warning)
        layout.addLayout(form)
        layout.addWidget(self.save_button)
        layout.addWidget(self.result_label)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)

    def save_as_account(self) -> None:
        try:
            name = self._save_account(
                self._created, self.account_name_edit.text(), self.region_combo.currentText()
            )
        except SpacesError as error:
            self.problem_label.set_problem(error.message)
            return
        self.problem_label.set_problem("")
        self.save_button.setEnabled(False)
        self.result_label.setText(f"Saved as the account “{name}”; its secret key is in the system keyring.")
