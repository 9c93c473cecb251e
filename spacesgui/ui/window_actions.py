"""The main window's actions, menus and toolbars.

Two toolbars: the main one with labelled icons for what people do to files (Upload,
Download, Refresh; New Folder, Delete, Share and Info join it as object operations
arrive), and below it the navigation bar (Back, Forward, Up, the path bar, the filter).
Both overflow into Qt's » menu when the window is too narrow for every button.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar, QToolButton

from spacesgui.qtmodels.icons import icon
from spacesgui.ui.about_dialog import AboutDialog
from spacesgui.ui.access_keys import give_access_letters
from spacesgui.ui.naming import named
from spacesgui.ui.shortcuts_window import ShortcutsWindow

if TYPE_CHECKING:
    from spacesgui.ui.main_window import MainWindow

Shortcut = QKeySequence | QKeySequence.StandardKey | str | None
TOOLBAR_ICON = QSize(20, 20)


class WindowActions(QObject):
    """Creates the window's own actions, then its menu bar; `build_toolbars` adds the toolbars."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = w = window
        self.back = self._action("Back", "backAction", "back", QKeySequence.StandardKey.Back, w.go_back)
        self.forward = self._action(
            "Forward", "forwardAction", "forward", QKeySequence.StandardKey.Forward, w.go_forward
        )
        self.up = self._action("Enclosing Folder", "upAction", "up", "Alt+Up", w.go_up)
        self.refresh = self._action(
            "Refresh", "refreshAction", "refresh", QKeySequence.StandardKey.Refresh, w.refresh
        )
        self.edit_path = self._action(
            "Go to Path…", "goToPathAction", None, "Ctrl+L", w.path_bar.start_editing
        )
        self.find = self._action(
            "Filter", "filterAction", None, QKeySequence.StandardKey.Find, w.focus_filter
        )
        spaces = w.space_actions
        self.add_account = self._action(
            "Add Account…", "addAccountAction", "account", None, spaces.add_account
        )
        self.keys_manager = self._action(
            "Keys Manager…", "keysManagerAction", None, "Ctrl+K", w.keys_manager.open
        )
        self.new_space = self._action("New Space…", "newSpaceAction", "space", None, spaces.create_space)
        self.delete_space = self._action(
            "Delete Space…", "deleteSpaceAction", None, None, lambda: spaces.delete_space()
        )
        self.space_settings = self._action(
            "Settings…", "spaceSettingsAction", None, None, w.open_space_settings
        )
        self.space_settings.setStatusTip(
            "Who can list the open Space, CORS, versioning, lifecycle rules, policy and logging"
        )
        self.quit = self._action("Quit", "quitAction", None, QKeySequence.StandardKey.Quit, w.request_quit)
        self.about = self._action("About spacesgui", "aboutAction", None, None, self._show_about)
        self.shortcuts = self._action(
            "Keyboard Shortcuts", "shortcutsAction", None, "Ctrl+/", self._show_shortcuts
        )
        self.shortcuts_window: ShortcutsWindow | None = None
        self.refresh.setToolTip("Refresh (F5): list the open folder again")
        self._build_menus()

    def _action(
        self, text: str, name: str, icon_name: str | None, shortcut: Shortcut, slot: Callable[[], object]
    ) -> QAction:
        action = QAction(text, self._window)
        action.setObjectName(name)
        if icon_name is not None:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self._window.addAction(action)
        return action

    def _build_menus(self) -> None:
        w = self._window
        menu = w.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self.add_account)
        file_menu.addAction(self.keys_manager)
        if w.import_actions is not None:
            file_menu.addActions([w.import_actions.import_action, w.import_actions.export_action])
        if w.do_keys is not None:
            file_menu.addAction(w.do_keys.action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.setObjectName("editMenu")
        edit = w.edit_actions
        if edit is not None:
            edit_menu.addActions(
                [edit.cut_action, edit.copy_action, edit.paste_action, edit.select_all_action]
            )
            edit_menu.addSeparator()
            edit_menu.addActions([edit.rename_action, edit.delete_action])
            edit_menu.addSeparator()
        edit_menu.addActions(w.object_actions.menu_actions())
        edit_menu.addSeparator()
        if w.access_actions is not None:
            edit_menu.addActions(w.access_actions.actions)
        edit_menu.addAction(w.permissions.action)
        edit_menu.addActions([w.versions.action, w.deleted_files.restore_action])
        self.edit_menu = edit_menu
        space_menu = menu.addMenu("&Space")
        space_menu.setObjectName("spaceMenu")
        space_menu.addActions([self.new_space, self.delete_space])
        space_menu.addSeparator()
        space_menu.addAction(self.space_settings)
        space_menu.addAction(w.usage_windows.space_action)
        self.space_menu = space_menu
        go_menu = menu.addMenu("&Go")
        go_menu.addActions([self.back, self.forward, self.up, self.edit_path])
        view_menu = menu.addMenu("&View")
        view_menu.addActions([*w.preview.menu_actions(), self.refresh, self.find, w.search_panel.find_action])
        view_menu.insertSeparator(self.refresh)
        view_menu.addMenu(w.auto_refresh.menu)
        view_menu.addAction(w.deleted_files.toggle_action)
        t = w.transfer_actions
        if t is not None:
            t.upload_files_action.setIcon(icon("upload"))
            t.upload_files_action.setIconText("Upload")  # the toolbar's label; menus say "Upload Files…"
            t.upload_files_action.setToolTip(
                "Upload files into the open folder (Ctrl+U); the arrow: a folder"
            )
            t.download_action.setIcon(icon("download"))
            t.download_action.setIconText("Download")
            t.download_action.setToolTip("Download the selection into the downloads folder (Ctrl+D)")
            transfer_verbs = [
                t.upload_files_action,
                t.upload_folder_action,
                t.download_action,
                t.download_to_action,
            ]
            file_menu.insertActions(self.quit, transfer_verbs)
            file_menu.insertSeparator(self.quit)
            view_menu.addSeparator()
            view_menu.addAction(t.show_queue_action)
            transfers_menu = menu.addMenu("&Transfers")
            transfers_menu.addActions(transfer_verbs)
            transfers_menu.addSeparator()
            transfers_menu.addActions([t.show_queue_action, t.pending_action, t.settings_action])
            transfers_menu.addAction(t.restart_action)
        window_menu = menu.addMenu("&Window")
        window_menu.setObjectName("windowMenu")
        window_menu.addAction(w.activity.action)
        help_menu = menu.addMenu("&Help")
        help_menu.addActions([self.shortcuts, self.about])
        for top in menu.actions():
            inner = top.menu()
            if isinstance(inner, QMenu):
                give_access_letters(inner)
        # F10 opens the menu bar at File, as on Windows, GNOME and KDE: Qt leaves the key to
        # the platform, and on Linux nothing took it (found by a keyboard-only new-user pass).
        self.menu_bar_action = self._action(
            "Menu Bar", "menuBarAction", None, "F10", lambda: menu.setActiveAction(file_menu.menuAction())
        )

    def build_toolbars(self) -> None:
        """The main toolbar (labelled icons), a break, then the navigation bar."""
        w = self._window
        main = named(QToolBar("Main toolbar", w), "mainToolbar", "Main toolbar")
        main.setMovable(False)
        main.setIconSize(TOOLBAR_ICON)
        main.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        t = w.transfer_actions
        if t is not None:
            main.addAction(t.upload_files_action)
            upload_button = main.widgetForAction(t.upload_files_action)
            if isinstance(upload_button, QToolButton):  # files, or a whole folder from the arrow
                upload_button.addAction(t.upload_folder_action)
                upload_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
            main.addAction(t.download_action)
            main.addSeparator()
        main.addAction(w.object_actions.new_folder_action)
        if w.edit_actions is not None:
            main.addAction(w.edit_actions.delete_action)
        main.addActions([w.object_actions.share_action, w.object_actions.properties_action])
        main.addSeparator()
        main.addAction(self.refresh)
        self.main_toolbar = main
        w.addToolBar(main)
        w.addToolBarBreak()

        navigation = named(QToolBar("Navigation", w), "navigationBar", "Navigation")
        navigation.setMovable(False)
        navigation.setIconSize(QSize(18, 18))
        navigation.addActions([self.back, self.forward, self.up])
        navigation.addWidget(w.path_bar)
        navigation.addWidget(w.filter_edit)
        w.path_bar.setMinimumWidth(200)
        self.navigation_toolbar = navigation
        w.addToolBar(navigation)

    def _show_shortcuts(self) -> None:
        window = ShortcutsWindow(self._window.menuBar(), self._window)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.shortcuts_window = window
        window.open()

    def _show_about(self) -> None:
        dialog = AboutDialog(self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
