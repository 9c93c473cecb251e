"""View → Show Deleted Files, and Restore, for a Space that keeps versions.

The toggle is enabled once the open Space is known to keep versions (versioning on or
suspended); otherwise it is disabled and its tooltip says why. The choice lasts for the
window's session, Space after Space. Deleted rows are greyed and italic, with “Deleted”
in their Access cell; Restore deletes their delete markers (for a folder, those of every
deleted file below it) and the rows turn normal when their folders are listed again,
which the service's `objects_changed` asks for. GUI thread only.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from spacesgui.core.bucket_settings import VersioningState
from spacesgui.core.errors import SpacesError
from spacesgui.core.history import Place
from spacesgui.core.keys import basename
from spacesgui.core.listing import ObjectRef
from spacesgui.qtmodels.object_model import ObjectTreeModel
from spacesgui.services.deleted_files_service import DeletedFilesService
from spacesgui.ui.browser.object_view import ObjectView
from spacesgui.ui.browser_context import BrowserContext
from spacesgui.ui.versions.versions_feature import VersionsFeature

log = logging.getLogger(__name__)

TOGGLE_TIP = "Show files and folders deleted from this Space, greyed, so they can be restored"
CHECKING_TIP = "Checking whether this Space keeps versions…"
NO_SPACE_TIP = "Open a Space to show its deleted files."
UNVERSIONED_TIP = (
    "This Space does not keep versions, so deleted files are gone for good. "
    "Turn versioning on in Space → Settings… to keep them from now on."
)


class DeletedFiles(QObject):
    """Owns Show Deleted Files and Restore; see the module docstring."""

    def __init__(
        self,
        context: BrowserContext,
        view: ObjectView,
        model: ObjectTreeModel,
        service: DeletedFilesService,
        versions: VersionsFeature,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._context, self._view, self._model = context, view, model
        self._service, self._versions = service, versions
        self._wanted = False  # what the user chose; shown only where the Space keeps versions
        self._states: dict[tuple[str, str], VersioningState | str] = {}  # a state, or why unknown
        self._space: tuple[str, str] | None = None
        self.stop_restore: Callable[[], None] = lambda: None  # Stop for the last restore begun
        self.toggle_action = QAction("Show Deleted Files", self)
        self.toggle_action.setObjectName("showDeletedAction")
        self.toggle_action.setCheckable(True)
        self.toggle_action.toggled.connect(self._on_toggle_action_toggled)
        self.restore_action = QAction("Restore", self)
        self.restore_action.setObjectName("restoreDeletedAction")
        self.restore_action.setStatusTip(
            "Bring the selected deleted files (and what deleted folders hold) back"
        )
        self.restore_action.triggered.connect(self.restore_selected)
        parent_widget = context.dialog_parent()
        parent_widget.addAction(self.restore_action)
        versions.deleted_refs = lambda: view.selected_refs(deleted=True)
        view.deleted_file_activated.connect(self._on_view_deleted_file_activated)
        view.selectionModel().selectionChanged.connect(self.update_enabled)
        service.objects_changed.connect(self._on_service_objects_changed)
        self._set_toggle(False, enabled=False, tip=NO_SPACE_TIP)

    # -- the toggle ---------------------------------------------------------
    def update_enabled(self) -> None:
        """Follow the open Space (ask whether it keeps versions, once) and the selection."""
        place = self._context.place
        space = (place.account_id, place.bucket) if place is not None and place.bucket else None
        if space != self._space:
            self._space = space
            if space is not None and space not in self._states:
                self._states[space] = CHECKING_TIP
                self._context.spawn(self._look_up(space))
        self._apply_state()
        self.restore_action.setEnabled(bool(self._view.selected_refs(deleted=True)))

    def keeps_versions(self, account_id: str, bucket: str) -> bool:
        """Whether the Space is known to keep every version (versioning on): a delete there
        only hides a file behind a delete marker, and Restore brings it back. Suspended
        does not count: a delete then replaces the file's null version for good."""
        return self._states.get((account_id, bucket)) == VersioningState.ENABLED

    async def _look_up(self, space: tuple[str, str]) -> None:
        try:
            self._states[space] = await self._service.versioning(*space)
        except SpacesError as error:
            log.info("versioning of %s unknown: %s", space[1], error.detail or error.message)
            self._states[space] = f"Whether this Space keeps versions could not be read: {error.message}"
        self._apply_state()

    def _apply_state(self) -> None:
        if self._space is None:
            self._set_toggle(False, enabled=False, tip=NO_SPACE_TIP)
            return
        state = self._states.get(self._space, CHECKING_TIP)
        if state in (VersioningState.ENABLED, VersioningState.SUSPENDED):
            self._set_toggle(self._wanted, enabled=True, tip=TOGGLE_TIP)
        elif state == VersioningState.UNVERSIONED:
            self._set_toggle(False, enabled=False, tip=UNVERSIONED_TIP)
        else:  # still asking: the model lists as it did, so the answer does not list it all twice
            self._set_toggle(False, enabled=False, tip=str(state), listed=state != CHECKING_TIP)

    def _set_toggle(self, on: bool, *, enabled: bool, tip: str, listed: bool = True) -> None:
        action = self.toggle_action
        action.blockSignals(True)
        action.setChecked(on)
        action.blockSignals(False)
        action.setEnabled(enabled)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if listed:
            self._model.set_show_deleted(on)

    def _on_toggle_action_toggled(self, on: bool) -> None:
        self._wanted = on
        self._model.set_show_deleted(on)

    def on_settings_changed(self, account_id: str, bucket: str, section: str) -> None:
        """Versioning turned on or suspended in Space Settings: ask again."""
        if section == "Versioning":
            self._states.pop((account_id, bucket), None)
            self._space = None
            self.update_enabled()

    # -- menus --------------------------------------------------------------
    def add_deleted_row_menu(self, menu: QMenu) -> None:
        """The context menu of a deleted row: Restore and Show Versions (nothing that needs bytes)."""
        self.update_enabled()
        self._versions.update_enabled()
        menu.addActions([self.restore_action, self._versions.action])
        menu.addSeparator()

    # -- restore ------------------------------------------------------------
    def restore_selected(self) -> None:
        place, refs = self._context.place, self._view.selected_refs(deleted=True)
        if place is None or not place.bucket or not refs:
            self._context.show_message("Select the deleted files or folders to restore first.", level="info")
            return
        self._context.spawn(self._restore(place, refs))

    async def _restore(self, place: Place, refs: list[ObjectRef]) -> None:
        what = f"“{basename(refs[0].key)}”" if len(refs) == 1 else f"{len(refs):,} items"
        stop = threading.Event()
        self.stop_restore = stop.set
        self._context.show_message(f"Restoring {what}…", level="info", action="Stop", on_action=stop.set)

        def progress(back: int, total: int) -> None:
            if not stop.is_set() and back < total:
                self._context.show_message(
                    f"Restoring {what}: {back:,} of {total:,} files back…",
                    level="info", action="Stop", on_action=stop.set,
                )  # fmt: skip

        result = await self._service.restore(place.account_id, place.bucket, refs, progress, stop)
        count = len(result.restored)
        if result.stopped:
            files = "1 file is" if count == 1 else f"{count:,} files are"
            self._context.show_message(
                f"Restore stopped: {files} back, the rest still deleted.", level="warning"
            )
        elif count == 0:
            self._context.show_message(
                f"Nothing to restore in {what}: no earlier version is kept.", level="warning"
            )
        else:
            files = "1 file" if count == 1 else f"{count:,} files"
            self._context.show_message(f"Restored {files}.", level="info")

    def _on_view_deleted_file_activated(self, key: str) -> None:
        self._context.show_message(
            f"“{basename(key)}” is deleted: Restore brings it back, Show Versions lists what is kept.",
            level="info",
            action="Restore",
            on_action=self.restore_selected,
        )

    def _on_service_objects_changed(self, account_id: str, bucket: str, prefixes: frozenset[str]) -> None:
        place = self._context.place
        if place is not None and (place.account_id, place.bucket) == (account_id, bucket):
            self._context.refresh_loaded(set(prefixes))
