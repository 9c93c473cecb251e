"""The transfer queue as the GUI sees it: plan, ask about conflicts, run, report on a timer.

Every method is called on the GUI thread. Planning (walking folders, listing what
exists) runs on the task runner's workers; the engine moves bytes on its own threads;
a timer collects what changed and emits it at most five times a second.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from spacesgui.core.conflicts import ConflictPolicy
from spacesgui.core.errors import SpacesError
from spacesgui.core.formatting import human_count
from spacesgui.core.local_ports import LocalFiles
from spacesgui.core.ports import ObjectStore, PreferenceStore, TransferJournal
from spacesgui.core.throughput_history import Sample, ThroughputHistory
from spacesgui.core.transfer_settings import EngineSettings
from spacesgui.core.transfers import (
    Direction,
    Totals,
    Transfer,
    TransferGroup,
    TransferState,
    changed_folders,
)
from spacesgui.core.upload_plan import DEFAULT_SKIP_PATTERNS
from spacesgui.services.account_service import AccountService
from spacesgui.services.activity_service import TransferActivity
from spacesgui.services.engine_client import STILL_DOWN, EngineStopped
from spacesgui.services.pending_uploads import PendingUploads
from spacesgui.services.queue_engine import QueueEngine
from spacesgui.services.queue_mirror import QueueMirror
from spacesgui.services.replace_plan import free_key, replacing_upload
from spacesgui.services.runner import TaskRunner
from spacesgui.services.transfer_decisions import AskConflict, add_queue_conflicts, settle
from spacesgui.services.transfer_decisions import apply as apply_decisions
from spacesgui.services.transfer_keys import TransferKeys
from spacesgui.services.transfer_notices import ENGINE_DIED, not_queued_notice, paused_notice
from spacesgui.services.transfer_planner import (
    Conflict,
    DownloadItem,
    Plan,
    local_md5,
    plan_download,
    plan_upload,
)

log = logging.getLogger(__name__)

FLUSH_MS = 200
# After each flush, workers start no new request for this long: the repaint that follows
# needs the GIL (see TransferEngine.yield_to_gui). A tenth of the flush interval at most.
GUI_YIELD_S = 0.02
PAUSED_TITLE = "Transfers paused"  # the start-up notice the window offers Resume All with
PREF_ENGINE, PREF_SKIP, PREF_CONFLICTS = "transfers", "skip_patterns", "conflict_policy"
PREF_DOWNLOADS = "download_folder"


@dataclass(frozen=True, slots=True)
class QueueStatus:
    """One progress report: the engine's totals and the last minutes of throughput."""

    totals: Totals
    # Bytes per second of all running transfers. The service leaves it 0: the Transfers
    # panel measures it from its rows (TransferModel.speed), so status bar and rows agree.
    speed: float = 0.0
    history: tuple[Sample, ...] = ()  # bytes moved in each of the last whole seconds, oldest first


