"""The object view's context menu and the commands behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QMenu

from spacesgui.core.keys import Location
from spacesgui.qtmodels.icons import icon
from spacesgui.qtmodels.roles import ObjectRole
from spacesgui.ui.context_menu import show_once
from spacesgui.ui.keyboard_menu import open_menu_by_keyboard

if TYPE_CHECKING:
    from spacesgui.ui.main_window import MainWindow


class ObjectMenu(QObject):
    """Open, Copy Path, the CDN commands and Refresh for the rows under the pointer or selected."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        view = window.object_view
        self.copy_path_action = QAction("Copy Path", window)
        self.copy_path_action.setObjectName("copyPathAction")
        # Ctrl+C is Edit → Copy: the paths as text, and the objects for Paste.
        self.copy_path_action.triggered.connect(self.copy_paths)
        view.addAction(self.copy_path_action)
        self.copy_cdn_action = QAction("Copy CDN URL", window)
        self.copy_cdn_action.setObjectName("copyCdnAction")
        self.copy_cdn_action.triggered.connect(self.copy_cdn_urls)
        self.open_action = QAction("Open", window)
        self.open_action.triggered.connect(self._open_current)
        view.customContextMenuRequested.connect(self._on_view_context_menu_requested)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        open_menu_by_keyboard(view)

    def selected_keys(self) -> list[str]:
        view = self._window.object_view
        rows = sorted({index.row() for index in view.selectionModel().selectedRows()})
        flat = view.flat
        return [flat.index(row, 0).data(ObjectRole.KEY) for row in rows]

    def copy_paths(self) -> None:
        bucket = self._window.model.bucket
        keys = self.selected_keys()
        if bucket and keys:
            QGuiApplication.clipboard().setText("\n".join(Location(bucket, "").url() + key for key in keys))

    def copy_cdn_urls(self) -> None:
        """The CDN address of each selected file, when the Space has a CDN endpoint."""
        cdn = self._window.cdn
        if cdn is not None:
            cdn.copy_urls()

    def _open_current(self) -> None:
        index = self._window.object_view.currentIndex()
        if index.isValid() and index.data(ObjectRole.IS_FOLDER):
            self._window.open_folder(index.siblingAtColumn(0).data(ObjectRole.KEY))

    def _on_view_context_menu_requested(self, position: QPoint) -> None:
        view = self._window.object_view
        self.popup(view, view.indexAt(position), view.viewport().mapToGlobal(position))

    def popup(self, view: QAbstractItemView, index: QModelIndex, at: QPoint) -> None:
        """The menu for `index` of a view over the object model (the list or the icons grid)."""
        window = self._window
        menu = QMenu(view)
        menu.setObjectName("objectContextMenu")
        if index.isValid() and index.data(ObjectRole.DELETED):
            # A deleted row: bring it back or look at its versions; nothing that needs its bytes.
            window.deleted_files.add_deleted_row_menu(menu)
            menu.addAction(self.copy_path_action)
            menu.addSeparator()
            menu.addActions([window.deleted_files.toggle_action, window.refresh_action])
            show_once(menu, at)
            return
        if window.file_opener is not None:
            window.file_opener.add_to_menu(menu, index)  # a file row: Open and Open With… first
        if index.isValid():
            if index.data(ObjectRole.IS_FOLDER):
                menu.addAction(self.open_action)
            menu.addAction(self.copy_path_action)
            # Only for a Space known to have a CDN endpoint (looked up when it was opened).
            if window.cdn is not None and window.cdn.endpoint() is not None:
                menu.addActions([self.copy_cdn_action, window.cdn.purge_action])
            menu.addSeparator()
        transfers = window.transfer_actions
        if transfers is not None:
            if index.isValid():
                menu.addAction(transfers.download_action)
            if index.isValid() and index.data(ObjectRole.IS_FOLDER):
                # On a folder row, as a drop on it would: upload into that folder.
                key = index.siblingAtColumn(0).data(ObjectRole.KEY)
                name = index.siblingAtColumn(0).data()
                into_files = menu.addAction(f"Upload Files into “{name}”…")
                into_files.triggered.connect(lambda: transfers.pick_files_into(key))
                into_folder = menu.addAction(f"Upload Folder into “{name}”…")
                into_folder.triggered.connect(lambda: transfers.pick_folder_into(key))
            else:
                menu.addActions([transfers.upload_files_action, transfers.upload_folder_action])
            menu.addSeparator()
        edit = window.edit_actions
        if edit is not None:
            edit.update_enabled()
            if index.isValid():
                menu.addActions([edit.cut_action, edit.copy_action])
            if index.isValid() and index.data(ObjectRole.IS_FOLDER):
                # On a folder row, as Upload Files into it: into that folder, not beside it.
                folder_key = index.siblingAtColumn(0).data(ObjectRole.KEY)
                paste_into = menu.addAction(icon("paste"), f"Paste into “{index.siblingAtColumn(0).data()}”")
                paste_into.setObjectName("pasteIntoAction")
                paste_into.setEnabled(edit.paste_action.isEnabled())
                paste_into.triggered.connect(lambda: edit.paste_into(folder_key))
            else:
                menu.addAction(edit.paste_action)
            if index.isValid():
                menu.addSeparator()
                menu.addActions([edit.rename_action, edit.delete_action])
            menu.addSeparator()
        window.object_actions.add_to_menu(menu, index)
        access = window.access_actions
        if access is not None and index.isValid():
            access.update_enabled()
            menu.addActions(access.actions)
        if index.isValid():
            window.permissions.update_enabled()
            menu.addAction(window.permissions.action)
            window.versions.update_enabled()
            menu.addAction(window.versions.action)
            menu.addSeparator()
        place = window.place
        if index.isValid() and index.data(ObjectRole.IS_FOLDER) and place is not None:
            folder = index.siblingAtColumn(0).data(ObjectRole.KEY)
            usage = menu.addAction("Folder Usage…")
            usage.setObjectName("folderUsageAction")
            usage.triggered.connect(lambda: window.usage_windows.open(place.account_id, place.bucket, folder))
        if not index.isValid():
            window.deleted_files.update_enabled()
            menu.addAction(window.deleted_files.toggle_action)
        menu.addAction(window.refresh_action)
        show_once(menu, at)
