"""The main window's feature modules, built over the services the app gives it.

Transfers, edit verbs (delete, rename, cut/copy/paste), access (Make Public/Private, the
Access column, Permissions…), New Folder/Properties/Share, Space settings and the quit
guard each live in their own module and reach the window only through what it passes
them (mostly the BrowserContext it implements). This module wires them, so the window
itself stays about browsing. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from spacesgui.core.history import Place
from spacesgui.core.ports import PreferenceStore
from spacesgui.services.access_service import AccessService
from spacesgui.services.account_service import AccountService
from spacesgui.services.browser_service import BrowserService
from spacesgui.services.cors_service import CorsService
from spacesgui.services.deleted_files_service import DeletedFilesService
from spacesgui.services.do_api_service import DoApiService
from spacesgui.services.file_open_service import FileOpenService
from spacesgui.services.import_service import AccountImportService
from spacesgui.services.keys_service import KeysService
from spacesgui.services.object_service import ObjectService
from spacesgui.services.operation_service import OperationService
from spacesgui.services.preview_service import PreviewService
from spacesgui.services.runner import TaskRunner
from spacesgui.services.search_service import SearchService
from spacesgui.services.space_settings_service import SpaceSettingsService
from spacesgui.services.thumbnail_service import ThumbnailService
from spacesgui.services.transfer_service import TransferService
from spacesgui.services.usage_service import UsageService
from spacesgui.services.version_service import VersionService
from spacesgui.ui.accounts.import_actions import ImportActions
from spacesgui.ui.accounts.space_deletion import SpaceDeletion
from spacesgui.ui.activity.activity_feature import ActivityFeature
from spacesgui.ui.browser.access_column import AccessColumn
from spacesgui.ui.browser.deleted_files import DeletedFiles
from spacesgui.ui.do_api.cdn_actions import CdnActions
from spacesgui.ui.do_api.do_keys_action import DoKeysAction
from spacesgui.ui.focus_return import give_focus_back_on_hide
from spacesgui.ui.focus_selection import selection_shows_focus
from spacesgui.ui.keyboard_menu import open_menu_by_keyboard
from spacesgui.ui.keys.keys_manager import KeysManager
from spacesgui.ui.keys.keys_manager_action import KeysManagerAction
from spacesgui.ui.open.file_opener import FileOpener
from spacesgui.ui.operations.access_actions import AccessActions
from spacesgui.ui.operations.edit_actions import EditActions
from spacesgui.ui.operations.job_banner import JobBanner
from spacesgui.ui.operations.object_actions import ObjectActions
from spacesgui.ui.operations.permissions_action import PermissionsAction
from spacesgui.ui.preview.preview_feature import PreviewFeature
from spacesgui.ui.search.search_panel import ResultVerbs, SearchPanel
from spacesgui.ui.settings.cdn_section import CdnSection
from spacesgui.ui.settings.cors_editor import CorsEditor
from spacesgui.ui.settings.permissions_section import PermissionsSection
from spacesgui.ui.settings.settings_section import SpaceContext
from spacesgui.ui.settings.space_settings_windows import SpaceSettingsWindows
from spacesgui.ui.transfers.quit_guard import QuitGuard
from spacesgui.ui.transfers.transfer_actions import TransferActions
from spacesgui.ui.usage.usage_windows import UsageWindows
from spacesgui.ui.versions.versions_feature import VersionsFeature
from spacesgui.ui.window_memory import WindowMemory

if TYPE_CHECKING:
    from spacesgui.ui.main_window import MainWindow


@dataclass(frozen=True, slots=True)
class WindowServices:
    """The services a window's feature modules work through (None: built here, or left out)."""

    transfers: TransferService | None = None
    operations: OperationService | None = None
    objects: ObjectService | None = None
    settings: SpaceSettingsService | None = None
    cors: CorsService | None = None
    access: AccessService | None = None
    imports: AccountImportService | None = None
    do_api: DoApiService | None = None  # Spaces keys and CDN through the DigitalOcean API
    opener: FileOpenService | None = None
    previews: PreviewService | None = None
    thumbnails: ThumbnailService | None = None  # None: built here, with no disk cache
    search: SearchService | None = None
    preferences: PreferenceStore | None = None  # None: the window remembers nothing across runs


