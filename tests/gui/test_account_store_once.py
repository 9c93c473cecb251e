"""An account's S3 client is built once, however many callers ask for it at the same moment."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtWidgets import QApplication

from spacesgui.adapters.keyring_store import MemorySecretStore
from spacesgui.adapters.settings import JsonSettings
from spacesgui.app import make_store
from spacesgui.core.accounts import Account, Credentials
from spacesgui.core.ports import ObjectStore
from spacesgui.demo.server import DEMO_CREDENTIALS, demo_account
from spacesgui.services.account_service import AccountService
from spacesgui.services.runner import TaskRunner


def test_two_callers_at_once_get_one_store_built_once(
    qapp: QApplication, moto_endpoint: str, tmp_path: Path
) -> None:
    built: list[ObjectStore] = []
    first_building, release = threading.Event(), threading.Event()

    def factory(account: Account, credentials: Credentials) -> ObjectStore:
        store = make_store(account, credentials)
        built.append(store)
        first_building.set()
        release.wait(30)  # the second caller asks while this one is still building
        return store

    runner = TaskRunner(2)
    accounts = AccountService(
        runner, JsonSettings(tmp_path / "settings.json"), MemorySecretStore(), MemorySecretStore(), factory
    )
    account = demo_account(moto_endpoint)
    accounts.add_account(account, DEMO_CREDENTIALS.secret_access_key, persist=False)
    got: list[ObjectStore] = []
    callers = [
        threading.Thread(target=lambda: got.append(accounts.store_blocking(account.id))) for _ in range(2)
    ]
    try:
        callers[0].start()
        assert first_building.wait(30)
        callers[1].start()
        callers[1].join(1.0)  # it waits for the first build (before the fix it built a second client)
        release.set()
        for caller in callers:
            caller.join(30)
        assert len(got) == 2
        assert got[0] is got[1]
        assert len(built) == 1  # one client: the other caller did not build and throw away its own
        assert got[0].list_buckets() is not None
    finally:
        release.set()
        runner.shutdown()
        accounts.close()
