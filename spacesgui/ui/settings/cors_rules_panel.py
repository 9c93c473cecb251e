"""The CORS rules table with its commands: add, templates, duplicate, remove, move up and down."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.cors import TEMPLATES, CorsField, CorsRule, CorsTemplate, duplicate_id
from spacesgui.qtmodels.cors_rule_model import CorsColumn, CorsRuleModel
from spacesgui.ui.naming import named
from spacesgui.ui.visible_checks import with_visible_checks

# A new rule starts with GET ticked: the method nearly every rule allows.
NEW_RULE = CorsRule(methods=("GET",))
# Column widths in characters of the view's font (the check-box columns fit their title).
# Allowed origins, the column that matters most, takes what is left over (at least this);
# when the table is narrow the others give way first, down to their title's width.
WIDTHS = {
    CorsColumn.ID: 18,
    CorsColumn.ORIGINS: 28,
    CorsColumn.ALLOWED_HEADERS: 16,
    CorsColumn.EXPOSE_HEADERS: 14,
    CorsColumn.MAX_AGE: 8,
}
# Room beside a header's title for the sort indicator and the section's margins, in pixels.
HEADER_PADDING = 24


class CorsRulesPanel(QWidget):
    """Edits the rules in `model` in place; the editor owns the model. GUI thread only."""

    def __init__(self, model: CorsRuleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.table = named(QTableView(self), "corsRulesTable", "CORS rules")
        with_visible_checks(self.table)
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column in CorsColumn:
            mode = (
                QHeaderView.ResizeMode.ResizeToContents
                if column.method
                else QHeaderView.ResizeMode.Interactive
            )
            header.setSectionResizeMode(column, mode)
        self.table.viewport().installEventFilter(self)
        # The check-box columns size to their contents later: fit again when they do.
        header.sectionResized.connect(
            lambda column, _old, _new: self.fit_columns() if CorsColumn(column).method else None
        )
        self.fit_columns()

        self.add_button = self._button("Add", "corsAddRule", "Add a rule", lambda: self.add_rule())
        self.templates_button = named(QPushButton(self), "corsTemplates", "Add a rule from a template")
        self.templates_button.setText("Templates")
        self.templates_menu = named(QMenu(self.templates_button), "corsTemplatesMenu")
        self.templates_menu.setToolTipsVisible(True)
        for template in TEMPLATES:
            action = self.templates_menu.addAction(template.label)
            action.setToolTip(template.description)
            action.triggered.connect(lambda _checked=False, t=template: self.add_template(t))
        self.templates_button.setMenu(self.templates_menu)
        self.duplicate_button = self._button(
            "Duplicate", "corsDuplicateRule", "Duplicate the rule", self.duplicate
        )
        self.remove_button = self._button(
            "Remove", "corsRemoveRule", "Remove the rules", self.remove_selected
        )
        self.up_button = self._button(
            "Move Up", "corsMoveUp", "Move the rule up", lambda: self.move_current(-1)
        )
        self.down_button = self._button(
            "Move Down", "corsMoveDown", "Move the rule down", lambda: self.move_current(1)
        )
        self.up_button.setToolTip("Rules are tried in order: the first that matches a request answers it.")
        self.down_button.setToolTip(self.up_button.toolTip())
        # Delete removes rules only while the table has the focus (and is not editing a cell).
        remove_action = QAction("Remove", self.table)
        remove_action.setShortcut(QKeySequence.StandardKey.Delete)
        remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove_action.triggered.connect(self.remove_selected)
        self.table.addAction(remove_action)

        buttons = QHBoxLayout()
        for widget in (self.add_button, self.templates_button, self.duplicate_button, self.remove_button,
                       self.up_button, self.down_button):  # fmt: skip
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)

        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.selectionModel().currentChanged.connect(self._update_buttons)
        model.modelReset.connect(self._update_buttons)
        model.rowsInserted.connect(self._update_buttons)
        model.rowsRemoved.connect(self._update_buttons)
        model.rowsMoved.connect(self._update_buttons)
        self._update_buttons()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return super().eventFilter(watched, event)

    def _title_width(self, column: CorsColumn) -> int:
        header = self.table.horizontalHeader()
        title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
        return header.fontMetrics().horizontalAdvance(title) + HEADER_PADDING

    def fit_columns(self) -> None:
        """Size the text columns to the table's width: Allowed origins first (see WIDTHS)."""
        header = self.table.horizontalHeader()
        char = self.table.fontMetrics().averageCharWidth()
        wanted = {c: max(WIDTHS[c] * char, self._title_width(c)) for c in WIDTHS}
        # At the least, a title needs only the section's margins (nothing sorts this table).
        least = {c: min(wanted[c], max(self._title_width(c) - HEADER_PADDING // 2, 8 * char)) for c in WIDTHS}
        others = [c for c in WIDTHS if c is not CorsColumn.ORIGINS]
        fixed = sum(header.sectionSize(c) for c in CorsColumn if c.method)
        room = self.table.viewport().width() - fixed - wanted[CorsColumn.ORIGINS]
        spare = room - sum(wanted[c] for c in others)
        if spare >= 0:  # everything fits: Allowed origins takes the rest
            widths: dict[CorsColumn, int] = {c: wanted[c] for c in others}
            widths[CorsColumn.ORIGINS] = wanted[CorsColumn.ORIGINS] + spare
        else:  # the other columns shrink toward their least width, in proportion
            give = sum(wanted[c] - least[c] for c in others)
            share = min(1.0, -spare / give) if give else 1.0
            widths = {c: round(wanted[c] - (wanted[c] - least[c]) * share) for c in others}
            widths[CorsColumn.ORIGINS] = wanted[CorsColumn.ORIGINS]
        for column, width in widths.items():
            header.resizeSection(column, width)

    def _button(self, text: str, name: str, accessible: str, slot: object) -> QPushButton:
        button = named(QPushButton(text, self), name, accessible)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.table.selectionModel().selectedRows()})

    def add_rule(self, rule: CorsRule = NEW_RULE, *, edit: CorsColumn | None = CorsColumn.ORIGINS) -> int:
        """Add `rule` after the current one (or at the end); start typing in `edit`, if given."""
        current = self.current_row()
        row = self.model.insert_rule(current + 1 if current >= 0 else self.model.rowCount(), rule)
        self.select(row, edit or CorsColumn.ID)
        if edit is not None:
            self.table.edit(self.model.index(row, edit))
        return row

    def add_template(self, template: CorsTemplate) -> int:
        """Add the template's rule; one that needs an origin opens its origins for typing."""
        return self.add_rule(template.rule, edit=CorsColumn.ORIGINS if template.needs_origin else None)

    def duplicate(self) -> None:
        row = self.current_row()
        if row < 0:
            return
        rule = self.model.rules[row]
        copy = replace(rule, rule_id=duplicate_id(rule.rule_id, [r.rule_id for r in self.model.rules]))
        self.select(self.model.insert_rule(row + 1, copy), CorsColumn.ID)

    def remove_selected(self) -> None:
        rows = self.selected_rows() or ([self.current_row()] if self.current_row() >= 0 else [])
        self.model.remove_rules(rows)
        if self.model.rowCount():
            self.select(min(rows[0], self.model.rowCount() - 1), CorsColumn.ID)

    def move_current(self, step: int) -> None:
        """Move the current rule `step` places (-1 up, 1 down)."""
        row = self.current_row()
        if row >= 0 and self.model.move_rule(row, row + step):
            self.select(row + step, CorsColumn(max(0, self.table.currentIndex().column())))

    def select(self, row: int, column: CorsColumn) -> None:
        index = self.model.index(row, column)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)

    def show_problem(self, row: int, field: CorsField | None) -> None:
        """Select the cell a problem is about, so it is in view."""
        index: QModelIndex = self.model.index_of(row, field)
        if index.isValid():
            self.select(row, CorsColumn(index.column()))
            self.table.setFocus()

    def _update_buttons(self) -> None:
        row, count = self.current_row(), self.model.rowCount()
        has = 0 <= row < count
        self.duplicate_button.setEnabled(has)
        self.remove_button.setEnabled(has or bool(self.selected_rows()))
        self.up_button.setEnabled(has and row > 0)
        self.down_button.setEnabled(has and row < count - 1)
