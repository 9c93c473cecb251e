"""Select a row as soon as the listing shows it: a renamed file or folder under its new name.

A rename runs through the transfer queue, and its new name appears only when the folder
is listed again. A file manager leaves the renamed item selected, so the user can go on
with it (open it, rename it again); this waits for the row, then selects it, unless the
user has chosen other rows or gone to another folder in the meantime.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractItemView

from spacesgui.core.folder_node import Column
from spacesgui.qtmodels.roles import ObjectRole
from spacesgui.ui.browser.object_view import ObjectView

Where = tuple[str, str, str]  # account id, bucket, the open folder's prefix


class SelectWhenListed(QObject):
    """One pending selection for `view`; a new `follow` replaces it. GUI thread only."""

    def __init__(self, view: ObjectView) -> None:
        super().__init__(view)
        self._view = view
        self._key = ""
        self._instead_of = ""
        self._expand = False
        self._where: Where = ("", "", "")
        self._others: list[QAbstractItemView] = []  # other views of the same rows (the grid)
        flat = view.flat
        flat.rowsInserted.connect(self._look)
        flat.modelReset.connect(self._look)
        flat.layoutChanged.connect(self._look)

    def also_scroll(self, view: QAbstractItemView) -> None:
        """Scroll `view` (over the same rows) to the selected row too, while it is shown."""
        self._others.append(view)

    @property
    def pending(self) -> str:
        """The key waited for ("" when none)."""
        return self._key

    def follow(self, key: str, instead_of: str, *, expand: bool = False) -> None:
        """Select `key` once it is listed, if the selection is then empty or only `instead_of`;
        `expand`: open the folder `key` too (it was open under its old name)."""
        self._key, self._instead_of, self._where = key, instead_of, self._open_folder()
        self._expand = expand
        self._look()

    def _open_folder(self) -> Where:
        tree = self._view.flat.tree
        return tree.account_id, tree.bucket, tree.root.prefix

    def _look(self) -> None:
        if not self._key:
            return
        if self._open_folder() != self._where or not self._selection_is_free():
            self._key = ""  # the user went elsewhere or chose other rows: leave them be
            return
        index = self._view.flat.index_of_key(self._key, Column.NAME)
        if index is None:
            return
        key, self._key = self._key, ""
        self._view.setCurrentIndex(index)
        self._view.scrollTo(index)
        for other in self._others:  # the icon grid, when it is the one shown
            if other.isVisible():
                other.scrollTo(index.siblingAtColumn(0))
        node = self._view.node_at(key) if self._expand else None
        if node is not None:
            self._view.expand_folder(node)

    def _selection_is_free(self) -> bool:
        chosen = {
            index.data(ObjectRole.KEY) for index in self._view.selectionModel().selectedRows(Column.NAME)
        }
        return chosen <= {self._instead_of}
