"""Values from servers that must never break display (found in review)."""

from __future__ import annotations

from spacesgui.adapters.s3_client import parse_timestamp
from spacesgui.core.formatting import human_time


def test_a_zero_go_time_from_a_server_formats_as_nothing_instead_of_raising() -> None:
    assert human_time(parse_timestamp("0001-01-01T00:00:00Z")) in ("", "0001-01-01 00:00")
    assert human_time(-62135596800.0) in ("", "0001-01-01 00:00")


def test_an_unparseable_timestamp_is_zero() -> None:
    assert parse_timestamp("not a date") == 0.0
