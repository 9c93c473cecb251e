"""Ask what to do when a transfer's target already exists, without blocking the event loop.

The dialog is opened with `open()` (never `exec()` inside a coroutine); `ask()` returns
an awaitable answered when the user picks.
"""

from __future__ import annotations

import asyncio
from html import escape

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.conflicts import ConflictPolicy
from spacesgui.core.formatting import human_size, human_time
from spacesgui.core.transfers import Direction
from spacesgui.services.transfer_planner import Conflict
from spacesgui.services.transfer_service import ConflictAnswer
from spacesgui.ui.naming import named

CHOICES = (
    ConflictPolicy.OVERWRITE,
    ConflictPolicy.OVERWRITE_IF_DIFFERENT,
    ConflictPolicy.RENAME,
    ConflictPolicy.SKIP,
)


class ConflictDialog(QDialog):
    """One conflict: Overwrite, Overwrite if different, Keep both, Skip, or Cancel, plus “apply to all”."""

    def __init__(self, conflict: Conflict, remaining: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "conflictDialog", "File already exists")
        self.setWindowTitle("File already exists")
        t = conflict.transfer
        where = f"s3://{t.bucket}/{t.key}" if t.direction == Direction.UPLOAD else t.local_path
        text = (
            f"<b>“{t.name}” already exists</b> at {escape(where)}.<br><br>"
            f"Existing: {human_size(conflict.target.size)}, modified {human_time(conflict.target.mtime)}<br>"
            f"New: {human_size(conflict.source.size)}, modified {human_time(conflict.source.mtime)}"
        )
        layout = QVBoxLayout(self)
        label = QLabel(text, self)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.apply_to_all = named(QCheckBox(f"Do this for all {remaining} conflicts", self), "applyToAll")
        self.apply_to_all.setVisible(remaining > 1)
        layout.addWidget(self.apply_to_all)
        buttons = QDialogButtonBox(self)
        self.answer: ConflictAnswer | None = None
        for policy in CHOICES:
            button = QPushButton(policy.label, self)
            button.setObjectName(f"conflict-{policy.value}")
            button.clicked.connect(lambda _=False, p=policy: self._choose(p))
            button.setAutoDefault(False)
            button.setDefault(policy == ConflictPolicy.SKIP)  # Enter never destroys anything
            buttons.addButton(button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton("Cancel All", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setToolTip("Queue nothing from this drop or selection")
        cancel.setObjectName("conflict-cancel")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _choose(self, policy: ConflictPolicy) -> None:
        self.answer = ConflictAnswer(policy, self.apply_to_all.isChecked())
        self.accept()


class ConflictAsker:
    """The `AskConflict` callable the transfer service awaits; `last_dialog` is for tests."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent
        self.last_dialog: ConflictDialog | None = None

    async def __call__(self, conflict: Conflict, remaining: int) -> ConflictAnswer | None:
        future: asyncio.Future[ConflictAnswer | None] = asyncio.get_running_loop().create_future()
        dialog = ConflictDialog(conflict, remaining, self._parent)
        self.last_dialog = dialog

        def on_finished(_result: int) -> None:
            if not future.done():
                future.set_result(dialog.answer)
            dialog.deleteLater()

        dialog.finished.connect(on_finished)
        dialog.open()
        return await future
