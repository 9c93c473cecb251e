"""The child process that runs the transfer engine (see services/engine_client.py).

Like app.py, a composition root: it builds the adapters (S3 stores, the journal, local
files) the engine needs, then serves the parent's calls until told to close or until the
parent goes away. Keys arrive over the pipe and live only in this process's memory.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from spacesgui.adapters.event_loop import EventLoopThread
from spacesgui.adapters.journal import MEMORY, SqliteJournal
from spacesgui.adapters.local_files import OsLocalFiles
from spacesgui.adapters.process_priority import run_below_normal_priority
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account, Credentials
from spacesgui.core.errors import MissingCredentials, SpacesError
from spacesgui.core.log_redaction import install_redaction
from spacesgui.core.ports import EngineStore
from spacesgui.core.redaction import register_secret
from spacesgui.core.transfer_settings import EngineSettings
from spacesgui.engine.transfer_engine import TransferEngine
from spacesgui.services.engine_client import ChildProcess, CredentialLookup, EngineClient

log = logging.getLogger(__name__)

REPORT_S = 0.2  # as often as the GUI repaints the queue
# One connection per thread that may call at once: file jobs and part jobs.
MAX_CONNECTIONS = 64 + 64
# PutObject, UploadPart and GetObject go through one event loop (s3_fast_data.py: aiohttp, and
# connections of its own for small files); SPACESGUI_FAST_DATA=0 sends them through boto3
# like every other call (for comparison).
FAST_DATA = os.environ.get("SPACESGUI_FAST_DATA", "1") != "0"


class _Stores:
    """Account id → its S3 store, built on first use from keys the parent sent."""

    def __init__(self, loop: EventLoopThread | None = None) -> None:
        self._accounts: dict[str, tuple[Account, Credentials]] = {}
        self._stores: dict[str, S3Store] = {}
        self._loop = loop  # None: data calls through boto3 too
        self._lock = threading.Lock()  # the engine's threads and the prebuilding one

    def set_account(self, account: Account, credentials: Credentials) -> None:
        """Keys the parent sent because a transfer is about to need them: the store is built
        now on a thread (a client takes 0.2-0.4 s), not by the first transfer's start."""
        register_secret(credentials.secret_access_key)  # hidden from this process's log too
        if credentials.session_token:
            register_secret(credentials.session_token)
        if self._accounts.get(account.id) == (account, credentials):
            return  # sent again: the store built (or being built) for these keys stays
        with self._lock:
            self._accounts[account.id] = (account, credentials)
            old = self._stores.pop(account.id, None)
        if old is not None:
            old.close()
        threading.Thread(
            target=self._prebuild, args=(account.id,), name="spacesgui-store", daemon=True
        ).start()

    def _prebuild(self, account_id: str) -> None:
        try:
            self(account_id)
        except Exception as exc:  # the transfer that needs it reports the same failure
            log.info("could not prepare the store of account %s yet: %s", account_id, exc)

    def forget(self) -> None:
        self._accounts.clear()  # stores in use finish their calls; new calls need new keys

    def __call__(self, account_id: str) -> EngineStore:
        with self._lock:
            return self._store(account_id)

    def _store(self, account_id: str) -> S3Store:
        store = self._stores.get(account_id)
        if store is None:
            if account_id not in self._accounts:
                raise MissingCredentials(
                    "No keys for this transfer's account: its secret key was not entered, or the "
                    "account was removed. Resume it to enter the secret."
                )
            account, credentials = self._accounts[account_id]
            if self._loop is not None:
                # Imported here (aiohttp takes a while): the parent's first calls, restoring the
                # queue at start-up, are answered before it; warm_up() loads it meanwhile.
                from spacesgui.adapters.s3_fast_data import FastS3Store

                store = FastS3Store(
                    account, credentials, loop=self._loop, max_pool_connections=MAX_CONNECTIONS
                )
            else:
                store = S3Store(account, credentials, max_pool_connections=MAX_CONNECTIONS)
            self._stores[account_id] = store
        return store

    def close(self) -> None:
        with self._lock:
            stores, self._stores = list(self._stores.values()), {}
        for store in stores:
            store.close()


