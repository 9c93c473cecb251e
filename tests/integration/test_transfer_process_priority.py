"""The transfer process runs a little below the window's CPU priority, after a restart too."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from spacesgui.adapters.process_priority import BACKGROUND_NICENESS
from spacesgui.core.accounts import Account, Credentials
from spacesgui.core.transfer_settings import EngineSettings
from spacesgui.transfer_process import start_engine

pytestmark = pytest.mark.skipif(not hasattr(os, "getpriority"), reason="POSIX niceness only")


def no_keys(account_id: str) -> tuple[Account, Credentials]:
    raise KeyError(account_id)


def niceness(pid: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, pid)


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
        client.restart()
        assert client.restore() == ([], [])
        second = client._process.pid  # type: ignore[attr-defined]
        assert second != first
        assert niceness(second) == expected
    finally:
        client.shutdown()
