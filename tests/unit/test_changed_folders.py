"""Which folders' listings finished transfers change (core.transfers.changed_folders)."""

from __future__ import annotations

from spacesgui.core.keys import folders_above
from spacesgui.core.transfers import Direction, Transfer, TransferState, changed_folders

DONE = TransferState.DONE


def test_every_folder_above_a_key_changes_and_the_top_of_the_space_too() -> None:
    assert folders_above(["a/b/c.txt", "a/d.txt", "top.txt"]) == {"", "a/", "a/b/"}


def test_a_done_upload_changes_its_folder_and_every_folder_above_it() -> None:
    t = Transfer(Direction.UPLOAD, "acct", "b", "photos/2024/a.jpg", "/tmp/a.jpg", 1, state=DONE)
    assert changed_folders([t]) == {("acct", "b"): {"", "photos/", "photos/2024/"}}


def test_a_done_move_changes_both_its_target_and_its_source_folders() -> None:
    t = Transfer(
        Direction.MOVE, "acct", "b", "new/a.txt", "", 1, state=DONE,
        source_bucket="old-bucket", source_key="old/a.txt", source_account_id="other",
    )  # fmt: skip
    assert changed_folders([t]) == {("acct", "b"): {"", "new/"}, ("other", "old-bucket"): {"", "old/"}}


def test_a_done_delete_changes_its_folder_and_unfinished_transfers_change_nothing() -> None:
    deleted = Transfer(Direction.DELETE, "acct", "b", "x/y.txt", "", 0, state=DONE)
    running = Transfer(Direction.UPLOAD, "acct", "b", "z/a.txt", "/tmp/a", 1, state=TransferState.RUNNING)
    downloaded = Transfer(Direction.DOWNLOAD, "acct", "b", "w/a.txt", "/tmp/a", 1, state=DONE)
    assert changed_folders([deleted, running, downloaded]) == {("acct", "b"): {"", "x/"}}


def test_an_upload_that_failed_after_the_server_stored_its_bytes_changes_its_folder() -> None:
    """Saved again during its one request: failed, but the Space has the earlier version."""
    stored = Transfer(
        Direction.UPLOAD, "acct", "b", "docs/r.bin", "/tmp/r", 1, state=TransferState.FAILED, remote_etag="e1"
    )
    refused = Transfer(Direction.UPLOAD, "acct", "b", "other/r.bin", "/tmp/r", 1, state=TransferState.FAILED)
    assert changed_folders([stored, refused]) == {("acct", "b"): {"", "docs/"}}


def test_a_failed_move_delete_download_or_access_change_has_its_folders_listed_again() -> None:
    """The usual reason is an object changed or deleted by another tool: its row must go."""
    failed = TransferState.FAILED
    moved = Transfer(
        Direction.MOVE, "acct", "b", "new/a.txt", "", 1, state=failed,
        source_bucket="b", source_key="old/a.txt",
    )  # fmt: skip
    deleted = Transfer(Direction.DELETE, "acct", "b", "gone/x.txt", "", 0, state=failed)
    downloaded = Transfer(Direction.DOWNLOAD, "acct", "b", "dl/y.txt", "/tmp/y", 1, state=failed)
    made_public = Transfer(Direction.ACCESS, "acct", "b", "acl/z.txt", "", 0, state=failed)
    cancelled = Transfer(Direction.DELETE, "acct", "b", "kept/w.txt", "", 0, state=TransferState.CANCELLED)
    refused = Transfer(Direction.UPLOAD, "acct", "b", "up/v.txt", "/tmp/v", 1, state=failed)
    assert changed_folders([moved, deleted, downloaded, made_public, cancelled, refused]) == {
        ("acct", "b"): {"", "old/", "new/", "gone/", "dl/", "acl/"}
    }
