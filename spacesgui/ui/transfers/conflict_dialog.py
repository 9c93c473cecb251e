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
from spacesgui.core.keys import basename
from spacesgui.core.shared_keys import why_shared
from spacesgui.core.transfers import Direction, Transfer, TransferState
from spacesgui.services.transfer_decisions import ConflictAnswer
from spacesgui.services.transfer_planner import Conflict
from spacesgui.ui.naming import named

CHOICES = (
    ConflictPolicy.OVERWRITE,
    ConflictPolicy.OVERWRITE_IF_DIFFERENT,
    ConflictPolicy.RENAME,
    ConflictPolicy.SKIP,
)
# When the other side is another file of the same upload, the same choices in its words.
SHARED_LABELS = {
    ConflictPolicy.OVERWRITE: ("Upload This One Instead", "Upload this file; the other one is skipped"),
    ConflictPolicy.OVERWRITE_IF_DIFFERENT: (
        "Skip This One If Identical",
        "Skip this file when its bytes are the same as the other's; otherwise upload it instead",
    ),
    ConflictPolicy.RENAME: ("Keep Both (rename)", "Upload this file under a new name: “name (1).ext”"),
    ConflictPolicy.SKIP: ("Skip This One", "Upload only the other file"),
}


def _describe(conflict: Conflict) -> tuple[str, str]:
    """(window title, rich text) for a conflict."""
    t = conflict.transfer
    if conflict.sources is not None:
        mine, other = conflict.sources
        return "Two files, one name", (
            f"<b>Two files would be uploaded as “{escape(t.name)}”</b> "
            f"(s3://{escape(t.bucket)}/{escape(t.key)}): {escape(why_shared(mine.relative, other.relative))}."
            f"<br><br>This file: {escape(mine.local_path)}<br>"
            f"{_side(mine.side.size, mine.side.mtime)}<br><br>"
            f"Other file: {escape(other.local_path)}<br>"
            f"{_side(other.side.size, other.side.mtime)}"
        )
    where = t.local_path if t.direction == Direction.DOWNLOAD else f"s3://{t.bucket}/{t.key}"
    if conflict.queued is not None:
        return _describe_queued(conflict, conflict.queued, where)
    new = "New"
    if t.direction.on_server and t.source_key and basename(t.source_key) != t.name:
        new = f"“{escape(basename(t.source_key))}”"  # a rename: the file that would take the name
    return "File already exists", (
        f"<b>“{escape(t.name)}” already exists</b> at {escape(where)}.<br><br>"
        f"Existing: {_side(conflict.target.size, conflict.target.mtime)}<br>"
        f"{new}: {_side(conflict.source.size, conflict.source.mtime)}"
    )


def _describe_queued(conflict: Conflict, other: Transfer, where: str) -> tuple[str, str]:
    """An earlier transfer in the queue will write the target: say so, not that it exists.

    Before, the question read "already exists at s3://…" while that upload was at 0% and
    the Space held nothing there: Skip, the default, then looked like a copy already safe.
    """
    t = conflict.transfer
    this = f"This file ({escape(t.local_path)})" if t.direction == Direction.UPLOAD else "This one"
    return "Already in the queue", (
        f"<b>“{escape(t.name)}” is waiting in the transfer queue</b>, not yet at {escape(where)}: "
        f"{escape(_what_queued(other))} will write it ({escape(_how_far(other))}).<br><br>"
        f"Queued first: {_side(conflict.target.size, conflict.target.mtime)}<br>"
        f"{this}: {_side(conflict.source.size, conflict.source.mtime)}"
    )


def _what_queued(other: Transfer) -> str:
    if other.direction == Direction.UPLOAD:
        return f"the upload of {other.local_path}"
    if other.direction == Direction.DOWNLOAD:
        return f"the download of s3://{other.bucket}/{other.key}"
    if other.direction in (Direction.COPY, Direction.MOVE):
        return f"the {other.direction.value} of s3://{other.source_bucket or other.bucket}/{other.source_key}"
    return f"a {other.direction.value} of s3://{other.bucket}/{other.key}"


def _how_far(other: Transfer) -> str:
    if other.state == TransferState.PAUSED:
        return "paused"
    if other.state == TransferState.QUEUED and not other.bytes_done:
        return "not started"
    done = other.bytes_done * 100 // other.size if other.size else 0
    return f"{done}% done"


def _side(size: int, mtime: float) -> str:
    """“790 KB, modified 2026-12-04 18:02”, or just the size when the date is unknown."""
    when = human_time(mtime)
    return f"{human_size(size)}, modified {when}" if when else human_size(size)


class ConflictDialog(QDialog):
    """One conflict: Overwrite, Overwrite if different, Keep both, Skip, or Cancel, plus “apply to all”."""

    def __init__(self, conflict: Conflict, remaining: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title, text = _describe(conflict)
        named(self, "conflictDialog", title)
        self.setWindowTitle(title)
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
            caption, tip = SHARED_LABELS[policy] if conflict.sources is not None else (policy.label, "")
            button = QPushButton(caption, self)
            button.setToolTip(tip)
            button.setObjectName(f"conflict-{policy.value}")
            button.clicked.connect(lambda _=False, p=policy: self._choose(p))
            button.setAutoDefault(False)
            button.setDefault(policy == ConflictPolicy.SKIP)  # Enter never destroys anything
            buttons.addButton(button, QDialogButtonBox.ButtonRole.AcceptRole)
        # One question, one file: "Cancel All" would promise more than there is.
        cancel = buttons.addButton(
            "Cancel" if remaining <= 1 else "Cancel All", QDialogButtonBox.ButtonRole.RejectRole
        )
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
