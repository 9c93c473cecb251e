"""The Versions window of one file or folder: list, download, restore, delete (undelete).

GUI thread only; the service runs every request on the workers.
"""

from __future__ import annotations

import html
import logging
import threading
from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.activity import local_time
from spacesgui.core.errors import SpacesError
from spacesgui.core.keys import basename
from spacesgui.core.versions import ObjectVersion
from spacesgui.qtmodels.version_model import VersionColumn, VersionModel
from spacesgui.services.version_service import VersionService
from spacesgui.ui.naming import named
from spacesgui.ui.window_keys import close_by_keyboard

log = logging.getLogger(__name__)

Spawner = Callable[[Awaitable[None]], object]


class VersionsWindow(QWidget):
    """See the module docstring."""

    def __init__(
        self, service: VersionService, spawn: Spawner, account_id: str, bucket: str, target: str,
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent, Qt.WindowType.Window)
        named(self, "versionsWindow", "Versions")
        self._service, self._spawn = service, spawn
        self.account_id, self.bucket, self.target = account_id, bucket, target
        self.setWindowTitle(f"Versions of {basename(target) or bucket}")
        self.resize(820, 420)
        self.model = VersionModel(self)
        self.loading = False
        self.last_box: QMessageBox | None = None
        self._stop = threading.Event()

        what = f"<b>{html.escape(target)}</b>" if target else "every file"  # a key may hold “<”
        heading = QLabel(f"Versions of {what} in {html.escape(bucket)}", self)
        heading.setTextFormat(Qt.TextFormat.RichText)
        self.table = named(QTableView(self), "versionsTable", "Versions")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        for column, width in (
            (VersionColumn.NAME, 200),
            (VersionColumn.KIND, 170),
            (VersionColumn.MODIFIED, 150),
            (VersionColumn.SIZE, 80),
        ):
            self.table.setColumnWidth(column, width)
        self.status = named(QLabel(self), "versionsStatus", "Status")
        self.status.setWordWrap(True)
        self.download_button = named(
            QPushButton("Download…", self), "versionDownloadButton", "Download version"
        )
        self.restore_button = named(QPushButton("Restore", self), "versionRestoreButton", "Restore version")
        self.restore_button.setToolTip(
            "Make this version the current one again (copied over it on the server)"
        )
        self.delete_button = named(QPushButton("Delete…", self), "versionDeleteButton", "Delete version")
        self.delete_button.setToolTip(
            "Delete this version for good; deleting a delete marker brings the file back"
        )
        self.refresh_button = named(QPushButton("Refresh", self), "versionsRefreshButton", "Refresh")

        buttons = QHBoxLayout()
        for button in (self.download_button, self.restore_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

        self.table.selectionModel().selectionChanged.connect(self._update_enabled)
        self.model.modelReset.connect(self._update_enabled)
        self.download_button.clicked.connect(self.choose_download)
        self.restore_button.clicked.connect(lambda: self._with_chosen(self._restore))
        self.delete_button.clicked.connect(self.ask_delete)
        self.refresh_button.clicked.connect(self.reload)
        close_by_keyboard(self)
        self._update_enabled()
        self.reload()

    # -- listing ----------------------------------------------------------------------------

    def reload(self) -> None:
        if not self.loading:
            self._spawn(self._load())

    async def _load(self) -> None:
        self.loading = True
        self._stop.clear()
        self.model.set_versions([])
        self.status.setText("Listing versions…")
        try:
            versions = await self._service.list_versions(
                self.account_id, self.bucket, self.target, self.model.add_versions, self._stop
            )
        except SpacesError as error:
            self.status.setText(f"The versions could not be listed: {error.message}")
            raise
        finally:
            self.loading = False
        self.status.setText(_summary(versions))

    def closeEvent(self, event: QCloseEvent) -> None:
        self._stop.set()  # a listing still paging stops at its next page
        super().closeEvent(event)

    # -- the chosen version -----------------------------------------------------------------

    def chosen(self) -> ObjectVersion | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.version(rows[0].row()) if len(rows) == 1 else None

    def select(self, version: ObjectVersion) -> None:
        """Select `version`'s row (tests and the keyboard)."""
        row = self.model.versions().index(version)
        self.table.selectRow(row)

    def _update_enabled(self) -> None:
        v = self.chosen()
        self.download_button.setEnabled(v is not None and not v.delete_marker)
        self.restore_button.setEnabled(v is not None and not v.delete_marker and not v.is_latest)
        self.delete_button.setEnabled(v is not None)

    def _with_chosen(self, act: Callable[[ObjectVersion], Awaitable[None]]) -> None:
        v = self.chosen()
        if v is not None:
            self._spawn(act(v))

    async def _after(self, work: Awaitable[object], done: str) -> None:
        try:
            await work
        except SpacesError as error:
            self.status.setText(f"{error.title}: {error.message}")
            raise
        await self._load()
        self.status.setText(done)

    async def _restore(self, v: ObjectVersion) -> None:
        await self._after(
            self._service.restore(self.account_id, self.bucket, v),
            f"Restored: “{basename(v.key)}” is the version of {_when(v)} again.",
        )

    def choose_download(self) -> None:
        v = self.chosen()
        if v is None or v.delete_marker:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Download Version", basename(v.key))
        if path:
            self._spawn(self._download(v, path))

    async def _download(self, v: ObjectVersion, path: str) -> None:
        try:
            size = await self._service.download(self.account_id, self.bucket, v, path)
        except SpacesError as error:
            self.status.setText(f"{error.title}: {error.message}")
            raise
        self.status.setText(f"Saved the version of {_when(v)} as {path} ({size:,} bytes).")

    def ask_delete(self) -> None:
        v = self.chosen()
        if v is None:
            return
        if v.delete_marker:
            text = f"Delete this delete marker? “{basename(v.key)}” comes back as its newest version."
            verb = "Delete Marker"
        else:
            text = f"Delete the version of {_when(v)} of “{basename(v.key)}” for good? It cannot be restored."
            verb = "Delete Version"
        box = QMessageBox(QMessageBox.Icon.Question, "Delete", text, QMessageBox.StandardButton.Cancel, self)
        delete = box.addButton(verb, QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.last_box = box

        def answered() -> None:
            if box.clickedButton() is delete:
                done = f"“{basename(v.key)}” is back." if v.delete_marker else "The version was deleted."
                self._spawn(self._after(self._service.delete(self.account_id, self.bucket, v), done))

        box.finished.connect(answered)
        box.open()


def _when(v: ObjectVersion) -> str:
    return local_time(v.last_modified) if v.last_modified else v.version_id


def _summary(versions: list[ObjectVersion]) -> str:
    markers = sum(1 for v in versions if v.delete_marker)
    count = len(versions) - markers
    text = f"{count:,} version{'s' if count != 1 else ''}"
    if markers:
        text += f" and {markers:,} delete marker{'s' if markers != 1 else ''}"
    if not versions:
        return "No versions: versioning may be off for this Space, or nothing is stored here."
    return text + "."
