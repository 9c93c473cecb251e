"""One folder of the object tree: its children in columns, sorted and filtered.

Objects are stored column-wise (names, sizes, times, ETags, storage classes, access) rather
than as one Python object each, which keeps a 100,000-key folder to a couple of
hundred bytes a key. A node keeps two orders over its objects: `order` (all objects,
sorted) and `visible` (the subset that passes the filter). Rows put visible folders
first, then visible objects. Pure Python; the Qt model wraps it.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum, IntEnum
from typing import Any

from spacesgui.core.access import sort_rank
from spacesgui.core.filetypes import type_label
from spacesgui.core.keys import basename
from spacesgui.core.listing import ListingPage

STORAGE_CLASSES: list[str] = ["STANDARD"]
_CLASS_INDEX: dict[str, int] = {"STANDARD": 0}


def storage_class_index(name: str) -> int:
    index = _CLASS_INDEX.get(name)
    if index is None and len(STORAGE_CLASSES) < 255:
        index = _CLASS_INDEX[name] = len(STORAGE_CLASSES)
        STORAGE_CLASSES.append(name)
    return index or 0


class Column(IntEnum):
    NAME = 0
    SIZE = 1
    MODIFIED = 2
    TYPE = 3
    STORAGE_CLASS = 4
    ACCESS = 5  # private / public / custom, read lazily for the rows on screen


class LoadState(Enum):
    UNLOADED = "unloaded"
    LOADING = "loading"
    LOADED = "loaded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SortSpec:
    column: Column = Column.NAME
    descending: bool = False


class FolderNode:
    """A folder prefix and, once listed, its child folders and objects."""

    __slots__ = (
        "__weakref__", "_folder_rows", "_name_order", "access", "classes", "deleted", "dirty", "error",
        "etags", "folder_order", "folders", "mtimes", "name", "names", "only_deleted", "order", "parent",
        "prefix", "sizes", "state", "visible", "visible_folders",
    )  # fmt: skip

    def __init__(self, prefix: str, parent: FolderNode | None = None) -> None:
        self.prefix = prefix
        self.parent = parent
        self.name = basename(prefix) if prefix else ""
        self.state = LoadState.UNLOADED
        self.error: Any = None
        self.dirty = False  # rows were appended out of order; a re-sort is due
        self.only_deleted = False  # a folder that holds only deleted objects (shown on request)
        self.folders: list[FolderNode] = []
        self.folder_order: list[int] = []  # all folders, sorted
        self.visible_folders: list[int] = []  # folders that pass the filter, sorted
        self._folder_rows: dict[int, int] | None = None
        self.names: list[str] = []
        self.sizes = array("q")
        self.mtimes = array("d")
        self.etags: list[str] = []
        self.classes = bytearray()
        self.access = bytearray()  # an AccessState per object; 0 (unknown) until read
        self.deleted = bytearray()  # 1 for an object whose newest version is a delete marker
        self.order = array("l")  # all objects, sorted
        self.visible = self.order  # objects that pass the filter, sorted
        self._name_order: array[int] | None = None

    # -- rows ---------------------------------------------------------------
    def row_count(self) -> int:
        return len(self.visible_folders) + len(self.visible)

    def folder_count(self) -> int:
        return len(self.visible_folders)

    def folder_at(self, row: int) -> FolderNode | None:
        if 0 <= row < len(self.visible_folders):
            return self.folders[self.visible_folders[row]]
        return None

    def object_at(self, row: int) -> int:
        """Return the column index of the object shown at `row` (-1 for a folder row)."""
        row -= len(self.visible_folders)
        return self.visible[row] if 0 <= row < len(self.visible) else -1

    def row_of_folder(self, child: FolderNode) -> int:
        if self._folder_rows is None:
            position = {id(f): i for i, f in enumerate(self.folders)}
            self._folder_rows = {
                position[id(self.folders[fi])]: row for row, fi in enumerate(self.visible_folders)
            }
        for index, folder in enumerate(self.folders):
            if folder is child:
                return self._folder_rows.get(index, -1)
        return -1

    def key_of(self, index: int) -> str:
        return self.prefix + self.names[index]

    def index_of_name(self, name: str, hint: int = -1) -> int:
        """The column index of the object called `name` (-1 if none); `hint` is checked first."""
        names = self.names
        if 0 <= hint < len(names) and names[hint] == name:
            return hint
        try:
            return names.index(name)
        except ValueError:
            return -1

    def total_size(self) -> int:
        return sum(self.sizes)

    # -- filling ------------------------------------------------------------
    def append_page(self, page: ListingPage) -> tuple[list[FolderNode], list[int]]:
        """Store a page's entries (not yet visible); return the new folders and object indices."""
        known = {f.prefix for f in self.folders} if page.folders else set()
        new_folders = [FolderNode(p, self) for p in page.folders if p not in known and p != self.prefix]
        for folder in new_folders:
            folder.only_deleted = page.deleted
        self.folders.extend(new_folders)
        start = len(self.names)
        cut = len(self.prefix)
        self.names.extend(key[cut:] for key in page.keys)
        self.sizes.extend(page.sizes)
        self.mtimes.extend(page.mtimes)
        self.etags.extend(page.etags)
        self.classes.extend(storage_class_index(c) for c in page.storage_classes)
        self.access.extend(bytes(len(page.keys)))
        self.deleted.extend((b"\x01" if page.deleted else b"\x00") * len(page.keys))
        self._name_order = None
        return new_folders, list(range(start, len(self.names)))

    def clear(self) -> None:
        only_deleted = self.only_deleted  # what this folder is, not what it holds
        self.__init__(self.prefix, self.parent)  # type: ignore[misc]
        self.only_deleted = only_deleted

    # -- sort keys ----------------------------------------------------------
    def entries(self) -> list[str]:
        """File names and child folder prefixes (ending in "/"), as name checks take them."""
        return [*self.names, *(f.prefix for f in self.folders)]

    def object_sort_key(self, column: Column) -> Callable[[int], Any]:
        names = self.names
        if column == Column.SIZE:
            return self.sizes.__getitem__
        if column == Column.MODIFIED:
            return self.mtimes.__getitem__
        if column == Column.TYPE:
            return lambda i: type_label(names[i])
        if column == Column.STORAGE_CLASS:
            return self.classes.__getitem__
        if column == Column.ACCESS:
            access = self.access
            return lambda i: sort_rank(access[i])
        return lambda i: names[i].casefold()

    def folder_sort_key(self) -> Callable[[int], str]:
        folders = self.folders
        return lambda i: folders[i].name.casefold()

    def name_order(self) -> array[int]:
        """Objects in name order; the base that other columns sort stably on top of."""
        if self._name_order is None or len(self._name_order) != len(self.names):
            self._name_order = array(
                "l", sorted(range(len(self.names)), key=self.object_sort_key(Column.NAME))
            )
        return self._name_order

    def sorted_objects(self, spec: SortSpec, indices: Iterable[int] | None = None) -> list[int]:
        if indices is None:
            if spec.column == Column.NAME:
                base = self.name_order()
                return list(reversed(base)) if spec.descending else list(base)
            indices = self.name_order()
        return sorted(indices, key=self.object_sort_key(spec.column), reverse=spec.descending)

    def sorted_folders(self, spec: SortSpec, indices: Iterable[int] | None = None) -> list[int]:
        descending = spec.descending and spec.column == Column.NAME
        pool = range(len(self.folders)) if indices is None else indices
        return sorted(pool, key=self.folder_sort_key(), reverse=descending)

    def extends_order(self, spec: SortSpec, new_objects: list[int]) -> bool:
        """True when `new_objects`, sorted, all belong after the current order (appendable)."""
        if not self.order or not new_objects:
            return True
        if spec.column != Column.NAME:
            return False  # ties there are broken by name, which appending cannot promise
        key = self.object_sort_key(spec.column)
        last, first = key(self.order[-1]), key(new_objects[0])
        return bool(first > last) if not spec.descending else bool(first < last)

    def extends_folder_order(self, spec: SortSpec, new_folders: list[int]) -> bool:
        if not self.folder_order or not new_folders:
            return True
        key = self.folder_sort_key()
        last, first = key(self.folder_order[-1]), key(new_folders[0])
        return first > last if not (spec.descending and spec.column == Column.NAME) else first < last

    # -- visibility ---------------------------------------------------------
    def set_orders(
        self,
        folders: list[int],
        objects: Iterable[int],
        matcher: Callable[[str], bool] | None,
        *,
        sorted_now: bool = True,
    ) -> None:
        """Install a new order and filter; the caller tells the view.

        `sorted_now=False` (a re-filter of the current order) keeps a pending re-sort due.
        """
        self.folder_order = folders
        self.order = objects if isinstance(objects, array) else array("l", objects)
        self.visible_folders = self.visible_folder_subset(folders, matcher)
        names = self.names
        self.visible = (
            self.order if matcher is None else array("l", [i for i in self.order if matcher(names[i])])
        )
        self._folder_rows = None
        if sorted_now:
            self.dirty = False

    def visible_subset(self, objects: list[int], matcher: Callable[[str], bool] | None) -> list[int]:
        if matcher is None:
            return objects
        names = self.names
        return [i for i in objects if matcher(names[i])]

    def visible_folder_subset(self, folders: list[int], matcher: Callable[[str], bool] | None) -> list[int]:
        """Folders that pass the filter: by name, or because rows inside them still show.

        The second rule lets a filter find files in open folders; it needs the folders
        below to be filtered first (the model goes deepest first).
        """
        if matcher is None:
            return list(folders)
        return [
            i
            for i in folders
            if matcher((f := self.folders[i]).name) or (f.state == LoadState.LOADED and f.row_count() > 0)
        ]

    def commit_folders(self, ordered: list[int], shown: list[int]) -> None:
        """Append folders to the order and `shown` to the rows (between begin/endInsertRows)."""
        self.folder_order.extend(ordered)
        self.visible_folders.extend(shown)
        self._folder_rows = None

    def commit_objects(self, ordered: list[int], shown: list[int]) -> None:
        """Append objects to the order and `shown` to the rows (between begin/endInsertRows)."""
        if self.visible is self.order and shown is not ordered:
            # A filter is on but this node never had one applied: stop sharing the array.
            self.visible = array("l", self.order)
        self.order.extend(ordered)
        if self.visible is not self.order:
            self.visible.extend(shown)

    def invalidate_rows(self) -> None:
        self._folder_rows = None

    def remove_visible_folders(self, first: int, stop: int) -> None:
        """Drop folder rows [first, stop) (between begin/endRemoveRows)."""
        del self.visible_folders[first:stop]
        self._folder_rows = None

    def replace_objects(self, other: FolderNode) -> None:
        """Take `other`'s object columns; the caller remaps `order` and `visible`."""
        self.names, self.sizes, self.mtimes = other.names, other.sizes, other.mtimes
        self.etags, self.classes, self.access = other.etags, other.classes, other.access
        self.deleted = other.deleted
        self._name_order = None
