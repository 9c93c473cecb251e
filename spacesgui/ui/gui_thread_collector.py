"""Garbage collection on the GUI thread only, while the window lives.

Python's collector runs in whichever thread allocates past its threshold. When that is a
worker thread (botocore parsing its models, a listing) and the garbage holds Qt objects
(a closed dialog in a reference cycle with its slots), the Qt object is destroyed on that
worker: QObject's destructor takes Qt's signal-slot lock, then PySide asks for the GIL,
which the GUI thread holds while it waits for that same lock to connect a signal. Seen in
the test suite: the process hung in QObject::connectImpl while a worker's collection sat
in ~QObject, and once crashed. So automatic collection is off while the window runs, and a
timer on the GUI thread collects the generations the automatic collector would have.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

# How often the GUI thread looks at the allocation counts: garbage waits at most this long.
CHECK_INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Turns automatic collection off on `start()` and collects from a GUI-thread timer."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        self._was_enabled = False
        self.running = False

    def start(self) -> None:
        """Call on the GUI thread."""
        if self.running:
            return
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()
        self.running = True

    def stop(self) -> None:
        """Hand collection back to Python (as it was before `start`)."""
        if not self.running:
            return
        self._timer.stop()
        self.running = False
        if self._was_enabled:
            gc.enable()

    def collect_due(self) -> int | None:
        """Collect the oldest generation whose count passed its threshold; which one, or None.

        The same rule as the automatic collector (CPython's gc_collect_generations), less its
        heuristic that puts off full collections: those stay rare (one per ~100 young ones)
        and cheap, the app's skeleton being frozen out of them (adapters/collector.py).
        """
        thresholds, counts = gc.get_threshold(), gc.get_count()
        if counts[0] <= thresholds[0]:
            return None
        generation = 0
        for older in (1, 2):
            if counts[older] > thresholds[older]:
                generation = older
        gc.collect(generation)
        return generation
