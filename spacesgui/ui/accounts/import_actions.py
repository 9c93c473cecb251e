"""File → Import Accounts… and Export Accounts…, and the first-run panel that offers import.

GUI thread only. The import window is one at a time: asking again raises the open one
(with the sources asked for, if they differ, it is replaced).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QWidget

from spacesgui.core.account_import import SourceKind
from spacesgui.services.import_service import AccountImportService
from spacesgui.ui.accounts.first_run_panel import FirstRunPanel
from spacesgui.ui.accounts.import_dialog import ImportDialog

log = logging.getLogger(__name__)

ShowMessage = Callable[..., None]  # show_message(text, level=...)
EXPORT_NAME = "spacesgui-accounts.json"


class ImportActions(QObject):
    def __init__(
        self,
        parent: QWidget,
        service: AccountImportService,
        spawn: Callable[[Awaitable[None]], object],
        show_message: ShowMessage,
        add_account: Callable[[], None],
        show_account: Callable[[str], None],
    ) -> None:
        super().__init__(parent)
        self._parent, self._service, self._spawn, self._show_message = parent, service, spawn, show_message
        self._show_account = show_account  # the first account an import adds, when nothing is open
        self.dialog: ImportDialog | None = None
        self.import_action = QAction("Import Accounts…", parent)
        self.import_action.setObjectName("importAccountsAction")
        self.import_action.setStatusTip(
            "Add accounts from the AWS CLI, s3cmd, rclone, the environment or an export"
        )
        self.import_action.triggered.connect(lambda: self.open_import())
        self.export_action = QAction("Export Accounts…", parent)
        self.export_action.setObjectName("exportAccountsAction")
        self.export_action.setStatusTip("Save the account definitions (never the secret keys) as a JSON file")
        self.export_action.triggered.connect(self.choose_export_file)
        self.first_run = FirstRunPanel(service.available_blocking, add_account, self.import_from, parent)

    def import_from(self, kind: SourceKind) -> None:
        self.open_import([kind])

    def open_import(self, kinds: Sequence[SourceKind] | None = None) -> ImportDialog:
        """Show the import window (scanning `kinds`, or every source)."""
        wanted = list(kinds) if kinds is not None else None
        dialog = self.dialog
        if dialog is None or not dialog.isVisible() or dialog.kinds != wanted:
            if dialog is not None:  # closed, not deleted: a scan it started may still finish
                dialog.close()
            dialog = self.dialog = ImportDialog(self._service, self._spawn, self._parent, kinds=wanted)
            dialog.imported.connect(lambda ids: self._show_account(ids[0]))
            dialog.show()
            dialog.start()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def choose_export_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self._parent, "Export Accounts", str(Path.home() / EXPORT_NAME), "spacesgui accounts (*.json)"
        )
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        """Write the account definitions to `path`; the banner says how it went."""
        self._spawn(self._export(path))

    async def _export(self, path: str) -> None:
        count = await self._service.export(path)  # a SpacesError reaches the banner via spawn
        self._show_message(
            f"Saved {count} account definition{'s' if count != 1 else ''} to {Path(path).name} "
            "(without secret keys: importing the file asks for them).",
            level="info",
        )
