"""Which delete markers a restore removes when a server keeps whole seconds."""

from __future__ import annotations

from spacesgui.core.deleted import markers_to_remove, tied_keys
from spacesgui.core.versions import ObjectVersion


def test_a_marker_from_the_same_second_as_the_newest_bytes_is_not_taken_for_one_above_them() -> None:
    versions = [
        ObjectVersion("k", "m2", is_latest=True, delete_marker=True, last_modified=100.0),
        ObjectVersion("k", "v", is_latest=False, last_modified=100.0),
        ObjectVersion("k", "m1", is_latest=False, delete_marker=True, last_modified=100.0),
        ObjectVersion("k", "v0", is_latest=False, last_modified=90.0),
    ]

    assert [v.version_id for v in markers_to_remove(versions)] == ["m2"]
    assert tied_keys(versions) == {"k": 1}  # m1: the restore looks again once m2 is gone
