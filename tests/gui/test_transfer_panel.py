"""The Transfers panel in the real window against a local S3 server: what a user sees in it.

Issue 7, items 6, 7, 8, 10, 11 and 12 (the transfer parts): new rows scrolled into view,
“Keep both” names, a status bar that agrees with the rows, whole error messages, Cancel
All and Retry All, a stable row order, a toolbar that overflows instead of clipping,
legible colours in light and dark palettes, a panel that starts folded, the downloads
folder, and the throughput graph.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from PySide6.QtCore import (
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QPoint,
    QPointF,
    QRect,
    Qt,
    QTimer,
    QUrl,
)
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QToolButton,
)
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.conflicts import ConflictPolicy
from spacesgui.core.contrast import contrast_ratio
from spacesgui.core.formatting import human_size
from spacesgui.core.history import Place
from spacesgui.core.throughput import human_rate
from spacesgui.core.throughput_history import scale_text, scale_top
from spacesgui.core.transfer_settings import EngineSettings
from spacesgui.core.transfers import TransferState
from spacesgui.qtmodels.roles import ObjectRole
from spacesgui.qtmodels.transfer_model import TransferColumn, TransferRole
from spacesgui.services.transfer_planner import DownloadItem
from spacesgui.ui.transfers.transfer_actions import TransferActions
from spacesgui.ui.transfers.transfer_dock import TransferDock
from spacesgui.ui.transfers.transfer_settings_dialog import TransferSettingsDialog
from tests.gui.conftest import wait_listed
from tests.gui.palettes import pixels_near, text_contrast

State = TransferState
KB = 1000
Browse = Callable[[Iterable[str]], App]


# -- helpers ----------------------------------------------------------------------------
def actions_of(app: App) -> TransferActions:
    actions = app.window.transfer_actions
    assert actions is not None
    return actions


def dock_of(app: App) -> TransferDock:
    return actions_of(app).dock


def drop(app: App, paths: Iterable[Path]) -> None:
    """Drop local `paths` on empty space of the object view, as a file manager would."""
    view = app.window.object_view
    point = QPointF(QPoint(10, view.viewport().height() - 5))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), QDragEnterEvent(point.toPoint(), *args))
    QApplication.sendEvent(view.viewport(), QDragMoveEvent(point.toPoint(), *args))
    QApplication.sendEvent(view.viewport(), QDropEvent(point, *args))


def wait_finished(qtbot: QtBot, app: App, count: int, timeout: int = 60_000) -> None:
    def finished() -> None:
        transfers = app.transfers.engine.transfers()
        assert len(transfers) == count
        assert all(t.state.finished for t in transfers), [(t.key, t.state, t.error) for t in transfers]

    qtbot.waitUntil(finished, timeout=timeout)


def slow_down(app: App, bytes_per_s: int, files: int = 8) -> None:
    app.transfers.engine.apply_settings(EngineSettings(bandwidth_limit=bytes_per_s, parallel_files=files))


def top_rows(dock: TransferDock) -> list[QModelIndex]:
    return [dock.model.index(row, 0) for row in range(dock.model.rowCount())]


def cell(index: QModelIndex, column: TransferColumn, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    return index.sibling(index.row(), column).data(role)


def select_object(app: App, key: str) -> None:
    flat = app.window.object_view.flat
    for row in range(flat.rowCount()):
        if flat.index(row, 0).data(ObjectRole.KEY) == key:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            app.window.object_view.selectionModel().select(flat.index(row, 0), flags)
            return
    raise AssertionError(f"{key} is not shown")


def no_dialog(*_args: object, **_kwargs: object) -> str:
    raise AssertionError("a folder dialog opened")


@pytest.fixture
def files(tmp_path: Path) -> Callable[..., list[Path]]:
    """Yield `make(names, size)`: local files of `size` random bytes, in a folder of their own."""

    def make(names: Iterable[str], size: int = 10, folder: str = "local") -> list[Path]:
        paths = []
        for name in names:
            path = tmp_path / folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(os.urandom(size))
            paths.append(path)
        return paths

    return make


# -- item 10: folded when empty -------------------------------------------------------------
def test_the_panel_starts_folded_to_its_header_and_opens_for_the_first_transfer(
    browse_moto: Browse, files: Callable[..., list[Path]], qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt"])
    dock = dock_of(app)
    header = dock.title_bar
    assert dock.isVisible()
    assert dock.folded
    assert dock.height() <= header.sizeHint().height() + 2
    assert dock.width() == app.window.width()  # a header across the window, not a stub
    assert not dock.hint.isVisible()
    assert not dock.toolbar.isVisible()
    assert header.summary.text() == "No transfers"
    assert header.fold_button.arrowType() == Qt.ArrowType.RightArrow
    drop(app, files(["new.txt"]))
    qtbot.waitUntil(lambda: not dock.folded and dock.view.isVisible(), timeout=20_000)
    qtbot.waitUntil(lambda: dock.height() > 120, timeout=10_000)
    assert cell(top_rows(dock)[0], TransferColumn.NAME) == "new.txt"
    assert dock.view.visualRect(top_rows(dock)[0]).intersects(dock.view.viewport().rect())


def test_a_rename_leaves_the_panel_folded_and_the_next_upload_opens_it(
    browse_moto: Browse, files: Callable[..., list[Path]], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """A file manager's user who renamed a file does not expect a transfers panel to open."""
    app = browse_moto(["a.txt"])
    dock = dock_of(app)
    edit = app.window.edit_actions
    assert edit is not None
    edit.rename("a.txt", "b.txt")
    qtbot.waitUntil(lambda: dock.model.counts()[State.DONE] == 1, timeout=30_000)  # the move, as a row
    assert {e.key for e in moto_store.iter_objects(moto_bucket, "")} == {"b.txt"}
    assert dock.folded
    qtbot.waitUntil(lambda: dock.title_bar.summary.text() == "1 done", timeout=10_000)  # not blank
    drop(app, files(["new.txt"]))
    qtbot.waitUntil(lambda: not dock.folded and dock.view.isVisible(), timeout=20_000)


