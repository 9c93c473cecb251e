"""spacesgui deleting and renaming a folder: the planner, then the TransferEngine, as the app runs them.

In-process and without Qt, as bench_transfer_engine.py runs uploads: an S3Store with the
transfer process's connection pool (`acls=False`: rclone serve s3 keeps no ACLs and must
never be sent an ACL call), a fresh SQLite journal and engine per run, default
EngineSettings unless told. A run is timed from the start of planning (which lists the
folder) until `wait_idle()` returns, then checked over S3 like the peers. Every request
the store's client makes is recorded (operation, when it went out, when its answer was
in and parsed) with each DeleteObjects request's key count, for the profile.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_ops_data import Folder, check_deleted, check_renamed
from bench_ops_peers import DELETE, RENAME
from bench_requests import RequestClock, RequestTimes
from bench_server import Server
from bench_transfer_cpu import CpuClock
from bench_transfer_peers import Run, account_for

from spacesgui.adapters.event_loop import EventLoopThread
from spacesgui.adapters.journal import SqliteJournal
from spacesgui.adapters.local_files import OsLocalFiles
from spacesgui.adapters.s3_fast_data import FastS3Store
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.listing import ObjectRef
from spacesgui.core.transfer_settings import EngineSettings
from spacesgui.core.transfers import Direction, TransferState
from spacesgui.engine import run_queue
from spacesgui.engine.transfer_engine import TransferEngine
from spacesgui.services.operation_planner import CopySource, OperationPlan, plan_copy, plan_delete
from spacesgui.transfer_process import FAST_DATA, MAX_CONNECTIONS

TOOL = "spacesgui engine"
OPERATIONS = ("ListObjectsV2", "ListObjects", "CopyObject", "HeadObject", "DeleteObjects", "DeleteObject",
              "GetBucketAcl", "GetObjectAcl")  # fmt: skip


@dataclass(slots=True)
class Profile:
    """Where one spacesgui run spent its time, and the requests it made."""

    what: str
    plan_s: float = 0.0  # planning: listing the folder (and the target, for a rename)
    add_s: float = 0.0  # engine.add(): journaling every transfer, then queueing them
    run_s: float = 0.0  # from engine.add() returning until the last transfer is done
    transfers: int = 0
    added_at: float = 0.0  # perf_counter() when engine.add() returned
    ended_at: float = 0.0  # perf_counter() when wait_idle() returned
    requests: list[RequestTimes] = field(default_factory=list)
    delete_batches: list[int] = field(default_factory=list)  # keys in each DeleteObjects request
    parallel_operations: int = 0
    max_batch: int = 0  # run_queue.MAX_BATCH during the run

    @property
    def by_operation(self) -> Counter[str]:
        return Counter(r.operation for r in self.requests)

    def peak_in_flight(self, operation: str = "") -> int:
        """The most requests (of `operation`, or any) between being sent and being parsed at once."""
        edges = sorted(
            edge
            for r in self.requests
            if not operation or r.operation == operation
            for edge in ((r.sent, 1), (r.parsed, -1))
        )
        peak = now = 0
        for _at, step in edges:
            now += step
            peak = max(peak, now)
        return peak

    def quiet_s(self) -> float:
        """Seconds of the running phase with no request on the wire or being parsed: the
        engine's own work (and its threads waiting for the GIL)."""
        busy = 0.0
        reach = self.added_at
        for r in sorted(self.requests, key=lambda r: r.sent):
            start, end = max(r.sent, reach), min(r.parsed, self.ended_at)
            if end > start:
                busy += end - start
                reach = end
        return max(0.0, (self.ended_at - self.added_at) - busy)

    def median(self, operation: str, part: Callable[[RequestTimes], float]) -> float | None:
        values = sorted(part(r) for r in self.requests if r.operation == operation)
        return values[len(values) // 2] if values else None

    def span(self, operation: str) -> float:
        """Seconds from the first `operation` request sent to the last one parsed."""
        found = [r for r in self.requests if r.operation == operation]
        return max(r.parsed for r in found) - min(r.sent for r in found) if found else 0.0


class BatchSizes:
    """Records how many keys each DeleteObjects request names, on any thread."""

    def __init__(self, events: Any) -> None:
        self._events = events
        self._lock = threading.Lock()
        self.sizes: list[int] = []
        events.register(
            "before-parameter-build.s3.DeleteObjects", self._on_build, unique_id=f"bench-{id(self)}"
        )

    def _on_build(self, params: dict[str, Any], **_: Any) -> None:
        with self._lock:
            self.sizes.append(len(params.get("Delete", {}).get("Objects", ())))

    def close(self) -> None:
        self._events.unregister(
            "before-parameter-build.s3.DeleteObjects", self._on_build, unique_id=f"bench-{id(self)}"
        )


class FastRequests:
    """Records the requests a FastS3Store sends on its aiohttp path (CopyObject, DeleteObjects…)
    as RequestTimes, and each DeleteObjects request's key count, until `close()`.

    The store's `_send` (a coroutine on its event loop) is wrapped on the instance: sent is
    before it waits for a place under the adaptive limit, answered and parsed when its
    whole body is in (the fast path's XML answers parse in well under a millisecond).
    """

    def __init__(self, store: Any, requests: RequestClock, batches: BatchSizes) -> None:
        self._store = store
        send = store._send

        async def timed(operation: str, bucket: str, method: str, url: str, headers: Any, data: Any) -> Any:
            sent = time.perf_counter()
            if operation == "DeleteObjects" and isinstance(data, bytes):
                with batches._lock:
                    batches.sizes.append(data.count(b"<Object>"))
            try:
                return await send(operation, bucket, method, url, headers, data)
            finally:
                done = time.perf_counter()
                with requests._lock:
                    requests.requests.append(RequestTimes(sent, done, done, operation))

        store._send = timed

    def close(self) -> None:
        del self._store._send  # the class's method again


class OpsEngineRuns:
    """spacesgui's runs against one server: one store (its client connected once), a fresh engine each run."""

    def __init__(
        self, server: Server, scratch: Path, clock: CpuClock, settings: EngineSettings, timeout_s: float
    ) -> None:
        self.account, credentials = account_for(server)
        # What the transfer process builds (transfer_process._Stores): the fast path unless
        # SPACESGUI_FAST_DATA=0 turns it off.
        self._loop = EventLoopThread() if FAST_DATA else None
        self.store = (
            FastS3Store(
                self.account, credentials, loop=self._loop, max_pool_connections=MAX_CONNECTIONS, acls=False
            )
            if self._loop is not None
            else S3Store(self.account, credentials, max_pool_connections=MAX_CONNECTIONS, acls=False)
        )
        self.scratch = scratch
        self.clock = clock
        self.settings = settings
        self.timeout_s = timeout_s
        self._runs = 0
        self.profiles: list[tuple[Run, Profile]] = []  # every run, with where its time went

    def delete(self, folder: Folder) -> Run:
        """Delete the folder as the Delete action does: plan_delete, then the engine."""

        def plan() -> OperationPlan:
            return plan_delete(
                self.store, self.account, folder.bucket, [ObjectRef(folder.prefix, is_folder=True)]
            )

        return self._run(DELETE, plan, lambda: check_deleted(self.store.client, folder))

    def rename(self, folder: Folder, new_prefix: str) -> Run:
        """Rename the folder as F2 does: a MOVE into the same parent under a new name."""
        old_name, new_name = folder.prefix.rstrip("/"), new_prefix.rstrip("/")
        if "/" in old_name or "/" in new_name:
            raise ValueError("the benchmark renames a folder at the top of its bucket")

        def plan() -> OperationPlan:
            return plan_copy(
                self.store, self.account, Direction.MOVE, CopySource(self.store, folder.bucket),
                [ObjectRef(folder.prefix, is_folder=True)], folder.bucket, "", names={folder.prefix: new_name},
            )  # fmt: skip

        return self._run(RENAME, plan, lambda: check_renamed(self.store.client, folder, new_prefix))

    def _run(
        self, what: str, plan_fn: Callable[[], OperationPlan], check: Callable[[], tuple[str, str]]
    ) -> Run:
        self._runs += 1
        journal = SqliteJournal(str(self.scratch / f"ops-engine-{self._runs}.sqlite3"))
        engine = TransferEngine(lambda _account_id: self.store, journal, OsLocalFiles(), self.settings)
        profile = Profile(
            what, parallel_operations=engine.settings.parallel_operations, max_batch=run_queue.MAX_BATCH
        )
        requests = RequestClock(self.store.client.meta.events, OPERATIONS)
        batches = BatchSizes(self.store.client.meta.events)
        fast = FastRequests(self.store, requests, batches) if isinstance(self.store, FastS3Store) else None
        try:
            self.clock.start()
            start = time.perf_counter()
            plan = plan_fn()
            planned = time.perf_counter()
            if plan.conflicts or plan.merges:
                raise RuntimeError(
                    f"the plan has {len(plan.conflicts)} conflicts and {len(plan.merges)} merges"
                )
            engine.add(plan.groups, plan.transfers)
            added = time.perf_counter()
            finished = engine.wait_idle(self.timeout_s)
            ended = time.perf_counter()
            cpu = self.clock.stop()
            left = [t for t in engine.transfers() if t.state != TransferState.DONE]
        except Exception as exc:
            return Run(TOOL, what, error=f"failed: {exc}")
        finally:
            engine.shutdown()
            journal.close()
            requests.close()
            batches.close()
            if fast is not None:
                fast.close()
        profile.plan_s, profile.add_s, profile.run_s = planned - start, added - planned, ended - added
        profile.added_at, profile.ended_at = added, ended
        profile.transfers = len(plan.transfers)
        profile.requests, profile.delete_batches = requests.requests, batches.sizes
        if not finished:
            run = Run(TOOL, what, None, None, cpu, error=f"not finished after {self.timeout_s:.0f} s")
        elif left:
            first = left[0]
            run = Run(TOOL, what, None, None, cpu,
                      error=f"{len(left)} transfers ended {first.state.value}, e.g. {first.key}: {first.error}")  # fmt: skip
        else:
            checked, error = check()
            run = Run(TOOL, what, cpu.wall_s, None, cpu, checked, error)
        self.profiles.append((run, profile))
        return run

    def warm_up(self, bucket: str) -> None:
        """Open the store's connections (on the fast path: its session) before anything is timed."""
        self.store.client.put_object(Bucket=bucket, Key="warm/engine", Body=b"x")
        listed = next(iter(self.store.iter_objects(bucket, "warm/engine")))
        self.store.copy_listed(
            bucket, listed.key, bucket, "warm/engine-copy", size=listed.size, etag=listed.etag
        )
        self.store.delete_objects(bucket, ["warm/engine", "warm/engine-copy"])

    def close(self) -> None:
        self.store.close()
        if self._loop is not None:
            self._loop.close()
