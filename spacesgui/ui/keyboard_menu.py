"""The Menu key and Shift+F10 open a view's context menu, as in Explorer, Finder's and GNOME's lists.

Qt leaves both to the platform: Shift+F10 opens nothing on Linux, and the Menu key opens
one only where the platform sends a context-menu event for it (X11 does, the offscreen
platform does not), at a place of the platform's choosing. So each view with a menu of its
own takes both as a shortcut and asks for its menu as a right click would, at the row the
keys act on; a context-menu event the keyboard caused is then dropped, or X11 opened two
menus (seen with a real Menu key press through xdotool under xvfb).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView

OUTSIDE_ROWS = QPoint(-1, -1)  # indexAt() finds no row there: the menu for the empty space


def open_menu_by_keyboard(view: QAbstractItemView) -> QAction:
    """Make the Menu key and Shift+F10 in `view` emit its customContextMenuRequested."""
    action = QAction("Show Menu", view)
    action.setObjectName("keyboardMenuAction")
    action.setShortcuts([QKeySequence(Qt.Key.Key_Menu), QKeySequence("Shift+F10")])
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.triggered.connect(lambda: view.customContextMenuRequested.emit(menu_point(view)))
    view.addAction(action)
    dropper = _KeyboardMenuEvents(view)
    view.installEventFilter(dropper)
    view.viewport().installEventFilter(dropper)
    return action


class _KeyboardMenuEvents(QObject):
    """Drops the platform's context-menu events that a key caused: the shortcut answered it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        return (
            event.type() == QEvent.Type.ContextMenu
            and isinstance(event, QContextMenuEvent)
            and event.reason() == QContextMenuEvent.Reason.Keyboard
        )


def menu_point(view: QAbstractItemView) -> QPoint:
    """Where, in `view`'s viewport, a right click would ask for the menu the keys mean.

    The selection, as the menu's commands act on it: its current row when that is selected,
    else its first selected row. With nothing selected, the empty space's menu (Upload,
    Paste, New Folder), as Explorer gives.
    """
    index = _acted_on(view)
    if not index.isValid():
        return OUTSIDE_ROWS
    view.scrollTo(index)
    rect = view.visualRect(index)
    if not rect.intersects(view.viewport().rect()):
        return OUTSIDE_ROWS
    # The row's last line of pixels, near its start: the menu opens under the name, which stays
    # readable, and not at a wide name column's far centre.
    return QPoint(rect.left() + min(rect.width() // 2, 24), rect.bottom())


def _acted_on(view: QAbstractItemView) -> QModelIndex:
    selection = view.selectionModel()
    if selection is None:
        return QModelIndex()
    current = view.currentIndex()
    if current.isValid() and selection.isSelected(current):
        return current
    selected = sorted(selection.selectedIndexes(), key=lambda i: (i.row(), i.column()))
    return selected[0] if selected else QModelIndex()
