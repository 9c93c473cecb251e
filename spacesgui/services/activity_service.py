"""The activity recorder: the one place every change the app makes is written down.

Services call `record` (or wrap a write in `recording`) at their few choke points; the
transfer queue's finished transfers come through `TransferActivity`. Each entry's
message and target pass through `core.redaction.redact_thoroughly` with every secret the app has
been given (`hide`), so no secret reaches the record, the window or an export.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from PySide6.QtCore import QObject, Signal

from spacesgui.core.activity import (
    ActivityAction,
    ActivityEntry,
    ActivityResult,
    to_csv,
    transfer_action,
    transfer_message,
    transfer_result,
    transfer_target,
)
from spacesgui.core.errors import SpacesError
from spacesgui.core.ports import ActivityRecord
from spacesgui.core.redaction import REDACTOR, redact_thoroughly
from spacesgui.core.transfers import Transfer

log = logging.getLogger(__name__)

HISTORY_LIMIT = 20_000  # entries the window loads; older ones stay in the file


class ActivityService(QObject):
    """Records entries and hands them to the window.

    `record` is called on the GUI thread; the entry is emitted at once (`entries_added`,
    GUI thread) and written on the service's single writer thread, in order, batched.
    `history` runs on that same thread after every write queued before it, so what it
    returns and what `entries_added` brings after the call never overlap.
    With no `store` the record lives in memory only (tests, a record that cannot open).
    """

    entries_added = Signal(object)  # list[ActivityEntry], oldest first

    def __init__(
        self,
        store: ActivityRecord | None = None,
        account_name: Callable[[str], str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._account_name = account_name or (lambda account_id: account_id)
        self._secrets: set[str] = set()
        self._memory: list[ActivityEntry] = []
        self._pending: list[ActivityEntry] = []
        self._lock = threading.Lock()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spacesgui-activity")
        self._closed = False

    @property
    def notice(self) -> str:
        """What the user should know about the record's file ("" when all is well)."""
        return str(getattr(self._store, "notice", ""))

    def hide(self, secret: str) -> None:
        """Never let `secret` into the record (the app calls this for every secret it is given).

        Any thread: a secret read from the keyring on a worker comes here too.
        """
        if secret.strip():
            with self._lock:
                self._secrets.add(secret.strip())

    def name_of(self, account_id: str) -> str:
        try:
            return self._account_name(account_id)
        except KeyError:  # the account is gone: its id still tells entries apart
            return account_id

    def record(
        self,
        account_id: str,
        space: str,
        target: str,
        action: ActivityAction,
        result: ActivityResult = ActivityResult.OK,
        message: str = "",
        *,
        account_name: str = "",
    ) -> ActivityEntry:
        """Record one change (GUI thread); returns the entry as kept (redacted)."""
        entry = self.entry(account_id, space, target, action, result, message, account_name=account_name)
        self.keep([entry])
        return entry

    def entry(
        self,
        account_id: str,
        space: str,
        target: str,
        action: ActivityAction,
        result: ActivityResult = ActivityResult.OK,
        message: str = "",
        *,
        account_name: str = "",
    ) -> ActivityEntry:
        """An entry made safe to keep (every secret redacted), not yet recorded."""
        with self._lock:
            secrets = tuple(self._secrets | REDACTOR.secrets)  # ours, and every one the app registered
        return ActivityEntry(
            time.time(),
            redact_thoroughly(account_name or self.name_of(account_id), secrets, keylike=False),
            redact_thoroughly(space, secrets, keylike=False),
            redact_thoroughly(target, secrets, keylike=False),
            action,
            result,
            redact_thoroughly(message, secrets),
        )

    @contextmanager
    def recording(
        self, account_id: str, space: str, target: str, action: ActivityAction, message: str = "",
        *, account_name: str = "",
    ) -> Iterator[None]:  # fmt: skip
        """Record the block as ok, or failed with the error's message (and re-raise it)."""
        name = account_name
        try:
            yield
        except asyncio.CancelledError:
            self.record(
                account_id, space, target, action, ActivityResult.CANCELLED, message, account_name=name
            )
            raise
        except Exception as error:
            text = error.message if isinstance(error, SpacesError) else (str(error) or type(error).__name__)
            self.record(account_id, space, target, action, ActivityResult.FAILED, text, account_name=name)
            raise
        self.record(account_id, space, target, action, ActivityResult.OK, message, account_name=name)

    def keep(self, entries: list[ActivityEntry]) -> None:
        """Record entries made by `entry`, oldest first, as one batch (one signal, one write)."""
        if not entries:
            return
        self.entries_added.emit(entries)
        if self._store is None:
            self._memory.extend(entries)
            return
        if self._closed:
            self._store.add(entries)  # shutting down: write them where we stand
            return
        with self._lock:
            first = not self._pending
            self._pending.extend(entries)
        if first:
            self._writer.submit(self._write_pending)

    def _write_pending(self) -> None:  # writer thread
        with self._lock:
            batch, self._pending = self._pending, []
        if batch and self._store is not None:
            self._store.add(batch)

    async def history(self, limit: int = HISTORY_LIMIT) -> list[ActivityEntry]:
        """The newest `limit` entries, oldest first, read on the writer thread."""
        if self._store is None:
            return self._memory[-limit:]
        return await asyncio.get_running_loop().run_in_executor(self._writer, self._store.recent, limit)

    async def export_csv(self, path: str, entries: list[ActivityEntry]) -> None:
        """Write `entries` as CSV to `path` (UTF-8 with a BOM, so spreadsheets read the accents)."""
        text = to_csv(entries)

        def write() -> None:  # writer thread
            with open(path, "w", encoding="utf-8-sig", newline="") as file:
                file.write(text)

        await asyncio.get_running_loop().run_in_executor(self._writer, write)

    def close(self) -> None:
        """Write what is pending and close the file (the app quits)."""
        if self._closed:
            return
        self._closed = True
        self._writer.shutdown(wait=True)
        self._write_pending()
        if self._store is not None:
            self._store.close()
            self._store = None


class TransferActivity:
    """Records each transfer (upload, download, copy, move, rename, delete, access) once, when it ends.

    Fed with `transfers_changed` on the GUI thread. A transfer that was already finished
    when first seen and was planned before this run started (the journal's history) is
    not recorded again.
    """

    def __init__(self, activity: ActivityService, clock: Callable[[], float] = time.time) -> None:
        self._activity = activity
        self._started = clock()
        self._open: set[str] = set()  # ids seen unfinished
        self._recorded: set[str] = set()

    def on_transfers_changed(self, transfers: list[Transfer]) -> None:
        ended: list[ActivityEntry] = []
        for t in transfers:
            result = transfer_result(t)
            if result is None:
                if not t.state.finished:
                    self._open.add(t.id)
                    self._recorded.discard(t.id)  # retried: its next end is recorded again
                continue
            fresh = t.id in self._open or t.created >= self._started
            if not fresh or t.id in self._recorded:
                continue
            self._open.discard(t.id)
            self._recorded.add(t.id)
            ended.append(
                self._activity.entry(
                    t.account_id,
                    t.bucket,
                    transfer_target(t),
                    transfer_action(t),
                    result,
                    transfer_message(t),
                )
            )
        self._activity.keep(ended)  # a 2,500-file delete ending in one flush: one batch
