"""The Logging page: write a log of the requests to this Space into another Space."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLineEdit, QWidget

from spacesgui.core.bucket_settings import LoggingConfig, logging_problems
from spacesgui.ui.naming import named
from spacesgui.ui.settings.settings_section import SectionPage, SpaceContext


class LoggingSection(SectionPage[LoggingConfig]):
    """Access logging of one Space. GUI thread only."""

    title = "Logging"
    what = "access logging"
    intro = (
        "The server can write a log of every request made to this Space (who read, wrote or "
        "deleted which file, and when) into another Space. Log files are stored, and paid for, "
        "like any other file."
    )

    def __init__(self, context: SpaceContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.enabled_box = named(
            QCheckBox("Write access logs", self.body), "loggingEnabled", "Write access logs"
        )
        self.target_combo = named(QComboBox(self.body), "loggingTarget", "Target Space")
        self.target_combo.setEditable(True)
        self.target_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.target_combo.setMinimumContentsLength(16)
        line = self.target_combo.lineEdit()
        if line is not None:
            line.setPlaceholderText("another Space of this account")
        self.prefix_edit = named(QLineEdit(self.body), "loggingPrefix", "Log prefix")
        self.prefix_edit.setPlaceholderText(f"logs/{context.bucket}/")
        form = QFormLayout(self.body)
        form.setContentsMargins(0, 8, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.enabled_box)
        form.addRow("Target Space:", self.target_combo)
        form.addRow("Prefix:", self.prefix_edit)
        self.enabled_box.toggled.connect(self._on_enabled_toggled)
        self.target_combo.currentTextChanged.connect(self._edited)
        self.prefix_edit.textChanged.connect(self._edited)
        self._spaces_listed = False

    async def _read(self) -> LoggingConfig:
        service, account_id = self.context.service, self.context.account_id
        config = await service.logging(account_id, self.context.bucket)
        if not self._spaces_listed:  # once: the names only fill the list to choose from
            names = [name for name in await service.space_names(account_id) if name != self.context.bucket]
            self._spaces_listed = True
            self.target_combo.blockSignals(True)
            self.target_combo.addItems(names)
            self.target_combo.blockSignals(False)
        return config

    def _show(self, value: LoggingConfig) -> None:
        self.enabled_box.setChecked(value.enabled)
        self.target_combo.setCurrentText(value.target_bucket)
        self.prefix_edit.setText(value.target_prefix)
        self._update_fields()

    def _current(self) -> LoggingConfig:
        if not self.enabled_box.isChecked():
            return LoggingConfig()
        kept = self._loaded.kept if self._loaded is not None else ""
        # Without a target the setting is "off"; keep the tick visible as a change to fix.
        target = self.target_combo.currentText() or " "
        return LoggingConfig(target, self.prefix_edit.text(), kept)

    def problems(self) -> list[str]:
        current = self._current()
        if self.enabled_box.isChecked() and not self.target_combo.currentText().strip():
            return ["Choose the Space the logs are written into."]
        return logging_problems(current, self.context.bucket)

    async def _write(self, value: LoggingConfig) -> None:
        await self.context.service.set_logging(self.context.account_id, self.context.bucket, value)

    def _on_enabled_toggled(self, checked: bool) -> None:
        if checked and not self.prefix_edit.text():
            self.prefix_edit.setText(self.prefix_edit.placeholderText())  # a prefix keeps logs apart
        self._update_fields()
        self._edited()

    def _update_fields(self) -> None:
        on = self.enabled_box.isChecked()
        self.target_combo.setEnabled(on)
        self.prefix_edit.setEnabled(on)
