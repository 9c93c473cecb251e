"""Deleted files in the object view: whether a Space keeps them (versioning), and bringing them back.

Every method is a coroutine awaited on the GUI thread (the qasync loop); store calls run
on the TaskRunner's workers. A restore is recorded in the activity record (failures with
their message), then `objects_changed` is emitted on the GUI thread, before the coroutine
returns, naming every folder whose listing changed.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject

from spacesgui.core.activity import ActivityAction
from spacesgui.core.bucket_settings import VersioningState
from spacesgui.core.deleted import markers_to_remove, tied_keys
from spacesgui.core.errors import NotSupported, SpacesError
from spacesgui.core.keys import folders_above
from spacesgui.core.listing import ObjectRef
from spacesgui.core.operations import DeleteFailure
from spacesgui.core.ports import BucketSettings, DeletedObjectLister, ObjectVersionStore
from spacesgui.core.versions import ObjectVersion
from spacesgui.services.account_service import AccountService
from spacesgui.services.runner import TaskRunner
from spacesgui.services.versions_base import VersionsServiceBase, version_pages

NO_DELETED = "This account's storage cannot list deleted files."
BATCH = 1000  # delete markers deleted per DeleteObjects request, and per progress report

Progress = Callable[[int, int], None]  # files back so far, files to bring back


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What a restore did: the keys back, and the delete markers the server would not delete."""

    restored: tuple[str, ...] = ()
    failed: tuple[DeleteFailure, ...] = ()
    stopped: bool = False  # Stop was pressed: the rest are still deleted


@dataclass(frozen=True, slots=True)
class RestoreJob:
    """One restore: what to bring back, how, and whom to tell (see restore_deleted)."""

    bucket: str
    refs: Sequence[ObjectRef]
    page_size: int
    batch: int
    stop: threading.Event
    progress: Progress


def _versions_under(store: ObjectVersionStore, job: RestoreJob, target: str) -> list[ObjectVersion] | None:
    """Every version of `target` (a key, or a folder and all below it); None when stopped."""
    found: list[ObjectVersion] = []
    pages = version_pages(store, job.bucket, target, job.page_size)
    while not job.stop.is_set():
        page = next(pages, None)
        if page is None:
            return found
        found += page
    return None


def _peel_tied(
    store: ObjectVersionStore, deleter: DeletedObjectLister, job: RestoreJob, key: str, count: int
) -> list[DeleteFailure]:
    """Delete `key`'s current version while it is a delete marker, at most `count` times: the
    markers from the same second as its bytes, above them in the server's order."""
    for _ in range(count):
        found = [v for page in version_pages(store, job.bucket, key, job.page_size) for v in page]
        latest = next((v for v in found if v.is_latest), None)
        if latest is None or not latest.delete_marker:
            return []
        if refused := deleter.delete_versions(job.bucket, [(key, latest.version_id)]):
            return refused
    return []


def restore_deleted(store: object, job: RestoreJob) -> RestoreResult:
    """List the versions under each ref, delete the markers above their bytes. Worker thread."""
    if not isinstance(store, ObjectVersionStore) or not isinstance(store, DeletedObjectLister):
        raise NotSupported(NO_DELETED)
    doomed: list[ObjectVersion] = []
    tied: dict[str, int] = {}
    for ref in job.refs:
        found = _versions_under(store, job, ref.key)
        if found is None:
            return RestoreResult(stopped=True)
        doomed += markers_to_remove(found)
        tied.update(tied_keys(found))
    # A key's markers go in one batch, so at a Stop a key is either back or still deleted.
    doomed.sort(key=lambda v: v.key)
    total = len({v.key for v in doomed})
    failed: list[DeleteFailure] = []
    done: set[str] = set()
    start = 0
    try:
        while start < len(doomed):
            if job.stop.is_set():
                break
            end = min(start + job.batch, len(doomed))
            while end < len(doomed) and doomed[end].key == doomed[end - 1].key:
                end += 1
            batch = doomed[start:end]
            refused = store.delete_versions(job.bucket, [(v.key, v.version_id) for v in batch])
            keys = dict.fromkeys(v.key for v in batch)
            for key in keys.keys() & tied.keys() - {f.key for f in refused}:
                refused += _peel_tied(store, store, job, key, tied[key])
            failed += refused
            done.update(keys)
            job.progress(len(done), total)
            start = end
    except SpacesError as error:  # the keys back so far stay in the result, so their folders are listed again
        failed += [
            DeleteFailure(key, "", error.message) for key in dict.fromkeys(v.key for v in doomed[start:])
        ]
        start = len(doomed)
    restored = tuple(sorted(done - {f.key for f in failed}))
    return RestoreResult(restored, tuple(failed), stopped=start < len(doomed))


class DeletedFilesService(VersionsServiceBase):
    """See the module docstring."""

    def __init__(self, runner: TaskRunner, accounts: AccountService, parent: QObject | None = None) -> None:
        super().__init__(runner, accounts, parent)
        self.batch = BATCH

    async def versioning(self, account_id: str, bucket: str) -> VersioningState:
        """Whether `bucket` keeps versions (so deleted files can be shown)."""
        store = await self._accounts.store(account_id)
        if not isinstance(store, BucketSettings) or not isinstance(store, DeletedObjectLister):
            raise NotSupported(NO_DELETED)
        return await self._runner.run(store.get_versioning, bucket)

    async def restore(
        self,
        account_id: str,
        bucket: str,
        refs: Sequence[ObjectRef],
        on_progress: Progress | None = None,
        stop: threading.Event | None = None,
    ) -> RestoreResult:
        """Bring back the deleted files among `refs` (a folder: every deleted file below it).

        `on_progress(back, total)` is called on the GUI thread after each batch; setting
        `stop` ends the restore between batches (the result says `stopped`).
        """
        target = refs[0].key if len(refs) == 1 else f"{len(refs)} items"
        result = RestoreResult()
        loop = asyncio.get_running_loop()

        def progress(back: int, total: int) -> None:  # worker thread
            if on_progress is not None:
                loop.call_soon_threadsafe(on_progress, back, total)

        job = RestoreJob(bucket, list(refs), self.page_size, self.batch, stop or threading.Event(), progress)
        try:
            with self._accounts.activity.recording(
                account_id, bucket, target, ActivityAction.RESTORE_VERSION
            ):
                store = await self._accounts.store(account_id)
                result = await self._runner.run(restore_deleted, store, job)
                if result.failed:
                    first = result.failed[0]
                    raise SpacesError(
                        f"{len(result.failed):,} deleted file(s) could not be brought back "
                        f"(“{first.key}”: {first.message})."
                    )
        finally:
            changed = folders_above([*result.restored, *(r.key for r in refs)])
            self.objects_changed.emit(account_id, bucket, changed)
        return result
