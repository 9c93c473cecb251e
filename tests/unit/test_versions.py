"""Paging a key's or a folder's versions: markers followed to the last page, a loop refused."""

from __future__ import annotations

import pytest

from spacesgui.core.errors import NotSupported
from spacesgui.core.versions import ObjectVersion, VersionPage, versions_by_page


def _v(key: str, version_id: str) -> ObjectVersion:
    return ObjectVersion(key, version_id, is_latest=False)


def test_pages_follow_both_markers_and_keep_only_the_targets_versions() -> None:
    pages = {
        ("", ""): VersionPage((_v("a.txt", "1"), _v("a.txt.bak", "1")), "a.txt", "1"),
        ("a.txt", "1"): VersionPage((_v("a.txt", "2"),)),
    }
    asked: list[tuple[str, str]] = []

    def list_page(key_marker: str, version_marker: str) -> VersionPage:
        asked.append((key_marker, version_marker))
        return pages[(key_marker, version_marker)]

    found = list(versions_by_page("a.txt", list_page))

    assert found == [[_v("a.txt", "1")], [_v("a.txt", "2")]]
    assert asked == [("", ""), ("a.txt", "1")]


def test_a_server_that_repeats_its_markers_is_refused_instead_of_paged_for_ever() -> None:
    looping = VersionPage((_v("f/a", "1"),), "f/a", "1")

    with pytest.raises(NotSupported, match="same page of versions twice"):
        list(versions_by_page("f/", lambda _key, _version: looping))