def attach_features(
    window: MainWindow,
    runner: TaskRunner,
    accounts: AccountService,
    browser: BrowserService,
    services: WindowServices,
) -> None:
    """Build every feature module of `window` and keep it on the window."""
    transfers, operations, view = services.transfers, services.operations, window.object_view
    window.transfer_actions = TransferActions(window, transfers) if transfers is not None else None
    t = window.transfer_actions
    if t is not None:
        window.feature_updates.append(t.update_enabled)
    if operations is not None and t is not None:
        window.edit_actions = EditActions(
            window, view, operations, t.ask_conflict, t.paste_into, t.dock.reveal, window
        )
        window.edit_actions.job_banner = JobBanner(t.service, window.banner, window)
        window.access_actions = AccessActions(window, operations, t.dock.reveal, window)
        window.access_actions.job_banner = window.edit_actions.job_banner
        view.selectionModel().selectionChanged.connect(window.access_actions.update_enabled)
        window.feature_updates += [window.edit_actions.update_enabled, window.access_actions.update_enabled]
        window.space_deletion = SpaceDeletion(
            window, operations, t.service, browser.delete_bucket, window.space_actions.space_deleted,
            t.ask_conflict, t.dock.reveal, window,
        )  # fmt: skip
    window.object_actions = ObjectActions(
        window, services.objects or ObjectService(runner, accounts, window), view
    )
    access = services.access or AccessService(runner, accounts, window)
    if window.access_actions is not None:
        window.access_actions.access = access  # Make Private reads what the column has not
    cors = services.cors or CorsService(runner, accounts, window)
    if services.do_api is not None:
        window.cdn = CdnActions(window, services.do_api, window)
        window.feature_updates.append(window.cdn.look_up)  # learn the opened Space's CDN
        window.object_actions.has_cdn = window.cdn.has_endpoint  # Share… offers the CDN link then
        window.do_keys = DoKeysAction(services.do_api, accounts, window.spawn, window)
    settings = services.settings or SpaceSettingsService(runner, accounts, window)
    window.space_settings = SpaceSettingsWindows(
        settings,
        window.spawn,
        window,
        extra_sections=_settings_sections(access, cors, operations, services.do_api),
    )
    window.activity = ActivityFeature(window, accounts.activity, window.spawn)
    window.versions = VersionsFeature(window, window, VersionService(runner, accounts, window))
    view.selectionModel().selectionChanged.connect(window.versions.update_enabled)
    window.feature_updates.append(window.versions.update_enabled)
    window.deleted_files = DeletedFiles(
        window, view, window.model, DeletedFilesService(runner, accounts, window), window.versions, window
    )
    window.feature_updates.append(window.deleted_files.update_enabled)
    if window.edit_actions is not None:
        window.edit_actions.keeps_versions = window.deleted_files.keeps_versions
    settings.settings_changed.connect(window.deleted_files.on_settings_changed)
    if services.opener is not None:
        # Owned by the window: its watcher and timer then go with it, on the GUI thread,
        # never with a garbage collection that may run on a worker thread.
        services.opener.setParent(window)
        window.file_opener = FileOpener(window, services.opener, view)
        window.feature_updates.append(window.file_opener.update_enabled)
    window.access_column = AccessColumn(view, access, window.spawn, window)
    window.usage_windows = UsageWindows(
        UsageService(runner, accounts, window),
        lambda: (p.account_id, p.bucket) if (p := window.place) is not None and p.bucket else None,
        window,
        t.open_pending_uploads_of if t is not None else None,
    )
    window.feature_updates.append(window.usage_windows.update_enabled)
    usage = window.usage_windows
    window.object_actions.folder_info = lambda place, key: usage.open(place.account_id, place.bucket, key)
    window.object_actions.update_enabled()
    window.keys_manager = KeysManagerAction(
        KeysService(runner, accounts, window),
        window.spawn,
        window,
        window.forget_account,
        on_added=lambda account_id: window.navigate(
            Place(account_id, accounts.account(account_id).bucket, "")
        ),
    )
    window.permissions = PermissionsAction(window, access, window)
    view.selectionModel().selectionChanged.connect(window.permissions.update_enabled)
    window.feature_updates.append(window.permissions.update_enabled)
    if services.imports is not None:  # File → Import/Export Accounts…, and the first-run panel
        window.import_actions = ImportActions(
            window,
            services.imports,
            window.spawn,
            window.show_message,
            window.space_actions.add_account,
            lambda account_id: _show_imported(window, accounts, account_id),
        )
        window.feature_updates.append(lambda: _update_first_run(window, accounts))
    window.preview = PreviewFeature(
        window, view, services.previews or PreviewService(runner, accounts, window),
        services.thumbnails or ThumbnailService(runner, accounts, None, window), window,
    )  # fmt: skip
    window.feature_updates.append(window.preview.update_view)
    _menu_in_icons_view(window)
    _attach_search(window, services.search or SearchService(runner, accounts, window))
    if services.preferences is not None:  # preview shown, list or icons, search options
        WindowMemory(
            services.preferences, window.preview, window.search_panel.form, window.object_view.columns, window
        )
    window.keys_manager.on_built.append(lambda manager: _add_key_sources(window, manager))
    if transfers is not None:  # Make Public / Private finishing: read those files' access again
        transfers.transfers_changed.connect(window.access_column.on_transfers_changed)
        window.quit_guard = QuitGuard(window, transfers, window.banner, window.close)


