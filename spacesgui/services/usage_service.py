"""Space Usage: one recursive listing of a Space or folder, totalled per folder.

The listing runs on a worker thread and feeds a `UsageTally`; the GUI thread polls its
running totals for progress (plain ints) and reads the folder tree only once the scan
has ended. The Space is listed in pieces at once, pages in no name order (as search lists
it); stopping is checked between pages, so no page after the stop is counted.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance

from spacesgui.core.bucket_settings import VersioningState
from spacesgui.core.errors import SpacesError
from spacesgui.core.ports import BucketSettings, ObjectStore, ObjectVersionStore, TransferStore
from spacesgui.core.usage import IncompleteUsage, UsageTally, VersionUsage
from spacesgui.services.account_service import AccountService
from spacesgui.services.runner import TaskRunner
from spacesgui.services.tree_listers import default_lister

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_MS = 200
# Incomplete uploads whose parts are listed to size them; beyond this only their number is
# known (each costs a ListParts request, and thousands of abandoned uploads do happen).
PARTS_LISTED_AT_MOST = 200


@dataclass(frozen=True, slots=True)
class UsageProgress:
    objects: int
    size: int


class UsageScan(QObject):
    """One scan of `bucket`/`prefix` of one account. Signals arrive on the GUI thread.

    `progress` comes every ~200 ms while listing; then exactly one of `finished` (the tally,
    the incomplete uploads and, in a versioned Space, `versions` are complete), `stopped` (the user stopped it: the tally holds
    what was counted) or `failed` (a message in plain words).
    """

    progress = Signal(object)  # UsageProgress
    finished = Signal()
    stopped = Signal()
    failed = Signal(str)

    def __init__(
        self, runner: TaskRunner, accounts: AccountService, account_id: str, bucket: str, prefix: str
    ) -> None:
        super().__init__()
        self.account_id = account_id
        self.bucket = bucket
        self.prefix = prefix
        self.tally = UsageTally(prefix)
        self.incomplete: IncompleteUsage | None = None
        self.incomplete_note = ""
        # Older versions and delete markers, when the Space is (or was) versioned; None when
        # it never was, or they were not counted (`versions_note` says why).
        self.versions: VersionUsage | None = None
        self.versions_note = ""
        self.running = False
        self._runner = runner
        self._accounts = accounts
        self._stop = threading.Event()
        self._timer = QTimer(self)
        self._timer.setInterval(PROGRESS_INTERVAL_MS)
        self._timer.timeout.connect(self._emit_progress)

    def start(self) -> None:
        self.running = True
        self._timer.start()
        self._runner.spawn(self._run(), name=f"usage of {self.bucket}/{self.prefix}")

    def stop(self) -> None:
        """Stop listing (a plain slot); `stopped` follows once the worker has seen it."""
        self._stop.set()

    async def _run(self) -> None:
        try:
            store = await self._accounts.store(self.account_id)
            await self._runner.run(self._list, store)
            if self._stop.is_set():
                self._end(self.stopped)
                return
            self._emit_progress()
            self.incomplete, self.incomplete_note = await self._runner.run(self._incomplete, store)
            self.versions, self.versions_note = await self._runner.run(self._versions, store)
        except SpacesError as exc:
            log.warning("usage of s3://%s/%s failed: %s", self.bucket, self.prefix, exc)
            self._end(self.failed, str(exc))
            return
        except asyncio.CancelledError:
            self._timer.stop()
            raise
        self._end(self.stopped if self._stop.is_set() else self.finished)

    def _end(self, signal: SignalInstance, *args: object) -> None:
        self.running = False
        self._timer.stop()
        signal.emit(*args)

    def _list(self, store: ObjectStore) -> None:
        """Worker thread: feed the tally until the listing ends or the user stops it."""
        tally, stop = self.tally, self._stop
        for page in default_lister(store).iter_tree(self.bucket, self.prefix):
            if stop.is_set():
                return  # the page in flight when Stop came: not counted
            tally.add_page(page)
            if stop.is_set():
                return  # before asking for the next page: no request after Stop

    def _incomplete(self, store: TransferStore) -> tuple[IncompleteUsage, str]:
        """Worker thread: count the open multipart uploads and the bytes of their parts."""
        try:
            uploads = store.list_multipart_uploads(self.bucket, self.prefix)
        except SpacesError as exc:
            # Some servers do not list multipart uploads; the totals above still hold.
            return IncompleteUsage(0, 0, 0), f"Incomplete uploads could not be listed: {exc}"
        parts = size = 0
        for upload in uploads[:PARTS_LISTED_AT_MOST]:
            if self._stop.is_set():
                break
            try:
                records = store.list_parts(self.bucket, upload.key, upload.upload_id)
            except SpacesError as exc:
                log.info("could not list the parts of %s: %s", upload.key, exc)
                continue
            parts += len(records)
            size += sum(r.size for r in records)
        note = ""
        if len(uploads) > PARTS_LISTED_AT_MOST:
            note = f"Sizes are of the first {PARTS_LISTED_AT_MOST} incomplete uploads only."
        return IncompleteUsage(len(uploads), parts, size), note

    def _versions(self, store: object) -> tuple[VersionUsage | None, str]:
        """Worker thread: count the noncurrent versions and delete markers (ListObjectVersions,
        page by page, like the listing); (None, "") when the Space was never versioned."""
        if not isinstance(store, BucketSettings) or not isinstance(store, ObjectVersionStore):
            return None, ""
        try:
            if store.get_versioning(self.bucket) is VersioningState.UNVERSIONED:
                return None, ""
            usage = VersionUsage()
            key_marker = version_marker = ""
            while not self._stop.is_set():
                page = store.list_versions(self.bucket, self.prefix, key_marker, version_marker)
                usage.add(page.versions)
                if not page.truncated:
                    return usage, ""
                key_marker, version_marker = page.next_key_marker, page.next_version_marker
        except SpacesError as exc:
            log.info("usage of s3://%s/%s: older versions not counted: %s", self.bucket, self.prefix, exc)
            return (
                None,
                f"Older versions could not be counted ({exc}); the totals above are of current objects only.",
            )
        return None, ""

    def _emit_progress(self) -> None:
        self.progress.emit(UsageProgress(self.tally.count, self.tally.size))


class UsageService(QObject):
    """Starts Space Usage scans; a window keeps the scan it shows. GUI thread only."""

    def __init__(self, runner: TaskRunner, accounts: AccountService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._accounts = accounts

    def scan(self, account_id: str, bucket: str, prefix: str = "") -> UsageScan:
        """A new scan, started; its signals say how it goes."""
        scan = UsageScan(self._runner, self._accounts, account_id, bucket, prefix)
        scan.setParent(self)
        scan.start()
        return scan

    def account_name(self, account_id: str) -> str:
        return self._accounts.account(account_id).name
