"""Which list has the keyboard shows in its selection: the theme's colour there, grey elsewhere.

The Spaces tree, the object list and the Transfers panel all showed their selection in the
same bright colour, so after Tab nothing on screen said where the keys would go (a
keyboard-only new-user pass). As in Finder and Explorer, a view without the keyboard now
shows its selection grey, with the rows' own text colour. Not while a menu it opened has
the keyboard (the menu acts on that selection). GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFocusEvent, QGuiApplication, QPalette
from PySide6.QtWidgets import QAbstractItemView

from spacesgui.qtmodels.legible_colors import unfocused_selection

Role = QPalette.ColorRole
_KEEP_ON = (Qt.FocusReason.PopupFocusReason, Qt.FocusReason.MenuBarFocusReason)


class _SelectionFollowsFocus(QObject):
    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.FocusIn:
            self._view.setPalette(QPalette())  # the inherited palette again: the theme's colour
        elif (
            kind == QEvent.Type.FocusOut and isinstance(event, QFocusEvent) and event.reason() not in _KEEP_ON
        ):
            self.grey()
        elif kind == QEvent.Type.ApplicationPaletteChange and not self._view.hasFocus():
            self.grey()  # a theme changed while it had no keyboard: its grey follows
        return False

    def grey(self) -> None:
        fill, text = unfocused_selection(QGuiApplication.palette())
        palette = QPalette(self._view.palette())
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, Role.Highlight, fill)
            palette.setColor(group, Role.HighlightedText, text)
        self._view.setPalette(palette)


def selection_shows_focus(*views: QAbstractItemView) -> None:
    """Grey each view's selection while it does not have the keyboard (starting now, unless it has)."""
    for view in views:
        follower = _SelectionFollowsFocus(view)
        view.installEventFilter(follower)
        if not view.hasFocus():
            follower.grey()
