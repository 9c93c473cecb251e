"""The object tree view, set up the way file managers behave."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QWidget

from spacesgui.core.folder_node import Column
from spacesgui.qtmodels.roles import ObjectRole


class ObjectView(QTreeView):
    open_folder_requested = Signal(str)  # folder prefix
    go_up_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("objectView")
        self.setAccessibleName("Objects")
        self.setUniformRowHeights(True)  # lets a 100,000-row folder lay out in constant time
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAllColumnsShowFocus(True)
        self.setExpandsOnDoubleClick(False)
        self.doubleClicked.connect(self._on_double_clicked)

    def configure_header(self) -> None:
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (Column.SIZE, 90),
            (Column.MODIFIED, 140),
            (Column.TYPE, 120),
            (Column.STORAGE_CLASS, 110),
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSortIndicator(Column.NAME, Qt.SortOrder.AscendingOrder)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.data(ObjectRole.IS_FOLDER):
            self.open_folder_requested.emit(index.siblingAtColumn(0).data(ObjectRole.KEY))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            index = self.currentIndex()
            if index.isValid() and index.data(ObjectRole.IS_FOLDER):
                self.open_folder_requested.emit(index.siblingAtColumn(0).data(ObjectRole.KEY))
                return
        if key == Qt.Key.Key_Backspace and not event.modifiers():
            self.go_up_requested.emit()
            return
        super().keyPressEvent(event)
