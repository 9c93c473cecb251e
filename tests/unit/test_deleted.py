"""Which keys a versions listing shows deleted, and which delete markers a restore removes."""

from __future__ import annotations

from spacesgui.core.deleted import DeletedCollector, markers_to_remove
from spacesgui.core.folder_node import FolderNode
from spacesgui.core.listing import ListingPage
from spacesgui.core.versions import ObjectVersion


def data(key: str, vid: str, at: float, *, latest: bool = False, size: int = 1) -> ObjectVersion:
    return ObjectVersion(key, vid, latest, False, size, at, "e" + vid)


def marker(key: str, vid: str, at: float, *, latest: bool = False) -> ObjectVersion:
    return ObjectVersion(key, vid, latest, True, 0, at)


def test_a_key_straddling_two_pages_is_judged_once_the_next_key_begins() -> None:
    collector = DeletedCollector()
    first = collector.add([marker("a", "m1", 30, latest=True), data("a", "v2", 20, size=7)])
    assert first == []  # "a" may have more versions on the next page
    second = collector.add([data("a", "v1", 10, size=3), data("b", "v1", 5, latest=True)])
    assert [(e.key, e.size, e.etag) for e in second] == [("a", 7, '"ev2"')]  # the newest bytes
    assert collector.finish() == []  # "b" is live


def test_a_key_with_only_delete_markers_left_is_not_shown_deleted() -> None:
    collector = DeletedCollector()
    assert collector.add([marker("a", "m2", 20, latest=True), marker("a", "m1", 10)]) == []
    assert collector.finish() == []


def test_the_last_key_is_judged_at_the_end_of_the_listing() -> None:
    collector = DeletedCollector()
    assert collector.add([data("z", "v1", 1), marker("z", "m1", 2, latest=True)]) == []
    assert [e.key for e in collector.finish()] == ["z"]


def test_restore_removes_every_marker_above_the_newest_bytes_and_nothing_of_live_keys() -> None:
    versions = [
        marker("a", "m3", 40, latest=True), marker("a", "m2", 30), data("a", "v2", 20), marker("a", "m1", 15),
        data("b", "v1", 10, latest=True), marker("b", "m0", 5),
        marker("c", "m9", 9, latest=True),  # nothing to bring back
    ]  # fmt: skip
    assert [(v.key, v.version_id) for v in markers_to_remove(versions)] == [("a", "m3"), ("a", "m2")]


def test_deleted_rows_keep_their_flag_in_the_folder_and_a_cleared_folder_stays_what_it_is() -> None:
    node = FolderNode("")
    node.append_page(
        ListingPage(
            folders=["live/"], keys=["a"], sizes=[1], mtimes=[1.0], etags=[""], storage_classes=["STANDARD"]
        )
    )
    gone = ListingPage(
        folders=["trash/"],
        keys=["b"],
        sizes=[2],
        mtimes=[2.0],
        etags=[""],
        storage_classes=["STANDARD"],
        deleted=True,
    )
    node.append_page(gone)
    assert list(node.deleted) == [0, 1]
    assert [f.only_deleted for f in node.folders] == [False, True]
    node.folders[1].clear()
    assert node.folders[1].only_deleted
    assert ListingPage.merged([gone, gone]).deleted
