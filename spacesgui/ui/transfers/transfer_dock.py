"""The Transfers panel: the queue as a tree, actions on the selection, a speed graph, a summary.

The dock listens to TransferService itself (GUI thread; the service emits at most five
times a second) and calls its pause/resume/cancel/retry/remove_finished. Actions pass only
the ids a verb applies to (Retry sends failed or cancelled rows, not finished ones).
The status bar summary is measured from the rows (TransferModel.totals and speed), so
its bytes and speed are the sums of what the rows show.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedLayout,
    QToolBar,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.formatting import human_size
from spacesgui.core.throughput import human_rate
from spacesgui.core.transfers import Transfer, TransferGroup, TransferState
from spacesgui.qtmodels.transfer_model import TransferColumn, TransferModel, TransferRole
from spacesgui.services.transfer_service import QueueStatus
from spacesgui.ui.column_fit import yield_columns
from spacesgui.ui.keyboard_menu import open_menu_by_keyboard
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.transfers.glyph_icons import Glyph, glyph_icon
from spacesgui.ui.transfers.name_delegate import TransferNameDelegate
from spacesgui.ui.transfers.progress_delegate import ProgressDelegate
from spacesgui.ui.transfers.throughput_graph import ThroughputGraph
from spacesgui.ui.transfers.transfer_title_bar import TransferTitleBar
from spacesgui.ui.transfers.transfer_verbs import TransferVerbs, existing_folder

if TYPE_CHECKING:
    from spacesgui.services.transfer_service import TransferService

__all__ = ["EMPTY_HINT", "TransferDock", "existing_folder", "status_text"]

EMPTY_HINT = "Drop files on the object list to upload them, or select objects and choose Download."
COLUMN_WIDTHS = (
    (TransferColumn.NAME, 190),  # at least: it stretches
    (TransferColumn.DIRECTION, 112),  # "Make private" with its icon
    (TransferColumn.STATUS, 240),
    (TransferColumn.PROGRESS, 90),
    (TransferColumn.SIZE, 132),
    (TransferColumn.SPEED, 104),
    (TransferColumn.ETA, 56),
)
# In a narrow panel these give way, in this order, before the name drops under NAME_MIN:
# the time left and the speed first, the direction (its icon is on the name's row) last.
YIELDING_COLUMNS = (TransferColumn.ETA, TransferColumn.SPEED, TransferColumn.SIZE, TransferColumn.DIRECTION)
NAME_MIN = 190
STATUS_MIN = 140  # "Failed: The Space…", the rest in its tooltip
OPEN_HEIGHT = 240  # the panel's height when it first unfolds
GRAPH_FROM_WIDTH = 1040  # a narrower panel leaves the graph out: the list's columns need the room
QWIDGETSIZE_MAX = (1 << 24) - 1


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


def finished_summary(counts: Counter[TransferState]) -> str:
    """“2 done · 1 failed”: the folded header's words for rows that have all ended."""
    ends = (
        (TransferState.DONE, "done"), (TransferState.FAILED, "failed"),
        (TransferState.CANCELLED, "cancelled"), (TransferState.SKIPPED, "skipped"),
    )  # fmt: skip
    return " · ".join(f"{counts[state]:,} {word}" for state, word in ends if counts[state])


