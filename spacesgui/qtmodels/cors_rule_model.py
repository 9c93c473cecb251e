"""The CORS rules being edited, as a table: one row a rule, the five methods as check boxes.

Lists (origins, headers) are shown and typed as comma-separated text. Every value is
kept as typed, however wrong; `set_problems` marks the cells that are (a warning icon,
red text, the message as tooltip and in `CorsRole.PROBLEM`), and a problem with a rule
as a whole marks its row header. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication

from spacesgui.core.cors import METHODS, CorsField, CorsProblem, CorsRule, join_list, split_list
from spacesgui.qtmodels.icons import icon
from spacesgui.qtmodels.legible_colors import error_text

AnyIndex = QModelIndex | QPersistentModelIndex
Role = Qt.ItemDataRole


class CorsColumn(IntEnum):
    ID = 0
    ORIGINS = 1
    GET = 2
    PUT = 3
    POST = 4
    DELETE = 5
    HEAD = 6
    ALLOWED_HEADERS = 7
    EXPOSE_HEADERS = 8
    MAX_AGE = 9

    @property
    def method(self) -> str:
        """The method a check-box column stands for; "" for the others."""
        return self.name if self.name in METHODS else ""

    @property
    def field(self) -> CorsField:
        return CorsField.METHODS if self.method else _FIELDS[self]


class CorsRole(IntEnum):
    PROBLEM = Role.UserRole + 1  # what is wrong with the cell, "" when nothing is


_FIELDS = {
    CorsColumn.ID: CorsField.ID,
    CorsColumn.ORIGINS: CorsField.ORIGINS,
    CorsColumn.ALLOWED_HEADERS: CorsField.ALLOWED_HEADERS,
    CorsColumn.EXPOSE_HEADERS: CorsField.EXPOSE_HEADERS,
    CorsColumn.MAX_AGE: CorsField.MAX_AGE,
}
_TEXT_ATTRIBUTES = {
    CorsColumn.ID: "rule_id",
    CorsColumn.ORIGINS: "origins",
    CorsColumn.ALLOWED_HEADERS: "allowed_headers",
    CorsColumn.EXPOSE_HEADERS: "expose_headers",
    CorsColumn.MAX_AGE: "max_age",
}
HEADERS = {column: column.field.label if not column.method else column.method for column in CorsColumn}
HINTS = {
    CorsColumn.ID: "A name for the rule (optional, at most 255 characters).",
    CorsColumn.ORIGINS: "Sites whose pages may call this Space, separated by commas: "
    "https://www.example.com, https://*.example.com, or * for any site.",
    CorsColumn.ALLOWED_HEADERS: "Request headers the pages may send, separated by commas; * for any.",
    CorsColumn.EXPOSE_HEADERS: "Response headers the pages may read (ETag, x-amz-meta-owner), separated by commas.",
    CorsColumn.MAX_AGE: "How long (seconds) a browser may reuse the answer to its preflight.",
}
_EDITABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable
_CHECKABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
# Where a problem with the methods shows its icon: one cell, not five.
_METHOD_ICON_COLUMN = CorsColumn.GET


class CorsRuleModel(QAbstractTableModel):
    """The rules being edited. `rules_edited` follows every change the user makes through the
    model (typing, ticking, adding, removing, moving); `set_rules` does not emit it."""

    rules_edited = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rules: list[CorsRule] = []
        self._cell_problems: dict[tuple[int, CorsField], list[str]] = {}
        self._row_problems: dict[int, list[str]] = {}

    # -- the rules ---------------------------------------------------------------------

    @property
    def rules(self) -> tuple[CorsRule, ...]:
        return tuple(self._rules)

    def set_rules(self, rules: Sequence[CorsRule]) -> None:
        """Show `rules` (loaded, reverted or parsed from XML); problems are cleared."""
        self.beginResetModel()
        self._rules = list(rules)
        self._cell_problems.clear()
        self._row_problems.clear()
        self.endResetModel()

    def insert_rule(self, row: int, rule: CorsRule) -> int:
        """Insert `rule` before `row` (clamped); return the row it went to."""
        row = max(0, min(row, len(self._rules)))
        self.beginInsertRows(QModelIndex(), row, row)
        self._rules.insert(row, rule)
        self.endInsertRows()
        self.rules_edited.emit()
        return row

    def remove_rules(self, rows: Iterable[int]) -> None:
        wanted = sorted({r for r in rows if 0 <= r < len(self._rules)}, reverse=True)
        for row in wanted:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rules[row]
            self.endRemoveRows()
        if wanted:
            self.rules_edited.emit()

    def move_rule(self, row: int, to: int) -> bool:
        """Move the rule at `row` to position `to` (S3 tries rules in order)."""
        if not (0 <= row < len(self._rules) and 0 <= to < len(self._rules)) or row == to:
            return False
        # Qt's destination is the row the moved one goes before, counted before the move.
        if not self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), to + 1 if to > row else to):
            return False
        self._rules.insert(to, self._rules.pop(row))
        self.endMoveRows()
        self.rules_edited.emit()
        return True

    # -- problems ----------------------------------------------------------------------

    def set_problems(self, problems: Iterable[CorsProblem]) -> None:
        """Mark the cells (and rows) `problems` are about; every other mark goes."""
        cells: dict[tuple[int, CorsField], list[str]] = {}
        rows: dict[int, list[str]] = {}
        for problem in problems:
            if problem.field is None:
                rows.setdefault(problem.rule, []).append(problem.message)
            else:
                cells.setdefault((problem.rule, problem.field), []).append(problem.message)
        if cells == self._cell_problems and rows == self._row_problems:
            return
        self._cell_problems, self._row_problems = cells, rows
        if self._rules:
            last = self.index(len(self._rules) - 1, len(CorsColumn) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self._rules) - 1)

    def problem_at(self, row: int, column: CorsColumn) -> str:
        return "\n".join(self._cell_problems.get((row, column.field), ()))

    def index_of(self, row: int, field: CorsField | None) -> QModelIndex:
        """The cell a problem with `field` of rule `row` is shown on (the ID cell for the rule itself)."""
        if field is None or field is CorsField.ID:
            return self.index(row, CorsColumn.ID)
        if field is CorsField.METHODS:
            return self.index(row, _METHOD_ICON_COLUMN)
        return self.index(row, next(c for c, f in _FIELDS.items() if f is field))

    # -- Qt ----------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rules)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(CorsColumn)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _CHECKABLE if CorsColumn(index.column()).method else _EDITABLE

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(CorsColumn):
                return None
            column = CorsColumn(section)
            if role == Role.DisplayRole:
                return HEADERS[column]
            if role == Role.ToolTipRole:
                return HINTS.get(column, f"Whether pages may send {column.method} requests.")
            return None
        if not 0 <= section < len(self._rules):
            return None
        if role == Role.DisplayRole:
            return str(section + 1)
        problems = self._row_problems.get(section)
        if problems and role == Role.DecorationRole:
            return icon("warning")
        if problems and role in (Role.ToolTipRole, CorsRole.PROBLEM):
            return "\n".join(problems)
        return None

    def data(self, index: AnyIndex, role: int = Role.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rules):
            return None
        rule, column = self._rules[index.row()], CorsColumn(index.column())
        if column.method:
            if role == Role.CheckStateRole:
                return Qt.CheckState.Checked if rule.allows_method(column.method) else Qt.CheckState.Unchecked
            if role == Role.AccessibleTextRole:
                return f"{column.method}: {'allowed' if rule.allows_method(column.method) else 'not allowed'}"
        elif role in (Role.DisplayRole, Role.EditRole):
            return _text(rule, column)
        problem = self.problem_at(index.row(), column)
        if role == CorsRole.PROBLEM:
            return problem
        if not problem:
            return None
        if role in (Role.ToolTipRole, Role.AccessibleDescriptionRole):
            return problem
        if role == Role.DecorationRole and (not column.method or column is _METHOD_ICON_COLUMN):
            return icon("warning")
        if role == Role.ForegroundRole and not column.method:
            return error_text(QGuiApplication.palette())
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Role.EditRole) -> bool:
        if not index.isValid() or not 0 <= index.row() < len(self._rules):
            return False
        rule, column = self._rules[index.row()], CorsColumn(index.column())
        if column.method and role == Role.CheckStateRole:
            changed = _with_method(rule, column.method, Qt.CheckState(value) == Qt.CheckState.Checked)
        elif not column.method and role == Role.EditRole and isinstance(value, str):
            changed = _with_text(rule, column, value)
        else:
            return False
        if changed != rule:
            self._rules[index.row()] = changed
            self.dataChanged.emit(index, index)
            self.rules_edited.emit()
        return True


def _text(rule: CorsRule, column: CorsColumn) -> str:
    value = getattr(rule, _TEXT_ATTRIBUTES[column])
    return value if isinstance(value, str) else join_list(value)


def _with_text(rule: CorsRule, column: CorsColumn, text: str) -> CorsRule:
    if column is CorsColumn.ID:
        return replace(rule, rule_id=text.strip())
    if column is CorsColumn.MAX_AGE:
        return replace(rule, max_age=text.strip())
    if column is CorsColumn.ORIGINS:
        return replace(rule, origins=split_list(text))
    if column is CorsColumn.ALLOWED_HEADERS:
        return replace(rule, allowed_headers=split_list(text))
    return replace(rule, expose_headers=split_list(text))


def _with_method(rule: CorsRule, method: str, on: bool) -> CorsRule:
    """Tick or untick `method`, keeping the usual order (and any method the table cannot show)."""
    wanted = set(rule.methods) | {method} if on else set(rule.methods) - {method}
    ordered = [m for m in METHODS if m in wanted] + [m for m in rule.methods if m not in METHODS]
    return replace(rule, methods=tuple(ordered))
