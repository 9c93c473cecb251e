"""The folders a search finds: those whose own name matches, told from the keys listed.

S3 has no folders: a folder is the shared beginning of keys ("trips/lisbon/" of
"trips/lisbon/a.png"), or a placeholder key ending in "/". A search lists every key below
the searched folder, so each folder below it shows up in the keys, and one whose own name
matches the pattern is a match too ("lisbon" finds the folder "trips/lisbon/", as Finder
and Explorer find folders). Each folder is reported once per search, the first time a key
in it comes by. Pure, one thread: a search's worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from spacesgui.core.keys import DELIMITER


class MatchingFolders:
    """Picks, out of keys as a listing gives them, the folders below `prefix` whose name passes
    `name_test`, each once.

    Keys come mostly in key order, so most keys share the folder of the key before: that
    costs one comparison. A new folder costs one set lookup per folder level below `prefix`.
    Memory: one entry per folder seen (not per key).
    """

    def __init__(self, name_test: Callable[[str], bool], prefix: str = "") -> None:
        self._name_test = name_test
        self._cut = len(prefix)
        self._seen: set[str] = set()
        self._last_folder = ""

    def found_in(self, keys: Iterable[str]) -> list[str]:
        """The matching folders (keys ending in "/") first seen in `keys`, in the order met."""
        found: list[str] = []
        cut, seen, test = self._cut, self._seen, self._name_test
        for key in keys:
            end = key.rfind(DELIMITER)
            if end < cut:
                continue  # a file right in the searched folder
            folder = key[: end + 1]
            if folder == self._last_folder:
                continue
            self._last_folder = folder
            if folder in seen:
                continue
            start = cut
            while start <= end:  # each folder level from the searched folder down
                slash = key.index(DELIMITER, start)
                level = key[: slash + 1]
                if level not in seen:
                    seen.add(level)
                    name = key[start:slash]
                    if name and test(name):
                        found.append(level)
                start = slash + 1
        return found


__all__ = ["MatchingFolders"]
