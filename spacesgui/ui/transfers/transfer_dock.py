"""The Transfers panel: the queue as a tree, actions on the selection, a summary for the status bar.

The dock listens to TransferService itself (GUI thread; the service emits at most five
times a second) and calls its pause/resume/cancel/retry/clear_finished. Actions pass only
the ids a verb applies to (Retry sends failed or cancelled rows, not finished ones).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLabel,
    QMenu,
    QStackedLayout,
    QStyle,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.formatting import human_size
from spacesgui.core.throughput import human_rate
from spacesgui.core.transfers import Transfer, TransferGroup, TransferState
from spacesgui.qtmodels.transfer_model import TransferColumn, TransferModel
from spacesgui.ui.naming import named
from spacesgui.ui.transfers.progress_delegate import ProgressDelegate

if TYPE_CHECKING:
    from spacesgui.services.transfer_service import QueueStatus, TransferService

EMPTY_HINT = "Drop files on the object list to upload them, or choose Download… on selected objects."
State = TransferState
PAUSABLE = frozenset({State.QUEUED, State.RUNNING})
RESUMABLE = frozenset({State.PAUSED})
CANCELLABLE = frozenset({State.QUEUED, State.RUNNING, State.PAUSED, State.FAILED})  # failed: drops its parts
RETRYABLE = frozenset({State.FAILED, State.CANCELLED})
FINISHED = frozenset(s for s in State if s.finished)
COLUMN_WIDTHS = (
    (TransferColumn.NAME, 240),
    (TransferColumn.DIRECTION, 100),
    (TransferColumn.STATUS, 280),
    (TransferColumn.PROGRESS, 110),
    (TransferColumn.SIZE, 150),
    (TransferColumn.SPEED, 90),
    (TransferColumn.ETA, 80),
)


def status_text(status: QueueStatus) -> str:
    """The status bar's summary: “Transfers: 3 running, 120 queued · 45.0 MB of 1.2 GB · 12.3 MB/s · 1 failed”.

    Empty when nothing is queued, running or failed.
    """
    totals = status.totals
    if totals.active <= 0 and totals.failed <= 0 and totals.paused <= 0:
        return ""
    queued = max(0, totals.active - totals.running)
    counts = [
        f"{n:,} {word}"
        for n, word in ((totals.running, "running"), (queued, "queued"), (totals.paused, "paused"))
        if n > 0
    ]
    parts = [", ".join(counts)] if counts else []
    if totals.active > 0 and totals.bytes_total > 0:
        parts.append(f"{human_size(totals.bytes_done)} of {human_size(totals.bytes_total)}")
    if totals.running > 0 and status.speed > 0:
        parts.append(human_rate(status.speed))
    if totals.failed > 0:
        parts.append(f"{totals.failed:,} failed")
    return "Transfers: " + " · ".join(parts)


def existing_folder(path: str) -> str:
    """`path`, or its nearest existing ancestor (a download's folder may not exist yet)."""
    while path and not os.path.isdir(path):
        parent = os.path.dirname(path)
        if parent == path:
            return ""
        path = parent
    return path


class TransferDock(QDockWidget):
    """The transfer queue panel (objectName "transferQueue")."""

    summary_changed = Signal(str)  # status_text() of the latest queue status, when it changes

    def __init__(
        self,
        service: TransferService,
        parent: QWidget | None = None,
        open_url: Callable[[QUrl], object] = QDesktopServices.openUrl,
    ) -> None:
        super().__init__("Transfers", parent)
        named(self, "transferQueue", "Transfers")
        self._service = service
        self._open_url = open_url
        self._summary = ""
        self.model = TransferModel(self)
        self.view = named(QTreeView(self), "transferView", "Transfer list")
        self.delegate = ProgressDelegate(self.view)
        self.hint = named(QLabel(EMPTY_HINT, self), "transferEmptyHint", "No transfers")
        self._build_actions()
        self._build_view()
        self._build_layout()
        self._actions_pending = False
        self._connect()
        self._update_empty()
        self.update_actions()

    # -- construction ---------------------------------------------------------
    def _action(
        self,
        text: str,
        name: str,
        tip: str,
        slot: Callable[[], None],
        icon: QStyle.StandardPixmap | None = None,
        shortcut: str | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString()})" if shortcut else tip)
        action.setStatusTip(tip)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            # Only while the panel has focus: the window's own keys stay the window's.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.pause_action = self._action(
            "Pause", "pauseTransfers", "Pause the selected transfers", self.pause_selected,
            icon=sp.SP_MediaPause, shortcut="Ctrl+P",
        )  # fmt: skip
        self.resume_action = self._action(
            "Resume", "resumeTransfers", "Resume the selected paused transfers", self.resume_selected,
            icon=sp.SP_MediaPlay, shortcut="Ctrl+Shift+P",
        )  # fmt: skip
        self.cancel_action = self._action(
            "Cancel", "cancelTransfers", "Cancel the selected transfers", self.cancel_selected,
            icon=sp.SP_DialogCancelButton, shortcut=QKeySequence.StandardKey.Delete,
        )  # fmt: skip
        self.retry_action = self._action(
            "Retry", "retryTransfers", "Try the selected failed or cancelled transfers again",
            self.retry_selected, icon=sp.SP_BrowserReload,
        )  # fmt: skip
        self.clear_action = self._action(
            "Clear Finished", "clearFinished", "Remove finished, failed and cancelled transfers from the list",
            self.clear_finished, icon=sp.SP_DialogResetButton,
        )  # fmt: skip
        self.reveal_action = self._action(
            "Reveal in File Manager", "revealTransfer", "Open the local folder of the selected transfer",
            self.reveal_selected, icon=sp.SP_DirOpenIcon,
        )  # fmt: skip
        self.pause_all_action = self._action(
            "Pause All", "pauseAll", "Pause every queued and running transfer", self.pause_all,
        )  # fmt: skip
        self.resume_all_action = self._action(
            "Resume All", "resumeAll", "Resume every paused transfer", self.resume_all,
        )  # fmt: skip

    @property
    def selection_actions(self) -> list[QAction]:
        return [
            self.pause_action,
            self.resume_action,
            self.cancel_action,
            self.retry_action,
            self.reveal_action,
        ]

    def _build_view(self) -> None:
        view = self.view
        view.setModel(self.model)
        view.setItemDelegateForColumn(TransferColumn.PROGRESS, self.delegate)
        view.setUniformRowHeights(True)  # 10,000 rows: no per-row size hints
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setAllColumnsShowFocus(True)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = view.header()
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        for column, width in COLUMN_WIDTHS:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(TransferColumn.STATUS, QHeaderView.ResizeMode.Stretch)

    def _build_layout(self) -> None:
        toolbar = named(QToolBar("Transfer actions", self), "transferToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addActions(self.selection_actions[:4])
        toolbar.addSeparator()
        toolbar.addActions([self.clear_action, self.reveal_action])
        toolbar.addSeparator()
        toolbar.addActions([self.pause_all_action, self.resume_all_action])
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(mid); padding: 16px;")
        body = QWidget(self)
        self._stack = QStackedLayout()
        self._stack.addWidget(self.view)
        self._stack.addWidget(self.hint)
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(toolbar)
        column.addLayout(self._stack, 1)
        self.setWidget(body)

    def _connect(self) -> None:
        service = self._service
        service.groups_added.connect(self._on_service_groups_added)
        service.transfers_changed.connect(self._on_service_transfers_changed)
        service.transfers_removed.connect(self._on_service_transfers_removed)
        service.status_changed.connect(self._on_service_status_changed)
        selection = self.view.selectionModel()
        selection.selectionChanged.connect(self.update_actions)
        self.view.customContextMenuRequested.connect(self._on_view_context_menu_requested)
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            signal.connect(self._on_model_rows_changed)
        self.model.dataChanged.connect(self._on_model_data_changed)

    # -- service signals ------------------------------------------------------
    def _on_service_groups_added(self, groups: list[TransferGroup]) -> None:
        self.model.add_groups(groups)

    def _on_service_transfers_changed(self, transfers: list[Transfer]) -> None:
        # A folder the model has not heard of (e.g. the panel came late): ask the service.
        missing = {t.group_id for t in transfers if t.group_id and not self.model.has_group(t.group_id)}
        groups = [g for g in (self._service.group(i) for i in missing) if g is not None]
        if groups:
            self.model.add_groups(groups)
        self.model.apply(transfers)

    def _on_service_transfers_removed(self, ids: list[str]) -> None:
        self.model.remove(ids)

    def _on_service_status_changed(self, status: QueueStatus) -> None:
        self.model.tick()
        text = status_text(status)
        if text != self._summary:
            self._summary = text
            self.summary_changed.emit(text)

    @property
    def summary(self) -> str:
        return self._summary

    # -- actions --------------------------------------------------------------
    def selected_ids(self) -> list[str]:
        """Ids of the selected rows; a file whose folder row is selected too is left to the folder."""
        ids = self.model.ids_for(self.view.selectionModel().selectedRows())
        chosen = set(ids)
        return [i for i in ids if (t := self.model.transfer(i)) is None or t.group_id not in chosen]

    def _ids_in(self, ids: Iterable[str], states: frozenset[TransferState]) -> list[str]:
        return [i for i in ids if self.model.states(i) & states]

    def pause_selected(self) -> None:
        self._send(self._service.pause, self._ids_in(self.selected_ids(), PAUSABLE))

    def resume_selected(self) -> None:
        self._send(self._service.resume, self._ids_in(self.selected_ids(), RESUMABLE))

    def cancel_selected(self) -> None:
        self._send(self._service.cancel, self._ids_in(self.selected_ids(), CANCELLABLE))

    def retry_selected(self) -> None:
        self._send(self._service.retry, self._ids_in(self.selected_ids(), RETRYABLE))

    def clear_finished(self) -> None:
        self._service.clear_finished()

    def pause_all(self) -> None:
        self._send(self._service.pause, self._ids_in(self.model.all_ids(), PAUSABLE))

    def resume_all(self) -> None:
        self._send(self._service.resume, self._ids_in(self.model.all_ids(), RESUMABLE))

    def _send(self, verb: Callable[[list[str]], None], ids: list[str]) -> None:
        if ids:
            verb(ids)

    def reveal_selected(self) -> None:
        """Open the local folder of the current (or first selected) row in the file manager."""
        current = self.view.currentIndex()
        selected = self.view.selectionModel().selectedRows()
        index = current if current.isValid() and self.view.selectionModel().isSelected(current) else None
        ids = self.model.ids_for([index] if index is not None else selected[:1])
        folder = existing_folder(self.model.local_folder(ids[0])) if ids else ""
        if folder:
            self._open_url(QUrl.fromLocalFile(folder))

    def update_actions(self) -> None:
        """Enable each action when the selection (or the queue, for the “All” ones) allows it."""
        ids = self.selected_ids()
        states: set[TransferState] = set()
        for row_id in ids:
            states |= self.model.states(row_id)
        self.pause_action.setEnabled(bool(states & PAUSABLE))
        self.resume_action.setEnabled(bool(states & RESUMABLE))
        self.cancel_action.setEnabled(bool(states & CANCELLABLE))
        self.retry_action.setEnabled(bool(states & RETRYABLE))
        self.reveal_action.setEnabled(any(self.model.local_folder(i) for i in ids[:1]))
        counts = self.model.counts()
        self.clear_action.setEnabled(any(counts[s] for s in FINISHED))
        self.pause_all_action.setEnabled(any(counts[s] for s in PAUSABLE))
        self.resume_all_action.setEnabled(any(counts[s] for s in RESUMABLE))

    def context_menu(self) -> QMenu:
        """The menu the view shows on right-click: the toolbar's actions, on the selection."""
        menu = QMenu(self)
        menu.setObjectName("transferMenu")
        menu.addActions([self.pause_action, self.resume_action, self.cancel_action, self.retry_action])
        menu.addSeparator()
        menu.addAction(self.reveal_action)
        menu.addSeparator()
        menu.addActions([self.clear_action, self.pause_all_action, self.resume_all_action])
        return menu

    def _on_view_context_menu_requested(self, pos: QPoint) -> None:
        self.update_actions()
        menu = self.context_menu()
        menu.exec(self.view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    # -- model signals --------------------------------------------------------
    def _on_model_data_changed(self, top: QModelIndex, bottom: QModelIndex) -> None:
        # Speed and ETA repaint every flush; only a change that may touch a state matters
        # here, and a flush's many ranges need one update, after it.
        if top.column() <= TransferColumn.STATUS <= bottom.column() and not self._actions_pending:
            self._actions_pending = True
            QTimer.singleShot(0, self._update_actions_later)

    def _update_actions_later(self) -> None:
        self._actions_pending = False
        self.update_actions()

    def _on_model_rows_changed(self) -> None:
        self._update_empty()
        self.update_actions()

    def _update_empty(self) -> None:
        empty = self.model.rowCount() == 0
        self._stack.setCurrentWidget(self.hint if empty else self.view)

    def is_empty_hint_shown(self) -> bool:
        return self._stack.currentWidget() is self.hint
