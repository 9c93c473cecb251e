"""The transfer engine: a queue of files, worker threads that move them, and the journal.

No Qt here. Public methods are called from the GUI thread (or a test) and return at
once; the work runs on two pools of worker threads: one job per file, and a shared
pool for the parts of big files. `take_changes()` hands the GUI what changed since the
last call, so the queue repaints on a timer instead of once per chunk.

Order of durability: a transfer is journaled before it is queued, a multipart upload's
id before its first part, each part as soon as the server has it.

This module is what callers use: settings, the queue and its totals, the user's actions.
The dispatcher, the workers and how a job's end is recorded are in job_runner.py
(JobRunner, which TransferEngine extends).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from spacesgui.core.errors import SpacesError
from spacesgui.core.local_files import part_path
from spacesgui.core.transfer_settings import EngineSettings
from spacesgui.core.transfers import (
    Direction,
    Totals,
    Transfer,
    TransferGroup,
    TransferState,
    target_of,
)
from spacesgui.engine.job_runner import JobRunner
from spacesgui.engine.run_queue import MAX_BATCH

log = logging.getLogger(__name__)

# A coroutine notices a stop at its next check, at the latest when its request is answered
# or times out.
LOOP_STOP_S = 30.0
# Transfers journaled and queued at once by `add`: one DeleteObjects request's worth.
ADD_CHUNK = MAX_BATCH

State = TransferState


class TransferEngine(JobRunner):
    """Runs transfers; thread-safe. See the module docstring for which thread does what."""

    # ------------------------------------------------------------ settings

    @property
    def settings(self) -> EngineSettings:
        return self._settings

    def apply_settings(self, settings: EngineSettings) -> None:
        """Use new settings for parts and files started from now on."""
        settings = settings.checked()
        with self._lock:
            self._settings = settings
            self._bandwidth.set_rate(settings.bandwidth_limit)
            self._part_limit.set_limit(settings.parallel_parts)
        self._wake.set()

    # ------------------------------------------------------------ queue

    def restore(self) -> tuple[list[TransferGroup], list[Transfer]]:
        """Load the journal: what was unfinished comes back paused, showing the bytes it
        really has. Call once at start."""
        groups, transfers = self._journal.load()
        for t in transfers:
            if t.state == State.PAUSED and t.direction == Direction.DOWNLOAD and not t.part_size:
                t.bytes_done = self._streamed_bytes(t)
        self._register(groups, transfers)  # nothing comes back queued: no work starts
        return groups, [t.copy() for t in transfers]

    def _streamed_bytes(self, t: Transfer) -> int:
        """What a download streamed in one piece left in its .part file (it resumes from there)."""
        try:
            found = self._local.exists(part_path(t.local_path, t.id))
        except SpacesError:
            return 0
        return min(t.size, found.size) if found is not None else 0

    def reassign(self, ids: Iterable[str], account_id: str) -> None:
        """Give transfers to another account (one with the same keys for the same server)."""
        with self._lock:
            for transfer_id in ids:
                t = self._transfers.get(transfer_id)
                if t is not None and transfer_id not in self._running:
                    t.account_id = account_id
                    self._changed.add(transfer_id)
                    self._unjournaled[transfer_id] = t.copy()
        self._wake.set()

    def add(self, groups: list[TransferGroup], transfers: list[Transfer]) -> None:
        """Journal then queue `transfers` (QUEUED ones start as workers free up).

        A long list goes ADD_CHUNK at a time, each journaled before it is queued, so the
        first DeleteObjects request (a whole chunk) is out while the rest is journaled:
        journaling 10,000 deletes takes ~60 ms. Not when a transfer waits for a group
        (Replace): the group must be whole before it can be seen to have finished.
        """
        chunk = len(transfers)
        if len(transfers) > ADD_CHUNK and not any(t.waits_for for t in transfers):
            chunk = ADD_CHUNK
        for start in range(0, max(len(transfers), 1), max(chunk, 1)):
            part = transfers[start : start + chunk]
            with_groups = groups if start == 0 else []
            self._journal.add(with_groups, part)
            self._register(with_groups, part)
            self._wake.set()

    def _register(self, groups: list[TransferGroup], transfers: list[Transfer]) -> None:
        """Take `groups` and `transfers` into the queue; QUEUED ones wait for a worker."""
        with self._lock:
            for group in groups:
                self._groups[group.id] = group
            for transfer in transfers:
                self._transfers[transfer.id] = transfer
                self._changed.add(transfer.id)
                self._run_queue.added(transfer)
            for transfer in transfers:
                if transfer.state == State.QUEUED:
                    self._enqueue(transfer)

    def group(self, group_id: str) -> TransferGroup | None:
        with self._lock:
            return self._groups.get(group_id)

    def transfer(self, transfer_id: str) -> Transfer | None:
        with self._lock:
            found = self._transfers.get(transfer_id)
            return self._snapshot(found) if found else None

    def transfers(self) -> list[Transfer]:
        with self._lock:
            return [self._snapshot(t) for t in self._transfers.values()]

    def take_changes(self) -> list[Transfer]:
        """Copies of the transfers that changed (running ones always do) since the last call."""
        with self._lock:
            ids = self._changed | self._running.keys()
            self._changed = set()
            return [self._snapshot(self._transfers[i]) for i in ids if i in self._transfers]

    def totals(self) -> Totals:
        with self._lock:
            active = [t for t in self._transfers.values() if t.state.active]
            done = sum(self._progress_of(t) for t in active)
            return Totals(
                active=len(active),
                running=len(self._running),
                failed=sum(1 for t in self._transfers.values() if t.state == State.FAILED),
                paused=sum(1 for t in self._transfers.values() if t.state == State.PAUSED),
                bytes_done=done,
                bytes_total=sum(t.size for t in active),
                uploaded=self._moved_by(Direction.UPLOAD),
                downloaded=self._moved_by(Direction.DOWNLOAD),
            )

    def _moved_by(self, direction: Direction) -> int:
        """Bytes moved `direction` since the engine started, running transfers included (lock held)."""
        running = sum(
            max(0, running.progress.done - running.start_bytes)
            for i, running in self._running.items()
            if self._transfers[i].direction == direction
        )
        return self._moved[direction] + running

    def yield_to_gui(self, seconds: float) -> None:
        """Hold back new requests for `seconds` so the GUI thread gets the GIL to repaint.

        Every Python call Qt makes while painting must win the GIL back from the worker
        threads, which spend much of each small request in botocore's Python code; a
        short pause after each progress flush lets the repaint run at full speed.
        """
        self._gui_until = time.monotonic() + seconds

    def active_targets(self) -> dict[tuple[str, ...], int]:
        """What unfinished transfers will write (see target_of), with their sizes, for conflict checks."""
        with self._lock:
            return {target_of(t): t.size for t in self._transfers.values() if not t.state.finished}

    def active_count(self) -> int:
        """Transfers queued or running now."""
        with self._lock:
            return sum(1 for t in self._transfers.values() if t.state.active)

    def account_ids(self, ids: Iterable[str]) -> set[str]:
        """The accounts the transfers `ids` need keys of (a copy between accounts: both)."""
        with self._lock:
            found = [self._transfers[i] for i in ids if i in self._transfers]
            return {t.account_id for t in found} | {t.source_account_id for t in found if t.source_account_id}

    def all_finished(self, ids: Iterable[str]) -> bool:
        with self._lock:
            return all(i not in self._transfers or self._transfers[i].state.finished for i in ids)

    def wait_finished(self, ids: Iterable[str], timeout: float | None = None) -> bool:
        """Block until every transfer in `ids` has finished (done, failed, cancelled or skipped)."""
        wanted = list(ids)

        def finished() -> bool:
            return all(i not in self._transfers or self._transfers[i].state.finished for i in wanted)

        with self._idle:
            self._watchers += 1
            try:
                return self._idle.wait_for(finished, timeout)
            finally:
                self._watchers -= 1

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until nothing is queued or running (for tests, benchmarks and the CLI)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._run_queue.empty and not self._running, timeout)

    # ------------------------------------------------------------ user actions

    def pause(self, ids: Iterable[str]) -> None:
        with self._lock:
            for transfer_id in ids:
                t = self._transfers.get(transfer_id)
                if t is None:
                    continue
                if transfer_id in self._running:
                    self._running[transfer_id].flag.stop("pause")
                elif t.state == State.QUEUED:
                    self._set_state(t, State.PAUSED)
        self._wake.set()

    def resume(self, ids: Iterable[str]) -> None:
        with self._lock:
            for transfer_id in ids:
                t = self._transfers.get(transfer_id)
                if t is not None and t.state == State.PAUSED and transfer_id not in self._running:
                    self._set_state(t, State.QUEUED)
                    self._enqueue(t)
        self._wake.set()

    def retry(self, ids: Iterable[str]) -> None:
        """Queue failed or cancelled transfers again (a failed multipart upload keeps its parts)."""
        with self._lock:
            for transfer_id in ids:
                t = self._transfers.get(transfer_id)
                if t is None or transfer_id in self._running:
                    continue
                if t.state in (State.FAILED, State.CANCELLED):
                    t.error = ""
                    t.restat = True
                    t.bytes_done = 0 if t.state == State.CANCELLED else t.bytes_done
                    self._set_state(t, State.QUEUED)
                    self._enqueue(t)
        self._wake.set()

    def cancel(self, ids: Iterable[str]) -> None:
        """Stop and discard: multipart uploads are aborted on the server, `.part` files removed."""
        cleanups: list[Transfer] = []
        with self._lock:
            for transfer_id in ids:
                t = self._transfers.get(transfer_id)
                if t is None or t.state in (State.DONE, State.CANCELLED, State.SKIPPED):
                    continue
                if transfer_id in self._running:
                    self._running[transfer_id].flag.stop("cancel")
                    continue
                cleanups.append(t.copy())
                t.upload_id = ""
                t.bytes_done = 0
                self._set_state(t, State.CANCELLED)
        self._wake.set()
        for t in cleanups:
            self._file_pool.submit(self._discard, t)

    def remove_finished(self, ids: Iterable[str]) -> list[str]:
        """Forget the finished transfers among `ids` (Remove from List, Clear Finished);
        returns the ids forgotten. Unfinished ones, and one still winding down after its
        cancel, are left as they are. A failed one's leftovers (its parts on the server, its
        .part file) are discarded."""
        with self._lock:
            gone = [
                i
                for i in ids
                if i in self._transfers and i not in self._running and self._transfers[i].state.finished
            ]
            leftovers = [self._transfers[i].copy() for i in gone if self._transfers[i].state == State.FAILED]
            for transfer_id in gone:
                del self._transfers[transfer_id]
                self._changed.discard(transfer_id)
                self._unjournaled.pop(transfer_id, None)
            used = {t.group_id for t in self._transfers.values()}
            empty_groups = [g for g in self._groups if g not in used]
            for group_id in empty_groups:
                del self._groups[group_id]
        for t in leftovers:  # a failed upload's parts, a failed download's .part file
            self._file_pool.submit(self._discard, t)
        self._journal.remove(gone, empty_groups)
        return gone

    def shutdown(self) -> None:
        """Stop every running transfer where it is (the journal keeps it for next time)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._run_queue.clear()
            for running in self._running.values():
                running.flag.stop("shutdown")
        self._wake.set()
        self._dispatcher.join()
        with self._idle:  # coroutines end on their loop; each stops at its next check
            if not self._idle.wait_for(lambda: not self._on_loop, LOOP_STOP_S):
                log.warning("%d small transfers did not stop in time; they resume next start", self._on_loop)
        self._file_pool.shutdown(wait=True)
        self._part_pool.shutdown(wait=True)
        self._commit_pool.shutdown(wait=True)
        self.write_journal()  # what the last workers recorded as they stopped

    # ------------------------------------------------------------ snapshots

    def _progress_of(self, t: Transfer) -> int:
        running = self._running.get(t.id)
        return running.progress.done if running else t.bytes_done

    def _snapshot(self, t: Transfer) -> Transfer:
        copy = t.copy()
        copy.bytes_done = max(0, min(t.size, self._progress_of(t)))
        return copy
