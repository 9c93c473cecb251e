"""Ask Merge or Replace when a folder meets a folder of the same name, without blocking the loop.

The original Spaces panel silently kept both (a copy named differently); here the user
chooses: Merge copies into the folder (files in both become conflicts, asked or settled
by the conflict policy), Replace makes the folder a copy of the source (its other files
are deleted, but only after every copy is verified). Opened with open(), never exec().
"""

from __future__ import annotations

import asyncio
from html import escape

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from spacesgui.core.formatting import human_count, human_size
from spacesgui.core.keys import basename
from spacesgui.services.operation_planner import FolderMerge
from spacesgui.services.operation_service import FolderAnswer, FolderChoice
from spacesgui.ui.naming import named


class FolderChoiceDialog(QDialog):
    """Merge, Replace or Cancel for one folder, with “do this for all”."""

    def __init__(self, merge: FolderMerge, remaining: int, verb: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "folderChoiceDialog", "Folder already exists")
        self.setWindowTitle("Folder Already Exists")
        name = basename(merge.target_prefix)
        held = sum(e.size for e in merge.existing)
        text = QLabel(
            f"<b>A folder named “{escape(name)}” is already there.</b><br><br>"
            f"It holds {human_count(len(merge.existing), 'file')} ({human_size(held)}). "
            "Merge the files into it: files in both are settled one by one, the way "
            f"uploads are. Replace makes it a copy of the folder you {verb.lower()}: its other "
            "files are deleted, only after every file has been copied and checked.",
            self,
        )
        text.setWordWrap(True)
        self.apply_to_all = named(
            QCheckBox(f"Do this for all {remaining} folders", self), "applyToAllFolders"
        )
        self.apply_to_all.setVisible(remaining > 1)
        buttons = QDialogButtonBox(self)
        self.answer: FolderAnswer | None = None
        for choice, label in ((FolderChoice.MERGE, "Merge"), (FolderChoice.REPLACE, "Replace")):
            button = QPushButton(label, self)
            button.setObjectName(f"folder-{choice.value}")
            button.setAutoDefault(False)
            button.setDefault(choice == FolderChoice.MERGE)  # Enter never deletes anything
            button.clicked.connect(lambda _=False, c=choice: self._choose(c))
            buttons.addButton(button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("folder-cancel")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.apply_to_all)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def _choose(self, choice: FolderChoice) -> None:
        self.answer = FolderAnswer(choice, self.apply_to_all.isChecked())
        self.accept()


class FolderAsker:
    """The `AskFolder` the operation service awaits; `last_dialog` is for tests."""

    def __init__(self, parent: QWidget, verb: str = "Copy") -> None:
        self._parent = parent
        self.verb = verb
        self.last_dialog: FolderChoiceDialog | None = None

    async def __call__(self, merge: FolderMerge, remaining: int) -> FolderAnswer | None:
        future: asyncio.Future[FolderAnswer | None] = asyncio.get_running_loop().create_future()
        dialog = FolderChoiceDialog(merge, remaining, self.verb, self._parent)
        self.last_dialog = dialog

        def on_finished(_result: int) -> None:
            if not future.done():
                future.set_result(dialog.answer)
            dialog.deleteLater()

        dialog.finished.connect(on_finished)
        dialog.open()
        return await future
