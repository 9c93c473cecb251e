"""The object tree: folders list lazily, page by page, sorted and filtered in place.

Each index's internal pointer is the FolderNode that *contains* the row; a folder row's
own children live in the node returned by `folder_at(row)`. Sorting and filtering run
over the whole folder (not just the loaded page) inside the model, on native values,
because a QSortFilterProxyModel calling back into Python per comparison is far too slow
for 100,000 rows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from spacesgui.core.access import AccessState
from spacesgui.core.errors import SpacesError
from spacesgui.core.folder_node import (
    Column,
    FolderNode,
    LoadState,
    SortSpec,
)
from spacesgui.core.keys import parent
from spacesgui.core.listing import ListingPage
from spacesgui.core.name_pattern import name_matcher
from spacesgui.qtmodels.object_cells import ObjectCells
from spacesgui.qtmodels.tree_refresh import TreeRefresher
from spacesgui.services.browser_service import BrowserService, ListingRequest

log = logging.getLogger(__name__)

HEADERS = {
    Column.NAME: "Name",
    Column.SIZE: "Size",
    Column.MODIFIED: "Last modified",
    Column.TYPE: "Type",
    Column.STORAGE_CLASS: "Storage class",
    Column.ACCESS: "Access",
}

AnyIndex = QModelIndex | QPersistentModelIndex
PAGE_FLUSH_MS = 100
# Computed once: views ask per row. Drag-enabled, or the view never starts a drag out of
# the window (QAbstractItemView drags only the selected rows whose flags allow it).
ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled


class ObjectTreeModel(QAbstractItemModel):
    """Lists one bucket prefix as a lazily expanding tree. GUI thread only."""

    stats_changed = Signal()  # counts, size or loading state of the root folder changed
    listing_failed = Signal(str, object)  # prefix, SpacesError
    root_loaded = Signal()

    def __init__(self, browser: BrowserService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._browser = browser
        self._account_id = ""
        self._bucket = ""
        self._root = FolderNode("")
        self._spec = SortSpec()
        self._filter_text = ""
        self._matcher = name_matcher("")
        self._listings: dict[int, FolderNode] = {}
        self._show_deleted = False  # list deleted files and folders too (a versioned Space)
        self._listed_deleted: dict[int, bool] = {}  # listing id → whether it asked for deleted files
        self._cells = ObjectCells()
        self._cut: tuple[str, str, frozenset[str]] = ("", "", frozenset())  # account, bucket, keys
        self._pending_pages: dict[FolderNode, list[ListingPage]] = {}
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(PAGE_FLUSH_MS)
        self._flush_timer.timeout.connect(self._flush_pages)
        self._refresher = TreeRefresher(self)
        browser.listing_page.connect(self._on_browser_listing_page)
        browser.listing_finished.connect(self._on_browser_listing_finished)
        browser.listing_failed.connect(self._on_browser_listing_failed)

    # -- location -----------------------------------------------------------
    @property
    def root(self) -> FolderNode:
        return self._root

    @property
    def bucket(self) -> str:
        return self._bucket

    @property
    def account_id(self) -> str:
        return self._account_id

    def node_at(self, prefix: str) -> FolderNode | None:
        """The folder node of `prefix` in the open tree, if it is there."""
        node: FolderNode | None = self._root
        while node is not None and node.prefix != prefix:
            node = next((f for f in node.folders if prefix.startswith(f.prefix)), None)
        return node

    def known_access(self, key: str) -> AccessState:
        """What the Access column has read of the file `key` (UNKNOWN when nothing yet)."""
        folder = parent(key)
        node = self.node_at(folder)
        index = node.index_of_name(key[len(folder) :]) if node is not None else -1
        return AccessState(node.access[index]) if node is not None and index >= 0 else AccessState.UNKNOWN

    def set_location(self, account_id: str, bucket: str, prefix: str) -> None:
        """Show `prefix` of `bucket` at the top level and start listing it."""
        self._cancel_all()
        self.beginResetModel()
        self._account_id, self._bucket = account_id, bucket
        self._cells.access_note = ""
        self._show_cut()
        self._root = FolderNode(prefix)
        if bucket:
            self._root.state = LoadState.LOADING  # so a fetchMore during the reset starts nothing
        self.endResetModel()
        if bucket:
            self._start_listing(self._root)
        self.stats_changed.emit()

    def clear(self) -> None:
        self.set_location("", "", "")

    # -- access column ------------------------------------------------------
    @property
    def access_note(self) -> str:
        return self._cells.access_note

    def set_access_note(self, note: str) -> None:
        """Show "—" in every file's Access cell, `note` (why) in its tooltip; "" shows states again."""
        if note != self._cells.access_note:
            self._cells.access_note = note
            self._access_column_changed()

    def set_access(self, node: FolderNode, obj: int, state: AccessState) -> None:
        """Store what was read of object `obj`'s access and repaint its cell if it is shown."""
        if node.access[obj] == state:
            return
        node.access[obj] = state
        if not self.in_model(node):
            return
        try:
            row = node.folder_count() + node.visible.index(obj)
        except ValueError:
            return  # filtered out: nothing on screen to repaint
        index = self.createIndex(row, Column.ACCESS, node)
        self.dataChanged.emit(index, index)

    def forget_access(self, nodes: list[FolderNode], keep: set[tuple[int, int]]) -> None:
        """Mark the access of every object in `nodes` unknown (read again when shown), but
        those in `keep` ((id(node), object index): the rows on screen, read again at once)."""
        forgot = False
        for node in nodes:
            access = node.access
            if access.count(0) == len(access):
                continue  # nothing known here (the common case): no scan
            for obj in range(len(access)):
                if access[obj] and (id(node), obj) not in keep:
                    access[obj] = AccessState.UNKNOWN
                    forgot = True
        if forgot:
            self._access_column_changed()

    def _access_column_changed(self) -> None:
        rows = self._root.row_count()
        if rows:
            self.dataChanged.emit(self.index(0, Column.ACCESS), self.index(rows - 1, Column.ACCESS))

    # -- cut objects ----------------------------------------------------------
    def set_cut(self, account_id: str, bucket: str, keys: Iterable[str]) -> None:
        """Grey the rows of `keys` in that Space, and what is inside a cut folder: Cut put them
        on the clipboard, and a paste moves them (as a file manager greys cut files). Rows
        are read when painted: the view repaints them."""
        self._cut = (account_id, bucket, frozenset(keys))
        self._show_cut()

    def _show_cut(self) -> None:
        """The cut keys the cells grey: those of the open Space, none elsewhere."""
        account_id, bucket, keys = self._cut
        self._cells.cut = keys if (account_id, bucket) == (self._account_id, self._bucket) else frozenset()

    def is_cut(self, key: str) -> bool:
        """Whether the row of `key` in the open Space is marked as cut."""
        return self._cells.is_cut(key)

    # -- deleted files --------------------------------------------------------
    @property
    def show_deleted(self) -> bool:
        return self._show_deleted

    def set_show_deleted(self, on: bool) -> None:
        """List deleted files and folders too (or no longer): every listed folder is listed
        again and only the difference applied, so selection and expansion stay."""
        if on == self._show_deleted:
            return
        self._show_deleted = on
        self._refresher.cancel()  # a refresh on its way lists the other way
        if self._bucket:
            self.refresh(self._listed_nodes())

    def listing_request(self, node: FolderNode, *, automatic: bool = False) -> ListingRequest:
        return ListingRequest(self._account_id, self._bucket, node.prefix, self._show_deleted, automatic)

    def _listed_nodes(self) -> list[FolderNode]:
        nodes, stack = [], [self._root]
        while stack:
            node = stack.pop()
            if node.state in (LoadState.LOADED, LoadState.FAILED):
                nodes.append(node)
            stack.extend(node.folders)
        return nodes

    def _start_listing(self, node: FolderNode) -> None:
        node.state = LoadState.LOADING
        listing_id = self._browser.start_listing(self.listing_request(node))
        self._listings[listing_id] = node
        self._listed_deleted[listing_id] = self._show_deleted

    def _cancel_all(self) -> None:
        self._pending_pages.clear()
        self._flush_timer.stop()
        for listing_id in list(self._listings):
            self._browser.cancel_listing(listing_id)
        self._listings.clear()
        self._listed_deleted.clear()
        self._refresher.cancel()

    def refresh(self, nodes: list[FolderNode] | None = None, *, automatic: bool = False) -> None:
        """Re-list `nodes` (default: the root), apply what changed; see ListingRequest.automatic."""
        self._refresher.refresh(nodes, automatic=automatic)

    def is_refreshing(self) -> bool:
        return self._refresher.is_refreshing()

    def is_loading(self) -> bool:
        return self._root.state == LoadState.LOADING

    # -- listing signals ----------------------------------------------------
    def _on_browser_listing_page(self, listing_id: int, page: ListingPage) -> None:
        node = self._listings.get(listing_id)
        if node is None:
            self._refresher.on_page(listing_id, page)
            return
        # The first page shows at once; later ones are applied together at most every
        # PAGE_FLUSH_MS, so a fast server costs a few repaints a second, not one a page.
        self._pending_pages.setdefault(node, []).append(page)
        if not self._flush_timer.isActive():
            self._flush_pages()

    def _flush_pages(self) -> None:
        pending, self._pending_pages = self._pending_pages, {}
        for node, pages in pending.items():
            for kind in (False, True):  # live pages come before deleted ones; never merge the two
                same = [page for page in pages if page.deleted == kind]
                if same:
                    self._add_page(node, same[0] if len(same) == 1 else ListingPage.merged(same))
            if node is self._root:
                self.stats_changed.emit()
        if pending:
            self._flush_timer.start()

    def _on_browser_listing_finished(self, listing_id: int) -> None:
        node = self._listings.pop(listing_id, None)
        listed_deleted = self._listed_deleted.pop(listing_id, self._show_deleted)
        if node is None:
            self._refresher.on_finished(listing_id)
            return
        if node in self._pending_pages:
            self._flush_pages()
        node.state = LoadState.LOADED
        if node.dirty:
            self._apply_order(node, resort=True)
        self._refilter_ancestors(node)
        if node.row_count() == 0:
            # no children after all: let the view drop the expand arrow
            index = self._index_of_node(node)
            if index.isValid() and self.in_model(node):
                self.dataChanged.emit(index, index)
        if node is self._root:
            self.root_loaded.emit()
            self.stats_changed.emit()
        if listed_deleted != self._show_deleted:  # the toggle changed while it was listed
            self.refresh([node])

    def _on_browser_listing_failed(self, listing_id: int, error: SpacesError) -> None:
        node = self._listings.pop(listing_id, None)
        self._listed_deleted.pop(listing_id, None)
        if node is None:
            self._refresher.on_failed(listing_id, error)
            return
        if node in self._pending_pages:
            self._flush_pages()  # show what was listed before the failure
        node.state = LoadState.FAILED
        node.error = error
        log.warning("listing s3://%s/%s failed: %s", self._bucket, node.prefix, error.detail or error)
        self.listing_failed.emit(node.prefix, error)
        if node is self._root:
            self.stats_changed.emit()

    def _add_page(self, node: FolderNode, page: ListingPage) -> None:
        """Insert a page's rows: in order when they extend it, else appended and re-sorted later."""
        new_folders, new_objects = node.append_page(page)
        parent = self._index_of_node(node)
        signal = self.in_model(node)  # a folder hidden by the filter changes without row signals
        if new_folders:
            start = len(node.folders) - len(new_folders)
            ordered = node.sorted_folders(self._spec, range(start, len(node.folders)))
            if not node.extends_folder_order(self._spec, ordered):
                node.dirty = True
            shown = node.visible_folder_subset(ordered, self._matcher)
            self.insert_rows(
                parent,
                node.folder_count(),
                len(shown),
                lambda: node.commit_folders(ordered, shown),
                announce=signal,
            )
        if new_objects:
            ordered_objects = node.sorted_objects(self._spec, new_objects)
            if not node.extends_order(self._spec, ordered_objects):
                node.dirty = True
            shown_objects = node.visible_subset(ordered_objects, self._matcher)
            self.insert_rows(
                parent,
                node.row_count(),
                len(shown_objects),
                lambda: node.commit_objects(ordered_objects, shown_objects),
                announce=signal,
            )
        # Small folders are kept sorted page by page; a big one is sorted once at the end
        # so loading never stalls the window.
        if node.dirty and node.row_count() <= 20_000:
            self._apply_order(node, resort=True)

    def insert_rows(
        self,
        parent: QModelIndex,
        first: int,
        count: int,
        commit: Callable[[], object],
        *,
        announce: bool = True,
    ) -> None:
        """Run `commit` (which adds `count` rows at `first`) inside begin/endInsertRows.

        Nothing is announced for no rows, or when `announce` is False (a folder that has no
        rows in the model, e.g. hidden by the filter, changes silently).
        """
        announce = announce and count > 0
        if announce:
            self.beginInsertRows(parent, first, first + count - 1)
        commit()
        if announce:
            self.endInsertRows()

    # -- sorting and filtering ----------------------------------------------
    @property
    def sort_spec(self) -> SortSpec:
        return self._spec

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Column):
            return
        self._spec = SortSpec(Column(column), order == Qt.SortOrder.DescendingOrder)
        for node in self._loaded_nodes():
            self._apply_order(node, resort=True)

    def set_filter(self, text: str) -> None:
        """Show only rows whose name contains `text` (or matches it as a glob: *.jpg)."""
        if text == self._filter_text:
            return
        self._filter_text = text
        self._matcher = name_matcher(text)
        # Deepest first: a folder stays visible when rows inside it do.
        for node in reversed(self._loaded_nodes()):
            self._apply_order(node, resort=False)
        self.stats_changed.emit()

    @property
    def filter_text(self) -> str:
        return self._filter_text

    def loaded_folders(self) -> list[FolderNode]:
        """Every folder below the root whose listing has begun."""
        return [n for n in self._loaded_nodes() if n is not self._root]

    def index_of_folder(self, node: FolderNode) -> QModelIndex:
        return self._index_of_node(node)

    def _refilter_ancestors(self, node: FolderNode) -> None:
        """Under a filter a folder shows when rows inside it do; re-check the folders above."""
        if self._matcher is None:
            return
        parent = node.parent
        while parent is not None and self.in_model(parent):
            self._apply_order(parent, resort=False)
            if parent is self._root:
                break
            parent = parent.parent

    def _loaded_nodes(self) -> list[FolderNode]:
        nodes, stack = [], [self._root]
        while stack:
            node = stack.pop()
            if node.names or node.folders:
                nodes.append(node)
                stack.extend(node.folders)
        return nodes

    def _apply_order(self, node: FolderNode, *, resort: bool) -> None:
        """Re-sort and/or re-filter one folder, keeping selection and expansion (layoutChanged)."""
        folders = node.sorted_folders(self._spec) if resort else node.folder_order
        objects = node.sorted_objects(self._spec) if resort else node.order
        # PySide6 emits these two signals only in their argument-less form (whole model).
        self.layoutAboutToBeChanged.emit()
        persistent = [p for p in self.persistentIndexList() if p.internalPointer() is node]
        identities = [self._identity(node, p.row()) for p in persistent]
        node.set_orders(folders, objects, self._matcher, sorted_now=resort)
        if persistent:
            rows = self._rows_by_identity(node)
            new = [
                self._index_for(node, rows.get(ident, -1), p.column())
                for p, ident in zip(persistent, identities, strict=True)
            ]
            self.changePersistentIndexList(persistent, new)
        self.layoutChanged.emit()

    @staticmethod
    def _identity(node: FolderNode, row: int) -> object:
        folder = node.folder_at(row)
        return folder if folder is not None else node.object_at(row)

    @staticmethod
    def _rows_by_identity(node: FolderNode) -> dict[object, int]:
        rows: dict[object, int] = {node.folders[f]: r for r, f in enumerate(node.visible_folders)}
        offset = node.folder_count()
        rows.update({obj: offset + r for r, obj in enumerate(node.visible)})
        return rows

    def _index_for(self, node: FolderNode, row: int, column: int) -> QModelIndex:
        return self.createIndex(row, column, node) if row >= 0 else QModelIndex()

    # -- tree structure -----------------------------------------------------
    def in_model(self, node: FolderNode) -> bool:
        """True when `node`'s rows are rows of this model (no ancestor hidden or removed)."""
        while node is not self._root:
            parent = node.parent
            if parent is None or parent.row_of_folder(node) < 0:
                return False
            node = parent
        return True

    def _index_of_node(self, node: FolderNode) -> QModelIndex:
        """The index of the row that shows `node` (invalid for the root)."""
        if node is self._root or node.parent is None:
            return QModelIndex()
        row = node.parent.row_of_folder(node)
        return self.createIndex(row, 0, node.parent) if row >= 0 else QModelIndex()

    def folder_node(self, index: AnyIndex) -> FolderNode | None:
        """The folder an index shows (the root for an invalid index, None for an object)."""
        if not index.isValid():
            return self._root
        container: FolderNode = index.internalPointer()
        return container.folder_at(index.row())

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self.folder_node(parent)
        if node is None or not (0 <= row < node.row_count() and 0 <= column < len(Column)):
            return QModelIndex()
        return self.createIndex(row, column, node)

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        container: FolderNode = index.internalPointer()
        return self._index_of_node(container)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        node = self.folder_node(parent)
        return node.row_count() if node is not None else 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return len(Column)

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return False
        node = self.folder_node(parent)
        if node is None:
            return False
        if node.state in (LoadState.UNLOADED, LoadState.LOADING):
            return True
        return node.row_count() > 0

    def canFetchMore(self, parent: AnyIndex) -> bool:
        node = self.folder_node(parent)
        return node is not None and node.state == LoadState.UNLOADED and bool(self._bucket)

    def fetchMore(self, parent: AnyIndex) -> None:
        node = self.folder_node(parent)
        if node is not None and node.state == LoadState.UNLOADED and self._bucket:
            self._start_listing(node)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(Column):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[Column(section)]
            if role == Qt.ItemDataRole.TextAlignmentRole and section == Column.SIZE:
                return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        return self.cell_data(index.internalPointer(), index.row(), index.column(), role)

    def cell_data(self, node: FolderNode, row: int, column: int, role: int) -> Any:
        """The data of row `row` of folder `node`, without building a QModelIndex."""
        folder = node.folder_at(row)
        if folder is not None:
            return self._cells.folder(folder, column, role)
        obj = node.object_at(row)
        if obj < 0:
            return None
        return self._cells.object(node, obj, column, role)
