"""Fixtures for transfer tests: engines over real local servers, cleaned up after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from spacesgui.adapters.event_loop import EventLoopThread
from spacesgui.adapters.journal import SqliteJournal
from spacesgui.adapters.local_files import OsLocalFiles
from spacesgui.adapters.s3_fast_data import FastS3Store
from spacesgui.core.accounts import Account, Credentials
from spacesgui.core.local_ports import LocalFiles
from spacesgui.core.ports import TransferStore
from spacesgui.core.transfer_settings import EngineSettings
from spacesgui.engine.transfer_engine import TransferEngine

MiB = 1024 * 1024
# Small parts keep multipart tests quick: 5 MiB is the smallest part S3 accepts.
SMALL_PARTS: dict[str, Any] = {"part_size": 5 * MiB, "multipart_threshold": 5 * MiB}


@pytest.fixture
def make_engine(tmp_path: Path) -> Iterator[Callable[..., TransferEngine]]:
    """Yield `make(store, journal_path=None, local=None, **settings)`; every engine is shut down after."""
    made: list[tuple[TransferEngine, SqliteJournal]] = []

    def make(
        store: TransferStore,
        journal_path: Path | None = None,
        local: LocalFiles | None = None,
        **settings: Any,
    ) -> TransferEngine:
        journal = SqliteJournal(str(journal_path or tmp_path / "journal.sqlite3"))
        merged = {**SMALL_PARTS, "retry_base_delay_s": 0.05, **settings}
        engine = TransferEngine(
            lambda _account_id: store, journal, local or OsLocalFiles(), EngineSettings(**merged)
        )
        made.append((engine, journal))
        return engine

    yield make
    for engine, journal in made:
        engine.shutdown()
        journal.close()


@pytest.fixture
def data_loop() -> Iterator[EventLoopThread]:
    """The event loop the fast data path runs on, as in the transfer process; closed after."""
    thread = EventLoopThread()
    yield thread
    thread.close()


@pytest.fixture
def make_fast(
    data_loop: EventLoopThread, server_credentials: Credentials
) -> Iterator[Callable[..., FastS3Store]]:
    """Yield `make(account, credentials=None, **kwargs)`: a FastS3Store closed after the test."""
    stores: list[FastS3Store] = []

    def make(account: Account, credentials: Credentials | None = None, **kwargs: Any) -> FastS3Store:
        store = FastS3Store(account, credentials or server_credentials, loop=data_loop, **kwargs)
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()
