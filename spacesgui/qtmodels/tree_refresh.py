"""Auto-refresh for the object tree: re-list loaded folders and apply only the difference.

Rows that disappeared are removed, new ones inserted and changed ones repainted, so the
view keeps its selection, expansion and scroll position. Nothing is signalled when
nothing changed, so a periodic refresh never flickers.
"""

from __future__ import annotations

import logging
from array import array
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex

from spacesgui.core.errors import SpacesError
from spacesgui.core.folder_node import FolderNode, LoadState
from spacesgui.core.listing import ListingPage

if TYPE_CHECKING:
    from spacesgui.qtmodels.object_model import ObjectTreeModel

log = logging.getLogger(__name__)


def _carry_access(live: FolderNode, staging: FolderNode, new_index: dict[str, int]) -> None:
    """Keep what is known of each unchanged object's access (its ETag is the same), so a
    refresh that found other changes does not read every ACL on screen again."""
    access, etags = live.access, live.etags
    for i, name in enumerate(live.names):
        j = new_index.get(name)
        if access[i] and j is not None and staging.etags[j] == etags[i]:
            staging.access[j] = access[i]


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Group sorted rows into (first, last) runs, last run first (safe removal order)."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs[::-1]


class TreeRefresher:
    """Owned by ObjectTreeModel, whose rows it edits; GUI thread only."""

    def __init__(self, model: ObjectTreeModel) -> None:
        self._model = model
        self._refreshes: dict[int, tuple[FolderNode, FolderNode]] = {}

    def refresh(self, nodes: list[FolderNode] | None = None, *, automatic: bool = False) -> None:
        """Re-list `nodes` (default: the root) and apply what changed; failed folders reload.

        `automatic`: nobody asked for it (see ListingRequest.automatic)."""
        for node in nodes or [self._model._root]:
            if node.state == LoadState.FAILED:
                self._reload(node)
            elif node.state == LoadState.LOADED and not self.is_refreshing(node):
                request = self._model.listing_request(node, automatic=automatic)
                listing_id = self._model._browser.start_listing(request)
                self._refreshes[listing_id] = (node, FolderNode(node.prefix))

    def is_refreshing(self, node: FolderNode | None = None) -> bool:
        return any(node is None or live is node for live, _ in self._refreshes.values())

    def _reload(self, node: FolderNode) -> None:
        for child in node.folders:
            self._cancel_subtree(child)
        parent = self._model._index_of_node(node)
        if node.row_count():
            self._model.beginRemoveRows(parent, 0, node.row_count() - 1)
            node.clear()
            self._model.endRemoveRows()
        else:
            node.clear()
        self._model._start_listing(node)
        self._model.stats_changed.emit()

    def cancel(self) -> None:
        for listing_id in list(self._refreshes):
            self._model._browser.cancel_listing(listing_id)
        self._refreshes.clear()

    def on_page(self, listing_id: int, page: ListingPage) -> None:
        entry = self._refreshes.get(listing_id)
        if entry is not None:
            entry[1].append_page(page)

    def on_finished(self, listing_id: int) -> None:
        entry = self._refreshes.pop(listing_id, None)
        if entry is None:
            return
        live, staging = entry
        if (
            self._is_attached(live)
            and self._model.in_model(live)
            and self._apply_difference(live, staging)
            and live is self._model._root
        ):
            self._model.stats_changed.emit()

    def on_failed(self, listing_id: int, error: SpacesError) -> None:
        entry = self._refreshes.pop(listing_id, None)
        if entry is not None:
            log.warning(
                "refreshing s3://%s/%s failed: %s",
                self._model._bucket,
                entry[0].prefix,
                error.detail or error,
            )
            self._model.listing_failed.emit(entry[0].prefix, error)

    def _is_attached(self, node: FolderNode) -> bool:
        while node.parent is not None:
            if node not in node.parent.folders:
                return False
            node = node.parent
        return node is self._model._root

    def _remove_rows(self, parent: QModelIndex, rows: list[int], delete: Callable[[int, int], Any]) -> None:
        for first, last in _runs(rows):
            self._model.beginRemoveRows(parent, first, last)
            delete(first, last + 1)
            self._model.endRemoveRows()

    def _apply_difference(self, live: FolderNode, staging: FolderNode) -> bool:
        """Make `live` show what `staging` listed; return True if anything changed."""
        parent = self._model._index_of_node(live)
        changed = self._apply_folder_difference(live, staging, parent)
        changed = self._apply_object_difference(live, staging, parent) or changed
        if changed:
            self._model._apply_order(live, resort=True)
        return changed

    def _apply_folder_difference(self, live: FolderNode, staging: FolderNode, parent: QModelIndex) -> bool:
        new_prefixes = [f.prefix for f in staging.folders]
        wanted = set(new_prefixes)
        old = {f.prefix: f for f in live.folders}
        gone = [r for r, fi in enumerate(live.visible_folders) if live.folders[fi].prefix not in wanted]
        added = [p for p in new_prefixes if p not in old]
        turned = self._turn_folders(live, staging, old, parent)  # deleted ↔ live (a restore, say)
        if not gone and not added and len(old) == len(wanted):
            return turned
        deleted_prefixes = {f.prefix: f.only_deleted for f in staging.folders}
        for folder in live.folders:
            if folder.prefix not in wanted:
                self._cancel_subtree(folder)
        self._remove_rows(parent, gone, live.remove_visible_folders)
        kept = [f for f in live.folders if f.prefix in wanted]
        new_nodes = kept + [FolderNode(p, live) for p in added]
        position = {id(f): i for i, f in enumerate(new_nodes)}
        live.visible_folders = [position[id(live.folders[fi])] for fi in live.visible_folders]
        live.folder_order = [
            position[id(live.folders[fi])] for fi in live.folder_order if id(live.folders[fi]) in position
        ]
        live.folders = new_nodes
        for folder in new_nodes[len(kept) :]:
            folder.only_deleted = deleted_prefixes.get(folder.prefix, False)
        live.invalidate_rows()
        added_indices = list(range(len(kept), len(new_nodes)))
        shown = live.visible_folder_subset(added_indices, self._model._matcher)
        self._model.insert_rows(
            parent, live.folder_count(), len(shown), lambda: live.commit_folders(added_indices, shown)
        )
        return True

    def _turn_folders(
        self, live: FolderNode, staging: FolderNode, old: dict[str, FolderNode], parent: QModelIndex
    ) -> bool:
        """Mark the kept folders deleted or live as `staging` says; repaint the rows that turned."""
        turned = False
        for folder in staging.folders:
            kept = old.get(folder.prefix)
            if kept is not None and kept.only_deleted != folder.only_deleted:
                kept.only_deleted = folder.only_deleted
                turned = True
                row = live.row_of_folder(kept)
                if row >= 0:
                    first = self._model.index(row, 0, parent)
                    self._model.dataChanged.emit(first, first.siblingAtColumn(self._model.columnCount() - 1))
        return turned

    def _apply_object_difference(self, live: FolderNode, staging: FolderNode, parent: QModelIndex) -> bool:
        new_index = {name: i for i, name in enumerate(staging.names)}
        old_names = live.names
        kept_same = len(old_names) == len(staging.names) and all(
            (j := new_index.get(name)) is not None
            and live.sizes[i] == staging.sizes[j]
            and live.mtimes[i] == staging.mtimes[j]
            and live.etags[i] == staging.etags[j]
            and live.deleted[i] == staging.deleted[j]
            for i, name in enumerate(old_names)
        )
        if kept_same:
            return False
        offset = live.folder_count()
        gone = [offset + r for r, oi in enumerate(live.visible) if old_names[oi] not in new_index]
        visible = array("l", live.visible)  # a private copy: `order` may alias `visible`
        live.visible = visible
        self._remove_rows(parent, gone, lambda a, b: visible.__delitem__(slice(a - offset, b - offset)))
        # Same rows, now pointing at the new columns.
        live.visible = array("l", [new_index[old_names[i]] for i in visible])
        live.order = array("l", live.visible)
        old_set = set(old_names)
        added = [i for i, name in enumerate(staging.names) if name not in old_set]
        _carry_access(live, staging, new_index)
        live.replace_objects(staging)
        live.dirty = True
        if live.visible:
            first = self._model.index(offset, 0, parent)
            last = self._model.index(live.row_count() - 1, self._model.columnCount() - 1, parent)
            self._model.dataChanged.emit(first, last)
        shown = live.visible_subset(live.sorted_objects(self._model._spec, added), self._model._matcher)
        self._model.insert_rows(parent, live.row_count(), len(shown), lambda: live.visible.extend(shown))
        return True

    def _cancel_subtree(self, node: FolderNode) -> None:
        stack = [node]
        doomed: set[int] = set()
        while stack:
            current = stack.pop()
            doomed.add(id(current))
            stack.extend(current.folders)
        for listing_id, listed in list(self._model._listings.items()):
            if id(listed) in doomed:
                self._model._browser.cancel_listing(listing_id)
                del self._model._listings[listing_id]
        for pending in [n for n in self._model._pending_pages if id(n) in doomed]:
            del self._model._pending_pages[pending]
        for listing_id, (live, _) in list(self._refreshes.items()):
            if id(live) in doomed:
                self._model._browser.cancel_listing(listing_id)
                del self._refreshes[listing_id]
