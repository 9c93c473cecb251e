"""The composition root: builds settings, secrets, adapters, services and the main window."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

from spacesgui.adapters.keyring_store import KeyringSecretStore, MemorySecretStore
from spacesgui.adapters.s3_store import S3Store
from spacesgui.adapters.settings import JsonSettings
from spacesgui.core.accounts import Account, Credentials
from spacesgui.core.ports import ObjectStore
from spacesgui.services.account_service import AccountService
from spacesgui.services.browser_service import BrowserService
from spacesgui.services.runner import TaskRunner
from spacesgui.ui.main_window import MainWindow

log = logging.getLogger(__name__)

# Listing runs a few prefixes at once; the pool matches the worker count so no call
# waits for a connection.
IO_WORKERS = 8
GIL_SWITCH_INTERVAL_S = 0.001


def make_store(account: Account, credentials: Credentials) -> ObjectStore:
    return S3Store(account, credentials, max_pool_connections=IO_WORKERS)


@dataclass
class App:
    """Everything one window needs, and how to shut it down in order."""

    runner: TaskRunner
    accounts: AccountService
    browser: BrowserService
    window: MainWindow
    on_close: list[object] = field(default_factory=list)

    def shutdown(self) -> None:
        self.window.model.clear()
        self.runner.shutdown()
        self.accounts.close()


def build_app(
    *, settings_path: Path | None = None, use_keyring: bool = True, refresh_interval_s: int | None = None
) -> App:
    """Wire the layers together; call on the GUI thread after the QApplication exists."""
    # Listing threads parse XML while the GUI thread paints; every call Qt makes into
    # Python must win the GIL back, so hand it over every 1 ms instead of every 5 ms.
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    settings = JsonSettings(settings_path)
    runner = TaskRunner(IO_WORKERS)
    secrets = KeyringSecretStore() if use_keyring else MemorySecretStore()
    accounts = AccountService(runner, settings, secrets, MemorySecretStore(), make_store)
    browser = BrowserService(runner, accounts)
    interval = (
        refresh_interval_s
        if refresh_interval_s is not None
        else int(settings.get_preference("refresh_interval_s", 30))
    )
    window = MainWindow(runner, accounts, browser, refresh_interval_s=interval)
    window.refresh_interval_changed.connect(
        lambda seconds: settings.set_preference("refresh_interval_s", seconds)
    )
    accounts.load()
    return App(runner, accounts, browser, window)
