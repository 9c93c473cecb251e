"""What a transfer row calls itself and how its speed reads."""

from __future__ import annotations

from spacesgui.core.transfer_text import direction_text, failure_details, row_name, speed_text
from spacesgui.core.transfers import Direction, Transfer, TransferGroup, TransferState

State = TransferState


def download(key: str, local_path: str, group: TransferGroup | None = None) -> Transfer:
    return Transfer(Direction.DOWNLOAD, "acct", "b", key, local_path, 1, group_id=group.id if group else "")


def test_a_download_renamed_by_keep_both_shows_its_new_local_name() -> None:
    assert row_name(download("report.pdf", "/out/report (1).pdf"), None) == "report (1).pdf"


def test_a_download_inside_a_folder_row_shows_its_path_below_that_folder() -> None:
    group = TransferGroup(Direction.DOWNLOAD, "stuff", "acct", "b", "stuff/", "/out")
    assert row_name(download("stuff/ok/x.png", "/out/stuff/ok/x (1).png", group), group) == "ok/x (1).png"
    assert row_name(download("stuff/con.txt", "/out/stuff/_con.txt", group), group) == "_con.txt"


def test_windows_paths_are_read_with_either_separator() -> None:
    group = TransferGroup(Direction.DOWNLOAD, "docs", "acct", "b", "docs/", "C:\\Users\\me\\Downloads")
    t = download("docs/a.txt", "C:/Users/me/Downloads/docs/a (1).txt", group)
    assert row_name(t, group) == "a (1).txt"


def test_an_upload_is_named_by_its_key_below_its_folder() -> None:
    group = TransferGroup(Direction.UPLOAD, "holiday", "acct", "b", "photos/holiday/", "/home/me")
    t = Transfer(
        Direction.UPLOAD, "acct", "b", "photos/holiday/day1/a (1).jpg", "/home/me/holiday/day1/a.jpg", 1
    )
    assert row_name(t, group) == "day1/a (1).jpg"
    assert row_name(t, None) == "a (1).jpg"


def test_speed_reads_live_while_running_and_as_an_average_once_done() -> None:
    assert speed_text(State.RUNNING, 2_500_000, 0.0, 10_000_000) == "2.5 MB/s"
    assert speed_text(State.DONE, 0.0, 1_200_000, 10_000_000) == "avg 1.2 MB/s"
    assert speed_text(State.DONE, 0.0, 0.0, 10_000_000) == "—"
    assert speed_text(State.PAUSED, 0.0, 1_200_000, 10_000_000) == "—"
    assert speed_text(State.DONE, 0.0, 47.0, 4) == "—"  # a 4-byte file's round trip is no speed


def test_failure_details_carry_the_whole_error_and_both_places() -> None:
    long = "Access denied: " + "the bucket policy refuses this key " * 8
    t = download("k/a.txt", "/out/a.txt")
    t.state, t.error = State.FAILED, long
    headline, body = failure_details("a.txt", t)
    assert headline == "Download of “a.txt” failed"
    assert long.strip() in body
    assert "s3://b/k/a.txt" in body
    assert "/out/a.txt" in body


def test_an_access_change_says_which_way_it_goes() -> None:
    """Before, Make Public and Make Private rows both read "Access"."""
    assert direction_text(Direction.ACCESS, "public-read") == "Make public"
    assert direction_text(Direction.ACCESS, "private") == "Make private"
    assert direction_text(Direction.UPLOAD, "public-read") == "Upload"  # an upload's ACL is no direction
