"""Access letters (mnemonics) for the menu bar's items, given while a menu is open.

Alt+F opens File, and then a letter chooses an item, as on Windows, GNOME and KDE. Qt
only does that for texts with an `&`; the actions are shared with the toolbars and the
context menus, and code reads their texts, so each menu gives its items letters as it
opens and takes them back as it closes (as KDE's accelerator manager does). A letter is
unique in its menu: a word's first letter where one is free, else any letter of the text.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu


def with_access_letter(text: str, taken: set[str]) -> str:
    """`text` with `&` before its best letter not in `taken` (which gains it); as it is if none.

    Texts that hold an `&` already (an access letter of their own, or a written `&&`) stay.
    """
    if not text or "&" in text:
        return text
    word_starts = [i for i, c in enumerate(text) if c.isalnum() and (i == 0 or not text[i - 1].isalnum())]
    others = [i for i, c in enumerate(text) if c.isalnum() and i not in word_starts]
    for i in (*word_starts, *others):
        letter = text[i].lower()
        if letter not in taken:
            taken.add(letter)
            return f"{text[:i]}&{text[i:]}"
    return text


class _AccessLetters(QObject):
    def __init__(self, menu: QMenu) -> None:
        super().__init__(menu)
        self._menu = menu
        self._given: dict[QAction, tuple[str, str]] = {}  # action -> (its text, the text given)
        menu.aboutToShow.connect(self._give)
        menu.aboutToHide.connect(self._take_back)

    def _give(self) -> None:
        self._take_back()
        taken: set[str] = set()
        actions = [a for a in self._menu.actions() if a.isVisible() and not a.isSeparator()]
        for action in actions:  # letters the texts chose for themselves are not given twice
            own = action.text().partition("&")[2][:1]
            if own and own != "&":
                taken.add(own.lower())
        for action in actions:
            text = action.text()
            given = with_access_letter(text, taken)
            if given != text:
                self._given[action] = (text, given)
                action.setText(given)

    def _take_back(self) -> None:
        for action, (text, given) in self._given.items():
            if (
                shiboken6.isValid(action) and action.text() == given
            ):  # not renamed meanwhile (a name that follows the selection)
                action.setText(text)
        self._given.clear()


def give_access_letters(menu: QMenu) -> None:
    """Letter the items of `menu`, and of the menus inside it, each time it opens."""
    _AccessLetters(menu)
    for action in menu.actions():
        inner = action.menu()
        if isinstance(inner, QMenu):
            give_access_letters(inner)
