"""The user metadata (x-amz-meta-*) part of Properties: a name/value table with Add and Remove."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.property_edits import MIXED, Shared, metadata_name
from spacesgui.core.transfers import ENGINE_METADATA
from spacesgui.qtmodels.legible_colors import text_colour
from spacesgui.ui.naming import named

ORIGINAL = Qt.ItemDataRole.UserRole  # on a name item: the name the row was loaded with (None: new row)
MIXED_ROLE = Qt.ItemDataRole.UserRole + 1  # on a value item: it shows "(mixed)", untouched


class MetadataEditor(QWidget):
    """Edits the metadata a selection shares; says what changed as renames, removals and values.

    A value the selected objects do not share shows "(mixed)" and is left alone on each
    object unless typed over. GUI thread only.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loaded: dict[str, Shared] = {}
        self._filling = False
        self.table = named(QTableWidget(0, 2, self), "metadataTable", "Metadata")
        self.table.setHorizontalHeaderLabels(["Name", "Value"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().resizeSection(0, 140)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setMinimumHeight(110)
        self.add_button = named(QPushButton("Add"), "addMetadataButton", "Add metadata")
        self.remove_button = named(QPushButton("Remove"), "removeMetadataButton", "Remove metadata")
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)  # Return in the dialog saves; it never adds a row
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.table.itemChanged.connect(self._on_table_item_changed)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._update_buttons()

    def load(self, metadata: dict[str, Shared]) -> None:
        """Show `metadata` (name -> shared value) as loaded, forgetting any edit.

        The app's own entries (the MD5 downloads are checked against) are not shown: an edit
        leaves what it does not show as it is, so they stay on the objects.
        """
        self._loaded = {
            name: value for name, value in metadata.items() if name.lower() not in ENGINE_METADATA
        }
        metadata = self._loaded
        self._filling = True
        try:
            self.table.setRowCount(0)
            for name, value in metadata.items():
                self._append(name, value.shown, original=name, mixed=value.mixed)
        finally:
            self._filling = False
        self._update_buttons()

    def add_row(self, name: str = "", value: str = "") -> None:
        """A new entry; the name cell is ready for typing."""
        self._append(name, value, original=None, mixed=False)
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, 0)
        item = self.table.item(row, 0)
        if not name and item is not None:
            self.table.editItem(item)
        self.changed.emit()

    def _append(self, name: str, value: str, *, original: str | None, mixed: bool) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        name_item = QTableWidgetItem(name)
        name_item.setData(ORIGINAL, original)
        value_item = QTableWidgetItem(value)
        value_item.setData(MIXED_ROLE, mixed)
        if mixed:
            self._style_mixed(value_item)
        self.table.setItem(row, 0, name_item)
        self.table.setItem(row, 1, value_item)

    def _style_mixed(self, item: QTableWidgetItem) -> None:
        font = QFont(self.table.font())
        font.setItalic(True)
        item.setFont(font)
        item.setForeground(text_colour(self.table.palette()))

    def _on_remove_clicked(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.changed.emit()

    def _on_table_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        if item.column() == 1 and item.data(MIXED_ROLE) and item.text() != MIXED:
            self._filling = True
            try:  # typed over: an ordinary value from now on
                item.setData(MIXED_ROLE, False)
                item.setFont(self.table.font())
                item.setData(Qt.ItemDataRole.ForegroundRole, None)
            finally:
                self._filling = False
        self.changed.emit()

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def entries(self) -> list[tuple[str | None, str, str | None]]:
        """Each row as (name it was loaded with or None, name now, value now or None if still mixed)."""
        rows = []
        for row in range(self.table.rowCount()):
            name_item, value_item = self.table.item(row, 0), self.table.item(row, 1)
            original = name_item.data(ORIGINAL) if name_item else None
            name = name_item.text() if name_item else ""
            untouched = value_item is not None and bool(value_item.data(MIXED_ROLE))
            value = None if untouched else (value_item.text() if value_item else "")
            rows.append((original, name, value))
        return rows

    def edit(self) -> tuple[dict[str, str], frozenset[str], dict[str, str]]:
        """What changed since `load`: (renamed old -> new, removed names, name -> value set)."""
        renamed: dict[str, str] = {}
        values: dict[str, str] = {}
        kept: set[str] = set()
        for original, name, value in self.entries():
            if original is None:
                if name.strip() or (value or "").strip():
                    values[name] = value or ""
                continue
            kept.add(original)
            if metadata_name(name) != original:
                renamed[original] = name
            loaded = self._loaded.get(original, Shared())
            if value is not None and (loaded.mixed or value.strip() != loaded.value):
                values[name] = value
        removed = frozenset(set(self._loaded) - kept)
        return renamed, removed, values
