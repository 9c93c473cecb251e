"""Which opened copies cleaning removes, and the cache folder's records (files only, no Qt)."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from spacesgui.adapters.opened_copies import TempCopies
from spacesgui.core.errors import LocalFileError
from spacesgui.core.opened_files import COPY_MAX_AGE_S, CopyFate, CopyOnDisk, CopyState, OpenedFile, copy_fate

NOW = 1_800_000_000.0
OPENED = OpenedFile("acc", "b", "k.txt", "/c/open-1/k.txt", "md5", CopyState(1, 0))


def on_disk(
    saved_at: float,
    *,
    opened: OpenedFile | None = OPENED,
    others: tuple[str, ...] = (),
    state: CopyState | None = CopyState(1, 0),  # noqa: B008  # frozen
) -> CopyOnDisk:
    return CopyOnDisk("/c/open-1", opened, saved_at, state, others)


OLD = NOW - COPY_MAX_AGE_S - 1


@pytest.mark.parametrize(
    ("copy", "changed", "in_use", "fate"),
    [
        (on_disk(OLD), False, None, CopyFate.REMOVE),
        (on_disk(OLD), True, None, CopyFate.KEEP_CHANGED),
        (on_disk(NOW - 60), False, None, CopyFate.KEEP_RECENT),
        (on_disk(OLD), False, True, CopyFate.KEEP_IN_USE),
        (on_disk(OLD, others=("report.odt",)), False, None, CopyFate.KEEP_OTHER_FILES),  # saved beside
        (on_disk(OLD, others=("renamed.txt",), state=None), False, None, CopyFate.KEEP_OTHER_FILES),
        (on_disk(OLD, state=None), False, None, CopyFate.KEEP_MISSING),
        (on_disk(OLD, opened=None, others=("unknown.txt",)), False, None, CopyFate.KEEP_UNKNOWN),
        (on_disk(OLD, opened=None, state=None), False, None, CopyFate.REMOVE),  # partial downloads only
    ],
)
def test_the_fate_of_a_copy(copy: CopyOnDisk, changed: bool, in_use: bool | None, fate: CopyFate) -> None:
    assert copy_fate(copy, changed, NOW, in_use=in_use) == fate


def test_a_record_comes_back_with_the_copy_it_describes(tmp_path: Path) -> None:
    copies = TempCopies(str(tmp_path))
    folder = copies.new_folder()
    path = Path(folder) / "notes.txt"
    path.write_bytes(b"hello")
    state = copies.snapshot(str(path))
    assert state is not None
    opened = OpenedFile(
        "acc", "b", "x/notes.txt", str(path), hashlib.md5(b"hello").hexdigest(), state, "MD5", "etag-1"
    )
    copies.write_record(opened, 1234.5)
    assert [p.name for p in Path(folder).iterdir()] == ["notes.txt"]  # the record is beside, not inside
    [found] = copies.copies_on_disk()
    assert found.opened == opened
    assert found.saved_at == 1234.5
    assert found.state == state
    copies.remove(found.folder)
    assert list(tmp_path.iterdir()) == []


def test_a_record_naming_a_path_outside_its_folder_is_not_believed(tmp_path: Path) -> None:
    copies = TempCopies(str(tmp_path))
    folder = copies.new_folder()
    Path(folder + ".json").write_text(
        '{"account_id": "a", "bucket": "b", "key": "k", "name": "../../etc/passwd", "md5": "", '
        '"size": 1, "mtime_ns": 1, "saved_at": 1}',
        encoding="utf-8",
    )
    [found] = copies.copies_on_disk()
    assert found.opened is None


def test_remove_leaves_a_folder_whose_copy_has_a_file_saved_beside_it(tmp_path: Path) -> None:
    copies = TempCopies(str(tmp_path))
    folder = copies.new_folder()
    path = Path(folder) / "notes.txt"
    path.write_bytes(b"hello")
    state = copies.snapshot(str(path))
    assert state is not None
    copies.write_record(OpenedFile("acc", "b", "notes.txt", str(path), "md5", state), 1.0)
    report = Path(folder) / "report.odt"
    report.write_bytes(b"the user's work")  # saved after cleaning judged the folder
    with pytest.raises(LocalFileError, match="holds other files"):
        copies.remove(folder)
    assert report.read_bytes() == b"the user's work"
    assert path.exists()
    assert Path(folder + ".json").exists()


def test_remove_refuses_a_folder_that_is_not_an_opened_copy(tmp_path: Path) -> None:
    copies = TempCopies(str(tmp_path / "open"))
    precious = tmp_path / "photos"
    precious.mkdir()
    with pytest.raises(LocalFileError, match="not an opened copy"):
        copies.remove(str(precious))
    assert precious.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc tells which files are open")
def test_a_file_held_open_is_in_use_and_one_closed_is_not(tmp_path: Path) -> None:
    copies = TempCopies(str(tmp_path))
    path = tmp_path / "held.txt"
    path.write_bytes(b"x")
    with path.open("rb"):
        assert copies.in_use(str(path)) is True
    assert copies.in_use(str(path)) is False
