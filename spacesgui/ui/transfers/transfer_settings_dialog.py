"""Transfer settings: parallelism, part sizes, bandwidth, skip patterns, what to do with conflicts."""

from __future__ import annotations

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.conflicts import ConflictPolicy
from spacesgui.core.multipart import MiB
from spacesgui.core.transfer_settings import MAX_PARTS_PER_FILE, EngineSettings
from spacesgui.core.upload_plan import DEFAULT_SKIP_PATTERNS, parse_skip_patterns
from spacesgui.services.transfer_service import TransferService
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named

MB = 1_000_000


def _spin(name: str, low: int, high: int, value: int, suffix: str = "", special: str = "") -> QSpinBox:
    spin = named(QSpinBox(), name)
    spin.setRange(low, high)
    spin.setValue(value)
    if suffix:
        spin.setSuffix(suffix)
    if special:
        spin.setSpecialValueText(special)
    return spin


class TransferSettingsDialog(QDialog):
    """Edits the service's settings; Save applies them at once and remembers them."""

    def __init__(self, service: TransferService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "transferSettingsDialog", "Transfer settings")
        self.setWindowTitle("Transfer Settings")
        self._service = service
        s = service.engine.settings
        self.files_spin = _spin("parallelFilesSpin", 1, 64, s.parallel_files)
        self.parts_spin = _spin("partsPerFileSpin", 1, MAX_PARTS_PER_FILE, s.parts_per_file)
        self.part_size_spin = _spin("partSizeSpin", 5, 5120, s.part_size // MiB, " MiB")
        self.threshold_spin = _spin("multipartThresholdSpin", 5, 5120, s.multipart_threshold // MiB, " MiB")
        self.bandwidth_spin = _spin("bandwidthSpin", 0, 100_000, s.bandwidth_limit // MB, " MB/s", "No limit")
        self.skip_edit = named(QPlainTextEdit("\n".join(service.skip_patterns)), "skipPatternsEdit")
        self.skip_edit.setPlaceholderText("One pattern per line, e.g. .DS_Store or *.tmp")
        self.skip_edit.setToolTip(
            "Files inside a dropped or picked folder that match are shown as skipped rows. "
            "A file you drop or pick by itself is always uploaded."
        )
        self.skip_edit.setFixedHeight(90)
        self.conflict_combo = named(QComboBox(), "conflictPolicyCombo")
        for policy in ConflictPolicy:
            self.conflict_combo.addItem(policy.label, policy.value)
        self.conflict_combo.setCurrentIndex(
            max(0, self.conflict_combo.findData(service.conflict_policy.value))
        )
        self.downloads_edit = named(
            QLineEdit(service.download_folder), "downloadFolderEdit", "Downloads folder"
        )
        # Empty means the platform's Downloads folder, which the placeholder shows.
        self.downloads_edit.setPlaceholderText(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
        )
        self.downloads_edit.setClearButtonEnabled(True)
        choose = named(QPushButton("Choose…"), "chooseDownloadFolderButton", "Choose the downloads folder")
        choose.clicked.connect(self._on_choose_clicked)
        downloads = QHBoxLayout()
        downloads.addWidget(self.downloads_edit, 1)
        downloads.addWidget(choose)

        form = QFormLayout()
        form.addRow("Files at once:", self.files_spin)
        form.addRow("Parts at once per file:", self.parts_spin)
        form.addRow("Part size:", self.part_size_spin)
        form.addRow("Multipart above:", self.threshold_spin)
        form.addRow("Bandwidth limit:", self.bandwidth_spin)
        form.addRow("When a file exists:", self.conflict_combo)
        form.addRow("Download saves to:", downloads)
        form.addRow("In dropped folders, skip:", self.skip_edit)
        note = MutedLabel(
            "DigitalOcean Spaces accepts at most 10 parts of one file at once. "
            "The bandwidth limit applies at once; the other changes to files that start from now on. "
            "Download To… (Ctrl+Shift+D) still asks where to save.",
            self,
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.accepted.connect(self._on_save_clicked)
        buttons.rejected.connect(self.reject)
        defaults = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        defaults.clicked.connect(self.restore_defaults)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def settings(self) -> EngineSettings:
        current = self._service.engine.settings
        return EngineSettings(
            parallel_files=self.files_spin.value(),
            parts_per_file=self.parts_spin.value(),
            parallel_parts=current.parallel_parts,
            part_size=self.part_size_spin.value() * MiB,
            multipart_threshold=self.threshold_spin.value() * MiB,
            bandwidth_limit=self.bandwidth_spin.value() * MB,
        ).checked()

    def restore_defaults(self) -> None:
        d = EngineSettings()
        self.files_spin.setValue(d.parallel_files)
        self.parts_spin.setValue(d.parts_per_file)
        self.part_size_spin.setValue(d.part_size // MiB)
        self.threshold_spin.setValue(d.multipart_threshold // MiB)
        self.bandwidth_spin.setValue(0)
        self.skip_edit.setPlainText("\n".join(DEFAULT_SKIP_PATTERNS))
        self.conflict_combo.setCurrentIndex(self.conflict_combo.findData(ConflictPolicy.ASK.value))
        self.downloads_edit.clear()

    def _on_choose_clicked(self) -> None:
        start = self.downloads_edit.text() or self.downloads_edit.placeholderText()
        folder = QFileDialog.getExistingDirectory(self, "Downloads Folder", start)
        if folder:
            self.downloads_edit.setText(folder)

    def _on_save_clicked(self) -> None:
        self._service.save_preferences(
            self.settings(),
            parse_skip_patterns(self.skip_edit.toPlainText()),
            ConflictPolicy(self.conflict_combo.currentData()),
        )
        self._service.set_download_folder(self.downloads_edit.text().strip())
        self.accept()
