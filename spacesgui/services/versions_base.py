"""What the Versions window's service and the deleted files' service share: the store, paging.

Both are QObjects on the GUI thread whose coroutines run store calls on the TaskRunner's
workers, and say which folders' listings changed with `objects_changed`.
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QObject, Signal

from spacesgui.core.ports import ObjectVersionStore
from spacesgui.core.versions import ObjectVersion, versions_by_page
from spacesgui.services.account_service import AccountService
from spacesgui.services.runner import TaskRunner

PAGE_SIZE = 1000  # ListObjectVersions' most per request


def version_pages(
    store: ObjectVersionStore, bucket: str, target: str, page_size: int = PAGE_SIZE
) -> Iterator[list[ObjectVersion]]:
    """Each page of the versions of `target` (a key, or a folder and all under it). Blocking:
    advance it on a worker thread."""
    return versions_by_page(
        target, lambda key_marker, version_marker: store.list_versions(
            bucket, target, key_marker, version_marker, page_size
        ),
    )  # fmt: skip


class VersionsServiceBase(QObject):
    """The runner, the accounts and the page size of a service over object versions."""

    objects_changed = Signal(str, str, object)  # account id, bucket, frozenset of folder prefixes

    def __init__(self, runner: TaskRunner, accounts: AccountService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._accounts = accounts
        self.page_size = PAGE_SIZE
