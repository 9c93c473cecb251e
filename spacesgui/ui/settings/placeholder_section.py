"""A page for a section this build does not have yet: it says so, and never has changes."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named


class PlaceholderSection(QWidget):
    """Stands in for a section (Permissions, CORS) until `SpaceSettingsWindow.add_section` replaces it."""

    changed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name.lower()}Placeholder")
        label = named(
            MutedLabel(f"{name} cannot be changed in this version of spacesgui yet.", self), "placeholderText"
        )
        label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(label)
        layout.addStretch(1)

    async def load(self) -> None:
        return None

    def has_changes(self) -> bool:
        return False

    async def apply(self) -> None:
        return None

    def revert(self) -> None:
        return None
