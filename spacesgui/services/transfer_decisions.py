"""Settle a plan's conflicts before it is queued: ask (or apply the policy), then skip or rename.

Two kinds of conflict, settled in this order:
1. sources of one upload that map to one key (core/shared_keys.py): the later source
   against the one that holds the key so far; "Overwrite" hands the key to the later one;
2. targets that exist already (on the server, on disk, or as the target of an unfinished
   transfer in the queue), for the transfers still holding their target after step 1.

`settle` runs on the GUI thread (it awaits the UI's questions); `apply` renames on a
worker thread, since finding a free name may ask the server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from spacesgui.core.conflicts import ConflictPolicy, Resolution, Side, renamed_key, resolve
from spacesgui.core.local_ports import LocalFiles
from spacesgui.core.ports import ObjectStore
from spacesgui.core.shared_keys import (
    SharedKeyOutcome,
    Source,
    decide,
    note,
    outcome_of,
    skip_reason,
)
from spacesgui.core.transfers import Direction, Transfer, TransferState, target_of
from spacesgui.services.transfer_planner import Conflict, Plan


@dataclass(frozen=True, slots=True)
class ConflictAnswer:
    policy: ConflictPolicy  # never ASK
    apply_to_all: bool


# The UI's way to ask about one conflict; None means "cancel the whole transfer".
AskConflict = Callable[[Conflict, int], Awaitable[ConflictAnswer | None]]
# The conflict with the local side's MD5 filled in (hashing runs on a worker thread).
FillMd5 = Callable[[Conflict], Awaitable[Conflict]]


@dataclass
class Decisions:
    """What `settle` decided, for `apply`."""

    resolutions: dict[str, Resolution] = field(default_factory=dict)  # transfer id → skip / rename
    skip_texts: dict[str, str] = field(default_factory=dict)  # transfer id → the Status text
    shared: list[tuple[Source, Source, SharedKeyOutcome]] = field(default_factory=list)


def add_queue_conflicts(plan: Plan, queued: dict[tuple[str, ...], Transfer]) -> None:
    """A target an unfinished transfer will write (`queued`: target → that transfer) conflicts
    too; the conflict names that transfer, since nothing is at the target yet.

    Only for a plan that writes names: Make Private pressed while a Make Public of the same
    files was still finishing asked about a conflict an access change cannot have, and failed.
    A delete of a name whose upload is still queued asks nothing either: both are queued, and
    the engine never runs two transfers of one name at once.
    """
    known = {c.transfer.id for c in plan.conflicts}
    for t in plan.transfers:
        if not t.direction.writes_name:
            continue
        other = queued.get(target_of(t))
        if other is not None and t.id not in known and t.state == TransferState.QUEUED:
            # A queued delete or access change does not write the name: the object is there.
            writes = other.direction.writes_name
            plan.conflicts.append(
                Conflict(t, _local_side(t), _local_side(other), queued=other if writes else None)
            )
            plan.taken.add(t.local_path if t.direction == Direction.DOWNLOAD else t.key)


def _local_side(t: Transfer) -> Side:
    """A transfer's size, and the modification time of its local file when it has one."""
    return Side(t.size, t.local_mtime_ns / 1e9 if t.direction == Direction.UPLOAD else 0.0)


async def settle(plan: Plan, policy: ConflictPolicy, ask: AskConflict, fill_md5: FillMd5) -> Decisions | None:
    """Decide every conflict of `plan` (GUI thread); None when the user cancelled it all."""
    decisions = Decisions()
    if not await _settle_shared(plan, policy, ask, decisions):
        return None
    renamed = {i for i, r in decisions.resolutions.items() if r == Resolution.RENAME}
    # Step 1 skipped or renamed some sources; the server's copy is the business of the
    # source that now holds each key.
    open_conflicts = [
        c for c in plan.conflicts if c.transfer.state == TransferState.QUEUED and c.transfer.id not in renamed
    ]
    settled = await _settle_existing(open_conflicts, policy, ask, fill_md5, decisions)
    return decisions if settled else None


