"""The main window: accounts on the left, the object tree in the middle, a path bar on top."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QStatusBar,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from spacesgui import __version__
from spacesgui.core.errors import ListBucketsDenied, SpacesError
from spacesgui.core.folder_node import LoadState
from spacesgui.core.formatting import folder_summary, human_count
from spacesgui.core.history import History, Place, came_from
from spacesgui.core.keys import Location, parse_location
from spacesgui.qtmodels.object_model import ObjectTreeModel
from spacesgui.qtmodels.roles import ObjectRole
from spacesgui.services.account_service import AccountService
from spacesgui.services.browser_service import BrowserService
from spacesgui.services.runner import TaskRunner
from spacesgui.services.transfer_service import TransferService
from spacesgui.ui.accounts.account_panel import AccountPanel
from spacesgui.ui.accounts.space_actions import SpaceActions
from spacesgui.ui.browser.auto_refresh import AutoRefresh
from spacesgui.ui.browser.filter_edit import FilterEdit
from spacesgui.ui.browser.object_menu import ObjectMenu
from spacesgui.ui.browser.object_view import ObjectView
from spacesgui.ui.browser.path_bar import PathBar
from spacesgui.ui.message_banner import MessageBanner
from spacesgui.ui.naming import named
from spacesgui.ui.transfers.transfer_actions import TransferActions

log = logging.getLogger(__name__)

FOCUS_REFRESH_MIN_GAP_S = 5.0
# Lenient on purpose: old AWS buckets may have capitals or underscores.
VALID_PATH_BUCKET = re.compile(r"^[A-Za-z0-9._-]{1,255}$")


class MainWindow(QMainWindow):
    def __init__(
        self,
        runner: TaskRunner,
        accounts: AccountService,
        browser: BrowserService,
        transfers: TransferService | None = None,
        *,
        refresh_interval_s: int = 30,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setAccessibleName("spacesgui")
        self.setWindowTitle("spacesgui")
        self.resize(1180, 720)
        self._runner, self._accounts, self._browser = runner, accounts, browser
        self._history = History()
        self._last_refresh = 0.0
        self._hint = ""
        self._reselect = ""  # folder to select once the open folder is listed (after Up or Back)

        self.model = ObjectTreeModel(browser, self)
        self.object_view = ObjectView(self)
        self.flat_model = self.object_view.set_tree(self.model)
        self.account_panel = AccountPanel(accounts, self.spawn, self)
        self.banner = MessageBanner(self)
        self.path_bar = PathBar(self)
        self.filter_edit = named(FilterEdit(self), "filterEdit", "Filter")
        self.filter_edit.setPlaceholderText("Filter (e.g. beach or *.png)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMaximumWidth(260)
        self.placeholder = named(QLabel(self), "placeholderLabel")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet("color: palette(mid); font-size: 15px; padding: 40px;")
        self.status_label = named(QLabel(self), "statusSummary", "Status")
        # A fixed-width policy: new text repaints the label, never re-lays out the window.
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        status = named(QStatusBar(self), "statusBar", "Status bar")
        status.addWidget(self.status_label, 1)
        self.setStatusBar(status)
        self.space_actions = SpaceActions(self)
        self.auto_refresh = AutoRefresh(self)
        self.auto_refresh.timeout.connect(self._on_auto_refresh_timeout)
        self.refresh_interval_changed = self.auto_refresh.interval_chosen  # the app saves it
        self.object_menu = ObjectMenu(self)
        self.transfer_actions = TransferActions(self, transfers) if transfers is not None else None

        self._build_actions()
        self._build_layout()
        self._connect()

        self.auto_refresh.set_interval(refresh_interval_s)
        self._update_view_state()

    # -- construction -------------------------------------------------------
    def _action(
        self,
        text: str,
        icon: QStyle.StandardPixmap | None,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
        slot: object,
    ) -> QAction:
        action = QAction(text, self)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.back_action = self._action("Back", sp.SP_ArrowBack, QKeySequence.StandardKey.Back, self.go_back)
        self.forward_action = self._action(
            "Forward", sp.SP_ArrowForward, QKeySequence.StandardKey.Forward, self.go_forward
        )
        self.up_action = self._action("Enclosing Folder", sp.SP_ArrowUp, "Alt+Up", self.go_up)
        self.refresh_action = self._action(
            "Refresh", sp.SP_BrowserReload, QKeySequence.StandardKey.Refresh, self.refresh
        )
        self.edit_path_action = self._action("Go to Path…", None, "Ctrl+L", self.path_bar.start_editing)
        self.find_action = self._action("Filter", None, QKeySequence.StandardKey.Find, self._focus_filter)
        self.add_account_action = self._action(
            "Add Account…", sp.SP_DriveNetIcon, None, self.space_actions.add_account
        )
        self.new_space_action = self._action(
            "New Space…", sp.SP_FileDialogNewFolder, "Ctrl+Shift+N", self.space_actions.create_space
        )
        self.delete_space_action = self._action(
            "Delete Space…", sp.SP_TrashIcon, None, self.space_actions.delete_space
        )
        self.quit_action = self._action("Quit", None, QKeySequence.StandardKey.Quit, self.close)
        for action, name in ((self.back_action, "backAction"), (self.forward_action, "forwardAction"), (self.up_action, "upAction"), (self.refresh_action, "refreshAction"), (self.new_space_action, "newSpaceAction"), (self.delete_space_action, "deleteSpaceAction"), (self.add_account_action, "addAccountAction")):  # fmt: skip
            action.setObjectName(name)

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addActions([self.add_account_action, self.new_space_action, self.delete_space_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        go_menu = menu.addMenu("&Go")
        go_menu.addActions([self.back_action, self.forward_action, self.up_action, self.edit_path_action])
        view_menu = menu.addMenu("&View")
        view_menu.addActions([self.refresh_action, self.find_action])
        view_menu.addMenu(self.auto_refresh.menu)
        if self.transfer_actions is not None:
            t = self.transfer_actions
            file_menu.insertActions(
                self.quit_action,
                [t.upload_files_action, t.upload_folder_action, t.download_action, t.download_to_action],
            )
            file_menu.insertSeparator(self.quit_action)
            view_menu.addSeparator()
            view_menu.addAction(t.show_queue_action)
            transfers_menu = menu.addMenu("&Transfers")
            transfers_menu.addActions(
                [t.upload_files_action, t.upload_folder_action, t.download_action, t.download_to_action]
            )
            transfers_menu.addSeparator()
            transfers_menu.addActions([t.show_queue_action, t.pending_action, t.settings_action])
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self._action("About spacesgui", None, None, self._show_about))

    def _build_layout(self) -> None:
        toolbar = named(QToolBar("Navigation", self), "navigationBar")
        toolbar.setMovable(False)
        toolbar.addActions([self.back_action, self.forward_action, self.up_action, self.refresh_action])
        toolbar.addWidget(self.path_bar)
        toolbar.addWidget(self.filter_edit)
        self.addToolBar(toolbar)
        self.path_bar.setMinimumWidth(300)

        centre = QWidget(self)
        column = QVBoxLayout(centre)
        column.setContentsMargins(4, 4, 4, 0)
        column.addWidget(self.banner)
        column.addWidget(self.object_view, 1)
        column.addWidget(self.placeholder, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(4, 4, 0, 0)
        left_layout.addWidget(self.account_panel)
        splitter.addWidget(left)
        splitter.addWidget(centre)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 940])
        self.setCentralWidget(splitter)

    def _connect(self) -> None:
        self.account_panel.place_selected.connect(self.navigate)
        self.account_panel.failed.connect(self._on_account_panel_failed)
        self.account_panel.buckets_loaded.connect(self._on_account_panel_buckets_loaded)
        self.account_panel.edit_requested.connect(self.space_actions.edit_account)
        self.account_panel.new_space_requested.connect(self._on_account_panel_new_space_requested)
        self.account_panel.remove_requested.connect(self.space_actions.remove_account)
        self.path_bar.location_requested.connect(self._on_path_bar_location_requested)
        self.filter_edit.textChanged.connect(self.model.set_filter)
        self.object_view.open_folder_requested.connect(self.open_folder)
        self.object_view.go_up_requested.connect(self.go_up)
        self.model.stats_changed.connect(self._update_status)
        self.model.listing_failed.connect(self._on_model_listing_failed)
        self.model.root_loaded.connect(self._on_model_root_loaded)
        self._browser.warning.connect(self._on_browser_warning)

    # -- background work ----------------------------------------------------
    def spawn(self, coro: Awaitable[None]) -> object:
        """Run a coroutine on the qasync loop, reporting a SpacesError in the banner."""
        return self._runner.spawn(self._reporting(coro))

    async def _reporting(self, coro: Awaitable[None]) -> None:
        try:
            await coro
        except SpacesError as exc:
            self.show_error(exc)

    def show_error(self, error: SpacesError) -> None:
        log.warning("%s: %s", error.title, error.detail or error.message)
        self.banner.show_message(f"<b>{error.title}.</b> {error.message}", level="error")

    # -- navigation ---------------------------------------------------------
    @property
    def place(self) -> Place | None:
        return self._history.current

    def navigate(self, place: Place, *, record: bool = True) -> None:
        self._reselect = came_from(self.place, place)
        if record:
            self._history.visit(place)
        self._hint = ""
        self.banner.dismiss()
        self.filter_edit.blockSignals(True)
        self.filter_edit.clear()
        self.filter_edit.blockSignals(False)
        self.model.set_filter("")
        self.model.set_location(place.account_id, place.bucket, place.prefix)
        self.path_bar.set_location(Location(place.bucket, place.prefix))
        self.account_panel.select(place)
        self._last_refresh = time.monotonic()
        self._update_view_state()

    def forget_account(self, account_id: str) -> None:
        """Leave every place of a removed account."""
        self._history.forget_account(account_id)
        if self.place is not None and self.place.account_id == account_id:
            self._history = History()
            self.model.clear()
            self.path_bar.set_location(Location())
        self._update_view_state()

    def set_hint(self, text: str) -> None:
        """Replace the “choose a Space” text shown while no Space is open ("" restores it)."""
        self._hint = text
        self._update_view_state()

    def open_folder(self, prefix: str) -> None:
        if self.place is not None:
            self.navigate(Place(self.place.account_id, self.place.bucket, prefix))

    def go_back(self) -> None:
        place = self._history.back()
        if place is not None:
            self.navigate(place, record=False)

    def go_forward(self) -> None:
        place = self._history.forward()
        if place is not None:
            self.navigate(place, record=False)

    def go_up(self) -> None:
        place = self.place
        if place is None or not place.bucket:
            return
        parent = Location(place.bucket, place.prefix).parent()
        self.navigate(Place(place.account_id, parent.bucket, parent.prefix))

    def _on_path_bar_location_requested(self, text: str) -> None:
        try:
            location = parse_location(text)
        except SpacesError as exc:
            self.show_error(exc)
            return
        if location.bucket and not VALID_PATH_BUCKET.match(location.bucket):
            self.banner.show_message(
                f"<b>Not a Space name.</b> “{location.bucket}” cannot be a Space: names use only letters, "
                "digits, dots, hyphens and underscores. Type a path like s3://my-space/folder/.",
                level="error",
            )
            return
        account_id = self.place.account_id if self.place else self.account_panel.current_account_id()
        if not account_id:
            self.banner.show_message("Add an account first, then type a path in it.", level="info")
            return
        self.navigate(Place(account_id, location.bucket, location.prefix))

    def _focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    # -- refresh ------------------------------------------------------------
    def refresh(self) -> None:
        """Re-list what is on screen (F5) and the account's Spaces."""
        self.banner.dismiss()
        self._refresh_visible()
        if self.place is not None:
            self.account_panel.reload_buckets(self.place.account_id)

    def refresh_loaded(self, prefixes: set[str]) -> None:
        """Re-list the loaded folders among `prefixes` (after uploads landed there)."""
        if not self.model.bucket:
            return
        nodes = [self.model.root, *self.flat_model.expanded_folders()]
        chosen = [n for n in nodes if n.prefix in prefixes]
        if chosen:
            self.model.refresh(chosen)

    def _refresh_visible(self) -> None:
        self._last_refresh = time.monotonic()
        if not self.model.bucket:
            return
        nodes = [self.model.root, *self.flat_model.expanded_folders()]
        self.model.refresh(nodes)

    @property
    def refresh_interval(self) -> int:
        return self.auto_refresh.interval

    def set_refresh_interval(self, seconds: int) -> None:
        """Re-list the visible folders every `seconds` (0 turns it off); focus still refreshes."""
        self.auto_refresh.set_interval(seconds)

    def _on_auto_refresh_timeout(self) -> None:
        if not self.model.is_loading():
            self._refresh_visible()

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.WindowActivate
            and time.monotonic() - self._last_refresh > FOCUS_REFRESH_MIN_GAP_S
            and not self.model.is_loading()
        ):
            self._refresh_visible()
        return super().event(event)

    # -- reactions ----------------------------------------------------------
    def _on_model_listing_failed(self, prefix: str, error: SpacesError) -> None:
        where = f"s3://{self.model.bucket}/{prefix}"
        self.banner.show_message(
            f"<b>{error.title}</b> while listing {where}. {error.message}", level="error"
        )
        self._update_view_state()

    def _on_model_root_loaded(self) -> None:
        if self._reselect:
            for row in range(self.flat_model.rowCount()):
                index = self.flat_model.index(row, 0)
                if index.data(ObjectRole.KEY) == self._reselect:
                    self.object_view.setCurrentIndex(index)
                    self.object_view.scrollTo(index)
                    break
            self._reselect = ""
        self._update_view_state()

    def _on_browser_warning(self, message: str) -> None:
        self.banner.show_message(message, level="warning")

    def _on_account_panel_buckets_loaded(self, account_id: str) -> None:
        if self.place is not None and self.place.account_id == account_id:
            self.account_panel.select(self.place)

    def _on_account_panel_new_space_requested(self, account_id: str) -> None:
        if self.place is None or self.place.account_id != account_id:
            self.navigate(Place(account_id, "", ""))
        self.space_actions.create_space()

    def _on_account_panel_failed(self, account_id: str, error: SpacesError) -> None:
        if isinstance(error, ListBucketsDenied):
            self.banner.show_message(
                f"<b>{error.title}.</b> {error.message}",
                level="warning",
                action="Open a Space by Name…",
                on_action=lambda: self.space_actions.open_space_by_name(account_id),
            )
        else:
            self.show_error(error)

    def _update_view_state(self) -> None:
        place = self.place
        has_bucket = bool(place and place.bucket)
        self.object_view.setVisible(has_bucket)
        self.placeholder.setVisible(not has_bucket)
        if self._hint:
            self.placeholder.setText(self._hint)
        elif not self._accounts.accounts:
            self.placeholder.setText(
                "No accounts yet.\nChoose File → Add Account… to connect to DigitalOcean Spaces "
                "or any S3-compatible storage."
            )
        else:
            self.placeholder.setText("Choose a Space on the left, or type an s3:// path above (Ctrl+L).")
        self.back_action.setEnabled(self._history.can_go_back())
        self.forward_action.setEnabled(self._history.can_go_forward())
        self.up_action.setEnabled(has_bucket)
        self.delete_space_action.setEnabled(bool(place and place.bucket and not place.prefix))
        if self.transfer_actions is not None:
            self.transfer_actions.update_enabled()
        self.new_space_action.setEnabled(place is not None)
        title = Location(place.bucket, place.prefix).url() if place and place.bucket else ""
        self.setWindowTitle(f"{title} — spacesgui" if title else "spacesgui")
        self._update_status()

    def _update_status(self) -> None:
        root = self.model.root
        if not self.model.bucket:
            self._set_status(human_count(len(self._accounts.accounts), "account"), "")
            return
        total_objects, total_folders = len(root.names), len(root.folders)
        if self.model.is_loading():
            self._set_status(f"Loading… {total_objects + total_folders:,} items so far", "Loading…")
            return
        if root.state == LoadState.FAILED:
            self._set_status(
                "Could not list this folder (F5 tries again)", "This folder could not be listed."
            )
            return
        summary = folder_summary(total_objects, total_folders, root.total_size())
        empty = "This folder is empty."
        if self.model.filter_text:
            summary = f"Showing {root.row_count():,} of {total_objects + total_folders:,} items · " + summary
            empty = f"Nothing here matches “{self.model.filter_text}”."
        self._set_status(summary, empty)

    def _set_status(self, summary: str, empty: str) -> None:
        # Unchanged text is not set again: each change lays out and repaints the status bar.
        if self.status_label.text() != summary:
            self.status_label.setText(summary)
        self.object_view.set_empty_text(empty)

    def _show_about(self) -> None:
        QMessageBox.about(
            self,
            "About spacesgui",
            f"<b>spacesgui {__version__}</b><p>A file browser for DigitalOcean Spaces and S3-compatible storage.</p>",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.auto_refresh.set_interval(0)
        self.model.clear()
        super().closeEvent(event)
