"""The Lifecycle page: rules that delete files, old versions and unfinished uploads by themselves."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.lifecycle import (
    DIGITALOCEAN_LIFECYCLE,
    LifecycleRule,
    lifecycle_problems,
    new_deletions,
    noncurrent_supported,
    parse_days,
)
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.settings.settings_section import SectionPage, SpaceContext
from spacesgui.ui.visible_checks import with_visible_checks

ENABLED, NAME, PREFIX, EXPIRE, NONCURRENT, ABORT = range(6)
HEADERS = (
    ("On", "Whether the rule is in force"),
    ("Name", "The rule's name (made up from what it does when left empty)"),
    ("Prefix", "The rule applies to keys starting with this (empty: the whole Space)"),
    ("Delete files\nafter (days)", "Delete each file this many days after it was written"),
    ("Delete old versions\nafter (days)", "Delete an old version this many days after it was replaced"),
    ("Abort uploads\nafter (days)", "Abort a multipart upload left unfinished this many days after it began"),
)
RULE_ROLE = Qt.ItemDataRole.UserRole  # on a kept rule's first cell: the rule as the server gave it


def _days_text(days: int | None) -> str:
    return "" if days is None else str(days)


class LifecycleSection(SectionPage[tuple[LifecycleRule, ...]]):
    """The lifecycle rules of one Space. GUI thread only."""

    title = "Lifecycle"
    what = "lifecycle rules"
    intro = (
        "Rules that make the server delete things by itself under a prefix: files some days after "
        "they were written, old versions some days after they were replaced, and unfinished "
        "multipart uploads, whose parts are paid for but never shown. Leave a day count empty to "
        "skip that action."
    )

    def __init__(self, context: SpaceContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._noncurrent_ok = noncurrent_supported(context.provider)
        self.provider_label = named(MutedLabel(DIGITALOCEAN_LIFECYCLE, self.body), "lifecycleProviderNote")
        self.provider_label.setWordWrap(True)
        self.provider_label.setVisible(not self._noncurrent_ok)
        self.table = named(QTableWidget(0, len(HEADERS), self.body), "lifecycleTable", "Lifecycle rules")
        with_visible_checks(self.table)
        for column, (text, tip) in enumerate(HEADERS):
            header = QTableWidgetItem(text)
            header.setToolTip(
                DIGITALOCEAN_LIFECYCLE if column == NONCURRENT and not self._noncurrent_ok else tip
            )
            self.table.setHorizontalHeaderItem(column, header)
        heading = self.table.horizontalHeader()
        heading.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        heading.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        heading.setSectionResizeMode(PREFIX, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.itemChanged.connect(self._edited)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.add_button = named(QPushButton("Add Rule", self.body), "lifecycleAdd", "Add a rule")
        self.remove_button = named(
            QPushButton("Remove Rule", self.body), "lifecycleRemove", "Remove the rule"
        )
        self.add_button.clicked.connect(lambda: self.add_rule())
        self.remove_button.clicked.connect(self.remove_selected)
        self.rule_label = named(MutedLabel("", self.body), "lifecycleRuleSummary")
        self.rule_label.setWordWrap(True)
        tools = QHBoxLayout()
        tools.addWidget(self.add_button)
        tools.addWidget(self.remove_button)
        tools.addStretch(1)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.provider_label)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.rule_label)
        self._show_selected()

    async def _read(self) -> tuple[LifecycleRule, ...]:
        return await self.context.service.lifecycle(self.context.account_id, self.context.bucket)

    def _show(self, value: tuple[LifecycleRule, ...]) -> None:
        self.table.setRowCount(0)
        for rule in value:
            self._append(rule)
        self._show_selected()

    def _current(self) -> tuple[LifecycleRule, ...]:
        return tuple(self._rule_at(row) for row in range(self.table.rowCount()))

    def problems(self) -> list[str]:
        return lifecycle_problems(self._current(), noncurrent_supported=self._noncurrent_ok)

    async def _write(self, value: tuple[LifecycleRule, ...]) -> None:
        await self.context.service.set_lifecycle(self.context.account_id, self.context.bucket, value)

    async def _confirm(self, value: tuple[LifecycleRule, ...]) -> bool:
        """Rules that will delete files the server kept until now are said, and asked about."""
        bucket = self.context.bucket
        deletions = new_deletions(self.loaded or (), value, bucket)
        if not deletions:
            return True
        return await self._ask_first(
            "lifecycleConfirmBox", "Apply Lifecycle Rules", f"Let the server delete files in “{bucket}”?",
            "\n".join(deletions) + "\n\nIt does so by itself, every day, and a deleted file cannot be "
            "brought back unless versioning keeps an older version.",
            "Apply", QMessageBox.ButtonRole.DestructiveRole,
        )  # fmt: skip

    def _edited(self) -> None:
        super()._edited()
        self._show_selected()  # the selected rule's summary follows its cells

    # -- rows -----------------------------------------------------------------------------
    def add_rule(self, rule: LifecycleRule | None = None) -> int:
        """Add a row (empty, or showing `rule`), select it and return its number."""
        row = self._append(rule or LifecycleRule())
        self.table.selectRow(row)
        self._edited()
        return row

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
        self._edited()
        self._show_selected()

    def set_cell(self, row: int, column: int, text: str) -> None:
        """Type `text` into a cell, as an edit there does."""
        item = self.table.item(row, column)
        if item is not None:
            item.setText(text)

    def _append(self, rule: LifecycleRule) -> int:
        blocked = self.table.blockSignals(True)  # a half-made row is no edit
        try:
            return self._append_row(rule)
        finally:
            self.table.blockSignals(blocked)

    def _append_row(self, rule: LifecycleRule) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        enabled = QTableWidgetItem()
        enabled.setFlags(
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
        )
        enabled.setCheckState(Qt.CheckState.Checked if rule.enabled else Qt.CheckState.Unchecked)
        cells = {
            NAME: rule.id,
            PREFIX: rule.prefix,
            EXPIRE: _days_text(rule.expire_days),
            NONCURRENT: _days_text(rule.noncurrent_days),
            ABORT: _days_text(rule.abort_days),
        }
        self.table.setItem(row, ENABLED, enabled)
        for column, text in cells.items():
            self.table.setItem(row, column, QTableWidgetItem(text))
        if not rule.editable:  # kept as the server gave it: shown, not edited
            enabled.setData(RULE_ROLE, rule)
            for column in range(len(HEADERS)):
                item = self._item(row, column)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                item.setToolTip(self._kept_text(rule))
        elif not self._noncurrent_ok and rule.noncurrent_days is None:
            item = self._item(row, NONCURRENT)
            item.setFlags(Qt.ItemFlag.ItemIsSelectable)  # greyed: the provider cannot do it
            item.setToolTip(DIGITALOCEAN_LIFECYCLE)
        return row

    def _item(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None  # every cell of a row is set in _append
        return item

    def _rule_at(self, row: int) -> LifecycleRule:
        first = self._item(row, ENABLED)
        kept = first.data(RULE_ROLE)
        if isinstance(kept, LifecycleRule):
            return kept

        def text(column: int) -> str:
            return self._item(row, column).text()

        return LifecycleRule(
            id=text(NAME).strip(),
            prefix=text(PREFIX),
            enabled=first.checkState() == Qt.CheckState.Checked,
            expire_days=parse_days(text(EXPIRE)),
            noncurrent_days=parse_days(text(NONCURRENT)),
            abort_days=parse_days(text(ABORT)),
        )

    def _kept_text(self, rule: LifecycleRule) -> str:
        return (
            f"This rule also {', '.join(rule.notes)}, which cannot be edited here, so it is kept "
            "exactly as it is. Remove it, or change it with your provider's tools."
        )

    def _show_selected(self) -> None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        self.remove_button.setEnabled(bool(rows))
        if len(rows) != 1:
            count = self.table.rowCount()
            self.rule_label.setText("No rules: nothing is deleted by itself." if count == 0 else "")
            return
        rule = self._rule_at(rows.pop())
        text = rule.summary()
        self.rule_label.setText(text if rule.editable else f"{text} {self._kept_text(rule)}")