def test_a_rename_that_fails_opens_the_panel_to_say_why(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt"])
    dock = dock_of(app)
    moto_store.client.delete_object(Bucket=moto_bucket, Key="a.txt")  # gone behind the app's back
    edit = app.window.edit_actions
    assert edit is not None
    edit.rename("a.txt", "b.txt")
    qtbot.waitUntil(lambda: dock.model.counts()[State.FAILED] == 1, timeout=60_000)
    qtbot.waitUntil(lambda: not dock.folded and dock.view.isVisible(), timeout=10_000)


def test_the_header_button_folds_and_opens_the_panel(browse_moto: Browse, qtbot: QtBot) -> None:
    app = browse_moto([])
    dock = dock_of(app)
    dock.title_bar.fold_button.click()
    qtbot.waitUntil(lambda: dock.hint.isVisible() and dock.height() > 120, timeout=10_000)
    dock.title_bar.fold_button.click()
    qtbot.waitUntil(
        lambda: not dock.hint.isVisible() and dock.height() <= dock.title_bar.sizeHint().height() + 2,
        timeout=10_000,
    )


# -- item 6: the rows -----------------------------------------------------------------------
def test_a_new_transfer_is_scrolled_into_view(
    browse_moto: Browse, files: Callable[..., list[Path]], qtbot: QtBot
) -> None:
    app = browse_moto([])
    dock = dock_of(app)
    drop(app, files([f"file{i:02}.txt" for i in range(30)]))
    wait_finished(qtbot, app, 30)
    qtbot.waitUntil(lambda: dock.model.rowCount() == 30, timeout=10_000)
    dock.view.scrollToTop()
    assert not dock.view.visualRect(top_rows(dock)[-1]).intersects(dock.view.viewport().rect())
    drop(app, files(["latest.txt"], folder="more"))
    qtbot.waitUntil(lambda: dock.model.rowCount() == 31, timeout=20_000)
    newest = top_rows(dock)[-1]
    assert cell(newest, TransferColumn.NAME) == "latest.txt"

    def shown() -> None:
        rect = dock.view.visualRect(newest)
        assert dock.view.viewport().rect().contains(rect.adjusted(0, 0, -rect.width() + 1, 0))

    qtbot.waitUntil(shown, timeout=5_000)


def test_two_files_of_one_name_sent_to_two_folders_say_where_each_goes(
    browse_moto: Browse, palette: str, files: Callable[..., list[Path]], moto_account: Account,
    moto_bucket: str, qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto(["reports/2023/a.txt", "reports/2024/a.txt"])
    slow_down(app, 2 * KB)  # still on their way while the panel is looked at
    [report] = files(["quarterly-report.pdf"], size=200 * KB)
    for folder in ("reports/2023/", "reports/2024/"):
        app.window.navigate(Place(moto_account.id, moto_bucket, folder))
        wait_listed(qtbot, app)
        drop(app, [report])
    dock = dock_of(app)
    qtbot.waitUntil(lambda: dock.model.rowCount() == 2, timeout=20_000)
    dock.view.clearSelection()
    dock.view.setCurrentIndex(QModelIndex())
    rows = top_rows(dock)
    assert [cell(r, TransferColumn.NAME) for r in rows] == ["quarterly-report.pdf"] * 2
    assert [cell(r, TransferColumn.NAME, TransferRole.WHERE) for r in rows] == [
        f"to {moto_bucket}/reports/2023/", f"to {moto_bucket}/reports/2024/",
    ]  # fmt: skip

    # Drawn after the name, in a quieter colour that still reads, and not the same on both rows.
    view = dock.view
    app.window.resize(1600, 900)  # the Name column takes the width the others leave
    qtbot.waitUntil(lambda: view.columnWidth(TransferColumn.NAME) >= 400, timeout=10_000)
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio() or 1.0
    # Past the icon (under 60 px from the cell's left), the name, and the gap: only the
    # destination can be painted there.
    past_name = 60 + view.fontMetrics().horizontalAdvance("quarterly-report.pdf  ")
    painted = []
    for row in rows:
        rect = view.visualRect(row)
        after = QRect(rect.left() + past_name, rect.top(), rect.width() - past_name, rect.height())
        area = QRect(*(int(v * ratio) for v in (after.left(), after.top(), after.width(), after.height())))
        contrast, _colour = text_contrast(image, area)
        assert contrast >= 4.5, f"destination contrast {contrast:.2f}:1 in the {palette} palette"
        painted.append(image.copy(area))
    assert painted[0] != painted[1]  # "…2023/" and "…2024/"


def test_a_keep_both_download_shows_the_name_it_is_saved_under(
    browse_moto: Browse, tmp_path: Path, qtbot: QtBot
) -> None:
    app = browse_moto(["report.pdf", "docs/report.pdf"])
    out = tmp_path / "out"
    (out / "docs").mkdir(parents=True)
    (out / "report.pdf").write_bytes(b"mine")
    (out / "docs" / "report.pdf").write_bytes(b"mine too")
    app.transfers.conflict_policy = ConflictPolicy.RENAME
    items = [DownloadItem("report.pdf", size=1), DownloadItem("docs/", is_folder=True)]
    actions_of(app).download(items, str(out))
    wait_finished(qtbot, app, 2)
    dock = dock_of(app)
    qtbot.waitUntil(lambda: dock.model.rowCount() == 2, timeout=10_000)
    names = {cell(i, TransferColumn.NAME) for i in top_rows(dock)}
    assert names == {"report (1).pdf", "docs"}
    folder = next(i for i in top_rows(dock) if i.data(TransferRole.IS_GROUP))
    assert dock.model.index(0, 0, folder).data() == "report (1).pdf"
    assert (out / "report (1).pdf").read_bytes() == b"1"
    assert (out / "docs" / "report (1).pdf").read_bytes() == b"1"


def test_the_status_bar_bytes_and_speed_are_the_sums_of_the_rows(
    browse_moto: Browse, files: Callable[..., list[Path]], qtbot: QtBot
) -> None:
    app = browse_moto([])
    slow_down(app, 600 * KB, files=3)
    dock = dock_of(app)
    label = actions_of(app).status_label
    paths = files([f"album/{i}.jpg" for i in range(3)], size=500 * KB)
    loose = files(["big.iso"], size=1200 * KB, folder="loose")
    seen: list[tuple[str, str]] = []

    def on_status(_status: object) -> None:  # after the dock's own handler: the same report
        rows = top_rows(dock)
        speed = sum(float(cell(i, TransferColumn.SPEED, TransferRole.SPEED) or 0.0) for i in rows)
        active = [
            i
            for i in rows
            if cell(i, TransferColumn.NAME, TransferRole.STATE) in (State.QUEUED, State.RUNNING)
        ]
        done = sum(cell(i, TransferColumn.NAME, TransferRole.BYTES)[0] for i in active)  # type: ignore[index]
        total = sum(cell(i, TransferColumn.NAME, TransferRole.BYTES)[1] for i in active)  # type: ignore[index]
        if speed > 0 and total:
            seen.append((label.toolTip(), f"{human_size(done)} of {human_size(total)} · {human_rate(speed)}"))

    app.transfers.status_changed.connect(on_status)
    drop(app, [paths[0].parent, loose[0]])
    qtbot.waitUntil(lambda: len(seen) >= 5, timeout=30_000)
    app.transfers.status_changed.disconnect(on_status)
    for shown, summed in seen:
        assert summed in shown, (shown, summed)
    wait_finished(qtbot, app, 4)
    # Finished rows that moved for a while keep their average speed.
    qtbot.waitUntil(
        lambda: all(str(cell(i, TransferColumn.SPEED)).startswith("avg ") for i in top_rows(dock)),
        timeout=10_000,
    )


def test_a_cut_off_error_is_whole_in_its_tooltip_and_in_details(
    browse_moto: Browse, tmp_path: Path, qtbot: QtBot
) -> None:
    app = browse_moto([])
    key = "gone/" + "a-photo-with-a-long-descriptive-name-" * 4 + ".jpg"
    actions_of(app).download([DownloadItem(key, size=5)], str(tmp_path / "out"))
    wait_finished(qtbot, app, 1)
    error = app.transfers.engine.transfers()[0].error
    assert error
    dock = dock_of(app)
    qtbot.waitUntil(
        lambda: dock.model.rowCount() == 1 and dock.model.counts()[State.FAILED] == 1, timeout=10_000
    )
    row = top_rows(dock)[0]
    status = str(cell(row, TransferColumn.STATUS))
    width = dock.view.header().sectionSize(TransferColumn.STATUS)
    assert dock.view.fontMetrics().horizontalAdvance(status) > width  # the column has to cut it
    tooltip = str(cell(row, TransferColumn.STATUS, Qt.ItemDataRole.ToolTipRole))
    assert error in tooltip.replace("&quot;", '"').replace("&amp;", "&")
    details = dock.details_action
    assert not details.isEnabled()
    dock.view.setCurrentIndex(row)
    assert details.isEnabled()
    details.trigger()
    box = dock.last_dialog
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible, timeout=5_000)
    assert error in box.informativeText()
    assert key in box.informativeText()
    box.close()


def test_cancel_all_asks_then_stops_every_unfinished_transfer(
    browse_moto: Browse, files: Callable[..., list[Path]], moto_store: S3Store, moto_bucket: str,
    qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto([])
    slow_down(app, 100 * KB, files=1)
    dock = dock_of(app)
    drop(app, files([f"{i}.bin" for i in range(3)], size=400 * KB))
    qtbot.waitUntil(lambda: dock.model.counts()[State.RUNNING] == 1, timeout=20_000)
    dock.cancel_all_action.trigger()
    box = dock.last_dialog
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible, timeout=5_000)
    box.button(QMessageBox.StandardButton.No).click()  # “Keep Them”
    assert all(not t.state.finished for t in app.transfers.engine.transfers())
    dock.cancel_all_action.trigger()
    box = dock.last_dialog
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible, timeout=5_000)
    assert box.button(QMessageBox.StandardButton.Yes).text() == "Cancel Transfers"
    box.button(QMessageBox.StandardButton.Yes).click()
    wait_finished(qtbot, app, 3)
    assert {t.state for t in app.transfers.engine.transfers()} == {State.CANCELLED}
    assert {e.key for e in moto_store.iter_objects(moto_bucket, "")} == set()
    qtbot.waitUntil(lambda: dock.model.counts()[State.CANCELLED] == 3, timeout=10_000)


