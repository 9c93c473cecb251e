"""What a recursive search looks for, and the filter that picks matches out of listing pages.

Pure and fast: a search over a million keys runs every key through `SearchFilter.matches`
on a worker thread, so the per-key work is one compiled test, no object per key.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Any

from spacesgui.core.content_type import guess_content_type
from spacesgui.core.errors import InvalidInput
from spacesgui.core.keys import DELIMITER
from spacesgui.core.listing import ListingPage
from spacesgui.core.name_pattern import has_wildcards, name_matcher

# Matches kept in memory at most; beyond it the search goes on counting but keeps none,
# and the panel says "first 100,000 shown". About 150 bytes a match: 15 MB at the cap.
MAX_KEPT = 100_000


@dataclass(frozen=True, slots=True)
class SearchCriteria:
    """A search's terms; every given term must hold. Empty terms match everything.

    `pattern` is matched against the object's name (the last segment of its key), or
    against its path below the searched folder when the pattern holds a "/" (a wildcard
    pattern then matches from any folder down: "lisbon/*.png"). With `*`
    or `?` it must match the whole name, else it is a substring; both ignore case, and
    `[` is a plain character (core/name_pattern). `content_type` is judged from the name's extension (a
    listing does not carry Content-Type): "image/" or "image/*" matches every image,
    "image/png" only PNGs.
    """

    pattern: str = ""
    min_size: int | None = None
    max_size: int | None = None
    modified_after: float | None = None  # POSIX timestamp, inclusive
    modified_before: float | None = None  # POSIX timestamp, exclusive
    content_type: str = ""

    def problem(self) -> str:
        """Why these terms cannot match anything, in plain words; "" when they are fine."""
        if self.min_size is not None and self.min_size < 0:
            return "The smallest size cannot be below 0 bytes."
        if self.min_size is not None and self.max_size is not None and self.min_size > self.max_size:
            return "The smallest size is larger than the largest size."
        if (
            self.modified_after is not None
            and self.modified_before is not None
            and self.modified_after >= self.modified_before
        ):
            return "The “modified from” date is not before the “modified until” date."
        return ""

    def describe(self) -> str:
        """The terms in a few words, for the log and the panel ("name contains 'beach', ≥ 1 KB")."""
        parts = []
        if self.pattern:
            verb = "matches" if has_wildcards(self.pattern) else "contains"
            parts.append(f"name {verb} “{self.pattern}”")
        if self.min_size is not None:
            parts.append(f"at least {self.min_size:,} bytes")
        if self.max_size is not None:
            parts.append(f"at most {self.max_size:,} bytes")
        if self.modified_after is not None:
            parts.append(f"modified from {datetime.fromtimestamp(self.modified_after):%Y-%m-%d}")
        if self.modified_before is not None:
            parts.append(f"modified before {datetime.fromtimestamp(self.modified_before):%Y-%m-%d}")
        if self.content_type:
            parts.append(f"type {self.content_type} (by extension)")
        return ", ".join(parts) or "every object"


class HitColumn(Enum):
    """What search results can be sorted by: the result list's columns."""

    PATH = 0
    SIZE = 1
    MODIFIED = 2


@dataclass(slots=True)
class SearchHits:
    """Matches in columns (parallel lists), as ListingPage keeps objects: small at 100,000."""

    keys: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    mtimes: list[float] = field(default_factory=list)
    etags: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.keys)

    def extend(self, other: SearchHits) -> None:
        self.keys.extend(other.keys)
        self.sizes.extend(other.sizes)
        self.mtimes.extend(other.mtimes)
        self.etags.extend(other.etags)

    def delete(self, first: int, last: int) -> None:
        """Drop the hits `first` to `last`, both included."""
        for column in (self.keys, self.sizes, self.mtimes, self.etags):
            del column[first : last + 1]

    def take(self, count: int) -> SearchHits:
        """The first `count` hits, as a new value."""
        return SearchHits(self.keys[:count], self.sizes[:count], self.mtimes[:count], self.etags[:count])

    def order(self, column: HitColumn, descending: bool = False) -> list[int]:
        """The hits' positions sorted by `column` (paths regardless of case); ties keep their order.

        Hits already in this order followed by new ones sort in little more than one pass:
        Python's sort merges the runs it finds.
        """
        if column is HitColumn.SIZE:
            values: list[Any] = self.sizes
        elif column is HitColumn.MODIFIED:
            values = self.mtimes
        else:
            values = [key.casefold() for key in self.keys]
        return sorted(range(len(values)), key=values.__getitem__, reverse=descending)

    def reorder(self, positions: list[int]) -> None:
        """Put the hits in the order `positions` gives (a permutation of their positions)."""
        self.keys = [self.keys[i] for i in positions]
        self.sizes = [self.sizes[i] for i in positions]
        self.mtimes = [self.mtimes[i] for i in positions]
        self.etags = [self.etags[i] for i in positions]


def folder_hits(folders: list[str]) -> SearchHits:
    """Matches for folders: no size, date or ETag (a folder has none; the list shows blanks)."""
    count = len(folders)
    return SearchHits(list(folders), [0] * count, [0.0] * count, [""] * count)


