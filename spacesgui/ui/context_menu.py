"""A context menu made for one right click, shown and then let go.

Each right click builds its menu afresh (its actions depend on the row), parented to the
view so that it sits on the view's screen and style. Left alone, every menu ever shown
stayed a child of its view, with the closures of its actions, for as long as the window
lived. Deleted once hidden instead: `deleteLater` runs only when control is back in the
event loop that asked for it, so an action that opens a dialog from the menu still runs
to its end first.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu


def show_once(menu: QMenu, at: QPoint) -> None:
    """Pop `menu` up at `at` (global), and delete it once it is hidden."""
    menu.aboutToHide.connect(menu.deleteLater)
    menu.popup(at)
