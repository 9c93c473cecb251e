"""Qt-side probes for the benchmark: GUI-thread stalls, repaints, and a PySide6 refcount check.

GUI thread only. Import after QT_QPA_PLATFORM is set (listing.py does that).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import itertools
import os
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QEvent, QMessageLogContext, QObject, Qt, QTimer, QtMsgType, Signal

STALL_TICK_MS = 5


class StallProbe(QObject):
    """A 5 ms timer on the GUI thread; a long gap between its ticks is a frozen window.

    Each tick also notes the GUI thread's own CPU time (`time.thread_time`), so a gap can be
    split into the GUI thread's work (on-CPU: what a quiet machine would show too) and time
    it was not running (another process had the CPU, or another thread of ours the GIL).
    On Linux it also notes how long the GUI thread has waited, runnable, for a CPU
    (/proc/thread-self/schedstat): a gap less that wait is what a quiet machine would show.
    """

    def __init__(self) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(STALL_TICK_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.ticks: list[float] = []
        self.cpu: list[float] = []  # the GUI thread's CPU time at each tick
        self.process: list[float] = []  # the whole process's CPU time at each tick
        self.queued: list[float] = []  # the GUI thread's time waiting for a CPU (0 without /proc)

    def start(self) -> None:
        self.cpu = [time.thread_time()]
        self.process = [time.process_time()]
        self._queued_s = _RunQueueWait()  # on the GUI thread: it reads the opening thread's figures
        self.queued = [self._queued_s()]
        self.ticks = [time.perf_counter()]
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._tick()
        self._queued_s.close()

    def _on_timer_timeout(self) -> None:
        self._tick()

    def _tick(self) -> None:
        self.ticks.append(time.perf_counter())
        self.cpu.append(time.thread_time())
        self.process.append(time.process_time())
        self.queued.append(self._queued_s())

    def unqueued_gaps(self) -> list[float]:
        """Wall time between ticks less the GUI thread's wait for a CPU: running, or blocked by us."""
        return [
            (b - a) - (qb - qa)
            for (a, b), (qa, qb) in zip(
                itertools.pairwise(self.ticks), itertools.pairwise(self.queued), strict=True
            )
        ]

    def gaps(self) -> list[float]:
        """Wall time between ticks."""
        return [b - a for a, b in itertools.pairwise(self.ticks)]

    def cpu_gaps(self) -> list[float]:
        """The GUI thread's CPU time between ticks (same order as `gaps`)."""
        return [b - a for a, b in itertools.pairwise(self.cpu)]

    def process_gaps(self) -> list[float]:
        """The whole process's CPU time between ticks: beyond the GUI thread's, our other threads'."""
        return [b - a for a, b in itertools.pairwise(self.process)]


class _RunQueueWait:
    """This thread's total wait on a run queue (Linux schedstat), in seconds; 0 elsewhere.

    Read without handing the GIL over: a plain file read releases it, and on a busy
    machine getting it back then cost the probe's own tick up to ~100 ms. So the file is
    opened once (/proc/thread-self names the opening thread) and read with libc's pread
    through ctypes.PyDLL, whose calls keep the GIL.
    """

    def __init__(self) -> None:
        self._buffer = ctypes.create_string_buffer(128)
        self._fd = -1
        try:
            self._fd = os.open("/proc/thread-self/schedstat", os.O_RDONLY)
            self._pread = ctypes.PyDLL(None).pread
            self._pread.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_long]
            self._pread.restype = ctypes.c_ssize_t
        except (OSError, AttributeError):
            self.close()

    def __call__(self) -> float:
        if self._fd < 0:
            return 0.0
        count = self._pread(self._fd, self._buffer, len(self._buffer) - 1, 0)
        fields = self._buffer.raw[: max(count, 0)].split()
        return int(fields[1]) / 1e9 if len(fields) > 1 else 0.0

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
        self._fd = -1


