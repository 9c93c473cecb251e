"""Open and Open With… for files of the object view, and the offer to upload an edited copy.

Double-click or Enter on a file (ObjectView.open_file_requested) opens it with the
system's default program; Open With… (Ctrl+Shift+O) asks which program first. The copy
is downloaded by FileOpenService; this module launches it and keeps the user told in the
banner. `launch_default` and `launch_program` are plain attributes so tests can record
instead of starting programs. GUI thread only.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject, QProcess, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from spacesgui.core.content_type import guess_content_type
from spacesgui.core.desktop_entries import DesktopApp, command_line
from spacesgui.core.errors import SpacesError
from spacesgui.core.history import Place
from spacesgui.core.keys import basename
from spacesgui.core.listing import ObjectRef
from spacesgui.core.opened_files import ChangedCopy, OpenedFile
from spacesgui.qtmodels.roles import ObjectRole
from spacesgui.services.file_open_service import FileOpenService
from spacesgui.ui.browser.object_view import ObjectView
from spacesgui.ui.browser_context import BrowserContext
from spacesgui.ui.open.open_with_dialog import OpenWithDialog

log = logging.getLogger(__name__)

Launcher = Callable[[str], bool]  # a local file → whether a program took it
ProgramLauncher = Callable[[list[str]], bool]  # an argv → whether it started
SWEEP_DELAY_MS = 5_000  # the start is for listing; cleaning old copies can wait a moment


def launch_default(path: str) -> bool:
    """Open `path` with the program the system chooses for it."""
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(path)))


def launch_program(argv: list[str]) -> bool:
    """Start `argv` on its own (it outlives the app)."""
    started, _pid = QProcess.startDetached(argv[0], argv[1:])
    return bool(started)


class FileOpener(QObject):
    """Owns Open and Open With…, launches opened copies, offers their edits for upload."""

    def __init__(self, context: BrowserContext, service: FileOpenService, view: ObjectView) -> None:
        super().__init__(context.dialog_parent())
        self._context, self.service, self._view = context, service, view
        self.launch_default: Launcher = launch_default
        self.launch_program: ProgramLauncher = launch_program
        self.last_dialog: OpenWithDialog | None = None  # the newest Open With dialog, for tests
        self.server_changed_box: QMessageBox | None = None  # the newest "changed on the server" question
        self._programs: dict[str, DesktopApp] = {}  # open request id → the program chosen for it
        window = context.dialog_parent()
        self.open_action = QAction("Open", window)
        self.open_action.setObjectName("openFileAction")
        self.open_action.setStatusTip("Download the file and open it with its usual program")
        self.open_action.triggered.connect(self.open_selected)
        self.open_with_action = QAction("Open With…", window)
        self.open_with_action.setObjectName("openWithAction")
        self.open_with_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.open_with_action.setStatusTip("Download the file and choose the program that opens it")
        self.open_with_action.triggered.connect(self.open_with_selected)
        window.addAction(self.open_with_action)
        view.open_file_requested.connect(self._on_view_open_file_requested)
        view.selectionModel().selectionChanged.connect(self.update_enabled)
        service.opened.connect(self._on_service_opened)
        service.open_failed.connect(self._on_service_open_failed)
        service.copy_changed.connect(self._on_service_copy_changed)
        service.uploaded.connect(self._on_service_uploaded)
        service.upload_failed.connect(self._on_service_upload_failed)
        service.server_changed.connect(self._on_service_server_changed)
        self.update_enabled()
        # Once the window is up and settled, clean the cache of copies from earlier runs.
        self._sweep_timer = QTimer(self)
        self._sweep_timer.setSingleShot(True)
        self._sweep_timer.setInterval(SWEEP_DELAY_MS)
        self._sweep_timer.timeout.connect(lambda: self._context.spawn(self._sweep()))
        self._sweep_timer.start()

    async def _sweep(self) -> None:
        await self.service.sweep()  # a changed copy taken back is offered through copy_changed

    def stop(self) -> None:
        """At quit: no sweep starts any more (the next start's does it), and the copies go unwatched."""
        self._sweep_timer.stop()
        self.service.stop()

    # -- what applies ---------------------------------------------------------------------

    def _selected_file(self) -> ObjectRef | None:
        place = self._context.place
        if place is None or not place.bucket:
            return None
        return next((ref for ref in self._context.selected_refs() if not ref.is_folder), None)

    def update_enabled(self) -> None:
        enabled = self._selected_file() is not None
        self.open_action.setEnabled(enabled)
        self.open_with_action.setEnabled(enabled)

    def add_to_menu(self, menu: QMenu, index: QModelIndex) -> None:
        """Open and Open With… on a file row of the object view's context menu."""
        if not index.isValid() or index.data(ObjectRole.IS_FOLDER):
            return
        self.update_enabled()
        menu.addActions([self.open_action, self.open_with_action])
        menu.addSeparator()

    # -- opening --------------------------------------------------------------------------

    def _on_view_open_file_requested(self, key: str) -> None:
        ref = next((r for r in self._context.selected_refs() if r.key == key), ObjectRef(key))
        self.open_ref(ref)

    def open_selected(self) -> None:
        ref = self._selected_file()
        if ref is not None:
            self.open_ref(ref)

    def open_ref(self, ref: ObjectRef, program: DesktopApp | None = None) -> None:
        """Download `ref` into a fresh local copy, then open it (with `program`, if given)."""
        place = self._context.place
        if place is not None:
            self.open_in(place, ref, program)

    def open_in(self, place: Place, ref: ObjectRef, program: DesktopApp | None = None) -> None:
        """open_ref for a file of `place`'s Space, open in the window or not (search results)."""
        if not place.bucket or ref.is_folder:
            return
        request = self.service.open(place.account_id, place.bucket, ref)
        if program is not None:
            self._programs[request] = program
        self._context.show_message(f"Downloading “{html.escape(basename(ref.key))}” to open it…")

    def open_with_selected(self) -> None:
        ref = self._selected_file()
        if ref is not None:
            self._context.spawn(self._ask_program(ref))

    async def _ask_program(self, ref: ObjectRef) -> None:
        name = basename(ref.key)
        mime = guess_content_type(name, b"")
        matching, others = await self.service.programs_for(mime)
        dialog = OpenWithDialog(name, mime, matching, others, self._context.dialog_parent())
        self.last_dialog = dialog
        dialog.accepted.connect(lambda: self._on_dialog_accepted(dialog, ref))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()  # not exec(): never a nested event loop inside a coroutine (qasync)

    def _on_dialog_accepted(self, dialog: OpenWithDialog, ref: ObjectRef) -> None:
        if dialog.chosen is not None:
            self.open_ref(ref, dialog.chosen)

    def _on_service_opened(self, request: str, opened: OpenedFile) -> None:
        program = self._programs.pop(request, None)
        name = html.escape(opened.name)
        try:
            if program is None:
                launched, how = self.launch_default(opened.local_path), "its usual program"
            else:
                launched, how = self.launch_program(command_line(program, opened.local_path)), program.name
        except SpacesError as exc:
            launched, how = False, exc.message
        if not launched:
            message = f"“{opened.name}” was downloaded to {opened.local_path}, but {how} could not open it."
            log.warning("%s", message)
            self._context.show_message(html.escape(message) + " Try Open With… instead.", level="warning")
            return
        self._context.show_message(
            f"Opened “{name}” with {html.escape(how)}. When you save changes to it, "
            "spacesgui offers to upload them."
        )

    def _on_service_open_failed(self, request: str, message: str) -> None:
        self._programs.pop(request, None)
        log.warning("%s", message)
        self._context.show_message(html.escape(message), level="error")

    # -- edits ------------------------------------------------------------------------------

    def _on_service_copy_changed(self, change: ChangedCopy) -> None:
        self._context.show_message(
            f"<b>“{html.escape(change.opened.name)}” changed.</b> Upload the new version?",
            level="info",
            action="Upload",
            on_action=lambda: self.service.upload_change(change),
        )

    def _on_service_uploaded(self, opened: OpenedFile) -> None:
        self._context.show_message(f"Uploaded the new version of “{html.escape(opened.name)}”.")

    def _on_service_upload_failed(self, change: ChangedCopy, message: str) -> None:
        self._context.show_message(
            html.escape(message),
            level="error",
            action="Try Again",
            on_action=lambda: self.service.upload_change(change),
        )

    def _on_service_server_changed(self, change: ChangedCopy, message: str) -> None:
        """Ask what to do with an edit whose object someone replaced since it was opened."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Changed on the Server",
            f"“{change.opened.name}” changed on the server since you opened it.",
            QMessageBox.StandardButton.Cancel,
            self._context.dialog_parent(),
        )
        box.setObjectName("serverChangedBox")
        box.setInformativeText(
            f"{message} Replace it anyway, or save your copy under a new name beside it "
            "(the newer version stays as it is)?"
        )
        replace_button = box.addButton("Replace Anyway", QMessageBox.ButtonRole.DestructiveRole)
        replace_button.setObjectName("replaceAnywayButton")
        new_button = box.addButton("Save as a New Name", QMessageBox.ButtonRole.AcceptRole)
        new_button.setObjectName("saveAsNewButton")
        box.setDefaultButton(new_button)

        def on_finished(_result: int) -> None:
            clicked = box.clickedButton()
            if clicked is replace_button:
                self.service.upload_change(change, replace_anyway=True)
            elif clicked is new_button:
                self.service.upload_change_as_new(change)
            else:  # the edit stays in its copy; the banner keeps a way back to the question
                log.info(
                    "upload of the changed copy of %s cancelled: the server's is newer", change.opened.key
                )
                self._context.show_message(
                    f"“{html.escape(change.opened.name)}” was not uploaded: its copy keeps your edit.",
                    level="warning",
                    action="Upload…",
                    on_action=lambda: self.service.upload_change(change),
                )

        box.finished.connect(on_finished)
        self.server_changed_box = box
        box.open()  # not exec(): never a nested event loop (qasync)
