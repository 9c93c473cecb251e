"""The transfer queue as a two-level tree: folder transfers over their files, single files beside them.

Top-level rows keep planning order: one per TransferGroup and one per transfer without a
group, oldest first, as they were queued (after a restart too, when every folder arrives
before the first loose file); a group row's children are its files. Updates arrive as snapshots (copies) from
TransferService at most five times a second; `apply` inserts new rows with one
begin/endInsertRows per parent and announces changed rows with one dataChanged range per
parent, so 10,000 files cost a handful of signals, not 10,000.

Indexes carry no Python pointers: a top-level index has internalId 0, a child's is its
group's serial number, so a stale index can never reach a freed object. GUI thread only.
"""

from __future__ import annotations

import bisect
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from spacesgui.core.throughput import RowSpeed
from spacesgui.core.transfers import Direction, Totals, Transfer, TransferGroup, TransferState
from spacesgui.qtmodels.transfer_cells import (
    HEADERS,
    LAST_COLUMN,
    TransferCells,
    TransferColumn,
    TransferRole,
)
from spacesgui.qtmodels.transfer_rows import (
    FileRow,
    GroupRow,
    Row,
    contribution,
    planned,
    row_id,
    row_runs,
)

log = logging.getLogger(__name__)

AnyIndex = QModelIndex | QPersistentModelIndex
ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
RESET_THRESHOLD = 300  # removing more rows than this (or in more runs than MAX_RUNS) resets the model
MAX_RUNS = 32

State = TransferState
# Bytes a snapshot in these states reports are a reset (cancel, retry), not bytes moving back.
RESET_STATES = frozenset({State.QUEUED, State.CANCELLED, State.SKIPPED})

# Changed rows this close together are reported as one range (see _emit_changed).
RUN_GAP = 32
# tick() leaves alone rows that apply() measured this recently (both run on each flush).
FRESH_S = 0.1

__all__ = ["TransferColumn", "TransferModel", "TransferRole"]


LONG_ON_SERVER = 100 * 1000 * 1000  # a copy or move of this many bytes runs long enough to watch