def test_retry_all_runs_every_failed_transfer_again(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, tmp_path: Path, qtbot: QtBot
) -> None:
    app = browse_moto([])
    out = tmp_path / "out"
    items = [DownloadItem("later/a.txt", size=1), DownloadItem("later/b.txt", size=1)]
    actions_of(app).download(items, str(out))
    wait_finished(qtbot, app, 2)
    dock = dock_of(app)
    qtbot.waitUntil(lambda: dock.model.counts()[State.FAILED] == 2, timeout=10_000)
    # The actions follow the rows once a batch of row changes is in (next event-loop turn).
    qtbot.waitUntil(dock.retry_all_action.isEnabled, timeout=10_000)
    for key, body in (("later/a.txt", b"A"), ("later/b.txt", b"B")):
        moto_store.client.put_object(Bucket=moto_bucket, Key=key, Body=body)
    dock.retry_all_action.trigger()
    qtbot.waitUntil(lambda: dock.model.counts()[State.DONE] == 2, timeout=30_000)
    assert (out / "a.txt").read_bytes() == b"A"
    assert (out / "b.txt").read_bytes() == b"B"
    qtbot.waitUntil(lambda: not dock.retry_all_action.isEnabled(), timeout=10_000)


def test_rows_keep_the_order_they_were_planned_in_while_transfers_run(
    browse_moto: Browse, files: Callable[..., list[Path]], qtbot: QtBot
) -> None:
    app = browse_moto([])
    slow_down(app, 800 * KB, files=3)
    dock = dock_of(app)
    folder = files([f"pics/{i:02}.jpg" for i in range(24)], size=60 * KB)[0].parent
    loose = files(["zeta.txt", "alpha.txt", "mid.txt"], folder="loose")
    drop(app, [folder, *loose])

    def rows() -> tuple[list[str], list[str]]:
        top = top_rows(dock)
        group = next((i for i in top if i.data(TransferRole.IS_GROUP)), QModelIndex())
        children = [dock.model.index(r, 0, group).data() for r in range(dock.model.rowCount(group))]
        return [str(i.data()) for i in top], children

    qtbot.waitUntil(lambda: len(rows()[1]) == 24 and len(rows()[0]) == 4, timeout=20_000)
    planned = [t.key for t in app.transfers.engine.transfers()]  # the engine keeps plan order
    expected_children = [k.removeprefix("pics/") for k in planned if k.startswith("pics/")]
    expected_top = ["pics", *(k for k in planned if "/" not in k)]
    snapshots = [rows()]
    while not all(t.state.finished for t in app.transfers.engine.transfers()):
        qtbot.waitSignal(app.transfers.status_changed, timeout=10_000).wait()
        snapshots.append(rows())
    assert len(snapshots) > 3
    for top, children in snapshots:
        assert top == expected_top
        assert children == expected_children


