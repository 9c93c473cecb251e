"""The local file system adapter, on real files: reads, walks, .part files and their errors.

Failures are genuine OS errors (a folder passed as a file, /dev/full, a name too long),
so these tests also pass when run as root, which can read anything.
"""

from __future__ import annotations

import errno
import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from spacesgui.adapters.local_files import OsLocalFiles, OsPartFile
from spacesgui.core.errors import (
    DiskFull,
    LocalFileChanged,
    LocalFileMissing,
    LocalFileUnreadable,
    LocalWriteFailed,
)
from spacesgui.core.local_files import PART_SUFFIX, LocalEntry, LocalStat

files = OsLocalFiles()
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def symlink(target: Path, link: Path) -> None:
    try:
        link.symlink_to(target)
    except OSError as exc:  # Windows without the privilege
        pytest.skip(f"cannot create symlinks here: {exc}")


# -- stat, exists, read_range -------------------------------------------------------------


def test_stat_gives_size_and_modification_time(tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"x" * 1234)

    assert files.stat(str(photo)) == LocalStat(1234, photo.stat().st_mtime_ns)
    assert files.exists(str(photo)) == LocalStat(1234, photo.stat().st_mtime_ns)


def test_a_missing_file_names_itself_and_keeps_the_os_error(tmp_path: Path) -> None:
    with pytest.raises(LocalFileMissing) as caught:
        files.stat(str(tmp_path / "photo.jpg"))

    assert caught.value.message == "“photo.jpg” no longer exists."
    assert isinstance(caught.value.__cause__, FileNotFoundError)
    assert caught.value.detail == str(caught.value.__cause__)