def _attach_search(window: MainWindow, service: SearchService) -> None:
    """Find in Space (Ctrl+Shift+F): a dock beside the objects whose results use the window's verbs."""
    t, edit, objects, opener, access = (
        window.transfer_actions,
        window.edit_actions,
        window.object_actions,
        window.file_opener,
        window.access_actions,
    )
    verbs = ResultVerbs(
        reveal=window.reveal,
        rename=(lambda place, key: window.reveal(place, key, then=edit.start_rename))
        if edit is not None
        else None,
        download=t.download_refs if t is not None else None,
        delete=edit.delete_refs if edit is not None else None,
        share=objects.share_keys,
        properties=objects.show_properties_of,
        open=(lambda place, refs: opener.open_in(place, refs[0])) if opener is not None else None,
        copy_link=objects.copy_links_of,
        make_public=partial(access.change_refs, public=True) if access is not None else None,
        make_private=partial(access.change_refs, public=False) if access is not None else None,
    )
    window.search_panel = SearchPanel(window, service, verbs, window)
    window.search_panel.focus_files = window.focus_rows
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, window.search_panel)
    give_focus_back_on_hide(window.search_panel, window.focus_rows)
    if t is not None:  # deletes, renames and moves show in the results at once
        t.service.transfers_changed.connect(window.search_panel.follow_transfers)
        window.search_panel.share_with, window.search_panel.unfold_partner = t.dock, t.dock.reveal
        give_focus_back_on_hide(t.dock, window.focus_rows)
        # Not the Transfers panel: its progress bars take the view's Highlight, and would
        # go grey (like a paused one) whenever the panel has no keyboard.
    window.search_panel.hide()
    selection_shows_focus(
        window.object_view, window.preview.icons_view, window.account_panel.tree, window.search_panel.view
    )


def _settings_sections(
    access: AccessService,
    cors: CorsService,
    operations: OperationService | None,
    do_api: DoApiService | None = None,
) -> Callable[[SpaceContext], list[tuple[str, QWidget]]]:
    """The Space settings pages made here rather than by the window: Permissions, CORS, CDN."""

    def make(space: SpaceContext) -> list[tuple[str, QWidget]]:
        account, bucket, spawn = space.account_id, space.bucket, space.spawn
        pages: list[tuple[str, QWidget]] = [
            ("Permissions", PermissionsSection(access, account, bucket, spawn, operations)),
            ("CORS", CorsEditor(cors, account, bucket, spawn, show_buttons=True)),
        ]
        if do_api is not None and do_api.is_digitalocean(account):
            pages.append(("CDN", CdnSection(do_api, account, bucket, spawn)))
        return pages

    return make


def _update_first_run(window: MainWindow, accounts: AccountService) -> None:
    """The first-run buttons show under “No accounts yet”, and only there."""
    actions = window.import_actions
    if actions is None:
        return
    shown = not accounts.accounts and window.place is None and not window._hint
    actions.first_run.set_shown(shown)
    window.placeholder.setAlignment(
        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom
        if shown
        else Qt.AlignmentFlag.AlignCenter
    )


def _show_imported(window: MainWindow, accounts: AccountService, account_id: str) -> None:
    """Open an account just imported, unless the user is looking at something already."""
    if window.place is None:
        window.navigate(Place(account_id, accounts.account(account_id).bucket, ""))


def _add_key_sources(window: MainWindow, manager: KeysManager) -> None:
    """The Keys Manager's other ways to get keys: Import Accounts… and DigitalOcean Keys…."""
    imports, do_keys = window.import_actions, window.do_keys
    if imports is not None:
        _source_button(manager, "Import Accounts…", "keysImportButton", lambda: imports.open_import())
    if do_keys is not None:
        _source_button(manager, "DigitalOcean Keys…", "keysDoButton", lambda: do_keys.open())


def _source_button(manager: KeysManager, text: str, name: str, slot: Callable[[], object]) -> None:
    button = QPushButton(text, manager)
    button.setObjectName(name)
    button.clicked.connect(slot)
    manager.extra_buttons.addWidget(button)


def _menu_in_icons_view(window: MainWindow) -> None:
    """Right-click in the icons grid offers the list's menu, for the cell under the pointer, and
    the Edit menu's keys work there too."""
    icons = window.preview.icons_view
    icons.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    open_menu_by_keyboard(icons)
    icons.customContextMenuRequested.connect(
        lambda pos: window.object_menu.popup(icons, icons.indexAt(pos), icons.viewport().mapToGlobal(pos))
    )
    if window.edit_actions is not None:  # Delete, F2, Cut, Copy, Paste there as in the list
        window.edit_actions.also_in(icons)
    icons.addAction(window.object_actions.copy_link_action)  # Ctrl+Shift+C too
