"""Values that describe a bucket listing: buckets, objects and pages of results."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class BucketInfo:
    name: str
    created: float = 0.0  # POSIX timestamp; 0 when the server does not say


@dataclass(frozen=True, slots=True)
class ObjectEntry:
    """One object as a value, for code that handles a few objects at a time."""

    key: str
    size: int
    last_modified: float  # POSIX timestamp, UTC
    etag: str = ""
    storage_class: str = "STANDARD"


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """A row the user picked: an object (with what the listing said of it) or a folder prefix."""

    key: str
    is_folder: bool = False
    size: int = 0
    etag: str = ""
    last_modified: float = 0.0


@dataclass(slots=True)
class ListingPage:
    """One page of a delimited listing, kept in columns so 100,000 keys stay small.

    `folders` are full prefixes ("photos/2024/"); the object columns are parallel lists.
    A `deleted` page lists what a versioned Space keeps behind delete markers: objects
    whose newest version is a delete marker (with the size and date of the version a
    restore brings back) and folders that hold only such objects.
    """

    folders: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    mtimes: list[float] = field(default_factory=list)
    etags: list[str] = field(default_factory=list)
    storage_classes: list[str] = field(default_factory=list)
    deleted: bool = False

    def __len__(self) -> int:
        return len(self.folders) + len(self.keys)

    @classmethod
    def merged(cls, pages: list[ListingPage]) -> ListingPage:
        """One page holding the entries of `pages` (all of one kind: deleted or not), in order."""
        result = cls(deleted=bool(pages) and pages[0].deleted)
        for page in pages:
            result.folders.extend(page.folders)
            result.keys.extend(page.keys)
            result.sizes.extend(page.sizes)
            result.mtimes.extend(page.mtimes)
            result.etags.extend(page.etags)
            result.storage_classes.extend(page.storage_classes)
        return result

    def add_object(self, entry: ObjectEntry) -> None:
        self.keys.append(entry.key)
        self.sizes.append(entry.size)
        self.mtimes.append(entry.last_modified)
        self.etags.append(entry.etag)
        self.storage_classes.append(entry.storage_class)

    def objects(self) -> list[ObjectEntry]:
        return [
            ObjectEntry(k, s, m, e, c)
            for k, s, m, e, c in zip(
                self.keys, self.sizes, self.mtimes, self.etags, self.storage_classes, strict=True
            )
        ]
