"""The rows behind the transfer queue model: a file, and a folder with its totals kept live.

Plain Python (no Qt): TransferModel owns them on the GUI thread.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacesgui.core.throughput import RowSpeed
from spacesgui.core.transfers import Transfer, TransferGroup, TransferState

State = TransferState
NOT_COUNTED = frozenset({State.SKIPPED, State.CANCELLED})  # left out of a group's bytes


@dataclass(eq=False, slots=True)
class FileRow:
    """One transfer's row; `group` is None for a top-level file."""

    transfer: Transfer
    group: GroupRow | None
    row: int = -1  # -1 until inserted
    tracker: RowSpeed | None = None  # from the first time it runs
    last_bytes: int = 0
    speed: float = 0.0  # live bytes/s as last measured; 0.0 unless running
    measured: float = 0.0  # when the speed was last measured (clock time)

    @property
    def running(self) -> bool:
        return self.transfer.state == State.RUNNING


@dataclass(eq=False, slots=True)
class GroupRow:
    """A folder transfer's row, with aggregates kept up to date file by file."""

    info: TransferGroup
    serial: int  # internalId of its children's indexes; never 0, never reused
    row: int = -1
    children: list[FileRow] = field(default_factory=list)
    size: int = 0
    bytes_done: int = 0
    counts: Counter[TransferState] = field(default_factory=Counter)
    tracker: RowSpeed | None = None  # fed the bytes of all its files, from the first that runs
    speed: float = 0.0  # live bytes/s as last measured; 0.0 unless a file runs
    measured: float = 0.0
    timed_rate: float = -1.0  # run_rate() worked out once; -1.0 until asked after a change

    def count(self, node: FileRow, sign: int) -> None:
        """Add (sign 1) or take away (sign -1) one file's state, size and bytes."""
        t = node.transfer
        self.timed_rate = -1.0
        self.counts[t.state] += sign
        size, done = contribution(t)
        self.size += sign * size
        self.bytes_done += sign * done

    @property
    def running(self) -> bool:
        return self.counts[State.RUNNING] > 0

    def run_rate(self) -> float:
        """Bytes per second from the first of its files' finishing runs to the last, as the
        engine timed them (files run side by side); 0.0 when none was timed."""
        if self.timed_rate < 0:
            runs = [c.transfer for c in self.children if c.transfer.run_bytes > 0]
            span = max((t.run_ended for t in runs), default=0.0) - min(
                (t.run_started for t in runs), default=0.0
            )
            moved = sum(t.run_bytes for t in runs)
            self.timed_rate = moved / span if runs and span > 0 else 0.0
        return self.timed_rate

    def state(self) -> TransferState:
        """One state that sums the files up: running wins, then queued, then paused."""
        counts = self.counts
        for state in (State.RUNNING, State.QUEUED, State.PAUSED, State.FAILED):
            if counts[state] > 0:
                return state
        if not self.children:
            return State.QUEUED  # announced before its files arrive
        if counts[State.DONE] == 0 and counts[State.CANCELLED] > 0:
            return State.CANCELLED
        return State.DONE


Row = FileRow | GroupRow


def planned(row: Row) -> tuple[float, str]:
    """When a row was queued, for the top level's order: its folder's plan, or its file's."""
    if isinstance(row, GroupRow):
        return row.info.created, ""
    return row.transfer.created, row.transfer.key


def contribution(t: Transfer) -> tuple[int, int]:
    if t.state in NOT_COUNTED:
        return 0, 0
    if t.state == State.DONE:
        return t.size, t.size
    return t.size, max(0, min(t.bytes_done, t.size) if t.size else t.bytes_done)


def row_id(node: Row) -> str:
    return node.info.id if isinstance(node, GroupRow) else node.transfer.id


def row_runs(rows: list[int], gap: int = 0) -> list[tuple[int, int]]:
    """(first, last) ranges of `rows`, ascending; rows up to `gap` apart share a range."""
    runs: list[tuple[int, int]] = []
    for row in sorted(set(rows)):
        if runs and row <= runs[-1][1] + 1 + gap:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
