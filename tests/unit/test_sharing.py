"""Share links in words: which link Copy Link picks, expiry times, and what the banner says."""

from __future__ import annotations

from datetime import datetime

import pytest

from spacesgui.core.operations import ObjectAcl
from spacesgui.core.share_links import DAY_S, MINUTE_S
from spacesgui.core.sharing import (
    DEFAULT_EXPIRY_S,
    HOUR_S,
    LinkKind,
    access_text,
    copied_text,
    default_link_kind,
    duration_text,
    expiry_text,
    moment_text,
)

NOW = datetime(2026, 1, 14, 15, 4)  # a Wednesday


def test_copy_link_gives_a_public_file_its_address_and_any_other_a_signed_link() -> None:
    assert default_link_kind(True) is LinkKind.PUBLIC
    assert default_link_kind(False) is LinkKind.SIGNED
    assert default_link_kind(None) is LinkKind.SIGNED  # unknown: a signed link works either way
    assert DEFAULT_EXPIRY_S == 7 * DAY_S


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (45, "45 seconds"),
        (MINUTE_S, "1 minute"),
        (90 * MINUTE_S, "1 hour 30 minutes"),
        (7 * DAY_S, "7 days"),
        (DAY_S + 2 * HOUR_S + 5 * MINUTE_S, "1 day 2 hours"),
        (400 * DAY_S - 3, "400 days"),
    ],
)
def test_durations_read_in_their_largest_units(seconds: int, text: str) -> None:
    assert duration_text(seconds) == text


def test_moments_say_today_tomorrow_or_the_date() -> None:
    assert moment_text(datetime(2026, 1, 14, 17, 0), NOW) == "today at 17:00"
    assert moment_text(datetime(2026, 1, 15, 9, 30), NOW) == "tomorrow at 09:30"
    assert moment_text(datetime(2026, 1, 21, 15, 4), NOW) == "Wed 21 Jan 2026 at 15:04"


def test_the_expiry_says_when_and_how_long() -> None:
    assert expiry_text(7 * DAY_S, NOW) == "Valid until Wed 21 Jan 2026 at 15:04 (7 days from now)."
    assert expiry_text(2 * HOUR_S, NOW) == "Valid until today at 17:04 (2 hours from now)."


def test_the_banner_names_one_file_and_counts_several() -> None:
    one = copied_text([LinkKind.SIGNED], 7 * DAY_S, NOW, name="photo.jpg")
    several = copied_text([LinkKind.SIGNED] * 3, 7 * DAY_S, NOW, name="photo.jpg")
    public = copied_text([LinkKind.PUBLIC] * 2, 7 * DAY_S, NOW)
    public_one = copied_text([LinkKind.PUBLIC], 7 * DAY_S, NOW, name="cover.png")
    mixed = copied_text([LinkKind.PUBLIC, LinkKind.SIGNED, LinkKind.SIGNED], 7 * DAY_S, NOW)

    assert one == "Copied a link to “photo.jpg”, valid until Wed 21 Jan 2026 at 15:04."
    assert several == "Copied links to 3 files, one a line, valid until Wed 21 Jan 2026 at 15:04."
    assert public == "Copied the public addresses of 2 files, one a line (they are public: no expiry)."
    assert public_one == "Copied the public address of “cover.png” (it is public: no expiry)."
    assert mixed == (
        "Copied links to 3 files, one a line: 1 public address (no expiry) and 2 signed links "
        "valid until Wed 21 Jan 2026 at 15:04."
    )


def test_access_is_said_in_words() -> None:
    assert access_text(ObjectAcl(True)).startswith("Public")
    assert (
        access_text(ObjectAcl(False, ("ada: WRITE",)))
        == "Private: only this account's keys can read it; also ada: WRITE"
    )
    assert access_text(None, "No ACLs here.") == "Unknown. No ACLs here."
