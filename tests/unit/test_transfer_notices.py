"""The start-up note of what the last session left paused, named as the Transfers panel shows it."""

from __future__ import annotations

from spacesgui.core.transfers import Direction, Transfer, TransferGroup
from spacesgui.services.transfer_notices import paused_notice


def upload(name: str, size: int, group: str = "", done: int = 0) -> Transfer:
    t = Transfer(Direction.UPLOAD, "acct", "bucket", name, f"/home/me/{name}", size, group_id=group)
    t.bytes_done = done
    return t


def test_a_folder_is_one_row_with_its_file_count_not_every_file_named() -> None:
    # Before: "131 transfers were paused when spacesgui last quit: “bigvideo.mov”, “IMG_071.jpg”,
    # “IMG_072.jpg” and 128 more", beside a panel of two rows.
    shoot = TransferGroup(Direction.UPLOAD, "shoot", "acct", "bucket", "", "/home/me")
    files = [upload(f"shoot/IMG_{i:03}.jpg", 1_000_000, shoot.id) for i in range(130)]
    text = paused_notice([upload("bigvideo.mov", 700_000_000, done=200_000_000), *files], [shoot])
    assert text.startswith("2 transfers from the last session are paused: ")
    assert "“bigvideo.mov”, the folder “shoot” (130 files)" in text
    assert "IMG_" not in text
    assert "(630 MB left)" in text
    assert "Resume them" in text
    assert "last quit" not in text  # it may have ended otherwise: a crash, a power cut


def test_one_transfer_is_spoken_of_as_one() -> None:
    text = paused_notice([upload("big.bin", 16 * 1024 * 1024)])
    assert text.startswith("1 transfer from the last session is paused: “big.bin” (")
    assert "Resume it here" in text
