"""Upload and download commands of the main window: drops, pickers, paste, and the queue dock.

File pickers and questions are opened from plain slots, never inside a coroutine;
the planning and queueing then run as tasks on the qasync loop.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStandardPaths, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel

from spacesgui.core.formatting import human_count
from spacesgui.core.history import Place
from spacesgui.core.keys import as_folder
from spacesgui.services.engine_client import EngineStopped
from spacesgui.services.transfer_planner import DownloadItem
from spacesgui.services.transfer_service import PAUSED_TITLE, QueueStatus, TransferService
from spacesgui.ui.browser.object_view import local_paths
from spacesgui.ui.naming import named
from spacesgui.ui.transfers.conflict_dialog import ConflictAsker
from spacesgui.ui.transfers.drag_out import DragOut
from spacesgui.ui.transfers.pending_uploads_dialog import PendingUploadsDialog
from spacesgui.ui.transfers.transfer_dock import TransferDock
from spacesgui.ui.transfers.transfer_settings_dialog import TransferSettingsDialog

if TYPE_CHECKING:
    from spacesgui.ui.main_window import MainWindow

log = logging.getLogger(__name__)

PAUSED_ABOUT = "paused-at-start"  # the banner of what the last session left paused

STATUS_WIDTH = 480  # the transfer summary's width in a wide window
QWIDGETSIZE_MAX = (1 << 24) - 1

ENGINE_STOPPED_TITLE = EngineStopped.title


def folder_problem(folder: str) -> str:
    """Why downloads cannot go into `folder`, in plain words; "" when they can."""
    if not folder:
        return "This system names no downloads folder."
    if not os.path.isdir(folder):
        return f"The downloads folder “{folder}” does not exist."
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"The downloads folder “{folder}” cannot be written to."
    return ""


def existing_folder(path: str) -> str:
    """`path`, or its nearest parent that exists (the home folder when none does)."""
    folder = os.path.abspath(path) if path else ""
    while folder and not os.path.isdir(folder):
        up = os.path.dirname(folder)
        folder = "" if up == folder else up
    return folder or os.path.expanduser("~")


class TransferActions(QObject):
    """Owns the Transfers dock, the upload/download actions and the transfer status label."""

    def __init__(self, window: MainWindow, service: TransferService) -> None:
        super().__init__(window)
        self._window = window
        self.service = service
        self._upload_from = ""  # the folder the last upload pick came from (this session)
        self.ask_conflict = ConflictAsker(window)
        self.last_destination = ""  # the folder the last download went to (tests and reuse)
        self.dock = TransferDock(service, window)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.status_label = named(QLabel(window), "transferStatus", "Transfer status")
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        window.statusBar().addPermanentWidget(self.status_label)

        self.upload_files_action = self._action(
            "Upload Files…", "uploadFilesAction", "Ctrl+U", self.pick_files
        )
        self.upload_folder_action = self._action(
            "Upload Folder…", "uploadFolderAction", "Ctrl+Shift+U", self.pick_folder
        )
        self.download_action = self._action("Download", "downloadAction", "Ctrl+D", self.download_selected)
        self.download_action.setStatusTip(
            "Download the selection into your downloads folder (Transfer Settings)"
        )
        self.download_to_action = self._action(
            "Download To…", "downloadToAction", "Ctrl+Shift+D", self.pick_destination
        )
        self.download_to_action.setStatusTip("Choose a folder, then download the selection into it")
        self.paste_action = self._action(
            "Paste Files", "pasteFilesAction", QKeySequence.StandardKey.Paste, self.paste
        )
        # Ctrl+V is Edit → Paste, which pastes copied objects, or files through here.
        self.paste_action.setShortcut(QKeySequence())
        self.settings_action = self._action(
            "Transfer Settings…", "transferSettingsAction", "Ctrl+,", self.open_settings
        )
        self.pending_action = self._action(
            "Incomplete Uploads…", "pendingUploadsAction", "Ctrl+Shift+I", self.open_pending_uploads
        )
        self.restart_action = self._action(
            "Restart Transfers", "restartTransfersAction", "", service.restart_engine
        )
        self.restart_action.setEnabled(False)  # until the transfer process dies
        self.last_dialog: QDialog | None = None  # kept for tests and against early garbage collection
        self.show_queue_action = self.dock.toggleViewAction()
        self.show_queue_action.setText("Transfers Panel")
        self.show_queue_action.setShortcut(QKeySequence("Ctrl+Shift+T"))
        self.show_queue_action.triggered.connect(self._on_show_queue_triggered)

        self.drag_out = DragOut(self, service)
        view = window.object_view
        view.files_dropped.connect(self._on_view_files_dropped)
        view.drag_out_requested.connect(self.drag_out.start)
        # The summary is measured from the panel's rows, so the two never disagree.
        self.dock.summary_changed.connect(self._on_dock_summary_changed)
        service.objects_changed.connect(self._on_service_objects_changed)
        service.notice.connect(self._on_service_notice)
        service.status_changed.connect(self._on_service_status_changed)
        service.engine_stopped.connect(self._on_service_engine_stopped)
        service.engine_restarted.connect(self._on_service_engine_restarted)

    def _action(
        self, text: str, name: str, shortcut: str | QKeySequence.StandardKey, slot: object
    ) -> QAction:
        action = QAction(text, self._window)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self._window.addAction(action)
        return action

    def place(self) -> Place | None:
        return self._window.place

    def window(self) -> MainWindow:
        return self._window

    def update_enabled(self) -> None:
        place = self._window.place
        has_bucket = bool(place and place.bucket)
        for action in (self.upload_files_action, self.upload_folder_action, self.paste_action):
            action.setEnabled(has_bucket)
        self.download_action.setEnabled(has_bucket)
        self.download_to_action.setEnabled(has_bucket)
        self.pending_action.setEnabled(has_bucket)

    def open_settings(self) -> None:
        dialog = TransferSettingsDialog(self.service, self._window)
        self.last_dialog = dialog
        dialog.open()

    def open_pending_uploads(self) -> None:
        place = self._window.place
        if place is not None and place.bucket:
            self.open_pending_uploads_of(place.account_id, place.bucket)

    def open_pending_uploads_of(self, account_id: str, bucket: str) -> None:
        """The Incomplete Uploads dialog of `bucket`, open or not (Space Usage offers it)."""
        dialog = PendingUploadsDialog(
            self.service.pending, self._window.spawn, account_id, bucket, self._window
        )
        self.last_dialog = dialog
        dialog.open()

    # -- uploads ------------------------------------------------------------
    def upload(self, paths: list[str], folder_key: str = "") -> None:
        """Upload local `paths` into `folder_key`, or into the open folder when it is empty."""
        place = self._window.place
        if place is None or not place.bucket:
            self._window.banner.show_message("Open a Space first, then drop files on it.", level="info")
            return
        if not paths:
            return
        prefix = as_folder(folder_key) if folder_key else place.prefix
        self._window.spawn(self._upload(place.account_id, place.bucket, prefix, paths))

    async def _upload(self, account_id: str, bucket: str, prefix: str, paths: list[str]) -> None:
        try:
            queued = await self.service.upload(account_id, bucket, prefix, paths, self.ask_conflict)
        except EngineStopped as exc:
            if not self.service.engine_down:
                raise
            self._offer_restart(f"<b>{exc.title}.</b> {exc.message}")
            return
        log.info("queued %d uploads to s3://%s/%s", queued, bucket, prefix)
        if queued:
            self.dock.reveal()

    def _on_view_files_dropped(self, paths: list[str], folder_key: str) -> None:
        self.upload(paths, folder_key)

    def pick_files(self) -> None:
        self.pick_files_into("")

    def pick_folder(self) -> None:
        self.pick_folder_into("")

    def pick_files_into(self, folder_key: str) -> None:
        """Ask for files, then upload them into `folder_key` ("" = the open folder)."""
        paths, _filter = QFileDialog.getOpenFileNames(self._window, "Upload Files", self.upload_from())
        if paths:
            self._upload_from = os.path.dirname(paths[0])
        self.upload(paths, folder_key)

    def pick_folder_into(self, folder_key: str) -> None:
        path = QFileDialog.getExistingDirectory(self._window, "Upload Folder", self.upload_from())
        if path:
            self._upload_from = os.path.dirname(path.rstrip(os.sep)) or path
            self.upload([path], folder_key)

    def upload_from(self) -> str:
        """Where the upload pickers open: where the last pick came from, else the home folder.

        Not the folder the app was started in (a launcher's, or a source checkout's): the
        pickers opened there every time.
        """
        return self._upload_from or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.HomeLocation
        )

    def paste(self) -> None:
        self.paste_into("")

    def paste_into(self, folder_key: str) -> None:
        """Upload the files a file manager copied into `folder_key` ("" = the open folder)."""
        mime = QGuiApplication.clipboard().mimeData()
        paths = local_paths(mime) if mime is not None else []
        if paths:
            self.upload(paths, folder_key)
        else:
            self._window.banner.show_message(
                "The clipboard holds no files. Copy files in your file manager, then paste here.",
                level="info",
            )

    # -- downloads ----------------------------------------------------------
    def selected_items(self) -> list[DownloadItem]:
        return self._window.object_view.selected_refs()

    def download_folder(self) -> str:
        """Where Download saves: the folder from Transfer Settings, else the platform's Downloads."""
        return self.service.download_folder or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DownloadLocation
        )

    def download_selected(self) -> None:
        """Download the selection into the downloads folder, without asking where.

        A folder that is missing or cannot be written is said in plain words, and the
        folder picker opens instead.
        """
        items = self.selected_items()
        if not items:
            self._window.banner.show_message("Select files or folders to download first.", level="info")
            return
        folder = self.download_folder()
        problem = folder_problem(folder)
        if problem:
            banner = self._window.banner
            banner.show_message(
                f"{problem} Choose where to save this download; Transfer Settings… changes the "
                "downloads folder for next time.",
                level="warning",
            )
            asked = banner.message()
            self.pick_destination()
            if banner.message() == asked:  # answered (or cancelled): the hint has done its work
                banner.dismiss()
            return
        self.download(items, folder)

    def download_refs(self, place: Place, items: list[DownloadItem]) -> None:
        """Download `items` of `place`'s Space into the downloads folder (search results use it)."""
        folder = self.download_folder()
        problem = folder_problem(folder)
        if problem:
            self._window.banner.show_message(
                f"{problem} Choose another in Transfer Settings….", level="warning"
            )
            return
        if place.bucket and items:
            self.last_destination = folder
            self._window.spawn(self._download(place.account_id, place.bucket, items, folder))

    def pick_destination(self) -> None:
        """Download To…: ask for a folder, then download the selection into it."""
        items = self.selected_items()
        if not items:
            self._window.banner.show_message("Select files or folders to download first.", level="info")
            return
        # A missing folder would open its parent with the name typed in, and accepting that
        # gives "Directory not found": start in the nearest folder that exists.
        start = existing_folder(self.last_destination or self.download_folder())
        folder = QFileDialog.getExistingDirectory(self._window, "Download to Folder", start)
        if folder:
            self.download(items, folder)

    def download(self, items: list[DownloadItem], destination: str) -> None:
        place = self._window.place
        if place is None or not place.bucket or not items:
            return
        self.last_destination = destination
        self._window.spawn(self._download(place.account_id, place.bucket, items, destination))

    async def _download(
        self, account_id: str, bucket: str, items: list[DownloadItem], destination: str
    ) -> None:
        queued = await self.service.download(account_id, bucket, items, destination, self.ask_conflict)
        log.info("queued %d downloads to %s", queued, destination)
        if queued:
            self.dock.reveal()

    # -- reactions ----------------------------------------------------------
    def _on_dock_summary_changed(self, text: str) -> None:
        # Wide enough for the usual summary, so five updates a second rarely re-lay out the
        # bar; but never more than half a narrow window (cut with "…", whole in the tooltip),
        # and nothing while there is no text, so the selection's summary beside it keeps its room.
        width = min(STATUS_WIDTH, self._window.width() // 2) if text else 0
        self.status_label.setMinimumWidth(width)
        self.status_label.setMaximumWidth(width if text else QWIDGETSIZE_MAX)
        metrics = self.status_label.fontMetrics()
        self.status_label.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(0, width - 8)))
        self.status_label.setToolTip(text)

    def _on_service_objects_changed(self, account_id: str, bucket: str, prefixes: set[str]) -> None:
        place = self._window.place
        if place is not None and place.account_id == account_id and place.bucket == bucket:
            self._window.refresh_loaded(prefixes)

    def _on_service_notice(self, title: str, message: str) -> None:
        lines = message.splitlines()
        shown = "<br>".join(lines[:5])
        if len(lines) > 5:
            shown += f"<br>…and {human_count(len(lines) - 5, 'more')} (see the log)."
        if self.service.engine_down and title == ENGINE_STOPPED_TITLE:
            self._offer_restart(f"<b>{title}.</b> {shown}")
            return
        if title == PAUSED_TITLE:  # what the last quit left: one click takes it all up again
            self._window.banner.show_message(
                f"<b>{title}.</b> {shown}", level="info", action="Resume All", on_action=self.dock.resume_all,
                about=PAUSED_ABOUT,
            )  # fmt: skip
            return
        self._window.banner.show_message(f"<b>{title}.</b> {shown}", level="warning")

    def _on_show_queue_triggered(self, shown: bool) -> None:
        """Shown by its command (Ctrl+Shift+T): open, with the keyboard on its rows. It came
        back folded to its header, the keys left in the list: acting on a row took Tab,
        Space on the header, Tab again (a keyboard-only new-user pass)."""
        if shown:
            self.dock.reveal()
            self.dock.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_service_status_changed(self, status: QueueStatus) -> None:
        # Once nothing is paused (resumed, finished or cancelled, here or from the panel),
        # the start-up note would tell of what is over: it stayed up, Resume All and all.
        if status.totals.paused == 0:
            self._window.banner.dismiss_about(PAUSED_ABOUT)

    def _on_service_engine_stopped(self, message: str) -> None:
        self.restart_action.setEnabled(True)
        self._offer_restart(f"<b>{ENGINE_STOPPED_TITLE}.</b> {message}")

    def _offer_restart(self, text: str) -> None:
        self._window.banner.show_message(
            text, level="error", action="Restart Transfers", on_action=self.restart_action.trigger
        )

    def _on_service_engine_restarted(self, resumed: int) -> None:
        self.restart_action.setEnabled(False)
        carried = f" {human_count(resumed, 'transfer')} carrying on." if resumed else ""
        self._window.banner.show_message(f"<b>Transfers restarted.</b>{carried}", level="info")
