"""Escape and Ctrl+W close a tool window (Keys Manager, Activity, Space Settings…), as Finder's and Explorer's do.

Each window had one of the two, or neither: the Keys Manager could not be closed from
the keyboard at all, having no Close button either. A window with more to say before it
closes (unsaved edits) asks in its own closeEvent, whichever way close was asked for.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget


def close_by_keyboard(window: QWidget) -> list[QShortcut]:
    """Make Escape and the platform's Close keys (Ctrl+W) close `window`; the shortcuts made."""
    keys = [QKeySequence(Qt.Key.Key_Escape), *QKeySequence.keyBindings(QKeySequence.StandardKey.Close)]
    shortcuts = []
    for key in keys:
        shortcut = QShortcut(key, window)
        shortcut.setObjectName("closeWindowShortcut")
        shortcut.activated.connect(window.close)
        shortcuts.append(shortcut)
    return shortcuts