# -- item 7: the toolbar at 800 px ----------------------------------------------------------
@pytest.mark.parametrize("width", [800, 640])
def test_every_toolbar_action_is_reachable_on_a_narrow_window(
    browse_moto: Browse, qtbot: QtBot, width: int
) -> None:
    app = browse_moto([])
    window = app.window
    window.resize(width, 600)
    dock = dock_of(app)
    dock.reveal()
    qtbot.waitUntil(
        lambda: window.width() == width and dock.toolbar.isVisible() and dock.toolbar.height() > 20,
        timeout=10_000,
    )
    toolbar = dock.toolbar
    shown: set[str] = set()
    bounds = toolbar.rect().intersected(QRect(toolbar.mapFrom(window, QPoint(0, 0)), window.size()))
    for action in toolbar.actions():
        button = toolbar.widgetForAction(action)
        if action.isSeparator() or button is None or not button.isVisible():
            continue
        assert bounds.contains(button.geometry()), f"{action.text()} is cut off"
        shown.add(action.objectName())
    overflow: list[str] = []
    wanted = {a.objectName() for a in toolbar.actions() if not a.isSeparator()}
    if shown != wanted:
        more = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
        assert more is not None
        assert more.isVisible()
        assert bounds.contains(more.geometry()), "the » button is cut off"

        def read_menu() -> None:
            popup = QApplication.activePopupWidget()
            if popup is not None:
                overflow.extend(a.objectName() for a in popup.actions() if not a.isSeparator())
                popup.close()

        QTimer.singleShot(200, read_menu)
        more.click()
        qtbot.waitUntil(lambda: bool(overflow), timeout=5_000)
    assert shown | set(overflow) == wanted


