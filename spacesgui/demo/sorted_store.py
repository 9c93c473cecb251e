"""A moto key store that keeps its visible key names sorted, so a listing page is cheap.

Why this exists: moto 5's `S3Backend.list_objects` walks every key of the bucket (through a
full copy of the store), sorts the matches and then skips to the continuation token, for
every page. With the demo's 100,000-key Space that is ~0.4 s per 1000-key page, so browsing
the demo would make spacesgui look slow. This store answers "the next N entries after X under
a prefix, rolled up at a delimiter" with a binary search instead. It is installed only on the
buckets the demo seeds (see `fast_listing`), never globally.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from typing import Any

from moto.s3.models import FakeKey
from moto.s3.utils import _VersionedKeyStore

_MAX_CODE_POINT = 0x10FFFF


def _successor(prefix: str) -> str | None:
    """Return the smallest string greater than every string that starts with `prefix`."""
    last = ord(prefix[-1])
    if last >= _MAX_CODE_POINT:
        return None
    return prefix[:-1] + chr(last + 1)


def _is_visible(versions: Any) -> bool:
    """Say whether a key's version list ends in a live object (not a delete marker)."""
    return bool(versions) and isinstance(versions[-1], FakeKey)


class SortedKeyStore(_VersionedKeyStore):
    """moto's versioned key store plus a sorted index of the names whose latest version is live.

    Every mutator moto uses (`__setitem__`, `setlist`, `pop`) updates the index in place
    (binary search + list insert/delete); the other dict mutators mark it stale and it is
    rebuilt on the next listing. Safe to use from moto's request threads and the seeding
    thread at once: all changes and listings take one lock.
    """

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.RLock()
        self._names: list[str] = []
        self._stale = False

    @classmethod
    def adopt(cls, old: dict[str, Any]) -> SortedKeyStore:
        """Return a new store holding the same version lists as `old` (a moto key store)."""
        store = cls()
        with store._lock:
            for name, versions in list(dict.items(old)):
                dict.__setitem__(store, name, versions)
            store._stale = True
        return store

    # -- moto's mutators -------------------------------------------------------------------

    def __setitem__(self, key: str, value: Any) -> None:
        with self._lock:
            super().__setitem__(key, value)
            self._sync(key)

    def setlist(self, key: Any, list_: Any) -> None:
        with self._lock:
            super().setlist(key, list_)
            self._sync(key)

    def pop(self, key: str) -> None:  # type: ignore[override]
        with self._lock:
            super().pop(key)
            self._sync(key)

    # -- plain dict mutators moto does not use; keep the index honest anyway -------------------

    def __delitem__(self, key: str) -> None:
        with self._lock:
            dict.__delitem__(self, key)
            self._sync(key)

    def clear(self) -> None:
        with self._lock:
            dict.clear(self)
            self._names = []
            self._stale = False

    def update(self, *args: Any, **kwargs: Any) -> None:
        with self._lock:
            dict.update(self, *args, **kwargs)
            self._stale = True

    def setdefault(self, key: str, default: Any = None) -> Any:
        with self._lock:
            result = dict.setdefault(self, key, default)
            self._stale = True
            return result

    def popitem(self) -> tuple[str, Any]:
        with self._lock:
            item = dict.popitem(self)
            self._stale = True
            return item

    def __ior__(self, other: Any) -> SortedKeyStore:  # type: ignore[misc]
        self.update(other)
        return self

    # -- bulk loading ----------------------------------------------------------------------

    def bulk_load(self, keys: list[FakeKey]) -> None:
        """Add many keys at once (replacing same-named ones), sorting the index only once."""
        with self._lock:
            for key in keys:
                for old in dict.get(self, key.name) or ():
                    if old is not key and hasattr(old, "dispose"):
                        old.dispose()
                dict.__setitem__(self, key.name, [key])
            self._stale = True
            self._index()

    # -- listing ---------------------------------------------------------------------------

    def page(
        self, prefix: str, delimiter: str, after: str | None, limit: int
    ) -> tuple[list[FakeKey | str], bool]:
        """Return up to `limit` entries after `after`, in S3 order, and whether more follow.

        Entries are live keys under `prefix` and, when `delimiter` is set, the common prefixes
        they roll up into ("folders"), merged in name order like ListObjectsV2. A folder that
        sorts at or before `after` is skipped whole, so paging never repeats one.
        """
        if limit <= 0:
            return [], False
        out: list[FakeKey | str] = []
        with self._lock:
            names = self._index()
            count = len(names)
            i = bisect_left(names, prefix) if prefix else 0
            if after is not None:
                i = max(i, bisect_right(names, after))
            start = len(prefix)
            while i < count and len(out) <= limit:
                name = names[i]
                if not name.startswith(prefix):
                    break
                cut = name.find(delimiter, start) if delimiter else -1
                if cut < 0:
                    out.append(dict.__getitem__(self, name)[-1])
                    i += 1
                    continue
                folder = name[: cut + len(delimiter)]
                i = self._skip(names, folder, i)
                if after is None or folder > after:
                    out.append(folder)
        return out[:limit], len(out) > limit

    # -- internals -------------------------------------------------------------------------

    def _index(self) -> list[str]:
        """Return the sorted visible names, rebuilding them first if a mutation left them stale."""
        if self._stale:
            self._names = sorted(name for name, versions in dict.items(self) if _is_visible(versions))
            self._stale = False
        return self._names

    def _sync(self, name: str) -> None:
        """Bring one name's index entry in line with the dict after a change to that name."""
        if self._stale:
            return
        names = self._names
        pos = bisect_left(names, name)
        present = pos < len(names) and names[pos] == name
        visible = _is_visible(dict.get(self, name))
        if visible and not present:
            names.insert(pos, name)
        elif present and not visible:
            del names[pos]

    @staticmethod
    def _skip(names: list[str], folder: str, i: int) -> int:
        """Return the index of the first name after `i` that does not start with `folder`."""
        upper = _successor(folder)
        if upper is not None:
            return bisect_left(names, upper, i)
        while i < len(names) and names[i].startswith(folder):
            i += 1
        return i
