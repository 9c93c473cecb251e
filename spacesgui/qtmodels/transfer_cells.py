"""What each cell of the transfer queue shows, per role: text, tooltip, icon, colour, raw values.

TransferModel finds the row; this module turns it into cell data. GUI thread only.
"""

from __future__ import annotations

import html
import os
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QIcon
from PySide6.QtWidgets import QApplication

from spacesgui.core.filetypes import FileKind, file_kind
from spacesgui.core.throughput import eta_seconds, human_eta
from spacesgui.core.transfer_text import (
    NO_BAR,
    direction_text,
    file_status,
    group_status,
    group_where_text,
    paused_detail,
    percent,
    row_name,
    size_text,
    speed_text,
    where_text,
)
from spacesgui.core.transfers import Direction, TransferState
from spacesgui.qtmodels.icons import icon, kind_icon
from spacesgui.qtmodels.legible_colors import error_text
from spacesgui.qtmodels.transfer_rows import FileRow, GroupRow

State = TransferState
ACTIVE = frozenset({State.QUEUED, State.RUNNING})
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole


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
NUMERIC = (TransferColumn.SIZE, TransferColumn.SPEED, TransferColumn.ETA)


class TransferRole(IntEnum):
    ID = Qt.ItemDataRole.UserRole + 21  # transfer id, or group id for a group row
    STATE = Qt.ItemDataRole.UserRole + 22  # TransferState (a group's summary state for a group row)
    PROGRESS = Qt.ItemDataRole.UserRole + 23  # int 0..100
    IS_GROUP = Qt.ItemDataRole.UserRole + 24
    ERROR = Qt.ItemDataRole.UserRole + 25  # the plain error text ("" when none)
    SPEED = Qt.ItemDataRole.UserRole + 26  # float live bytes/s, what the Speed column shows (0.0 idle)
    BYTES = Qt.ItemDataRole.UserRole + 27  # (bytes done, bytes in all) as the Size column counts them
    # Where a top-level row goes ("to photos/reports/2023/"), drawn after its name; "" for a
    # file in a folder row, which says it once for all of them.
    WHERE = Qt.ItemDataRole.UserRole + 28


def wrapped(text: str) -> str:
    """Tooltip text Qt word-wraps (it wraps rich text only), so a long error is never cut."""
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>" if text else ""


