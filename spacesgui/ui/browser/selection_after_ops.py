"""Where the selection goes after the user's own delete or paste, as in Explorer and Finder.

- After a delete, only an outline moved, to the row above, with nothing selected: Delete,
  Info and Share were off and a second Delete did nothing. The row that takes the deleted
  rows' place is selected now (only for rows the user deleted: a file another tool deleted
  leaves the preview saying so, not another file's preview; and only while the list has
  the keyboard).
- After a paste, the selection stayed where it was and the pasted files had to be found.
  They are selected as they appear.

Both found by a keyboard-only new-user pass. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel as Sel
from PySide6.QtCore import QModelIndex, QObject
from PySide6.QtWidgets import QTableView

from spacesgui.qtmodels.flat_tree_model import FlatTreeModel
from spacesgui.qtmodels.roles import ObjectRole


class SelectionAfterOperations(QObject):
    """Watches one view's flat model; `expect_gone` and `expect_new` say what the user did."""

    def __init__(self, view: QTableView, flat: FlatTreeModel) -> None:
        super().__init__(view)
        self._view, self._flat = view, flat
        self._gone: set[str] = set()  # keys the user deleted, not gone yet
        self._new: set[str] = set()  # rows the user pasted, not shown yet
        self._arrived = 0  # of the last paste's rows, those shown and selected so far
        self._had_selection = False  # selected rows the user deleted were in the last removal
        self._removed_at = 0  # its first row
        # Connected before the view's selection model exists (see ObjectView.set_tree): that
        # model drops the rows from the selection as they are about to go.
        flat.rowsAboutToBeRemoved.connect(self._before_rows_removed)
        flat.rowsRemoved.connect(self._after_rows_removed)
        flat.rowsInserted.connect(self._after_rows_inserted)
        # Another folder opened (or this one listed afresh): what was awaited is forgotten, or
        # a paste into a folder not shown would take the selection when that folder opened.
        flat.modelAboutToBeReset.connect(self._forget)

    def expect_gone(self, keys: list[str]) -> None:
        self._gone = set(keys)

    def expect_new(self, keys: list[str]) -> None:
        """Keys shown already (Overwrite) are not awaited: their row never comes again."""
        shown = {self._key(row) for row in range(self._flat.rowCount())} if keys else set()
        self._new, self._arrived = set(keys) - shown, 0

    def _forget(self) -> None:
        self._gone.clear()
        self._new.clear()

    def _key(self, row: int) -> str:
        return str(self._flat.index(row, 0).data(ObjectRole.KEY) or "")

    def _before_rows_removed(self, _parent: QModelIndex, first: int, last: int) -> None:
        selection = self._view.selectionModel()
        self._had_selection = False
        if not self._gone:
            return
        keys = {self._key(row) for row in range(first, last + 1)}
        if keys & self._gone:
            self._gone -= keys  # gone, selected or not: never awaited again
            if selection is not None and selection.hasSelection():
                self._had_selection, self._removed_at = True, first

    def _after_rows_removed(self, *_: object) -> None:
        had, self._had_selection = self._had_selection, False
        rows = self._flat.rowCount()
        selection = self._view.selectionModel()
        if had and self._view.hasFocus() and rows and not selection.hasSelection():
            # The row below, as Explorer does (Qt's current goes to the row above).
            row = self._flat.index(min(self._removed_at, rows - 1), 0)
            selection.setCurrentIndex(row, Sel.SelectionFlag.ClearAndSelect | Sel.SelectionFlag.Rows)

    def _after_rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        if not self._new:
            return
        selection = self._view.selectionModel()
        for row in range(first, last + 1):
            key = self._key(row)
            if key not in self._new:
                continue
            self._new.discard(key)
            flags = Sel.SelectionFlag.Select | Sel.SelectionFlag.Rows
            if not self._arrived:  # the first to arrive replaces the selection, and is current
                selection.setCurrentIndex(self._flat.index(row, 0), flags | Sel.SelectionFlag.Clear)
            else:
                selection.select(self._flat.index(row, 0), flags)
            self._arrived += 1