# -- item 8: legible in light and dark palettes ---------------------------------------------
def test_the_empty_panel_hint_reads_in_light_and_dark_palettes(
    browse_moto: Browse, palette: str, qtbot: QtBot
) -> None:
    app = browse_moto([])
    dock = dock_of(app)
    dock.reveal()
    qtbot.waitUntil(lambda: dock.hint.isVisible() and dock.hint.height() > 30, timeout=10_000)
    image = dock.grab(QRect(dock.hint.mapTo(dock, QPoint(0, 0)), dock.hint.size())).toImage()
    ratio, _text = text_contrast(image)
    assert ratio >= 4.5, f"hint contrast {ratio:.2f}:1 in the {palette} palette"


def test_a_failed_row_reads_in_light_and_dark_palettes(
    browse_moto: Browse, palette: str, tmp_path: Path, qtbot: QtBot
) -> None:
    app = browse_moto([])
    actions_of(app).download([DownloadItem("missing.txt", size=1)], str(tmp_path))
    wait_finished(qtbot, app, 1)
    dock = dock_of(app)
    qtbot.waitUntil(lambda: dock.model.counts()[State.FAILED] == 1, timeout=10_000)
    dock.view.clearSelection()
    dock.view.setCurrentIndex(QModelIndex())
    row = top_rows(dock)[0]
    rect = dock.view.visualRect(row.sibling(0, TransferColumn.STATUS))
    image = dock.view.viewport().grab(rect).toImage()
    ratio, text = text_contrast(image)
    assert ratio >= 4.5, f"failed-row contrast {ratio:.2f}:1 in the {palette} palette"
    assert text[0] > text[1]
    assert text[0] > text[2]


