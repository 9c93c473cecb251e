"""Deletes, copies, moves and renames, planned here and run by the transfer engine.

Every method is called on the GUI thread. Planning (listing folders, looking for what
exists at the target) runs on the task runner's workers; the plan is then settled like an
upload's (conflicts asked or decided by the policy, Merge or Replace asked for folders)
and queued in the transfer engine, which journals it, runs it in the transfer process and
reports it in the Transfers panel like any transfer. Signals: none of its own; progress
and `objects_changed` come from TransferService.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QObject

from spacesgui.core.errors import NotSupported
from spacesgui.core.formatting import human_count
from spacesgui.core.keys import parent
from spacesgui.core.listing import ObjectRef
from spacesgui.core.transfers import PRIVATE, PUBLIC_READ, Direction, TransferState
from spacesgui.services.account_service import AccountService
from spacesgui.services.operation_planner import (
    CopySource,
    Counted,
    EitherStop,
    FolderMerge,
    OperationPlan,
    StopSignal,
    plan_access,
    plan_copy,
    plan_delete,
    replace_cleanup,
)
from spacesgui.services.runner import TaskRunner
from spacesgui.services.transfer_decisions import AskConflict, ConflictAnswer
from spacesgui.services.transfer_planner import Conflict
from spacesgui.services.transfer_service import TransferService

log = logging.getLogger(__name__)


async def _no_conflicts(conflict: Conflict, remaining: int) -> ConflictAnswer | None:
    raise AssertionError("an access change has no conflicts to ask about")


class FolderChoice(StrEnum):
    MERGE = "merge"  # copy into it; files that exist in both are conflicts, settled one by one
    REPLACE = "replace"  # copy into it, then delete its other files once every copy is verified


@dataclass(frozen=True, slots=True)
class FolderAnswer:
    choice: FolderChoice
    apply_to_all: bool


# The UI's question for a folder onto a folder of the same name; None cancels everything.
AskFolder = Callable[[FolderMerge, int], Awaitable[FolderAnswer | None]]


class OperationService(QObject):
    """See the module docstring."""

    def __init__(
        self,
        runner: TaskRunner,
        accounts: AccountService,
        transfers: TransferService,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._accounts = accounts
        self._transfers = transfers

    async def plan_delete(
        self, account_id: str, bucket: str, refs: list[ObjectRef], counted: Counted | None = None,
        cancel: StopSignal | None = None,
    ) -> OperationPlan:  # fmt: skip
        """What deleting `refs` takes (folders listed to the last key), for the confirmation.

        `counted` hears the running totals on a worker thread as the folders are listed;
        once `cancel` is set, no further page is asked for and Cancelled is raised.
        """
        account = self._accounts.account(account_id)
        store = await self._accounts.store(account_id)
        stop = (
            EitherStop((self._transfers.stopping, cancel)) if cancel is not None else self._transfers.stopping
        )
        return await self._runner.run(plan_delete, store, account, bucket, refs, stop, counted)

    async def set_access(self, account_id: str, bucket: str, refs: list[ObjectRef], public: bool) -> int:
        """Make the selection (folders to their last key) public-read or private, through the queue.

        Raises NotSupported, before anything is planned, on servers that keep no per-file access.
        """
        plan = await self.plan_access(account_id, bucket, refs, public)
        return await self.queue_access(account_id, plan)

    async def plan_access(
        self, account_id: str, bucket: str, refs: list[ObjectRef], public: bool
    ) -> OperationPlan:
        """What set_access would change (folders listed to the last key), for a confirmation that counts."""
        account = self._accounts.account(account_id)
        store = await self._accounts.store(account_id)
        if not await self._runner.run(store.acl_support, bucket):
            raise NotSupported(
                "This server keeps no access rules per file, so files cannot be made public or private here."
            )
        acl = PUBLIC_READ if public else PRIVATE
        return await self._runner.run(
            plan_access, store, account, bucket, refs, acl, self._transfers.stopping
        )

    async def queue_access(self, account_id: str, plan: OperationPlan) -> int:
        """Queue a plan of plan_access (no conflicts to ask about); how many were queued."""
        return await self.queue(account_id, plan, _no_conflicts)

    async def queue(self, account_id: str, plan: OperationPlan, ask: AskConflict) -> int:
        """Queue a plan made here (after the user confirmed it); how many transfers were queued."""
        store = await self._accounts.store(account_id)
        return await self._transfers.queue_plan(plan, store, ask)

    async def copy(
        self, account_id: str, direction: Direction, source_bucket: str, refs: list[ObjectRef], bucket: str,
        prefix: str, ask: AskConflict, ask_folder: AskFolder, names: dict[str, str] | None = None,
        source_account_id: str = "", queued_ids: list[str] | None = None, skipped: list[str] | None = None,
        confirm: Callable[[OperationPlan], Awaitable[bool]] | None = None,
        targets: dict[str, str] | None = None,
    ) -> int:  # fmt: skip
        """Copy or move `refs` into `prefix` of `bucket` of `account_id` and queue it.

        `source_account_id` (when not `account_id`) is the account the objects come from:
        then they are read through this computer, since no server copies between accounts.
        Folders meeting a folder of their name are asked about (Merge or Replace) before
        file conflicts; returns how many objects were queued to be copied or moved (0: cancelled
        or nothing to do), and puts the ids of every transfer queued (a Replace's deletes too)
        in `queued_ids` when given (to follow them to their end), and the source keys of the
        files a conflict answer skipped in `skipped` (a skipped move leaves its file).
        `confirm`, when given, sees the plan once counted and may call it off (False).
        `targets`, when given, gets each queued object's source key → the key it is copied
        or moved to (after Keep Both, "index (1).html" rather than the name asked for).
        """
        account = self._accounts.account(account_id)
        store = await self._accounts.store(account_id)
        other = source_account_id if source_account_id not in ("", account_id) else ""
        source_store = await self._accounts.store(other) if other else store
        source = CopySource(source_store, source_bucket, other)
        stop = self._transfers.stopping
        plan = await self._runner.run(
            plan_copy, store, account, direction, source, refs, bucket, prefix, stop, names
        )
        done = "renamed" if names else ("moved" if direction == Direction.MOVE else "copied")
        if not plan.transfers:  # say why rather than nothing
            where = f"s3://{bucket}/{prefix}"
            here = source_bucket == bucket and not other and all(parent(r.key) == prefix for r in refs)
            why = (
                f"The selection is already in {where}." if here else "The selected folders hold nothing now."
            )
            self._transfers.notice.emit(f"Nothing was {done}", why)
            return 0
        if confirm is not None and not await confirm(plan):
            return 0
        if not await self._settle_folders(plan, bucket, ask_folder):
            self._transfers.notice.emit(f"Nothing was {done}", "Cancelled: everything is as it was.")
            return 0
        queued = await self._transfers.queue_plan(plan, store, ask, done)
        if queued_ids is not None:
            queued_ids.extend(t.id for t in plan.transfers if t.state == TransferState.QUEUED)
        if skipped is not None:
            skipped.extend(t.source_key for t in plan.transfers if t.state == TransferState.SKIPPED)
        if targets is not None:
            targets.update(
                (t.source_key, t.key)
                for t in plan.transfers
                if t.state == TransferState.QUEUED and t.direction != Direction.DELETE
            )
        # What was copied or moved: a Replace's deletes are queued too, but copied nothing.
        queued -= sum(
            1 for t in plan.transfers if t.direction == Direction.DELETE and t.state == TransferState.QUEUED
        )
        log.info(
            "queued %s: %s into s3://%s/%s", direction.value, human_count(queued, "object"), bucket, prefix
        )
        return queued

    async def _settle_folders(self, plan: OperationPlan, bucket: str, ask_folder: AskFolder) -> bool:
        """Ask Merge or Replace for each folder that meets its namesake; False when cancelled."""
        account_id = plan.groups[0].account_id if plan.groups else ""
        chosen: FolderChoice | None = None
        for index, merge in enumerate(plan.merges):
            choice = chosen
            if choice is None:
                answer = await ask_folder(merge, len(plan.merges) - index)
                if answer is None:
                    return False
                choice = answer.choice
                if answer.apply_to_all:
                    chosen = choice
            if choice == FolderChoice.REPLACE:
                group, doomed = replace_cleanup(self._accounts.account(account_id), bucket, merge, plan)
                # The copies overwrite what they meet: Replace means the target becomes the source.
                plan.conflicts = [c for c in plan.conflicts if c.transfer.group_id != merge.group_id]
                if doomed:
                    plan.groups.append(group)
                    plan.transfers.extend(doomed)
        return True
