"""The sidebar's width in the main window's splitter: what it was given, or dragged to, but
at most a quarter of a narrow window.

At 480 px a 240 px sidebar took half the window and the list's names read "be…ng". The
width the user drags the sidebar to is kept as the one wanted, and given back when the
window widens. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QSplitter


class SidebarWidth(QObject):
    """Keeps `splitter`'s first widget (the sidebar) within its room; see the module docstring.

    `previewing` tells whether the preview shows: it may have taken from the sidebar
    (PreviewFeature), so while it shows the sidebar only shrinks here.
    """

    def __init__(
        self, splitter: QSplitter, wanted: int, minimum: int, previewing: Callable[[], bool]
    ) -> None:
        super().__init__(splitter)
        self._splitter, self._wanted, self._minimum, self._previewing = splitter, wanted, minimum, previewing
        splitter.splitterMoved.connect(self._on_splitter_moved)
        splitter.installEventFilter(self)

    def _on_splitter_moved(self, _position: int, index: int) -> None:
        if index == 1:  # the handle right of the sidebar: the user chose its width
            self._wanted = self._splitter.sizes()[0]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._splitter and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self, self.fit)  # once the splitter has laid out at its new width
        return False

    def fit(self) -> None:
        sizes = self._splitter.sizes()
        if len(sizes) < 2 or self._splitter.width() <= 0:
            return
        target = max(self._minimum, min(self._wanted, self._splitter.width() // 4))
        if sizes[0] == target or (target > sizes[0] and self._previewing()):
            return
        sizes[1] += sizes[0] - target
        sizes[0] = target
        self._splitter.setSizes(sizes)
