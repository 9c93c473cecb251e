"""Where the keyboard goes when a field is left: back to the rows, as in Explorer and Finder.

Before, Escape in the path bar hid its line edit and left nothing focused (Down then moved
along the path's buttons), and Escape in the empty filter kept the focus there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMenu, QWidget
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.qtmodels.legible_colors import unfocused_selection
from tests.gui.operations_helpers import press, row_of, select, selected_keys
from tests.gui.test_search_panel import confirm_delete, searched
from tests.gui.test_transfers_window import drop, wait_transfers_done


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


def test_after_a_delete_the_row_that_took_its_place_is_selected(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    # Before, only an outline moved to the next row, with nothing selected: Delete, Info and
    # Share were off, and a second Delete did nothing (a keyboard-only new-user pass).
    app = browse_moto(["a.txt", "b.txt", "c.txt"])
    view = app.window.object_view
    select(app, "b.txt")
    press(qtbot, app, "Delete")
    confirm_delete(qtbot, app)
    app.window.activateWindow()  # the question closed: the keyboard is back in the list
    view.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: row_of(app, "b.txt") < 0, timeout=60_000)
    assert moto_store.head_object(moto_bucket, "b.txt") is None
    assert selected_keys(app) == ["c.txt"]
    edit = app.window.edit_actions
    assert edit is not None
    asked_before = edit.last_box
    press(qtbot, app, "Delete")  # and Delete goes on from there
    qtbot.waitUntil(lambda: edit.last_box is not asked_before, timeout=30_000)
    confirm_delete(qtbot, app)
    qtbot.waitUntil(lambda: moto_store.head_object(moto_bucket, "c.txt") is None, timeout=60_000)


def test_hiding_the_transfers_panel_with_the_keyboard_in_it_gives_it_back_to_the_rows(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    # Before, the keyboard went to Find in Space's name field (opened once earlier), its
    # text selected: Up and F2 then did nothing to the files.
    app, panel = searched(qtbot, browse_moto(["a.txt", "b.txt"]), "a")
    actions = app.window.transfer_actions
    assert actions is not None
    dock = actions.dock
    dock.reveal()  # shown, unfolded, in front of Find in Space (a tab beside it)
    qtbot.waitUntil(dock.isVisible, timeout=10_000)
    app.window.activateWindow()
    inside = next(
        w for w in dock.findChildren(QWidget) if w.isVisible() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
    )  # with no transfers, the panel's buttons: the keyboard is in the panel
    inside.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(inside.hasFocus, timeout=10_000)
    actions.show_queue_action.trigger()  # Ctrl+Shift+T
    qtbot.waitUntil(lambda: not dock.isVisible(), timeout=10_000)
    qtbot.waitUntil(app.window.object_view.hasFocus, timeout=10_000)
    assert not panel.form.pattern_edit.hasFocus()


def test_f10_opens_the_menu_bar_at_file(browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot) -> None:
    # Qt leaves F10 to the platform; on Linux nothing took it (the new-user pass).
    app = browse_moto(["a.txt"])
    file_menu = next(m for m in app.window.menuBar().findChildren(QMenu) if m.title() == "&File")
    press(qtbot, app, "F10")
    qtbot.waitUntil(file_menu.isVisible, timeout=10_000)
    file_menu.close()


def test_alt_f_then_a_letter_chooses_a_file_menu_item_and_the_texts_stay_as_they_were(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    # Before, no item had an access letter: a letter in an open menu did nothing.
    app = browse_moto(["a.txt"])
    window = app.window
    file_menu = next(m for m in window.menuBar().findChildren(QMenu) if m.title() == "&File")
    action = window.findChild(QAction, "keysManagerAction")
    assert isinstance(action, QAction)
    press(qtbot, app, "Alt+F")
    qtbot.waitUntil(file_menu.isVisible, timeout=10_000)
    assert action.text() == "&Keys Manager…"  # underlined while open
    qtbot.keyClick(file_menu, Qt.Key.Key_K)
    qtbot.waitUntil(lambda: window.keys_manager.window is not None and window.keys_manager.window.isVisible(),
                    timeout=10_000)  # fmt: skip
    assert not file_menu.isVisible()
    assert action.text() == "Keys Manager…"  # as toolbars, tests and code read it
    window.keys_manager.window.close()


def test_a_click_below_the_rows_leaves_a_dotted_line_round_the_row_not_a_box_like_an_editor(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    # Before: a filled box round the Name cell alone, which a new-user pass took for a
    # rename left open (typing and Escape did nothing to it).
    app = browse_moto(["css/site.css", "index.html"])
    window, view = app.window, app.window.object_view
    window.resize(1000, 600)
    select(app, "css/")
    view.setFocus()
    qtbot.waitUntil(view.hasFocus, timeout=10_000)
    below = view.visualRect(view.flat.index(view.flat.rowCount() - 1, 0)).bottomLeft() + QPoint(40, 40)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=below)
    qtbot.waitUntil(lambda: selected_keys(app) == [], timeout=10_000)
    assert view.currentIndex().row() == row_of(app, "css/")

    image = view.viewport().grab().toImage()
    name = view.visualRect(view.flat.index(row_of(app, "css/"), 0))
    size = view.visualRect(view.flat.index(row_of(app, "css/"), 1))
    middle = name.center().y()
    inside_name = image.pixelColor(name.right() - 8, middle)  # past the name's text
    inside_size = image.pixelColor(size.center().x(), middle)  # a folder has no size: plain row
    assert near(inside_name, inside_size), (inside_name.name(), inside_size.name())
    top = [image.pixelColor(x, name.top()) for x in range(size.left() + 4, size.right() - 4)]
    dots = [c for c in top if abs(c.lightness() - inside_size.lightness()) > 60]
    assert len(dots) > len(top) // 4  # a dotted line along the whole row, the Size cell too


def test_a_filter_that_hides_the_selected_row_leaves_nothing_to_delete_and_no_preview_of_it(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    # Before: the selection emptied without a word from Qt, so Delete and Info stayed
    # enabled and the preview showed the hidden row (a new-user pass).
    app = browse_moto(["data/a.json", "manifest.json", "z.txt"])
    window = app.window
    window.preview.preview_action.trigger()
    select(app, "z.txt")
    delete = window.edit_actions.delete_action
    qtbot.waitUntil(lambda: delete.isEnabled() and window.preview.pane.key == "z.txt", timeout=10_000)
    window.filter_edit.setText("manifest")
    qtbot.waitUntil(lambda: window.flat_model.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: not delete.isEnabled(), timeout=10_000)
    assert not window.object_actions.properties_action.isEnabled()
    qtbot.waitUntil(
        lambda: window.preview.pane.message.text() == "Select a file to preview it.", timeout=10_000
    )


def painted_selection(view: QAbstractItemView) -> QColor:
    """The colour painted at the blank end of the current row (its selection's fill)."""
    rect = view.visualRect(view.currentIndex())
    return view.viewport().grab().toImage().pixelColor(rect.right() - 3, rect.top() + 2)


def near(a: QColor, b: QColor) -> bool:
    """Within a few levels a channel (Fusion shades a tree's selection slightly)."""
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) <= 12


