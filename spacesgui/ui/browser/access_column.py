"""The object view's Access column (private / public / custom), read lazily for the rows on screen.

A folder of 100,000 files must stay instant, so nothing is read for a row until it is on
screen, and then at most ACCESS_READS requests at once. Rows that scroll away before
their turn are dropped from the queue; a read already sent finishes and is kept. What is
known lives in the folder's `access` column (one byte a file), so sorting by it sorts
what is known. A server without ACLs gets no file ACL request: the column says "—".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable

from PySide6.QtCore import QObject, QTimer

from spacesgui.core.access import AccessState
from spacesgui.core.errors import NotSupported, SpacesError
from spacesgui.core.folder_node import Column, FolderNode
from spacesgui.core.keys import parent
from spacesgui.core.transfers import Direction, Transfer
from spacesgui.services.access_service import AccessService
from spacesgui.ui.browser.object_view import ObjectView

# GetObjectAcl requests at once: a screenful (~30 rows) fills in a few round trips while
# the shared workers stay free for listings.
ACCESS_READS = 4
SETTLE_MS = 60  # scrolling settles this long before the rows on screen are read
NO_ACLS_NOTE = (
    "This server keeps no access lists (ACLs) for files: it decides for itself who may read "
    "them, so there is nothing to show here."
)


class AccessColumn(QObject):
    """Fills the Access column of `view` through `service`. GUI thread only.

    `spawn` runs a coroutine on the event loop (the window's: errors go to its banner).
    """

    def __init__(
        self, view: ObjectView, service: AccessService, spawn: Callable[[Awaitable[None]], object],
        parent: QObject | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self._view, self._service, self._spawn = view, service, spawn
        self._tree = view.flat.tree
        self._generation = 0  # a new location starts a new one; older reads are dropped
        self._place = ("", "")
        self._support: bool | None = None
        self._probing = False
        self._queue: list[tuple[FolderNode, int, str]] = []  # (folder, object index, name)
        self._recheck: list[tuple[FolderNode, int, str]] = []  # known, on screen, to read again (F5)
        self._in_flight: set[str] = set()
        self._stale: set[str] = set()  # keys forgotten while their read was under way
        self._readers = 0
        self.requested = 0  # reads sent since the location opened (for tests)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self._read_visible)
        flat = view.flat
        view.verticalScrollBar().valueChanged.connect(self.schedule)
        view.horizontalHeader().sectionResized.connect(self.schedule)
        for signal in (flat.rowsInserted, flat.rowsRemoved, flat.layoutChanged, flat.dataChanged):
            signal.connect(self.schedule)
        self._tree.modelReset.connect(self._on_tree_model_reset)
        service.object_access_changed.connect(self._on_service_object_access_changed)

    def schedule(self) -> None:
        """Read the rows on screen once scrolling settles."""
        if not self._timer.isActive():
            self._timer.start()

    # -- what to read -------------------------------------------------------
    def _read_visible(self) -> None:
        if not self._tree.bucket or not self._view.isVisible():
            return
        if self._view.isColumnHidden(Column.ACCESS):
            self._queue = []  # nothing shows it: read nothing
            return
        if self._support is None:
            if not self._probing:
                self._probing = True
                self._spawn(self._probe(self._generation))
            return
        if not self._support:
            return
        recheck, self._recheck = self._recheck, []
        self._queue = recheck + self._unknown_on_screen()
        while self._readers < ACCESS_READS and self._queue:
            self._readers += 1
            self._spawn(self._read(self._generation))

    def _unknown_on_screen(self) -> list[tuple[FolderNode, int, str]]:
        """Files on screen whose access is not known and not being read, top to bottom."""
        return [
            (node, obj, node.names[obj])
            for node, obj in self._files_on_screen()
            if not node.access[obj] and node.key_of(obj) not in self._in_flight
        ]

    def _files_on_screen(self) -> list[tuple[FolderNode, int]]:
        view, flat = self._view, self._view.flat
        rows = flat.rowCount()
        first = view.rowAt(0)
        if rows == 0 or first < 0 or view.isColumnHidden(Column.ACCESS):
            return []
        last = view.rowAt(view.viewport().height() - 1)
        last = rows - 1 if last < 0 else last
        files = []
        for row in range(first, last + 1):
            node, at = flat.locate(row)
            obj = node.object_at(at)
            if obj >= 0 and not node.deleted[obj]:  # a deleted file has no access to read
                files.append((node, obj))
        return files

    # -- reading ------------------------------------------------------------
    async def _probe(self, generation: int) -> None:
        account_id, bucket = self._place
        try:
            supported = await self._service.acl_support(account_id, bucket)
        except SpacesError:
            supported = None  # could not ask: F5 asks again
        finally:
            if generation == self._generation:
                self._probing = False
        if generation != self._generation or supported is None:
            return
        self._support = supported
        self._tree.set_access_note("" if supported else NO_ACLS_NOTE)
        if supported:
            self.schedule()

    async def _read(self, generation: int) -> None:
        account_id, bucket = self._place
        try:
            while self._queue and generation == self._generation:
                node, obj, name = self._queue.pop(0)
                key = node.prefix + name
                if key in self._in_flight:
                    continue
                self._in_flight.add(key)
                self.requested += 1
                try:
                    state = await self._service.object_state(account_id, bucket, key)
                except NotSupported:
                    if generation == self._generation:
                        self._support, self._queue = False, []
                        self._tree.set_access_note(NO_ACLS_NOTE)
                    return
                except SpacesError:
                    state = AccessState.UNREADABLE
                finally:
                    self._in_flight.discard(key)
                if generation != self._generation:
                    return
                if key in self._stale:  # changed while it was read: read it again
                    self._stale.discard(key)
                    self.schedule()
                    continue
                index = node.index_of_name(name, obj)
                if index >= 0:
                    self._tree.set_access(node, index, state)
        finally:
            if generation == self._generation:
                self._readers -= 1

    # -- forgetting ---------------------------------------------------------
    def forget_all(self) -> None:
        """Read every file's access again as it shows (F5: other tools may have changed it).

        Files on screen keep what they show until the new answer differs, so F5 does not
        blank the column; the others are forgotten and read when they come into view.
        """
        self._support = None  # ask again too (the store remembers: no request)
        self._stale |= self._in_flight
        on_screen = self._files_on_screen()
        keep = {(id(node), obj) for node, obj in on_screen}
        self._tree.forget_access([self._tree.root, *self._tree.loaded_folders()], keep)
        self._recheck = [(node, obj, node.names[obj]) for node, obj in on_screen if node.access[obj]]
        self.schedule()

    def forget(self, account_id: str, bucket: str, keys: Iterable[str]) -> None:
        """Read these files' access again (they were just changed), if they are in the open Space."""
        if (account_id, bucket) != self._place:
            return
        by_folder: dict[str, list[str]] = defaultdict(list)
        for key in keys:
            folder = parent(key)
            by_folder[folder].append(key[len(folder) :])
            if key in self._in_flight:
                self._stale.add(key)
        for prefix, names in by_folder.items():
            node = self._tree.node_at(prefix)
            if node is None:
                continue
            # One lookup table for a big batch (a folder made public); a scan for a few names.
            positions = {n: i for i, n in enumerate(node.names)} if len(names) > 8 else None
            for name in names:
                index = positions.get(name, -1) if positions is not None else node.index_of_name(name)
                if index >= 0:
                    self._tree.set_access(node, index, AccessState.UNKNOWN)
        self.schedule()

    def on_transfers_changed(self, transfers: list[Transfer]) -> None:
        """An access change (Make Public / Private) that finished: read its file again."""
        done: dict[tuple[str, str], list[str]] = defaultdict(list)
        for t in transfers:
            if t.direction == Direction.ACCESS and t.state.finished:
                done[(t.account_id, t.bucket)].append(t.key)
        for (account_id, bucket), keys in done.items():
            self.forget(account_id, bucket, keys)

    def _on_service_object_access_changed(self, account_id: str, bucket: str, keys: frozenset[str]) -> None:
        self.forget(account_id, bucket, keys)

    def _on_tree_model_reset(self) -> None:
        self._generation += 1
        self._place = (self._tree.account_id, self._tree.bucket)
        self._support = None
        self._probing = False
        self._queue, self._recheck = [], []
        self._in_flight.clear()
        self._stale.clear()
        self._readers = 0
        self.requested = 0
        self.schedule()
