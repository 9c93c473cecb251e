"""A count a worker thread keeps while it lists folders, shown in the banner as it grows.

Deleting a big folder first lists every key, so that the question can say how many and how
much: over the internet that takes seconds per 100,000 keys, and a banner that only said
"Counting…" looked stuck, and could not be stopped. The worker only writes a tuple (atomic under the GIL); the GUI
thread reads it on a timer, so nothing crosses threads through Qt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from spacesgui.core.formatting import human_count, human_size

SHOW_EVERY_MS = 250


class LiveCount(QObject):
    """Totals counted on a worker thread (`counted`), shown through `show` while running."""

    def __init__(
        self, show: Callable[[str, Callable[[], None] | None], None], lead: str, parent: QObject | None = None
    ) -> None:
        """`show(text, stop)` puts the text in the banner, with a Stop button calling `stop` (if any)."""
        super().__init__(parent)
        self._show, self._lead = show, lead
        self.cancel = threading.Event()  # set by Stop: the listing asks for no further page
        self._totals = (0, 0)
        self._shown = (0, 0)
        self._timer = QTimer(self)
        self._timer.setInterval(SHOW_EVERY_MS)
        self._timer.timeout.connect(self._refresh)

    def counted(self, objects: int, size: int) -> None:
        """The totals so far (any thread)."""
        self._totals = (objects, size)

    def start(self) -> None:
        self._show(f"{self._lead}…", self._stop)
        self._timer.start()

    def _stop(self) -> None:
        self.cancel.set()
        self._timer.stop()
        self._show(f"{self._lead}: stopping…", None)

    def stop(self) -> None:
        self._timer.stop()

    def _refresh(self) -> None:
        totals = self._totals
        if totals != self._shown:
            self._shown = totals
            objects, size = totals
            self._show(
                f"{self._lead}: {human_count(objects, 'object')}, {human_size(size)} so far…", self._stop
            )
