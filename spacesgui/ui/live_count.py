"""A count a worker thread keeps while it lists folders, shown in the banner as it grows.

Deleting a big folder first lists every key, so that the question can say how many and how
much: over the internet that takes seconds per 100,000 keys, and a banner that only said
"Counting…" looked stuck. The worker only writes a tuple (atomic under the GIL); the GUI
thread reads it on a timer, so nothing crosses threads through Qt.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from spacesgui.core.formatting import human_count, human_size

SHOW_EVERY_MS = 250


class LiveCount(QObject):
    """Totals counted on a worker thread (`counted`), shown through `show` while running."""

    def __init__(self, show: Callable[[str], None], lead: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._show, self._lead = show, lead
        self._totals = (0, 0)
        self._shown = (0, 0)
        self._timer = QTimer(self)
        self._timer.setInterval(SHOW_EVERY_MS)
        self._timer.timeout.connect(self._refresh)

    def counted(self, objects: int, size: int) -> None:
        """The totals so far (any thread)."""
        self._totals = (objects, size)

    def start(self) -> None:
        self._show(f"{self._lead}…")
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _refresh(self) -> None:
        totals = self._totals
        if totals != self._shown:
            self._shown = totals
            objects, size = totals
            self._show(f"{self._lead}: {human_count(objects, 'object')}, {human_size(size)} so far…")
