"""The composition root: builds settings, secrets, adapters, services and the main window."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtGui import QGuiApplication

from spacesgui.adapters.activity_log import SqliteActivityLog
from spacesgui.adapters.collector import freeze_long_lived
from spacesgui.adapters.desktop_apps import XdgDesktopApps
from spacesgui.adapters.do_api import DoApiClient
from spacesgui.adapters.import_sources import FileAccountSources
from spacesgui.adapters.keyring_store import KeyringSecretStore, MemorySecretStore
from spacesgui.adapters.local_files import OsLocalFiles
from spacesgui.adapters.opened_copies import TempCopies
from spacesgui.adapters.s3_store import S3Store
from spacesgui.adapters.settings import JsonSettings
from spacesgui.adapters.thumbnail_cache import DiskThumbnailCache
from spacesgui.core.accounts import Account, Credentials
from spacesgui.core.ports import ObjectStore
from spacesgui.core.transfer_settings import EngineSettings
from spacesgui.services.access_service import AccessService
from spacesgui.services.account_service import AccountService
from spacesgui.services.browser_service import BrowserService
from spacesgui.services.cors_service import CorsService
from spacesgui.services.do_api_service import DoApiService
from spacesgui.services.file_open_service import FileOpenService
from spacesgui.services.import_service import AccountImportService
from spacesgui.services.object_service import ObjectService
from spacesgui.services.operation_service import OperationService
from spacesgui.services.preview_service import PreviewService
from spacesgui.services.runner import TaskRunner
from spacesgui.services.space_settings_service import SpaceSettingsService
from spacesgui.services.thumbnail_service import ThumbnailService
from spacesgui.services.transfer_service import PREF_ENGINE, TransferService
from spacesgui.transfer_process import start_engine
from spacesgui.ui.gui_thread_collector import GuiThreadCollector
from spacesgui.ui.legible_links import LegibleLinks
from spacesgui.ui.main_window import MainWindow
from spacesgui.ui.mime_types import OBJECTS_MIME
from spacesgui.ui.window_features import WindowServices

log = logging.getLogger(__name__)

# Listing runs a few prefixes at once on these workers; transfers have their own threads.
IO_WORKERS = 8
GIL_SWITCH_INTERVAL_S = 0.001
# One connection per thread that may call at once: listing workers, file jobs, part jobs.
MAX_CONNECTIONS = IO_WORKERS + 64 + 64
# Test Connection's request gives up a little after the dialog has said so (TEST_TIMEOUT_S),
# so a silent server holds a worker thread for seconds, not the 3 minutes of 3 attempts.
PROBE_READ_TIMEOUT_S = 15.0


def make_probe_store(account: Account, credentials: Credentials) -> ObjectStore:
    """A store for Test Connection: one attempt, a short wait for an answer (see TEST_TIMEOUT_S)."""
    return S3Store(account, credentials, read_timeout=PROBE_READ_TIMEOUT_S, attempts=1)


def make_store(account: Account, credentials: Credentials) -> ObjectStore:
    store = S3Store(account, credentials, max_pool_connections=MAX_CONNECTIONS)
    freeze_long_lived("the first S3 client")  # botocore's model: keep full collections short
    return store


@dataclass
class App:
    """Everything one window needs, and how to shut it down in order."""

    runner: TaskRunner
    accounts: AccountService
    browser: BrowserService
    transfers: TransferService
    window: MainWindow
    on_close: list[object] = field(default_factory=list)
    collector: GuiThreadCollector | None = None

    def shutdown(self) -> None:
        keep_clipboard_as_text()
        self.window.model.clear()
        if self.window.file_opener is not None:  # no disk work: a later start's sweep cleans
            self.window.file_opener.stop()
        self.transfers.shutdown()  # running transfers stop where they are; the journal keeps them
        if self.window.transfer_actions is not None:
            self.window.transfer_actions.drag_out.cleanup()
        self.runner.shutdown()
        self.accounts.close()
        if self.collector is not None:
            self.collector.stop()


def keep_clipboard_as_text() -> None:
    """Leave copied objects on the clipboard as their text (s3:// paths) when the app quits.

    A QMimeData made in Python and still on the clipboard when Qt shuts down is freed twice
    (PySide6 6.8–6.10 at least): the process dies with a segmentation fault at exit. The
    objects are of no use once the app is gone; the paths still paste elsewhere.
    """
    clipboard = QGuiApplication.clipboard()
    mime = clipboard.mimeData() if clipboard is not None else None
    if mime is not None and mime.hasFormat(OBJECTS_MIME):
        clipboard.setText(mime.text())


def build_app(
    *,
    settings_path: Path | None = None,
    use_keyring: bool = True,
    refresh_interval_s: int | None = None,
    journal_path: Path | None = None,
) -> App:
    """Wire the layers together; call on the GUI thread after the QApplication exists."""
    # Listing threads parse XML while the GUI thread paints; every call Qt makes into
    # Python must win the GIL back, so hand it over every 1 ms instead of every 5 ms.
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    settings = JsonSettings(settings_path)
    runner = TaskRunner(IO_WORKERS)
    secrets = KeyringSecretStore() if use_keyring else MemorySecretStore()
    activity_log = SqliteActivityLog(settings_path.with_name("activity.sqlite3") if settings_path else None)
    accounts = AccountService(
        runner, settings, secrets, MemorySecretStore(), make_store, activity_store=activity_log,
        probe_factory=make_probe_store,
    )  # fmt: skip
    browser = BrowserService(runner, accounts)
    transfers = build_transfers(runner, accounts, settings, journal_path or _journal_beside(settings_path))
    interval = (
        refresh_interval_s
        if refresh_interval_s is not None
        else int(settings.get_preference("refresh_interval_s", 30))
    )
    services = WindowServices(
        transfers=transfers,
        operations=OperationService(runner, accounts, transfers),
        objects=ObjectService(runner, accounts),
        settings=SpaceSettingsService(runner, accounts),
        cors=CorsService(runner, accounts),
        access=AccessService(runner, accounts),
        imports=AccountImportService(runner, accounts, FileAccountSources()),
        do_api=DoApiService(runner, accounts, secrets, DoApiClient),
        opener=FileOpenService(runner, transfers, TempCopies(), XdgDesktopApps()),
        previews=PreviewService(runner, accounts),
        thumbnails=ThumbnailService(runner, accounts, DiskThumbnailCache(_thumbnails_beside(settings_path))),
        preferences=settings,
    )
    LegibleLinks.install(QGuiApplication.instance())  # type: ignore[arg-type]
    window = MainWindow(runner, accounts, browser, services, refresh_interval_s=interval)
    window.refresh_interval_changed.connect(
        lambda seconds: settings.set_preference("refresh_interval_s", seconds)
    )
    accounts.load()
    transfers.start()
    # Modules, classes, widgets: out of full collections. A full one first: the window is not shown yet.
    freeze_long_lived("the app built", collect_all=True)
    collector = GuiThreadCollector(window)  # Qt objects die on the GUI thread, never on a worker
    collector.start()
    return App(runner, accounts, browser, transfers, window, collector=collector)


def _journal_beside(settings_path: Path | None) -> Path | None:
    """A custom settings file keeps its journal beside it; None means the user's data dir."""
    return settings_path.with_name("transfers.sqlite3") if settings_path else None


def _thumbnails_beside(settings_path: Path | None) -> Path | None:
    """A custom settings file keeps its thumbnails beside it; None means the user's cache dir."""
    return settings_path.with_name("thumbnails") if settings_path else None


def build_transfers(
    runner: TaskRunner, accounts: AccountService, settings: JsonSettings, journal_path: Path | None
) -> TransferService:
    """The transfer engine runs in a child process (see services/engine_client.py)."""
    saved = settings.get_preference(PREF_ENGINE, {})
    engine_settings = EngineSettings.from_dict(saved if isinstance(saved, dict) else {})
    engine = start_engine(journal_path, engine_settings, accounts.credentials_for, _log_file())
    service = TransferService(runner, accounts, engine, OsLocalFiles(), None, settings)
    accounts.accounts_changed.connect(service.accounts_changed)
    accounts.spaces_listed.connect(service.prepare)
    return service


def _log_file() -> Path | None:
    """The file the app logs to, so the transfer process can write to it too."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler):
            return Path(handler.baseFilename)
    return None
