"""The transfer engine in a child process, behind the same methods as TransferEngine.

Why a process: the engine's worker threads spend much of each small request in
botocore's Python code. In the GUI's own process they would hold the GIL the GUI thread
needs for every call Qt makes into Python while painting, and the window would stall
for hundreds of milliseconds under a drop of a thousand files. In a child process they
have a GIL of their own. The child also owns the journal, and quitting can stop it
after a deadline instead of waiting for a request stuck in a socket.

Calls are synchronous request/reply over a pipe, guarded by a lock (the GUI thread and
the task runner's threads both call in); each takes well under a millisecond.

A thread of its own waits on the child's sentinel, so a child that dies (killed for want
of memory, say) is noticed at once, not at the next call; `restart` starts a new child,
which takes up the journal as an app restart would.

The child is spawned, so it imports the main module again: a script that builds the
app (a benchmark, a screenshot helper) needs an `if __name__ == "__main__":` guard, as
`python -m spacesgui` and the `spacesgui` command have.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol

from spacesgui.core.accounts import Account, Credentials
from spacesgui.core.errors import SpacesError
from spacesgui.core.transfer_settings import EngineSettings
from spacesgui.core.transfers import Totals, Transfer, TransferGroup

log = logging.getLogger(__name__)

POLL_S = 0.05
STOP_DEADLINE_S = 10.0


class ChildProcess(Protocol):
    def is_alive(self) -> bool: ...

    def join(self, timeout: float | None = None) -> None: ...

    def terminate(self) -> None: ...

    @property
    def sentinel(self) -> int: ...


class EngineStopped(SpacesError):
    title = "Transfers stopped"


CLOSING = "Transfers have stopped: the app is closing."
DIED = (
    "The transfer process stopped unexpectedly (the system may have ended it for want of memory). "
    "Nothing recorded is lost: Transfers → Restart Transfers starts it again and carries on."
)
STILL_DOWN = (
    "The transfer process is not running: it stopped unexpectedly. Choose Transfers → Restart "
    "Transfers to start it again, then try once more."
)

# A new child: (command pipe, the process, progress pipe), started with these settings.
Spawn = Callable[[EngineSettings], tuple[Connection, ChildProcess, Connection | None]]


# (account, credentials) for an account id; raises SpacesError (e.g. no secret stored).
CredentialLookup = Callable[[str], tuple[Account, Credentials]]


class EngineClient:
    """TransferEngine's API for TransferService; the engine itself runs in the child."""

    def __init__(
        self,
        conn: Connection,
        process: ChildProcess,
        settings: EngineSettings,
        credentials: CredentialLookup,
        *,
        updates: Connection | None = None,
        spawn: Spawn | None = None,
    ) -> None:
        self._conn = conn
        self._updates = updates  # progress the child pushes; read without waiting
        self._totals = Totals(0, 0, 0, 0, 0, 0)
        self._process = process
        self._settings = settings.checked()
        self._credentials = credentials
        self._lock = threading.Lock()
        self._keys_lock = threading.Lock()
        self._sent_accounts: dict[str, Account] = {}
        self._closed = False  # shut down: the app is closing
        self._dead = False  # the child ended on its own; restart() starts a new one
        self._spawn = spawn
        self._on_death: Callable[[], None] | None = None
        self._watcher: threading.Thread | None = None
        self.journal_notice = ""
        self._watch()

    # ------------------------------------------------------------ the child's life

    @property
    def dead(self) -> bool:
        """The child ended without being told to (until restart())."""
        return self._dead

    @property
    def can_restart(self) -> bool:
        return self._spawn is not None and not self._closed

    def watch_death(self, callback: Callable[[], None]) -> None:
        """Call `callback` (on the watcher thread) when the child dies unasked; at once if it has."""
        self._on_death = callback
        if self._dead:
            callback()

    def _watch(self) -> None:
        sentinel = getattr(self._process, "sentinel", None)
        if sentinel is None:
            return  # a stand-in without one: deaths show at the next call
        self._watcher = threading.Thread(
            target=self._wait_for_death, args=(self._process, sentinel), name="spacesgui-engine-watch",
            daemon=True,
        )  # fmt: skip
        self._watcher.start()

    def _wait_for_death(self, process: ChildProcess, sentinel: int) -> None:
        """Watcher thread: block until the child ends; unless asked to end, say it died."""
        wait([sentinel])
        with self._lock:
            if self._closed or process is not self._process or self._dead:
                return
            self._dead = True
        self._died("the transfer process ended (exit code %s)", getattr(process, "exitcode", None))

    def _died(self, why: str, *args: object) -> None:
        log.error(why, *args)
        callback = self._on_death
        if callback is not None:
            callback()

    def restart(self) -> None:
        """Start a new child after one died (worker thread); restore() then loads the journal."""
        if self._spawn is None or self._closed:
            raise EngineStopped(CLOSING if self._closed else "The transfer process cannot be restarted here.")
        with self._lock:
            if not self._dead:
                return
            old, old_conn, old_updates = self._process, self._conn, self._updates
            for end in (old_conn, old_updates):
                if end is not None:
                    end.close()
            old.join(STOP_DEADLINE_S)
            if old.is_alive():
                old.terminate()
                old.join(STOP_DEADLINE_S)
            try:
                self._conn, self._process, self._updates = self._spawn(self._settings)
            except OSError as exc:
                log.error("could not start the transfer process again: %s", exc)
                raise EngineStopped(f"The transfer process could not be started: {exc}") from exc
            self._sent_accounts.clear()  # the new child knows no keys yet
            self._totals = Totals(0, 0, 0, 0, 0, 0)
            self._dead = False
        if self._watcher is not None:
            self._watcher.join(STOP_DEADLINE_S)
        log.info("the transfer process was started again")
        self._watch()

    # ------------------------------------------------------------ plumbing

    def _call(self, method: str, *args: Any) -> Any:
        failure: BaseException | None = None
        first = False
        with self._lock:
            if self._closed:
                raise EngineStopped(CLOSING)
            if self._dead:
                raise EngineStopped(STILL_DOWN)
            try:
                self._conn.send((method, args))
                status, value = self._conn.recv()
            except (EOFError, OSError, BrokenPipeError) as exc:
                first = not self._dead
                self._dead = True
                failure = exc
        if failure is not None:
            if first:  # the watcher, waking after this, leaves it to us
                self._died("the transfer process stopped unexpectedly: %s", failure)
            raise EngineStopped(DIED) from failure
        if status == "error":
            raise value if isinstance(value, BaseException) else SpacesError(str(value))
        return value

    def _send_accounts(self, account_ids: Iterable[str]) -> None:
        """Give the child the keys of accounts it is about to need (never written anywhere)."""
        with self._keys_lock:  # two threads at once: the second finds the keys sent
            self._send_accounts_locked(set(account_ids))

    def _send_accounts_locked(self, account_ids: set[str]) -> None:
        for account_id in account_ids:
            try:
                account, credentials = self._credentials(account_id)
            except (KeyError, SpacesError) as exc:
                log.info("no keys for account %s to hand to the transfer process: %s", account_id, exc)
                continue
            if self._sent_accounts.get(account_id) != account:
                self._call("set_account", account, credentials)
                self._sent_accounts[account_id] = account

    @property
    def accounts_sent(self) -> frozenset[str]:
        """The accounts whose keys the child has now (it builds their stores as they come)."""
        return frozenset(self._sent_accounts.copy())  # a copy in one step: another thread may add

    def send_keys(self, account_ids: Iterable[str]) -> None:
        """A drop is being planned, or an account browsed: the child may build their stores
        meanwhile. Accounts it has the keys of are passed over before their keys are looked
        up (a keyring read each time Spaces were listed): a change of keys, or a new child,
        empties that record first (forget_accounts, restart)."""
        self._send_accounts([a for a in account_ids if a not in self._sent_accounts])

    def forget_accounts(self) -> None:
        """Accounts changed (edited keys, removed): send them again when next needed."""
        if not self._sent_accounts:
            return  # the child knows no keys yet (and may still be starting): nothing to forget
        self._sent_accounts.clear()
        self._call("forget_accounts")

    # ------------------------------------------------------------ TransferEngine's API

    @property
    def settings(self) -> EngineSettings:
        return self._settings

    def apply_settings(self, settings: EngineSettings) -> None:
        settings = settings.checked()
        if settings == self._settings:
            return  # no round trip (at start-up it would wait for the child to import)
        self._settings = settings
        self._call("apply_settings", settings)

    def restore(self) -> tuple[list[TransferGroup], list[Transfer]]:
        groups, transfers, notice = self._call("restore_with_notice")
        self.journal_notice = notice
        return groups, transfers

    def add(self, groups: list[TransferGroup], transfers: list[Transfer]) -> None:
        needed = {t.account_id for t in transfers} | {
            t.source_account_id for t in transfers if t.source_account_id
        }
        self._send_accounts(needed)
        self._call("add", groups, transfers)

    def group(self, group_id: str) -> TransferGroup | None:
        result: TransferGroup | None = self._call("group", group_id)
        return result

    def transfers(self) -> list[Transfer]:
        result: list[Transfer] = self._call("transfers")
        return result

    def take_changes(self) -> list[Transfer]:
        """What the child reported since the last call (never waits for the child)."""
        if self._updates is None:
            result: list[Transfer] = self._call("take_changes")
            return result
        latest: dict[str, Transfer] = {}
        try:
            while self._updates.poll(0):
                changes, self._totals = self._updates.recv()
                latest.update((t.id, t) for t in changes)
        except (EOFError, OSError):
            pass  # the next command says the process is gone
        return list(latest.values())

    def totals(self) -> Totals:
        """The totals in the child's last report (see take_changes)."""
        if self._updates is None:
            result: Totals = self._call("totals")
            return result
        return self._totals

    def remove_finished(self, ids: Iterable[str]) -> list[str]:
        result: list[str] = self._call("remove_finished", list(ids))
        return result

    def active_count(self) -> int:
        result: int = self._call("active_count")
        return result

    def account_ids(self, ids: Iterable[str]) -> set[str]:
        result: set[str] = self._call("account_ids", list(ids))
        return result

    def reassign(self, ids: Iterable[str], account_id: str) -> None:
        self._call("reassign", list(ids), account_id)

    def _send_accounts_of(self, ids: list[str]) -> None:
        """Before a command that may start or clean up `ids`: their accounts' keys."""
        self._send_accounts(self.account_ids(ids))

    def pause(self, ids: Iterable[str]) -> None:
        self._call("pause", list(ids))

    def resume(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        self._send_accounts_of(ids)
        self._call("resume", ids)

    def retry(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        self._send_accounts_of(ids)
        self._call("retry", ids)

    def cancel(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        self._send_accounts_of(ids)
        self._call("cancel", ids)

    def yield_to_gui(self, seconds: float) -> None:
        """Nothing to do: the workers run under another process's GIL."""

    def wait_finished(self, ids: Iterable[str], timeout: float | None = None) -> bool:
        wanted = list(ids)
        deadline = None if timeout is None else time.monotonic() + timeout
        pause = threading.Event()
        while True:
            if self._call("all_finished", wanted):
                return True
            if deadline is not None and time.monotonic() > deadline:
                return False
            pause.wait(POLL_S)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Until nothing is queued or running. Asks for a count, not for every transfer: copying
        a large queue out of the child while it runs slowed the transfers being waited for."""
        deadline = None if timeout is None else time.monotonic() + timeout
        pause = threading.Event()
        while True:
            if self.active_count() == 0:
                return True
            if deadline is not None and time.monotonic() > deadline:
                return False
            pause.wait(POLL_S)

    def shutdown(self) -> None:
        """Stop transfers where they are and end the child; kill it after a deadline."""
        with contextlib.suppress(EngineStopped):
            self._call("close")
        with self._lock:
            self._closed = True
            self._conn.close()
            if self._updates is not None:
                self._updates.close()
        self._process.join(STOP_DEADLINE_S)
        if self._process.is_alive():
            log.warning("the transfer process did not stop in %.0f s; ending it", STOP_DEADLINE_S)
            self._process.terminate()
            self._process.join(STOP_DEADLINE_S)
        if self._watcher is not None:
            self._watcher.join(STOP_DEADLINE_S)
