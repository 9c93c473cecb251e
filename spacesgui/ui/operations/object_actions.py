"""New Folder, Properties…, Share… and Copy Link: the actions, when they apply, and what they open.

Dialogs are opened from plain slots, never inside a coroutine (qasync); the work then
runs as tasks through the object service.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDialog, QMenu

from spacesgui.core.history import Place
from spacesgui.core.keys import Location, basename
from spacesgui.core.sharing import DEFAULT_EXPIRY_S, LinkKind, copied_text
from spacesgui.core.upload_links import KeptHeaders
from spacesgui.qtmodels.icons import icon
from spacesgui.qtmodels.roles import ObjectRole
from spacesgui.services.object_service import ObjectService
from spacesgui.ui.browser.object_view import ObjectView
from spacesgui.ui.browser_context import BrowserContext
from spacesgui.ui.operations.new_folder_dialog import NewFolderDialog
from spacesgui.ui.operations.properties_panel import PropertiesPanel
from spacesgui.ui.operations.share_dialog import ShareDialog

# Copy Link asks the server who may read each file; past this many files that takes a
# moment, so the banner says it is under way.
SLOW_COPY_LINKS = 20


class ObjectActions(QObject):
    """Owns the object operation actions and keeps them enabled only where they apply.

    GUI thread only. Needs the BrowserContext (the open place, the selection, the banner),
    the object service, and the object view: its loaded rows are the names a new folder
    is checked against, and the new folder is selected in it once listed.
    """

    def __init__(self, context: BrowserContext, service: ObjectService, view: ObjectView) -> None:
        super().__init__(context.dialog_parent())
        self._context, self._service, self._view = context, service, view
        # Whether a Space has a CDN endpoint (account id, bucket); None: the provider says.
        self.has_cdn: Callable[[str, str], bool] | None = None
        # Info on one folder: its count and size (the window wires Folder Usage here).
        self.folder_info: Callable[[Place, str], object] | None = None
        self.new_folder_action = self._action(
            "New Folder…", "newFolderAction", "new-folder", ["Ctrl+Shift+N"], lambda: self.new_folder()
        )
        self.new_folder_action.setIconText("New Folder")
        self.new_folder_action.setToolTip("Create a folder in the open folder (Ctrl+Shift+N)")
        self.share_action = self._action("Share…", "shareAction", "share", [], self.share)
        self.share_action.setIconText("Share")
        self.share_action.setToolTip("Make links to the selected files: signed, upload, public")
        self.copy_link_action = self._action(
            "Copy Link", "copyLinkAction", None, ["Ctrl+Shift+C"], self.copy_link
        )
        self.copy_link_action.setStatusTip(
            "Copy a link per selected file: its public address if it is public, else a link valid for 7 days"
        )
        # Its key acts on the list's selection, so it belongs to the list (as Edit's keys do):
        # window-wide, Ctrl+Shift+C in Find in Space's results copied the list's links.
        self._context.dialog_parent().removeAction(self.copy_link_action)
        self.copy_link_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        view.addAction(self.copy_link_action)
        self.properties_action = self._action(
            "Properties…", "propertiesAction", "info", ["Alt+Return", "Alt+Enter"], self.show_properties
        )
        self.properties_action.setIconText("Info")
        self.properties_action.setToolTip(
            "Show and edit the selected files' properties, or what one folder holds (Alt+Enter)"
        )
        self.last_dialog: QDialog | None = None  # the newest dialog, for tests
        self._reveal_key = ""  # a new folder to select once it is listed
        view.selectionModel().selectionChanged.connect(self.update_enabled)
        tree = view.flat.tree
        view.flat.modelReset.connect(self._on_flat_model_reset)
        tree.rowsInserted.connect(self._on_tree_rows_changed)
        tree.layoutChanged.connect(self._on_tree_rows_changed)
        service.objects_changed.connect(self._on_service_objects_changed)
        self.update_enabled()

    def _action(
        self, text: str, name: str, icon_name: str | None, shortcuts: list[str], slot: Callable[[], object]
    ) -> QAction:
        window = self._context.dialog_parent()
        action = QAction(text, window)
        action.setObjectName(name)
        if icon_name is not None:
            action.setIcon(icon(icon_name))
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.triggered.connect(slot)
        window.addAction(action)
        return action

    def menu_actions(self) -> list[QAction]:
        """For the Edit menu, in order (a separator between making and sharing)."""
        separator = QAction(self)
        separator.setSeparator(True)
        return [
            self.new_folder_action,
            separator,
            self.copy_link_action,
            self.share_action,
            self.properties_action,
        ]

    def toolbar_actions(self) -> list[QAction]:
        return [self.new_folder_action, self.share_action, self.properties_action]

    # -- enabled states -----------------------------------------------------
    def _files_selected(self) -> bool:
        """Whether any selected row is a live file (the view works the selection out once)."""
        return self._view.selection().files > 0

    def update_enabled(self) -> None:
        place = self._context.place
        has_bucket = bool(place and place.bucket)
        self.new_folder_action.setEnabled(has_bucket)
        files = has_bucket and self._files_selected()
        for action in (self.share_action, self.copy_link_action):
            action.setEnabled(files)
        self.properties_action.setEnabled(files or (has_bucket and self._one_folder() is not None))

    def _selected_files(self) -> tuple[Place, list[str]] | None:
        place = self._context.place
        if place is None or not place.bucket:
            return None
        keys = [ref.key for ref in self._context.selected_refs() if not ref.is_folder]
        return (place, keys) if keys else None

    # -- context menu -------------------------------------------------------
    def add_to_menu(self, menu: QMenu, index: QModelIndex) -> None:
        """Add what applies where the object view's menu opened: on a row (`index`), Share,
        Copy Link and Properties when files are selected, and on a folder row New Folder
        inside it; on empty space, New Folder in the open folder."""
        place = self._context.place
        if place is None or not place.bucket:
            return
        if index.isValid() and self.share_action.isEnabled():  # files (a folder's menu has Folder Usage…)
            menu.addActions([self.copy_link_action, self.share_action, self.properties_action])
        if not index.isValid():
            menu.addAction(self.new_folder_action)
        elif index.data(ObjectRole.IS_FOLDER):
            key = str(index.siblingAtColumn(0).data(ObjectRole.KEY))
            inside = menu.addAction(f"New Folder in “{basename(key)}”…")
            inside.setObjectName("newFolderInsideAction")
            inside.triggered.connect(lambda: self.new_folder(key))
        menu.addSeparator()

    # -- new folder ---------------------------------------------------------
    def new_folder(self, prefix: str | None = None) -> None:
        """Ask for a name and create a folder in `prefix` (default: the open folder)."""
        place = self._context.place
        if place is None or not place.bucket:
            return
        folder = place.prefix if prefix is None else prefix
        existing = self._view.listed_entries(folder)

        async def create(name: str) -> str:
            return await self._service.create_folder(place.account_id, place.bucket, folder, name)

        dialog = NewFolderDialog(
            Location(place.bucket, folder).url(), folder, existing, create, self._context.spawn,
            self._context.dialog_parent(),
        )  # fmt: skip
        self.last_dialog = dialog

        def on_finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted and dialog.created_key:
                self._reveal(place, folder, dialog.created_key)
            dialog.deleteLater()

        dialog.finished.connect(on_finished)
        dialog.open()

    def _reveal(self, place: Place, prefix: str, key: str) -> None:
        """Show the new folder `key` (listing `prefix` again, opening it if needed) and select it."""
        if self._context.place != place:
            return
        node = self._view.node_at(prefix)
        if node is not None and node is not self._view.flat.tree.root:
            self._view.expand_folder(node)
        self._reveal_key = key
        self._context.refresh_loaded({prefix})
        self._on_tree_rows_changed()

    def _on_tree_rows_changed(self) -> None:
        if not self._reveal_key:
            return
        tree = self._view.flat.tree
        node = self._view.node_at(self._reveal_key)
        if node is None:
            return
        index = tree.index_of_folder(node)
        flat = self._view.flat.map_from_source(index)
        if not flat.isValid():
            return  # hidden by the filter, or its parent folded: nothing to select
        self._reveal_key = ""
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self._view.selectionModel().setCurrentIndex(flat, flags)
        self._view.scrollTo(flat)

    def _on_flat_model_reset(self) -> None:
        self._reveal_key = ""
        self.update_enabled()

    def _on_service_objects_changed(self, account_id: str, bucket: str, prefixes: frozenset[str]) -> None:
        place = self._context.place
        if place is not None and (place.account_id, place.bucket) == (account_id, bucket):
            self._context.refresh_loaded(set(prefixes))

    # -- properties, share, copy link ---------------------------------------
    def _one_folder(self) -> str | None:
        """The key of the one folder selected (nothing else), which Info shows as Folder Usage."""
        if self.folder_info is None:
            return None
        refs = self._context.selected_refs()
        return refs[0].key if len(refs) == 1 and refs[0].is_folder else None

    def show_properties(self) -> None:
        chosen = self._selected_files()
        if chosen is not None:
            self.show_properties_of(*chosen)
            return
        folder, place = self._one_folder(), self._context.place
        if folder is not None and place is not None and self.folder_info is not None:
            self.folder_info(place, folder)  # as Finder's Get Info on a folder: what it holds

    def show_properties_of(self, place: Place, keys: list[str]) -> None:
        """The properties panel of `keys` in `place`'s Space (the selection, or search results)."""
        panel = PropertiesPanel(
            self._service, self._context.spawn, place.account_id, place.bucket, keys,
            self._context.dialog_parent(),
        )  # fmt: skip
        if self.has_cdn is not None:
            panel.cdn_on = self.has_cdn(place.account_id, place.bucket)
        self.last_dialog = panel
        panel.show()  # non-modal: the window stays usable beside it
        panel.load()

    def share(self) -> None:
        chosen = self._selected_files()
        if chosen is not None:
            self.share_keys(*chosen)

    def share_keys(self, place: Place, keys: list[str]) -> None:
        """The Share dialog for `keys` in `place`'s Space (the selection, or search results)."""

        kept: list[KeptHeaders] | None = None  # what upload links keep, read as Upload is chosen

        async def sign(kind: LinkKind, expires_s: int) -> list[str]:
            nonlocal kept
            if kind is not LinkKind.UPLOAD:
                kept = None  # coming back to Upload reads the files again
                return await self._service.sign_links(place.account_id, place.bucket, keys, kind, expires_s)
            if kept is None:  # once, not at each step of the expiry: a HEAD and an ACL read a file
                kept = await self._service.upload_settings(place.account_id, place.bucket, keys)
            return await self._service.sign_uploads(place.account_id, place.bucket, keys, kept, expires_s)

        cdn = (
            self.has_cdn(place.account_id, place.bucket)
            if self.has_cdn is not None
            else bool(self._context.account_of(place.account_id).cdn_url(place.bucket))
        )

        async def access() -> list[bool | None]:
            return await self._service.public_access(place.account_id, place.bucket, keys)

        dialog = ShareDialog(
            keys, sign, self._context.spawn, cdn=cdn, access=access, parent=self._context.dialog_parent()
        )
        self.last_dialog = dialog
        dialog.open()

    def copy_link(self) -> None:
        """Put one link per selected file on the clipboard (Ctrl+Shift+C), and say what it is."""
        chosen = self._selected_files()
        if chosen is not None:
            self._context.spawn(self._copy_links(*chosen))

    def copy_links_of(self, place: Place, keys: list[str]) -> None:
        """Copy Link for `keys` of `place`'s Space (Find in Space's results)."""
        if keys:
            self._context.spawn(self._copy_links(place, keys))

    async def _copy_links(self, place: Place, keys: list[str]) -> None:
        now = datetime.now()
        if len(keys) > SLOW_COPY_LINKS:  # one question to the server per file: say it is coming
            self._context.show_message(f"Making links to {len(keys):,} files…", level="info")
        links = await self._service.default_links(place.account_id, place.bucket, keys)
        QGuiApplication.clipboard().setText("\n".join(url for _, url in links))
        kinds = [kind for kind, _ in links]
        text = copied_text(kinds, DEFAULT_EXPIRY_S, now, name=basename(keys[0]))
        self._context.show_message(html.escape(text, quote=False), level="info")  # the banner is rich text
