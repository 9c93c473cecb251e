"""Deleted files of a versioned Space, as data: which keys a listing of versions shows deleted,
and which delete markers a restore removes.

A key is deleted when its newest version is a delete marker. It can be brought back when a
version with bytes lies below the marker(s): deleting every delete marker newer than that
version makes it the current one again ("undelete"). A key with only delete markers left
has nothing to bring back, so it is not shown as deleted. Pure Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from spacesgui.core.listing import ObjectEntry
from spacesgui.core.versions import ObjectVersion

DELETED_LABEL = "Deleted"  # the Access cell of a deleted row: said in words, not only in grey
DELETED_TIP = "Deleted: a delete marker hides this file. Restore brings it back."
DELETED_FOLDER_TIP = "Deleted: every file in this folder is behind a delete marker."


@dataclass(slots=True)
class _KeyState:
    key: str
    latest_is_marker: bool = False
    newest: ObjectVersion | None = None  # the newest version with bytes


@dataclass(slots=True)
class DeletedCollector:
    """Turns ListObjectVersions pages into the deleted objects among them, key by key.

    Pages come in key order, and a key's versions may straddle two pages: a key is judged
    once the next key begins (or at `finish`).
    """

    storage_classes: dict[tuple[str, str], str] = field(default_factory=dict)  # (key, version) → class
    _current: _KeyState | None = None

    def add(self, versions: Iterable[ObjectVersion]) -> list[ObjectEntry]:
        """Take one page's versions and delete markers; return the keys judged deleted so far."""
        done: list[ObjectEntry] = []
        for version in sorted(versions, key=lambda v: (v.key, not v.is_latest, -v.last_modified)):
            current = self._current
            if current is None or current.key != version.key:
                if current is not None and (entry := self._judge(current)) is not None:
                    done.append(entry)
                current = self._current = _KeyState(version.key)
            if version.is_latest:
                current.latest_is_marker = version.delete_marker
            if not version.delete_marker and (
                current.newest is None or version.last_modified > current.newest.last_modified
            ):
                current.newest = version
        return done

    def finish(self) -> list[ObjectEntry]:
        """The last key's verdict, once the listing has ended."""
        current, self._current = self._current, None
        entry = self._judge(current) if current is not None else None
        return [entry] if entry is not None else []

    def _judge(self, state: _KeyState) -> ObjectEntry | None:
        newest = state.newest
        if not state.latest_is_marker or newest is None:
            return None
        storage = self.storage_classes.get((newest.key, newest.version_id), "STANDARD")
        etag = f'"{newest.etag}"' if newest.etag else ""  # as a listing gives it
        return ObjectEntry(newest.key, newest.size, newest.last_modified, etag, storage)


def markers_to_remove(versions: Iterable[ObjectVersion]) -> list[ObjectVersion]:
    """The delete markers to delete so every deleted key among `versions` is back.

    Per key whose newest version is a delete marker: that marker, and every marker newer
    than the newest version with bytes. Keys that are not deleted, or have no bytes left,
    are left alone. A marker from the same second as those bytes (servers keep whole
    seconds) may lie above or below them: it is left out here (see `tied_keys`).
    """
    doomed: list[ObjectVersion] = []
    for found in _deleted_with_bytes(versions):
        newest = max(v.last_modified for v in found if not v.delete_marker)
        doomed += [v for v in found if v.delete_marker and (v.is_latest or v.last_modified > newest)]
    return doomed


def tied_keys(versions: Iterable[ObjectVersion]) -> dict[str, int]:
    """The deleted keys with markers from the same second as their newest bytes, and how many.

    The listing cannot say whether such a marker is above the bytes (boto3 gives versions
    and markers as two lists), so a restore deletes them only while they are the key's
    current version, listed again: the server's own newest-first order.
    """
    tied: dict[str, int] = {}
    for found in _deleted_with_bytes(versions):
        newest = max(v.last_modified for v in found if not v.delete_marker)
        count = sum(1 for v in found if v.delete_marker and not v.is_latest and v.last_modified == newest)
        if count:
            tied[found[0].key] = count
    return tied


def _deleted_with_bytes(versions: Iterable[ObjectVersion]) -> Iterator[list[ObjectVersion]]:
    """Each key whose newest version is a delete marker and that has bytes below it, in key order."""
    by_key: dict[str, list[ObjectVersion]] = {}
    for version in versions:
        by_key.setdefault(version.key, []).append(version)
    for key in sorted(by_key):
        found = by_key[key]
        if any(v.is_latest and v.delete_marker for v in found) and any(not v.delete_marker for v in found):
            yield found
