"""What the engine starts next: two lanes of queued transfers, delete batches, and waiting groups.

Files (uploads, downloads) and operations on the server (copies, moves, deletes) queue in
lanes of their own, each with its own limit of jobs at once: a folder of 10,000 deletes
never holds up a download, and server-side work is not throttled like bytes on the wire.
Transfers that delete (a DELETE, or a MOVE whose copy is verified) are started together,
up to 1,000 of one bucket per job: one DeleteObjects request. They queue apart from the
rest of their lane and start first, so a move's deletions run while its other copies do
instead of after the last of them. The deletions of a move's sources come as its copies
finish, one by one; a batch of them smaller than HOLD_BELOW waits (HOLD_S at most) while
copies from the same bucket are still running, so that the copies that finish last do
not each send a DeleteObjects request of their own.

A transfer that `waits_for` a group (Replace: the target's other keys) is held until every
transfer of that group has finished; it then runs only if all of them were done or
skipped, and is skipped with the reason otherwise, so nothing is deleted before every copy
is verified.

Pure bookkeeping, no threads: the engine calls it with its lock held.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from spacesgui.core.transfers import COPIED, Direction, Transfer, TransferState, deletes, target_of

State = TransferState
Place = tuple[str, str]  # (account id, bucket)
MAX_BATCH = 1000  # keys in one DeleteObjects request
# A smaller batch of moves' deletions waits for running copies from its bucket: each request
# costs ~3 ms of CPU in boto3 before its keys (~0.05 ms each), so a 1,000-key rename sent
# its last 31 deletions as 31 requests (bench/operations.py). Bigger batches go at once, so
# the bulk of the deletions overlaps the copies: a 1,000-key rename sends about ten.
HOLD_BELOW = 100
# The longest such a batch waits (the engine pumps every 0.1 s): a big copy still running in
# the bucket must not keep small moves from finishing.
HOLD_S = 0.5
LIGHT_LOOKAHEAD = 64  # queued files looked at for light ones once the file slots are full
NOT_COPIED = (
    "Not deleted: not every file was copied (see the rows that failed or were cancelled), "
    "so the target folder was left as it was"
)


class Lane(StrEnum):
    FILES = "files"
    OPERATIONS = "operations"


def lane_of(t: Transfer) -> Lane:
    return Lane.OPERATIONS if t.direction.on_server else Lane.FILES


@dataclass(frozen=True, slots=True)
class Job:
    """Transfers to start as one job: one transfer, or a batch of deletes on one bucket."""

    lane: Lane
    transfers: tuple[Transfer, ...]
    light: bool = False  # a small file on the event loop, in a slot of its own (see next_jobs)

    @property
    def is_delete_batch(self) -> bool:
        return deletes(self.transfers[0]) is not None


class RunQueue:
    """See the module docstring. `transfers` is the engine's own map, read, never changed."""

    def __init__(
        self, transfers: Mapping[str, Transfer], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._transfers = transfers
        self._clock = clock
        self._lanes: dict[Lane, deque[str]] = {lane: deque() for lane in Lane}
        self._deleting: dict[Lane, deque[str]] = {lane: deque() for lane in Lane}  # started first
        self._jobs: Counter[Lane] = Counter()
        self._light_jobs = 0
        self._open: Counter[str] = Counter()  # group id → its unfinished transfers
        self._waiters: dict[str, list[str]] = {}  # group id → transfers waiting for it
        self._copying: Counter[Place] = Counter()  # place → moves copying from it now
        self._copy_places: dict[str, Place] = {}  # a running move's copy → its source's place
        self._held_since: dict[Place, float] = {}  # place → when its small batch began to wait

    # -- bookkeeping ----------------------------------------------------------------------

    @property
    def empty(self) -> bool:
        return (
            not any(self._lanes.values())
            and not any(self._deleting.values())
            and not any(self._waiters.values())
        )

    @property
    def startable(self) -> bool:
        """Whether anything waits in a lane (not for a group): next_jobs may find work."""
        return any(self._lanes.values()) or any(self._deleting.values())

    def clear(self) -> None:
        for queue in (*self._lanes.values(), *self._deleting.values()):
            queue.clear()
        self._waiters.clear()

    def added(self, t: Transfer) -> None:
        """A transfer came into the engine (planned, or restored from the journal)."""
        if t.group_id and not t.state.finished:
            self._open[t.group_id] += 1

    def state_changed(self, t: Transfer, old: TransferState) -> list[Transfer]:
        """`t` went from `old` to its state now; returns waiters of its group this skips."""
        self._track_copies(t, old)
        if not t.group_id or old.finished == t.state.finished:
            return []
        self._open[t.group_id] += -1 if t.state.finished else 1
        if self._open[t.group_id] <= 0:
            del self._open[t.group_id]
            return self._release(t.group_id)
        return []

    def enqueue(self, t: Transfer) -> list[Transfer]:
        """Queue a QUEUED transfer, or hold it for the group it waits for; returns it when it
        must be skipped instead (its group finished with failures)."""
        group = t.waits_for
        if group and self._open[group] > 0:
            self._waiters.setdefault(group, []).append(t.id)
            return []
        if group and not self._all_done(group):
            return [t]
        self._queue_of(t).append(t.id)
        return []

    def _queue_of(self, t: Transfer) -> deque[str]:
        return (self._deleting if deletes(t) else self._lanes)[lane_of(t)]

    def _release(self, group: str) -> list[Transfer]:
        waiting = [self._transfers[i] for i in self._waiters.pop(group, []) if i in self._transfers]
        if not waiting:
            return []
        if not self._all_done(group):
            return waiting
        for t in waiting:
            if t.state == State.QUEUED:
                self._queue_of(t).append(t.id)
        return []

    def _track_copies(self, t: Transfer, old: TransferState) -> None:
        """Count the moves whose copy runs, by the place their source will be deleted from."""
        if t.state == State.RUNNING and old != State.RUNNING:
            if t.direction == Direction.MOVE and t.phase != COPIED:
                place = (t.source_account_id or t.account_id, t.source_bucket)
                self._copy_places[t.id] = place
                self._copying[place] += 1
        elif old == State.RUNNING and t.state != State.RUNNING:
            found = self._copy_places.pop(t.id, None)
            if found is not None:
                self._copying[found] -= 1
                if self._copying[found] <= 0:
                    del self._copying[found]

    def _all_done(self, group: str) -> bool:
        return all(
            t.state in (State.DONE, State.SKIPPED) for t in self._transfers.values() if t.group_id == group
        )

    # -- starting -------------------------------------------------------------------------

    def next_jobs(
        self, limits: Mapping[Lane, int], busy: set[tuple[str, ...]],
        light: Callable[[Transfer], bool] | None = None, light_limit: int = 0,
    ) -> list[Job]:  # fmt: skip
        """The jobs to start now, within `limits` of jobs per lane; `busy` (targets being
        written) grows with theirs. Never two transfers on one target at once.

        Files for which `light` is true (small ones the event loop moves, no thread each)
        may also take one of `light_limit` slots of their own once their lane is full; the
        queue is searched for them LIGHT_LOOKAHEAD files deep, so a long queue of big files
        costs no walk through all of it at every start.
        """
        jobs: list[Job] = []
        for lane in Lane:
            for queue in (self._deleting[lane], self._lanes[lane]):
                lights = light if lane == Lane.FILES and queue is self._lanes[lane] else None
                self._start(lane, queue, limits[lane], busy, jobs, lights, light_limit)
        return jobs

    def _start(
        self, lane: Lane, queue: deque[str], limit: int, busy: set[tuple[str, ...]], jobs: list[Job],
        light: Callable[[Transfer], bool] | None = None, light_limit: int = 0,
    ) -> None:  # fmt: skip
        """Add to `jobs` what `queue` can start while `lane` has fewer than `limit` jobs (and
        light files while fewer than `light_limit` light ones run; see next_jobs)."""
        deferred: list[str] = []
        passed = 0  # files passed over while looking for light ones
        while queue and (
            self._jobs[lane] < limit
            or (light is not None and self._light_jobs < light_limit and passed < LIGHT_LOOKAHEAD)
        ):
            t = self._transfers.get(queue.popleft())
            if t is None or t.state != State.QUEUED:
                continue
            if target_of(t) in busy:
                deferred.append(t.id)
                continue
            is_light = self._jobs[lane] >= limit and light is not None and light(t)
            if self._jobs[lane] >= limit and not is_light:
                deferred.append(t.id)
                passed += 1
                continue
            batch = [t, *self._same_deletes(queue, t, busy)] if deletes(t) else [t]
            if self._held(batch):
                deferred += [b.id for b in batch]
                continue
            busy.update(target_of(b) for b in batch)
            if is_light:
                self._light_jobs += 1
            else:
                self._jobs[lane] += 1
            jobs.append(Job(lane, tuple(batch), is_light))
        queue.extendleft(reversed(deferred))

    def _held(self, batch: list[Transfer]) -> bool:
        """Whether a batch of deletions waits for more (see HOLD_BELOW); starts its clock if so."""
        place = _delete_place(batch[0])
        if place is None:
            return False
        if (
            len(batch) >= HOLD_BELOW
            or not self._copying[place]
            or any(t.direction != Direction.MOVE for t in batch)  # a Delete the user asked for goes at once
        ):
            self._held_since.pop(place, None)
            return False
        now = self._clock()
        if now - self._held_since.setdefault(place, now) < HOLD_S:
            return True
        del self._held_since[place]
        return False

    def _same_deletes(self, queue: deque[str], first: Transfer, busy: set[tuple[str, ...]]) -> list[Transfer]:
        """Take from `queue` up to 999 more queued transfers that delete in `first`'s bucket.

        Stops at the 999th: a folder of 10,000 is not walked once per batch.
        """
        where = _delete_place(first)
        taken: list[Transfer] = []
        passed: list[str] = []  # left in the queue, in their order
        while queue and len(taken) < MAX_BATCH - 1:
            transfer_id = queue.popleft()
            t = self._transfers.get(transfer_id)
            if t is None or t.state != State.QUEUED:
                continue  # what next_jobs would drop too
            if _delete_place(t) == where and target_of(t) not in busy:
                taken.append(t)
            else:
                passed.append(transfer_id)
        queue.extendleft(reversed(passed))
        return taken

    def job_ended(self, lane: Lane, light: bool = False) -> None:
        if light:
            self._light_jobs -= 1
        else:
            self._jobs[lane] -= 1

    def running_jobs(self) -> int:
        return sum(self._jobs.values()) + self._light_jobs


def _delete_place(t: Transfer) -> tuple[str, str] | None:
    """(account id, bucket) a transfer deletes in next, or None."""
    found = deletes(t)
    if found is None:
        return None
    account = t.source_account_id or t.account_id
    return account, found[0]
