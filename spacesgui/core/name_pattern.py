"""What a name pattern typed by a person matches: the filter box and Find in Space alike.

Two wildcards, as in Finder and Explorer: `*` (any run of characters) and `?` (one
character); a pattern with either must match the whole name. Without them the text is
looked for anywhere in the name. `[` and `]` are plain characters: names such as
“photo [1].jpg” or “film [1080p].mkv” are common, and typing one must find it.

Case is ignored by Unicode case folding, so “STRASSE” finds “Straße.txt”.
"""

from __future__ import annotations

import fnmatch
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
        # fnmatch's translation keeps "*a*a*a*b" from backtracking without end over a long
        # name (the filter runs on the GUI thread); "[" made "[[]" is a literal bracket.
        compiled = re.compile(start + fnmatch.translate(folded.replace("[", "[[]")), re.DOTALL)
        return lambda name: compiled.match(name.casefold()) is not None
    return lambda name: folded in name.casefold()
