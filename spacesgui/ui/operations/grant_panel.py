"""The grant editor's two ways to choose: every grant in a table, or Private / Public (DigitalOcean)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.access import (
    ADDABLE_KINDS,
    AccessPolicy,
    GranteeKind,
    Permission,
    canned_policy,
    make_grant,
)
from spacesgui.core.errors import InvalidInput
from spacesgui.core.transfers import PRIVATE, PUBLIC_READ
from spacesgui.qtmodels.grant_model import GrantColumn, GrantTableModel
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.problem_label import ProblemLabel

IDENTITY_HINTS = {
    GranteeKind.CANONICAL: "The account's canonical id",
    GranteeKind.EMAIL: "name@example.com",
}


class GrantTablePanel(QWidget):
    """Every grant as a row; add one (who, what) below the table, remove the selected ones.

    `edited` is emitted after each change. GUI thread only.
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = GrantTableModel(self)
        self.table = named(QTableView(self), "grantTable", "Permissions")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(GrantColumn.WHO, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(GrantColumn.PERMISSION, QHeaderView.ResizeMode.ResizeToContents)
        self.kind_box = named(QComboBox(self), "grantKindBox", "Who")
        for kind in ADDABLE_KINDS:
            self.kind_box.addItem(kind.label, kind)
        self.identity_edit = named(QLineEdit(self), "grantIdentityEdit", "Canonical id or e-mail address")
        self.permission_box = named(QComboBox(self), "grantPermissionBox", "May")
        for permission in Permission:
            self.permission_box.addItem(permission.label, permission)
            self.permission_box.setItemData(self.permission_box.count() - 1, permission.value)
        self.add_button = named(QPushButton("Add", self), "addGrantButton", "Add permission")
        self.remove_button = named(QPushButton("Remove", self), "removeGrantButton", "Remove permission")
        self.problem_label = named(ProblemLabel(self), "grantProblem", "What is wrong")
        self.kind_box.currentIndexChanged.connect(self._on_kind_box_changed)
        self.add_button.clicked.connect(self.add_from_form)
        self.identity_edit.returnPressed.connect(self.add_from_form)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_remove)

        form = QGridLayout()
        form.addWidget(self.kind_box, 0, 0)
        form.addWidget(self.permission_box, 0, 1)
        form.addWidget(self.identity_edit, 1, 0, 1, 2)
        form.setColumnStretch(0, 1)
        form.setColumnStretch(1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addLayout(buttons)
        self._on_kind_box_changed()
        self._update_remove()

    def set_policy(self, policy: AccessPolicy) -> None:
        self.model.set_policy(policy)
        self.problem_label.set_problem("")
        self._update_remove()

    def policy(self) -> AccessPolicy:
        return self.model.policy

    def choose(self, kind: GranteeKind, permission: Permission, identity: str = "") -> None:
        """Fill the add form (the user's three choices), without adding."""
        self.kind_box.setCurrentIndex(self.kind_box.findData(kind))
        self.permission_box.setCurrentIndex(self.permission_box.findData(permission))
        self.identity_edit.setText(identity)

    def add_from_form(self) -> None:
        kind = GranteeKind(self.kind_box.currentData())
        permission = Permission(self.permission_box.currentData())
        try:
            grant = make_grant(kind, permission, self.identity_edit.text(), self.model.policy)
        except InvalidInput as problem:
            self.problem_label.set_problem(problem.message)
            self.identity_edit.setFocus()
            return
        if not self.model.add(grant):
            self.problem_label.set_problem(f"{grant.who} may already: {permission.label.lower()}.")
            return
        self.problem_label.set_problem("")
        self.identity_edit.clear()
        self.edited.emit()

    def remove_selected(self) -> None:
        rows = [index.row() for index in self.table.selectionModel().selectedRows()]
        if rows:
            self.model.remove_rows(rows)
            self._update_remove()
            self.edited.emit()

    def _on_kind_box_changed(self) -> None:
        kind = GranteeKind(self.kind_box.currentData())
        self.identity_edit.setEnabled(kind.needs_identity)
        self.identity_edit.setPlaceholderText(IDENTITY_HINTS.get(kind, "No address needed"))
        self.problem_label.set_problem("")

    def _update_remove(self) -> None:
        self.remove_button.setEnabled(self.table.selectionModel().hasSelection())


class CannedChoicePanel(QWidget):
    """Private or Public (read): all DigitalOcean keeps. `edited` is emitted on a choice. GUI thread only."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.private_radio = named(QRadioButton("Private", self), "privateRadio", "Private")
        self.public_radio = named(QRadioButton("Public (read)", self), "publicRadio", "Public (read)")
        private_note = MutedLabel("Only this account's keys can read the file.", self)
        public_note = MutedLabel("Anyone on the internet who has its address can read it.", self)
        self.custom_note = named(MutedLabel("", self), "cannedCustomNote")
        self.custom_note.setWordWrap(True)
        self.custom_note.hide()
        self._owner = AccessPolicy("")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for radio, note in ((self.private_radio, private_note), (self.public_radio, public_note)):
            layout.addWidget(radio)
            note.setContentsMargins(24, 0, 0, 6)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(self.custom_note)
        layout.addStretch(1)
        self.private_radio.toggled.connect(self._on_radio_toggled)
        self.public_radio.toggled.connect(self._on_radio_toggled)

    def set_policy(self, policy: AccessPolicy) -> None:
        self._owner = policy
        canned = policy.canned
        for radio, acl in ((self.private_radio, PRIVATE), (self.public_radio, PUBLIC_READ)):
            radio.blockSignals(True)
            radio.setAutoExclusive(False)  # so neither may be checked, for a custom ACL
            radio.setChecked(canned == acl)
            radio.setAutoExclusive(True)
            radio.blockSignals(False)
        self.custom_note.setText(
            "This file has other permissions too; choosing one of these replaces them all."
            if not canned
            else ""
        )
        self.custom_note.setVisible(not canned)

    def chosen(self) -> str:
        if self.public_radio.isChecked():
            return PUBLIC_READ
        return PRIVATE if self.private_radio.isChecked() else ""

    def policy(self) -> AccessPolicy:
        """What the file's ACL will be once the choice is applied (the one read, when none is made)."""
        chosen = self.chosen()
        if not chosen:
            return self._owner
        return canned_policy(self._owner.owner_id, chosen, self._owner.owner_name)

    def _on_radio_toggled(self, checked: bool) -> None:
        if checked:
            self.edited.emit()
