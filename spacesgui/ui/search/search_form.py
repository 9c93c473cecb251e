"""The search panel's terms: name, where, size and date bounds, type. GUI thread only."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.errors import InvalidInput
from spacesgui.core.search import SearchCriteria, parse_day, parse_size
from spacesgui.ui.naming import named

WHOLE_SPACE, THIS_FOLDER = 0, 1
TYPES = (
    "", "image/", "video/", "audio/", "text/", "font/", "application/pdf", "application/json", "application/zip",
)  # fmt: skip


class SearchForm(QWidget):
    """Reads what a person typed into SearchCriteria; `search_requested` on Enter or Search."""

    search_requested = Signal()
    stop_requested = Signal()
    running_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pattern_edit = named(QLineEdit(self), "searchPatternEdit", "Name to search for")
        self.pattern_edit.setPlaceholderText("Name contains… (or a pattern: *.jpg, report-202?-*)")
        self.pattern_edit.setClearButtonEnabled(True)
        self.scope_combo = named(QComboBox(self), "searchScope", "Where to search")
        self.scope_combo.addItems(["Whole Space", "This folder and below"])
        self.search_button = named(QPushButton("Search", self), "searchButton")
        self.search_button.setDefault(True)
        self.stop_button = named(QPushButton("Stop", self), "stopSearchButton")
        self.stop_button.setEnabled(False)
        self.min_size_edit = self._edit("searchMinSize", "Smallest size", "any, e.g. 10 KB")
        self.max_size_edit = self._edit("searchMaxSize", "Largest size", "any, e.g. 5 MB")
        self.after_edit = self._edit("searchModifiedFrom", "Modified from", "YYYY-MM-DD")
        self.before_edit = self._edit("searchModifiedUntil", "Modified until", "YYYY-MM-DD")
        self.type_combo = named(QComboBox(self), "searchType", "Content type")
        self.type_combo.setEditable(True)
        self.type_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.type_combo.addItems(list(TYPES))
        type_edit = self.type_combo.lineEdit()
        if type_edit is not None:
            type_edit.setPlaceholderText("e.g. image/")
        for combo in (self.scope_combo, self.type_combo):  # as narrow as their text allows
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self.type_combo.setToolTip(
            "Content-Type, judged from the name's extension (a listing does not carry it): "
            "image/ for every picture, image/png for PNGs only"
        )
        # Rows, not one wide grid: the dock must fit beside the objects in an 800-pixel window.
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.pattern_edit, 1)
        top.addWidget(self.search_button)
        top.addWidget(self.stop_button)
        column.addLayout(top)
        grid = QGridLayout()
        grid.addWidget(self.scope_combo, 0, 0, 1, 2)
        type_label = QLabel("Type", self)
        type_label.setToolTip(self.type_combo.toolTip())
        type_label.setBuddy(self.type_combo)
        grid.addWidget(type_label, 0, 2)
        grid.addWidget(self.type_combo, 0, 3)
        terms = [
            ("Size ≥", self.min_size_edit, "Size ≤", self.max_size_edit),
            ("Modified from", self.after_edit, "until", self.before_edit),
        ]
        for row, (left, left_edit, right, right_edit) in enumerate(terms, start=1):
            grid.addWidget(QLabel(left, self), row, 0)
            grid.addWidget(left_edit, row, 1)
            grid.addWidget(QLabel(right, self), row, 2)
            grid.addWidget(right_edit, row, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        column.addLayout(grid)
        for edit in (
            self.pattern_edit,
            self.min_size_edit,
            self.max_size_edit,
            self.after_edit,
            self.before_edit,
        ):
            edit.returnPressed.connect(self.search_requested)
        type_edit = self.type_combo.lineEdit()
        if type_edit is not None:  # editable: Enter in the type searches too, as in every other field
            type_edit.returnPressed.connect(self.search_requested)
        self.search_button.clicked.connect(self.search_requested)
        self.stop_button.clicked.connect(self.stop_requested)
        # Tab goes as the eye does, row by row (it went in the order made: the scope before
        # Search, the type last).
        for before, after in itertools.pairwise(self.tab_chain()):
            QWidget.setTabOrder(before, after)

    def tab_chain(self) -> list[QWidget]:
        """The form's fields in the order Tab visits them."""
        return [
            self.pattern_edit, self.search_button, self.stop_button, self.scope_combo, self.type_combo,
            self.min_size_edit, self.max_size_edit, self.after_edit, self.before_edit,
        ]  # fmt: skip

    def _edit(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        edit = named(QLineEdit(self), name, accessible)
        edit.setPlaceholderText(placeholder)
        edit.setClearButtonEnabled(True)
        return edit

    @property
    def whole_space(self) -> bool:
        return self.scope_combo.currentIndex() == WHOLE_SPACE

    def criteria(self) -> SearchCriteria:
        """The terms typed; raises InvalidInput saying which field is wrong and why."""
        criteria = SearchCriteria(
            pattern=self.pattern_edit.text().strip(),
            min_size=parse_size(self.min_size_edit.text(), "Smallest size"),
            max_size=parse_size(self.max_size_edit.text(), "Largest size"),
            modified_after=parse_day(self.after_edit.text(), "Modified from"),
            modified_before=parse_day(self.before_edit.text(), "Modified until", end=True),
            content_type=self.type_combo.currentText().strip(),
        )
        content_type = criteria.content_type
        if content_type and "/" not in content_type:
            raise InvalidInput(
                f"Type: “{content_type}” is not a content type. Type e.g. image/ or application/pdf."
            )
        problem = criteria.problem()
        if problem:
            raise InvalidInput(problem)
        return criteria

    def set_running(self, running: bool) -> None:
        self.search_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.running_changed.emit(running)
