"""The transfer queue model: structure, texts, group sums, and few signals for many rows."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from spacesgui.core.transfers import Direction, Transfer, TransferGroup, TransferState
from spacesgui.qtmodels.transfer_model import TransferColumn, TransferModel, TransferRole

State = TransferState
MB = 1_000_000
DISPLAY = Qt.ItemDataRole.DisplayRole


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_group(name: str = "photos", direction: Direction = Direction.UPLOAD) -> TransferGroup:
    return TransferGroup(direction, name, "acct", "bucket", f"backup/{name}/", "/home/me")


def make_transfer(
    name: str,
    group: TransferGroup | None = None,
    *,
    size: int = 40 * MB,
    direction: Direction = Direction.UPLOAD,
    **changes: Any,
) -> Transfer:
    folder = group.name if group is not None else "loose"
    t = Transfer(
        direction,
        "acct",
        "bucket",
        f"backup/{folder}/{name}",
        f"/home/me/{folder}/{name}",
        size,
        group_id=group.id if group is not None else "",
    )
    return replace(t, **changes)


def cell(model: TransferModel, row_id: str, column: TransferColumn, role: int = DISPLAY) -> Any:
    return model.index_of(row_id, column).data(role)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def model(qapp: object, clock: Clock) -> TransferModel:
    return TransferModel(clock=clock)


@pytest.mark.qt_log_level_fail("WARNING")  # Qt's model tester reports failures as warnings
def test_the_model_passes_the_model_tester_through_groups_updates_and_removals(
    model: TransferModel, qtmodeltester: Any
) -> None:
    qtmodeltester.check(model)
    group = make_group()
    model.add_groups([group])
    files = [make_transfer(f"{i}.jpg", group) for i in range(5)]
    loose = make_transfer("notes.txt")
    model.apply([*files, loose])
    model.apply([replace(files[1], state=State.RUNNING, bytes_done=MB), replace(loose, state=State.DONE)])
    model.remove([files[0].id, files[3].id])
    model.remove([loose.id])
    model.add_groups([make_group("music")])
    model.remove([group.id])
    assert model.rowCount() == 1


def test_the_python_model_tester_passes_too(model: TransferModel, qtmodeltester: Any) -> None:
    group = make_group()
    model.add_groups([group])
    model.apply([make_transfer(f"{i}.jpg", group) for i in range(3)] + [make_transfer("a.txt")])
    qtmodeltester.check(model, force_py=True)  # raises on any rule the model breaks
    model.apply([make_transfer("b.txt")])
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["photos", "a.txt", "b.txt"]


def test_groups_come_first_in_arrival_order_and_own_their_files(model: TransferModel) -> None:
    loose = make_transfer("notes.txt")
    model.apply([loose])
    group = make_group()
    model.add_groups([group])
    model.apply([make_transfer("a.jpg", group), make_transfer("b.jpg", group)])
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["notes.txt", "photos"]
    group_index = model.index(1, 0)
    assert group_index.data(TransferRole.IS_GROUP) is True
    assert group_index.data(TransferRole.ID) == group.id
    assert model.rowCount(group_index) == 2
    child = model.index(0, 0, group_index)
    assert child.data() == "a.jpg"
    assert child.parent() == group_index
    assert model.rowCount(child) == 0


@pytest.mark.qt_log_level_fail("WARNING")  # Qt's model tester reports failures as warnings
def test_rows_come_back_after_a_restart_in_the_order_they_were_queued(
    model: TransferModel, qtmodeltester: Any
) -> None:
    """A restart hands the panel every folder first, then every loose file: each still goes
    where it was queued, and what is queued after goes last."""
    qtmodeltester.check(model)
    photos, music = replace(make_group("photos"), created=200.0), replace(make_group("music"), created=400.0)
    first, middle, last = (
        make_transfer(name, created=created)
        for name, created in (("first.txt", 100.0), ("middle.txt", 300.0), ("last.txt", 500.0))
    )
    model.add_groups([music, photos])
    model.apply([
        last, make_transfer("song.mp3", music, created=400.0), middle, first,
        make_transfer("beach.jpg", photos, created=200.0, state=State.RUNNING, bytes_done=MB),
    ])  # fmt: skip
    rows = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert rows == ["first.txt", "photos", "middle.txt", "music", "last.txt"]
    assert model.index(1, 0).data(TransferRole.ID) == photos.id
    assert [model.index(0, 0, model.index(1, 0)).data()] == ["beach.jpg"]
    model.apply([replace(middle, state=State.DONE, bytes_done=middle.size)])
    assert cell(model, middle.id, TransferColumn.PROGRESS) == "100%"  # its row, not a neighbour's
    model.apply([make_transfer("later.txt")])
    assert model.index(model.rowCount() - 1, 0).data() == "later.txt"


def test_a_file_row_shows_direction_status_progress_and_size(model: TransferModel) -> None:
    t = make_transfer("a.bin", direction=Direction.DOWNLOAD)
    model.apply([replace(t, state=State.RUNNING, bytes_done=18 * MB)])
    assert cell(model, t.id, TransferColumn.DIRECTION) == "Download"
    assert cell(model, t.id, TransferColumn.DIRECTION, Qt.ItemDataRole.DecorationRole) is not None
    assert cell(model, t.id, TransferColumn.STATUS) == "Downloading"
    assert cell(model, t.id, TransferColumn.PROGRESS) == "45%"
    assert cell(model, t.id, TransferColumn.PROGRESS, TransferRole.PROGRESS) == 45
    assert cell(model, t.id, TransferColumn.SIZE) == "18.0 MB of 40.0 MB"
    assert cell(model, t.id, TransferColumn.NAME, Qt.ItemDataRole.ToolTipRole) == (
        "s3://bucket/backup/loose/a.bin\n/home/me/loose/a.bin"
    )
    model.apply([replace(t, state=State.DONE, bytes_done=40 * MB)])
    assert cell(model, t.id, TransferColumn.STATUS) == "Done"
    assert cell(model, t.id, TransferColumn.SIZE) == "40.0 MB"
    assert cell(model, t.id, TransferColumn.PROGRESS, TransferRole.PROGRESS) == 100
    assert cell(model, t.id, TransferColumn.SPEED) == "—"


@pytest.mark.parametrize(
    ("state", "error", "expected"),
    [
        (State.QUEUED, "", "Queued"),
        (State.RUNNING, "", "Uploading"),
        (State.PAUSED, "", "Paused"),
        (State.CANCELLED, "", "Cancelled"),
        (State.FAILED, "Access denied", "Failed: Access denied"),
        (State.SKIPPED, "Skipped: it already exists", "Skipped: it already exists"),
        (State.SKIPPED, "it already exists", "Skipped: it already exists"),
    ],
)
def test_status_text_names_the_state_and_the_reason(
    model: TransferModel, state: TransferState, error: str, expected: str
) -> None:
    t = make_transfer("a.bin", state=state, error=error)
    model.apply([t])
    assert cell(model, t.id, TransferColumn.STATUS) == expected
    assert cell(model, t.id, TransferColumn.NAME, TransferRole.STATE) == state
    assert cell(model, t.id, TransferColumn.NAME, TransferRole.ERROR) == error


def test_a_group_sums_its_files_sizes_bytes_and_states(model: TransferModel) -> None:
    group = make_group()
    model.add_groups([group])
    files = [make_transfer(f"{i}.jpg", group, size=10 * MB) for i in range(4)]
    model.apply(files)
    assert cell(model, group.id, TransferColumn.STATUS) == "Queued · 0 of 4 files done"
    assert cell(model, group.id, TransferColumn.SIZE) == "40.0 MB"
    model.apply(
        [
            replace(files[0], state=State.DONE, bytes_done=10 * MB),
            replace(files[1], state=State.RUNNING, bytes_done=5 * MB),
            replace(files[2], state=State.FAILED, error="Access denied"),
        ]
    )
    assert cell(model, group.id, TransferColumn.STATUS) == "Uploading · 1 of 4 files done · 1 failed"
    assert cell(model, group.id, TransferColumn.SIZE) == "15.0 MB of 40.0 MB"
    assert cell(model, group.id, TransferColumn.PROGRESS, TransferRole.PROGRESS) == 37
    assert cell(model, group.id, TransferColumn.NAME, TransferRole.STATE) == State.RUNNING
    assert model.states(group.id) == {State.DONE, State.RUNNING, State.FAILED, State.QUEUED}
    model.apply(
        [
            replace(files[1], state=State.DONE, bytes_done=10 * MB),
            replace(files[3], state=State.CANCELLED),
        ]
    )
    # A cancelled file no longer counts towards the bytes to move.
    assert (
        cell(model, group.id, TransferColumn.STATUS) == "Failed · 2 of 4 files done · 1 failed · 1 cancelled"
    )
    assert cell(model, group.id, TransferColumn.SIZE) == "20.0 MB of 30.0 MB"
    assert model.failed_ids() == [files[2].id]


def test_a_group_announced_before_its_files_reads_queued(model: TransferModel) -> None:
    group = make_group("empty")
    model.add_groups([group])
    assert cell(model, group.id, TransferColumn.STATUS) == "Queued · 0 of 0 files done"
    assert cell(model, group.id, TransferColumn.PROGRESS, TransferRole.PROGRESS) == 0


def test_speed_comes_from_successive_snapshots_and_drops_when_not_running(
    model: TransferModel, clock: Clock
) -> None:
    group = make_group()
    model.add_groups([group])
    t = make_transfer("big.iso", group, size=100 * MB, state=State.RUNNING)
    model.apply([t])
    assert cell(model, t.id, TransferColumn.SPEED) == "—"
    for second in range(1, 5):
        clock.now += 1.0
        model.apply([replace(t, bytes_done=second * 2 * MB)])
    assert cell(model, t.id, TransferColumn.SPEED) == "2.0 MB/s"
    assert cell(model, group.id, TransferColumn.SPEED) == "2.0 MB/s"
    assert cell(model, t.id, TransferColumn.ETA) == "46 s"  # 92 MB left at 2 MB/s
    model.apply([replace(t, bytes_done=8 * MB, state=State.PAUSED)])
    assert cell(model, t.id, TransferColumn.SPEED) == "—"
    assert cell(model, group.id, TransferColumn.SPEED) == "—"


def test_a_stalled_transfer_slows_down_on_tick(model: TransferModel, clock: Clock) -> None:
    t = make_transfer("big.iso", size=100 * MB, state=State.RUNNING)
    model.apply([t])
    clock.now += 1.0
    model.apply([replace(t, bytes_done=4 * MB)])
    fast = cell(model, t.id, TransferColumn.SPEED)
    clock.now += 4.0
    model.tick()
    assert cell(model, t.id, TransferColumn.SPEED) != fast
    clock.now += 10.0
    model.tick()
    assert cell(model, t.id, TransferColumn.SPEED) == "—"


def test_ids_for_gives_each_selected_row_once(model: TransferModel) -> None:
    group = make_group()
    model.add_groups([group])
    a, b = make_transfer("a", group), make_transfer("b")
    model.apply([a, b])
    indexes = [
        model.index_of(group.id, 0),
        model.index_of(group.id, 3),
        model.index_of(a.id, 2),
        model.index_of(b.id, 0),
        QModelIndex(),
    ]
    assert model.ids_for(indexes) == [group.id, a.id, b.id]
    assert model.all_ids() == [group.id, b.id]
    assert model.transfer(a.id) == a
    assert model.local_folder(a.id) == "/home/me/photos"
    assert model.local_folder(group.id) == "/home/me"


def test_removing_the_last_files_of_a_group_removes_the_group(model: TransferModel) -> None:
    group = make_group()
    model.add_groups([group])
    files = [make_transfer(f"{i}", group) for i in range(3)]
    model.apply([*files, make_transfer("loose")])
    model.remove([files[0].id])
    assert model.rowCount(model.index_of(group.id)) == 2
    assert model.index_of(files[2].id).row() == 1
    model.remove([files[1].id, files[2].id])
    assert not model.has_group(group.id)
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["loose"]


def test_removing_many_rows_resets_the_model_once(model: TransferModel, qtbot: QtBot) -> None:
    group = make_group()
    model.add_groups([group])
    files = [make_transfer(f"{i}", group) for i in range(1000)]
    model.apply(files)
    removed: list[object] = []
    model.rowsRemoved.connect(lambda *args: removed.append(args))
    with qtbot.waitSignal(model.modelReset, timeout=10_000):
        model.remove([t.id for t in files[::2]])
    assert not removed
    child_rows = model.rowCount(model.index_of(group.id))
    assert child_rows == 500
    assert model.index_of(files[999].id).row() == 499
    assert model.counts()[State.QUEUED] == 500


def test_ten_thousand_files_insert_once_and_update_in_a_few_ranges(model: TransferModel) -> None:
    inserted: list[tuple[QModelIndex, int, int]] = []
    changed: list[tuple[QModelIndex, QModelIndex]] = []
    model.rowsInserted.connect(lambda parent, first, last: inserted.append((parent, first, last)))
    model.dataChanged.connect(lambda top, bottom, roles=(): changed.append((top, bottom)))
    group = make_group("big")
    model.add_groups([group])
    inserted.clear()
    files = [make_transfer(f"{i:05}.jpg", group, size=MB) for i in range(10_000)]
    model.apply(files)
    assert len(inserted) == 1
    assert (inserted[0][1], inserted[0][2]) == (0, 9_999)
    assert inserted[0][0].data(TransferRole.ID) == group.id
    for round_ in range(50):
        changed.clear()
        start = round_ * 200
        batch = [
            replace(t, state=State.RUNNING, bytes_done=round_ * 1000) for t in files[start : start + 1000]
        ]
        model.apply(batch)
        assert len(changed) <= 3  # the files' range and the group row
    assert cell(model, group.id, TransferColumn.STATUS) == "Uploading · 0 of 10,000 files done"


def test_data_for_unknown_roles_and_bad_indexes_is_none(model: TransferModel) -> None:
    t = make_transfer("a")
    model.apply([t])
    assert model.index_of(t.id).data(Qt.ItemDataRole.UserRole + 999) is None
    assert model.data(QModelIndex()) is None
    assert model.index(5, 0).isValid() is False
    assert model.index(0, 99).isValid() is False
    assert model.headerData(TransferColumn.PROGRESS, Qt.Orientation.Horizontal) == "Progress"


def test_deletes_and_access_changes_add_no_bytes_to_the_totals(model: TransferModel) -> None:
    doomed = make_group("old", Direction.DELETE)
    model.add_groups([doomed])
    model.apply(
        [make_transfer(f"{i}.jpg", doomed, direction=Direction.DELETE, state=State.RUNNING) for i in range(3)]
    )
    model.apply([make_transfer("a.txt", direction=Direction.ACCESS, state=State.QUEUED)])
    upload = make_transfer("b.txt", size=2 * MB, state=State.RUNNING, bytes_done=MB)
    model.apply([upload])

    totals = model.totals()

    assert (totals.active, totals.bytes_done, totals.bytes_total) == (5, MB, 2 * MB)  # the upload's only
