"""The main window: accounts on the left, the object tree in the middle, a path bar on top."""

from __future__ import annotations

import html
import inspect
import logging
import time
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QMainWindow,
    QSizePolicy,
    QSplitter,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.access import AccessState
from spacesgui.core.accounts import Account
from spacesgui.core.errors import AuthError, ListBucketsDenied, SpacesError
from spacesgui.core.history import History, Place, came_from
from spacesgui.core.keys import Location
from spacesgui.core.listing import ObjectRef
from spacesgui.qtmodels.object_model import ObjectTreeModel
from spacesgui.services.account_service import AccountService
from spacesgui.services.browser_service import BrowserService
from spacesgui.services.runner import TaskRunner
from spacesgui.ui.accounts.account_panel import ENTER_SECRET_TEXT, AccountPanel
from spacesgui.ui.accounts.import_actions import ImportActions
from spacesgui.ui.accounts.secret_dialog import SecretAsker
from spacesgui.ui.accounts.space_actions import SpaceActions
from spacesgui.ui.accounts.space_deletion import SpaceDeletion
from spacesgui.ui.activity.activity_feature import ActivityFeature
from spacesgui.ui.browser.access_column import AccessColumn
from spacesgui.ui.browser.auto_refresh import AutoRefresh
from spacesgui.ui.browser.deleted_files import DeletedFiles
from spacesgui.ui.browser.filter_edit import FilterEdit
from spacesgui.ui.browser.folder_presence import FolderPresence
from spacesgui.ui.browser.object_menu import ObjectMenu
from spacesgui.ui.browser.object_view import ObjectView
from spacesgui.ui.browser.path_bar import PathBar
from spacesgui.ui.browser.status_texts import status_texts
from spacesgui.ui.browser.typed_paths import TypedPaths
from spacesgui.ui.browser_context import BrowserContext
from spacesgui.ui.do_api.cdn_actions import CdnActions
from spacesgui.ui.do_api.do_keys_action import DoKeysAction
from spacesgui.ui.elided_label import ElidedLabel
from spacesgui.ui.keys.keys_manager_action import KeysManagerAction
from spacesgui.ui.keys.session_only import SessionOnlyAsker
from spacesgui.ui.message_banner import MessageBanner
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.open.file_opener import FileOpener
from spacesgui.ui.operations.access_actions import AccessActions
from spacesgui.ui.operations.edit_actions import EditActions
from spacesgui.ui.operations.object_actions import ObjectActions
from spacesgui.ui.operations.permissions_action import PermissionsAction
from spacesgui.ui.preview.preview_feature import PreviewFeature
from spacesgui.ui.search.search_panel import SearchPanel
from spacesgui.ui.settings.space_settings_windows import SpaceSettingsWindows
from spacesgui.ui.sidebar_width import SidebarWidth
from spacesgui.ui.transfers.quit_guard import QuitGuard
from spacesgui.ui.transfers.transfer_actions import TransferActions
from spacesgui.ui.usage.usage_windows import UsageWindows
from spacesgui.ui.versions.versions_feature import VersionsFeature
from spacesgui.ui.window_actions import WindowActions
from spacesgui.ui.window_features import WindowServices, attach_features

log = logging.getLogger(__name__)

FOCUS_REFRESH_MIN_GAP_S = 5.0
SIDEBAR_WIDTH, MIN_SIDEBAR_WIDTH = 240, 150
SCREEN_SHARE = 0.8  # a new window fills this much of the screen, as file managers open