class TransferCells:
    """Cell data for file and folder rows; keeps the icons and the palette-derived colours."""

    def __init__(self) -> None:
        # The object view's icons: a file's kind by its name, folders as folders, and the
        # toolbar's Upload and Download glyphs for the direction.
        self._kind_icons: dict[FileKind, QIcon] = {kind: kind_icon(kind) for kind in FileKind}
        self._direction_icons: dict[Direction, QIcon] = {
            Direction.UPLOAD: icon("upload"),
            Direction.DOWNLOAD: icon("download"),
            Direction.COPY: icon("copy"),
            Direction.MOVE: icon("move"),
            Direction.DELETE: icon("delete"),
            Direction.ACCESS: icon("access"),
        }
        self._palette_key = -1
        self._error_brush = QBrush()
        self._home = os.path.expanduser("~")  # written "~" in a download's destination

    def error_brush(self) -> QBrush:
        """Failed-row text: red, as light or dark as the current palette needs to stay legible."""
        palette = QApplication.palette()
        if palette.cacheKey() != self._palette_key:
            self._palette_key = palette.cacheKey()
            self._error_brush = QBrush(error_text(palette))
        return self._error_brush

    # -- files ----------------------------------------------------------------
    def file(self, node: FileRow, column: int, role: int) -> Any:
        t = node.transfer
        if role == DISPLAY:
            return self.file_text(node, column)
        if role == TransferRole.WHERE:
            return where_text(t, self._home) if node.group is None and column == TransferColumn.NAME else ""
        if role == TOOLTIP:
            if column == TransferColumn.NAME:
                return f"s3://{t.bucket}/{t.key}\n{t.local_path}"
            if column == TransferColumn.STATUS:
                if t.state == State.DONE and t.verified:
                    return f"Done · verified by {t.verified}"
                return wrapped(paused_detail(t) or file_status(t))
            return None
        common = self._common(t.direction, column, role)
        if common is not None:
            return common
        if role == Qt.ItemDataRole.DecorationRole and column == TransferColumn.NAME:
            return self._kind_icons[file_kind(t.name)]
        if role == Qt.ItemDataRole.ForegroundRole:
            failed = column == TransferColumn.STATUS and t.state == State.FAILED
            return self.error_brush() if failed else None
        return self._file_value(node, role)

    def _file_value(self, node: FileRow, role: int) -> Any:
        t = node.transfer
        if role == TransferRole.ID:
            return t.id
        if role == TransferRole.STATE:
            return t.state
        if role == TransferRole.PROGRESS:
            # No bar at all for these (the cell says "Failed"): even an empty one looks begun.
            return None if t.state in NO_BAR else percent(t.bytes_done, t.size, t.state == State.DONE)
        if role == TransferRole.IS_GROUP:
            return False
        if role == TransferRole.ERROR:
            return t.error
        if role == TransferRole.SPEED:
            return node.speed if t.state == State.RUNNING else 0.0
        if role == TransferRole.BYTES:
            return (t.size if t.state == State.DONE else t.bytes_done), t.size
        return None

    def file_text(self, node: FileRow, column: int) -> str:
        t = node.transfer
        if column == TransferColumn.NAME:
            return row_name(t, node.group.info if node.group is not None else None)
        if column == TransferColumn.DIRECTION:
            return direction_text(t.direction, t.acl)
        if column == TransferColumn.STATUS:
            return file_status(t)
        if column == TransferColumn.PROGRESS:
            if t.state in NO_BAR:
                return t.state.value.capitalize()
            return f"{percent(t.bytes_done, t.size, t.state == State.DONE)}%"
        if column == TransferColumn.SIZE:
            return size_text(t.bytes_done, t.size, t.state != State.DONE)
        average = node.tracker.average if node.tracker is not None else 0.0
        # Done between two progress reports: the queue could not time it, the engine did.
        average = average or t.run_rate
        moved = t.run_bytes or t.size  # a resumed file's average is over what this run moved
        return _speed_eta_text(column, t.state, moved, t.size - t.bytes_done, node.speed, average)

    # -- folders --------------------------------------------------------------
    def group(self, group: GroupRow, column: int, role: int) -> Any:
        info = group.info
        if role == DISPLAY:
            return self.group_text(group, column)
        if role == TransferRole.WHERE:
            return group_where_text(info, self._home) if column == TransferColumn.NAME else ""
        if role == TOOLTIP:
            if column == TransferColumn.NAME:
                return f"s3://{info.bucket}/{info.prefix}\n{info.local_root}"
            return wrapped(self.group_text(group, column)) if column == TransferColumn.STATUS else None
        common = self._common(info.direction, column, role)
        if common is not None:
            return common
        if role == Qt.ItemDataRole.DecorationRole and column == TransferColumn.NAME:
            return self._kind_icons[FileKind.FOLDER]
        state = group.state()
        if role == TransferRole.ID:
            return info.id
        if role == TransferRole.STATE:
            return state
        if role == TransferRole.PROGRESS:
            return percent(group.bytes_done, group.size, state == State.DONE)
        if role == TransferRole.IS_GROUP:
            return True
        if role == TransferRole.ERROR:
            return ""
        if role == TransferRole.SPEED:
            return group.speed if state == State.RUNNING else 0.0
        if role == TransferRole.BYTES:
            return group.bytes_done, group.size
        return None

    def group_text(self, group: GroupRow, column: int) -> str:
        info, state = group.info, group.state()
        if column == TransferColumn.NAME:
            return info.name
        if column == TransferColumn.DIRECTION:
            first = group.children[0].transfer.acl if group.children else ""
            return direction_text(info.direction, first)
        if column == TransferColumn.STATUS:
            return group_status(info.direction, state, group.counts, len(group.children))
        if column == TransferColumn.PROGRESS:
            return f"{percent(group.bytes_done, group.size, state == State.DONE)}%"
        if column == TransferColumn.SIZE:
            return size_text(group.bytes_done, group.size, state != State.DONE)
        average = group.tracker.average if group.tracker is not None else 0.0
        if not average and state == State.DONE and column == TransferColumn.SPEED:
            average = group.run_rate()
        return _speed_eta_text(column, state, group.size, group.size - group.bytes_done, group.speed, average)

    def _common(self, direction: Direction, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DecorationRole and column == TransferColumn.DIRECTION:
            return self._direction_icons[direction]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMERIC:
            return RIGHT
        return None


def _speed_eta_text(
    column: int, state: TransferState, size: int, remaining: int, speed: float, average: float
) -> str:
    if column == TransferColumn.SPEED:
        return speed_text(state, speed, average, size)
    if column == TransferColumn.ETA and state in ACTIVE:
        return human_eta(eta_seconds(remaining, speed) if state == State.RUNNING else None)
    return ""
