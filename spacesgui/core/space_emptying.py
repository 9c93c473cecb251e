"""Emptying a Space before it is deleted: the question's words, and the tally of its deletes.

A Space is deleted only once every delete that empties it is done. The tally follows those
deletes as the queue reports them (a failed one may be retried and finish later) and says,
once none is left running or waiting, which keys are still on the server and why. Pure
values and bookkeeping; the caller feeds it on one thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacesgui.core.formatting import human_count, human_size
from spacesgui.core.transfers import Transfer, TransferState

State = TransferState
# How many keys the banner names when some could not be deleted; the panel lists all.
NAMED_LEFTOVERS = 3
NOT_DELETED = "Not deleted:"  # how the engine starts the error of a key the server refused


@dataclass(frozen=True, slots=True)
class Leftover:
    """A key a delete did not remove: how its delete ended and why, in words."""

    key: str
    state: TransferState
    reason: str


class EmptyingTally:
    """The deletes that empty one Space, by transfer id: which are still to finish, how each ended."""

    def __init__(self, transfers: Iterable[Transfer]) -> None:
        self._last: dict[str, Leftover] = {t.id: Leftover(t.key, t.state, t.error) for t in transfers}
        self._unfinished = {i for i, left in self._last.items() if not left.state.finished}

    def __contains__(self, transfer_id: object) -> bool:
        return transfer_id in self._last

    @property
    def total(self) -> int:
        return len(self._last)

    @property
    def finished(self) -> bool:
        """Whether no delete is queued, running or paused any more."""
        return not self._unfinished

    def update(self, t: Transfer) -> None:
        """Take the queue's latest snapshot of one of the deletes (others are ignored)."""
        if t.id not in self._last:
            return
        self._last[t.id] = Leftover(t.key, t.state, t.error)
        if t.state.finished:
            self._unfinished.discard(t.id)
        else:
            self._unfinished.add(t.id)  # a failed delete retried: wait for it again

    def removed(self, transfer_id: str) -> None:
        """The delete left the queue (Clear, Remove): an unfinished one was cancelled by it."""
        last = self._last.get(transfer_id)
        if last is None or transfer_id not in self._unfinished:
            return
        self._unfinished.discard(transfer_id)
        self._last[transfer_id] = Leftover(last.key, State.CANCELLED, "removed from the queue")

    def leftovers(self) -> list[Leftover]:
        """Every key whose delete ended otherwise than done, in plan order."""
        return [left for left in self._last.values() if left.state != State.DONE]


def empty_space_question(bucket: str, objects: int, size: int) -> str:
    """“photos” holds 12,408 objects, 3.1 GB. Delete them all and then the Space?"""
    what = "it" if objects == 1 else "them all"
    return (
        f"“{bucket}” holds {human_count(objects, 'object')}, {human_size(size)}. "
        f"Delete {what} and then the Space?"
    )


def uploads_choice(uploads: int) -> str:
    """The check box that offers to abort the Space's incomplete uploads."""
    return (
        f"Also abort its {human_count(uploads, 'incomplete upload')} "
        "(unfinished uploads keep a Space from being deleted)"
    )


def leftover_reason(left: Leftover) -> str:
    """Why one key is still there, in a few words."""
    if left.state == State.FAILED:
        reason = left.reason.strip()
        if reason.startswith(NOT_DELETED):
            reason = reason[len(NOT_DELETED) :].strip()
        return reason.rstrip(".") or "the server refused it"  # it goes in parentheses
    if left.state == State.CANCELLED:
        return left.reason or "cancelled"
    return left.reason or str(left.state.value)


def not_deleted_text(bucket: str, leftovers: Sequence[Leftover], total: int) -> tuple[str, str]:
    """(title, message) for a Space kept because some of its keys could not be deleted."""
    by_reason: dict[str, list[str]] = {}  # the same reason is said once, after its keys
    for left in leftovers[:NAMED_LEFTOVERS]:
        by_reason.setdefault(leftover_reason(left), []).append(f"“{left.key}”")
    named = "; ".join(f"{', '.join(keys)} ({reason})" for reason, keys in by_reason.items())
    more = len(leftovers) - NAMED_LEFTOVERS
    if more > 0:
        named += f" and {more:,} more"
    return (
        f"The Space “{bucket}” was not deleted",
        f"{len(leftovers):,} of its {human_count(total, 'object')} could not be deleted: {named}. "
        "The Transfers panel lists each; retry them there, then choose Delete Space again.",
    )


__all__ = [
    "EmptyingTally",
    "Leftover",
    "empty_space_question",
    "leftover_reason",
    "not_deleted_text",
    "uploads_choice",
]
