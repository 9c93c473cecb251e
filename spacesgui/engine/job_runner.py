"""How the transfer engine runs its queue: the dispatcher, the workers, and how each job ends.

No Qt here. The dispatcher thread starts queued jobs while there is room and writes state
changes to the journal in batches; each job runs on a worker thread of its own (a small
file may run as a coroutine on its store's event loop instead, see loop_jobs), and records
how it ended under the engine's lock before starting the next ones. TransferEngine
(transfer_engine.py) is a JobRunner with the public methods callers use.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

from spacesgui.core.errors import SpacesError, TransferStopped
from spacesgui.core.local_ports import LocalFiles
from spacesgui.core.ports import EngineStore, LoopDataStore, TransferJournal
from spacesgui.core.throughput import TokenBucket
from spacesgui.core.transfer_settings import EngineSettings
from spacesgui.core.transfers import (
    COPIED,
    Direction,
    Transfer,
    TransferGroup,
    TransferState,
    deletes,
    target_of,
)
from spacesgui.engine import loop_jobs, operation_jobs
from spacesgui.engine.download_jobs import download
from spacesgui.engine.part_commits import PartCommits
from spacesgui.engine.run_queue import NOT_COPIED, Job, Lane, RunQueue
from spacesgui.engine.transfer_body import Limiter, StopFlag
from spacesgui.engine.transfer_jobs import RETRYABLE, JobContext, Progress, upload

log = logging.getLogger(__name__)

# State changes (not parts: those are journaled at once) are written at least this often.
# A crash inside the window loses at most the news that a file finished: it is resumed
# paused and sent again, which is harmless.
JOURNAL_BATCH_S = 0.1
MAX_GUI_YIELD_S = 0.1
MAX_PART_THREADS = 64  # the most parts in flight any settings allow
# Small downloads' writes and commits (part_commits): one thread for each of its two stages.
COMMIT_THREADS = 2
# Small files on the event loop cost no thread: besides parallel_files, this many per file
# slot may run (8 → 24 more). More in flight let the loop answer many at each wake-up and
# the commits of downloads gather in bigger batches.
LIGHT_PER_FILE = 3

StoreLookup = Callable[[str], EngineStore]
JOBS = {
    Direction.UPLOAD: upload,
    Direction.DOWNLOAD: download,
    Direction.COPY: operation_jobs.copy,
    Direction.MOVE: operation_jobs.copy,
    Direction.ACCESS: operation_jobs.set_access,
}


State = TransferState


class Running(NamedTuple):
    """A running transfer's record in the engine (lock held to read or change)."""

    flag: StopFlag
    progress: Progress
    start_bytes: int  # bytes done when it started
    # What it writes (target_of, as it was at its start): kept, for computing it afresh for
    # every running transfer at each start cost a walk through them all per small file.
    target: tuple[str, ...]


