"""Open With…: the programs that open a file of this type first, then every other one."""

from __future__ import annotations

import html
import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.desktop_entries import DesktopApp, program_app
from spacesgui.ui.naming import named

APP_ROLE = Qt.ItemDataRole.UserRole + 1


class OpenWithDialog(QDialog):
    """Lets the user pick a program for one file. GUI thread only; open with `open()`.

    `matching` are the programs for the file's type, best first; `others` every other
    program. "Other program…" picks an executable by path. Once accepted, `chosen` is set.
    """

    def __init__(
        self,
        name: str,
        mime: str,
        matching: list[DesktopApp],
        others: list[DesktopApp],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("openWithDialog")
        self.setAccessibleName("Open With")
        self.setWindowTitle("Open With")
        self.setMinimumSize(380, 420)
        self.chosen: DesktopApp | None = None
        label = named(QLabel(f"Open “{html.escape(name)}” ({html.escape(mime)}) with:"), "openWithLabel")
        label.setWordWrap(True)
        self.apps_list = named(QListWidget(self), "openWithApps", "Programs")
        self._fill(matching, others)
        self.other_button = named(QPushButton("Other program…"), "otherProgramButton")
        self.other_button.clicked.connect(self.pick_program)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.addButton(self.other_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button = self.buttons.button(QDialogButtonBox.StandardButton.Open)
        self.buttons.accepted.connect(self.accept_current)
        self.buttons.rejected.connect(self.reject)
        self.apps_list.itemDoubleClicked.connect(lambda _item: self.accept_current())
        self.apps_list.currentItemChanged.connect(lambda *_: self._update_enabled())
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.apps_list, 1)
        if not matching and not others:
            hint = named(
                QLabel("No programs were found on this computer. Choose one with “Other program…”."),
                "openWithEmpty",
            )
            hint.setWordWrap(True)
            layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self._update_enabled()

    def _fill(self, matching: list[DesktopApp], others: list[DesktopApp]) -> None:
        for title, apps in (("Recommended", matching), ("Other programs", others)):
            if not apps:
                continue
            header = QListWidgetItem(title)
            font = QFont(header.font())
            font.setBold(True)
            header.setFont(font)
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            self.apps_list.addItem(header)
            for app in apps:
                item = QListWidgetItem(QIcon.fromTheme(app.icon) if app.icon else QIcon(), app.name)
                item.setData(APP_ROLE, app)
                item.setToolTip(app.exec)
                self.apps_list.addItem(item)
        first = next(
            (self.apps_list.item(i) for i in range(self.apps_list.count()) if self.app_at(i) is not None),
            None,
        )
        if first is not None:
            self.apps_list.setCurrentItem(first)

    def app_at(self, row: int) -> DesktopApp | None:
        item = self.apps_list.item(row)
        app = item.data(APP_ROLE) if item is not None else None
        return app if isinstance(app, DesktopApp) else None

    def app_names(self) -> list[str]:
        """The programs listed, in order (headers left out)."""
        return [app.name for i in range(self.apps_list.count()) if (app := self.app_at(i)) is not None]

    def select_app(self, name: str) -> bool:
        for i in range(self.apps_list.count()):
            app = self.app_at(i)
            if app is not None and app.name == name:
                self.apps_list.setCurrentRow(i)
                return True
        return False

    def _update_enabled(self) -> None:
        self.open_button.setEnabled(self.app_at(self.apps_list.currentRow()) is not None)

    def accept_current(self) -> None:
        app = self.app_at(self.apps_list.currentRow())
        if app is not None:
            self.chosen = app
            self.accept()

    def pick_program(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Choose a Program")
        if path:
            self.choose_program(path)

    def choose_program(self, path: str) -> None:
        """Accept with the executable at `path` (what "Other program…" picked)."""
        self.chosen = program_app(os.path.normpath(path))
        self.accept()
