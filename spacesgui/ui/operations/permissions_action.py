"""Permissions…: the grant editor of the one selected file (Edit menu and the object menu)."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from spacesgui.services.access_service import AccessService
from spacesgui.ui.browser_context import BrowserContext
from spacesgui.ui.operations.grant_editor import GrantEditor

# DigitalOcean keeps only two canned ACLs per file; its accounts get Private / Public only.
CANNED_ONLY_PROVIDERS = frozenset({"digitalocean"})


class PermissionsAction(QObject):
    """Owns the action; enabled when exactly one file is selected. GUI thread only."""

    def __init__(self, context: BrowserContext, service: AccessService, parent: QWidget) -> None:
        super().__init__(parent)
        self._context, self._service = context, service
        self.action = QAction("Permissions…", parent)
        self.action.setObjectName("permissionsAction")
        self.action.setToolTip("See and change who may read the selected file, and who may change that")
        self.action.triggered.connect(self.open_editor)
        self.last_editor: GrantEditor | None = None  # the newest editor, for tests
        self.update_enabled()

    def _chosen_key(self) -> str:
        place = self._context.place
        refs = self._context.selected_refs() if place is not None and place.bucket else []
        return refs[0].key if len(refs) == 1 and not refs[0].is_folder else ""

    def update_enabled(self) -> None:
        self.action.setEnabled(bool(self._chosen_key()))

    def open_editor(self) -> None:
        key, place = self._chosen_key(), self._context.place
        if not key or place is None:
            self._context.show_message("Select one file first.", level="info")
            return
        if self.last_editor is not None and not self.last_editor.isVisible():
            self.last_editor.deleteLater()  # a closed editor is not kept
        provider = self._context.account_of(place.account_id).provider
        editor = GrantEditor(
            self._service, self._context.spawn, place.account_id, place.bucket, key,
            canned_only=provider in CANNED_ONLY_PROVIDERS, parent=self._context.dialog_parent(),
        )  # fmt: skip
        self.last_editor = editor
        editor.show()  # non-modal: the window stays usable beside it
        editor.load()
