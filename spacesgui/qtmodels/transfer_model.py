"""The transfer queue as a two-level tree: folder transfers over their files, single files beside them.

Top-level rows keep arrival order: one per TransferGroup and one per transfer without a
group; a group row's children are its files. Updates arrive as snapshots (copies) from
TransferService at most five times a second; `apply` inserts new rows with one
begin/endInsertRows per parent and announces changed rows with one dataChanged range per
parent, so 10,000 files cost a handful of signals, not 10,000.

Indexes carry no Python pointers: a top-level index has internalId 0, a child's is its
group's serial number, so a stale index can never reach a freed object. GUI thread only.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QIcon

from spacesgui.core.filetypes import FileKind, file_kind
from spacesgui.core.throughput import SpeedMeter, eta_seconds, human_eta, human_rate
from spacesgui.core.transfer_text import (
    NO_BAR,
    direction_text,
    file_status,
    group_status,
    percent,
    size_text,
)
from spacesgui.core.transfers import Direction, Transfer, TransferGroup, TransferState
from spacesgui.qtmodels.icons import icon, kind_icon
from spacesgui.qtmodels.transfer_rows import FileRow, GroupRow, Row, row_id, row_runs

log = logging.getLogger(__name__)

AnyIndex = QModelIndex | QPersistentModelIndex
ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
RESET_THRESHOLD = 300  # removing more rows than this (or in more runs than MAX_RUNS) resets the model
MAX_RUNS = 32
NO_SPEED = "—"
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

State = TransferState
ACTIVE = frozenset({State.QUEUED, State.RUNNING})


class TransferColumn(IntEnum):
    NAME = 0
    DIRECTION = 1
    STATUS = 2
    PROGRESS = 3
    SIZE = 4
    SPEED = 5
    ETA = 6


HEADERS = ("Name", "Direction", "Status", "Progress", "Size", "Speed", "ETA")
LAST_COLUMN = len(TransferColumn) - 1


class TransferRole(IntEnum):
    ID = Qt.ItemDataRole.UserRole + 21  # transfer id, or group id for a group row
    STATE = Qt.ItemDataRole.UserRole + 22  # TransferState (a group's summary state for a group row)
    PROGRESS = Qt.ItemDataRole.UserRole + 23  # int 0..100
    IS_GROUP = Qt.ItemDataRole.UserRole + 24
    ERROR = Qt.ItemDataRole.UserRole + 25  # the plain error text ("" when none)


# Changed rows this close together are reported as one range (see _emit_changed).
RUN_GAP = 32
# tick() leaves alone rows that apply() measured this recently (both run on each flush).
FRESH_S = 0.1


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
        self._data_failed = False
        self._failed_brush = QBrush(QColor("#b3261e"))
        # The object view's icons: a file's kind by its name, folders as folders, and the
        # toolbar's Upload and Download glyphs for the direction.
        self._kind_icons: dict[FileKind, QIcon] = {kind: kind_icon(kind) for kind in FileKind}
        self._direction_icons: dict[Direction, QIcon] = {
            Direction.UPLOAD: icon("upload"),
            Direction.DOWNLOAD: icon("download"),
        }

    # -- updates --------------------------------------------------------------
    def add_groups(self, groups: Iterable[TransferGroup]) -> None:
        """Add a row per new folder transfer (one insert); known ones just take the new info."""
        new: list[GroupRow] = []
        changed: list[int] = []
        for info in groups:
            known = self._groups.get(info.id)
            if known is not None:
                known.info = info
                changed.append(known.row)
                continue
            group = GroupRow(info, self._next_serial)
            self._next_serial += 1
            self._groups[info.id] = group
            self._by_serial[group.serial] = group
            new.append(group)
        self._append(None, new)
        self._emit_changed({0: changed})

    def apply(self, changes: Iterable[Transfer]) -> None:
        """Take new or changed transfer snapshots: one insert and one dataChanged per parent."""
        now = self._clock()
        new: dict[GroupRow | None, list[FileRow]] = {}
        changed: dict[int, list[int]] = {}
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
                self._update(node, t, now)
                serial = node.group.serial if node.group is not None else 0
                changed.setdefault(serial, []).append(node.row)
                if node.group is not None:
                    changed.setdefault(0, []).append(node.group.row)
        for group, nodes in new.items():
            self._append(group, nodes)
            if group is not None:
                changed.setdefault(0, []).append(group.row)
        # From the second column: names never change, and a range that starts at the first
        # makes QTreeView ask Python whether each row has children.
        self._emit_changed(changed, first=TransferColumn.DIRECTION)

    def tick(self) -> None:
        """Re-measure running files that sent nothing new, so a stalled one slows to zero."""
        if not self._running:
            return
        now = self._clock()
        changed: dict[int, list[int]] = {}
        for node in list(self._running):
            if now - node.measured < FRESH_S:
                continue  # apply() just measured it: no second repaint of the same row
            self._measure(node, now)
            if node.group is None:
                changed.setdefault(0, []).append(node.row)
            else:
                changed.setdefault(node.group.serial, []).append(node.row)
                changed.setdefault(0, []).append(node.group.row)
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

    def counts(self) -> Counter[TransferState]:
        """How many files of the whole queue are in each state (a copy)."""
        return +self._counts

    def failed_ids(self) -> list[str]:
        return [i for i, node in self._files.items() if node.transfer.state == State.FAILED]

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
                return self._group_data(node, index.column(), role)
            return self._file_data(node, index.column(), role)
        except Exception:
            if not self._data_failed:
                self._data_failed = True
                log.exception("transfer model data() failed (logged once)")
            return None

    # -- cell data ------------------------------------------------------------
    def _file_data(self, node: FileRow, column: int, role: int) -> Any:
        t = node.transfer
        if role == Qt.ItemDataRole.DisplayRole:
            return self._file_text(node, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == TransferColumn.NAME:
                return f"s3://{t.bucket}/{t.key}\n{t.local_path}"
            if column == TransferColumn.STATUS:
                return (
                    f"Done · verified by {t.verified}"
                    if t.state == State.DONE and t.verified
                    else file_status(t)
                )
            return None
        common = self._common_data(t.direction, column, role)
        if common is not None:
            return common
        if role == Qt.ItemDataRole.DecorationRole and column == TransferColumn.NAME:
            return self._kind_icons[file_kind(t.name)]
        if role == TransferRole.ID:
            return t.id
        if role == TransferRole.STATE:
            return t.state
        if role == TransferRole.PROGRESS:
            return 0 if t.state in NO_BAR else percent(t.bytes_done, t.size, t.state == State.DONE)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == TransferColumn.STATUS
            and t.state == State.FAILED
        ):
            return self._failed_brush
        if role == TransferRole.IS_GROUP:
            return False
        if role == TransferRole.ERROR:
            return t.error
        return None

    def _file_text(self, node: FileRow, column: int) -> str:
        t = node.transfer
        if column == TransferColumn.NAME:
            # Inside a folder row, the path below that folder: two “cover.png” stay apart.
            if node.group is not None and t.key.startswith(node.group.info.prefix):
                return t.key[len(node.group.info.prefix) :] or t.name
            return t.name
        if column == TransferColumn.DIRECTION:
            return direction_text(t.direction)
        if column == TransferColumn.STATUS:
            return file_status(t)
        if column == TransferColumn.PROGRESS:
            if t.state in NO_BAR:
                return t.state.value.capitalize()
            return f"{percent(t.bytes_done, t.size, t.state == State.DONE)}%"
        if column == TransferColumn.SIZE:
            return size_text(t.bytes_done, t.size, t.state != State.DONE)
        return _speed_eta_text(column, t.state, t.size - t.bytes_done, node.speed)

    def _group_data(self, group: GroupRow, column: int, role: int) -> Any:
        info = group.info
        if role == Qt.ItemDataRole.DisplayRole:
            return self._group_text(group, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == TransferColumn.NAME:
                return f"s3://{info.bucket}/{info.prefix}\n{info.local_root}"
            return self._group_text(group, column) if column == TransferColumn.STATUS else None
        common = self._common_data(info.direction, column, role)
        if common is not None:
            return common
        if role == Qt.ItemDataRole.DecorationRole and column == TransferColumn.NAME:
            return self._kind_icons[FileKind.FOLDER]
        if role == TransferRole.ID:
            return info.id
        if role == TransferRole.STATE:
            return group.state()
        if role == TransferRole.PROGRESS:
            return percent(group.bytes_done, group.size, group.state() == State.DONE)
        if role == TransferRole.IS_GROUP:
            return True
        if role == TransferRole.ERROR:
            return ""
        return None

    def _group_text(self, group: GroupRow, column: int) -> str:
        info, state = group.info, group.state()
        if column == TransferColumn.NAME:
            return info.name
        if column == TransferColumn.DIRECTION:
            return direction_text(info.direction)
        if column == TransferColumn.STATUS:
            return group_status(info.direction, state, group.counts, len(group.children))
        if column == TransferColumn.PROGRESS:
            return f"{percent(group.bytes_done, group.size, state == State.DONE)}%"
        if column == TransferColumn.SIZE:
            return size_text(group.bytes_done, group.size, state != State.DONE)
        return _speed_eta_text(column, state, group.size - group.bytes_done, group.speed)

    def _common_data(self, direction: Direction, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DecorationRole and column == TransferColumn.DIRECTION:
            return self._direction_icons[direction]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            TransferColumn.SIZE,
            TransferColumn.SPEED,
            TransferColumn.ETA,
        ):
            return RIGHT
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

    def _append(self, group: GroupRow | None, nodes: list[Any]) -> None:
        """Append `nodes` under `group` (None: the top level) with one insert."""
        if not nodes:
            return
        rows: list[Any] = self._top if group is None else group.children
        first, now = len(rows), self._clock()
        self.beginInsertRows(self._parent_index(group), first, first + len(nodes) - 1)
        for offset, node in enumerate(nodes, first):
            node.row = offset
            if isinstance(node, FileRow):
                self._enter(node, now)
        rows.extend(nodes)
        self.endInsertRows()

    def _enter(self, node: FileRow, now: float) -> None:
        self._counts[node.transfer.state] += 1
        self._measure(node, now)
        if node.group is not None:
            node.group.count(node, 1)

    def _leave(self, node: FileRow) -> None:
        self._counts[node.transfer.state] -= 1
        self._running.discard(node)
        if node.group is not None:
            node.group.count(node, -1)

    def _update(self, node: FileRow, t: Transfer, now: float) -> None:
        self._leave(node)
        node.transfer = t
        self._enter(node, now)

    def _measure(self, node: FileRow, now: float) -> None:
        """Feed the file's byte count to its speed meter (running files only)."""
        t = node.transfer
        if t.state != State.RUNNING:
            node.meter, node.speed, node.last_bytes = None, 0.0, t.bytes_done
            self._running.discard(node)
            return
        self._running.add(node)
        node.measured = now
        if node.meter is None or t.bytes_done < node.last_bytes:
            node.meter = SpeedMeter()
            node.meter.add(0, now)
        else:
            node.meter.add(t.bytes_done - node.last_bytes, now)
        node.last_bytes = t.bytes_done
        node.speed = node.meter.rate(now)

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


def _speed_eta_text(column: int, state: TransferState, remaining: int, speed: float) -> str:
    if column == TransferColumn.SPEED:
        return human_rate(speed) if state == State.RUNNING and speed > 0 else NO_SPEED
    if column == TransferColumn.ETA and state in ACTIVE:
        return human_eta(eta_seconds(remaining, speed) if state == State.RUNNING else None)
    return ""
