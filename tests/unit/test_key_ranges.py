"""Where a listing's key range is cut into pieces: guesses that must always be valid cuts."""

from __future__ import annotations

import bisect
import itertools
import random
from datetime import datetime, timedelta

import pytest

from spacesgui.core.key_ranges import split_points


def _counts(keys: list[str], cuts: list[str]) -> list[int]:
    """How many of `keys` fall in each piece between successive cuts."""
    positions = [bisect.bisect_right(keys, cut) for cut in cuts]
    return [b - a for a, b in itertools.pairwise(positions)]


def test_a_numbered_folder_is_cut_about_a_page_apart_past_the_first_page() -> None:
    keys = [f"flat/file-{i:06d}.bin" for i in range(100_000)]
    cuts = split_points("flat/", keys[999], None, keys[:1000], 15)
    assert len(cuts) == 15
    assert bisect.bisect_right(keys, cuts[0]) > 1000  # past the page already listed
    # Every piece holds some keys and none holds more than two pages: no round trip wasted.
    assert all(0 < count <= 2000 for count in _counts(keys, cuts))


def test_spread_cuts_widen_twofold_so_a_few_pieces_reach_far_into_an_open_range() -> None:
    keys = [f"flat/file-{i:06d}.bin" for i in range(100_000)]
    cuts = split_points("flat/", keys[999], None, keys[:1000], 6, spread=True)
    starts = [bisect.bisect_right(keys, cut) for cut in cuts]
    assert starts == sorted(starts)
    # About 1, 3, 7, 15, 31, 63 pages past the first page: each piece twice the one before.
    for index, start in enumerate(starts, 1):
        pages = (start - 1000) / 1000
        assert 0.5 * (2**index - 1) <= pages <= 1.5 * (2**index - 1), (index, pages)


def test_cuts_are_increasing_and_strictly_between_the_bounds() -> None:
    rng = random.Random(7)
    letters = "aZ09-_./ üé#?%+&"
    for _ in range(300):
        sample = sorted({"p/" + "".join(rng.choices(letters, k=rng.randint(1, 12))) for _ in range(20)})
        last = sample[-1]
        upto = None if rng.random() < 0.5 else last + "".join(rng.choices(letters, k=rng.randint(1, 6)))
        cuts = split_points("p/", last, upto, sample, rng.randint(1, 20))
        assert cuts == sorted(set(cuts))
        assert all(cut > last for cut in cuts)
        assert all(cut < upto for cut in cuts) if upto is not None else True
        assert all(cut.startswith("p/") for cut in cuts)


def test_a_bounded_range_is_cut_evenly() -> None:
    keys = [f"p/{i:05d}" for i in range(10_000)]
    cuts = split_points("p/", keys[1000], keys[9000], keys[:1001], 7)
    counts = _counts(keys, [keys[1000], *cuts, keys[9000]])
    assert len(counts) == 8
    assert min(counts) > 500  # 8,000 keys in 8 pieces of roughly 1,000


@pytest.mark.parametrize("count", [0, -1])
def test_no_cut_is_asked_for(count: int) -> None:
    assert split_points("", "a", None, ["a"], count) == []


def test_no_room_between_neighbours_gives_no_cut() -> None:
    assert split_points("", "a", "a\x00", ["a"], 5) == []


def test_unicode_names_are_cut_in_code_point_order_as_s3_orders_utf8_bytes() -> None:
    keys = sorted(f"ü/{chr(0x4E00 + i)}{j}" for i in range(50) for j in range(20))
    cuts = split_points("ü/", keys[99], None, keys[:100], 5)
    assert cuts
    assert all(cut > keys[99] for cut in cuts)
    assert sorted(c.encode() for c in cuts) == [c.encode() for c in cuts]


def test_no_cut_in_a_gap_only_a_guessed_letter_reaches_before_a_carry() -> None:
    """Timestamps: a page of January 1st-19th. Guessing the days' tens on to 3 would put a
    cut at "day 36" just before the carry into February: both pieces start on February 1st."""
    start = datetime(2024, 1, 1)
    page = [
        f"logs/{start + timedelta(minutes=26 * i):%Y-%m-%dT%H-%M-%S}-{i + 1:06d}.log" for i in range(1000)
    ]

    cuts = split_points("logs/", page[-1], None, page, 16)

    assert cuts
    days = [cut[len("logs/2024-01-") :][:2] for cut in cuts if len(cut) >= len("logs/2024-01-00")]
    assert all(day <= "31" for day in days), cuts
