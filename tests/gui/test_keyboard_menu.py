"""The Menu key and Shift+F10 open the context menu of the list, the icons grid and the Spaces tree,
for the row the keys act on, as in Explorer and GNOME's Files."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMenu
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from tests.gui.test_search_panel import search, wait_done
from tests.gui.test_transfers_window import drop, row_of, wait_transfers_done

KEYS = [
    pytest.param(Qt.Key.Key_Menu, Qt.KeyboardModifier.NoModifier, id="menu-key"),
    pytest.param(Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier, id="shift-f10"),
]


def press_for_menu(
    qtbot: QtBot, view: QAbstractItemView, name: str, key: Qt.Key, modifiers: Qt.KeyboardModifier
) -> QMenu:
    """Press `key` in `view` and return the menu `name` it opened (waited for, shown)."""
    before = set(view.findChildren(QMenu, name))
    view.setFocus()
    qtbot.keyClick(view, key, modifiers)

    def opened() -> list[QMenu]:
        return [m for m in view.findChildren(QMenu, name) if m not in before and m.isVisible()]

    qtbot.waitUntil(lambda: len(opened()) == 1, timeout=30_000)  # one: not none, not two
    return opened()[0]


def choose(menu: QMenu, text: str) -> None:
    action = next(a for a in menu.actions() if a.text() == text)
    menu.close()
    action.trigger()


@pytest.mark.parametrize(("key", "modifiers"), KEYS)
def test_the_keys_open_the_lists_menu_at_the_selected_row_and_it_acts_on_that_row(
    browse_moto: Callable[[Iterable[str]], App], moto_bucket: str, qtbot: QtBot,
    key: Qt.Key, modifiers: Qt.KeyboardModifier,
) -> None:  # fmt: skip
    app = browse_moto(["a.txt", "b.txt", "c.txt", "photos/x.png"])
    app.window.show()
    qtbot.waitExposed(app.window)
    view = app.window.object_view
    row = view.flat.index(row_of(app, "c.txt"), 0)
    view.setCurrentIndex(row)

    menu = press_for_menu(qtbot, view, "objectContextMenu", key, modifiers)
    texts = [a.text() for a in menu.actions()]
    assert {"Rename", "Copy Path"} <= set(texts)  # a row's menu, not the empty space's
    assert texts[:2] == ["Open", "Open With…"]  # first, as in Explorer and Finder (Copy Path was)
    place = view.visualRect(row)
    top_left = view.viewport().mapFromGlobal(menu.pos())
    assert place.top() <= top_left.y() <= place.bottom()  # opened on the row, not at the pointer
    choose(menu, "Copy Path")
    assert QGuiApplication.clipboard().text() == f"s3://{moto_bucket}/c.txt"


def test_the_platforms_own_menu_key_event_opens_no_second_menu(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt", "b.txt"])
    view = app.window.object_view
    view.setCurrentIndex(view.flat.index(row_of(app, "a.txt"), 0))
    press_for_menu(qtbot, view, "objectContextMenu", Qt.Key.Key_Menu, Qt.KeyboardModifier.NoModifier)
    # X11 also sends a context-menu event for the Menu key (offscreen does not): before, a
    # real key press under xvfb opened two menus, one over the other.
    at = QPoint(5, 5)
    QApplication.sendEvent(
        view, QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, at, view.mapToGlobal(at))
    )
    QApplication.processEvents()
    assert len([m for m in view.findChildren(QMenu, "objectContextMenu") if m.isVisible()]) == 1
    # A right click still opens its menu.
    click = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, view.viewport().mapToGlobal(at))
    QApplication.sendEvent(view.viewport(), click)
    QApplication.processEvents()
    assert len(view.findChildren(QMenu, "objectContextMenu")) == 2
    for menu in view.findChildren(QMenu, "objectContextMenu"):
        menu.close()


def test_with_the_keyboards_place_off_the_selection_the_menu_is_for_the_selection(
    browse_moto: Callable[[Iterable[str]], App], moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt", "b.txt", "c.txt"])
    view = app.window.object_view
    view.setCurrentIndex(view.flat.index(row_of(app, "a.txt"), 0))
    # Ctrl+Down: the keyboard's place moves to b.txt, the selection stays a.txt.
    view.selectionModel().setCurrentIndex(
        view.flat.index(row_of(app, "b.txt"), 0), QItemSelectionModel.SelectionFlag.NoUpdate
    )
    menu = press_for_menu(qtbot, view, "objectContextMenu", Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    choose(menu, "Copy Path")
    assert QGuiApplication.clipboard().text() == f"s3://{moto_bucket}/a.txt"


def test_with_nothing_selected_the_keys_open_the_empty_spaces_menu(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt", "b.txt"])
    view = app.window.object_view
    view.clearSelection()
    menu = press_for_menu(qtbot, view, "objectContextMenu", Qt.Key.Key_Menu, Qt.KeyboardModifier.NoModifier)
    texts = [a.text() for a in menu.actions()]
    assert not {"Rename", "Copy Path"} & set(texts)
    assert any(t.startswith("Upload Files") for t in texts)
    menu.close()


def test_shift_f10_in_the_icons_grid_opens_the_menu_of_its_selected_cell(
    browse_moto: Callable[[Iterable[str]], App], moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["a.png", "b.png"])
    app.window.show()
    qtbot.waitExposed(app.window)
    app.window.preview.icons_action.trigger()  # View → as Icons
    icons = app.window.preview.icons_view
    assert icons.isVisible()
    icons.setCurrentIndex(icons.flat.index(row_of(app, "b.png"), 0))
    menu = press_for_menu(
        qtbot, icons, "objectContextMenu", Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier
    )
    choose(menu, "Copy Path")
    assert QGuiApplication.clipboard().text() == f"s3://{moto_bucket}/b.png"


def test_shift_f10_in_the_spaces_tree_opens_the_spaces_menu(
    browse_moto: Callable[[Iterable[str]], App], moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt"])
    tree = app.window.account_panel.tree
    qtbot.waitUntil(lambda: tree.currentIndex().isValid(), timeout=30_000)  # the open Space's row
    menu = press_for_menu(
        qtbot, tree, "accountContextMenu", Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier
    )
    assert "Space Usage…" in [a.text() for a in menu.actions()]
    choose(menu, "Copy Path")
    assert QGuiApplication.clipboard().text() == f"s3://{moto_bucket}/"


def test_shift_f10_in_find_in_space_opens_the_menu_of_the_selected_result(
    browse_moto: Callable[[Iterable[str]], App], moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["docs/a.txt", "docs/b.txt"])
    panel = search(qtbot, app, "b.txt")
    wait_done(qtbot, panel)
    panel.view.setCurrentIndex(panel.model.index(0, 0))
    menu = press_for_menu(
        qtbot, panel.view, "searchContextMenu", Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier
    )
    texts = [a.text() for a in menu.actions()]
    menu.close()
    assert {"Open", "Rename…", "Copy Path"} <= set(texts)


def test_the_menu_key_in_the_transfers_panel_opens_its_menu_on_the_selected_row(
    browse_moto: Callable[[Iterable[str]], App], tmp_path: Path, qtbot: QtBot
) -> None:
    app = browse_moto(["x.txt"])
    (tmp_path / "readme.md").write_text("# hi\n")
    drop(app, [tmp_path / "readme.md"])
    wait_transfers_done(qtbot, app, 1)
    dock = app.window.transfer_actions.dock  # type: ignore[union-attr]
    dock.set_folded(False)
    qtbot.waitUntil(lambda: dock.model.rowCount() == 1, timeout=30_000)
    dock.view.setCurrentIndex(dock.model.index(0, 0))
    shown: list[list[str]] = []

    def read_and_close() -> None:  # the panel's menu is modal (exec): read it, then close it
        menu = QApplication.activePopupWidget()
        if isinstance(menu, QMenu) and menu.objectName() == "transferMenu":
            shown.append([a.text() for a in menu.actions() if a.text()])
            menu.close()
        else:
            QTimer.singleShot(20, read_and_close)

    QTimer.singleShot(0, read_and_close)
    dock.view.setFocus()
    qtbot.keyClick(dock.view, Qt.Key.Key_Menu)
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    assert {"Reveal in File Manager", "Remove from List", "Clear Finished"} <= set(shown[0])


def test_a_context_menu_is_let_go_once_closed_and_its_action_still_runs(
    browse_moto: Callable[[Iterable[str]], App], moto_bucket: str, qtbot: QtBot
) -> None:
    # Before, every menu a right click built stayed a child of its view for the window's
    # life, with its actions' closures: one more per right click, in every view.
    app = browse_moto(["a.txt", "b.txt"])
    view = app.window.object_view
    tree = app.window.account_panel.tree
    qtbot.waitUntil(lambda: tree.currentIndex().isValid(), timeout=30_000)  # the open Space's row
    row = view.visualRect(view.flat.index(row_of(app, "b.txt"), 0)).center()
    space = tree.visualRect(tree.currentIndex()).center()
    for widget, at, name in [(view, row, "objectContextMenu"), (tree, space, "accountContextMenu")]:
        for _ in range(3):  # right clicks
            widget.customContextMenuRequested.emit(at)
            menus = widget.findChildren(QMenu, name)
            assert len(menus) == 1  # none left from the click before
            assert menus[0].isVisible()
            menus[0].close()
            qtbot.waitUntil(lambda w=widget, n=name: not w.findChildren(QMenu, n), timeout=30_000)
    view.setCurrentIndex(view.flat.index(row_of(app, "b.txt"), 0))  # as a right click's press does
    view.customContextMenuRequested.emit(row)
    choose(view.findChildren(QMenu, "objectContextMenu")[0], "Copy Path")  # closed, then triggered
    assert QGuiApplication.clipboard().text() == f"s3://{moto_bucket}/b.txt"
    qtbot.waitUntil(lambda: not view.findChildren(QMenu, "objectContextMenu"), timeout=30_000)