def test_the_graph_lines_and_labels_read_in_light_and_dark_palettes(
    browse_moto: Browse, palette: str
) -> None:
    graph = dock_of(browse_moto([])).graph
    upload, download, label = graph.colours()
    base = graph.palette().color(QPalette.ColorRole.Base)
    background = (base.red(), base.green(), base.blue())
    for colour, minimum in ((upload, 3.0), (download, 3.0), (label, 4.5)):
        assert contrast_ratio((colour.red(), colour.green(), colour.blue()), background) >= minimum


# -- item 11: the downloads folder ----------------------------------------------------------
def test_download_saves_into_the_chosen_downloads_folder_without_asking(
    browse_moto: Browse, build_window: Callable[[], App], tmp_path: Path, qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    app = browse_moto(["notes.txt"])
    folder = tmp_path / "my downloads"
    folder.mkdir()
    actions = actions_of(app)
    actions.open_settings()
    dialog = actions.last_dialog
    assert isinstance(dialog, TransferSettingsDialog)
    assert dialog.downloads_edit.placeholderText()  # the platform's Downloads, when left empty
    dialog.downloads_edit.setText(str(folder))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(no_dialog))
    select_object(app, "notes.txt")
    assert actions.download_action.shortcut().toString() == "Ctrl+D"
    actions.download_action.trigger()
    wait_finished(qtbot, app, 1)
    assert (folder / "notes.txt").read_bytes() == b"1"
    assert build_window().transfers.download_folder == str(folder)  # remembered


