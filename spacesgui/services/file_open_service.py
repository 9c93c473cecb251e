"""Open a file of a Space on this computer, and offer its edits back (Cyberduck's "Edit").

open() downloads the object through the transfer engine (verified like any download)
into a fresh folder of its own under LocalCopies' root; when the engine reports it done,
`opened` says where the copy is and the GUI hands it to a program. From then on the copy
is watched (and looked at every POLL_MS, in case the watcher misses a change): a change
settles for SETTLE_MS, then the copy is hashed (worker thread) and,
if its bytes differ from what was opened or last uploaded, `copy_changed` offers it, once
per MD5. upload_change() replaces the object through the engine, keeping its headers.

Cleaning: each copy's baseline is recorded beside its folder. sweep() (at start) removes
copies nobody changed once a day old, and takes back those with changes that were never
uploaded, which are then offered for upload again. Only a folder holding just its recorded,
unchanged copy is removed; nothing is removed at quit (stop()). A changed copy is never removed.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from dataclasses import dataclass, replace

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from spacesgui.core.desktop_entries import DesktopApp, DesktopApps, applications_for
from spacesgui.core.errors import ObjectChanged, SpacesError
from spacesgui.core.keys import basename
from spacesgui.core.listing import ObjectRef
from spacesgui.core.multipart import strip_etag
from spacesgui.core.opened_files import (
    ChangedCopy,
    CopyFate,
    CopyOnDisk,
    CopyState,
    LocalCopies,
    OpenedFile,
    copy_fate,
    looks_changed,
)
from spacesgui.core.transfers import Transfer, TransferState
from spacesgui.services.runner import TaskRunner
from spacesgui.services.transfer_planner import Plan
from spacesgui.services.transfer_service import TransferService

log = logging.getLogger(__name__)

# Editors write a file in bursts (truncate, write, rename, chmod): wait this long after
# the last change before hashing the copy.
SETTLE_MS = 500
# The watcher can miss changes (network folders, the inotify watch limit reached): look
# at every copy this often as well. A look is a stat; only a changed copy is hashed.
POLL_MS = 5_000


@dataclass(frozen=True, slots=True)
class _Waiting:
    """A transfer the service follows: an open's download, or a change's upload."""

    request: str  # the open request id; "" for an upload
    account_id: str
    bucket: str
    key: str
    change: ChangedCopy | None = None


class FileOpenService(QObject):
    """Opens objects as local copies and offers their edits for upload.

        GUI thread only; every signal arrives on it. For each open() exactly one of `opened`
        or `open_failed` follows (with the request id open() returned). `copy_changed` may
        follow any number of times; each upload_change() ends in `uploaded`, `upload_failed` or
    `server_changed` (the object's ETag is not the one the copy was opened from).
    """

    opened = Signal(str, object)  # request id, OpenedFile
    open_failed = Signal(str, str)  # request id, message for the user
    copy_changed = Signal(object)  # ChangedCopy
    uploaded = Signal(object)  # OpenedFile: its new baseline
    upload_failed = Signal(object, str)  # ChangedCopy, message for the user
    # The object changed on the server since the copy was opened: nothing was uploaded. The
    # GUI asks: upload_change(change, replace_anyway=True), upload_change_as_new(change) or nothing.
    server_changed = Signal(object, str)  # ChangedCopy, message for the user

    def __init__(
        self,
        runner: TaskRunner,
        transfers: TransferService,
        copies: LocalCopies,
        apps: DesktopApps | None = None,
        parent: QObject | None = None,
        settle_ms: int = SETTLE_MS,
    ) -> None:
        super().__init__(parent)
        self._runner, self._transfers, self.copies, self.apps = runner, transfers, copies, apps
        self._waiting: dict[str, _Waiting] = {}  # transfer id → what it is for
        self._opened: dict[str, OpenedFile] = {}  # local path → the copy and its baseline
        self._seen: dict[str, CopyState] = {}  # local path → the state last hashed
        self._offered: dict[str, set[str]] = {}  # local path → MD5s already offered
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._on_watcher_changed)
        self._watcher.directoryChanged.connect(self._on_watcher_changed)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(settle_ms)
        self._settle.timeout.connect(self.check_copies)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.check_copies)
        transfers.transfers_changed.connect(self._on_transfers_changed)

    def opened_files(self) -> list[OpenedFile]:
        return list(self._opened.values())

    async def programs_for(self, mime: str) -> tuple[list[DesktopApp], list[DesktopApp]]:
        """(programs for `mime`, best first; every other program by name). Read on a worker."""
        apps = self.apps
        if apps is None:
            return [], []

        def read() -> tuple[list[DesktopApp], list[DesktopApp]]:  # worker thread
            every = apps.applications()
            matching = applications_for(mime, every, apps.associations())
            ids = {app.id for app in matching}
            return matching, [app for app in every if app.id not in ids]

        return await self._runner.run(read)

    # -- opening ------------------------------------------------------------------------

    def open(self, account_id: str, bucket: str, ref: ObjectRef) -> str:
        """Start opening the object `ref`; the request id `opened`/`open_failed` will carry."""
        request = uuid.uuid4().hex
        self._runner.spawn(self._open(request, account_id, bucket, ref), name="open-file")
        return request

    async def _open(self, request: str, account_id: str, bucket: str, ref: ObjectRef) -> None:
        name = basename(ref.key) or ref.key
        try:
            folder = await self._runner.run(self.copies.new_folder)
            plan = await self._transfers.plan_download_into(account_id, bucket, [ref], folder)
        except SpacesError as exc:
            self.open_failed.emit(request, f"Could not open “{name}”: {exc.message}")
            return
        except KeyError:
            self.open_failed.emit(request, f"Could not open “{name}”: its account was removed.")
            return
        if not plan.transfers:
            why = " ".join(plan.notes) or "there is nothing to download."
            self.open_failed.emit(request, f"Could not open “{name}”: {why}")
            return
        t = plan.transfers[0]
        if t.state == TransferState.FAILED:  # the plan found the copy could not be written
            self.open_failed.emit(request, f"Could not open “{name}”: {t.error}")
            return
        self._waiting[t.id] = _Waiting(request, account_id, bucket, ref.key)
        try:
            self._transfers.queue_now(plan)
        except SpacesError as exc:
            self._waiting.pop(t.id, None)
            self.open_failed.emit(request, f"Could not open “{name}”: {exc.message}")

    def _on_transfers_changed(self, changes: list[Transfer]) -> None:
        for t in changes:
            waiting = self._waiting.get(t.id)
            if waiting is None or not t.state.finished:
                continue
            del self._waiting[t.id]
            if waiting.change is None:
                self._runner.spawn(self._downloaded(waiting, t), name="open-file-done")
            else:
                self._runner.spawn(self._uploaded(waiting.change, t), name="opened-copy-uploaded")

    async def _downloaded(self, waiting: _Waiting, t: Transfer) -> None:
        name = basename(waiting.key) or waiting.key
        if t.state != TransferState.DONE:
            why = t.error or f"the download was {t.state.value}"
            self.open_failed.emit(waiting.request, f"Could not open “{name}”: {why}")
            return
        try:
            state = await self._runner.run(self.copies.snapshot, t.local_path)
            md5 = await self._runner.run(self.copies.md5, t.local_path)
        except SpacesError as exc:
            self.open_failed.emit(waiting.request, f"Could not open “{name}”: {exc.message}")
            return
        if state is None:
            self.open_failed.emit(waiting.request, f"Could not open “{name}”: its copy was removed.")
            return
        opened = OpenedFile(
            waiting.account_id, waiting.bucket, waiting.key, t.local_path, md5, state, t.verified,
            strip_etag(t.remote_etag),
        )  # fmt: skip
        self._adopt(opened, state)
        await self._runner.run(self.copies.write_record, opened, time.time())
        log.info("opened s3://%s/%s as a local copy (%s)", waiting.bucket, waiting.key, t.verified)
        self.opened.emit(waiting.request, opened)

    def _adopt(self, opened: OpenedFile, seen: CopyState | None) -> None:
        path = opened.local_path
        self._opened[path] = opened
        if seen is not None:
            self._seen[path] = seen
        self._offered[path] = set()
        self._watch(path)
        self._poll.start()

    # -- watching -----------------------------------------------------------------------

    def _watch(self, path: str) -> None:
        """Watch the copy and its folder: editors that save by rename replace the file,
        which ends a watch on the file itself."""
        folder = os.path.dirname(path)
        if folder not in self._watcher.directories():
            self._watcher.addPath(folder)
        if path not in self._watcher.files() and os.path.exists(path):
            self._watcher.addPath(path)

    def _on_watcher_changed(self, _path: str) -> None:
        self._settle.start()  # restarts: only the last change of a burst counts

    def check_copies(self) -> None:
        """Look at every copy now (the settle timer calls it; so may tests)."""
        for path in list(self._opened):
            self._runner.spawn(self.check_copy(path), name="check-opened-copy")

    async def check_copy(self, path: str) -> ChangedCopy | None:
        """Hash the copy at `path` if it looks changed; the change offered (copy_changed), if any."""
        opened = self._opened.get(path)
        if opened is None:
            return None
        now = await self._runner.run(self.copies.snapshot, path)
        if now is not None:
            self._watch(path)
        if now is None or not looks_changed(opened, now) or now == self._seen.get(path):
            return None
        self._seen[path] = now
        try:
            md5 = await self._runner.run(self.copies.md5, path)
        except SpacesError as exc:  # being written, or gone again: the next change checks anew
            log.info("could not hash the opened copy %s: %s", path, exc.message)
            self._seen.pop(path, None)
            return None
        opened = self._opened.get(path, opened)  # an upload may have finished meanwhile
        offered = self._offered.setdefault(path, set())
        if md5 == opened.md5 or md5 in offered:
            return None
        offered.add(md5)
        change = ChangedCopy(opened, md5, now)
        self.copy_changed.emit(change)
        return change

    # -- uploading ----------------------------------------------------------------------

    def upload_change(self, change: ChangedCopy, *, replace_anyway: bool = False) -> None:
        """Upload the copy over its object (keeping the object's headers and access).

        Unless `replace_anyway`, an object changed on the server since the copy was opened
        is left alone and `server_changed` says so.
        """
        self._runner.spawn(self._upload(change, replace_anyway), name="upload-opened-copy")

    def upload_change_as_new(self, change: ChangedCopy) -> None:
        """Upload the copy beside its object, as the first free "name (N).ext"; the copy then
        belongs to that new object."""
        self._runner.spawn(self._upload_as_new(change), name="upload-opened-copy-as-new")

    async def _upload(self, change: ChangedCopy, replace_anyway: bool) -> None:
        opened = change.opened
        expected = "" if replace_anyway else opened.etag
        try:
            plan = await self._transfers.plan_replace(
                opened.account_id, opened.bucket, opened.key, opened.local_path, expected
            )
            self._queue_upload(change, plan)
        except ObjectChanged as exc:
            log.warning("%s (%s)", exc.message, exc.detail)
            self.server_changed.emit(change, exc.message)
        except SpacesError as exc:
            self._upload_failed(change, exc.message)
        except KeyError:
            self._upload_failed(change, "its account was removed.")

    async def _upload_as_new(self, change: ChangedCopy) -> None:
        opened = change.opened
        try:
            key = await self._transfers.free_key(opened.account_id, opened.bucket, opened.key)
            plan = await self._transfers.plan_replace(
                opened.account_id, opened.bucket, key, opened.local_path
            )
            self._queue_upload(change, plan)
        except SpacesError as exc:
            self._upload_failed(change, exc.message)
        except KeyError:
            self._upload_failed(change, "its account was removed.")

    def _queue_upload(self, change: ChangedCopy, plan: Plan) -> None:
        t = plan.transfers[0]
        self._waiting[t.id] = _Waiting("", change.opened.account_id, change.opened.bucket, t.key, change)
        self._transfers.queue_now(plan)

    async def _uploaded(self, change: ChangedCopy, t: Transfer) -> None:
        if t.state != TransferState.DONE:
            self._upload_failed(change, t.error or f"the upload was {t.state.value}")
            return
        path, sent = change.opened.local_path, CopyState(t.size, t.local_mtime_ns)
        md5 = change.md5
        if sent != change.state:  # the file was saved again before the upload read it
            try:
                if await self._runner.run(self.copies.snapshot, path) == sent:
                    md5 = await self._runner.run(self.copies.md5, path)
            except SpacesError as exc:
                log.info("could not hash the uploaded copy %s: %s", path, exc.message)
        baseline = replace(change.opened, key=t.key, md5=md5, state=sent, etag=strip_etag(t.remote_etag))
        self._opened[path] = baseline
        await self._runner.run(self.copies.write_record, baseline, time.time())
        log.info("uploaded the edited copy of s3://%s/%s (%s)", baseline.bucket, baseline.key, t.verified)
        self.uploaded.emit(baseline)
        self._settle.start()  # the copy may have changed again while it was uploading

    def _upload_failed(self, change: ChangedCopy, why: str) -> None:
        self._offered.get(change.opened.local_path, set()).discard(change.md5)  # may be offered again
        self._seen.pop(change.opened.local_path, None)
        message = f"The new version of “{change.opened.name}” was not uploaded: {why}"
        log.warning("%s", message)
        self.upload_failed.emit(change, message)

    # -- cleaning -----------------------------------------------------------------------

    def _changed(self, opened: OpenedFile, now: CopyState | None) -> bool:
        """Whether the copy's bytes differ from its baseline (hashed only if it looks changed)."""
        if not looks_changed(opened, now):
            return False
        try:
            return self.copies.md5(opened.local_path) != opened.md5
        except SpacesError:
            return True  # unreadable now: never judged unchanged, so never removed

    def _judge_on_disk(self, now: float, skip: frozenset[str]) -> list[tuple[CopyOnDisk, CopyFate]]:
        """Decide on, and remove, the copies in the cache. Worker thread."""
        judged = []
        for copy in self.copies.copies_on_disk():
            opened = copy.opened
            if opened is not None and opened.local_path in skip:
                continue  # opened in this run: watched, cleaned at quit
            changed = opened is not None and self._changed(opened, copy.state)
            fate = copy_fate(copy, changed, now)
            if fate == CopyFate.REMOVE and opened is not None and copy.state is not None:
                fate = copy_fate(copy, changed, now, in_use=self.copies.in_use(opened.local_path))
            if fate == CopyFate.REMOVE:
                try:
                    self.copies.remove(copy.folder)
                except SpacesError as exc:
                    log.warning("%s", exc.message)
                    continue
            judged.append((copy, fate))
        return judged

    async def sweep(self) -> list[tuple[CopyOnDisk, CopyFate]]:
        """Clean the cache of opened copies; take back the changed ones and offer them again."""
        judged = await self._runner.run(self._judge_on_disk, time.time(), frozenset(self._opened))
        removed = sum(1 for _, fate in judged if fate == CopyFate.REMOVE)
        if removed:
            log.info("removed %d opened copies nobody changed for a day", removed)
        for copy, fate in judged:
            if fate == CopyFate.KEEP_CHANGED and copy.opened is not None:
                log.warning(
                    "the opened copy of s3://%s/%s has changes that were not uploaded: kept, and offered again",
                    copy.opened.bucket, copy.opened.key,
                )  # fmt: skip
                self._adopt(copy.opened, None)
        if any(fate == CopyFate.KEEP_CHANGED for _, fate in judged):
            self.check_copies()
        return judged

    def stop(self) -> None:
        """Stop looking at the copies (GUI thread, at quit). Cheap: no file is read or removed.

        This run's copies stay, with their records: the next start's sweep removes those
        nobody changed once a day old, and offers the changed ones for upload again.
        """
        self._poll.stop()
        self._settle.stop()
