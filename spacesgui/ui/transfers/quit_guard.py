"""Quitting while transfers run: ask first, then pause and quit, or quit once they are done."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from spacesgui.core.errors import SpacesError
from spacesgui.core.formatting import human_count
from spacesgui.services.transfer_service import QueueStatus, TransferService
from spacesgui.ui.message_banner import MessageBanner

log = logging.getLogger(__name__)


class QuitGuard(QObject):
    """Asks “N transfers are running: Pause Them and Quit / Quit When Done / Cancel”.

    `may_quit()` answers at once: True when nothing runs (or the user chose already);
    otherwise it opens the question (never exec(): the event loop runs on) and `quit`
    is called later if the user chooses to.
    """

    def __init__(
        self, parent: QWidget, service: TransferService, banner: MessageBanner, quit: Callable[[], object]
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._service = service
        self._banner = banner
        self._quit = quit
        self._agreed = False
        self.waiting_for_transfers = False
        # False in the demo: its queue is kept in a folder of its own, never read again (its
        # Spaces start afresh too), so paused transfers do not come back.
        self.queue_kept = True
        self.last_box: QMessageBox | None = None  # for tests
        service.status_changed.connect(self._on_service_status_changed)

    def active(self) -> int:
        """Transfers queued or running now (asked of the engine: its last report may be old)."""
        try:
            return self._service.engine.active_count()
        except SpacesError:  # the transfer process is gone: nothing to wait for
            return 0

    def may_quit(self) -> bool:
        if self._agreed:
            return True
        count = self.active()
        if count <= 0:
            return True
        self._ask(count)
        return False

    def _ask(self, count: int) -> None:
        if self.last_box is not None and self.last_box.isVisible():
            self.last_box.raise_()
            return
        what = human_count(count, "transfer")
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Transfers Are Running",
            f"{what} {'is' if count == 1 else 'are'} still running or waiting.",
            QMessageBox.StandardButton.Cancel,
            self._parent,
        )
        box.setObjectName("quitWhileTransferringBox")
        box.setInformativeText(
            "Paused transfers come back when you start spacesgui again, and resume from where they stopped."
            if self.queue_kept
            else "This is the demo: its Spaces and its transfers start afresh each time, so paused "
            "transfers do not come back. With your own account they do, and resume from where they stopped."
        )
        pause = box.addButton("Pause Them and Quit", QMessageBox.ButtonRole.AcceptRole)
        wait = box.addButton("Quit When Done", QMessageBox.ButtonRole.ActionRole)
        pause.setObjectName("pauseAndQuit")
        wait.setObjectName("quitWhenDone")
        box.setDefaultButton(pause)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        self.last_box = box

        def on_finished(_result: int) -> None:
            clicked = box.clickedButton()
            if clicked is pause:
                self._agreed = True
                log.info("quitting: %s paused", what)
                self._quit()
            elif clicked is wait:
                self._wait_for_transfers()

        box.finished.connect(on_finished)
        box.open()

    def _wait_for_transfers(self) -> None:
        self.waiting_for_transfers = True
        self._banner.show_message(
            "spacesgui quits when the running transfers are done.",
            level="info",
            action="Don’t Quit",
            on_action=self._stop_waiting,
        )

    def _stop_waiting(self) -> None:
        self.waiting_for_transfers = False

    def _on_service_status_changed(self, status: QueueStatus) -> None:
        # The report may predate the last transfers queued: ask the engine before quitting.
        if self.waiting_for_transfers and status.totals.active <= 0 and self.active() <= 0:
            self.waiting_for_transfers = False
            self._agreed = True
            self._quit()
