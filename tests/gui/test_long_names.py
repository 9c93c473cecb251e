"""Long names in the object list are cut in the middle, so names that differ at their end read apart."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.core.folder_node import Column
from tests.gui.operations_helpers import row_of

Browse = Callable[[Iterable[str]], App]


def test_names_that_differ_only_at_their_end_read_apart_in_a_narrow_window(
    browse_moto: Browse, qtbot: QtBot
) -> None:
    names = [f"quarterly-financial-report-for-the-board-2024-Q{q}.pdf" for q in (1, 2)]
    app = browse_moto(names)
    app.window.resize(640, 480)
    view = app.window.object_view
    qtbot.waitUntil(
        lambda: view.columnWidth(Column.NAME) < view.fontMetrics().horizontalAdvance(names[0]), timeout=10_000
    )
    view.clearSelection()
    view.setAlternatingRowColors(False)  # the two cells then differ by their text only
    QApplication.processEvents()
    image = view.viewport().grab().toImage()
    cells = [image.copy(view.visualRect(view.flat.index(row_of(app, name), Column.NAME))) for name in names]
    assert cells[0] != cells[1]
