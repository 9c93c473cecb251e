"""Rename in place as file managers do: the name is selected up to its extension; the same
in the list and in the icon grid."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QLineEdit, QWidget


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


def edit_name_in(view: QAbstractItemView, index: QModelIndex | None) -> bool:
    """Start editing the name at `index` in `view` (Rename); False when no row shows it."""
    if index is None:
        return False
    view.setCurrentIndex(index)
    view.scrollTo(index)
    view.edit(index)
    return view.state() == QAbstractItemView.State.EditingState


def drop_name_editor(view: QAbstractItemView) -> None:
    """Close `view`'s open name field without renaming. Hidden with it open (View → as Icons
    while typing), the field would lose focus, and a field that loses focus renames."""
    index = view.currentIndex()
    editor = view.indexWidget(index) if view.state() == QAbstractItemView.State.EditingState else None
    if editor is not None:
        view.itemDelegateForIndex(index).closeEditor.emit(
            editor, QAbstractItemDelegate.EndEditHint.RevertModelCache
        )


__all__ = ["drop_name_editor", "edit_name_in", "select_stem_later", "stem_length"]
