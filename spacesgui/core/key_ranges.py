"""Where to split a key range so that its pieces can be listed at once (pure).

A listing is cut into pieces `(after, upto]`: each piece is listed with StartAfter=`after`
and stops at the first name past `upto`. Correctness never depends on where the cuts
fall (every name lands in exactly one piece whatever the cuts); only speed does. So the
cuts are guesses, made from the names a page just returned: the names are read as
numbers in the base of the characters seen so far, and a cut is put every "one page's
worth" of that number line past the last name (or evenly, in a bounded piece). A piece
whose guess was too wide proves dense (its page is truncated) and is split again.

S3 orders names by their UTF-8 bytes, which is the order of Python's `str` comparison
(code points), so plain string comparison is used throughout.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

# Characters of resolution past the first place where a page's first and last names
# differ: 4 places of a ~20-letter alphabet cut a page's span into ~160,000 steps.
RESOLUTION = 4
# Never look deeper than this into a name; a cut is a guess, not a key.
MAX_DEPTH = 64


def split_points(
    prefix: str, last: str, upto: str | None, sample: Sequence[str], count: int, *, spread: bool = False
) -> list[str]:
    """Up to `count` increasing names strictly between `last` and `upto` (None: no end).

    `sample` is the names of the page just listed (any order), `last` the greatest name
    listed so far in the piece, and every name starts with `prefix`. With no end the cuts
    are one page's worth apart (the span of `sample`), or with `spread` 1, 3, 7, 15… pages'
    worth past `last` (each piece twice as wide as the one before: a few requests reach far
    into a range of unknown length, for a consumer that takes pages in any order); within
    an end, evenly spread, and no more of them than the pages the rest would take at the
    sample's density.
    """
    if count <= 0:
        return []
    start = len(prefix)
    names = [name for name in sample if name.startswith(prefix)]
    first = min(names, default=last)
    depth = _first_difference(first, last) - start + RESOLUTION
    if upto is not None:
        depth = max(depth, _first_difference(last, upto) - start + RESOLUTION)
    depth = max(RESOLUTION, min(depth, MAX_DEPTH))
    places = _places([*names, last, upto or ""], start, depth, frontier=last if upto is None else None)
    if not any(places):
        return []
    low = _value(last, start, places)
    high = _value(upto, start, places) if upto is not None else _end(places)
    room = high - low
    if room <= 1:
        return []
    span = low - _value(first, start, places)
    if upto is not None and span > 0:
        # As many pieces as the rest would take pages like this one, if fewer: a piece
        # costs a request, however few names it holds.
        count = min(count, -(-room // span) - 1)
        if count <= 0:
            return []
    step = span if upto is None and span > 0 else room // (count + 1)
    step = max(1, step)
    cuts: list[str] = []
    for index in range(1, count + 1):
        value = low + step * ((2**index - 1) if spread and upto is None else index)
        if value >= high:
            break
        name = prefix + _name(value, places)
        if name > (cuts[-1] if cuts else last) and (upto is None or name < upto):
            cuts.append(name)
    return _without_guessed_gaps(cuts, names, start)


def _without_guessed_gaps(cuts: list[str], names: Sequence[str], start: int) -> list[str]:
    """`cuts` less those just before a carry into a shorter cut that only a guessed letter reached.

    A place that varied in the sample and was at its top is guessed to go on (a day's
    tens 0-1 seen, 2-3 guessed), so a cut such as "…-01-36T0" may lie in a gap: if the
    next cut is the carry ("…-02"), both pieces would start at the same name.
    """
    seen: dict[int, tuple[str, str]] = {}
    for name in names:
        for index in range(start, len(name)):
            low, high = seen.get(index, (name[index], name[index]))
            seen[index] = (min(low, name[index]), max(high, name[index]))
    kept = []
    for cut, following in zip(cuts, [*cuts[1:], None], strict=False):
        if following is not None and len(following) < len(cut):
            guessed = any(
                index in seen and seen[index][0] != seen[index][1] and cut[index] > seen[index][1]
                for index in range(len(following), len(cut))
            )
            if guessed:
                continue
        kept.append(cut)
    return kept


_CLASSES = (
    "0123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
)


def _places(names: Sequence[str], start: int, depth: int, *, frontier: str | None) -> list[list[str]]:
    """Each place's alphabet: the letters seen there; at a place that never changed, its whole class.

    Per place, so that a counter such as `file-000999` carries into `file-001000` (the
    thousands place showed only "0": it may hold any digit) rather than into letters
    nobody uses there; and a place that did vary keeps the range it showed (hex stays
    0-9a-f, a day's tens 0-3), so that cuts do not land in gaps no name can fill. With no
    end, a place at which the last name (`frontier`) holds the highest letter seen is
    still climbing: its range is doubled upwards.
    """
    seen: list[set[str]] = [set() for _ in range(depth)]
    for name in names:
        for offset, letter in enumerate(name[start : start + depth]):
            seen[offset].add(letter)
    everything = set().union(*seen)
    places = []
    for offset, letters in enumerate(seen):
        index = start + offset
        at_top = (
            frontier is not None and index < len(frontier) and frontier[index] == max(letters, default="")
        )
        letters = set(letters or everything)  # past every name seen: any letter seen anywhere
        constant = len(letters) == 1
        for cls in _CLASSES:
            used = sorted(letters & set(cls))
            if used:
                # A place that never changed may hold any letter of its class; one that
                # did, the letters of its class from its lowest to its highest.
                # With no end, a place whose last name holds its highest letter goes on
                # past it: by as many letters again as it showed.
                low, high = cls.index(used[0]), cls.index(used[-1]) + 1
                if at_top:
                    high = min(len(cls), high + (high - low))
                letters |= set(cls if constant else cls[low:high])
        # Beyond ASCII there are no classes to close over: guess that names go on counting
        # past the highest letter seen (CJK, emoji), as many letters again.
        wide = sorted(c for c in letters if ord(c) > 0x7F)
        if wide:
            top = ord(wide[-1])
            letters |= {chr(code) for code in range(top + 1, min(top + 1 + len(wide), 0xD800))}
        places.append(sorted(letters))
    return places


def _end(places: Sequence[Sequence[str]]) -> int:
    value = 1
    for alphabet in places:
        value *= len(alphabet) + 1
    return value


def _first_difference(a: str, b: str) -> int:
    """The index of the first character where `a` and `b` differ (the shorter's length if none)."""
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return index
    return min(len(a), len(b))


def _value(name: str, start: int, places: Sequence[Sequence[str]]) -> int:
    """`name` from `start` on as a mixed-radix number: digit 0 is "ended", d is alphabet[d - 1]."""
    value = 0
    for offset, alphabet in enumerate(places):
        index = start + offset
        digit = 0
        if index < len(name):
            rank = bisect_left(alphabet, name[index])
            exact = rank < len(alphabet) and alphabet[rank] == name[index]
            digit = rank + 1 if exact else rank  # a letter not in the alphabet: the one below it
        value = value * (len(alphabet) + 1) + digit
    return value


def _name(value: int, places: Sequence[Sequence[str]]) -> str:
    digits = []
    for alphabet in reversed(places):
        value, digit = divmod(value, len(alphabet) + 1)
        digits.append(digit)
    letters = []
    for alphabet, digit in zip(places, reversed(digits), strict=True):
        if digit == 0:  # the name ends here (whatever the smaller digits say: a lower cut)
            break
        letters.append(alphabet[digit - 1])
    return "".join(letters)
