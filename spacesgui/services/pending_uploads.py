"""Multipart uploads left open on the server: list them and their parts, abort them, or finish them.

Uploads interrupted elsewhere (another app, a crashed machine) keep their parts on the
server, where they take space until aborted. One that a transfer in the queue owns is
left to that transfer: aborting it cancels the transfer, which aborts it itself.

Every method is called on the GUI thread; requests run on the task runner's workers.
"""

from __future__ import annotations

from collections.abc import Callable

from spacesgui.core.activity import ActivityAction
from spacesgui.core.local_ports import LocalFiles
from spacesgui.core.transfers import Direction, PartRecord, PendingUpload, Transfer
from spacesgui.services.account_service import AccountService
from spacesgui.services.queue_engine import QueueEngine
from spacesgui.services.queue_mirror import QueueMirror
from spacesgui.services.runner import TaskRunner


class PendingUploads:
    """Owned by TransferService (its `pending`), whose queue it adds to and cancels in.

    `mirror` is TransferService's, which notes a transfer before the engine has it;
    `report` shows the queue's change at once (TransferService.flush).
    """

    def __init__(
        self,
        runner: TaskRunner,
        accounts: AccountService,
        engine: QueueEngine,
        local: LocalFiles,
        mirror: QueueMirror,
        report: Callable[[], None],
    ) -> None:
        self._runner = runner
        self._accounts = accounts
        self._engine = engine
        self._local = local
        self._mirror = mirror
        self._report = report

    async def uploads(self, account_id: str, bucket: str) -> list[PendingUpload]:
        """Multipart uploads the server holds open in `bucket`, whoever started them."""
        store = await self._accounts.store(account_id)
        return await self._runner.run(store.list_multipart_uploads, bucket)

    async def parts(self, account_id: str, upload: PendingUpload) -> list[PartRecord]:
        """The parts the server holds for an incomplete upload (ListParts)."""
        store = await self._accounts.store(account_id)
        return await self._runner.run(store.list_parts, upload.bucket, upload.key, upload.upload_id)

    def queued_ids(self) -> set[str]:
        """Upload ids that a transfer in the queue will resume or abort itself."""
        return {t.upload_id for t in self._engine.transfers() if t.upload_id}

    async def abort(self, account_id: str, uploads: list[PendingUpload]) -> None:
        """Abort `uploads` on the server; queued transfers that owned them are cancelled."""
        owned = {t.upload_id: t.id for t in self._engine.transfers() if t.upload_id}
        store = await self._accounts.store(account_id)
        for upload in uploads:
            if upload.upload_id in owned:
                self._engine.cancel([owned[upload.upload_id]])
            else:
                with self._accounts.activity.recording(
                    account_id, upload.bucket, upload.key, ActivityAction.ABORT_UPLOAD, "incomplete upload"
                ):
                    await self._runner.run(
                        store.abort_multipart_upload, upload.bucket, upload.key, upload.upload_id
                    )
        self._report()

    async def resume(self, account_id: str, upload: PendingUpload, local_path: str) -> None:
        """Finish `upload` from `local_path`: parts whose bytes match are kept, the rest sent."""
        account = self._accounts.account(account_id)
        stat = await self._runner.run(self._local.stat, local_path)
        transfer = Transfer(
            Direction.UPLOAD, account_id, upload.bucket, upload.key, local_path, stat.size,
            local_mtime_ns=stat.mtime_ns, acl=account.upload_acl, cache_control=account.cache_control,
            upload_id=upload.upload_id, account_ref=account.ref(),
        )  # fmt: skip
        self._mirror.note([transfer])
        self._engine.add([], [transfer])
        self._report()
