"""The Versioning page: turn it on or suspend it, with what that means for storage and deletes."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QMessageBox, QRadioButton, QVBoxLayout, QWidget

from spacesgui.core.bucket_settings import VersioningState
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.settings.settings_section import SectionPage, SpaceContext

# What each choice means, said before it is applied.
CONSEQUENCES = {
    VersioningState.UNVERSIONED: (
        "Versioning is off: an overwritten or deleted file is gone for good. Once turned on, "
        "versioning can be suspended but never turned off again."
    ),
    VersioningState.ENABLED: (
        "With versioning on, overwriting or deleting a file keeps its old version, so the storage "
        "you pay for grows with every change. A delete only hides a file behind a delete marker; "
        "its versions stay until they are deleted (a lifecycle rule can delete old versions after "
        "some days). Versioning can later be suspended, but never turned off."
    ),
    VersioningState.SUSPENDED: (
        "Suspended: an overwrite or delete replaces the file without keeping a new version. The "
        "old versions kept so far stay, and are still paid for, until they are deleted."
    ),
}
CHOICES = (
    (VersioningState.UNVERSIONED, "Off (never turned on)", "versioningOff"),
    (VersioningState.ENABLED, "On: keep every version", "versioningOn"),
    (VersioningState.SUSPENDED, "Suspended: keep the old versions, add none", "versioningSuspended"),
)


class VersioningSection(SectionPage[VersioningState]):
    """Versioning of one Space. GUI thread only."""

    title = "Versioning"
    what = "versioning"
    intro = "Versioning keeps the earlier contents of files that are overwritten or deleted."

    def __init__(self, context: SpaceContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.buttons: dict[VersioningState, QRadioButton] = {}
        self._group = QButtonGroup(self)
        column = QVBoxLayout(self.body)
        column.setContentsMargins(0, 8, 0, 0)
        for state, label, name in CHOICES:
            button = named(QRadioButton(label, self.body), name, label)
            self._group.addButton(button)
            button.toggled.connect(self._on_choice_toggled)
            self.buttons[state] = button
            column.addWidget(button)
        self.consequence_label = named(MutedLabel("", self.body), "versioningConsequence")
        self.consequence_label.setWordWrap(True)
        column.addSpacing(8)
        column.addWidget(self.consequence_label)
        column.addStretch(1)

    async def _read(self) -> VersioningState:
        return await self.context.service.versioning(self.context.account_id, self.context.bucket)

    def _show(self, value: VersioningState) -> None:
        # "Off" exists only until versioning is first turned on; S3 has no way back to it.
        self.buttons[VersioningState.UNVERSIONED].setVisible(value is VersioningState.UNVERSIONED)
        self.buttons[value].setChecked(True)
        self._show_consequence()

    def _current(self) -> VersioningState:
        return next((s for s, b in self.buttons.items() if b.isChecked()), VersioningState.UNVERSIONED)

    async def _confirm(self, value: VersioningState) -> bool:
        """Turning versioning on for the first time cannot be undone (S3 has no way back to
        off): asked first, as the lifecycle page asks before rules that delete."""
        if value is not VersioningState.ENABLED or self.loaded is not VersioningState.UNVERSIONED:
            return True
        return await self._ask_first(
            "versioningConfirmBox", "Turn On Versioning", f"Turn on versioning for “{self.context.bucket}”?",
            "It can later be suspended, but never turned off again. From now on every overwrite "
            "and delete keeps the old version, and the storage you pay for grows with each one.",
            "Turn On", QMessageBox.ButtonRole.AcceptRole,
        )  # fmt: skip

    async def _write(self, value: VersioningState) -> None:
        await self.context.service.set_versioning(self.context.account_id, self.context.bucket, value)

    def choose(self, state: VersioningState) -> None:
        """Pick `state`, as a click on its button does."""
        self.buttons[state].click()

    def _on_choice_toggled(self, checked: bool) -> None:
        if checked:
            self._show_consequence()
            self._edited()

    def _show_consequence(self) -> None:
        self.consequence_label.setText(CONSEQUENCES[self._current()])
