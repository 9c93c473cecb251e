"""Incomplete multipart uploads in the open Space: list them, abort them, or finish them from a file.

Uploads interrupted elsewhere (another app, a crashed machine) keep their parts on the
server, where they take space and cost money until aborted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.errors import SpacesError
from spacesgui.core.formatting import human_count, human_size, human_time
from spacesgui.core.transfers import PendingUpload
from spacesgui.services.pending_uploads import PendingUploads
from spacesgui.ui.naming import named

Spawner = Callable[[Awaitable[None]], object]
HEADERS = ["Key", "Started", "Parts", "Size", "In your queue", "Upload id"]
KEY, STARTED, PARTS, SIZE, QUEUE, UPLOAD_ID = range(len(HEADERS))
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class PendingUploadsDialog(QDialog):
    """Non-modal: open with `open()`; it loads the list itself."""

    def __init__(
        self,
        pending: PendingUploads,
        spawn: Spawner,
        account_id: str,
        bucket: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        named(self, "pendingUploadsDialog", "Incomplete uploads")
        self.setWindowTitle(f"Incomplete Uploads in {bucket}")
        self.resize(720, 400)
        self._pending, self._spawn = pending, spawn
        self._account_id, self._bucket = account_id, bucket
        self.uploads: list[PendingUpload] = []
        self.status = named(QLabel("Loading…", wordWrap=True), "pendingStatus")
        self.table = named(QTreeWidget(), "pendingUploadsView", "Incomplete uploads")
        self.table.setHeaderLabels(HEADERS)
        self.table.setRootIsDecorated(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.table.header()
        header.setSectionResizeMode(KEY, QHeaderView.ResizeMode.Stretch)
        for column in (STARTED, PARTS, SIZE, QUEUE, UPLOAD_ID):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column in (PARTS, SIZE):
            self.table.headerItem().setTextAlignment(column, RIGHT)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.abort_button = named(QPushButton("Abort Selected…"), "abortPendingButton")
        self.resume_button = named(QPushButton("Finish from File…"), "resumePendingButton")
        self.refresh_button = named(QPushButton("Refresh"), "refreshPendingButton")
        for button in (self.abort_button, self.resume_button, self.refresh_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.abort_button.clicked.connect(self._on_abort_clicked)
        self.resume_button.clicked.connect(self._on_resume_clicked)
        self.refresh_button.clicked.connect(self.reload)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self._update_buttons()
        self.reload()

    def reload(self) -> None:
        self.status.setText("Loading…")
        self._spawn(self._load())

    async def _load(self) -> None:
        try:
            uploads = await self._pending.uploads(self._account_id, self._bucket)
        except SpacesError as exc:
            self.status.setText(f"Could not list incomplete uploads: {exc.message}")
            return
        queued = self._pending.queued_ids()
        self.uploads = sorted(uploads, key=lambda u: (u.key, u.initiated))
        self.table.clear()
        for upload in self.uploads:
            row = ["" for _ in HEADERS]
            row[KEY], row[STARTED] = upload.key, human_time(upload.initiated)
            row[PARTS], row[SIZE] = "…", "…"
            row[QUEUE] = "Yes" if upload.upload_id in queued else "No"
            row[UPLOAD_ID] = upload.upload_id[:16] + "…"
            item = QTreeWidgetItem(row)
            item.setToolTip(UPLOAD_ID, upload.upload_id)
            for column in (PARTS, SIZE):
                item.setTextAlignment(column, RIGHT)
            self.table.addTopLevelItem(item)
        count = len(self.uploads)
        self.status.setText(
            "No incomplete uploads: nothing is taking space unseen."
            if not count
            else f"{human_count(count, 'incomplete upload')}. "
            f"{'Its' if count == 1 else 'Their'} parts use space (and are billed) until finished or aborted."
        )
        self._update_buttons()
        await self._load_sizes(list(self.uploads))

    async def _load_sizes(self, uploads: list[PendingUpload]) -> None:
        """Fill Parts and Size, one upload at a time (each is a ListParts request)."""
        total = 0
        for row, upload in enumerate(uploads):
            try:
                parts = await self._pending.parts(self._account_id, upload)
            except SpacesError as exc:
                parts_text, size_text = "?", exc.title
            else:
                size = sum(p.size for p in parts)
                total += size
                parts_text, size_text = f"{len(parts):,}", human_size(size)
            if uploads != self.uploads:
                return  # reloaded meanwhile
            item = self.table.topLevelItem(row)
            if item is not None:
                item.setText(PARTS, parts_text)
                item.setText(SIZE, size_text)
        if uploads:
            self.status.setText(f"{self.status.text()} In all: {human_size(total)}.")

    def selected(self) -> list[PendingUpload]:
        rows = sorted(self.table.indexOfTopLevelItem(item) for item in self.table.selectedItems())
        return [self.uploads[row] for row in rows]

    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.abort_button.setEnabled(bool(chosen))
        self.resume_button.setEnabled(len(chosen) == 1)

    def _on_abort_clicked(self) -> None:
        chosen = self.selected()
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Abort Uploads",
            f"Abort {len(chosen)} incomplete upload{'s' if len(chosen) != 1 else ''}? "
            "Their uploaded parts are deleted from the server.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.addButton("Abort", QMessageBox.ButtonRole.DestructiveRole)
        box.setObjectName("confirmAbortPending")
        box.buttonClicked.connect(
            lambda button: (
                self._spawn(self._abort(chosen))
                if box.buttonRole(button) == QMessageBox.ButtonRole.DestructiveRole
                else None
            )
        )
        box.open()

    async def _abort(self, chosen: list[PendingUpload]) -> None:
        try:
            await self._pending.abort(self._account_id, chosen)
        except SpacesError as exc:
            self.status.setText(f"Could not abort: {exc.message}")
            return
        await self._load()

    def _on_resume_clicked(self) -> None:
        chosen = self.selected()
        if len(chosen) != 1:
            return
        path, _ = QFileDialog.getOpenFileName(self, f"The local file for “{chosen[0].key}”")
        if path:
            self.resume(chosen[0], path)

    def resume(self, upload: PendingUpload, local_path: str) -> None:
        self._spawn(self._resume(upload, local_path))

    async def _resume(self, upload: PendingUpload, local_path: str) -> None:
        try:
            await self._pending.resume(self._account_id, upload, local_path)
        except SpacesError as exc:
            self.status.setText(f"Could not resume: {exc.message}")
            return
        self.status.setText(
            f"“{upload.key}” is in the transfer queue: matching parts are kept, the rest sent."
        )
