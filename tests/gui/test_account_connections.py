"""When an account's keys last worked: a success counts only for the keys that were used."""

from __future__ import annotations

import asyncio
from pathlib import Path

import qasync
from pytestqt.qtbot import QtBot

from spacesgui.adapters.keyring_store import MemorySecretStore
from spacesgui.adapters.settings import JsonSettings
from spacesgui.app import make_store
from spacesgui.core.accounts import Account
from spacesgui.core.errors import SpacesError
from spacesgui.services.account_service import AccountService
from spacesgui.services.runner import TaskRunner
from tests.fault_proxy import FaultProxy, Match


def test_a_listing_that_ends_after_the_keys_were_edited_does_not_say_the_new_keys_worked(
    qasync_loop: qasync.QEventLoop, qtbot: QtBot, moto_account: Account, fault_proxy: FaultProxy,
    tmp_path: Path,
) -> None:  # fmt: skip
    """The Spaces listed with the old keys came back after the edit, and the new, untried
    keys showed as connected a moment ago."""
    runner = TaskRunner(2)
    accounts = AccountService(
        runner, JsonSettings(tmp_path / "settings.json"), MemorySecretStore(), MemorySecretStore(), make_store
    )
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    accounts.add_account(account, "the-secret")
    try:
        hold = fault_proxy.hold(Match.list_buckets())
        listing = asyncio.ensure_future(accounts.list_buckets(account.id))
        qtbot.waitUntil(lambda: hold.waiting == 1, timeout=30_000)
        accounts.save_account(account.with_changes(access_key_id="another-key"), "", True)
        hold.release()
        qtbot.waitUntil(listing.done, timeout=30_000)
        assert listing.exception() is None or isinstance(listing.exception(), SpacesError)
        assert accounts.account(account.id).last_connected == 0.0
        again = asyncio.ensure_future(accounts.list_buckets(account.id))  # the new keys, tried
        qtbot.waitUntil(again.done, timeout=30_000)
        assert again.exception() is None
        assert accounts.account(account.id).last_connected > 0.0
    finally:
        runner.shutdown()
        accounts.close()
