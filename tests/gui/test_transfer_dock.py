"""The Transfers panel: actions reach the service with the right ids, the hint, the summary text."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, QRect, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QImage,
    QKeySequence,
    QPainter,
    QPalette,
    QPixmap,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import QApplication, QMessageBox, QStyleOptionViewItem, QTreeView
from pytestqt.qtbot import QtBot

from spacesgui.core.contrast import contrast_ratio
from spacesgui.core.transfers import Direction, Totals, Transfer, TransferGroup, TransferState
from spacesgui.qtmodels.transfer_model import TransferColumn, TransferRole
from spacesgui.services.transfer_service import QueueStatus
from spacesgui.ui.transfers.progress_delegate import MARGIN_X, MARGIN_Y, ProgressDelegate
from spacesgui.ui.transfers.transfer_dock import EMPTY_HINT, TransferDock, status_text
from tests.gui.palettes import rgb, text_contrast

State = TransferState
MB = 1_000_000


class RecordingService(QObject):
    """Stands in for TransferService: the same signals, and a record of what the dock asked.

    That the real service answers these calls is shown end to end in
    tests/gui/test_transfers_window.py (pause and resume from the panel).
    """

    transfers_changed = Signal(object)
    groups_added = Signal(object)
    transfers_removed = Signal(object)
    status_changed = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, list[str]]] = []
        self.groups: dict[str, TransferGroup] = {}

    def pause(self, ids: Iterable[str]) -> None:
        self.calls.append(("pause", list(ids)))

    def resume(self, ids: Iterable[str]) -> None:
        self.calls.append(("resume", list(ids)))

    def cancel(self, ids: Iterable[str]) -> None:
        self.calls.append(("cancel", list(ids)))

    def retry(self, ids: Iterable[str]) -> None:
        self.calls.append(("retry", list(ids)))

    def remove_finished(self, ids: Iterable[str]) -> None:
        self.calls.append(("remove_finished", list(ids)))

    def group(self, group_id: str) -> TransferGroup | None:
        return self.groups.get(group_id)


def make_transfer(
    tmp_path: Path, name: str, group: TransferGroup | None = None, **changes: object
) -> Transfer:
    direction = group.direction if group is not None else Direction.DOWNLOAD
    folder = tmp_path / (group.name if group is not None else "loose")
    t = Transfer(
        direction,
        "acct",
        "bucket",
        f"remote/{name}",
        str(folder / name),
        10 * MB,
        group_id=group.id if group is not None else "",
    )
    return replace(t, **changes)  # type: ignore[arg-type]


@pytest.fixture
def service() -> RecordingService:
    return RecordingService()


@pytest.fixture
def opened(qtbot: QtBot, service: RecordingService) -> tuple[TransferDock, list[QUrl]]:
    urls: list[QUrl] = []
    dock = TransferDock(service, open_url=urls.append)  # type: ignore[arg-type]
    qtbot.addWidget(dock)
    dock.show()
    return dock, urls


@pytest.fixture
def dock(opened: tuple[TransferDock, list[QUrl]]) -> TransferDock:
    return opened[0]


def select(dock: TransferDock, *row_ids: str) -> None:
    selection = dock.view.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row_id in row_ids:
        selection.select(dock.model.index_of(row_id), flags)


def action(dock: TransferDock, name: str) -> QAction:
    found = dock.findChild(QAction, name)
    assert found is not None, name
    return found


def test_the_dock_has_stable_names_and_every_action(dock: TransferDock) -> None:
    assert dock.objectName() == "transferQueue"
    assert dock.accessibleName() == "Transfers"
    assert dock.windowTitle() == "Transfers"
    assert dock.view.objectName() == "transferView"
    assert dock.view.uniformRowHeights()
    names = ["pauseTransfers", "resumeTransfers", "cancelTransfers", "retryTransfers"]
    names += ["removeTransfers", "clearFinished", "revealTransfer", "pauseAll", "resumeAll"]
    for name in names:
        assert action(dock, name).toolTip()
    menu = dock.context_menu()
    assert {a.objectName() for a in menu.actions()} >= set(names)


def test_the_empty_hint_shows_until_a_transfer_arrives_and_after_the_last_goes(
    dock: TransferDock, service: RecordingService, tmp_path: Path, qtbot: QtBot
) -> None:
    assert dock.folded  # an empty panel starts folded to its header
    assert dock.is_empty_hint_shown()
    assert dock.hint.text() == EMPTY_HINT
    dock.set_folded(False)
    assert dock.hint.isVisibleTo(dock)
    assert not dock.view.isVisibleTo(dock)
    t = make_transfer(tmp_path, "a.bin")
    service.transfers_changed.emit([t])
    qtbot.waitUntil(lambda: dock.view.isVisibleTo(dock), timeout=10_000)
    assert not dock.hint.isVisibleTo(dock)
    service.transfers_removed.emit([t.id])
    qtbot.waitUntil(lambda: dock.hint.isVisibleTo(dock), timeout=10_000)


def test_pause_and_cancel_send_the_selected_ids_that_they_apply_to(
    dock: TransferDock, service: RecordingService, tmp_path: Path
) -> None:
    running = make_transfer(tmp_path, "a", state=State.RUNNING)
    done = make_transfer(tmp_path, "b", state=State.DONE)
    paused = make_transfer(tmp_path, "c", state=State.PAUSED)
    service.transfers_changed.emit([running, done, paused])
    select(dock, running.id, done.id, paused.id)
    action(dock, "pauseTransfers").trigger()
    action(dock, "cancelTransfers").trigger()
    action(dock, "resumeTransfers").trigger()
    assert service.calls == [
        ("pause", [running.id]),
        ("cancel", [running.id, paused.id]),
        ("resume", [paused.id]),
    ]


def test_retry_is_enabled_only_for_failed_or_cancelled_rows(
    dock: TransferDock, service: RecordingService, tmp_path: Path
) -> None:
    failed = make_transfer(tmp_path, "a", state=State.FAILED, error="Access denied")
    done = make_transfer(tmp_path, "b", state=State.DONE)
    service.transfers_changed.emit([failed, done])
    retry = action(dock, "retryTransfers")
    select(dock, done.id)
    assert not retry.isEnabled()
    assert not action(dock, "pauseTransfers").isEnabled()
    select(dock, done.id, failed.id)
    assert retry.isEnabled()
    retry.trigger()
    assert service.calls == [("retry", [failed.id])]


def test_actions_follow_state_changes_of_the_selected_rows(
    dock: TransferDock, service: RecordingService, tmp_path: Path, qtbot: QtBot
) -> None:
    t = make_transfer(tmp_path, "a", state=State.RUNNING)
    service.transfers_changed.emit([t])
    select(dock, t.id)
    assert action(dock, "pauseTransfers").isEnabled()
    service.transfers_changed.emit([replace(t, state=State.FAILED, error="Connection reset")])
    # Updated once after the flush's changes, not once per changed range.
    qtbot.waitUntil(lambda: not action(dock, "pauseTransfers").isEnabled(), timeout=10_000)
    assert action(dock, "retryTransfers").isEnabled()
    assert action(dock, "clearFinished").isEnabled()


def test_a_selected_folder_row_sends_its_group_id(
    dock: TransferDock, service: RecordingService, tmp_path: Path
) -> None:
    group = TransferGroup(Direction.UPLOAD, "photos", "acct", "bucket", "backup/photos/", str(tmp_path))
    service.groups_added.emit([group])
    files = [make_transfer(tmp_path, f"{i}.jpg", group) for i in range(3)]
    service.transfers_changed.emit(files)
    assert dock.model.rowCount(dock.model.index_of(group.id)) == 3
    select(dock, group.id)
    action(dock, "cancelTransfers").trigger()
    assert service.calls == [("cancel", [group.id])]


def test_remove_from_list_takes_a_folders_finished_files_and_asks_about_the_rest(
    dock: TransferDock, service: RecordingService, tmp_path: Path, qtbot: QtBot
) -> None:
    group = TransferGroup(Direction.UPLOAD, "photos", "acct", "bucket", "backup/photos/", str(tmp_path))
    service.groups_added.emit([group])
    done = make_transfer(tmp_path, "0.jpg", group, state=State.DONE)
    rest = [make_transfer(tmp_path, f"{i}.jpg", group, state=State.QUEUED) for i in (1, 2)]
    service.transfers_changed.emit([done, *rest])
    select(dock, group.id)
    assert action(dock, "removeTransfers").shortcut().matches(QKeySequence(Qt.Key.Key_Delete))
    action(dock, "removeTransfers").trigger()
    assert service.calls == [("remove_finished", [done.id])]
    box = dock.last_dialog
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible, timeout=10_000)
    assert box.text() == "Cancel 2 transfers that have not finished?"
    # One of them fails while the question is open: it is not cancelled (its parts stay for Retry).
    service.transfers_changed.emit([replace(rest[0], state=State.FAILED, error="Access denied")])
    box.button(QMessageBox.StandardButton.Yes).click()
    assert service.calls[-1] == ("cancel", [rest[1].id])


def test_files_of_a_folder_the_dock_missed_still_land_under_it(
    dock: TransferDock, service: RecordingService, tmp_path: Path
) -> None:
    group = TransferGroup(Direction.DOWNLOAD, "docs", "acct", "bucket", "docs/", str(tmp_path))
    service.groups[group.id] = group  # announced before the dock existed
    service.transfers_changed.emit([make_transfer(tmp_path, "a.pdf", group)])
    assert dock.model.rowCount() == 1
    assert dock.model.index(0, 0).data(TransferRole.ID) == group.id


def test_pause_all_and_resume_all_act_on_the_whole_queue(
    dock: TransferDock, service: RecordingService, tmp_path: Path
) -> None:
    group = TransferGroup(Direction.UPLOAD, "photos", "acct", "bucket", "backup/photos/", str(tmp_path))
    service.groups_added.emit([group])
    queued = make_transfer(tmp_path, "q.jpg", group)
    paused = make_transfer(tmp_path, "p", state=State.PAUSED)
    done = make_transfer(tmp_path, "d", state=State.DONE)
    service.transfers_changed.emit([queued, paused, done])
    assert not dock.view.selectionModel().hasSelection()
    action(dock, "pauseAll").trigger()
    action(dock, "resumeAll").trigger()
    action(dock, "clearFinished").trigger()
    assert service.calls == [("pause", [group.id]), ("resume", [paused.id]), ("remove_finished", [done.id])]


def test_reveal_opens_the_folder_of_the_selected_file(
    opened: tuple[TransferDock, list[QUrl]], service: RecordingService, tmp_path: Path
) -> None:
    dock, urls = opened
    (tmp_path / "loose").mkdir()
    t = make_transfer(tmp_path, "report.pdf", state=State.DONE)
    service.transfers_changed.emit([t])
    reveal = action(dock, "revealTransfer")
    assert not reveal.isEnabled()
    select(dock, t.id)
    assert reveal.isEnabled()
    reveal.trigger()
    assert urls == [QUrl.fromLocalFile(str(tmp_path / "loose"))]


def test_reveal_of_a_download_whose_folder_is_not_made_yet_opens_the_nearest_folder(
    opened: tuple[TransferDock, list[QUrl]], service: RecordingService, tmp_path: Path
) -> None:
    dock, urls = opened
    t = make_transfer(tmp_path, "report.pdf")  # tmp_path/loose does not exist
    service.transfers_changed.emit([t])
    select(dock, t.id)
    action(dock, "revealTransfer").trigger()
    assert urls == [QUrl.fromLocalFile(str(tmp_path))]


def test_a_selected_folder_and_its_files_send_the_folder_once(
    dock: TransferDock, service: RecordingService, tmp_path: Path
) -> None:
    group = TransferGroup(Direction.UPLOAD, "photos", "acct", "bucket", "backup/photos/", str(tmp_path))
    service.groups_added.emit([group])
    files = [make_transfer(tmp_path, f"{i}.jpg", group) for i in range(2)]
    loose = make_transfer(tmp_path, "loose.txt")
    service.transfers_changed.emit([*files, loose])
    select(dock, group.id, files[0].id, loose.id)
    action(dock, "pauseTransfers").trigger()
    assert service.calls == [("pause", [group.id, loose.id])]


def test_the_summary_follows_the_rows_not_the_engines_totals(
    dock: TransferDock, service: RecordingService, tmp_path: Path, qtbot: QtBot
) -> None:
    running = make_transfer(tmp_path, "a.bin", state=State.RUNNING)
    queued = make_transfer(tmp_path, "b.bin", state=State.QUEUED)
    service.transfers_changed.emit([running, queued])
    # Totals that disagree with the rows: the summary says what the rows show.
    wrong = QueueStatus(Totals(9, 9, 9, 5 * MB, 20 * MB, 0), 1.5 * MB)
    with qtbot.waitSignal(dock.summary_changed, timeout=10_000) as blocker:
        service.status_changed.emit(wrong)
    (text,) = blocker.args
    assert text.startswith("Transfers: 1 running, 1 queued")
    assert "failed" not in text
    with qtbot.assertNotEmitted(dock.summary_changed):
        service.status_changed.emit(wrong)


@pytest.mark.parametrize(
    ("totals", "speed", "expected"),
    [
        (
            Totals(123, 3, 1, 45 * MB, 1_200 * MB, 0),
            12.3 * MB,
            "Transfers: 3 running, 120 queued · 45.0 MB of 1.2 GB · 12.3 MB/s · 1 failed",
        ),
        (Totals(5, 0, 0, 0, 50 * MB, 0), 0.0, "Transfers: 5 queued · 0 bytes of 50.0 MB"),
        (Totals(0, 0, 2, 0, 0, 9 * MB), 0.0, "Transfers: 2 failed"),
        (Totals(0, 0, 0, 0, 0, 9 * MB), 0.0, ""),
    ],
)
def test_status_text_summarises_the_queue(totals: Totals, speed: float, expected: str) -> None:
    assert status_text(QueueStatus(totals, speed)) == expected


def is_bar_fill(color: QColor, highlight: QColor) -> bool:
    """A pixel of the bar's filled part: the highlight's hue, clearly saturated (not text or frame)."""
    return color.hslSaturationF() > 0.35 and abs(color.hslHue() - highlight.hslHue()) <= 20


def filled_share(image: QImage, bar: QRect, highlight: QColor) -> float:
    """How far from the bar's left end the fill reaches, as a share of the bar's width.

    A column counts as filled when most of its pixels are fill-coloured; the share is
    measured to the rightmost such column (text drawn over the fill leaves gaps).
    """
    filled = [
        x
        for x in range(bar.left(), bar.right() + 1)
        if sum(is_bar_fill(image.pixelColor(x, y), highlight) for y in range(bar.top(), bar.bottom() + 1))
        > bar.height() // 2
    ]
    if not filled:
        return 0.0
    assert filled[0] - bar.left() <= 3, "the fill starts at the bar's left end"
    return (filled[-1] - bar.left() + 1) / bar.width()


@pytest.mark.parametrize("percent", [0, 40, 100])
def test_the_progress_column_paints_a_bar_filled_as_far_as_the_transfer_got(
    dock: TransferDock, service: RecordingService, tmp_path: Path, qtbot: QtBot, percent: int
) -> None:
    dock.resize(900, 200)  # wide enough that the Progress column is on screen
    t = make_transfer(tmp_path, "a", state=State.RUNNING, bytes_done=percent * 10 * MB // 100)
    service.transfers_changed.emit([t])
    qtbot.waitUntil(lambda: dock.view.isVisible(), timeout=10_000)
    cell = dock.view.visualRect(dock.model.index(0, TransferColumn.PROGRESS))
    assert dock.view.viewport().rect().contains(cell)
    image = dock.view.viewport().grab().toImage()
    bar = cell.adjusted(MARGIN_X + 2, MARGIN_Y + 2, -MARGIN_X - 2, -MARGIN_Y - 2)  # inside its frame
    highlight = dock.view.palette().color(QPalette.ColorRole.Highlight)
    assert filled_share(image, bar, highlight) == pytest.approx(percent / 100, abs=0.06)
    # The percentage is written on the bar: dark text pixels in its middle third.
    middle = bar.adjusted(bar.width() // 3, 0, -(bar.width() // 3), 0)
    dark = sum(
        image.pixelColor(x, y).lightnessF() < 0.4 and not is_bar_fill(image.pixelColor(x, y), highlight)
        for x in range(middle.left(), middle.right() + 1)
        for y in range(middle.top(), middle.bottom() + 1)
    )
    assert dark > 5 or percent == 100  # at 100 % the text is drawn light on the fill


def test_the_progress_delegate_never_raises(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = QTreeView()
    qtbot.addWidget(view)
    model = QStandardItemModel(1, 1)
    item = QStandardItem("x")
    item.setData("not a number", TransferRole.PROGRESS)
    model.setItem(0, 0, item)
    view.setModel(model)
    delegate = ProgressDelegate(view)
    option = QStyleOptionViewItem()
    option.widget = view
    option.rect = QRect(0, 0, 100, 20)
    pixmap = QPixmap(100, 20)
    painter = QPainter(pixmap)

    def broken(*args: object) -> None:
        raise RuntimeError("style went away")

    try:
        delegate.paint(painter, option, model.index(0, 0))  # not a number: a plain cell
        item.setData(50, TransferRole.PROGRESS)
        delegate.paint(painter, option, model.index(0, 0))
        monkeypatch.setattr(delegate, "_paint_bar", broken)
        with caplog.at_level(logging.ERROR):
            delegate.paint(painter, option, model.index(0, 0))  # falls back to a plain cell
            delegate.paint(painter, option, model.index(0, 0))
    finally:
        painter.end()
    assert [r.message for r in caplog.records].count("progress bar paint failed (logged once)") == 1


@pytest.mark.parametrize("state", [State.PAUSED, State.FAILED])
def test_a_paused_or_failed_row_never_paints_a_bar_that_reads_as_begun_or_done(
    dock: TransferDock, service: RecordingService, tmp_path: Path, qtbot: QtBot, state: TransferState,
    palette: str,
) -> None:  # fmt: skip
    """Every byte went before the pause (or the failure): still not a highlighted full bar; a
    paused bar is grey, its percentage legible on it in light and dark palettes."""
    dock.resize(900, 200)
    done = make_transfer(tmp_path, "done", state=State.DONE, bytes_done=10 * MB)
    stopped = make_transfer(tmp_path, "stopped", state=state, bytes_done=10 * MB)
    service.transfers_changed.emit([done, stopped])
    qtbot.waitUntil(lambda: dock.view.isVisible() and dock.model.rowCount() == 2, timeout=10_000)
    dock.view.clearSelection()
    dock.view.setCurrentIndex(QModelIndex())
    QApplication.processEvents()
    image = dock.view.viewport().grab().toImage()
    highlight = dock.view.palette().color(QPalette.ColorRole.Highlight)

    def bar_of(row: int) -> QRect:
        cell = dock.view.visualRect(dock.model.index(row, TransferColumn.PROGRESS))
        assert dock.view.viewport().rect().contains(cell)
        return cell.adjusted(MARGIN_X + 2, MARGIN_Y + 2, -MARGIN_X - 2, -MARGIN_Y - 2)

    rows = {dock.model.index(r, TransferColumn.NAME).data(): r for r in range(2)}
    assert filled_share(image, bar_of(rows["done"]), highlight) == pytest.approx(1.0, abs=0.06)
    bar = bar_of(rows["stopped"])
    assert filled_share(image, bar, highlight) == 0.0
    line = [image.pixelColor(x, bar.top() + 2) for x in range(bar.left(), bar.right())]  # above the text
    base = dock.view.palette().color(QPalette.ColorRole.Base)
    if state == State.PAUSED:  # a grey bar, filled as far as it got, its "100%" legible on it
        fill = QColor(Counter(c.rgb() for c in line).most_common(1)[0][0])
        assert fill.hslSaturationF() < 0.1
        assert contrast_ratio(rgb(fill.rgb()), rgb(base.rgb())) > 1.3  # a bar, not the background
        assert sum(c == fill for c in line) > 0.7 * len(line)
        assert text_contrast(image, bar)[0] >= 4.5
    else:  # no bar: the cell says so in words
        assert dock.model.index(rows["stopped"], TransferColumn.PROGRESS).data() == "Failed"
        assert not any(is_bar_fill(c, highlight) for c in line)


def test_names_that_differ_only_at_their_end_read_apart_and_the_name_takes_the_room(
    dock: TransferDock, service: RecordingService, tmp_path: Path, qtbot: QtBot
) -> None:
    """Cut at the end, seven "quarterly-financial-re…" rows could not be told apart."""
    dock.resize(1280, 200)
    names = [f"quarterly-financial-report-for-the-board-{'of-directors-' * 4}2024-Q{q}.pdf" for q in (1, 2)]
    service.transfers_changed.emit([make_transfer(tmp_path, name) for name in names])
    qtbot.waitUntil(lambda: dock.view.isVisible() and dock.model.rowCount() == 2, timeout=10_000)
    dock.view.clearSelection()
    dock.view.setCurrentIndex(QModelIndex())
    header = dock.view.header()
    widest = max(range(header.count()), key=header.sectionSize)
    assert widest == TransferColumn.NAME
    width = header.sectionSize(TransferColumn.NAME)
    assert dock.view.fontMetrics().horizontalAdvance(names[0]) > width - 40  # the column has to cut them
    dock.view.setAlternatingRowColors(False)  # the two cells then differ by their text only
    QApplication.processEvents()
    image = dock.view.viewport().grab().toImage()
    cells = [image.copy(dock.view.visualRect(dock.model.index(row, TransferColumn.NAME))) for row in (0, 1)]
    assert cells[0] != cells[1]


def test_a_narrow_panel_hides_time_left_and_speed_before_progress_goes_out_of_sight(
    dock: TransferDock, service: RecordingService, tmp_path: Path, qtbot: QtBot
) -> None:
    """At 640 px Progress, Size, Speed and ETA were scrolled out of sight."""
    service.transfers_changed.emit([make_transfer(tmp_path, "a.bin", state=State.RUNNING, bytes_done=4 * MB)])
    qtbot.waitUntil(lambda: dock.view.isVisible() and dock.model.rowCount() == 1, timeout=10_000)
    view, header = dock.view, dock.view.header()

    def seen(column: TransferColumn) -> bool:
        cell = view.visualRect(dock.model.index(0, column))
        return not header.isSectionHidden(column) and view.viewport().rect().contains(cell)

    dock.resize(640, 240)
    qtbot.waitUntil(
        lambda: (
            header.isSectionHidden(TransferColumn.ETA)
            and seen(TransferColumn.PROGRESS)
            and seen(TransferColumn.STATUS)
        ),
        timeout=10_000,
    )
    assert header.sectionSize(TransferColumn.NAME) >= 150
    dock.resize(480, 240)  # narrower still: Status gives some of its width, Progress stays whole
    qtbot.waitUntil(
        lambda: seen(TransferColumn.PROGRESS) and header.sectionSize(TransferColumn.NAME) >= 180,
        timeout=10_000,
    )
    assert header.sectionSize(TransferColumn.STATUS) < 240
    dock.resize(900, 240)  # only as many give way as must: the time left
    qtbot.waitUntil(lambda: seen(TransferColumn.SPEED) and seen(TransferColumn.SIZE), timeout=10_000)
    assert header.isSectionHidden(TransferColumn.ETA)
    assert header.sectionSize(TransferColumn.STATUS) == 240  # its width back
    dock.resize(1400, 240)
    qtbot.waitUntil(lambda: all(seen(c) for c in TransferColumn), timeout=10_000)
