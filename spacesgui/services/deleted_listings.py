"""What a folder's deleted files were at its last listing, for refreshes nobody asked for.

Listing a folder's deleted files (ListObjectVersions) reads every version of every key in
it: in a Space with a long history, many times the live listing. Auto-refresh (the timer,
the window coming back to the front) re-lists what is on screen every few seconds, and its
deleted files change only when a live file or folder goes away (a new delete marker) or
when someone removes versions for good (another tool; a refresh the user asks for, F5,
lists them again, and so does anything the app deletes or restores itself). So an
automatic refresh reuses a folder's last deleted pages when every live key and folder
listed beside them is still there; what came back to life since is taken out of them as
before (browser_service.live_only). Thread-safe: listings run on worker threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from spacesgui.core.listing import ListingPage

Folder = tuple[str, str, str]  # account id, Space, prefix
MAX_FOLDERS = 64  # remembered at once, the least recently used forgotten first
MAX_NAMES = 100_000  # live plus deleted names; a bigger folder is listed in full every time


@dataclass(frozen=True, slots=True)
class _Seen:
    live_folders: frozenset[str]
    live_keys: frozenset[str]
    deleted: tuple[ListingPage, ...]


class DeletedListings:
    """See the module docstring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: OrderedDict[Folder, _Seen] = OrderedDict()

    def reusable(
        self, folder: Folder, live_folders: set[str], live_keys: set[str]
    ) -> tuple[ListingPage, ...] | None:
        """The deleted pages last listed for `folder`, if nothing live then is gone now."""
        with self._lock:
            seen = self._seen.get(folder)
            if seen is None:
                return None
            if not (seen.live_folders <= live_folders and seen.live_keys <= live_keys):
                del self._seen[folder]  # something went away: it may be deleted now
                return None
            self._seen.move_to_end(folder)
            return seen.deleted

    @staticmethod
    def fits(names: int) -> bool:
        """Whether a folder of `names` live and deleted names is small enough to remember."""
        return names <= MAX_NAMES

    def remember(
        self, folder: Folder, live_folders: set[str], live_keys: set[str], deleted: list[ListingPage]
    ) -> None:
        """Keep a complete listing of `folder`'s deleted pages beside the live names it had."""
        names = len(live_folders) + len(live_keys) + sum(len(page) for page in deleted)
        with self._lock:
            self._seen.pop(folder, None)
            if not self.fits(names):
                return
            self._seen[folder] = _Seen(frozenset(live_folders), frozenset(live_keys), tuple(deleted))
            while len(self._seen) > MAX_FOLDERS:
                self._seen.popitem(last=False)

    def forget(self, folder: Folder) -> None:
        with self._lock:
            self._seen.pop(folder, None)
