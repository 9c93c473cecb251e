"""Window → Activity: every change the app made, newest first, filterable and exportable as CSV.

One window per main window, made on first use and kept (hidden when closed) so it goes on
collecting live entries. GUI thread only.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.activity import ActivityAction, ActivityEntry, ActivityFilter, ActivityResult
from spacesgui.core.errors import LocalWriteFailed
from spacesgui.qtmodels.activity_model import ActivityColumn, ActivityModel
from spacesgui.services.activity_service import ActivityService
from spacesgui.ui.naming import named
from spacesgui.ui.window_keys import close_by_keyboard

log = logging.getLogger(__name__)

Spawner = Callable[[Awaitable[None]], object]
ANY = "Any"


class ActivityWindow(QWidget):
    """See the module docstring."""

    def __init__(self, service: ActivityService, spawn: Spawner, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        named(self, "activityLog", "Activity")
        self.setWindowTitle("Activity")
        self.resize(1120, 520)  # the message keeps about 300 px beside the columns before it
        self._service, self._spawn = service, spawn
        self.model = ActivityModel(self)
        self.loaded = False  # the history is in (live entries come in from the start)
        service.entries_added.connect(self.model.add_entries)

        self.search = named(QLineEdit(self), "activitySearch", "Find in activity")
        self.search.setPlaceholderText("Find (name, Space, message…)")
        self.search.setClearButtonEnabled(True)
        self.account_box = named(QComboBox(self), "activityAccount", "Account")
        self.account_box.addItem(ANY, None)
        self.action_box = named(QComboBox(self), "activityAction", "Action")
        self.action_box.addItem(ANY, None)
        for action in ActivityAction:
            self.action_box.addItem(action.value, action)
        self.result_box = named(QComboBox(self), "activityResult", "Result")
        self.result_box.addItem(ANY, None)
        for result, text in ((ActivityResult.OK, "OK"), (ActivityResult.FAILED, "Failed"),
                             (ActivityResult.CANCELLED, "Cancelled")):  # fmt: skip
            self.result_box.addItem(text, result)
        self.export_button = named(QPushButton("Export CSV…", self), "exportCsvButton", "Export CSV")
        self.table = named(QTableView(self), "activityTable", "Activity")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # Action fits its longest word (“Restore version” was cut at 100 px); Target, the
        # column read most, gets the room (“grandma.png → /tmp/u…” at 200 px).
        metrics, margin = self.table.fontMetrics(), 24
        action_width = max(metrics.horizontalAdvance(a.value) for a in ActivityAction) + margin
        for column, width in (
            (ActivityColumn.TIME, metrics.horizontalAdvance("2026-12-07 19:27:14") + margin),
            (ActivityColumn.ACCOUNT, 100),
            (ActivityColumn.SPACE, 100),
            (ActivityColumn.TARGET, 300),
            (ActivityColumn.ACTION, action_width),
            (ActivityColumn.RESULT, metrics.horizontalAdvance("Cancelled") + margin),
        ):
            self.table.setColumnWidth(column, width)
        self.count_label = named(QLabel(self), "activityCount", "Entries shown")
        self.count_label.setWordWrap(True)
        self.problem_label = named(QLabel(self), "activityProblem", "Problem")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()

        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        for label, box in (
            ("Account", self.account_box),
            ("Action", self.action_box),
            ("Result", self.result_box),
        ):
            bar.addWidget(QLabel(label, self))
            bar.addWidget(box)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self.search.textChanged.connect(self._apply_filter)
        for box in (self.account_box, self.action_box, self.result_box):
            box.currentIndexChanged.connect(self._apply_filter)
        self.model.accounts_seen.connect(self._on_model_accounts_seen)
        self.model.rowsInserted.connect(self._update_count)
        self.model.modelReset.connect(self._update_count)
        self.export_button.clicked.connect(self.choose_export)
        close_by_keyboard(self)
        self._update_count()
        if service.notice:
            self._show_problem(service.notice)
        spawn(self._load())

    async def _load(self) -> None:
        self.model.add_history(await self._service.history())
        self.loaded = True
        self._update_count()

    def _apply_filter(self) -> None:
        self.model.set_filter(
            ActivityFilter(
                self.search.text(),
                self.account_box.currentData(),
                self.action_box.currentData(),
                self.result_box.currentData(),
            )
        )

    def _on_model_accounts_seen(self, names: list[str]) -> None:
        chosen = self.account_box.currentData()
        self.account_box.blockSignals(True)
        self.account_box.clear()
        self.account_box.addItem(ANY, None)
        for name in names:
            self.account_box.addItem(name, name)
        self.account_box.setCurrentIndex(max(0, self.account_box.findData(chosen)) if chosen else 0)
        self.account_box.blockSignals(False)

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total()
        text = _entries(total) if shown == total else f"{shown:,} of {_entries(total)}"
        if self.loaded and total == 0:  # a first run: say what will show here
            text = "Nothing recorded yet: every change spacesgui makes (uploads, deletes, renames, settings…) shows here."
        self.count_label.setText(text if self.loaded else f"{text} (loading older entries…)")

    def _show_problem(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.setVisible(bool(text))

    def choose_export(self) -> None:
        """Export CSV…: ask where, then write the rows shown (the filter applies)."""
        path, _ = QFileDialog.getSaveFileName(self, "Export Activity", "activity.csv", "CSV files (*.csv)")
        if path:
            self._spawn(self.export_to(path))

    async def export_to(self, path: str) -> None:
        entries: list[ActivityEntry] = self.model.shown()
        try:
            await self._service.export_csv(path, entries)
        except OSError as error:
            log.warning("activity export to %s failed: %s", path, error)
            self._show_problem(f"Could not write {path}: {error.strerror or error}")
            raise LocalWriteFailed(
                f"The activity could not be written to “{path}”: {error.strerror or error}."
            ) from error
        log.info("exported %d activity entries", len(entries))
        self._show_problem("")
        self.count_label.setText(f"Exported {_entries(len(entries))} to {path}")


def _entries(count: int) -> str:
    return f"{count:,} {'entry' if count == 1 else 'entries'}"
