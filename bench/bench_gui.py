"""Drive spacesgui's real window, services and model against the server, and time what a user sees.

Everything here runs on the GUI thread, inside a qasync loop; the app's own worker
threads do the listing. Import after QT_QPA_PLATFORM is set (listing.py does that).
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, qInstallMessageHandler
from PySide6.QtWidgets import QApplication  # before qasync, so it picks PySide6

# isort: split
import qasync
from bench_qt import (
    STALL_TICK_MS,
    GcProbe,
    PaintWaiter,
    StallProbe,
    Stalls,
    StallSampler,
    emit_steals_true,
    keep_true_alive,
    quiet_qt,
    stalls,
)
from bench_requests import RequestClock, RequestTimes
from bench_server import BUCKET, PREFIX, BenchError, Server, file_name, file_size

from spacesgui.app import App, build_app
from spacesgui.core.accounts import Account, AddressingStyle
from spacesgui.core.folder_node import Column, FolderNode, LoadState
from spacesgui.core.history import Place
from spacesgui.qtmodels.roles import ObjectRole

PAINT_WAIT_S = 2.0
SETTLE_S = 10.0


@dataclass(slots=True)
class LoadRun:
    """One navigate() of the prefix, from the call until the listing is LOADED."""

    first_rows_s: float
    all_rows_s: float
    rows: int
    page_arrivals_s: list[float]  # when each page reached the GUI thread, from navigate()
    gaps_s: list[float] = field(default_factory=list)  # between GUI timer ticks
    gap_ends_s: list[float] = field(default_factory=list)  # when each gap ended, from navigate()
    requests: list[RequestTimes] = field(default_factory=list)  # spacesgui's own, from navigate()
    true_refs_lost: int = 0  # sys.getrefcount(True) before navigate() minus after LOADED
    tick_s: float = STALL_TICK_MS / 1000
    stalls: Stalls | None = None  # wall and the GUI thread's on-CPU time, the worst named
    collections: str = ""  # the garbage collections during the load

    @property
    def stall_max_s(self) -> float:
        return max(self.gaps_s, default=0.0)

    @property
    def stall_p99_s(self) -> float:
        if len(self.gaps_s) < 2:
            return self.stall_max_s
        return statistics.quantiles(self.gaps_s, n=100, method="inclusive")[98]

    def stall_at_s(self) -> float:
        """When the longest stall began, from navigate()."""
        if not self.gaps_s:
            return 0.0
        worst = max(range(len(self.gaps_s)), key=self.gaps_s.__getitem__)
        return self.gap_ends_s[worst] - self.gaps_s[worst]

    def stalls_over(self, limit_s: float) -> int:
        return sum(1 for gap in self.gaps_s if gap > limit_s)

    def gui_busy_s(self) -> float:
        """GUI-thread time not available to the event loop: the timer's lateness, summed."""
        return sum(max(0.0, gap - self.tick_s) for gap in self.gaps_s)

    def median_server_s(self) -> float:
        return statistics.median(r.server_s for r in self.requests) if self.requests else 0.0

    def median_parse_s(self) -> float:
        return statistics.median(r.parse_s for r in self.requests) if self.requests else 0.0

    def median_delivery_s(self) -> float:
        """From a page parsed on the worker thread to its arrival on the GUI thread."""
        pairs = zip(self.requests, self.page_arrivals_s, strict=False)
        delays = [handled - request.parsed for request, handled in pairs]
        return statistics.median(delays) if delays else 0.0

    def page_interval_s(self) -> float:
        """Median time between pages reaching the GUI thread."""
        steps = [b - a for a, b in itertools.pairwise(self.page_arrivals_s)]
        return statistics.median(steps) if steps else 0.0


@dataclass(frozen=True, slots=True)
class OpTiming:
    """A synchronous model call (sort, filter) and the time until the view repainted after it."""

    label: str
    call_s: float
    repainted_s: float | None
    rows: int
    expected_rows: int
    in_order: bool = True  # the first row is the one the sort (or filter) should put there

    @property
    def seconds(self) -> float:
        return self.repainted_s if self.repainted_s is not None else self.call_s


