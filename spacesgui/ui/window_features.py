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
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from spacesgui.services.access_service import AccessService
from spacesgui.services.account_service import AccountService
from spacesgui.services.browser_service import BrowserService
from spacesgui.services.cors_service import CorsService
from spacesgui.services.object_service import ObjectService
from spacesgui.services.operation_service import OperationService
from spacesgui.services.runner import TaskRunner
from spacesgui.services.space_settings_service import SpaceSettingsService
from spacesgui.services.transfer_service import TransferService
from spacesgui.services.version_service import VersionService
from spacesgui.ui.accounts.space_deletion import SpaceDeletion
from spacesgui.ui.activity.activity_feature import ActivityFeature
from spacesgui.ui.browser.access_column import AccessColumn
from spacesgui.ui.operations.access_actions import AccessActions
from spacesgui.ui.operations.edit_actions import EditActions
from spacesgui.ui.operations.object_actions import ObjectActions
from spacesgui.ui.operations.permissions_action import PermissionsAction
from spacesgui.ui.settings.cors_editor import CorsEditor
from spacesgui.ui.settings.permissions_section import PermissionsSection
from spacesgui.ui.settings.settings_section import SpaceContext
from spacesgui.ui.settings.space_settings_windows import SpaceSettingsWindows
from spacesgui.ui.transfers.quit_guard import QuitGuard
from spacesgui.ui.transfers.transfer_actions import TransferActions
from spacesgui.ui.versions.versions_feature import VersionsFeature

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
            window, view, operations, t.ask_conflict, t.paste, t.dock.reveal, window
        )
        window.access_actions = AccessActions(window, operations, t.dock.reveal, window)
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
    cors = services.cors or CorsService(runner, accounts, window)
    window.space_settings = SpaceSettingsWindows(
        services.settings or SpaceSettingsService(runner, accounts, window),
        window.spawn,
        window,
        extra_sections=_settings_sections(access, cors, operations),
    )
    window.activity = ActivityFeature(window, accounts.activity, window.spawn)
    window.versions = VersionsFeature(window, window, VersionService(runner, accounts, window))
    view.selectionModel().selectionChanged.connect(window.versions.update_enabled)
    window.feature_updates.append(window.versions.update_enabled)
    window.access_column = AccessColumn(view, access, window.spawn, window)
    window.permissions = PermissionsAction(window, access, window)
    view.selectionModel().selectionChanged.connect(window.permissions.update_enabled)
    window.feature_updates.append(window.permissions.update_enabled)
    if transfers is not None:  # Make Public / Private finishing: read those files' access again
        transfers.transfers_changed.connect(window.access_column.on_transfers_changed)
        window.quit_guard = QuitGuard(window, transfers, window.banner, window.close)


def _settings_sections(
    access: AccessService, cors: CorsService, operations: OperationService | None
) -> Callable[[SpaceContext], list[tuple[str, QWidget]]]:
    """The Space settings pages made here rather than by the window: Permissions and CORS."""

    def make(space: SpaceContext) -> list[tuple[str, QWidget]]:
        account, bucket, spawn = space.account_id, space.bucket, space.spawn
        return [
            ("Permissions", PermissionsSection(access, account, bucket, spawn, operations)),
            ("CORS", CorsEditor(cors, account, bucket, spawn, show_buttons=True)),
        ]

    return make
