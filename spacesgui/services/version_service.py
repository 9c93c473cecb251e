"""A versioned Space's versions for the Versions window: list (paged), download, restore, delete.

Every method is a coroutine awaited on the GUI thread (the qasync loop); store calls run
on the TaskRunner's workers. Each change is recorded in the activity record, failures
with their message. `objects_changed` is emitted on the GUI thread after a restore or
delete, before the coroutine returns, naming the folder whose listing changed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from spacesgui.core.activity import ActivityAction
from spacesgui.core.errors import Cancelled, NotSupported
from spacesgui.core.keys import parent
from spacesgui.core.ports import ObjectVersionStore
from spacesgui.core.versions import ObjectVersion, version_words
from spacesgui.services.versions_base import VersionsServiceBase, version_pages

NO_VERSIONS = "This account's storage cannot list object versions here."


class VersionService(VersionsServiceBase):
    """See the module docstring."""

    async def _store(self, account_id: str) -> ObjectVersionStore:
        store = await self._accounts.store(account_id)
        if not isinstance(store, ObjectVersionStore):
            raise NotSupported(NO_VERSIONS)
        return store

    async def list_versions(
        self,
        account_id: str,
        bucket: str,
        target: str,
        on_page: Callable[[list[ObjectVersion]], None] | None = None,
        stop: threading.Event | None = None,
    ) -> list[ObjectVersion]:
        """Every version and delete marker of `target` (a key, or a folder "x/" and all under it).

        Pages follow each other by KeyMarker and VersionIdMarker; `on_page` gets each page's
        matches on the GUI thread as it arrives. Raises Cancelled when `stop` is set.
        """
        store = await self._store(account_id)
        pages = version_pages(store, bucket, target, self.page_size)
        found: list[ObjectVersion] = []
        while True:
            if stop is not None and stop.is_set():
                raise Cancelled("Listing versions stopped.")
            matches = await self._runner.run(next, pages, None)
            if matches is None:
                return found
            found.extend(matches)
            if on_page is not None and matches:
                on_page(matches)

    async def download(self, account_id: str, bucket: str, version: ObjectVersion, local_path: str) -> int:
        """Save that version's bytes as `local_path` (checked before it is renamed into place)."""
        target = f"{version.key} ({version_words(version.version_id)}) → {local_path}"
        with self._accounts.activity.recording(account_id, bucket, target, ActivityAction.DOWNLOAD):
            store = await self._store(account_id)
            return await self._runner.run(
                store.download_version, bucket, version.key, version.version_id, local_path
            )

    async def restore(self, account_id: str, bucket: str, version: ObjectVersion) -> str:
        """Make that version the current one again (a server-side copy over it); the new version id."""
        message = version_words(version.version_id)
        with self._accounts.activity.recording(
            account_id, bucket, version.key, ActivityAction.RESTORE_VERSION, message
        ):
            if version.delete_marker:
                raise NotSupported(
                    "A delete marker has no bytes to restore: delete the marker to bring the file back."
                )
            store = await self._store(account_id)
            new_id = await self._runner.run(store.restore_version, bucket, version.key, version.version_id)
        self.objects_changed.emit(account_id, bucket, frozenset({parent(version.key)}))
        return new_id

    async def delete(self, account_id: str, bucket: str, version: ObjectVersion) -> None:
        """Delete that version for good; deleting a delete marker brings the file back."""
        message = (
            "delete marker " + version.version_id
            if version.delete_marker
            else version_words(version.version_id)
        )
        with self._accounts.activity.recording(
            account_id, bucket, version.key, ActivityAction.DELETE_VERSION, message
        ):
            store = await self._store(account_id)
            await self._runner.run(store.delete_version, bucket, version.key, version.version_id)
        self.objects_changed.emit(account_id, bucket, frozenset({parent(version.key)}))
