"""spacesgui's TransferEngine on its own (no Qt): as the app builds it, with default EngineSettings.

The store is what the transfer process builds: a FastS3Store (data calls over aiohttp on
an event loop thread) with the app's connection pool, or a plain S3Store when
SPACESGUI_FAST_DATA=0; the journal a real SQLite file;
the local side the real file system. Each run gets a fresh engine and journal over the
same store (its client already connected), and is timed from the moment the transfers
are built until `wait_idle()` returns, then checked as the peers are.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from bench_server import Server
from bench_transfer_cpu import CpuClock
from bench_transfer_data import BigFile, SmallTree
from bench_transfer_peers import (
    BIG_DOWN,
    BIG_UP,
    SMALL_UP,
    Run,
    account_for,
    check_big_object,
    check_download,
    check_small,
)

from spacesgui.adapters.event_loop import EventLoopThread
from spacesgui.adapters.journal import SqliteJournal
from spacesgui.adapters.local_files import OsLocalFiles
from spacesgui.adapters.s3_fast_data import FastS3Store
from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import MAX_CONNECTIONS
from spacesgui.core.transfer_settings import EngineSettings
from spacesgui.core.transfers import Direction, Transfer, TransferState
from spacesgui.engine.transfer_engine import TransferEngine
from spacesgui.transfer_process import FAST_DATA

TOOL = "spacesgui engine"


def upload_transfers(account_id: str, bucket: str, prefix: str, root: Path) -> list[Transfer]:
    """One upload per file under `root`, keyed `prefix` + its '/' path (as a folder upload plans them)."""
    transfers = []
    for folder, _dirs, files in os.walk(root):
        for name in sorted(files):
            path = os.path.join(folder, name)
            stat = os.stat(path)
            relative = os.path.relpath(path, root).replace(os.sep, "/")
            transfers.append(
                Transfer(
                    Direction.UPLOAD,
                    account_id,
                    bucket,
                    prefix + relative,
                    path,
                    stat.st_size,
                    local_mtime_ns=stat.st_mtime_ns,
                )
            )
    return transfers


class EngineRuns:
    def __init__(self, server: Server, scratch: Path, clock: CpuClock, timeout_s: float) -> None:
        self.account, credentials = account_for(server)
        self._loop = EventLoopThread() if FAST_DATA else None
        self.store = (
            FastS3Store(self.account, credentials, loop=self._loop, max_pool_connections=MAX_CONNECTIONS)
            if self._loop is not None
            else S3Store(self.account, credentials, max_pool_connections=MAX_CONNECTIONS)
        )
        self.scratch = scratch
        self.clock = clock
        self.timeout_s = timeout_s
        self.settings = EngineSettings()
        self._runs = 0
        self.last: list[Transfer] = []  # the last run's transfers, as they ended

    def _engine(self) -> tuple[TransferEngine, SqliteJournal]:
        self._runs += 1
        journal = SqliteJournal(str(self.scratch / f"engine-{self._runs}.sqlite3"))
        engine = TransferEngine(lambda _account_id: self.store, journal, OsLocalFiles(), self.settings)
        return engine, journal

    def _run(
        self, what: str, build: Callable[[], list[Transfer]], check: Callable[[], tuple[str, str]]
    ) -> Run:
        engine, journal = self._engine()
        os.sync()
        try:
            self.clock.start()
            transfers = build()
            engine.add([], transfers)
            finished = engine.wait_idle(self.timeout_s)
            cpu = self.clock.stop()
            self.last = engine.transfers()
            states = [t for t in self.last if t.state != TransferState.DONE]
        finally:
            engine.shutdown()
            journal.close()
        if not finished:
            return Run(TOOL, what, None, None, cpu, error=f"not finished after {self.timeout_s:.0f} s")
        if states:
            first = states[0]
            return Run(TOOL, what, None, None, cpu,
                       error=f"{len(states)} transfers ended {first.state.value}, e.g. {first.key}: {first.error}")  # fmt: skip
        checked, error = check()
        return Run(TOOL, what, cpu.wall_s, None, cpu, checked, error)

    def small(self, tree: SmallTree, bucket: str) -> Run:
        return self._run(
            SMALL_UP,
            lambda: upload_transfers(self.account.id, bucket, "small/", tree.root),
            lambda: check_small(self.store.client, bucket, tree),
        )

    def big_up(self, big: BigFile, bucket: str) -> Run:
        def build() -> list[Transfer]:
            stat = os.stat(big.path)
            return [Transfer(Direction.UPLOAD, self.account.id, bucket, big.path.name, str(big.path), stat.st_size,
                             local_mtime_ns=stat.st_mtime_ns)]  # fmt: skip

        run = self._run(
            BIG_UP, build, lambda: check_big_object(self.store.client, bucket, big.path.name, big)
        )
        return _with_verified(run, self)

    def big_down(self, big: BigFile, bucket: str, folder: Path) -> Run:
        target = folder / big.path.name

        def build() -> list[Transfer]:
            return [
                Transfer(Direction.DOWNLOAD, self.account.id, bucket, big.path.name, str(target), big.size)
            ]

        run = self._run(BIG_DOWN, build, lambda: check_download(target, big))
        return _with_verified(run, self)

    def close(self) -> None:
        self.store.close()
        if self._loop is not None:
            self._loop.close()


def _with_verified(run: Run, runs: EngineRuns) -> Run:
    """Add how the engine itself checked the bytes ("Content-MD5 on each of 128 parts", ...)."""
    if not run.ok:
        return run
    how = "; ".join(t.verified for t in runs.last if t.verified)
    if not how:
        return run
    return Run(
        run.tool, run.what, run.seconds, run.startup_s, run.cpu, f"{run.checked}; engine: {how}", run.error
    )