def default_size() -> QSize:
    """80% of the screen's available area (at least 800 × 560, the smallest layout that works)."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(1180, 720)
    area = screen.availableGeometry()
    return QSize(max(800, int(area.width() * SCREEN_SHARE)), max(560, int(area.height() * SCREEN_SHARE)))


class MainWindow(QMainWindow):
    def __init__(
        self,
        runner: TaskRunner,
        accounts: AccountService,
        browser: BrowserService,
        services: WindowServices | None = None,
        *,
        refresh_interval_s: int = 30,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setAccessibleName("spacesgui")
        self.setWindowTitle("spacesgui")
        self.resize(default_size())
        self._runner, self._accounts, self._browser = runner, accounts, browser
        self._history = History()
        self._last_refresh = 0.0
        self._hint = ""
        self._reselect = ""  # folder to select once the open folder is listed (after Up or Back)
        self._reselect_else = ""  # what to select instead when `_reselect` is not there
        self._then: Callable[[], None] | None = None  # run once `_reselect` is selected (Rename from Find)
        self.folder_presence = FolderPresence(browser, self.spawn, lambda: self.place, self._update_status)

        self.model = ObjectTreeModel(browser, self)
        self.object_view = ObjectView(self)
        self.flat_model = self.object_view.set_tree(self.model)
        self.account_panel = AccountPanel(accounts, self.spawn, self)
        self._typed_paths = TypedPaths(self, accounts, browser, self.account_panel.current_account_id)
        self.banner = MessageBanner(self)
        self.path_bar = PathBar(self)
        self.filter_edit = named(FilterEdit(self), "filterEdit", "Filter")
        self.filter_edit.setPlaceholderText("Filter (e.g. beach or *.png)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMaximumWidth(260)
        self.placeholder = named(MutedLabel("", self), "placeholderLabel")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet("font-size: 15px; padding: 40px;")
        self.status_label = named(ElidedLabel(self), "statusSummary", "Status")
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
        self.secret_asker = SecretAsker(self)
        accounts.secret_prompt = self.secret_asker
        accounts.session_only_prompt = self.session_only_asker = SessionOnlyAsker(self)
        # The feature modules (transfers, edit, access, properties, settings…): set by attach_features.
        self.transfer_actions: TransferActions | None = None
        self.edit_actions: EditActions | None = None
        self.access_actions: AccessActions | None = None
        self.object_actions: ObjectActions
        self.space_settings: SpaceSettingsWindows
        self.access_column: AccessColumn
        self.activity: ActivityFeature
        self.versions: VersionsFeature
        self.deleted_files: DeletedFiles  # View → Show Deleted Files, Restore
        self.permissions: PermissionsAction
        self.keys_manager: KeysManagerAction  # File → Keys Manager…
        self.preview: PreviewFeature  # the preview pane (Space) and the icons grid
        self.search_panel: SearchPanel  # View → Find in Space…
        self.quit_guard: QuitGuard | None = None
        self.space_deletion: SpaceDeletion | None = None  # needs transfers and operations
        self.cdn: CdnActions | None = None  # DigitalOcean CDN commands, with the DigitalOcean API
        self.do_keys: DoKeysAction | None = None  # File → DigitalOcean Keys…
        self.file_opener: FileOpener | None = None  # Open / Open With… (needs the file open service)
        self.usage_windows: UsageWindows
        self.import_actions: ImportActions | None = None  # File → Import/Export Accounts…, first run
        self.feature_updates: list[Callable[[], None]] = []  # each enables its actions for the place
        attach_features(self, runner, accounts, browser, services or WindowServices())

        self._build_actions()
        self._build_layout()
        self._connect()

        self.auto_refresh.set_interval(refresh_interval_s)
        self._update_view_state()

    # -- construction -------------------------------------------------------
    def _build_actions(self) -> None:
        actions = WindowActions(self)
        self.back_action, self.forward_action, self.up_action = actions.back, actions.forward, actions.up
        self.refresh_action, self.edit_path_action, self.find_action = (
            actions.refresh,
            actions.edit_path,
            actions.find,
        )
        self.add_account_action, self.new_space_action = actions.add_account, actions.new_space
        self.delete_space_action, self.quit_action = actions.delete_space, actions.quit
        self.space_settings_action = actions.space_settings
        self.chrome = actions

    def _build_layout(self) -> None:
        self.chrome.build_toolbars()
        centre = QWidget(self)
        column = QVBoxLayout(centre)
        column.setContentsMargins(4, 4, 4, 0)
        column.addWidget(self.banner)
        column.addWidget(self.object_view, 1)
        column.addWidget(self.placeholder, 1)
        if self.import_actions is not None:
            column.addWidget(self.import_actions.first_run, 1)
        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(4, 4, 0, 0)
        left_layout.addWidget(self.account_panel)
        left.setMinimumWidth(MIN_SIDEBAR_WIDTH)
        splitter.addWidget(left)
        splitter.addWidget(centre)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(1, False)
        sidebar = max(MIN_SIDEBAR_WIDTH, min(SIDEBAR_WIDTH, self.width() // 5))
        splitter.setSizes([sidebar, self.width() - sidebar])
        self.sidebar_width = SidebarWidth(
            splitter, SIDEBAR_WIDTH, MIN_SIDEBAR_WIDTH, lambda: self.preview.shown
        )
        self.preview.place_in(splitter)
        self.setCentralWidget(splitter)
        # Tab as the eye goes: the Spaces on the left, the filter above the list, the list.
        QWidget.setTabOrder(self.account_panel.tree, self.filter_edit)
        QWidget.setTabOrder(self.filter_edit, self.object_view)

    def fit_sidebar(self) -> None:
        """Give the sidebar back the width the window allows it (the preview took some)."""
        self.sidebar_width.fit()

    def _connect(self) -> None:
        self.account_panel.place_selected.connect(self.navigate)
        self.account_panel.failed.connect(self._on_account_panel_failed)
        self.account_panel.secret_entered.connect(self._on_account_panel_secret_entered)
        self.account_panel.buckets_loaded.connect(self._on_account_panel_buckets_loaded)
        self.account_panel.edit_requested.connect(self.space_actions.edit_account)
        self.account_panel.new_space_requested.connect(self._on_account_panel_new_space_requested)
        self.account_panel.remove_requested.connect(self.space_actions.remove_account)
        self.account_panel.delete_space_requested.connect(self.space_actions.delete_space)
        self.account_panel.space_settings_requested.connect(self.space_settings.open)
        self.account_panel.space_usage_requested.connect(self.usage_windows.open)
        self.path_bar.location_requested.connect(self._typed_paths.open)
        self.filter_edit.textChanged.connect(self.model.set_filter)
        self.filter_edit.rows_requested.connect(self._on_filter_edit_rows_requested)
        self.filter_edit.left.connect(self.focus_rows)
        self.path_bar.editing_done.connect(self.focus_rows)
        self.object_view.open_folder_requested.connect(self.open_folder)
        self.object_view.go_up_requested.connect(self.go_up)
        self.model.stats_changed.connect(self._update_status)
        self.object_view.selection_settled.connect(self._update_status)
        self.model.listing_failed.connect(self._on_model_listing_failed)
        self.model.root_loaded.connect(self._on_model_root_loaded)
        self._browser.warning.connect(self._on_browser_warning)
        self._accounts.accounts_changed.connect(self._on_accounts_changed)

    # -- background work ----------------------------------------------------
    def spawn(self, coro: Awaitable[object]) -> object:
        """Run a coroutine on the qasync loop, reporting a SpacesError in the banner."""
        task = self._runner.spawn(self._reporting(coro))
        if inspect.iscoroutine(coro):
            # A task cancelled before its first step (the window closing) never starts `coro`:
            # close it, or Python warns that it was never awaited. Closing a finished one is a no-op.
            task.add_done_callback(lambda _task: coro.close())
        return task

    async def _reporting(self, coro: Awaitable[object]) -> None:
        try:
            await coro
        except SpacesError as exc:
            self.show_error(exc)

    # -- BrowserContext (what action modules see of the window) -------------
    def selected_refs(self) -> list[ObjectRef]:
        return self.object_view.selected_refs()

    def known_access(self, key: str) -> AccessState:
        return self.model.known_access(key)

    def account_of(self, account_id: str) -> Account:
        return self._accounts.account(account_id)

    def show_message(
        self, text: str, *, level: str = "info", action: str = "", on_action: Callable[[], None] | None = None
    ) -> None:
        self.banner.show_message(text, level=level, action=action, on_action=on_action)

    def dialog_parent(self) -> QWidget:
        return self

    def show_error(self, error: SpacesError) -> None:
        log.warning("%s: %s", error.title, error.detail or error.message)
        self.banner.show_message(f"<b>{error.title}.</b> {error.message}", level="error")

    def open_space_settings(self) -> None:
        """Space → Settings…: the settings window of the open Space."""
        place = self.place
        if place is not None and place.bucket:
            self.space_settings.open(place.account_id, place.bucket)

    # -- navigation ---------------------------------------------------------
    @property
    def place(self) -> Place | None:
        return self._history.current

    def navigate(self, place: Place, *, record: bool = True, select: str = "", fallback: str = "") -> None:
        """Open `place`; once listed, select `select` (else `fallback`), or the folder Up came from."""
        self._reselect, self._then = select or came_from(self.place, place), None
        self._reselect_else = fallback  # `select` may be gone (deleted since it was selected)
        if record:
            self._history.visit(place, leaving_on=self.object_view.selected_key())
        self._hint = ""
        self.banner.dismiss()
        self.filter_edit.blockSignals(True)
        self.filter_edit.clear()
        self.filter_edit.blockSignals(False)
        self.model.set_filter("")
        self.model.set_location(place.account_id, place.bucket, place.prefix)
        self.path_bar.set_location(Location(place.bucket, place.prefix), self._account_name(place.account_id))
        self.account_panel.select(place)
        self.search_panel.place_opened()
        self._last_refresh = time.monotonic()
        self._update_view_state()

    def reveal(self, place: Place, key: str, then: Callable[[], None] | None = None) -> None:
        """Open `place` and select the row of `key` in it once it is listed (Reveal in Folder),
        then run `then` (Rename from Find in Space edits the name there, as F2 does)."""
        self.navigate(place)
        self._reselect, self._then = key, then

    def forget_account(self, account_id: str, name: str = "") -> None:
        """Leave every place of a removed account; if it was open, say so in the empty view."""
        self._history.forget_account(account_id)
        self.banner.dismiss_about(account_id)  # its Enter Secret Key… would find no account
        if self.place is not None and self.place.account_id == account_id:
            self._history = History()
            self.model.clear()
            self.path_bar.set_location(Location())
            self.account_panel.select(None)
            self._hint = (
                f"The account “{name}” was removed, so its Spaces are closed.\n"
                "Choose a Space on the left, or add an account (File → Add Account…)."
                if self._accounts.accounts
                else ""
            )
        self._update_view_state()

    def _account_name(self, account_id: str) -> str:
        try:
            return self._accounts.account(account_id).name
        except KeyError:
            return ""

    def set_hint(self, text: str) -> None:
        """Replace the “choose a Space” text shown while no Space is open ("" restores it)."""
        self._hint = text
        self._update_view_state()

    def open_folder(self, prefix: str) -> None:
        if self.place is not None:
            self.navigate(Place(self.place.account_id, self.place.bucket, prefix))

    def go_back(self) -> None:
        self._go_to(self.place, self._history.back(leaving_on=self.object_view.selected_key()))

    def go_forward(self) -> None:
        self._go_to(self.place, self._history.forward(leaving_on=self.object_view.selected_key()))

    def _go_to(self, left: Place | None, place: Place | None) -> None:
        """Back or Forward: select the row selected when `place` was left, else the folder we left."""
        if place is not None:
            back_to = came_from(left, place)
            self.navigate(place, record=False, select=self._history.selected_when_left(place) or back_to,
                          fallback=back_to)  # fmt: skip

    def go_up(self) -> None:
        place = self.place
        if place is None or not place.bucket:
            return
        parent = Location(place.bucket, place.prefix).parent()
        self.navigate(Place(place.account_id, parent.bucket, parent.prefix))

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    # -- refresh ------------------------------------------------------------
    def refresh(self) -> None:
        """Re-list what is on screen (F5) and the account's Spaces."""
        self.banner.dismiss()
        self.access_column.forget_all()  # other tools may have changed who may read what
        self._refresh_visible()
        if self.place is not None:
            self.account_panel.reload_buckets(self.place.account_id)

    def expect_new(self, keys: list[str]) -> None:
        self.object_view.expect_new(keys)

    def expect_gone(self, keys: list[str]) -> None:
        self.object_view.expect_gone(keys)

    def refresh_loaded(self, prefixes: set[str]) -> None:
        """Re-list the loaded folders among `prefixes` (after uploads landed there)."""
        if not self.model.bucket:
            return
        nodes = [self.model.root, *self.flat_model.expanded_folders()]
        chosen = [n for n in nodes if n.prefix in prefixes]
        if chosen:
            self.model.refresh(chosen)

    def _refresh_visible(self, *, automatic: bool = False) -> None:
        self._last_refresh = time.monotonic()
        if not self.model.bucket:
            return
        nodes = [self.model.root, *self.flat_model.expanded_folders()]
        self.model.refresh(nodes, automatic=automatic)

    @property
    def refresh_interval(self) -> int:
        return self.auto_refresh.interval

    def set_refresh_interval(self, seconds: int) -> None:
        """Re-list the visible folders every `seconds` (0 turns it off); focus still refreshes."""
        self.auto_refresh.set_interval(seconds)

    def _on_auto_refresh_timeout(self) -> None:
        if not self.model.is_loading():
            self._refresh_visible(automatic=True)

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.WindowActivate
            and time.monotonic() - self._last_refresh > FOCUS_REFRESH_MIN_GAP_S
            and not self.model.is_loading()
        ):
            self._refresh_visible(automatic=True)
        return super().event(event)

    # -- reactions ----------------------------------------------------------
    def _on_model_listing_failed(self, prefix: str, error: SpacesError) -> None:
        where = f"s3://{self.model.bucket}/{prefix}"
        if isinstance(error, AuthError) and self.model.account_id:
            self._show_keys_refused(self.model.account_id, error, f" while listing {html.escape(where)}")
            self._update_view_state()
            return
        self.banner.show_message(
            f"<b>{error.title}</b> while listing {where}. {error.message}", level="error"
        )
        self._update_view_state()

    def _on_filter_edit_rows_requested(self) -> None:
        """Down or Enter in the filter: to the rows it left (the list or the grid), on the first."""
        view = self.focus_rows()
        model = view.model()
        if model is not None and model.rowCount() and not view.selectionModel().hasSelection():
            view.setCurrentIndex(model.index(0, 0))  # selects it: what Enter, Delete… act on

    def focus_rows(self) -> QAbstractItemView:
        """Give the keyboard to the view of the rows shown (the list or the grid); that view."""
        icons = self.preview.icons_view
        view: QAbstractItemView = icons if icons.isVisible() else self.object_view
        view.setFocus(Qt.FocusReason.OtherFocusReason)
        return view

    def _on_model_root_loaded(self) -> None:
        root = self.model.root
        if self.place is not None:  # nothing listed: an empty folder, or a path where nothing is
            self.folder_presence.listed(self.place, not root.names and not root.folders)
        if self._reselect:
            index = self.flat_model.index_of_key(self._reselect)
            if index is None and self._reselect_else:
                index = self.flat_model.index_of_key(self._reselect_else)
            then, self._then = self._then, None
            if index is not None:
                self.object_view.setCurrentIndex(index)
                self.object_view.scrollTo(index)
                if then is not None:
                    then()
            self._reselect = ""
        self._update_view_state()

    def _on_accounts_changed(self) -> None:
        """Names may have changed: the path bar and the title name the account."""
        place = self.place
        if place is not None:
            self.path_bar.set_location(
                Location(place.bucket, place.prefix), self._account_name(place.account_id)
            )
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
                about=account_id,
            )
        elif isinstance(error, AuthError):
            self._show_keys_refused(account_id, error)
        else:
            self.show_error(error)

    def _show_keys_refused(self, account_id: str, error: SpacesError, where: str = "") -> None:
        """Keys not accepted: say what to do, with a button to type the secret key again."""
        log.warning("%s: %s", error.title, error.detail or error.message)
        self.account_panel.note_refused(account_id)
        name = html.escape(self._account_name(account_id))
        self.banner.show_message(
            f"<b>{error.title}</b>{where} for “{name}”: the server says the access key or the secret "
            "key is wrong. Choose Enter Secret Key… to type the secret key again, or Edit Account… "
            "to change the access key.",
            level="error",
            action=ENTER_SECRET_TEXT,
            on_action=lambda: self.account_panel.enter_secret(account_id),
            about=account_id,
        )

    def _on_account_panel_secret_entered(self, account_id: str) -> None:
        self.banner.dismiss()
        if self.place is not None and self.place.account_id == account_id:
            self._refresh_visible()

    def _update_view_state(self) -> None:
        place = self.place
        has_bucket = bool(place and place.bucket)
        self.object_view.setVisible(has_bucket)
        self.placeholder.setVisible(not has_bucket)
        if self._hint:
            self.placeholder.setText(self._hint)
        elif not self._accounts.accounts:
            self.placeholder.setText(
                # The buttons under it say how (Add Account…, Open the Demo, imports): the text
                # does not repeat them.
                "No accounts yet.\nConnect to DigitalOcean Spaces or any S3-compatible storage."
            )
        elif place is not None and (name := self._account_name(place.account_id)):
            self.placeholder.setText(
                f"Choose a Space of “{name}” on the left, or type an s3:// path above (Ctrl+L)."
            )
        else:
            self.placeholder.setText("Choose a Space on the left, or type an s3:// path above (Ctrl+L).")
        self.back_action.setEnabled(self._history.can_go_back())
        self.forward_action.setEnabled(self._history.can_go_forward())
        self.up_action.setEnabled(has_bucket)
        self.delete_space_action.setEnabled(bool(place and place.bucket and not place.prefix))
        self.space_settings_action.setEnabled(bool(place and place.bucket))
        for update in self.feature_updates:
            update()
        self.new_space_action.setEnabled(place is not None)
        parts = [Location(place.bucket, place.prefix).url()] if place and place.bucket else []
        if place is not None and (name := self._account_name(place.account_id)):
            parts.append(name)
        self.setWindowTitle(" — ".join([*parts, "spacesgui"]))
        self._update_status()

    def _update_status(self) -> None:
        selection = self.object_view.selection() if self.model.bucket else None
        find = getattr(self, "search_panel", None)  # built with the window's features
        keys = find.find_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText) if find else ""
        unstored = self.place is not None and self.folder_presence.unstored == self.place
        texts = status_texts(self.model, len(self._accounts.accounts), selection, keys, unstored=unstored)
        self._set_status(*texts)

    def _set_status(self, summary: str, empty: str) -> None:
        # Unchanged text is not set again: each change lays out and repaints the status bar.
        if self.status_label.text() != summary:
            self.status_label.setText(summary)
        self.object_view.set_empty_text(empty)

    def request_quit(self) -> None:
        """Quit (Ctrl+Q), after asking what to do with running transfers."""
        if self.quit_guard is None or self.quit_guard.may_quit():
            self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        # The window's close button asks too; a close() from code (the guard, tests) does not.
        if event.spontaneous() and self.quit_guard is not None and not self.quit_guard.may_quit():
            event.ignore()
            return
        self.auto_refresh.set_interval(0)
        self.model.clear()
        super().closeEvent(event)


def _is_a_browser_context(window: MainWindow) -> BrowserContext:
    """mypy checks here that the window gives action modules what BrowserContext promises."""
    return window