def _warm_up() -> None:
    """Import the fast data path on a thread once the first call is answered (see _Stores)."""
    import importlib

    importlib.import_module("spacesgui.adapters.s3_fast_data")


def _report(engine: TransferEngine, updates: Connection, stop: threading.Event) -> None:
    """Push what changed to the parent every REPORT_S, so its GUI thread never waits for it."""
    while not stop.wait(REPORT_S):
        changes = engine.take_changes()
        # Journal what changed before telling the parent: a crash after this report must
        # not lose a "done" the user saw (the file would be sent again on resume).
        engine.write_journal()
        try:
            updates.send((changes, engine.totals()))
        except (OSError, EOFError, ValueError):
            return


def serve(
    conn: Connection,
    updates: Connection,
    journal_path: str | None,
    settings: EngineSettings,
    log_path: str | None,
) -> None:
    """The child's main: answer the parent's calls one by one; a thread pushes progress."""
    if log_path:
        logging.basicConfig(
            filename=log_path, level=logging.INFO,
            format="%(asctime)s transfers %(levelname)s %(name)s: %(message)s",
        )  # fmt: skip
    install_redaction()
    run_below_normal_priority()  # the window's thread gets a CPU first when all are busy
    loop = EventLoopThread() if FAST_DATA else None
    stores = _Stores(loop)
    journal = SqliteJournal(journal_path)
    # Copies between accounts wait beside the journal, so a resumed copy finds its bytes.
    relay = os.path.join(os.path.dirname(journal.path), "relay") if journal.path != MEMORY else None
    engine = TransferEngine(stores, journal, OsLocalFiles(), settings, relay)
    stop = threading.Event()
    reporter = threading.Thread(target=_report, args=(engine, updates, stop), name="spacesgui-report")
    reporter.start()
    handlers: dict[str, Any] = {
        "set_account": stores.set_account,
        "forget_accounts": stores.forget,
        "restore_with_notice": lambda: (*engine.restore(), journal.notice),
    }
    warming: threading.Thread | None = None
    restored = False  # the start-up restore is answered before the warm-up begins
    try:
        while True:
            if warming is None and loop is not None and restored:
                warming = threading.Thread(target=_warm_up, name="spacesgui-warm-up", daemon=True)
                warming.start()
            try:
                method, args = conn.recv()
            except (EOFError, OSError):
                return  # the parent is gone: stop where we are, the journal has the rest
            if method == "close":
                engine.shutdown()
                conn.send(("ok", None))
                return
            try:
                handler = handlers.get(method) or getattr(engine, method)
                conn.send(("ok", handler(*args)))
                restored = restored or method == "restore_with_notice"
            except SpacesError as exc:  # the parent raises it again as itself
                conn.send(("error", exc))
            except Exception as exc:
                log.exception("transfer call %s failed", method)
                conn.send(("error", SpacesError(f"Unexpected error in the transfer process: {exc}")))
    finally:
        stop.set()
        reporter.join()
        engine.shutdown()
        journal.close()
        stores.close()
        if loop is not None:
            loop.close()


def _text(path: Path | None) -> str | None:
    return str(path) if path else None


def _spawn(
    journal_path: Path | None, log_path: Path | None, settings: EngineSettings
) -> tuple[Connection, ChildProcess, Connection]:
    """Start a child (spawned: no fork of a process with Qt threads); its two pipe ends."""
    context = multiprocessing.get_context("spawn")
    parent_end, child_end = context.Pipe()
    updates_in, updates_out = context.Pipe(duplex=False)
    process = context.Process(
        target=serve,
        args=(child_end, updates_out, _text(journal_path), settings, _text(log_path)),
        name="spacesgui-transfers",
        daemon=True,
    )
    process.start()
    child_end.close()
    updates_out.close()
    return parent_end, process, updates_in


def start_engine(
    journal_path: Path | None,
    settings: EngineSettings,
    credentials: CredentialLookup,
    log_path: Path | None = None,
) -> EngineClient:
    """Start the child and connect to it; the client can start another if this one dies."""
    spawn = functools.partial(_spawn, journal_path, log_path)
    conn, process, updates = spawn(settings)
    return EngineClient(conn, process, settings, credentials, updates=updates, spawn=spawn)