class TransferDock(TransferVerbs, QDockWidget):
    """The transfer queue panel (objectName "transferQueue")."""

    summary_changed = Signal(str)  # status_text() of the rows, when it changes

    def __init__(
        self,
        service: TransferService,
        parent: QWidget | None = None,
        open_url: Callable[[QUrl], object] = QDesktopServices.openUrl,
    ) -> None:
        QDockWidget.__init__(self, "Transfers", parent)
        named(self, "transferQueue", "Transfers")
        self._service = service
        self._open_url = open_url
        self._summary = ""
        self.last_dialog: QMessageBox | None = None  # kept for tests and against early garbage collection
        self.model = TransferModel(self)
        self.view = named(QTreeView(self), "transferView", "Transfer list")
        self.delegate = ProgressDelegate(self.view)
        self.hint = named(MutedLabel(EMPTY_HINT, self), "transferEmptyHint", "No transfers")
        self.graph = ThroughputGraph(self)
        self.title_bar = TransferTitleBar(self)
        self.setTitleBarWidget(self.title_bar)
        self._folded = False
        self._open_height = OPEN_HEIGHT
        self._scroll_to: list[QPersistentModelIndex] = []
        self._actions_pending = False
        self._open_on_next_long_transfer = True  # the next upload or download opens the panel
        self._failed_shown = 0  # failed files when last looked: one more opens the panel
        self._build_actions()
        self._build_view()
        self._build_layout()
        self._connect()
        self._update_empty()
        self.update_actions()
        self.set_folded(True)  # empty at start: just the header, until a transfer arrives

    # -- construction ---------------------------------------------------------
    def _build_view(self) -> None:
        view = self.view
        view.setModel(self.model)
        view.setItemDelegateForColumn(TransferColumn.PROGRESS, self.delegate)
        view.setItemDelegateForColumn(TransferColumn.NAME, TransferNameDelegate(view))
        view.setUniformRowHeights(True)  # 10,000 rows: no per-row size hints
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setAllColumnsShowFocus(True)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        open_menu_by_keyboard(view)
        header = view.header()
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        for column, width in COLUMN_WIDTHS:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        # The name takes what is left: rows are told apart by it (the status is in its tooltip).
        header.setSectionResizeMode(TransferColumn.NAME, QHeaderView.ResizeMode.Stretch)
        self._widths: dict[int, int] = {int(c): w for c, w in COLUMN_WIDTHS if c != TransferColumn.NAME}
        self._status_width = self._widths[TransferColumn.STATUS]
        view.installEventFilter(self)  # its width changes with the panel's and the graph's

    def _build_layout(self) -> None:
        toolbar = named(QToolBar("Transfer actions", self), "transferToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addActions([*self.selection_actions[:4], self.details_action])
        toolbar.addSeparator()
        toolbar.addActions([self.clear_action, self.reveal_action])
        toolbar.addSeparator()
        toolbar.addActions(self.queue_actions)
        self.toolbar = toolbar
        self._paint_overflow_icon()
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setMargin(16)
        # The dock's widget stays shown when folded (a hidden one would make the dock as
        # narrow as its header); the content inside it is what folding hides.
        self._body = named(QWidget(self), "transferPanelBody")
        self._content = named(QWidget(self._body), "transferPanelContent")
        self._stack = QStackedLayout()
        self._stack.addWidget(self.view)
        self._stack.addWidget(self.hint)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addLayout(self._stack, 1)
        row.addWidget(self.graph)
        column = QVBoxLayout(self._content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(toolbar)
        column.addLayout(row, 1)
        outer = QVBoxLayout(self._body)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._content)
        self.setWidget(self._body)

    def _connect(self) -> None:
        service = self._service
        service.groups_added.connect(self._on_service_groups_added)
        service.transfers_changed.connect(self._on_service_transfers_changed)
        service.transfers_removed.connect(self._on_service_transfers_removed)
        service.status_changed.connect(self._on_service_status_changed)
        selection = self.view.selectionModel()
        selection.selectionChanged.connect(self.update_actions)
        self.view.customContextMenuRequested.connect(self._on_view_context_menu_requested)
        self.view.doubleClicked.connect(self._on_view_double_clicked)
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            signal.connect(self._on_model_rows_changed)
        self.model.rowsInserted.connect(self._on_model_rows_inserted)
        self.model.dataChanged.connect(self._on_model_data_changed)
        self.title_bar.fold_requested.connect(self.set_folded)

    # -- folding --------------------------------------------------------------
    @property
    def folded(self) -> bool:
        return self._folded

    def set_folded(self, folded: bool) -> None:
        """Fold the panel to its header (the list, toolbar and graph hidden) or open it again."""
        if folded == self._folded:
            return
        if folded and self._content.isVisible():
            self._open_height = max(OPEN_HEIGHT // 2, self.height())
        self._folded = folded
        self.title_bar.set_folded(folded)
        self._content.setVisible(not folded)
        self._update_header_summary()
        if folded:
            self._body.setMaximumHeight(0)
            self.setMaximumHeight(self.title_bar.sizeHint().height())
            return
        self._body.setMaximumHeight(QWIDGETSIZE_MAX)
        self.setMaximumHeight(QWIDGETSIZE_MAX)
        window = self.parentWidget()
        if self.isWindow():  # floating, or a panel on its own: the window grows back
            self.resize(self.width(), max(self.height(), self._open_height))
        elif isinstance(window, QMainWindow):
            height = self._open_height
            if height == OPEN_HEIGHT:  # never sized by the user: a small window keeps its list
                height = max(OPEN_HEIGHT // 2, min(OPEN_HEIGHT, window.height() // 4))
            window.resizeDocks([self], [height], Qt.Orientation.Vertical)

    def reveal(self) -> None:
        """Show the panel open, e.g. when transfers were just queued."""
        self.show()
        self.set_folded(False)
        self.raise_()

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
        self.graph.set_history(status.history)
        text = status_text(QueueStatus(self.model.totals(), self.model.speed()))
        if text != self._summary:
            self._summary = text
            self._update_header_summary()
            self.summary_changed.emit(text)

    @property
    def summary(self) -> str:
        return self._summary

    def _update_header_summary(self) -> None:
        """Folded, the header says what the panel would: “3 running · 2.1 MB/s”, or “No transfers”."""
        if not self._folded:
            self.title_bar.set_summary("")
        elif self._summary:
            self.title_bar.set_summary(self._summary.removeprefix("Transfers: "))
        else:  # nothing running: what the rows ended as (a rename's row, say)
            self.title_bar.set_summary(finished_summary(self.model.counts()) or "No transfers")

    # -- details --------------------------------------------------------------
    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        # Folder rows open and close on a double-click; a file row with a problem explains it.
        if not index.data(TransferRole.IS_GROUP) and self.model.has_problem(self.model.ids_for([index])[0]):
            self.view.setCurrentIndex(index)
            self.show_details()

    # -- menus ----------------------------------------------------------------
    def context_menu(self) -> QMenu:
        """The menu the view shows on right-click: the toolbar's actions, on the selection."""
        menu = QMenu(self)
        menu.setObjectName("transferMenu")
        menu.addActions([self.pause_action, self.resume_action, self.cancel_action, self.retry_action])
        menu.addAction(self.details_action)
        menu.addSeparator()
        menu.addAction(self.reveal_action)
        menu.addSeparator()
        menu.addActions([self.remove_action, self.clear_action])
        menu.addActions(self.queue_actions)
        return menu

    def _on_view_context_menu_requested(self, pos: QPoint) -> None:
        self.update_actions()
        menu = self.context_menu()
        menu.exec(self.view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _open_for_failures(self) -> None:
        """Open the panel when a transfer fails: the banner sends the user here to read why."""
        failed = self.model.counts()[TransferState.FAILED]
        if failed > self._failed_shown:
            self.set_folded(False)
        self._failed_shown = failed

    # -- model signals --------------------------------------------------------
    def _on_model_data_changed(self, top: QModelIndex, bottom: QModelIndex) -> None:
        # Speed and ETA repaint every flush; only a change that may touch a state matters
        # here, and a flush's many ranges need one update, after it.
        if top.column() <= TransferColumn.STATUS <= bottom.column() and not self._actions_pending:
            self._actions_pending = True
            QTimer.singleShot(0, self._update_actions_later)

    def _update_actions_later(self) -> None:
        self._actions_pending = False
        self._open_for_failures()
        self.update_actions()

    def _on_model_rows_changed(self) -> None:
        self._update_empty()
        if self.is_empty_hint_shown():
            self._open_on_next_long_transfer = True
        elif self._open_on_next_long_transfer and self.model.has_long_transfer():
            # The first upload or download: open the panel to show it. A rename, a copy or a
            # few deletes on the server say so in the banner (many open the panel themselves).
            self._open_on_next_long_transfer = False
            self.set_folded(False)
        self._open_for_failures()
        self._update_header_summary()
        self.update_actions()

    def _on_model_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        """Bring new top-level rows into view (after the view has laid them out)."""
        if parent.isValid():
            return  # files joining a folder row already shown
        self._scroll_to = [
            QPersistentModelIndex(self.model.index(last, 0)),
            QPersistentModelIndex(self.model.index(first, 0)),
        ]
        QTimer.singleShot(0, self._scroll_to_new_rows)

    def _scroll_to_new_rows(self) -> None:
        # The last row first, then the first: as many of the new rows as fit, from the first.
        for index in self._scroll_to:
            if index.isValid():
                self.view.scrollTo(
                    self.model.index(index.row(), 0, index.parent()),
                    QAbstractItemView.ScrollHint.EnsureVisible,
                )
        self._scroll_to = []

    def _update_empty(self) -> None:
        empty = self.model.rowCount() == 0
        self._stack.setCurrentWidget(self.hint if empty else self.view)
        self._update_graph_visible()

    def is_empty_hint_shown(self) -> bool:
        return self._stack.currentWidget() is self.hint

    # -- size and palette -----------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._paint_overflow_icon()

    def _paint_overflow_icon(self) -> None:
        """The toolbar's » button in the palette's colours (the stock one vanishes on dark ones)."""
        button = self.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
        if button is not None:
            button.setIcon(glyph_icon(Glyph.MORE, self.toolbar.palette()))
            button.setToolTip("More actions")
            button.setAccessibleName("More transfer actions")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_graph_visible()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.Resize:
            # Once the view has laid out: a filter runs before the view's own resize, and
            # its viewport still has the old width.
            QTimer.singleShot(0, self, self.fit_columns)
        return super().eventFilter(watched, event)

    def fit_columns(self) -> None:
        """Hide the time left, then the speed, the size and the direction, while the name would
        get under NAME_MIN, then narrow Status (to STATUS_MIN); show them again when there is
        room. Progress and Status stay: at 640 px every column after Status was out of sight."""
        header = self.view.header()
        width = self.view.viewport().width()
        if width <= 0:
            return
        # Status counts at its own width, not what a narrower panel left it (restored below).
        status = self._status_width
        header.resizeSection(TransferColumn.STATUS, status)
        others = yield_columns(header, self._widths, YIELDING_COLUMNS, width, NAME_MIN)
        # Narrower still (a 480 px window, a floating panel): Status gives some of its width.
        status = max(STATUS_MIN, status - max(0, NAME_MIN - (width - others)))
        if header.sectionSize(TransferColumn.STATUS) != status:
            header.resizeSection(TransferColumn.STATUS, status)

    def _update_graph_visible(self) -> None:
        """The graph beside the list when there is a list and room for both."""
        show = not self.is_empty_hint_shown() and self.width() >= GRAPH_FROM_WIDTH
        if self.graph.isVisibleTo(self) != show:
            self.graph.setVisible(show)