def test_only_the_view_with_the_keyboard_shows_its_selection_in_the_themes_colour(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    # Before, the Spaces tree, the list and the Transfers panel all showed the same bright
    # selection: after Tab nothing said where the keys would go.
    app = browse_moto(["a.txt", "b.txt"])
    view, tree = app.window.object_view, app.window.account_panel.tree
    qtbot.waitUntil(lambda: tree.currentIndex().isValid(), timeout=30_000)
    select(app, "a.txt")
    highlight = QGuiApplication.palette().color(QPalette.ColorRole.Highlight)
    grey, _text = unfocused_selection(QGuiApplication.palette())
    assert not near(grey, highlight)
    app.window.activateWindow()
    view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: near(painted_selection(view), highlight), timeout=10_000)
    assert near(painted_selection(tree), grey)  # the Space's row, selected, without the keyboard
    tree.setFocus(Qt.FocusReason.TabFocusReason)  # Tab to the Spaces
    qtbot.waitUntil(lambda: near(painted_selection(view), grey), timeout=10_000)
    assert near(painted_selection(tree), highlight)


def test_ctrl_shift_t_shows_the_transfers_panel_open_with_the_keys_on_its_rows(
    browse_moto: Callable[[Iterable[str]], App], tmp_path: Path, qtbot: QtBot
) -> None:
    # Before, it came back folded to its header, the keys left in the list (the new-user pass).
    app = browse_moto([])
    actions = app.window.transfer_actions
    assert actions is not None
    (tmp_path / "readme.md").write_text("# hi")
    drop(app, [tmp_path / "readme.md"])
    wait_transfers_done(qtbot, app, 1)
    dock = actions.dock
    dock.set_folded(True)
    dock.hide()
    press(qtbot, app, "Ctrl+Shift+T")
    qtbot.waitUntil(lambda: dock.view.isVisible() and dock.view.hasFocus(), timeout=10_000)
    assert dock.view.model().rowCount() == 1


def test_tab_goes_from_the_spaces_to_the_filter_to_the_list(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    # Before: list → Spaces → the Transfers panel's header → filter → each folder of the
    # path → list: the path's buttons, made at each folder change, joined the chain's end.
    app = browse_moto(["photos/a.png"])
    app.window.open_folder("photos/")
    qtbot.waitUntil(lambda: app.window.path_bar.text().endswith("/photos/"), timeout=30_000)
    tree, edit, view = app.window.account_panel.tree, app.window.filter_edit, app.window.object_view
    app.window.activateWindow()
    tree.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(tree.hasFocus, timeout=10_000)
    visited = []
    for _ in range(2):
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    assert visited == [edit, view]


def test_pasted_files_are_selected_where_they_land(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    # Before, the selection stayed where it was and the pasted files had to be found.
    app = browse_moto(["a.txt", "b.txt", "photos/x.png"])
    select(app, "a.txt", "b.txt")
    press(qtbot, app, "Ctrl+C")
    app.window.open_folder("photos/")
    qtbot.waitUntil(lambda: row_of(app, "photos/x.png") >= 0, timeout=30_000)
    select(app, "photos/x.png")
    press(qtbot, app, "Ctrl+V")
    qtbot.waitUntil(lambda: sorted(selected_keys(app)) == ["photos/a.txt", "photos/b.txt"], timeout=60_000)
    assert moto_store.head_object(moto_bucket, "photos/a.txt") is not None


def test_a_paste_into_a_folder_not_shown_does_not_take_the_selection_later(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    # The review of the first version: the awaited key stayed, and opening the folder later
    # moved the selection onto the pasted file.
    app = browse_moto(["a.txt", "b.txt", "photos/x.png"])
    edit = app.window.edit_actions
    assert edit is not None
    select(app, "a.txt")
    press(qtbot, app, "Ctrl+C")
    edit.paste_into("photos/")  # a folder row's Paste: the folder is not open
    qtbot.waitUntil(lambda: moto_store.head_object(moto_bucket, "photos/a.txt") is not None, timeout=60_000)
    select(app, "b.txt")
    app.window.open_folder("photos/")
    qtbot.waitUntil(lambda: row_of(app, "photos/a.txt") >= 0, timeout=30_000)
    assert "photos/a.txt" not in selected_keys(app)