class JobRunner:
    """The engine's records and the threads that run its jobs; see the module docstring.

    Its state is guarded by `_lock`; the methods marked "lock held" expect it taken.
    """

    def __init__(
        self,
        stores: StoreLookup,
        journal: TransferJournal,
        local: LocalFiles,
        settings: EngineSettings | None = None,
        relay_dir: str | None = None,
    ) -> None:
        self._stores = stores
        # Copies between accounts keep the bytes here on their way (see operation_jobs);
        # a fixed place, so a copy resumed after a restart finds what it read.
        self._relay_dir = relay_dir or os.path.join(tempfile.gettempdir(), "spacesgui-relay")
        self._journal = journal
        self._local = local
        self._settings = (settings or EngineSettings()).checked()
        self._lock = threading.RLock()
        self._idle = threading.Condition(self._lock)
        self._transfers: dict[str, Transfer] = {}
        self._groups: dict[str, TransferGroup] = {}
        self._run_queue = RunQueue(self._transfers)
        self._running: dict[str, Running] = {}
        self._moved = dict.fromkeys(Direction, 0)  # bytes of finished runs, by direction
        self._changed: set[str] = set()
        self._bandwidth = TokenBucket(self._settings.bandwidth_limit)
        # Room for the most file jobs and operation jobs any settings allow at once.
        self._file_pool = ThreadPoolExecutor(128, thread_name_prefix="spacesgui-transfer")
        # One pool for the parts of every file; how many run at once is the limiter's job,
        # so a settings change never strands a job on a pool that was shut down.
        self._part_pool = ThreadPoolExecutor(MAX_PART_THREADS, thread_name_prefix="spacesgui-part")
        self._part_limit = Limiter(self._settings.parallel_parts)
        self._commit_pool = ThreadPoolExecutor(COMMIT_THREADS, thread_name_prefix="spacesgui-commit")
        self._loop_tools = loop_jobs.LoopTools(PartCommits(local, self._commit_pool), self._gui_wait)
        self._on_loop = 0  # jobs running as coroutines on a store's loop (loop_jobs)
        self._loop_types: dict[type, bool] = {}  # store type → whether it is a LoopDataStore
        # Threads in wait_finished: woken as each transfer ends (wait_idle only when all have).
        self._watchers = 0
        self._closed = False
        self._gui_until = 0.0  # workers start no request before this (monotonic time)
        self._unjournaled: dict[str, Transfer] = {}  # state changes the dispatcher writes in batches
        # Writers of those batches (dispatcher, reporter) take turns, so an older row never
        # lands after a newer one.
        self._journal_lock = threading.Lock()
        self._wake = threading.Event()
        # Starting workers and writing the journal happen here, never on the caller's (GUI)
        # thread and never while holding the lock the GUI's five-times-a-second poll takes.
        self._dispatcher = threading.Thread(target=self._dispatch, name="spacesgui-transfer-dispatch")
        self._dispatcher.start()

    # ------------------------------------------------------------ workers

    def _gate(self) -> None:
        """Worker threads: wait (without the GIL) while the GUI has asked for the GIL."""
        wait = self._gui_until - time.monotonic()
        if wait > 0:
            time.sleep(min(wait, MAX_GUI_YIELD_S))

    def _gui_wait(self) -> float:
        return min(MAX_GUI_YIELD_S, self._gui_until - time.monotonic())

    def _dispatch(self) -> None:
        """Dispatcher thread: start queued transfers and journal state changes, until shutdown."""
        while True:
            self._wake.wait(JOURNAL_BATCH_S)
            self._wake.clear()
            with self._lock:
                closed = self._closed
                if not closed:
                    self._pump()
            self.write_journal()
            if closed:
                return

    def write_journal(self) -> None:
        """Write the state changes waiting for the next batch now (any thread).

        Called before changes are reported to the GUI, so nothing shown as done can be
        lost to a crash; the dispatcher otherwise writes them every JOURNAL_BATCH_S.
        """
        with self._journal_lock:
            self._write_journal_locked()

    def _write_journal_locked(self) -> None:
        with self._lock:
            rows, self._unjournaled = list(self._unjournaled.values()), {}
        if not rows:
            return
        try:
            self._journal.update(rows)
        except SpacesError as exc:  # a full disk must not stop the transfers themselves
            log.warning("could not record %d transfer states: %s %s", len(rows), exc.message, exc.detail)

    def _pump(self) -> None:
        """Start queued transfers while there is room (called with the lock held)."""
        if self._closed:
            return
        if not self._run_queue.startable:  # all started: spare walking every running transfer
            if self._run_queue.empty and not self._running:
                self._idle.notify_all()
            return
        busy = {running.target for running in self._running.values()}  # next_jobs adds what it starts
        limits = {
            Lane.FILES: self._settings.parallel_files,
            Lane.OPERATIONS: self._settings.parallel_operations,
        }
        light_limit = LIGHT_PER_FILE * self._settings.parallel_files
        # Light slots only once a store was seen to move files on its loop (not with boto3).
        light = self._is_light if any(self._loop_types.values()) else None
        for job in self._run_queue.next_jobs(limits, busy, light, light_limit):
            for t in job.transfers:
                flag, progress = StopFlag(), Progress(t.bytes_done)
                self._running[t.id] = Running(flag, progress, t.bytes_done, target_of(t))
                self._set_state(t, State.RUNNING)
            if job.is_delete_batch:
                self._file_pool.submit(
                    self._run_deletes, job, [self._running[t.id].flag for t in job.transfers]
                )
            else:
                t = job.transfers[0]
                running = self._running[t.id]
                flag, progress = running.flag, running.progress
                store = self._loop_store(t)
                on_loop = store is not None and self._start_on_loop(
                    store, self._run_on_loop(t, store, flag, progress, job)
                )
                if not on_loop:
                    self._file_pool.submit(self._run, t, flag, progress, job)
        if self._run_queue.empty and not self._running:
            self._idle.notify_all()

    def _enqueue(self, t: Transfer) -> None:
        """Queue a QUEUED transfer (lock held); one whose group failed is skipped instead."""
        for skipped in self._run_queue.enqueue(t):
            self._skip_waiter(skipped)

    def _skip_waiter(self, t: Transfer) -> None:
        t.error = NOT_COPIED
        self._set_state(t, State.SKIPPED)

    def _loop_store(self, t: Transfer) -> LoopDataStore | None:
        """The store whose loop can run `t` start to end (lock held), or None: a worker thread."""
        if self._bandwidth.rate or not loop_jobs.runs_on_loop(t, self._settings):
            return None  # the bandwidth limit waits by blocking: worker threads only
        try:
            store = self._stores(t.account_id)
        except SpacesError:
            return None  # the worker-thread job reports it
        kind = type(store)
        capable = self._loop_types.get(kind)
        if capable is None:  # a Protocol isinstance check is slow: once per type
            capable = self._loop_types[kind] = isinstance(store, LoopDataStore)
        return store if capable else None  # type: ignore[return-value]

    def _start_on_loop(self, store: LoopDataStore, job: Coroutine[Any, Any, None]) -> bool:
        """Hand `job` to `store`'s loop (lock held); False when the loop is gone (closing)."""
        self._on_loop += 1
        try:
            store.run_soon(job)
        except RuntimeError:  # the loop was closed: the worker-thread job reports what follows
            self._on_loop -= 1
            job.close()
            return False
        return True

    def _is_light(self, t: Transfer) -> bool:
        """A small file the event loop moves: it may take a slot of its own (lock held)."""
        return self._loop_store(t) is not None

    def _context(self, t: Transfer, flag: StopFlag, progress: Progress) -> JobContext:
        other = t.source_account_id if t.source_account_id not in ("", t.account_id) else ""
        return JobContext(
            transfer=t, store=self._stores(t.account_id), journal=self._journal, local=self._local,
            flag=flag, settings=self._settings, bandwidth=self._bandwidth, part_pool=self._part_pool,
            progress=progress, save=lambda: self._save(t), gate=self._gate, part_limit=self._part_limit,
            source_store=self._stores(other) if other else None, relay_dir=self._relay_dir,
        )  # fmt: skip

    def _run(self, t: Transfer, flag: StopFlag, progress: Progress, job: Job) -> None:
        """Move one file or copy one object (worker thread) and record how it ended."""
        started = time.time()
        try:
            # RUNNING is not journaled: after a crash a running transfer is resumed paused anyway.
            JOBS[t.direction](self._context(t, flag, progress))
            error: Exception | None = None
        except Exception as exc:
            error = exc
        self._finish(t, flag, progress, job, error, on_loop=False, started=started)

    async def _run_on_loop(
        self, t: Transfer, store: LoopDataStore, flag: StopFlag, progress: Progress, job: Job
    ) -> None:
        """A small file as a coroutine on `store`'s loop (see loop_jobs), else on a worker thread."""
        started = time.time()
        try:
            ctx = self._context(t, flag, progress)
            if not await loop_jobs.run(ctx, store, self._loop_tools):
                await asyncio.wrap_future(self._file_pool.submit(JOBS[t.direction], ctx))
            error: Exception | None = None
        except Exception as exc:
            error = exc
        except asyncio.CancelledError:  # the loop is closing: the journal resumes it next time
            flag.stop("shutdown")
            error = TransferStopped("shutdown")
        try:
            self._finish(t, flag, progress, job, error, on_loop=True, started=started)
        finally:
            with self._lock:
                self._on_loop -= 1
                self._idle.notify_all()

    def _finish(
        self,
        t: Transfer,
        flag: StopFlag,
        progress: Progress,
        job: Job,
        exc: Exception | None,
        *,
        on_loop: bool,
        started: float,
    ) -> None:
        """Record how a file job ended (`exc`: what it raised) and start the next ones.

        `on_loop`: called on an event loop, so what blocks (aborting an upload, removing a
        `.part` file) goes to a worker thread. `started`: when the job began (time.time()).
        """
        outcome, error, stopped = State.DONE, "", False
        discard = self._discard if not on_loop else lambda d: self._file_pool.submit(self._discard, d)
        if isinstance(exc, TransferStopped):
            stopped = True
            outcome = {"pause": State.PAUSED, "cancel": State.CANCELLED}.get(flag.reason, State.PAUSED)
        elif isinstance(exc, SpacesError):
            outcome, error = State.FAILED, exc.message
            log.warning("%s of %s failed: %s %s", t.direction, t.key, exc.message, exc.detail)
            if t.upload_id and not isinstance(exc, RETRYABLE):
                # Its parts can never complete this object (the file changed, access was
                # refused…): abort now rather than leave an upload on the server.
                discard(t.copy())
                t.upload_id = ""
        elif exc is not None:  # a bug must fail one transfer, not kill the worker silently
            outcome, error = State.FAILED, f"Unexpected error: {exc}"
            log.error("%s of %s failed unexpectedly", t.direction, t.key, exc_info=exc)
        if outcome == State.CANCELLED:
            discard(t.copy())
            t.upload_id = ""
        with self._lock:
            self._run_queue.job_ended(job.lane, job.light)
            final = t.size if outcome == State.DONE else progress.done
            moved = max(0, final - self._running.pop(t.id).start_bytes)
            self._moved[t.direction] += moved
            if outcome == State.DONE:  # its average speed, however quickly it went
                t.run_started, t.run_ended, t.run_bytes = started, time.time(), moved
            t.bytes_done = 0 if outcome == State.CANCELLED else final
            t.error = error
            if stopped and flag.reason == "shutdown":
                self._changed.add(t.id)  # comes back paused on the next start, with its progress
                self._unjournaled[t.id] = t.copy()
            elif outcome == State.DONE and t.direction == Direction.MOVE and t.phase == COPIED:
                self._set_state(t, State.QUEUED)  # copied and verified: its source is next
                self._enqueue(t)
            else:
                self._set_state(t, outcome)
            self._pump()  # notifies wait_idle when nothing is left
            if self._watchers:
                self._idle.notify_all()
        if not on_loop:
            self._wake.set()  # journal the outcome soon, off this worker's path
        # A coroutine's outcome waits for the dispatcher's next batch (JOURNAL_BATCH_S) or
        # the next report, which writes it first: a wake-up per small file cost a journal
        # commit per file and a thread fighting the loop for the GIL.

    def _run_deletes(self, job: Job, flags: list[StopFlag]) -> None:
        """Delete what a batch of transfers deletes in one bucket (worker thread), one request.

        `flags` are the batch's stop flags, read without the engine's lock: the dispatcher
        may still hold it, starting the other batches of a big folder, and the first
        request need not wait for the last batch to be started.
        """
        batch = list(job.transfers)
        first = batch[0]
        place = deletes(first)
        assert place is not None
        outcomes: dict[str, tuple[TransferState, str]] = {}
        sendable: list[Transfer] = []
        for t, flag in zip(batch, flags, strict=True):
            if flag.stopped:  # paused or cancelled since it was started
                outcomes[t.id] = ({"cancel": State.CANCELLED}.get(flag.reason, State.PAUSED), "")
            else:
                sendable.append(t)
        if any(t.direction == Direction.MOVE for t in sendable):
            # The COPIED phase of these moves (recorded in batches) is on disk before their
            # sources go: a crash can never leave a deleted source with a copy not known as made.
            self.write_journal()
        try:
            store = self._stores(first.source_account_id or first.account_id)
            done = operation_jobs.delete_outcomes(
                store, place[0], sendable, self._settings, lambda: self._closed
            )
        except SpacesError as exc:  # no keys for the account (removed, or the secret not given)
            done = operation_jobs.all_failed(sendable, exc)
        outcomes.update(done)
        with self._lock:
            self._run_queue.job_ended(job.lane)
            for t in batch:
                self._running.pop(t.id, None)
                state, error = outcomes[t.id]
                t.error = error
                if state == State.DONE:
                    t.bytes_done = t.size
                if self._closed and state == State.PAUSED:
                    self._changed.add(t.id)
                    self._unjournaled[t.id] = t.copy()
                else:
                    self._set_state(t, state)
            self._pump()
            self._idle.notify_all()
        self._wake.set()

    def _discard(self, t: Transfer) -> None:
        """Remove what a cancelled transfer left: its multipart upload, its .part file."""
        try:
            if t.direction != Direction.DOWNLOAD and t.upload_id:
                self._stores(t.account_id).abort_multipart_upload(t.bucket, t.key, t.upload_id)
            if t.direction == Direction.DOWNLOAD:
                self._local.remove_part(t.local_path, tag=t.id)
            elif t.source_account_id not in ("", t.account_id):
                self._local.remove_part(operation_jobs.relay_file(self._relay_dir, t.id), tag=t.id)
            self._journal.clear_parts(t.id)
        except SpacesError as exc:
            log.warning("could not clean up after cancelling %s: %s %s", t.key, exc.message, exc.detail)

    def _save(self, t: Transfer) -> None:
        self._journal.update([t.copy()])
        with self._lock:
            self._changed.add(t.id)

    def _set_state(self, t: Transfer, state: TransferState) -> None:
        """Change a state (lock held); the dispatcher journals it within JOURNAL_BATCH_S."""
        old, t.state = t.state, state
        self._changed.add(t.id)
        if state != State.RUNNING:
            self._unjournaled[t.id] = t.copy()
        for skipped in self._run_queue.state_changed(t, old):
            self._skip_waiter(skipped)