class SearchFilter:
    """Picks the objects of listing pages that meet `criteria`, below the folder `prefix`.

    Folder placeholders (keys ending in "/") are folders, not files: never matched here;
    folders are found by core.search_folders, with `folder_test`.
    Thread-safe once built (it only reads, and a content-type cache of plain dict writes).
    """

    def __init__(self, criteria: SearchCriteria, prefix: str = "") -> None:
        self.criteria = criteria
        self._prefix_len = len(prefix)
        self._by_path = DELIMITER in criteria.pattern
        self._name_test = name_matcher(criteria.pattern, in_any_folder=self._by_path)
        wanted = criteria.content_type.strip().lower().rstrip("*")
        self._type_wanted = wanted
        self._types: dict[str, str] = {}  # extension → guessed type

    def matches(self, page: ListingPage) -> SearchHits:
        """The objects of `page` that match, in the page's order."""
        hits = SearchHits()
        c = self.criteria
        low = c.min_size if c.min_size is not None else -1
        high = c.max_size
        after, before = c.modified_after, c.modified_before
        name_test, type_wanted = self._name_test, self._type_wanted
        by_path, cut = self._by_path, self._prefix_len
        for i, key in enumerate(page.keys):
            if key.endswith(DELIMITER):
                continue
            size = page.sizes[i]
            if size < low or (high is not None and size > high):
                continue
            mtime = page.mtimes[i]
            if (after is not None and mtime < after) or (before is not None and mtime >= before):
                continue
            if name_test is not None:
                name = key[cut:] if by_path else key[key.rfind(DELIMITER) + 1 :]
                if not name_test(name):
                    continue
            if type_wanted and not self._type_of(key).startswith(type_wanted):
                continue
            hits.keys.append(key)
            hits.sizes.append(size)
            hits.mtimes.append(mtime)
            hits.etags.append(page.etags[i] if i < len(page.etags) else "")
        return hits

    def folder_test(self) -> Callable[[str], bool] | None:
        """The test a folder's own name must pass to be a match, or None when no folder can
        match: no name was given (every folder would), the name is a path ("lisbon/*" looks
        for files), or a size, date or type is asked for (a folder has none)."""
        c = self.criteria
        if self._by_path or c.min_size is not None or c.max_size is not None or c.content_type.strip():
            return None
        if c.modified_after is not None or c.modified_before is not None:
            return None
        return self._name_test

    def matches_folder(self, folder: str) -> bool:
        """Whether the folder `folder` (a key ending in "/") is a match by its own name."""
        test = self.folder_test()
        name = folder.rstrip(DELIMITER)
        return test is not None and test(name[name.rfind(DELIMITER) + 1 :])

    def matches_one(self, key: str, size: int, mtime: float) -> bool:
        """Whether one object meets the terms (a renamed result: does it still match?)."""
        return bool(self.matches(ListingPage(keys=[key], sizes=[size], mtimes=[mtime], etags=[""])))

    def _type_of(self, key: str) -> str:
        name = key[key.rfind(DELIMITER) + 1 :].lower()
        dot = name.rfind(".")
        extension = name[dot:] if dot > 0 else ""
        kind = self._types.get(extension)
        if kind is None:
            kind = guess_content_type(name, b"").lower() if extension else ""
            self._types[extension] = kind
        return kind


def parse_size(text: str, what: str) -> int | None:
    """A size typed by a person ("", "1500", "20 KB", "1.5 MiB") in bytes; None for empty.

    KB, MB, GB are powers of 1,000 (as the object view shows sizes), KiB, MiB, GiB of 1,024.
    Raises InvalidInput naming `what` for anything else.
    """
    cleaned = text.strip().replace(",", "").replace("_", "")
    if not cleaned:
        return None
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmgtp]?i?b?|bytes?)", cleaned, re.IGNORECASE)
    if match is None:
        raise InvalidInput(
            f"{what}: “{text}” is not a size. Type a number of bytes, or e.g. 20 KB or 1.5 MiB."
        )
    number, unit = float(match.group(1)), match.group(2).lower()
    unit = "" if unit.startswith("byte") else unit.rstrip("b")
    powers = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4, "p": 5}
    base = 1024 if unit.endswith("i") else 1000
    return int(number * base ** powers[unit.rstrip("i")])


def parse_day(text: str, what: str, *, end: bool = False) -> float | None:
    """A day typed as YYYY-MM-DD, as a local-time POSIX timestamp at its start ("" → None).

    `end` gives the start of the next day, so "until 2024-05-01" includes all of that day.
    """
    cleaned = text.strip()
    if not cleaned:
        return None
    try:
        day = date.fromisoformat(cleaned)
    except ValueError:
        raise InvalidInput(
            f"{what}: “{text}” is not a date. Type it as YYYY-MM-DD, e.g. 2024-05-01."
        ) from None
    if end:
        day += timedelta(days=1)
    return datetime.combine(day, time()).timestamp()
