"""The first-run buttons under the “No accounts yet” text: demo, add, import from what is here.

Shown only while there is no account and nothing else is said in the empty view. The
import buttons are the sources found on this machine (AWS CLI, s3cmd, rclone), looked
for again each time the panel is shown. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from spacesgui.core.account_import import FoundSource, SourceKind
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named

FIRST_RUN_SOURCES = (SourceKind.AWS, SourceKind.S3CMD, SourceKind.RCLONE)
BUTTON_NAMES = {
    SourceKind.AWS: "importAwsButton",
    SourceKind.S3CMD: "importS3cmdButton",
    SourceKind.RCLONE: "importRcloneButton",
}


class FirstRunPanel(QWidget):
    def __init__(
        self,
        find_sources: Callable[[], list[FoundSource]],
        add_account: Callable[[], None],
        import_from: Callable[[SourceKind], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        named(self, "firstRunPanel", "Get started")
        self._find_sources = find_sources
        self._import_from = import_from
        self._open_demo: Callable[[], None] | None = None
        self.demo_button = named(QPushButton("Open the Demo", self), "openDemoButton")
        self.demo_button.setToolTip("Sample Spaces on a small server on this computer, to try spacesgui")
        self.demo_button.clicked.connect(self._on_demo_button_clicked)
        self.demo_button.hide()  # until the app says how to open it
        self.add_button = named(QPushButton("Add Account…", self), "firstRunAddButton")
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(add_account)
        self.import_hint = named(MutedLabel("", self), "firstRunImportHint")
        self.import_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.import_hint.setWordWrap(True)
        self.import_buttons: dict[SourceKind, QPushButton] = {}
        for kind in FIRST_RUN_SOURCES:
            button = named(QPushButton(f"Import from {kind.label}…", self), BUTTON_NAMES[kind])
            button.clicked.connect(lambda _checked=False, kind=kind: self._import_from(kind))
            button.hide()
            self.import_buttons[kind] = button

        first = QHBoxLayout()
        first.addStretch(1)
        first.addWidget(self.demo_button)
        first.addWidget(self.add_button)
        first.addStretch(1)
        # Side by side, or one above the other when the window is too narrow for the three
        # (they held a 640 px window at 666 px): see resizeEvent.
        self._imports_row = QHBoxLayout()
        for button in self.import_buttons.values():
            self._imports_row.addWidget(button)
        second = QHBoxLayout()
        second.addStretch(1)
        second.addLayout(self._imports_row)
        second.addStretch(1)
        # An explicit minimum, so the window may be narrower than the row: the row then stacks.
        self.setMinimumWidth(240)
        column = QVBoxLayout(self)
        column.setContentsMargins(24, 8, 24, 24)
        column.setSpacing(12)
        column.addLayout(first)
        column.addWidget(self.import_hint)
        column.addLayout(second)
        column.addStretch(1)
        self.hide()

    def set_demo_opener(self, open_demo: Callable[[], None] | None) -> None:
        """How to open the demo (the app's start-up knows); None hides the button."""
        self._open_demo = open_demo
        self.demo_button.setVisible(open_demo is not None)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._restack(event.size().width())
        super().resizeEvent(event)

    def _restack(self, width: int) -> None:
        """The import buttons in a row when `width` holds them, else one above the other."""
        shown = [b for b in self.import_buttons.values() if not b.isHidden()]
        spacing = self._imports_row.spacing() * max(0, len(shown) - 1)
        wide = sum(b.sizeHint().width() for b in shown) + spacing + 48 <= width
        self._imports_row.setDirection(
            QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        )

    def _on_demo_button_clicked(self) -> None:
        if self._open_demo is not None:
            self._open_demo()

    def set_shown(self, shown: bool) -> None:
        """Show the panel (looking for import sources again) or hide it."""
        if shown:
            self._refresh_sources()
        if self.isHidden() == shown:
            self.setVisible(shown)

    def _refresh_sources(self) -> None:
        found = {s.kind: s for s in self._find_sources() if s.kind in FIRST_RUN_SOURCES}
        for kind, button in self.import_buttons.items():
            button.setVisible(kind in found)
            if kind in found:
                button.setToolTip(f"Import the accounts in {found[kind].where}")
        self.import_hint.setText(
            "Or bring in the accounts you already use with other tools:" if found else ""
        )
        self.import_hint.setVisible(bool(found))
        self._restack(self.width())  # other buttons now, at the same width