def test_a_missing_downloads_folder_is_said_plainly_and_the_folder_is_asked_for(
    browse_moto: Browse, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = browse_moto(["notes.txt"])
    app.transfers.set_download_folder(str(tmp_path / "unplugged drive"))
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    asked: list[str] = []
    banner = app.window.banner

    def pick(*_args: object, **_kwargs: object) -> str:
        asked.append(banner.text())  # what the user reads while choosing
        return str(chosen)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(pick))
    select_object(app, "notes.txt")
    actions_of(app).download_action.trigger()
    assert len(asked) == 1
    assert "unplugged drive" in asked[0]
    assert "does not exist" in asked[0]
    wait_finished(qtbot, app, 1)
    assert (chosen / "notes.txt").read_bytes() == b"1"
    assert "does not exist" not in banner.text()  # the download went through: no stale warning


def test_download_to_always_asks_where(
    browse_moto: Browse, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = browse_moto(["notes.txt"])
    default = tmp_path / "default"
    default.mkdir()
    app.transfers.set_download_folder(str(default))
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *_a, **_k: str(chosen)))
    select_object(app, "notes.txt")
    to = actions_of(app).download_to_action
    assert to.text() == "Download To…"
    assert to.shortcut().toString() == "Ctrl+Shift+D"
    to.trigger()
    wait_finished(qtbot, app, 1)
    assert (chosen / "notes.txt").read_bytes() == b"1"
    assert not (default / "notes.txt").exists()


# -- item 12: the graph ---------------------------------------------------------------------
def test_the_graph_draws_uploads_and_downloads_apart_on_a_readable_scale(
    browse_moto: Browse, files: Callable[..., list[Path]], moto_store: S3Store, moto_bucket: str,
    tmp_path: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto([])
    moto_store.client.put_object(Bucket=moto_bucket, Key="remote.bin", Body=os.urandom(900 * KB))
    slow_down(app, 400 * KB, files=2)
    dock = dock_of(app)
    graph = dock.graph
    # One direction after the other, so neither line can hide under the other.
    drop(app, files(["local.bin"], size=900 * KB))
    wait_finished(qtbot, app, 1)
    actions_of(app).download([DownloadItem("remote.bin", size=900 * KB)], str(tmp_path / "out"))
    # Once both are done, each line has all its seconds (a download seen only in its first
    # second is one point at the right edge: too few pixels to judge).
    wait_finished(qtbot, app, 2)
    qtbot.waitUntil(
        lambda: any(s.uploaded for s in graph.samples) and sum(1 for s in graph.samples if s.downloaded) >= 2,
        timeout=30_000,
    )
    app.window.resize(1400, 900)  # the graph shows beside the list when the panel has room
    qtbot.waitUntil(lambda: graph.isVisible() and graph.width() >= 170, timeout=10_000)
    peak = max(max(s.uploaded, s.downloaded) for s in graph.samples)
    assert graph.scale_label() == scale_text(scale_top(peak))
    assert peak <= scale_top(peak) < peak * 5 + 10_000  # the top is near the peak, not far above
    # Above the zero line (both lines lie along it when idle, and the legend has samples):
    # each direction's line must have risen off it somewhere.
    above_zero = graph.plot_rect().toAlignedRect().adjusted(0, 0, 0, -4)
    image = graph.grab(above_zero).toImage()
    upload, download, _label = graph.colours()
    base = graph.palette().color(QPalette.ColorRole.Base)
    for colour in (upload, download):
        assert pixels_near(image, colour, base) >= 3, colour.name()
    assert "upload" in graph.toolTip()
    assert "download" in graph.toolTip()
