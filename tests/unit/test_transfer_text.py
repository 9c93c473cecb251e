"""The words the transfer queue shows."""

from __future__ import annotations

from collections import Counter

from spacesgui.core.transfer_text import (
    file_status,
    group_status,
    group_where_text,
    percent,
    size_text,
    where_text,
)
from spacesgui.core.transfers import Direction, Transfer, TransferGroup, TransferState

State = TransferState


def a_transfer(**fields: object) -> Transfer:
    t = Transfer(Direction.UPLOAD, "acct", "bucket", "photos/a.jpg", "/tmp/a.jpg", 100)
    for name, value in fields.items():
        setattr(t, name, value)
    return t


def test_a_failed_file_says_why_once() -> None:
    assert (
        file_status(a_transfer(state=State.FAILED, error="Failed: Access denied")) == "Failed: Access denied"
    )
    assert file_status(a_transfer(state=State.FAILED, error="")) == "Failed"


def test_a_running_file_says_which_way() -> None:
    assert file_status(a_transfer(state=State.RUNNING)) == "Uploading"
    assert file_status(a_transfer(state=State.RUNNING, direction=Direction.DOWNLOAD)) == "Downloading"


def test_a_finished_folder_counts_its_files_without_saying_done_twice() -> None:
    counts = Counter({State.DONE: 5, State.SKIPPED: 1})
    # Five went through: the skipped one is not counted among them (trial item 13).
    assert group_status(Direction.UPLOAD, State.DONE, counts, 6) == "Done · 5 files · 1 skipped"
    assert group_status(Direction.UPLOAD, State.DONE, Counter({State.SKIPPED: 2}), 2) == "Done · 2 skipped"


def test_a_running_folder_says_how_far_it_is() -> None:
    counts = Counter({State.DONE: 1234, State.RUNNING: 8, State.FAILED: 2})
    assert (
        group_status(Direction.UPLOAD, State.RUNNING, counts, 10_000)
        == "Uploading · 1,234 of 10,000 files done · 2 failed"
    )


def test_percent_and_size_text() -> None:
    assert percent(50, 200) == 25
    assert percent(0, 0, finished=True) == 100
    assert percent(300, 200) == 100
    assert size_text(500_000, 2_000_000, moving=True) == "500 KB of 2.0 MB"
    assert size_text(2_000_000, 2_000_000, moving=False) == "2.0 MB"


def test_a_paused_file_with_every_byte_moved_says_what_is_left() -> None:
    """Every part was stored before the pause: "Paused" beside a full bar read as done."""
    assert file_status(a_transfer(state=State.PAUSED, bytes_done=40)) == "Paused"
    assert (
        file_status(a_transfer(state=State.PAUSED, bytes_done=100))
        == "Paused · all sent; Resume completes it"
    )
    download = a_transfer(state=State.PAUSED, bytes_done=100, direction=Direction.DOWNLOAD)
    assert file_status(download) == "Paused · all received; Resume completes it"


def test_a_rows_destination_tells_two_files_of_one_name_apart() -> None:
    up = Direction.UPLOAD
    assert where_text(Transfer(up, "a", "photos", "reports/2023/q.pdf", "/home/me/q.pdf", 1)) == (
        "to photos/reports/2023/"
    )
    assert where_text(Transfer(up, "a", "photos", "q.pdf", "/home/me/q.pdf", 1)) == "to photos/"
    down = Transfer(Direction.DOWNLOAD, "a", "photos", "reports/q.pdf", "/home/me/Downloads/q (1).pdf", 1)
    assert where_text(down, home="/home/me") == "to ~/Downloads/"
    assert where_text(down, home="/home/other") == "to /home/me/Downloads/"
    windows = Transfer(Direction.DOWNLOAD, "a", "photos", "q.pdf", "C:\\Users\\me\\Desktop\\q.pdf", 1)
    assert where_text(windows, home="C:\\Users\\me") == "to ~\\Desktop\\"
    assert where_text(Transfer(Direction.DELETE, "a", "photos", "old/q.pdf", "", 1)) == "from photos/old/"
    assert where_text(Transfer(Direction.ACCESS, "a", "photos", "q.pdf", "", 1)) == "in photos/"


def test_a_folder_rows_destination_is_the_folder_it_lands_in() -> None:
    def group(direction: Direction, prefix: str, local_root: str = "") -> TransferGroup:
        return TransferGroup(direction, "vacation", "a", "photos", prefix, local_root)

    assert (
        group_where_text(group(Direction.UPLOAD, "trips/vacation/", "/home/me/Pictures"))
        == "to photos/trips/"
    )
    assert group_where_text(group(Direction.UPLOAD, "vacation/")) == "to photos/"
    assert group_where_text(
        group(Direction.DOWNLOAD, "trips/vacation/", "/home/me/Downloads/"), "/home/me"
    ) == ("to ~/Downloads/")
    assert group_where_text(group(Direction.MOVE, "archive/vacation/")) == "to photos/archive/"
    assert group_where_text(group(Direction.DELETE, "trips/vacation/")) == "from photos/trips/"
    assert group_where_text(group(Direction.ACCESS, "")) == "in photos/"  # the whole Space


def test_a_paused_row_says_why_its_bar_may_be_lower_than_before() -> None:
    from spacesgui.core.transfer_text import paused_detail
    from spacesgui.core.transfers import Direction, Transfer, TransferState

    def upload(name: str, size: int, done: int) -> Transfer:
        t = Transfer(Direction.UPLOAD, "acct", "bucket", name, f"/home/me/{name}", size)
        t.bytes_done = done
        return t

    up = upload("video.mov", 700_000_000, done=134_000_000)
    up.part_size, up.state = 8 * 1024 * 1024, TransferState.PAUSED
    assert paused_detail(up).startswith("Paused. The Space keeps whole parts only: 134 MB of 700 MB")
    down = Transfer(Direction.DOWNLOAD, "acct", "bucket", "raw.tif", "/home/me/raw.tif", 500_000_000)
    down.bytes_done, down.state = 67_100_000, TransferState.PAUSED
    assert "67.1 MB of 500 MB are in the partly downloaded file" in paused_detail(down)
    whole = upload("small.txt", 1_000, done=0)
    whole.state = TransferState.PAUSED
    assert paused_detail(whole) == ""  # nothing arrived: nothing to explain
    up.state = TransferState.RUNNING
    assert paused_detail(up) == ""
