"""Which of the list's columns the user wants: the header's right-click menu, and the fit.

Finder and Explorer let one choose the columns from their header; here Storage class
(Standard on every DigitalOcean file) or Access took room one could not give back
(a new-user pass). A column turned off stays hidden; the others still give way, in
YIELDING order, when the window is too narrow for them, and the menu says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

from spacesgui.core.folder_node import Column
from spacesgui.ui.column_fit import yield_columns
from spacesgui.ui.context_menu import show_once

NO_ROOM = "no room: widen the window"


class ColumnChoice(QObject):
    """The columns turned off for `view` (Name never is). GUI thread only.

    `changed` is emitted when the user turns one on or off (to remember it).
    """

    changed = Signal()

    def __init__(self, view: QTableView, choosable: Sequence[Column], refit: Callable[[], None]) -> None:
        super().__init__(view)
        self._view, self._choosable = view, tuple(choosable)
        self._refit = refit
        self.turned_off: set[Column] = set()
        self.last_menu: QMenu | None = None  # for tests
        header = view.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_menu_requested)

    def set_turned_off(self, columns: Iterable[Column]) -> None:
        self.turned_off = {c for c in columns if c in self._choosable}
        self._refit()

    def fit(
        self,
        header: QHeaderView,
        widths: dict[Column, int],
        yielding: Sequence[Column],
        width: int,
        need: int,
    ) -> None:
        """`yield_columns` over the columns not turned off; those turned off stay hidden."""
        off = self.turned_off
        shown = {c: w for c, w in widths.items() if c not in off}
        yield_columns(header, shown, [c for c in yielding if c not in off], width, need)
        widths.update(shown)  # the hidden ones come back at the width they had
        for column in off:
            if not header.isSectionHidden(column):
                header.setSectionHidden(column, True)

    def _on_header_menu_requested(self, position: QPoint) -> None:
        header = self._view.horizontalHeader()
        model = self._view.model()
        menu = QMenu(header)
        menu.setObjectName("columnsMenu")
        for column in self._choosable:
            title = (
                str(model.headerData(column, Qt.Orientation.Horizontal)) if model is not None else column.name
            )
            squeezed = column not in self.turned_off and header.isSectionHidden(column)
            action = menu.addAction(f"{title} ({NO_ROOM})" if squeezed else title)
            action.setCheckable(True)
            action.setChecked(column not in self.turned_off)
            action.toggled.connect(partial(self._on_toggled, column))
        self.last_menu = menu
        show_once(menu, header.mapToGlobal(position))

    def _on_toggled(self, column: Column, on: bool) -> None:
        if on:
            self.turned_off.discard(column)
        else:
            self.turned_off.add(column)
        self._refit()
        self.changed.emit()

    def _fit_again(self) -> None:
        self._refit()