@dataclass(slots=True)
class Stalls:
    """A probe's gaps summed up: wall and on-CPU (the GUI thread's own work), longest first."""

    wall_max_s: float
    cpu_max_s: float
    wall_over: int  # gaps over the limit, wall
    cpu_over: int  # gaps in which the GUI thread itself ran longer than the limit
    limit_s: float
    # The longest gap in which this process kept a CPU busy at least half the time: the GUI
    # thread's work or our other threads' holding the GIL, which a quiet machine shows too.
    busy_max_s: float = 0.0
    # The longest gap less the GUI thread's wait for a CPU (Linux): its work, the GIL held by
    # our other threads, or a blocking call on it; what a quiet machine would show.
    unqueued_max_s: float = 0.0
    # The longest on-CPU gaps: (on-CPU s, wall s, start from the probe's start, sampled frames).
    worst_cpu: list[tuple[float, float, float, list[tuple[str, int]]]] = field(default_factory=list)
    worst_busy: list[tuple[float, float, float, list[tuple[str, int]]]] = field(default_factory=list)
    worst_unqueued: list[tuple[float, float, float, list[tuple[str, int]]]] = field(default_factory=list)

    def line(self) -> str:
        ms = 1000
        verdict = "ok" if self.cpu_max_s <= self.limit_s else "MISSED"
        return (
            f"longest GUI stall {self.wall_max_s * ms:.0f} ms wall ({self.wall_over} over "
            f"{self.limit_s * ms:.0f} ms), {self.cpu_max_s * ms:.0f} ms on the GUI thread's CPU "
            f"({self.cpu_over} over; target ≤ {self.limit_s * ms:.0f} ms: {verdict}); "
            f"{self.unqueued_max_s * ms:.0f} ms less its wait for a CPU; "
            f"{self.busy_max_s * ms:.0f} ms wall while the process had a CPU (GUI work or our threads' GIL)"
        )

    def details(self) -> list[str]:
        lines = ["    longest by the GUI thread's own CPU time:"]
        for cpu, wall, at, frames in self.worst_cpu:
            lines.append(
                f"    {cpu * 1000:5.0f} ms on-CPU ({wall * 1000:.0f} ms wall) at {at:.2f} s: {_named(frames)}"
            )
        lines.append("    longest less the GUI thread's wait for a CPU (that figure, wall):")
        for unqueued, wall, at, frames in self.worst_unqueued:
            lines.append(
                f"    {unqueued * 1000:5.0f} ms ({wall * 1000:.0f} ms wall) at {at:.2f} s: {_named(frames)}"
            )
        lines.append("    longest while the process had a CPU (the process's CPU time in it):")
        for cpu, wall, at, frames in self.worst_busy:
            lines.append(
                f"    {wall * 1000:5.0f} ms wall ({cpu * 1000:.0f} ms CPU) at {at:.2f} s: {_named(frames)}"
            )
        return lines


def _named(frames: list[tuple[str, int]]) -> str:
    return "; ".join(f"{name} ×{n}" for name, n in frames) or "(not sampled)"


def stalls(probe: StallProbe, limit_s: float, sampler: StallSampler | None = None, worst: int = 3) -> Stalls:
    """Sum up `probe` (stopped) against `limit_s`; name the code of the worst from `sampler`."""
    gaps, cpu = probe.gaps(), probe.cpu_gaps()
    result = Stalls(
        max(gaps, default=0.0),
        max(cpu, default=0.0),
        sum(g > limit_s for g in gaps),
        sum(c > limit_s for c in cpu),
        limit_s,
    )
    process = probe.process_gaps()
    busy = [i for i, (g, p) in enumerate(zip(gaps, process, strict=True)) if p >= g / 2]
    result.busy_max_s = max((gaps[i] for i in busy), default=0.0)
    unqueued = probe.unqueued_gaps()
    result.unqueued_max_s = max(unqueued, default=0.0)

    def frames(index: int) -> list[tuple[str, int]]:
        last = probe.ticks[index]
        found = Counter(where(s) for t, s in sampler.samples if t == last) if sampler else Counter()
        return found.most_common(3)

    for index in sorted(range(len(cpu)), key=cpu.__getitem__, reverse=True)[:worst]:
        result.worst_cpu.append((cpu[index], gaps[index], probe.ticks[index] - probe.ticks[0], frames(index)))
    for index in sorted(busy, key=gaps.__getitem__, reverse=True)[:worst]:
        at = probe.ticks[index] - probe.ticks[0]
        result.worst_busy.append((process[index], gaps[index], at, frames(index)))
    for index in sorted(range(len(unqueued)), key=unqueued.__getitem__, reverse=True)[:worst]:
        at = probe.ticks[index] - probe.ticks[0]
        result.worst_unqueued.append((unqueued[index], gaps[index], at, frames(index)))
    return result


SAMPLE_EVERY_S = 0.005
SAMPLE_AFTER_S = 0.02  # sample the GUI thread's stack once a tick is this late


