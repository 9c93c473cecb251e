"""Where the space goes: totals per folder, per storage class, and of incomplete uploads.

One recursive listing of a Space (or a folder) feeds a `UsageTally` page by page, in any
order. It keeps a node per folder, never per object, so a million keys in a few thousand
folders stay small. `squarify` lays a folder's children out as a treemap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacesgui.core.listing import ListingPage, ObjectEntry
from spacesgui.core.versions import ObjectVersion


@dataclass(slots=True)
class FolderUsage:
    """A folder's totals at any depth below it; `own_*` count only the objects right in it."""

    name: str  # "photos/" for a folder, "" for the root of the scan
    prefix: str  # the full key prefix, ending in "/" (or the scan's root prefix)
    size: int = 0
    count: int = 0
    own_size: int = 0
    own_count: int = 0
    children: dict[str, FolderUsage] = field(default_factory=dict)

    def sorted_children(self) -> list[FolderUsage]:
        """Children biggest first (then by name), as the usage tree and the treemap show them."""
        return sorted(self.children.values(), key=lambda c: (-c.size, c.name))


@dataclass(frozen=True, slots=True)
class ClassUsage:
    storage_class: str
    count: int
    size: int


@dataclass(slots=True)
class VersionUsage:
    """What a versioned Space holds besides its current objects: older (noncurrent)
    versions, which take space and are billed, and delete markers, which take none."""

    noncurrent: int = 0
    noncurrent_size: int = 0
    delete_markers: int = 0

    def add(self, versions: Iterable[ObjectVersion]) -> None:
        for version in versions:
            if version.delete_marker:
                self.delete_markers += 1
            elif not version.is_latest:
                self.noncurrent += 1
                self.noncurrent_size += version.size


@dataclass(frozen=True, slots=True)
class IncompleteUsage:
    """Multipart uploads the server holds open: their parts take space until aborted."""

    uploads: int
    parts: int
    size: int


class UsageTally:
    """Totals of the objects under `prefix`, added one object at a time.

    Not thread-safe: one thread adds; another may read `count` and `size` (plain ints) for
    progress while it runs, and reads the tree only once adding has ended.
    """

    def __init__(self, prefix: str = "") -> None:
        self.root = FolderUsage("", prefix)
        self._classes: dict[str, list[int]] = {}

    @property
    def count(self) -> int:
        return self.root.count

    @property
    def size(self) -> int:
        return self.root.size

    def add(self, entry: ObjectEntry) -> None:
        """Count `entry` in its folder and every folder above it, up to the scan's root."""
        self._add(entry.key, entry.size, entry.storage_class)

    def add_page(self, page: ListingPage) -> None:
        """Count every object of a listing page (pages may come in any order)."""
        for key, size, storage_class in zip(page.keys, page.sizes, page.storage_classes, strict=True):
            self._add(key, size, storage_class)

    def _add(self, key: str, size: int, storage_class: str) -> None:
        node = self.root
        node.count += 1
        node.size += size
        rest = key[len(node.prefix) :] if key.startswith(node.prefix) else key
        start = 0
        while (slash := rest.find("/", start)) != -1:
            name = rest[start : slash + 1]
            child = node.children.get(name)
            if child is None:
                child = FolderUsage(name, node.prefix + name)
                node.children[name] = child
            node = child
            node.count += 1
            node.size += size
            start = slash + 1
        node.own_count += 1
        node.own_size += size
        totals = self._classes.setdefault(storage_class or "STANDARD", [0, 0])
        totals[0] += 1
        totals[1] += size

    def add_all(self, entries: Iterable[ObjectEntry]) -> None:
        for entry in entries:
            self.add(entry)

    def by_storage_class(self) -> list[ClassUsage]:
        """Totals per storage class, biggest first."""
        rows = [ClassUsage(name, c, s) for name, (c, s) in self._classes.items()]
        return sorted(rows, key=lambda r: (-r.size, r.storage_class))


def share_of(part: int, whole: int) -> float:
    """`part` as a fraction of `whole` (0 when the whole is empty)."""
    return part / whole if whole > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float


def squarify(sizes: Sequence[float], area: Rect) -> list[Rect]:
    """Lay out `sizes` (biggest first) as rectangles filling `area`, as square as can be.

    The squarified treemap of Bruls, Huizing and van Wijk (2000): fill rows along the
    shorter side while adding the next item makes the row's worst aspect ratio better.
    Zero and negative sizes get empty rectangles; the result has one Rect per size.
    """
    total = sum(s for s in sizes if s > 0)
    if total <= 0 or area.w <= 0 or area.h <= 0:
        return [Rect(area.x, area.y, 0.0, 0.0) for _ in sizes]
    scale = area.w * area.h / total
    areas = [max(s, 0.0) * scale for s in sizes]
    out: list[Rect] = []
    x, y, w, h = area.x, area.y, area.w, area.h
    i = 0
    while i < len(areas):
        if areas[i] <= 0:
            out.append(Rect(x, y, 0.0, 0.0))
            i += 1
            continue
        side = min(w, h)
        row = [areas[i]]
        j = i + 1
        while j < len(areas) and areas[j] > 0 and _worst([*row, areas[j]], side) <= _worst(row, side):
            row.append(areas[j])
            j += 1
        row_total = sum(row)
        thickness = row_total / side
        offset = 0.0
        for a in row:
            length = a / thickness
            if w >= h:  # a column on the left, items stacked down it
                out.append(Rect(x, y + offset, thickness, length))
            else:  # a row along the top, items side by side
                out.append(Rect(x + offset, y, length, thickness))
            offset += length
        if w >= h:
            x, w = x + thickness, w - thickness
        else:
            y, h = y + thickness, h - thickness
        i = j
    return out


def _worst(row: list[float], side: float) -> float:
    total = sum(row)
    biggest, smallest = max(row), min(row)
    return max(side * side * biggest / (total * total), (total * total) / (side * side * smallest))
