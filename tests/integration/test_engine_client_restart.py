"""The transfer process killed: the client says so at once, later calls say what to do, and
restart() gives a working process that takes up the journal; a shutdown is no death. The
process, and a restarted one, runs a little below the window's CPU priority."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from spacesgui.adapters.process_priority import BACKGROUND_NICENESS
from spacesgui.core.accounts import Account, Credentials
from spacesgui.core.transfer_settings import EngineSettings
from spacesgui.services.engine_client import EngineStopped
from spacesgui.transfer_process import start_engine


def no_keys(account_id: str) -> tuple[Account, Credentials]:
    raise KeyError(account_id)


def test_a_killed_transfer_process_is_reported_once_and_restart_serves_again(tmp_path: Path) -> None:
    deaths: list[str] = []
    client = start_engine(tmp_path / "transfers.sqlite3", EngineSettings(), no_keys)
    try:
        client.watch_death(lambda: deaths.append("died"))
        assert client.restore() == ([], [])
        process = client._process
        process.kill()  # type: ignore[attr-defined]  # SIGKILL, like the out-of-memory killer
        process.join(30)
        client._watcher.join(30)  # type: ignore[union-attr]
        assert deaths == ["died"]  # told without any call being made
        assert client.dead
        with pytest.raises(EngineStopped, match="Restart Transfers") as caught:
            client.transfers()
        assert "closing" not in caught.value.message

        client.restart()
        assert not client.dead
        assert client.restore() == ([], [])  # the new process took up the journal
        assert client.transfers() == []
    finally:
        client.shutdown()
    assert deaths == ["died"]  # ending it on purpose is not a death
    with pytest.raises(EngineStopped, match="the app is closing"):
        client.transfers()


def test_keys_already_with_the_transfer_process_are_not_looked_up_again(tmp_path: Path) -> None:
    # send_keys runs each time an account's Spaces are listed; each lookup may read the keyring.
    account = Account("a", "custom", "http://127.0.0.1:9", "us-east-1", "AK")
    lookups: list[str] = []

    def keys(account_id: str) -> tuple[Account, Credentials]:
        lookups.append(account_id)
        return account, Credentials("AK", "secret-of-a")

    client = start_engine(tmp_path / "transfers.sqlite3", EngineSettings(), keys)
    try:
        client.send_keys([account.id])
        client.send_keys([account.id])
        assert lookups == [account.id]
        assert client.accounts_sent == {account.id}
        client.forget_accounts()  # keys changed: the next send looks them up again
        client.send_keys([account.id])
        assert lookups == [account.id, account.id]
    finally:
        client.shutdown()


def niceness(pid: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, pid)


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="POSIX niceness only")
def test_the_transfer_process_yields_the_cpu_to_the_window_and_a_restarted_one_too(tmp_path: Path) -> None:
    ours = niceness(0)
    expected = min(19, ours + BACKGROUND_NICENESS)
    client = start_engine(tmp_path / "transfers.sqlite3", EngineSettings(), no_keys)
    try:
        assert client.restore() == ([], [])  # answered: the child is past its start-up
        first = client._process.pid  # type: ignore[attr-defined]
        assert niceness(first) == expected
        assert niceness(0) == ours  # the window's own priority is untouched

        client._process.kill()  # type: ignore[attr-defined]
        client._process.join(30)  # type: ignore[attr-defined]
        client._watcher.join(30)  # type: ignore[union-attr]  # until the client knows: restart() needs that
        assert client.dead
        client.restart()
        assert client.restore() == ([], [])
        second = client._process.pid  # type: ignore[attr-defined]
        assert second != first
        assert niceness(second) == expected
    finally:
        client.shutdown()
