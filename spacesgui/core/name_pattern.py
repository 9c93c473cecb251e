"""What a name pattern typed by a person matches: the filter box and Find in Space alike.

Two wildcards, as in Finder and Explorer: `*` (any run of characters) and `?` (one
character); a pattern with either must match the whole name. Without them the text is
looked for anywhere in the name. `[` and `]` are plain characters: names such as
“photo [1].jpg” or “film [1080p].mkv” are common, and typing one must find it.

Case is ignored by Unicode case folding, so “STRASSE” finds “Straße.txt”.
"""

from __future__ import annotations

import re
from collections.abc import Callable

WILDCARDS = frozenset("*?")


def has_wildcards(text: str) -> bool:
    """Whether `text` is matched against whole names (it holds `*` or `?`)."""
    return any(ch in WILDCARDS for ch in text)


def name_matcher(text: str, *, in_any_folder: bool = False) -> Callable[[str], bool] | None:
    """A case-insensitive test on a name for `text` (stripped); None when `text` is empty.

    `in_any_folder`: the names are paths, and a wildcard pattern may match the part after
    any "/" as well as the whole path (“lisbon/*.png” finds “trips/lisbon/a.png”).
    """
    text = text.strip()
    if not text:
        return None
    folded = text.casefold()
    if has_wildcards(folded):
        start = "(?:.*/)?" if in_any_folder else ""
        compiled = re.compile(start + _wildcard_regex(folded), re.DOTALL)
        return lambda name: compiled.fullmatch(name.casefold()) is not None
    return lambda name: folded in name.casefold()


def _wildcard_regex(pattern: str) -> str:
    """`*` and `?` as regex, everything else literal (fnmatch would read `[…]` as a class)."""
    parts: list[str] = []
    for ch in pattern:
        if ch == "*":
            if not parts or parts[-1] != ".*":  # "**" is "*": no needless backtracking
                parts.append(".*")
        elif ch == "?":
            parts.append(".")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)
