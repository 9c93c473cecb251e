"""Where the keyboard goes when a field is left: back to the rows, as in Explorer and Finder.

Before, Escape in the path bar hid its line edit and left nothing focused (Down then moved
along the path's buttons), and Escape in the empty filter kept the focus there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from tests.gui.operations_helpers import press
from tests.gui.test_search_panel import searched
from tests.gui.test_transfers_window import row_of


def test_escape_in_the_path_bar_gives_the_keyboard_back_to_the_rows(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt", "b.txt"])
    view = app.window.object_view
    press(qtbot, app, "Ctrl+L")
    qtbot.waitUntil(lambda: app.window.path_bar.is_editing(), timeout=10_000)
    edit = QApplication.focusWidget()
    assert edit is not None
    assert edit is not view
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(view.hasFocus, timeout=10_000)
    assert not app.window.path_bar.is_editing()
    view.setCurrentIndex(view.flat.index(row_of(app, "a.txt"), 0))
    qtbot.keyClick(view, Qt.Key.Key_Down)  # the keys move along the rows again
    assert view.currentIndex().row() == row_of(app, "b.txt")


def test_escape_clears_the_filter_then_gives_the_keyboard_back_to_the_rows(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt", "b.txt"])
    view, edit = app.window.object_view, app.window.filter_edit
    press(qtbot, app, "Ctrl+F")
    qtbot.waitUntil(edit.hasFocus, timeout=10_000)
    qtbot.keyClicks(edit, "b")
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert edit.text() == ""
    assert edit.hasFocus()  # the first Escape only clears, as in every file manager
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(view.hasFocus, timeout=10_000)


def test_down_in_find_in_space_goes_to_the_results_and_tab_leaves_them_in_one_step(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    # Before, Down only selected the field's text again, and Tab stepped through the results
    # one cell at a time (three a row), after eight Tabs through the form in the order made.
    app, panel = searched(qtbot, browse_moto(["beach-1.jpg", "beach-2.jpg", "city.jpg"]), "beach")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=30_000)
    edit, view = panel.form.pattern_edit, panel.view
    app.window.activateWindow()
    edit.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(edit.hasFocus, timeout=10_000)
    qtbot.keyClick(edit, Qt.Key.Key_Down)
    qtbot.waitUntil(view.hasFocus, timeout=10_000)
    assert [i.row() for i in view.selectionModel().selectedRows()] == [0]  # what Enter opens
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not view.hasFocus(), timeout=10_000)
    assert view.currentIndex().row() == 0  # it left; it did not step to the next cell
    form = panel.form
    edit.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(edit.hasFocus, timeout=10_000)
    fields = [*form.tab_chain(), view]
    visited = []
    for _ in range(8):  # Stop is off while no search runs: Tab passes it by
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        visited.append(next((f for f in fields if f is now or f.isAncestorOf(now)), now))
    assert visited == [
        form.search_button, form.scope_combo, form.type_combo, form.min_size_edit,
        form.max_size_edit, form.after_edit, form.before_edit, view,
    ]  # fmt: skip