class StallSampler(threading.Thread):
    """Records the GUI thread's Python stack whenever the stall probe's timer is late.

    A tick that is late while the stack shows the event loop waiting means the GUI thread
    did not get the GIL or a CPU; a stack in spacesgui or Qt code names the work. Sampling
    needs the GIL too, so a stall inside one long C call shows up as one sample after it.
    Create it on the GUI thread.
    """

    def __init__(self, probe: StallProbe) -> None:
        super().__init__(name="bench-stall-sampler", daemon=True)
        self._probe = probe
        self._gui = threading.get_ident()
        self._halt = threading.Event()
        self.samples: list[tuple[float, tuple[str, ...]]] = []  # (last tick before it, stack)

    def run(self) -> None:
        while not self._halt.wait(SAMPLE_EVERY_S):
            ticks = self._probe.ticks
            if not ticks:
                continue
            last = ticks[-1]
            if time.perf_counter() - last < SAMPLE_AFTER_S:
                continue
            frame = sys._current_frames().get(self._gui)
            stack: list[str] = []
            while frame is not None:
                code = frame.f_code
                stack.append(f"{Path(code.co_filename).name}:{frame.f_lineno} {code.co_name}")
                frame = frame.f_back
            self.samples.append((last, tuple(stack)))

    def stop(self) -> None:
        self._halt.set()
        self.join(1.0)


def where(stack: tuple[str, ...]) -> str:
    """The innermost frames worth naming."""
    if not stack:
        return "(no Python frame)"
    return " ← ".join(stack[:3])


class PaintWaiter(QObject):
    """Resolves a future at the widget's next paint, so an operation is timed until it shows."""

    def __init__(self, widget: QObject) -> None:
        super().__init__()
        self._future: asyncio.Future[float] | None = None
        widget.installEventFilter(self)

    def arm(self) -> asyncio.Future[float]:
        self._future = asyncio.get_running_loop().create_future()
        return self._future

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._future is not None and not self._future.done():
            self._future.set_result(time.perf_counter())
        return False


class _Emitter(QObject):
    fired = Signal()


def emit_steals_true() -> int:
    """How many references to True 100 Signal.emit() calls lose (0 on a sound PySide6).

    PySide6 6.12.0 on CPython 3.11 drops one reference to True on every emit() made from
    Python. True is not immortal before 3.12, so a long enough session aborts with "Fatal
    Python error: bool_dealloc", mid-run or at exit. The benchmark measures the loss,
    reports it, and compensates for it (`keep_true_alive`); spacesgui itself does not.
    """
    emitter = _Emitter()
    before = sys.getrefcount(True)
    for _ in range(100):
        emitter.fired.emit()
    return before - sys.getrefcount(True)


def keep_true_alive(extra: int = 100_000) -> None:
    """Add references to True that are never released (as CPython 3.12+ makes it immortal).

    A list of Trues would not do: it is freed at exit, and the stolen references then
    bring True's count to zero during finalization all the same.
    """
    incref = ctypes.pythonapi.Py_IncRef
    incref.argtypes = [ctypes.py_object]
    incref.restype = None
    for _ in range(extra):  # ~20 ms; one run emits a few thousand signals at most
        incref(True)


def quiet_qt(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """A Qt message handler that drops the offscreen plugin's propagateSizeHints() chatter."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


class GcProbe:
    """Times every garbage collection (any thread) through `gc.callbacks`.

    A collection holds the GIL: a long one in any thread freezes the GUI thread too.
    """

    def __init__(self) -> None:
        self.collections: list[
            tuple[float, float, int, str, int]
        ] = []  # (start, seconds, gen, thread, collected)
        self._started: dict[int, float] = {}

    def start(self) -> None:
        self.collections = []
        gc.callbacks.append(self._on_gc)

    def stop(self) -> None:
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        ident = threading.get_ident()
        if phase == "start":
            self._started[ident] = time.perf_counter()
        elif (began := self._started.pop(ident, None)) is not None:
            name = threading.current_thread().name
            self.collections.append(
                (began, time.perf_counter() - began, info["generation"], name, info.get("collected", 0))
            )

    def line(self, since: float) -> str:
        if not self.collections:
            return "garbage collections: none"
        worst = max(self.collections, key=lambda c: c[1])
        full = [c for c in self.collections if c[2] == 2]
        return (
            f"garbage collections: {len(self.collections):,} ({len(full)} full, "
            f"{sum(c[1] for c in full) * 1000:.0f} ms in full ones); longest {worst[1] * 1000:.0f} ms "
            f"(generation {worst[2]}, thread {worst[3]}, at {worst[0] - since:.2f} s)"
        )
