"""Rename in place as file managers do: the name is selected up to its extension."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLineEdit, QWidget


def stem_length(name: str, *, folder: bool) -> int:
    """How much of `name` a rename selects: all of a folder's, a file's up to its last dot.

    A name with no dot, or whose only dot leads (“.env”), is selected whole, as in Finder.
    """
    dot = name.rfind(".")
    return len(name) if folder or dot <= 0 else dot


def select_stem_later(editor: QWidget, *, folder: bool) -> None:
    """Select the stem once the view has done its own select-all (it runs after setEditorData)."""
    if not isinstance(editor, QLineEdit):
        return

    def select() -> None:
        editor.setSelection(0, stem_length(editor.text(), folder=folder))

    QTimer.singleShot(0, editor, select)


__all__ = ["select_stem_later", "stem_length"]