@dataclass(frozen=True, slots=True)
class Memory:
    """Model memory for one loaded prefix, two ways."""

    traced_bytes: int  # tracemalloc: still allocated after a fresh load and gc
    traced_top: list[tuple[str, int]]  # (source file, bytes) of the biggest retainers
    node_bytes: dict[str, int]  # sys.getsizeof over the root node's columns, after loading
    node_bytes_sorted: dict[str, int]  # the same after the sorts (adds the name-order cache)


@dataclass(frozen=True, slots=True)
class ViewCosts:
    """What the object view costs the GUI thread with every row loaded, and its calls into Python."""

    view: str  # the view's Qt class, e.g. QTableView
    layout_s: float  # median view.doItemsLayout(): redone after inserts, sorts and filters
    layout_calls: dict[str, int]  # "module.function" in spacesgui -> calls during one layout
    repaint_s: float  # median viewport.repaint(): one full paint of the visible rows
    repaint_calls: dict[str, int]


@dataclass(slots=True)
class GuiResult:
    emit_loss: int  # references to True lost per 100 Signal.emit() calls (PySide6 bug check)
    true_refs: int  # sys.getrefcount(True) once the app was built, before any ballast
    load: LoadRun
    view: ViewCosts
    sorts: list[OpTiming]
    filters: list[OpTiming]
    memory: Memory


def _account(server: Server) -> Account:
    return Account(
        name="bench",
        provider="custom",
        endpoint_url=server.endpoint,
        region="us-east-1",
        access_key_id=server.access_key,
        addressing=AddressingStyle.PATH,
    )


