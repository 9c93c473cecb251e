"""The GUI thread while spacesgui uploads: the real window, offscreen, on a qasync loop.

Builds the app as spacesgui does (`build_app`, a session-only account, no keyring),
opens the destination Space, shows the Transfers dock, and uploads the small-file tree
and then the big file through `TransferService.upload()`, the path a drop takes. A 5 ms
timer on the GUI thread records the gaps between its ticks all along: a long gap is a
frozen window. Import after QT_QPA_PLATFORM is set (transfers.py does that).
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import qInstallMessageHandler
from PySide6.QtWidgets import QApplication  # before qasync, so it picks PySide6

# isort: split
import qasync
from bench_gui import SETTLE_S, _drain, _until
from bench_qt import (
    STALL_TICK_MS,
    GcProbe,
    StallProbe,
    Stalls,
    StallSampler,
    emit_steals_true,
    keep_true_alive,
    quiet_qt,
    stalls,
)
from bench_qt import where as _where
from bench_server import BenchError, Server
from bench_transfer_data import BigFile, SmallTree
from bench_transfer_peers import account_for, app_client, check_big_object, check_small

from spacesgui.app import App, build_app
from spacesgui.core.folder_node import LoadState
from spacesgui.core.history import Place
from spacesgui.core.transfers import TransferState
from spacesgui.services.transfer_decisions import ConflictAnswer
from spacesgui.services.transfer_planner import Conflict

SMALL_BUCKET, BIG_BUCKET = "gui-small", "gui-big"
STALL_LIMIT_S = 0.05  # stalls longer than this get their stacks reported
AFTER_S = 0.5  # keep ticking this long after the last upload, for the last flush and refresh


@dataclass(slots=True)
class Phase:
    name: str
    start_s: float  # from the probe's start
    end_s: float
    files: int
    size: int

    @property
    def seconds(self) -> float:
        return self.end_s - self.start_s


@dataclass(slots=True)
class GuiTransfers:
    emit_loss: int  # references to True lost per 100 Signal.emit() (PySide6 bug check)
    phases: list[Phase]
    gaps_s: list[float]
    gap_ends_s: list[float]  # when each gap ended, from the probe's start
    checked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    tick_s: float = STALL_TICK_MS / 1000
    # Innermost GUI-thread frames sampled during stalls over the target: (frames, samples).
    stall_stacks: list[tuple[str, int]] = field(default_factory=list)
    stall_samples: int = 0
    # The longest stalls, each with its start (from the probe's start) and its sampled frames.
    worst_stacks: list[tuple[float, float, list[tuple[str, int]]]] = field(default_factory=list)
    stalls: Stalls | None = None  # wall and the GUI thread's on-CPU time, the worst named
    collections: str = ""  # the garbage collections in the GUI process while transferring

    @property
    def stall_max_s(self) -> float:
        return max(self.gaps_s, default=0.0)

    @property
    def stall_p99_s(self) -> float:
        if len(self.gaps_s) < 2:
            return self.stall_max_s
        return statistics.quantiles(self.gaps_s, n=100, method="inclusive")[98]

    def worst(self) -> tuple[float, float]:
        """(length, start from the probe's start) of the longest gap."""
        if not self.gaps_s:
            return 0.0, 0.0
        index = max(range(len(self.gaps_s)), key=self.gaps_s.__getitem__)
        return self.gaps_s[index], self.gap_ends_s[index] - self.gaps_s[index]

    def phase_at(self, start_s: float, length_s: float = 0.0) -> str:
        """The upload a gap from `start_s` fell in, by its middle (a gap may begin just before a call)."""
        middle = start_s + length_s / 2
        for phase in self.phases:
            if phase.start_s <= middle <= phase.end_s:
                return f"{phase.name}, {max(0.0, start_s - phase.start_s):.2f} s in"
        return "between uploads" if self.phases and middle < self.phases[-1].end_s else "after the uploads"

    def stalls_over(self, limit_s: float) -> int:
        return sum(1 for gap in self.gaps_s if gap > limit_s)

    def phase_stall_max_s(self, phase: Phase) -> float:
        inside = [g for g, end in zip(self.gaps_s, self.gap_ends_s, strict=True)
                  if end - g < phase.end_s and end > phase.start_s]  # fmt: skip
        return max(inside, default=0.0)

    def gui_busy_s(self) -> float:
        return sum(max(0.0, gap - self.tick_s) for gap in self.gaps_s)


async def _no_conflicts(conflict: Conflict, remaining: int) -> ConflictAnswer | None:
    """The conflict question: the Spaces are fresh, so any question cancels (and shows up as 0 queued)."""
    return None


async def _upload(
    app: App, probe_start: float, name: str, account_id: str, bucket: str, paths: list[str],
    files: int, size: int, timeout_s: float,
) -> Phase:  # fmt: skip
    engine = app.transfers.engine
    start = time.perf_counter()
    await app.transfers.upload(account_id, bucket, "", paths, _no_conflicts)
    # Waiting on a worker thread: polling from here would contend for the engine's lock.
    idle = await asyncio.get_running_loop().run_in_executor(None, engine.wait_idle, timeout_s)
    if not idle:
        raise BenchError(f"the {name} upload did not finish within {timeout_s:.0f} s")
    end = time.perf_counter()
    # Counted here, not from upload()'s return value: that counts the transfers still QUEUED
    # after the engine has started the first ones, so it comes back short (0 for up to 16 files).
    # On a worker too: engine.transfers() asks the transfer process and waits for its answer,
    # which the stall probe would otherwise count as the window's.
    everything = await asyncio.get_running_loop().run_in_executor(None, engine.transfers)
    mine = [t for t in everything if t.bucket == bucket]
    if len(mine) != files:
        raise BenchError(f"spacesgui planned {len(mine):,} uploads for the {name}, expected {files:,}")
    failed = [t for t in mine if t.state != TransferState.DONE]
    if failed:
        raise BenchError(
            f"{len(failed)} uploads did not finish: {failed[0].key} {failed[0].state}: {failed[0].error}"
        )
    return Phase(name, start - probe_start, end - probe_start, files, size)


async def _measure(app: App, server: Server, tree: SmallTree, big: BigFile, timeout_s: float) -> GuiTransfers:
    account, credentials = account_for(server)
    app.window.show()
    app.accounts.add_account(account, credentials.secret_access_key, remember=False)
    panel = app.window.account_panel
    await _until(
        lambda: (item := panel.model.account_item(account.id)) is not None and item.rowCount() > 0,
        SETTLE_S,
        "the account's Spaces",
    )
    # As a user would: the destination Space is open, the Transfers dock shows the queue.
    app.window.navigate(Place(account.id, SMALL_BUCKET, ""))
    await _until(lambda: app.window.model.root.state == LoadState.LOADED, SETTLE_S, "the empty Space to open")
    if app.window.transfer_actions is not None:
        app.window.transfer_actions.dock.show()
    # A user's drop comes seconds after the start, when the transfer process is up and has
    # the keys of the account being browsed (it builds its store as they come): wait for
    # that, so the figure is the drop's and not the process's start.
    engine: Any = app.transfers.engine
    await _until(
        lambda: account.id in engine.accounts_sent, SETTLE_S, "the transfer process to take the keys"
    )
    await asyncio.sleep(0.5)
    probe = StallProbe()
    probe.start()
    sampler = StallSampler(probe)
    sampler.start()
    collected = GcProbe()
    collected.start()
    started = probe.ticks[0]
    small = await _upload(app, started, "small files", account.id, SMALL_BUCKET, [str(tree.root)],
                          tree.count, tree.total, timeout_s)  # fmt: skip
    large = await _upload(app, started, "big file", account.id, BIG_BUCKET, [str(big.path)],
                          1, big.size, timeout_s)  # fmt: skip
    await asyncio.sleep(AFTER_S)
    probe.stop()
    sampler.stop()
    collected.stop()
    ticks = probe.ticks
    result = GuiTransfers(
        emit_loss=0,
        phases=[small, large],
        gaps_s=[b - a for a, b in itertools.pairwise(ticks)],
        gap_ends_s=[t - started for t in ticks[1:]],
    )
    long_starts = {a for a, b in itertools.pairwise(ticks) if b - a > STALL_LIMIT_S}
    stacks = Counter(_where(stack) for last, stack in sampler.samples if last in long_starts)
    result.stall_stacks = stacks.most_common()
    result.stalls = stalls(probe, STALL_LIMIT_S, sampler)
    result.collections = collected.line(started)
    result.stall_samples = sum(stacks.values())
    longest = sorted(itertools.pairwise(ticks), key=lambda pair: pair[0] - pair[1])[:3]
    for a, b in longest:
        inside = Counter(_where(stack) for last, stack in sampler.samples if last == a)
        result.worst_stacks.append((b - a, a - started, inside.most_common(3)))
    client = app_client(server)
    try:
        for checked, error in (check_small(client, SMALL_BUCKET, tree),
                               check_big_object(client, BIG_BUCKET, big.path.name, big)):  # fmt: skip
            result.checked.append(checked)
            if error:
                result.errors.append(error)
    finally:
        client.close()
    return result


def run(server: Server, tree: SmallTree, big: BigFile, scratch: Path, timeout_s: float) -> GuiTransfers:
    """Build the app as spacesgui does, upload, measure, and shut it down again."""
    client = app_client(server)
    try:
        for bucket in (SMALL_BUCKET, BIG_BUCKET):
            client.create_bucket(Bucket=bucket)
    finally:
        client.close()
    qInstallMessageHandler(quiet_qt)
    qt_app = QApplication.instance() or QApplication(["spacesgui-bench"])
    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    folder = scratch / "gui"
    folder.mkdir()
    app = build_app(settings_path=folder / "settings.json", use_keyring=False, refresh_interval_s=0)
    emit_loss = emit_steals_true()
    if emit_loss > 0:
        keep_true_alive()
    try:
        result: GuiTransfers = loop.run_until_complete(_measure(app, server, tree, big, timeout_s))
        result.emit_loss = emit_loss
        return result
    finally:
        try:
            loop.run_until_complete(_drain(app))
        except RuntimeError as exc:  # the loop may be stopped after a failure above
            print(f"  (could not drain the app's tasks: {exc})", file=sys.stderr)
        finally:
            app.shutdown()
            app.window.deleteLater()
            QApplication.processEvents()
            loop.close()
            asyncio.set_event_loop(None)
            sys.stdout.flush()
