"""Deleted files in the object view: whether a Space keeps them (versioning), and bringing them back.

Every method is a coroutine awaited on the GUI thread (the qasync loop); store calls run
on the TaskRunner's workers. A restore is recorded in the activity record (failures with
their message), then `objects_changed` is emitted on the GUI thread, before the coroutine
returns, naming every folder whose listing changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from spacesgui.core.activity import ActivityAction
from spacesgui.core.bucket_settings import VersioningState
from spacesgui.core.deleted import markers_to_remove
from spacesgui.core.errors import NotSupported, SpacesError
from spacesgui.core.keys import parent
from spacesgui.core.listing import ObjectRef
from spacesgui.core.operations import DeleteFailure
from spacesgui.core.ports import BucketSettings, DeletedObjectLister, ObjectVersionStore
from spacesgui.core.versions import ObjectVersion, versions_of
from spacesgui.services.account_service import AccountService
from spacesgui.services.runner import TaskRunner

NO_DELETED = "This account's storage cannot list deleted files."
PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What a restore did: the keys back, and the delete markers the server would not delete."""

    restored: tuple[str, ...] = ()
    failed: tuple[DeleteFailure, ...] = ()


def folders_above(keys: Sequence[str]) -> frozenset[str]:
    """Every folder from the top down to each key's own ("" is the top of the Space)."""
    folders: set[str] = set()
    for key in keys:
        folder = parent(key)
        while folder not in folders:
            folders.add(folder)
            if not folder:
                break
            folder = parent(folder)
    return frozenset(folders)


def _restore(store: object, bucket: str, refs: Sequence[ObjectRef], page_size: int) -> RestoreResult:
    """List the versions under each ref, delete the markers above their bytes. Worker thread."""
    if not isinstance(store, ObjectVersionStore) or not isinstance(store, DeletedObjectLister):
        raise NotSupported(NO_DELETED)
    doomed: list[ObjectVersion] = []
    for ref in refs:
        found: list[ObjectVersion] = []
        key_marker = version_marker = ""
        while True:
            page = store.list_versions(bucket, ref.key, key_marker, version_marker, page_size)
            found += versions_of(ref.key, page.versions)
            if not page.truncated:
                break
            key_marker, version_marker = page.next_key_marker, page.next_version_marker
        doomed += markers_to_remove(found)
    failed = store.delete_versions(bucket, [(v.key, v.version_id) for v in doomed])
    refused = {f.key for f in failed}
    restored = tuple(sorted({v.key for v in doomed} - refused))
    return RestoreResult(restored, tuple(failed))


class DeletedFilesService(QObject):
    """See the module docstring."""

    objects_changed = Signal(str, str, object)  # account id, bucket, frozenset of folder prefixes

    def __init__(self, runner: TaskRunner, accounts: AccountService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._accounts = accounts
        self.page_size = PAGE_SIZE

    async def versioning(self, account_id: str, bucket: str) -> VersioningState:
        """Whether `bucket` keeps versions (so deleted files can be shown)."""
        store = await self._accounts.store(account_id)
        if not isinstance(store, BucketSettings) or not isinstance(store, DeletedObjectLister):
            raise NotSupported(NO_DELETED)
        return await self._runner.run(store.get_versioning, bucket)

    async def restore(self, account_id: str, bucket: str, refs: Sequence[ObjectRef]) -> RestoreResult:
        """Bring back the deleted files among `refs` (a folder: every deleted file below it)."""
        target = refs[0].key if len(refs) == 1 else f"{len(refs)} items"
        result = RestoreResult()
        try:
            with self._accounts.activity.recording(
                account_id, bucket, target, ActivityAction.RESTORE_VERSION
            ):
                store = await self._accounts.store(account_id)
                result = await self._runner.run(_restore, store, bucket, list(refs), self.page_size)
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
