"""Delete Space…: count what the Space holds, ask, empty it through the queue, then delete it.

The Space is counted on a worker the way a folder delete plans (every key, the whole Space
as one folder), together with its incomplete multipart uploads, which keep a Space from
being deleted on S3 as objects do. The question states the count and size and offers to
abort those uploads; the deletes then run in the transfer engine like any folder delete
(batched, up to 1,000 keys a request, one row in the Transfers panel), and the Space is
deleted only once every one of them is done. A key that could not be deleted keeps the
Space, and the banner says which and why.

GUI thread only: questions open with open() and are awaited, never exec() inside a
coroutine. The deletes are watched through TransferService's transfers_changed and
transfers_removed, which arrive on the GUI thread. Quitting while a Space is being emptied
leaves the deletes in the journal (they resume paused) but forgets the Space's own
deletion: choose Delete Space again once they are done.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QCheckBox, QDialog, QMessageBox, QWidget

from spacesgui.core.errors import SpacesError
from spacesgui.core.formatting import human_count, human_size
from spacesgui.core.listing import ObjectRef
from spacesgui.core.space_emptying import (
    EmptyingTally,
    empty_space_question,
    not_deleted_text,
    uploads_choice,
)
from spacesgui.core.transfers import PendingUpload, Transfer
from spacesgui.services.operation_planner import OperationPlan
from spacesgui.services.operation_service import OperationService
from spacesgui.services.transfer_decisions import AskConflict
from spacesgui.services.transfer_service import TransferService
from spacesgui.ui.accounts.delete_space_dialog import DeleteSpaceDialog
from spacesgui.ui.browser_context import BrowserContext
from spacesgui.ui.live_count import LiveCount

log = logging.getLogger(__name__)

WHOLE_SPACE = ObjectRef("", is_folder=True)  # plan_delete lists every key under "": all of them
DeleteBucket = Callable[[str, str], Awaitable[None]]  # account id, Space


class SpaceDeletion(QObject):
    """See the module docstring. `last_box` is the last question asked (for tests)."""

    def __init__(
        self, context: BrowserContext, operations: OperationService, transfers: TransferService,
        delete_bucket: DeleteBucket, on_deleted: Callable[[str, str], None], ask_conflict: AskConflict,
        show_queue: Callable[[], None], parent: QWidget,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self._context = context
        self._operations = operations
        self._transfers = transfers
        self._delete_bucket = delete_bucket
        self._on_deleted = on_deleted
        self._ask_conflict = ask_conflict
        self._show_queue = show_queue
        self._busy: set[tuple[str, str]] = set()  # (account id, Space) being counted or emptied
        self._watching: list[tuple[EmptyingTally, asyncio.Future[None]]] = []
        self.last_box: QDialog | None = None  # a DeleteSpaceDialog, or a QMessageBox for an empty Space
        transfers.transfers_changed.connect(self._on_transfers_changed)
        transfers.transfers_removed.connect(self._on_transfers_removed)

    def delete_space(self, account_id: str = "", bucket: str = "") -> None:
        """Delete `bucket` of `account_id`, or the open Space, after asking (a plain slot)."""
        if not bucket:
            place = self._context.place
            if place is None or not place.bucket:
                return
            account_id, bucket = place.account_id, place.bucket
        if (account_id, bucket) in self._busy:
            self._context.show_message(
                f"“{html.escape(bucket)}” is being emptied already; it is deleted once that is done.",
                level="info",
            )
            return
        self.last_box = None  # the last one was deleted once closed
        self._context.spawn(self._run(account_id, bucket))

    async def _run(self, account_id: str, bucket: str) -> None:
        self._busy.add((account_id, bucket))
        try:
            await self._delete(account_id, bucket)
        finally:
            self._busy.discard((account_id, bucket))

    async def _delete(self, account_id: str, bucket: str) -> None:
        name = html.escape(bucket)
        count = LiveCount(self._context.show_message, f"Counting what “{name}” holds", self)
        plan = await count.run(
            self._operations.plan_delete(account_id, bucket, [WHOLE_SPACE], count.counted, count.cancel)
        )
        if plan is None:
            self._context.show_message(f"Counting stopped: “{name}” was not deleted.", level="info")
            return
        uploads = await self._pending_uploads(account_id, bucket)
        held = (
            f"{human_count(plan.objects, 'object')}, {human_size(plan.bytes)}"
            if plan.objects
            else "no objects"
        )
        self._context.show_message(f"“{name}” holds {held}.", level="info")  # counted: no longer “Counting…”
        abort = await self._confirm(bucket, plan, uploads)
        if abort is None:
            self._context.show_message(f"Nothing was deleted; “{name}” is as it was.", level="info")
            return
        if abort and uploads:
            await self._abort(account_id, bucket, uploads)
        if plan.objects and not await self._empty(account_id, bucket, plan):
            return
        await self._delete_bucket(account_id, bucket)
        self._on_deleted(account_id, bucket)
        emptied = f", with its {human_count(plan.objects, 'object')}" if plan.objects else ""
        self._context.show_message(f"Space “{name}” deleted{emptied}.", level="info")

    async def _pending_uploads(self, account_id: str, bucket: str) -> list[PendingUpload]:
        try:
            return await self._transfers.pending.uploads(account_id, bucket)
        except SpacesError as exc:  # some servers keep no multipart uploads to list
            log.info("could not list the incomplete uploads of %s: %s", bucket, exc.message)
            return []

    # -- the question -----------------------------------------------------------------------

    async def _confirm(self, bucket: str, plan: OperationPlan, uploads: list[PendingUpload]) -> bool | None:
        """Ask; None when cancelled, else whether to abort the incomplete uploads too."""
        choice = uploads_choice(len(uploads)) if uploads else ""
        if plan.objects:
            dialog = DeleteSpaceDialog(
                bucket, empty_space_question(bucket, plan.objects, plan.bytes),
                "They are deleted in the Transfers panel, up to 1,000 in each request; the Space "
                "is deleted once every one of them is gone. This cannot be undone.",
                choice, self._context.dialog_parent(),
            )  # fmt: skip
            ticked = [False]  # read as it closes: it is deleted before the coroutine resumes
            ticks = dialog.abort_check
            if ticks is not None:
                dialog.finished.connect(lambda _result: ticked.__setitem__(0, ticks.isChecked()))
            if await self._ask(dialog) != QDialog.DialogCode.Accepted:
                return None
            return ticked[0]
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Delete Space", f"Delete the Space “{bucket}”?",
            QMessageBox.StandardButton.Cancel, self._context.dialog_parent(),
        )  # fmt: skip
        box.setObjectName("deleteSpaceBox")
        box.setInformativeText(
            f"It holds {human_count(len(uploads), 'incomplete upload')} and no objects. This cannot be undone."
            if uploads
            else "It is empty. This cannot be undone."
        )
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        delete.setObjectName("deleteSpaceButton")
        check = QCheckBox(choice, box) if uploads else None
        if check is not None:
            check.setObjectName("abortUploadsCheck")
            check.setChecked(True)
            box.setCheckBox(check)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)  # Enter never deletes
        answer: list[object] = [None, False]  # the button clicked, the box ticked: read as it closes
        box.finished.connect(
            lambda _result: answer.__setitem__(
                slice(None), [box.clickedButton(), check is not None and check.isChecked()]
            )
        )
        await self._ask(box)
        return bool(answer[1]) if answer[0] is delete else None

    async def _ask(self, box: QDialog) -> int:
        """Open `box` and wait for it to close: its result code (it is deleted after)."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.last_box = box

        def on_finished(result: int) -> None:
            if not future.done():
                future.set_result(result)
            box.deleteLater()

        box.finished.connect(on_finished)
        box.open()
        return await future

    # -- the work ---------------------------------------------------------------------------

    async def _abort(self, account_id: str, bucket: str, uploads: list[PendingUpload]) -> None:
        try:
            await self._transfers.pending.abort(account_id, uploads)
        except SpacesError as exc:  # the objects are still worth deleting; the Space may then refuse
            log.warning("could not abort the incomplete uploads of %s: %s", bucket, exc.message)
            self._context.show_error(exc)

    async def _empty(self, account_id: str, bucket: str, plan: OperationPlan) -> bool:
        """Queue the deletes and wait until each has finished; True when every one is done."""
        tally = EmptyingTally(plan.transfers)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        watch = (tally, done)
        self._watching.append(watch)  # before queueing: no report can come before we listen
        try:
            queued = await self._operations.queue(account_id, plan, self._ask_conflict)
            if not queued and not any(t.state.finished for t in plan.transfers):
                self._context.show_message(f"Nothing was deleted; “{html.escape(bucket)}” is as it was.")
                return False
            self._context.show_message(
                f"Emptying “{html.escape(bucket)}”: deleting {human_count(plan.objects, 'object')}. "
                "The Space is deleted once they are gone.",
                level="info",
            )
            self._show_queue()
            await done
        finally:
            self._watching.remove(watch)
        leftovers = tally.leftovers()
        if leftovers:
            title, message = not_deleted_text(bucket, leftovers, tally.total)
            log.warning("%s: %s", title, message)
            self._context.show_message(
                f"<b>{html.escape(title)}.</b> {html.escape(message)}", level="warning"
            )
            return False
        return True

    def _on_transfers_changed(self, changes: list[Transfer]) -> None:
        for tally, done in self._watching:
            for t in changes:
                tally.update(t)
            self._settle(tally, done)

    def _on_transfers_removed(self, ids: list[str]) -> None:
        for tally, done in self._watching:
            for transfer_id in ids:
                tally.removed(transfer_id)
            self._settle(tally, done)

    @staticmethod
    def _settle(tally: EmptyingTally, done: asyncio.Future[None]) -> None:
        if tally.finished and not done.done():
            done.set_result(None)


__all__ = ["SpaceDeletion"]