class TransferService(QObject):
    """Owns the engine; see the module docstring for threads. `pending` handles uploads left
    on the server (services/pending_uploads.py), `keys` the keys transfers run with."""

    transfers_changed = Signal(object)  # list[Transfer] (copies)
    groups_added = Signal(object)  # list[TransferGroup]
    transfers_removed = Signal(object)  # list[str] transfer ids
    status_changed = Signal(object)  # QueueStatus
    objects_changed = Signal(str, str, object)  # account id, bucket, frozenset of prefixes to refresh
    notice = Signal(str, str)  # title, message: something the user should read
    engine_stopped = Signal(str)  # message: the transfer process died; restart_engine() starts another
    engine_restarted = Signal(int)  # how many interrupted transfers were resumed
    _engine_died = Signal()  # from the engine's watcher thread; delivered on the GUI thread

    def __init__(
        self,
        runner: TaskRunner,
        accounts: AccountService,
        engine: QueueEngine,
        local: LocalFiles,
        journal: TransferJournal | None = None,
        preferences: PreferenceStore | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._journal = journal  # None when the engine owns it (in the transfer process)
        self._preferences = preferences
        self._runner = runner
        self._accounts = accounts
        self.engine = engine
        self._local = local
        self.skip_patterns: tuple[str, ...] = DEFAULT_SKIP_PATTERNS
        self.conflict_policy = ConflictPolicy.ASK
        self.download_folder = ""  # where Download saves; "" = the platform's Downloads folder
        self.history = ThroughputHistory()
        self._clock = time.monotonic
        self._mirror = QueueMirror()  # the queue as the engine last reported it
        self._interrupted: list[str] = []  # running or queued when the transfer process died
        self._restarting = False
        self._stopping = threading.Event()
        self.keys = TransferKeys(accounts, engine)
        self.pending = PendingUploads(runner, accounts, engine, local, self._mirror, self.flush)
        self._timer = QTimer(self)
        self._timer.setInterval(FLUSH_MS)
        self._timer.timeout.connect(self.flush)
        self._activity = TransferActivity(accounts.activity)  # each transfer recorded when it ends
        self.transfers_changed.connect(self._activity.on_transfers_changed)
        # Queued always: emitted on the watcher thread, or here if the child already died, and
        # then only handled once the window is wired to hear engine_stopped.
        self._engine_died.connect(self._on_engine_died, Qt.ConnectionType.QueuedConnection)
        watch = getattr(engine, "watch_death", None)
        if watch is not None:
            watch(self._engine_died.emit)

    @property
    def stopping(self) -> threading.Event:
        """Set when the app quits: a listing being planned stops at its next page."""
        return self._stopping

    def load_preferences(self) -> None:
        """Take engine settings, skip patterns and the conflict policy from saved preferences."""
        if self._preferences is None:
            return
        saved = self._preferences.get_preference(PREF_ENGINE, {})
        self.engine.apply_settings(EngineSettings.from_dict(saved if isinstance(saved, dict) else {}))
        patterns = self._preferences.get_preference(PREF_SKIP, list(DEFAULT_SKIP_PATTERNS))
        if isinstance(patterns, list):
            self.skip_patterns = tuple(str(p) for p in patterns)
        try:
            self.conflict_policy = ConflictPolicy(self._preferences.get_preference(PREF_CONFLICTS, "ask"))
        except ValueError:
            self.conflict_policy = ConflictPolicy.ASK
        folder = self._preferences.get_preference(PREF_DOWNLOADS, "")
        self.download_folder = folder if isinstance(folder, str) else ""

    def set_download_folder(self, folder: str) -> None:
        """Save downloads in `folder` from now on ("" = the platform's Downloads) and remember it."""
        self.download_folder = folder
        if self._preferences is not None:
            self._preferences.set_preference(PREF_DOWNLOADS, folder)

    def save_preferences(
        self, settings: EngineSettings, skip_patterns: tuple[str, ...], policy: ConflictPolicy
    ) -> None:
        """Use these from now on (running transfers keep their parts) and remember them."""
        self.engine.apply_settings(settings)
        self.skip_patterns, self.conflict_policy = skip_patterns, policy
        if self._preferences is not None:
            self._preferences.set_preference(PREF_ENGINE, self.engine.settings.to_dict())
            self._preferences.set_preference(PREF_SKIP, list(skip_patterns))
            self._preferences.set_preference(PREF_CONFLICTS, policy.value)

    def start(self) -> None:
        """Load what the journal kept from last time (paused) in the background, then report."""
        self.load_preferences()
        self._runner.spawn(self._restore(), name="restore-transfers")

    async def _restore(self, *, restarted: bool = False) -> list[Transfer] | None:
        try:
            groups, transfers = await self._runner.run(self.engine.restore)
        except SpacesError as exc:
            if not self.engine_down:  # a dead process has its own banner (engine_stopped)
                self.notice.emit(exc.title, exc.message)
            return None
        notice = getattr(self._journal, "notice", "") or getattr(self.engine, "journal_notice", "")
        if notice:
            self.notice.emit("Transfer history", notice)
        self._mirror.remember(transfers)
        if groups:
            self.groups_added.emit(groups)
        if transfers:
            self.transfers_changed.emit(transfers)
            self._command(lambda: self.keys.take_restored(transfers))
            unfinished = [t for t in transfers if not t.state.finished]
            if unfinished and not restarted:
                self.notice.emit(PAUSED_TITLE, paused_notice(unfinished, groups))
        self._timer.start()
        return transfers

    # ------------------------------------------------------------ the transfer process

    @property
    def engine_down(self) -> bool:
        """The transfer process died and was not restarted yet."""
        return bool(getattr(self.engine, "dead", False))

    def _on_engine_died(self) -> None:
        """The transfer process ended unasked (GUI thread): show its rows stopped, say so."""
        if self._stopping.is_set():
            return
        self.flush()  # what it reported before dying
        self._timer.stop()
        interrupted = [t for t in self._mirror.latest.values() if t.state.active]
        self._interrupted = [t.id for t in interrupted]
        stopped = []
        for t in interrupted:
            shown = t.copy()
            shown.state = TransferState.PAUSED
            stopped.append(shown)
        if stopped:
            self._mirror.note(stopped)
            self.transfers_changed.emit(stopped)
        now = self._clock()  # nothing moves now: the status bar and the graph say so
        self.status_changed.emit(
            QueueStatus(Totals(0, 0, 0, 0, 0, 0), history=tuple(self.history.samples(now)))
        )
        self.engine_stopped.emit(ENGINE_DIED)

    def restart_engine(self) -> None:
        """Start a new transfer process; it takes up the journal and resumes what was running."""
        if self._restarting or not self.engine_down:
            return  # a second click, or the menu after the banner: one restart at a time
        self._restarting = True
        self._runner.spawn(self._restart(), name="restart-transfers")

    async def _restart(self) -> None:
        try:
            await self._restart_engine()
        finally:
            self._restarting = False

    async def _restart_engine(self) -> None:
        shown = set(self._mirror.latest)  # unfinished rows the panel shows
        restart: Callable[[], None] | None = getattr(self.engine, "restart", None)
        if restart is None:
            self.notice.emit("Transfers stopped", "Restart spacesgui to start transfers again.")
            return
        try:
            await self._runner.run(restart)
        except SpacesError as exc:
            self.notice.emit(exc.title, exc.message)
            return
        self._mirror.clear_groups()  # rebuilt from the journal
        transfers = await self._restore(restarted=True)
        if transfers is None:
            return
        journaled = {t.id: t for t in transfers}
        lost = sorted(shown - set(journaled))  # never journaled: the process died taking them
        if lost:
            self._mirror.forget(lost)
            self.transfers_removed.emit(lost)
            self.notice.emit("Not queued", not_queued_notice(len(lost)))
        again = [i for i in self._interrupted if i in journaled and not journaled[i].state.finished]
        self._interrupted = []
        if again:
            self.resume(again)
        self.engine_restarted.emit(len(again))

    def shutdown(self) -> None:
        """Stop running transfers where they are (the journal resumes them next time)."""
        self._stopping.set()  # a listing being planned stops at its next page
        self._timer.stop()
        self.engine.shutdown()
        if self._journal is not None:
            self._journal.close()

    def accounts_changed(self) -> None:
        """Keys may have changed: the engine asks for them again when next needed, and
        transfers of a gone account go to a new account with the same keys."""
        forget = getattr(self.engine, "forget_accounts", None)
        try:
            if forget is not None:
                forget()
            if self.keys.adopt():
                self.flush()
        except SpacesError as exc:
            log.warning("could not pass new keys to the transfer process: %s", exc.message)

    def prepare(self, account_id: str) -> None:
        """The user browses this account: its keys go to the transfer process now, which builds
        its store meanwhile (a client and the fast data path, 0.3–0.8 s of that process's
        time at first), so the first drop does not wait for it."""
        self._runner.spawn(self._send_keys(account_id), name="send-keys")

    # ------------------------------------------------------------ planning

    async def upload(
        self, account_id: str, bucket: str, prefix: str, paths: list[str], ask: AskConflict
    ) -> int:
        """Queue uploads of local `paths` into `prefix`; returns how many files were queued."""
        account = self._accounts.account(account_id)
        store = await self._accounts.store(account_id)
        # The transfer process builds the account's store while the drop is planned, if it has
        # not since the account was browsed (never awaited here: planning and the conflict
        # questions do not wait for that process).
        self.prepare(account_id)
        plan = await self._runner.run(
            plan_upload,
            store,
            self._local,
            account,
            bucket,
            prefix,
            paths,
            self.skip_patterns,
            self._stopping,
        )
        return await self._finish_plan(plan, store, ask)

    async def download(
        self, account_id: str, bucket: str, items: list[DownloadItem], destination: str, ask: AskConflict
    ) -> int:
        """Queue downloads of `items` into the local folder `destination`."""
        account = self._accounts.account(account_id)
        store = await self._accounts.store(account_id)
        plan = await self._runner.run(
            plan_download, store, self._local, account, bucket, items, destination, self._stopping
        )
        return await self._finish_plan(plan, store, ask)

    def download_now(
        self, account_id: str, bucket: str, items: list[DownloadItem], destination: str, timeout: float
    ) -> list[str]:
        """Download `items` into an empty `destination` and wait; the local paths of what arrived.

        Blocks the calling (GUI) thread: only for drags out of the window, where the drop
        target waits for the files anyway, and only for small selections.
        """
        account = self._accounts.account(account_id)
        store = self._accounts.store_blocking(account_id)
        plan = plan_download(store, self._local, account, bucket, items, destination)
        self._mirror.remember(plan.transfers)
        self.engine.add(plan.groups, plan.transfers)
        ids = [t.id for t in plan.transfers]
        if not self.engine.wait_finished(ids, timeout):
            self.engine.cancel(ids)
            self.notice.emit(
                "Drag cancelled",
                f"The dragged files did not arrive within {timeout:.0f} s (the queue is busy or the "
                "connection slow). Use Download… to choose a folder instead.",
            )
            return []
        done = {t.id: t for t in self.engine.transfers() if t.id in set(ids)}
        return [t.local_path for t in plan.transfers if done.get(t.id, t).state == TransferState.DONE]

    async def plan_download_into(
        self, account_id: str, bucket: str, items: list[DownloadItem], destination: str
    ) -> Plan:
        """Plan downloads of `items` into an empty folder `destination` (nothing to ask about);
        `queue_now` runs it once the caller knows the transfer ids it will follow."""
        account = self._accounts.account(account_id)
        store = await self._accounts.store(account_id)
        return await self._runner.run(
            plan_download, store, self._local, account, bucket, items, destination, self._stopping
        )

    async def plan_replace(
        self, account_id: str, bucket: str, key: str, local_path: str, expected_etag: str = ""
    ) -> Plan:
        """Plan an upload of `local_path` over `key`, keeping the object's Content-Type,
        Cache-Control, metadata and access (see services/replace_plan.py). ObjectChanged
        when `expected_etag` is given and the object's ETag is another now."""
        account = self._accounts.account(account_id)
        store = await self._accounts.store(account_id)
        t = await self._runner.run(
            replacing_upload, store, self._local, account, bucket, key, local_path, expected_etag
        )
        return Plan(transfers=[t])

    async def free_key(self, account_id: str, bucket: str, key: str) -> str:
        """The first "name (N).ext" beside `key` no object has yet."""
        store = await self._accounts.store(account_id)
        return await self._runner.run(free_key, store, bucket, key)

    def queue_now(self, plan: Plan) -> None:
        """Journal and queue a plan as it is (its conflicts are not asked about)."""
        for note in plan.notes:
            log.warning("%s", note)
        if plan.notes:
            self.notice.emit("Some names need your attention", "\n".join(plan.notes))
        self.engine.add(plan.groups, plan.transfers)
        self._mirror.remember(plan.transfers)
        if plan.groups:
            self.groups_added.emit(plan.groups)
        self.flush()

    async def queue_plan(self, plan: Plan, store: ObjectStore, ask: AskConflict, done: str = "") -> int:
        """Settle a plan's conflicts (asking), then journal and queue it; how many were queued.

        `done` names the operation when it is not a transfer ("renamed", "moved", "copied"),
        for what a cancelled question says.
        """
        return await self._finish_plan(plan, store, ask, done)

    async def _finish_plan(self, plan: Plan, store: ObjectStore, ask: AskConflict, done: str = "") -> int:
        if self.engine_down:  # before asking about conflicts: nothing could be queued
            raise EngineStopped(STILL_DOWN)
        add_queue_conflicts(plan, self.queued_targets())
        decisions = await settle(plan, self.conflict_policy, ask, self._fill_md5)
        if decisions is None:
            if done:
                self.notice.emit(f"Nothing was {done}", "Cancelled: everything is as it was.")
                return 0
            count = sum(1 for t in plan.transfers if t.state == TransferState.QUEUED)
            self.notice.emit(
                "Transfer cancelled", f"Nothing was queued ({human_count(count, 'file')} left as they were)."
            )
            return 0
        await self._runner.run(apply_decisions, plan, decisions, store, self._local)
        for note in plan.notes:
            log.warning("%s", note)
        if plan.notes:
            self.notice.emit("Some names need your attention", "\n".join(plan.notes))
        queued = sum(1 for t in plan.transfers if t.state == TransferState.QUEUED)  # before any starts
        # Mirrored before the engine has them, so a report that arrives while the plan is
        # being handed over is the newer word; the hand-over runs on a worker thread (the
        # engine journals the plan before answering) so the GUI thread never waits for it.
        self._mirror.remember(plan.transfers)
        if plan.groups:
            self.groups_added.emit(plan.groups)
        try:
            await self._runner.run(self.engine.add, plan.groups, plan.transfers)
        except SpacesError:
            self._mirror.forget(t.id for t in plan.transfers)
            self._mirror.forget_groups(g.id for g in plan.groups)
            # Rows the panel got (the folder's) go again: nothing was queued, nothing waits.
            self.transfers_removed.emit([g.id for g in plan.groups] + [t.id for t in plan.transfers])
            raise
        self.flush()
        return queued

    async def _send_keys(self, account_id: str) -> None:
        try:
            await self._runner.run(self.engine.send_keys, [account_id])
        except SpacesError as exc:  # queueing the plan says so again, to the user
            log.info("could not hand the keys to the transfer process yet: %s", exc.message)

    async def _fill_md5(self, conflict: Conflict) -> Conflict:
        """The conflict with its local file's MD5 (hashed on a worker thread)."""
        t = conflict.transfer
        if t.direction.on_server:
            return conflict  # no local file: both sides are objects, compared by their ETags
        if t.direction == Direction.UPLOAD:
            md5 = await self._runner.run(local_md5, self._local, t.local_path, conflict.source.size)
            conflict = replace(conflict, source=replace(conflict.source, md5_hex=md5))
            other = conflict.queued
            if other is not None and other.direction == Direction.UPLOAD:
                # An upload queued earlier: its own file says what will be there, unless it
                # changed since (that upload then fails; this one must not be skipped for it).
                now = await self._runner.run(self._local.exists, other.local_path)
                if now is None or (now.size, now.mtime_ns) != (other.size, other.local_mtime_ns):
                    # That upload will fail (its file changed or went): nothing of it will be
                    # there, so this one differs from it whatever its bytes (a size no file has).
                    return replace(conflict, target=replace(conflict.target, size=-1))
                theirs = await self._runner.run(local_md5, self._local, other.local_path, other.size)
                conflict = replace(conflict, target=replace(conflict.target, md5_hex=theirs))
            return conflict
        md5 = await self._runner.run(local_md5, self._local, t.local_path, conflict.target.size)
        return replace(conflict, target=replace(conflict.target, md5_hex=md5))

    def unfinished(self, ids: Iterable[str]) -> set[str]:
        """Which of `ids` had not ended at the engine's last report (GUI thread, no waiting)."""
        return self._mirror.unfinished(ids)

    def queued_targets(self) -> dict[tuple[str, ...], Transfer]:
        """What unfinished transfers will write (see target_of), each with its transfer, from
        the engine's last report: answered on the GUI thread without asking the engine."""
        return self._mirror.targets()

    # ------------------------------------------------------------ actions

    def expand(self, ids: Iterable[str]) -> list[str]:
        """Transfer ids for `ids`, where a group id stands for all of its files."""
        return self._mirror.expand(ids)

    def _command(self, action: Callable[[], None]) -> None:
        """Run a queue command; a failure (the transfer process gone) is told, not raised."""
        try:
            action()
        except SpacesError as exc:
            log.warning("%s: %s", exc.title, exc.message)
            self.notice.emit(exc.title, exc.message)
            return
        self.flush()

    def pause(self, ids: Iterable[str]) -> None:
        self._command(lambda: self.engine.pause(self.expand(ids)))

    def resume(self, ids: Iterable[str]) -> None:
        """Resume once the transfers' keys are at hand (asking for a secret if needed)."""
        self._runner.spawn(self._when_keys_ready(self.engine.resume, self.expand(ids)), name="resume")

    def cancel(self, ids: Iterable[str]) -> None:
        expanded = self.expand(ids)
        self.keys.forget(expanded)
        self._command(lambda: self.engine.cancel(expanded))

    def retry(self, ids: Iterable[str]) -> None:
        self._runner.spawn(self._when_keys_ready(self.engine.retry, self.expand(ids)), name="retry")

    async def _when_keys_ready(self, verb: Callable[[list[str]], None], ids: list[str]) -> None:
        try:
            runnable, messages = await self.keys.ready(ids)
        except SpacesError as exc:
            self.notice.emit(exc.title, exc.message)
            return
        if messages:
            log.warning("%s", " ".join(messages))
            self.notice.emit("Keys needed", "\n".join(messages))
        if runnable:
            self._command(lambda: verb(runnable))

    def remove_finished(self, ids: Iterable[str]) -> None:
        """Remove from the list the finished transfers among `ids` (a group id: its files).
        A failed one's leftovers go with it (its parts on the server, its .part file)."""
        expanded = self.expand(ids)
        self._command(lambda: self._remove_finished(expanded))

    def _remove_finished(self, ids: list[str]) -> None:
        gone = self.engine.remove_finished(ids)
        self._mirror.removed(set(gone))
        self.transfers_removed.emit(gone)

    def group(self, group_id: str) -> TransferGroup | None:
        return self.engine.group(group_id)

    # ------------------------------------------------------------ reporting

    def flush(self) -> None:
        """Emit what changed since the last flush (timer, GUI thread)."""
        self.engine.yield_to_gui(GUI_YIELD_S)
        try:
            changes = self.engine.take_changes()
            totals = self.engine.totals()
        except SpacesError as exc:
            self._timer.stop()
            self.notice.emit(exc.title, exc.message)
            return
        if changes:
            self._mirror.note(changes)
            self.transfers_changed.emit(changes)
            for (account_id, bucket), prefixes in changed_folders(changes).items():
                self.objects_changed.emit(account_id, bucket, prefixes)
        now = self._clock()
        self.history.record(totals.uploaded, totals.downloaded, now)
        self.status_changed.emit(QueueStatus(totals, history=tuple(self.history.samples(now))))