async def _settle_shared(plan: Plan, policy: ConflictPolicy, ask: AskConflict, decisions: Decisions) -> bool:
    by_id = {t.id: t for t in plan.transfers}
    remaining = sum(len(group) - 1 for group in plan.shared)
    for group in plan.shared:
        holder = group[0]
        for later in group[1:]:
            resolution = decide(policy, later, holder)
            if resolution == Resolution.ASK:
                conflict = Conflict(by_id[later.id], later.side, holder.side, (later, holder))
                answer = await ask(conflict, remaining)
                if answer is None:
                    return False
                if answer.apply_to_all:
                    policy = answer.policy
                resolution = decide(answer.policy, later, holder)
            remaining -= 1
            outcome = outcome_of(resolution, later, holder)
            decisions.shared.append((later, holder, outcome))
            if outcome == SharedKeyOutcome.REPLACES:
                _skip(by_id[holder.id], skip_reason(outcome, later))
                holder = later
            elif outcome == SharedKeyOutcome.RENAMED:
                decisions.resolutions[later.id] = Resolution.RENAME
            else:
                _skip(by_id[later.id], skip_reason(outcome, holder))
    return True


async def _settle_existing(
    conflicts: list[Conflict], policy: ConflictPolicy, ask: AskConflict, fill_md5: FillMd5,
    decisions: Decisions,
) -> bool:  # fmt: skip
    for index, conflict in enumerate(conflicts):
        chosen = policy
        if policy == ConflictPolicy.ASK:
            answer = await ask(conflict, len(conflicts) - index)
            if answer is None:
                return False
            if answer.apply_to_all:
                policy = answer.policy
            chosen = answer.policy
        if chosen == ConflictPolicy.OVERWRITE_IF_DIFFERENT and _md5_would_tell(conflict):
            conflict = await fill_md5(conflict)
        resolution = resolve(chosen, conflict.source, conflict.target)
        t = conflict.transfer
        decisions.resolutions[t.id] = resolution
        if resolution == Resolution.SKIP:
            decisions.skip_texts[t.id] = _existing_skip_text(chosen, conflict)
    return True


def _md5_would_tell(conflict: Conflict) -> bool:
    """Same sizes, and only one side's MD5 known: hashing the local file settles it; or
    neither known, with an upload queued earlier: both files are here to hash."""
    source, target = conflict.source, conflict.target
    if source.size != target.size:
        return False
    queued = conflict.queued
    if queued is not None and queued.direction == Direction.UPLOAD and not target.md5_hex:
        return True
    return bool(source.md5_hex) != bool(target.md5_hex)


def _existing_skip_text(policy: ConflictPolicy, conflict: Conflict) -> str:
    """Why a transfer whose target exists was skipped, as truthfully as what is known allows."""
    queued = conflict.queued is not None  # nothing exists there yet: a transfer queued will write it
    if policy != ConflictPolicy.OVERWRITE_IF_DIFFERENT:
        return "Skipped: already in the queue" if queued else "Skipped: it already exists"
    source, target = conflict.source, conflict.target
    if source.md5_hex and target.md5_hex:
        return "Skipped: identical to one already in the queue" if queued else "Skipped: identical"
    if queued:
        return "Skipped: same size, and not newer than the one already in the queue"
    return "Skipped: same size, and not newer than the existing one"


def _skip(t: Transfer, text: str) -> None:
    t.state, t.error = TransferState.SKIPPED, text


def apply(plan: Plan, decisions: Decisions, store: ObjectStore, local: LocalFiles) -> None:
    """Skip or rename per decision, then list what became of shared keys (worker thread)."""
    # A renamed file must not take a name another file of this same plan will use.
    plan.taken.update(t.local_path if t.direction == Direction.DOWNLOAD else t.key for t in plan.transfers)
    by_id = {t.id: t for t in plan.transfers}
    for t in plan.transfers:
        resolution = decisions.resolutions.get(t.id)
        if resolution == Resolution.SKIP:
            _skip(t, decisions.skip_texts.get(t.id, "Skipped: it already exists"))
        elif resolution == Resolution.RENAME and t.direction != Direction.DOWNLOAD:

            def key_taken(key: str, bucket: str = t.bucket) -> bool:
                return key in plan.taken or store.head_object(bucket, key) is not None

            t.key = renamed_key(t.key, key_taken)
            plan.taken.add(t.key)
        elif resolution == Resolution.RENAME:

            def path_taken(path: str) -> bool:
                return path in plan.taken or local.exists(path) is not None

            t.local_path = renamed_key(t.local_path.replace("\\", "/"), path_taken)
            plan.taken.add(t.local_path)
    bucket = plan.transfers[0].bucket if plan.transfers else ""
    for later, holder, outcome in decisions.shared:
        renamed_to = by_id[later.id].key if outcome == SharedKeyOutcome.RENAMED else ""
        plan.notes.append(note(later, holder, outcome, bucket, renamed_to))
