"""What finished deletes, renames and moves do to a search's results. Pure Python.

The results are a snapshot of one listing; an operation run from them (or from the object
view) changes the Space under them. `result_changes` reads the transfers the engine
finished and says which shown keys are gone and which moved where, so the list follows
at once instead of showing rows that are no longer there.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from spacesgui.core.transfers import Direction, Transfer, TransferState


@dataclass(frozen=True, slots=True)
class MovedTo:
    """Where a shown key went: its new key in the same Space, and its size."""

    key: str
    size: int


@dataclass(slots=True)
class ResultChanges:
    """Keys of one Space that are gone, and keys that moved (old key → where it went)."""

    gone: set[str] = field(default_factory=set)
    moved: dict[str, MovedTo] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.gone or self.moved)


def result_changes(transfers: Iterable[Transfer], account_id: str, bucket: str) -> ResultChanges:
    """The changes finished `transfers` made to keys of `bucket` (of `account_id`).

    A delete takes the key away. A move (a rename is one) takes its source away, or, when it
    stays in the same Space, moves it. Copies and uploads add keys the listing did not
    match: the results show what was searched, so those are left out.
    """
    changes = ResultChanges()
    for t in transfers:
        if t.state != TransferState.DONE:
            continue
        if t.direction == Direction.DELETE and (t.account_id, t.bucket) == (account_id, bucket):
            changes.gone.add(t.key)
            changes.moved.pop(t.key, None)
        elif t.direction == Direction.MOVE:
            source_account = t.source_account_id or t.account_id
            if (source_account, t.source_bucket) != (account_id, bucket):
                continue
            if (t.account_id, t.bucket) == (account_id, bucket):
                changes.moved[t.source_key] = MovedTo(t.key, t.size)
            else:
                changes.gone.add(t.source_key)
    return changes


def touched_folders(folders: Collection[str], changes: ResultChanges) -> dict[str, str]:
    """Which shown folders (keys ending in "/") had keys taken out of them by `changes`:
    folder → the folder it seems renamed or moved to ("" when its keys went elsewhere or
    were deleted). Whether anything is left in one is the server's to say (the results
    do not know every key in a folder); a folder's own placeholder is followed as a key.
    """
    touched: dict[str, str] = {}
    if not folders:
        return touched
    moves: list[tuple[str, str]] = [(old, to.key) for old, to in changes.moved.items()]
    for old, new in [*((key, "") for key in changes.gone), *moves]:
        slash = old.find("/")
        while slash != -1 and slash < len(old) - 1:  # each folder above `old`, not `old` itself
            folder = old[: slash + 1]
            if folder in folders:
                rest = old[len(folder) :]
                moved_to = new[: len(new) - len(rest)] if new.endswith(rest) else ""
                if moved_to.endswith("/") and not touched.get(folder):
                    touched[folder] = moved_to
                else:
                    touched.setdefault(folder, "")
            slash = old.find("/", slash + 1)
    return touched


def row_runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Ascending rows as (first, last) runs of neighbours: [1, 2, 3, 7] → [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for row in sorted(rows):
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
