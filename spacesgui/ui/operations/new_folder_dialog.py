"""New Folder: a name checked as it is typed, then created on the server while the dialog waits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.errors import SpacesError
from spacesgui.core.object_names import SiblingNames, name_problem
from spacesgui.ui.naming import named
from spacesgui.ui.problem_label import ProblemLabel

Creator = Callable[[str], Awaitable[str]]  # folder name -> the new folder's key
Spawner = Callable[[Awaitable[None]], object]


class NewFolderDialog(QDialog):
    """Asks for a folder name and creates it. GUI thread only; open with `open()`.

    The reason a name will not do shows as it is typed (core/object_names.py), checked
    against `existing`, the names the folder is known to hold. Create then asks the server,
    which also refuses names it holds that were not listed yet; the dialog stays open with
    the reason, and closes (accepted, `created_key` set) once the folder exists.
    """

    def __init__(
        self,
        where: str,
        prefix: str,
        existing: Collection[str],
        create: Creator,
        spawn: Spawner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("newFolderDialog")
        self.setAccessibleName("New Folder")
        self.setWindowTitle("New Folder")
        self.setMinimumWidth(360)
        self._prefix, self._create, self._spawn = prefix, create, spawn
        self._existing = SiblingNames.of(existing)  # once: the name is checked on every keystroke
        self._busy = False
        self.created_key = ""
        self.closed = False  # set when the dialog is closed: a late answer is then dropped
        self.finished.connect(self._on_finished)
        place = named(QLabel(f"Create a folder in {where}"), "newFolderPlace")
        place.setWordWrap(True)
        self.name_edit = named(QLineEdit(placeholderText="Folder name"), "folderNameEdit", "Folder name")
        self.problem_label = named(ProblemLabel(self), "folderNameProblem", "Why the name will not do")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText("Create")
        self.create_button.setObjectName("createFolderButton")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(place)
        layout.addWidget(self.name_edit)
        layout.addWidget(self.problem_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.name_edit.textChanged.connect(self._on_name_edit_text_changed)
        self._on_name_edit_text_changed("")

    def _on_finished(self) -> None:
        self.closed = True

    def name(self) -> str:
        return str(self.name_edit.text())

    def problem(self) -> str | None:
        """Why the typed name cannot be used ("" typed counts: Create stays off), or None."""
        return name_problem(self.name(), prefix=self._prefix, existing=self._existing, folder=True)

    def _on_name_edit_text_changed(self, text: str) -> None:
        problem = self.problem()
        # Nothing typed yet is not an error to shout about: Create is simply off.
        self.problem_label.set_problem(problem if text and problem else "")
        self.create_button.setEnabled(problem is None and not self._busy)

    def _on_buttons_accepted(self) -> None:
        if self._busy or self.problem() is not None:
            return
        self._set_busy(True)
        self._spawn(self._create_folder(self.name()))

    async def _create_folder(self, name: str) -> None:
        try:
            key = await self._create(name)
        except SpacesError as error:
            if self.closed:
                return  # cancelled while the server answered: nothing was created
            self._set_busy(False)
            self.problem_label.set_problem(error.message)
            self.name_edit.setFocus()
            return
        self.created_key = key
        if not self.closed:  # cancelled meanwhile: the folder exists, and the list shows it
            self._set_busy(False)
            self.accept()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.name_edit.setReadOnly(busy)
        self.create_button.setText("Creating…" if busy else "Create")
        self.create_button.setEnabled(not busy and self.problem() is None)
