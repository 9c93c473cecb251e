"""A count a worker thread keeps while it lists folders, shown in the banner as it grows.

Deleting a big folder first lists every key, so that the question can say how many and how
much: over the internet that takes seconds per 100,000 keys, and a banner that only said
"Counting…" looked stuck, and could not be stopped. The worker only writes a tuple (atomic
under the GIL); the GUI thread reads it on a timer, so nothing crosses threads through Qt.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QTimer

from spacesgui.core.errors import Cancelled
from spacesgui.core.formatting import human_count, human_size

SHOW_EVERY_MS = 250
T = TypeVar("T")


class LiveCount(QObject):
    """Totals counted on a worker thread (`counted`), shown in the banner with a Stop button."""

    def __init__(self, show_message: Callable[..., None], lead: str, parent: QObject | None = None) -> None:
        """`show_message` is the window's (BrowserContext.show_message); `lead` starts every text."""
        super().__init__(parent)
        self._show_message, self._lead = show_message, lead
        self.cancel = threading.Event()  # set by Stop: the listing asks for no further page
        self._totals = (0, 0)
        self._shown = (0, 0)
        self._timer = QTimer(self)
        self._timer.setInterval(SHOW_EVERY_MS)
        self._timer.timeout.connect(self._refresh)

    def counted(self, objects: int, size: int) -> None:
        """The totals so far (any thread)."""
        self._totals = (objects, size)

    async def run(self, counting: Awaitable[T]) -> T | None:
        """Await `counting` (which feeds `counted` and heeds `cancel`) while the count shows;
        None when the user stopped it. Cancelled for any other reason (the app closing) is raised."""
        self._show(f"{self._lead}…", stoppable=True)
        self._timer.start()
        try:
            return await counting
        except Cancelled:
            if not self.cancel.is_set():
                raise
            return None
        finally:
            self._timer.stop()
            self.deleteLater()

    def _stop(self) -> None:
        self.cancel.set()
        self._timer.stop()
        self._show(f"{self._lead}: stopping…", stoppable=False)

    def _refresh(self) -> None:
        totals = self._totals
        if totals != self._shown:
            self._shown = totals
            objects, size = totals
            self._show(
                f"{self._lead}: {human_count(objects, 'object')}, {human_size(size)} so far…", stoppable=True
            )

    def _show(self, text: str, *, stoppable: bool) -> None:
        action: dict[str, Any] = {"action": "Stop", "on_action": self._stop} if stoppable else {}
        self._show_message(text, level="info", **action)