async def _until(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise BenchError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        await asyncio.sleep(0.001)


async def _load(app: App, account: Account, expected: int, timeout_s: float) -> LoadRun:
    """navigate() to the prefix and wait for LOADED, recording first rows, pages and stalls."""
    window, model = app.window, app.window.model
    store = await app.accounts.store(account.id)  # built already, while the Spaces were listed
    clock = RequestClock(store.client.meta.events)  # type: ignore[attr-defined]
    loop = asyncio.get_running_loop()
    loaded: asyncio.Future[float] = loop.create_future()
    marks: dict[str, float] = {}
    arrivals: list[float] = []

    def on_rows_inserted(*_: Any) -> None:
        marks.setdefault("first", time.perf_counter())

    def on_root_loaded() -> None:
        if not loaded.done():
            loaded.set_result(time.perf_counter())

    def on_listing_failed(prefix: str, error: Any) -> None:
        if not loaded.done():
            loaded.set_exception(BenchError(f"spacesgui failed to list {prefix!r}: {error}"))

    def on_page(*_: Any) -> None:
        arrivals.append(time.perf_counter())

    connections = [
        (model.rowsInserted, on_rows_inserted),
        (model.root_loaded, on_root_loaded),
        (model.listing_failed, on_listing_failed),
        (app.browser.listing_page, on_page),
    ]
    for signal, slot in connections:
        signal.connect(slot)
    probe = StallProbe()
    sampler = StallSampler(probe)
    collected = GcProbe()
    true_refs = sys.getrefcount(True)
    try:
        probe.start()
        sampler.start()
        collected.start()
        start = time.perf_counter()
        window.navigate(Place(account.id, BUCKET, PREFIX))
        done = await asyncio.wait_for(loaded, timeout_s)
        probe.stop()
    finally:
        sampler.stop()
        collected.stop()
        clock.close()
        for signal, slot in connections:
            signal.disconnect(slot)
    if model.root.state != LoadState.LOADED or model.rowCount() != expected:
        raise BenchError(
            f"listing ended {model.root.state.value} with {model.rowCount():,} rows, not {expected:,}"
        )
    ticks = probe.ticks
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    return LoadRun(
        first_rows_s=marks.get("first", done) - start,
        all_rows_s=done - start,
        rows=model.rowCount(),
        page_arrivals_s=[t - start for t in arrivals],
        gaps_s=gaps,
        gap_ends_s=[t - start for t in ticks[1:]],
        requests=[RequestTimes(r.sent - start, r.answered - start, r.parsed - start) for r in clock.requests],
        true_refs_lost=true_refs - sys.getrefcount(True),
        stalls=stalls(probe, 0.05, sampler),
        collections=collected.line(start),
    )


async def _timed(
    app: App, waiter: PaintWaiter, label: str, action: Callable[[], None], expected: int, first: object
) -> OpTiming:
    """Run `action` on the GUI thread; time it, then until the view has repainted."""
    await asyncio.sleep(0.05)  # let any earlier repaint finish first
    painted = waiter.arm()
    start = time.perf_counter()
    action()
    call = time.perf_counter() - start
    try:
        repainted: float | None = await asyncio.wait_for(painted, PAINT_WAIT_S) - start
    except TimeoutError:
        repainted = None
    model = app.window.model
    shown = model.index(0, Column.NAME).data(ObjectRole.KEY) if model.rowCount() else None
    return OpTiming(label, call, repainted, model.rowCount(), expected, shown == first)


async def _sorts(app: App, waiter: PaintWaiter, count: int) -> list[OpTiming]:
    model = app.window.model
    asc, desc = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
    by_size = sorted(range(count), key=file_size)  # stable: ties stay in name order, as in the model
    smallest, largest = by_size[0], max(range(count), key=file_size)
    plan = [
        ("size ascending", Column.SIZE, asc, smallest),
        ("size descending", Column.SIZE, desc, largest),
        ("name descending", Column.NAME, desc, count - 1),
        ("name ascending", Column.NAME, asc, 0),
    ]
    results = []
    for label, column, order, first in plan:
        sort = partial(model.sort, column, order)
        results.append(await _timed(app, waiter, label, sort, count, PREFIX + file_name(first)))
    return results


async def _filters(app: App, waiter: PaintWaiter, count: int) -> list[OpTiming]:
    model = app.window.model
    matching = [i for i in range(count) if "12345" in file_name(i)]
    first_match = PREFIX + file_name(matching[0]) if matching else None
    plan = [
        ("'12345'", "12345", len(matching), first_match),
        ("'*.bin'", "*.bin", count, PREFIX + file_name(0)),
        ("cleared", "", count, PREFIX + file_name(0)),
    ]
    return [
        await _timed(app, waiter, label, partial(model.set_filter, text), rows, first)
        for label, text, rows, first in plan
    ]


def _median_time(action: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _python_calls(action: Callable[[], object], where: tuple[str, ...]) -> dict[str, int]:
    """Count calls into functions of spacesgui's `where` packages while `action` runs (this thread)."""
    calls: dict[str, int] = {}
    folders = tuple(f"{os.sep}{name}{os.sep}" for name in where)

    def count(frame: Any, event: str, _arg: Any) -> None:
        code = frame.f_code
        if event == "call" and any(folder in code.co_filename for folder in folders):
            name = f"{Path(code.co_filename).stem}.{code.co_name}"
            calls[name] = calls.get(name, 0) + 1

    sys.setprofile(count)
    try:
        action()
    finally:
        sys.setprofile(None)
    return dict(sorted(calls.items(), key=lambda kv: -kv[1]))


def view_costs(app: App) -> ViewCosts:
    """Time the object view's full layout (after an insert, sort or filter) and one repaint."""
    view = app.window.object_view
    viewport = view.viewport()
    qt_class = next(c.__name__ for c in type(view).__mro__ if c.__module__.startswith("PySide6"))
    return ViewCosts(
        view=qt_class,
        layout_s=_median_time(view.doItemsLayout),
        layout_calls=_python_calls(view.doItemsLayout, ("qtmodels",)),
        repaint_s=_median_time(viewport.repaint),
        repaint_calls=_python_calls(viewport.repaint, ("qtmodels", "ui")),
    )


def node_bytes(node: FolderNode) -> dict[str, int]:
    """sys.getsizeof of each column container of `node`, and of every distinct string in it."""
    seen: set[int] = set()

    def size(obj: object) -> int:
        if id(obj) in seen:
            return 0
        seen.add(id(obj))
        return sys.getsizeof(obj)

    parts = {
        "names (list + str)": size(node.names) + sum(size(s) for s in node.names),
        "etags (list + str)": size(node.etags) + sum(size(s) for s in node.etags),
        "sizes, mtimes, classes": size(node.sizes) + size(node.mtimes) + size(node.classes),
        "order, visible": size(node.order) + size(node.visible),
    }
    name_order = getattr(node, "_name_order", None)  # a cache the first sort builds
    parts["name-order cache"] = size(name_order) if name_order is not None else 0
    return parts


async def _traced_load(
    app: App, account: Account, count: int, timeout_s: float
) -> tuple[int, list[tuple[str, int]]]:
    """Load the prefix again under tracemalloc; return what stays allocated once gc has run.

    The window first leaves the prefix (dropping the earlier node) and everything is
    collected; tracing starts from there, so what is still traced after the new load and
    another gc.collect() is memory the load retained: transient garbage (responses,
    parsed XML, pages) has been freed by then and is not counted.
    """
    app.window.navigate(Place(account.id, "", ""))
    await asyncio.sleep(0.2)
    gc.collect()
    tracemalloc.start(1)
    try:
        await _load(app, account, count, timeout_s)
        await asyncio.sleep(0.2)
        gc.collect()
        snapshot = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    snapshot = snapshot.filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
    stats = snapshot.statistics("filename")
    top = [(Path(s.traceback[0].filename).name, s.size) for s in stats[:5]]
    return sum(s.size for s in stats), top


async def _measure(
    app: App, server: Server, count: int, timeout_s: float, refcheck: tuple[int, int]
) -> GuiResult:
    account = _account(server)
    app.window.show()
    app.accounts.add_account(account, server.secret_key, remember=False)
    panel = app.window.account_panel
    # As a user would: the Space shows up in the account tree first (that also builds the
    # account's S3 client), then it is opened.
    await _until(
        lambda: (item := panel.model.account_item(account.id)) is not None and item.rowCount() > 0,
        SETTLE_S,
        "the account's Spaces",
    )
    load = await _load(app, account, count, timeout_s)
    after_load = node_bytes(app.window.model.root)
    costs = view_costs(app)
    waiter = PaintWaiter(app.window.object_view.viewport())
    sorts = await _sorts(app, waiter, count)
    filters = await _filters(app, waiter, count)
    after_sorts = node_bytes(app.window.model.root)
    traced, top = await _traced_load(app, account, count, timeout_s)
    return GuiResult(*refcheck, load, costs, sorts, filters, Memory(traced, top, after_load, after_sorts))


async def _drain(app: App) -> None:
    """Stop listings and wait for the app's tasks to end (as the GUI tests do)."""
    app.window.close()
    app.window.model.clear()  # cancels its listings; each ends after its current request
    await _until(lambda: not app.runner.busy, SETTLE_S, "the app's tasks to end")


def run(server: Server, count: int, scratch: Path, timeout_s: float) -> GuiResult:
    """Build the app as spacesgui does, measure, and shut it down again."""
    qInstallMessageHandler(quiet_qt)
    qt_app = QApplication.instance() or QApplication(["spacesgui-bench"])
    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    app = build_app(settings_path=scratch / "settings.json", refresh_interval_s=0)
    true_refs, emit_loss = sys.getrefcount(True), emit_steals_true()
    if emit_loss > 0:
        keep_true_alive()
    try:
        return loop.run_until_complete(_measure(app, server, count, timeout_s, (emit_loss, true_refs)))
    finally:
        try:
            loop.run_until_complete(_drain(app))
        finally:
            app.shutdown()
            app.window.deleteLater()
            QApplication.processEvents()
            loop.close()
            asyncio.set_event_loop(None)
