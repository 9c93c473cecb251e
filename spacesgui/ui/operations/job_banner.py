"""A banner line for a job in the queue ("Deleting 5 objects…") that gives way to its result.

The line stays while the job's transfers run; when the last one ends it becomes a short
result ("Deleted 5 objects from …"), or a warning naming how many failed, with the reason
when only one did (a rename of a file another tool has deleted says so where the user
looks, not only in the Transfers panel). A message shown in the meantime (another job, an
error) is never overwritten.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QObject

from spacesgui.core.formatting import human_count
from spacesgui.core.transfers import Transfer, TransferState
from spacesgui.services.transfer_service import TransferService
from spacesgui.ui.message_banner import MessageBanner


@dataclass(slots=True)
class _Job:
    shown: str  # the banner text while it runs, as the banner holds it
    done: str  # the result, said when every transfer ended well
    pending: set[str]
    total: int
    failed_title: str  # the headline of a failure of a one-object job ("Not renamed.")
    failed: int = 0
    reason: str = ""  # the first failure's error


class JobBanner(QObject):
    """Follows jobs' transfers and puts each job's result in the banner. GUI thread only."""

    def __init__(
        self, transfers: TransferService, banner: MessageBanner, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._transfers = transfers
        self._banner = banner
        self._jobs: list[_Job] = []
        transfers.transfers_changed.connect(self._on_transfers_changed)

    def follow(self, ids: Iterable[str], running: str, done: str, failed_title: str) -> None:
        """Show `running` now and `done` (or how many failed) once the transfers `ids` have ended;
        `failed_title` heads the reason when the job's only transfer fails."""
        wanted = list(ids)
        self._banner.show_message(running, level="info")
        job = _Job(
            self._banner.message(), done, self._transfers.unfinished(wanted), len(wanted), failed_title
        )
        self._jobs.append(job)
        self._settle()

    def _on_transfers_changed(self, changes: list[Transfer]) -> None:
        for t in changes:
            if not t.state.finished:
                continue
            for job in self._jobs:
                if t.id in job.pending:
                    job.pending.discard(t.id)
                    if t.state in (TransferState.FAILED, TransferState.CANCELLED):
                        job.failed += 1
                        job.reason = job.reason or t.error
        self._settle()

    def _settle(self) -> None:
        for job in [j for j in self._jobs if not j.pending]:
            self._jobs.remove(job)
            if self._banner.message() != job.shown:
                continue  # something newer is on show: leave it
            if not job.failed:
                self._banner.show_message(job.done, level="info")
                continue
            count = f"{human_count(job.failed, 'item')} of {job.total} did not finish"
            if job.failed == 1 and job.reason:  # one reason: said here, not only in the panel
                title = job.failed_title if job.total == 1 else f"{count}."
                text = f"<b>{html.escape(title)}</b> {html.escape(job.reason)}"
            else:
                text = f"{count}: the Transfers panel says why."
            self._banner.show_message(text, level="warning")


__all__ = ["JobBanner"]