class TransferModel(QAbstractItemModel):
    """The transfer queue; see the module docstring. GUI thread only."""

    def __init__(self, parent: QObject | None = None, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self._clock = clock
        self._top: list[Row] = []
        self._files: dict[str, FileRow] = {}
        self._groups: dict[str, GroupRow] = {}
        self._by_serial: dict[int, GroupRow] = {}
        self._next_serial = 1
        self._running: set[FileRow] = set()
        self._counts: Counter[TransferState] = Counter()  # every file in the model, by state
        self._top_active: set[FileRow] = set()  # queued or running files without a folder row
        self._moved = dict.fromkeys(Direction, 0)  # bytes the rows saw move, by direction
        self._reported = clock()  # the last progress report (apply or tick)
        self._data_failed = False
        self._cells = TransferCells()

    # -- updates --------------------------------------------------------------
    def add_groups(self, groups: Iterable[TransferGroup]) -> None:
        """Add a row per new folder transfer (one insert); known ones just take the new info."""
        new: list[GroupRow] = []
        changed: list[GroupRow] = []
        for info in groups:
            known = self._groups.get(info.id)
            if known is not None:
                known.info = info
                changed.append(known)
                continue
            group = GroupRow(info, self._next_serial)
            self._next_serial += 1
            self._groups[info.id] = group
            self._by_serial[group.serial] = group
            new.append(group)
        self._add_top(sorted(new, key=planned))
        self._emit_changed({0: [group.row for group in changed]})

    def apply(self, changes: Iterable[Transfer]) -> None:
        """Take new or changed transfer snapshots: one insert and one dataChanged per parent.

        Every row's speed is fed here with one clock reading, the same for all rows, so the
        folder rows, the file rows and the status bar (speed()) measure alike.
        """
        now, since = self._clock(), self._reported
        self._reported = now
        new: dict[GroupRow | None, list[FileRow]] = {}
        changed: dict[int, list[int]] = {}  # a group's serial → its changed children's rows
        changed_top: list[Row] = []
        fed: dict[GroupRow, int] = {}
        for t in changes:
            node = self._files.get(t.id)
            if node is None:
                group = self._groups.get(t.group_id) if t.group_id else None
                node = FileRow(t, group, last_bytes=t.bytes_done)
                self._files[t.id] = node
                new.setdefault(group, []).append(node)
            elif node.row < 0:
                node.transfer = t  # twice in one batch, not inserted yet
            else:
                delta = self._update(node, t, now, since)
                if node.group is None:
                    changed_top.append(node)
                else:
                    changed.setdefault(node.group.serial, []).append(node.row)
                    changed_top.append(node.group)
                    fed[node.group] = fed.get(node.group, 0) + delta
        for group, nodes in new.items():
            # Snapshots come in no particular order: rows go in the order they were planned.
            nodes.sort(key=planned)
            if group is None:
                self._add_top(nodes)
            else:
                self._insert(group, len(group.children), nodes)
                changed_top.append(group)
                fed.setdefault(group, 0)
        changed[0] = [row.row for row in changed_top]  # after the inserts: a top row may have moved
        for group, delta in fed.items():
            self._feed_group(group, delta, now, since)
        # From the second column: names never change, and a range that starts at the first
        # makes QTreeView ask Python whether each row has children.
        self._emit_changed(changed, first=TransferColumn.DIRECTION)

    def tick(self) -> None:
        """Re-measure moving rows that sent nothing new, so a stalled one slows to zero.

        Called at every progress report (five times a second), after apply() if files changed.
        """
        now = self._clock()
        self._reported = now
        changed: dict[int, list[int]] = {}
        for node in list(self._running):
            if now - node.measured < FRESH_S or node.tracker is None:
                continue  # apply() just measured it: no second repaint of the same row
            node.speed, node.measured = node.tracker.rate(now), now
            serial = node.group.serial if node.group is not None else 0
            changed.setdefault(serial, []).append(node.row)
        for group in self._groups.values():
            if group.tracker is None or not group.running or now - group.measured < FRESH_S:
                continue
            group.speed, group.measured = group.tracker.rate(now), now
            changed.setdefault(0, []).append(group.row)
        self._emit_changed(changed, first=TransferColumn.SPEED)

    def remove(self, ids: Iterable[str]) -> None:
        """Drop rows of transfer or group ids; a group whose last file goes goes too."""
        files: set[FileRow] = set()
        groups: set[GroupRow] = set()
        for item in ids:
            if (group := self._groups.get(item)) is not None:
                groups.add(group)
            elif (node := self._files.get(item)) is not None and node.row >= 0:
                files.add(node)
        by_group: dict[GroupRow | None, list[FileRow]] = {}
        for node in files:
            if node.group not in groups:
                by_group.setdefault(node.group, []).append(node)
        for group, nodes in list(by_group.items()):
            if group is not None and len(nodes) == len(group.children):
                groups.add(group)
                del by_group[group]
        top_doomed: list[Row] = [*by_group.pop(None, []), *groups]
        count = len(top_doomed) + sum(len(nodes) for nodes in by_group.values())
        pieces = sum(len(row_runs([n.row for n in nodes])) for nodes in by_group.values())
        pieces += len(row_runs([r.row for r in top_doomed]))
        if count > RESET_THRESHOLD or pieces > MAX_RUNS:
            self.beginResetModel()
            self._drop(by_group, top_doomed)
            self.endResetModel()
            return
        for group, nodes in by_group.items():
            assert group is not None
            self._remove_runs(group, nodes)
        self._remove_runs(None, top_doomed)
        self._emit_changed({0: [g.row for g in by_group if g is not None]})

    # -- queries --------------------------------------------------------------
    def transfer(self, transfer_id: str) -> Transfer | None:
        node = self._files.get(transfer_id)
        return node.transfer if node is not None else None

    def group(self, group_id: str) -> TransferGroup | None:
        group = self._groups.get(group_id)
        return group.info if group is not None else None

    def has_group(self, group_id: str) -> bool:
        return group_id in self._groups

    def ids_for(self, indexes: Iterable[AnyIndex]) -> list[str]:
        """Ids of the rows of `indexes` (any column), once each, in order; a group row gives its id."""
        seen: dict[str, None] = {}
        for index in indexes:
            node = self._node(index)
            if node is not None:
                seen[row_id(node)] = None
        return list(seen)

    def states(self, row_id: str) -> frozenset[TransferState]:
        """The states in a row: one for a file, every state one of its files is in for a group."""
        if (node := self._files.get(row_id)) is not None:
            return frozenset({node.transfer.state})
        if (group := self._groups.get(row_id)) is not None:
            return frozenset(s for s, n in group.counts.items() if n > 0)
        return frozenset()

    def files_in(self, row_ids: Iterable[str], states: Iterable[TransferState]) -> list[str]:
        """Ids of the files of the rows `row_ids` (a folder row: its files) in one of `states`."""
        wanted = frozenset(states)
        found: list[str] = []
        for item in row_ids:
            if (group := self._groups.get(item)) is not None:
                found += [f.transfer.id for f in group.children if f.transfer.state in wanted]
            elif (node := self._files.get(item)) is not None and node.transfer.state in wanted:
                found.append(item)
        return found

    def counts(self) -> Counter[TransferState]:
        """How many files of the whole queue are in each state (a copy)."""
        return +self._counts

    def speed(self) -> float:
        """Bytes per second of the whole queue: the sum of the speeds the top-level rows show."""
        files = sum(n.speed for n in self._running if n.group is None)
        return files + sum(g.speed for g in self._groups.values() if g.running)

    def totals(self) -> Totals:
        """The queue summed the way the rows show it, for the status bar.

        Bytes are those of the top-level rows still queued or running, as their Size
        column counts them (a folder's finished files included), so the status bar's
        “45 MB of 1.2 GB” is the sum of what the rows say. Deletes and access changes move
        no bytes, so they count none (the bar said "0 bytes of 80.2 MB" while deleting).
        """
        done = total = 0
        for node in self._top_active:
            if not node.transfer.direction.moves_bytes:
                continue
            node_size, node_done = contribution(node.transfer)
            done, total = done + node_done, total + node_size
        for group in self._groups.values():
            if not group.info.direction.moves_bytes:
                continue
            if group.counts[State.RUNNING] or group.counts[State.QUEUED]:
                done, total = done + group.bytes_done, total + group.size
        counts = self._counts
        return Totals(
            active=counts[State.QUEUED] + counts[State.RUNNING],
            running=counts[State.RUNNING],
            failed=counts[State.FAILED],
            bytes_done=done,
            bytes_total=total,
            uploaded=self._moved[Direction.UPLOAD],
            downloaded=self._moved[Direction.DOWNLOAD],
            paused=counts[State.PAUSED],
        )

    def problems(self, row_id: str) -> list[tuple[str, Transfer]]:
        """(shown name, snapshot) of what went wrong in a row, for Details.

        A file row: itself, when it failed or was skipped for a reason. A folder row: its
        files that failed.
        """
        if (node := self._files.get(row_id)) is not None:
            t = node.transfer
            wrong = t.state == State.FAILED or (t.state == State.SKIPPED and bool(t.error))
            return [(self._cells.file_text(node, TransferColumn.NAME), t)] if wrong else []
        group = self._groups.get(row_id)
        children = group.children if group is not None else []
        return [
            (self._cells.file_text(f, TransferColumn.NAME), f.transfer)
            for f in children
            if f.transfer.state == State.FAILED
        ]

    def has_problem(self, row_id: str) -> bool:
        """Whether Details has something to say about a row (cheap: no walk over a folder's files)."""
        if (node := self._files.get(row_id)) is not None:
            t = node.transfer
            return t.state == State.FAILED or (t.state == State.SKIPPED and bool(t.error))
        group = self._groups.get(row_id)
        return group is not None and group.counts[State.FAILED] > 0

    def file_ids(self, states: Iterable[TransferState]) -> list[str]:
        """Ids of every file (not folder rows) in one of `states`, in no particular order."""
        wanted = frozenset(states)
        return [i for i, node in self._files.items() if node.row >= 0 and node.transfer.state in wanted]

    def failed_ids(self) -> list[str]:
        return [i for i, node in self._files.items() if node.transfer.state == State.FAILED]

    def has_long_transfer(self) -> bool:
        """Whether a row uploads or downloads, or copies a big object on the server: work a
        user wants to watch (a rename or a delete on the server is over in a moment)."""
        for node in self._top:
            if isinstance(node, GroupRow):
                direction, size = node.info.direction, node.size
            else:
                direction, size = node.transfer.direction, node.transfer.size
            if not direction.on_server or size >= LONG_ON_SERVER:
                return True
        return False

    def all_ids(self) -> list[str]:
        """Ids of every top-level row: group ids (which stand for their files) and lone files."""
        return [row_id(node) for node in self._top]

    def local_folder(self, row_id: str) -> str:
        """The local folder to reveal for a row: a file's folder, or a folder transfer's local root."""
        if (node := self._files.get(row_id)) is not None:
            return os.path.dirname(node.transfer.local_path)
        group = self._groups.get(row_id)
        return group.info.local_root if group is not None else ""

    def index_of(self, row_id: str, column: int = 0) -> QModelIndex:
        node: Row | None = self._files.get(row_id) or self._groups.get(row_id)
        if node is None or node.row < 0:
            return QModelIndex()
        parent_serial = node.group.serial if isinstance(node, FileRow) and node.group is not None else 0
        return self.createIndex(node.row, column, parent_serial)

    # -- Qt structure ---------------------------------------------------------
    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not 0 <= column <= LAST_COLUMN:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if 0 <= row < len(self._top) else QModelIndex()
        group = self._node(parent)
        if isinstance(group, GroupRow) and parent.column() == 0 and 0 <= row < len(group.children):
            return self.createIndex(row, column, group.serial)
        return QModelIndex()

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        group = self._by_serial.get(index.internalId())
        return self.createIndex(group.row, 0, 0) if group is not None and group.row >= 0 else QModelIndex()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._top)
        if parent.column() != 0:
            return 0
        node = self._node(parent)
        return len(node.children) if isinstance(node, GroupRow) else 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return len(TransferColumn)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section <= LAST_COLUMN:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # An exception escaping a Qt virtual can take the process down: never let one out.
        try:
            node = self._node(index)
            if node is None:
                return None
            if isinstance(node, GroupRow):
                return self._cells.group(node, index.column(), role)
            return self._cells.file(node, index.column(), role)
        except Exception:
            if not self._data_failed:
                self._data_failed = True
                log.exception("transfer model data() failed (logged once)")
            return None

    # -- internals ------------------------------------------------------------
    def _node(self, index: AnyIndex) -> Row | None:
        """The row an index shows, or None for an invalid or stale index."""
        if not index.isValid():
            return None
        row, serial = index.row(), index.internalId()
        if serial == 0:
            return self._top[row] if 0 <= row < len(self._top) else None
        group = self._by_serial.get(serial)
        if group is None or not 0 <= row < len(group.children):
            return None
        return group.children[row]

    def _parent_index(self, group: GroupRow | None) -> QModelIndex:
        return QModelIndex() if group is None else self.createIndex(group.row, 0, 0)

    def _add_top(self, rows: Sequence[Row]) -> None:
        """Put new top-level `rows` (in planning order) where they were planned among the others.

        Almost always after the last (one insert); the rows a restart brings back come as all
        folders, then all loose files, and go between them, one insert per run of rows.
        """
        if not rows:
            return
        if not self._top or planned(rows[0]) >= planned(self._top[-1]):
            self._insert(None, len(self._top), rows)  # the usual case: no walk over the rows there
            return
        keys = [planned(row) for row in self._top]
        runs: dict[int, list[Row]] = {}  # where among the old rows → the new rows that go there
        for row in rows:
            runs.setdefault(bisect.bisect_right(keys, planned(row)), []).append(row)
        for at, run in sorted(runs.items(), reverse=True):  # from the bottom: each `at` stays true
            self._insert(None, at, run)

    def _insert(self, group: GroupRow | None, at: int, nodes: Sequence[Row]) -> None:
        """Insert `nodes` under `group` (None: the top level) at row `at`, with one insert."""
        if not nodes:
            return
        rows: list[Any] = self._top if group is None else group.children
        self.beginInsertRows(self._parent_index(group), at, at + len(nodes) - 1)
        for node in nodes:
            if isinstance(node, FileRow):
                self._enter(node)
                if node.transfer.state == State.RUNNING:
                    self._running.add(node)
        rows[at:at] = nodes
        for offset in range(at, len(rows)):
            rows[offset].row = offset
        self.endInsertRows()

    def _enter(self, node: FileRow) -> None:
        self._counts[node.transfer.state] += 1
        if node.group is not None:
            node.group.count(node, 1)
        elif node.transfer.state.active:
            self._top_active.add(node)

    def _leave(self, node: FileRow) -> None:
        self._counts[node.transfer.state] -= 1
        self._running.discard(node)
        self._top_active.discard(node)
        if node.group is not None:
            node.group.count(node, -1)

    def _update(self, node: FileRow, t: Transfer, now: float, since: float) -> int:
        """Take a new snapshot of a shown file; returns the bytes it moved since the last one."""
        self._leave(node)
        node.transfer = t
        self._enter(node)
        delta = 0 if t.state in RESET_STATES else t.bytes_done - node.last_bytes
        if t.state != State.RUNNING:
            delta = max(0, delta)  # a retried part may roll a running file back, nothing else
        node.last_bytes = t.bytes_done
        self._moved[t.direction] += delta
        self._feed_file(node, delta, now, since)
        return delta

    def _feed_file(self, node: FileRow, delta: int, now: float, since: float) -> None:
        running = node.transfer.state == State.RUNNING
        if running:
            self._running.add(node)
        if node.tracker is None:
            if not running and delta <= 0:
                return  # never moved: no speed to keep
            node.tracker = RowSpeed()
        node.tracker.feed(delta, now, running, since)
        node.speed, node.measured = node.tracker.rate(now), now

    def _feed_group(self, group: GroupRow, delta: int, now: float, since: float) -> None:
        if group.tracker is None:
            if not group.running and delta <= 0:
                return
            group.tracker = RowSpeed()
        group.tracker.feed(delta, now, group.running, since)
        group.speed, group.measured = group.tracker.rate(now), now

    def _emit_changed(self, changed: dict[int, list[int]], first: int = 0) -> None:
        """dataChanged per parent over runs of nearby changed rows.

        Not one range from the lowest to the highest row: the view calls back into Python
        for every row of a range, and with transfer threads holding the GIL each callback
        may wait; a handful of short runs keeps a flush in the low milliseconds.
        """
        for serial, rows in changed.items():
            if not rows:
                continue
            if serial == 0:
                parent: GroupRow | None = None
                count = len(self._top)
            else:
                parent = self._by_serial.get(serial)
                if parent is None:
                    continue
                count = len(parent.children)
            index = self._parent_index(parent)
            for low, high in row_runs([r for r in rows if 0 <= r < count], gap=RUN_GAP):
                self.dataChanged.emit(self.index(low, first, index), self.index(high, LAST_COLUMN, index))

    def _forget(self, node: Row) -> None:
        if isinstance(node, GroupRow):
            for child in node.children:
                self._forget(child)
            self._groups.pop(node.info.id, None)
            self._by_serial.pop(node.serial, None)
        else:
            self._leave(node)
            self._files.pop(node.transfer.id, None)
        node.row = -1

    def _remove_runs(self, group: GroupRow | None, nodes: list[Any]) -> None:
        """Remove `nodes` from under `group` run by run, from the bottom up."""
        rows: list[Any] = self._top if group is None else group.children
        parent = self._parent_index(group)
        for low, high in reversed(row_runs([n.row for n in nodes])):
            self.beginRemoveRows(parent, low, high)
            for node in rows[low : high + 1]:
                self._forget(node)
            del rows[low : high + 1]
            for offset in range(low, len(rows)):
                rows[offset].row = offset
            self.endRemoveRows()

    def _drop(self, by_group: dict[GroupRow | None, list[FileRow]], top_doomed: list[Row]) -> None:
        """Remove everything at once (inside a model reset)."""
        for group, nodes in by_group.items():
            assert group is not None
            for node in nodes:
                self._forget(node)
            group.children = [c for c in group.children if c.row >= 0]
            for offset, child in enumerate(group.children):
                child.row = offset
        for row in top_doomed:
            self._forget(row)
        self._top = [n for n in self._top if n.row >= 0]
        for offset, row in enumerate(self._top):
            row.row = offset
