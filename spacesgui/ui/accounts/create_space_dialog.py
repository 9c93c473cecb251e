"""Create a Space: a name checked against the naming rules as you type, and a region."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.naming import bucket_name_problem
from spacesgui.qtmodels.legible_colors import status_text
from spacesgui.ui.naming import named


class CreateSpaceDialog(QDialog):
    def __init__(
        self,
        regions: list[str],
        region: str,
        parent: QWidget | None = None,
        existing: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(parent)
        self._existing = existing
        self.setObjectName("createSpaceDialog")
        self.setWindowTitle("New Space")
        self.setMinimumWidth(420)
        self.name_edit = named(QLineEdit(placeholderText="my-space"), "spaceNameEdit")
        self.name_edit.setAccessibleName("Space name")
        self.region_combo = named(QComboBox(editable=True), "spaceRegionCombo")
        self.region_combo.setAccessibleName("Region")
        self.region_combo.addItems(regions or [region])
        self.region_combo.setCurrentText(region)
        self.problem_label = named(QLabel(wordWrap=True), "spaceNameProblem")
        self.problem_label.setStyleSheet(f"color: {status_text(self.palette(), ok=False).name()};")
        form = QFormLayout()
        form.addRow("Name:", self.name_edit)
        form.addRow("Region:", self.region_combo)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.name_edit.textChanged.connect(self._on_name_changed)
        self._on_name_changed("")

    def _on_name_changed(self, text: str) -> None:
        problem = bucket_name_problem(text.strip())
        if problem is None and text.strip() in self._existing:
            problem = f"You already have a Space named “{text.strip()}”."
        self.problem_label.setText(problem if text and problem else "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)

    def name(self) -> str:
        return str(self.name_edit.text().strip())

    def region(self) -> str:
        return str(self.region_combo.currentText().strip())