def test_exists_is_none_for_a_missing_file_or_folder(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")

    assert files.exists(str(tmp_path / "nothing.txt")) is None
    assert files.exists(str(tmp_path / "a-file" / "below.txt")) is None


def test_a_folder_is_not_taken_for_a_file(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()

    with pytest.raises(LocalFileUnreadable, match="“photos” is a folder"):
        files.exists(str(tmp_path / "photos"))


def test_read_range_returns_exactly_the_bytes_asked_for(tmp_path: Path) -> None:
    data = bytes(range(256)) * 100
    (tmp_path / "data.bin").write_bytes(data)

    assert files.read_range(str(tmp_path / "data.bin"), 1000, 5000) == data[1000:6000]
    assert files.read_range(str(tmp_path / "data.bin"), 0, 0) == b""


def test_a_file_that_shrank_reports_that_it_changed_while_uploading(tmp_path: Path) -> None:
    (tmp_path / "log.txt").write_bytes(b"x" * 100)

    with pytest.raises(LocalFileChanged, match=re.escape("“log.txt” changed while uploading")):
        files.read_range(str(tmp_path / "log.txt"), 50, 100)


def test_reading_a_folder_as_a_file_says_it_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()

    with pytest.raises(LocalFileUnreadable, match="“photos” is a folder, not a file") as caught:
        files.read_range(str(tmp_path / "photos"), 0, 1)

    assert isinstance(caught.value.__cause__, OSError)
    assert caught.value.__cause__.errno == errno.EISDIR


@pytest.mark.skipif(IS_ROOT or sys.platform == "win32", reason="root reads anything; no chmod 000")
def test_a_file_without_read_permission_says_permission_denied(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    secret.chmod(0)
    try:
        with pytest.raises(
            LocalFileUnreadable, match=re.escape("Could not read “secret.txt”: permission denied")
        ):
            files.read_range(str(secret), 0, 1)
    finally:
        secret.chmod(0o600)


# -- walk ---------------------------------------------------------------------------------


def test_walk_lists_every_file_sorted_with_slash_paths(tmp_path: Path) -> None:
    (tmp_path / "b" / "deep").mkdir(parents=True)
    (tmp_path / "a.txt").write_bytes(b"1")
    (tmp_path / "b" / "c.txt").write_bytes(b"22")
    (tmp_path / "b" / "deep" / "d.txt").write_bytes(b"333")
    (tmp_path / "empty").mkdir()

    walk = files.walk(str(tmp_path))

    entries = walk.files
    assert [(e.relative, e.size) for e in entries] == [("a.txt", 1), ("b/c.txt", 2), ("b/deep/d.txt", 3)]
    assert entries[0] == LocalEntry("a.txt", 1, (tmp_path / "a.txt").stat().st_mtime_ns)
    assert walk.problems == []
    assert walk.empty_folders == ["empty"]


def test_walk_names_only_the_outermost_empty_folder_and_an_empty_root(tmp_path: Path) -> None:
    (tmp_path / "root" / "logs" / "old" / "older").mkdir(parents=True)
    (tmp_path / "root" / "cache").mkdir()
    (tmp_path / "root" / "keep").mkdir()
    (tmp_path / "root" / "keep" / "a.txt").write_bytes(b"x")
    assert files.walk(str(tmp_path / "root")).empty_folders == ["cache", "logs"]
    (tmp_path / "bare" / "inside").mkdir(parents=True)
    assert files.walk(str(tmp_path / "bare")).empty_folders == [""]  # the dropped folder itself


def test_walk_includes_linked_files_and_reports_links_it_skips(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "target.txt").write_bytes(b"12345")
    root = tmp_path / "root"
    root.mkdir()
    symlink(outside / "target.txt", root / "linked.txt")
    symlink(outside, root / "linked-folder")
    symlink(root, root / "loop")
    symlink(tmp_path / "gone.txt", root / "broken.txt")

    walk = files.walk(str(root))
    entries, problems = walk.files, walk.problems

    assert [(e.relative, e.size) for e in entries] == [("linked.txt", 5)]
    assert sorted(relative for relative, _ in walk.skipped) == ["broken.txt", "linked-folder", "loop"]
    assert len(problems) == 3
    assert any("“broken.txt”" in p and "broken link" in p for p in problems)
    assert any("“linked-folder”" in p and "link to a folder" in p for p in problems)
    assert any("“loop”" in p and "link to a folder" in p for p in problems)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_walk_skips_special_files_instead_of_reading_them(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")

    walk = files.walk(str(tmp_path))

    assert walk.files == []
    assert walk.problems == ["Skipped “pipe”: it is not a regular file."]
    assert walk.skipped == [("pipe", "it is not a regular file")]


@pytest.mark.skipif(IS_ROOT or sys.platform == "win32", reason="root reads anything; no chmod 000")
def test_walk_reports_a_folder_it_cannot_read(tmp_path: Path) -> None:
    locked = tmp_path / "photos" / "private"
    locked.mkdir(parents=True)
    (tmp_path / "photos" / "ok.jpg").write_bytes(b"x")
    locked.chmod(0)
    try:
        walk = files.walk(str(tmp_path))
    finally:
        locked.chmod(0o700)

    assert [e.relative for e in walk.files] == ["photos/ok.jpg"]
    assert walk.problems == ["Could not read folder “photos/private”: permission denied."]
    assert walk.empty_folders == []  # not known to be empty


def test_walking_a_missing_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(LocalFileMissing, match="“gone” no longer exists"):
        files.walk(str(tmp_path / "gone"))


def test_walking_ten_thousand_files_finds_each_once_in_order(tmp_path: Path) -> None:
    expected = []
    for folder in range(100):
        (tmp_path / f"f{folder:03}").mkdir()
        for n in range(100):
            (tmp_path / f"f{folder:03}" / f"{n:03}.txt").write_bytes(b"")
            expected.append(f"f{folder:03}/{n:03}.txt")

    walk = files.walk(str(tmp_path))

    assert [e.relative for e in walk.files] == expected
    assert walk.problems == []


# -- .part files ----------------------------------------------------------------------------


def test_open_part_creates_folders_and_a_part_file_beside_the_target(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "photo.jpg"

    part = files.open_part(str(target), keep=False)
    try:
        part.write_at(0, b"hello")
        assert part.size() == 5
        assert part.path == str(target) + PART_SUFFIX
    finally:
        part.close()

    assert Path(part.path).read_bytes() == b"hello"
    assert not target.exists()


def test_open_part_keeps_bytes_only_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "photo.jpg"
    Path(str(target) + PART_SUFFIX).write_bytes(b"already here")

    kept = files.open_part(str(target), keep=True)
    assert kept.size() == 12
    kept.close()
    fresh = files.open_part(str(target), keep=False)
    assert fresh.size() == 0
    fresh.close()


def test_a_file_in_the_way_of_a_folder_is_named(tmp_path: Path) -> None:
    (tmp_path / "photos").write_text("a file, not a folder")

    with pytest.raises(LocalWriteFailed, match="Could not create folder “photos”: a file with that name"):
        files.open_part(str(tmp_path / "photos" / "2024" / "a.jpg"), keep=False)


def test_a_name_too_long_for_the_disk_says_so(tmp_path: Path) -> None:
    with pytest.raises(LocalWriteFailed, match="the name is too long"):
        files.open_part(str(tmp_path / ("x" * 300)), keep=False)


def test_parallel_ranges_land_at_their_offsets(tmp_path: Path) -> None:
    chunk = 64 * 1024
    data = os.urandom(chunk * 32)
    part = files.open_part(str(tmp_path / "big.bin"), keep=False)

    def write(n: int) -> None:
        part.write_at(n * chunk, data[n * chunk : (n + 1) * chunk])

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(write, reversed(range(32))))
    finally:
        part.close()

    assert Path(part.path).read_bytes() == data


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_is_reported_with_the_folder_that_holds_the_file() -> None:
    part = OsPartFile("/dev/full", os.open("/dev/full", os.O_WRONLY))
    try:
        with pytest.raises(DiskFull, match="The disk holding “dev” is full") as caught:
            part.write_at(0, b"x" * 1024)
    finally:
        part.close()

    assert isinstance(caught.value.__cause__, OSError)
    assert caught.value.__cause__.errno == errno.ENOSPC


def test_commit_part_replaces_the_target_and_sets_its_time(tmp_path: Path) -> None:
    target = tmp_path / "photo.jpg"
    target.write_bytes(b"old")
    part = files.open_part(str(target), keep=False)
    part.write_at(0, b"new bytes")
    part.close()

    files.commit_part(str(target), 1_600_000_000.0)

    assert target.read_bytes() == b"new bytes"
    assert target.stat().st_mtime == 1_600_000_000.0
    assert not Path(part.path).exists()


def test_commit_part_without_a_time_leaves_the_time_alone(tmp_path: Path) -> None:
    target = tmp_path / "photo.jpg"
    files.open_part(str(target), keep=False).close()

    files.commit_part(str(target), 0)

    assert abs(target.stat().st_mtime - time.time()) < 60


def test_commit_part_onto_a_folder_says_a_folder_is_in_the_way(tmp_path: Path) -> None:
    target = tmp_path / "photo.jpg"
    files.open_part(str(target), keep=False).close()
    target.mkdir()

    with pytest.raises(
        LocalWriteFailed, match=re.escape("“photo.jpg”: a folder with that name is in the way")
    ):
        files.commit_part(str(target), 0)


def test_commit_part_when_the_part_file_vanished(tmp_path: Path) -> None:
    with pytest.raises(LocalFileMissing, match=f"“photo.jpg{PART_SUFFIX}” no longer exists"):
        files.commit_part(str(tmp_path / "photo.jpg"), 0)


def test_remove_part_deletes_it_and_a_missing_one_is_fine(tmp_path: Path) -> None:
    target = tmp_path / "photo.jpg"
    files.open_part(str(target), keep=False).close()

    files.remove_part(str(target))
    files.remove_part(str(target))

    assert not Path(str(target) + PART_SUFFIX).exists()


def test_free_space_is_measured_on_the_nearest_existing_folder(tmp_path: Path) -> None:
    assert files.free_space(str(tmp_path / "not" / "yet" / "there.bin")) > 0


@pytest.mark.parametrize("syncfs", [True, False], ids=["syncfs", "fsync-each"])
def test_a_batch_of_written_parts_takes_its_names_and_dates_and_a_missing_one_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, syncfs: bool
) -> None:
    from spacesgui.adapters import local_files

    if not syncfs:
        monkeypatch.setattr(local_files, "_syncfs", None)
    files = OsLocalFiles()
    targets = [tmp_path / "a" / "one.txt", tmp_path / "a" / "two.txt", tmp_path / "b" / "three.txt"]
    for i, target in enumerate(targets):
        files.write_part(str(target), f"file {i}".encode(), tag=f"t{i}")
    gone = tmp_path / "b" / "gone.txt"  # never written: its .part is missing
    outcomes = files.commit_parts(
        [(str(t), 1_000_000_000.0 + i, f"t{i}") for i, t in enumerate(targets)] + [(str(gone), 0.0, "tx")]
    )
    assert outcomes[:3] == [None, None, None]
    assert outcomes[3] is not None
    assert "gone.txt" in outcomes[3].message
    for i, target in enumerate(targets):
        assert target.read_bytes() == f"file {i}".encode()
        assert target.stat().st_mtime == 1_000_000_000.0 + i
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["one.txt", "three.txt", "two.txt"]
