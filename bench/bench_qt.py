"""Qt-side probes for the benchmark: GUI-thread stalls, repaints, and a PySide6 refcount check.

GUI thread only. Import after QT_QPA_PLATFORM is set (listing.py does that).
"""

from __future__ import annotations

import asyncio
import ctypes
import sys
import time

from PySide6.QtCore import QEvent, QMessageLogContext, QObject, Qt, QTimer, QtMsgType, Signal

STALL_TICK_MS = 5


class StallProbe(QObject):
    """A 5 ms timer on the GUI thread; a long gap between its ticks is a frozen window."""

    def __init__(self) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(STALL_TICK_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.ticks: list[float] = []

    def start(self) -> None:
        self.ticks = [time.perf_counter()]
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self.ticks.append(time.perf_counter())

    def _on_timer_timeout(self) -> None:
        self.ticks.append(time.perf_counter())


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
