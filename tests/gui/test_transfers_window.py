"""Uploads and downloads through the real window: drops, pickers' paths, conflicts, landing."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

import pytest
from PySide6.QtCore import QEvent, QItemSelectionModel, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QAction, QDrag, QDragEnterEvent, QDragMoveEvent, QDropEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMenu, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.activity import ActivityAction
from spacesgui.core.conflicts import ConflictPolicy
from spacesgui.core.history import Place
from spacesgui.core.transfers import TransferState
from spacesgui.qtmodels.roles import ObjectRole
from spacesgui.services.transfer_planner import DownloadItem
from spacesgui.ui.transfers import drag_out
from spacesgui.ui.transfers.pending_uploads_dialog import PendingUploadsDialog
from spacesgui.ui.transfers.transfer_settings_dialog import TransferSettingsDialog
from tests.fault_proxy import FaultProxy, Match
from tests.gui.conftest import wait_listed
from tests.gui.test_activity_log import wait_row

MiB = 1024 * 1024


def keys_in(store: S3Store, bucket: str) -> set[str]:
    return {e.key for e in store.iter_objects(bucket, "")}


def file_mime(paths: Iterable[Path]) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drop(app: App, paths: Iterable[Path], at: QPoint | None = None) -> None:
    """Drop local `paths` on the object view, at `at` (viewport coordinates) or empty space."""
    view = app.window.object_view
    point = QPointF(at if at is not None else QPoint(10, view.viewport().height() - 5))
    mime = file_mime(paths)
    actions = Qt.DropAction.CopyAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    # Qt delivers moves and drops only to the widget that accepted the drag's enter event.
    QApplication.sendEvent(
        view.viewport(), QDragEnterEvent(point.toPoint(), actions, mime, buttons, modifiers)
    )
    QApplication.sendEvent(
        view.viewport(), QDragMoveEvent(point.toPoint(), actions, mime, buttons, modifiers)
    )
    QApplication.sendEvent(view.viewport(), QDropEvent(point, actions, mime, buttons, modifiers))


def wait_transfers_done(qtbot: QtBot, app: App, count: int, timeout_s: float = 60) -> None:
    def done() -> None:
        transfers = app.transfers.engine.transfers()
        assert len(transfers) == count
        assert all(t.state.finished for t in transfers), [(t.key, t.state, t.error) for t in transfers]

    qtbot.waitUntil(done, timeout=int(timeout_s * 1000))


def row_of(app: App, key: str) -> int:
    flat = app.window.object_view.flat
    for row in range(flat.rowCount()):
        if flat.index(row, 0).data(ObjectRole.KEY) == key:
            return row
    raise AssertionError(f"{key} not shown")


@pytest.fixture
def local_tree(tmp_path: Path) -> Path:
    """holiday/ with a nested folder and a .DS_Store, plus two loose files."""
    root = tmp_path / "local"
    (root / "holiday" / "day1").mkdir(parents=True)
    (root / "holiday" / "day1" / "beach.jpg").write_bytes(b"\xff\xd8\xff" + b"j" * 100)
    (root / "holiday" / "notes.txt").write_text("sunny")
    (root / "holiday" / ".DS_Store").write_bytes(b"junk")
    (root / "readme.md").write_text("# hi")
    (root / "data.csv").write_text("a,b\n1,2\n")
    return root


def test_dropping_files_and_a_nested_folder_uploads_exactly_those_keys(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    local_tree: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto(["existing.txt"])
    drop(app, [local_tree / "holiday", local_tree / "readme.md", local_tree / "data.csv"])
    wait_transfers_done(qtbot, app, 5)
    assert keys_in(moto_store, moto_bucket) == {
        "existing.txt", "holiday/day1/beach.jpg", "holiday/notes.txt", "readme.md", "data.csv",
    }  # fmt: skip
    skipped = [t for t in app.transfers.engine.transfers() if t.state == TransferState.SKIPPED]
    assert [t.key for t in skipped] == ["holiday/.DS_Store"]
    head = moto_store.head_object(moto_bucket, "holiday/day1/beach.jpg")
    assert head is not None
    assert head.content_type == "image/jpeg"
    # The new folder and files show up without pressing Refresh.
    qtbot.waitUntil(lambda: row_of(app, "holiday/") >= 0 and row_of(app, "readme.md") >= 0, timeout=10_000)


def test_browsing_an_account_readies_the_transfer_process_before_the_first_drop(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, local_tree: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    # The first drop of a session waited 0.3-0.8 s for the transfer process to get the keys
    # and build its store; now browsing the account hands them over before any drop.
    app = build_window()
    assert moto_account.id not in app.transfers.engine.accounts_sent  # type: ignore[attr-defined]
    open_account(app, moto_account)  # its Spaces listed in the left tree; nothing dropped
    qtbot.waitUntil(
        lambda: moto_account.id in app.transfers.engine.accounts_sent,  # type: ignore[attr-defined]
        timeout=30_000,
    )
    assert app.transfers.engine.transfers() == []
    app.window.navigate(Place(moto_account.id, moto_bucket, ""))
    wait_listed(qtbot, app)
    drop(app, [local_tree / "readme.md"])
    wait_transfers_done(qtbot, app, 1)
    assert keys_in(moto_store, moto_bucket) == {"readme.md"}


def test_dropping_onto_a_folder_row_uploads_into_that_folder(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    local_tree: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto(["albums/cover.png", "top.txt"])
    view = app.window.object_view
    folder_rect = view.visualRect(view.flat.index(row_of(app, "albums/"), 0))
    drop(app, [local_tree / "readme.md"], at=folder_rect.center())
    wait_transfers_done(qtbot, app, 1)
    assert keys_in(moto_store, moto_bucket) == {"albums/cover.png", "albums/readme.md", "top.txt"}


def test_dragging_over_a_folder_row_highlights_it(
    browse_moto: Callable[[Iterable[str]], App], local_tree: Path
) -> None:
    app = browse_moto(["albums/cover.png", "top.txt"])
    view = app.window.object_view
    folder_row = row_of(app, "albums/")
    point = view.visualRect(view.flat.index(folder_row, 0)).center()
    mime = file_mime([local_tree / "readme.md"])
    for kind in (QDragEnterEvent, QDragMoveEvent):
        event = kind(
            point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        )
        QApplication.sendEvent(view.viewport(), event)
    assert view.drop_target() == (folder_row, True)
    file_point = view.visualRect(view.flat.index(row_of(app, "top.txt"), 0)).center()
    QApplication.sendEvent(
        view.viewport(),
        QDragMoveEvent(
            file_point,
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        ),
    )
    assert view.drop_target() == (-1, True)  # a file row means “into the open folder”


def test_an_existing_key_asks_and_keep_both_uploads_a_renamed_copy(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    local_tree: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto(["readme.md"])
    drop(app, [local_tree / "readme.md"])
    asker = app.window.transfer_actions.ask_conflict  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: asker.last_dialog is not None and asker.last_dialog.isVisible(), timeout=10_000)
    assert asker.last_dialog is not None
    asker.last_dialog.findChild(QPushButton, f"conflict-{ConflictPolicy.RENAME.value}").click()
    wait_transfers_done(qtbot, app, 1)
    assert keys_in(moto_store, moto_bucket) == {"readme.md", "readme (1).md"}
    # The activity record says why the copy has another name.
    row = wait_row(qtbot, app, ActivityAction.UPLOAD, "readme (1).md")
    assert row[5].endswith("; kept both: “readme.md” was there already")


@pytest.mark.parametrize(
    ("policy", "expected_body", "expected_state"),
    [
        (ConflictPolicy.SKIP, b"1", TransferState.SKIPPED),
        (ConflictPolicy.OVERWRITE, b"# hi", TransferState.DONE),
        (ConflictPolicy.OVERWRITE_IF_DIFFERENT, b"# hi", TransferState.DONE),
    ],
)
def test_a_set_conflict_policy_is_applied_without_asking(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    local_tree: Path, qtbot: QtBot, policy: ConflictPolicy, expected_body: bytes,
    expected_state: TransferState,
) -> None:  # fmt: skip
    app = browse_moto(["readme.md"])
    app.transfers.conflict_policy = policy
    drop(app, [local_tree / "readme.md"])
    wait_transfers_done(qtbot, app, 1)
    assert app.transfers.engine.transfers()[0].state == expected_state
    body = moto_store.client.get_object(Bucket=moto_bucket, Key="readme.md")["Body"].read()
    assert body == expected_body


def test_overwrite_if_different_skips_an_identical_file(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    local_tree: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto([])
    moto_store.client.put_object(Bucket=moto_bucket, Key="readme.md", Body=b"# hi")
    app.transfers.conflict_policy = ConflictPolicy.OVERWRITE_IF_DIFFERENT
    drop(app, [local_tree / "readme.md"])
    wait_transfers_done(qtbot, app, 1)
    assert app.transfers.engine.transfers()[0].state == TransferState.SKIPPED


def test_download_keeps_folder_structure_and_makes_unsafe_names_safe(
    browse_moto: Callable[[Iterable[str]], App], tmp_path: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    keys = ["stuff/ok/x.png", "stuff/../../evil.txt", "stuff//abs.txt", "stuff/con.txt", "../loose.txt"]
    app = browse_moto(keys)
    out = tmp_path / "downloads"
    out.mkdir()
    items = [DownloadItem("stuff/", is_folder=True), DownloadItem("../loose.txt", size=1)]
    assert app.window.transfer_actions is not None
    app.window.transfer_actions.download(items, str(out))
    wait_transfers_done(qtbot, app, 5)
    files = sorted(str(p.relative_to(out)).replace("\\", "/") for p in out.rglob("*") if p.is_file())
    assert files == ["loose.txt", "stuff/__/__/evil.txt", "stuff/_con.txt", "stuff/abs.txt", "stuff/ok/x.png"]
    assert not (tmp_path / "evil.txt").exists()
    banner = app.window.banner
    qtbot.waitUntil(lambda: banner.isVisible() and "evil.txt" in banner.text(), timeout=10_000)
    assert "con.txt" in banner.text()


def test_an_existing_local_file_is_kept_and_the_download_renamed(
    browse_moto: Callable[[Iterable[str]], App], tmp_path: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto(["report.pdf"])
    out = tmp_path / "downloads"
    out.mkdir()
    (out / "report.pdf").write_bytes(b"mine")
    app.transfers.conflict_policy = ConflictPolicy.RENAME
    assert app.window.transfer_actions is not None
    app.window.transfer_actions.download([DownloadItem("report.pdf", size=1)], str(out))
    wait_transfers_done(qtbot, app, 1)
    assert (out / "report.pdf").read_bytes() == b"mine"
    assert (out / "report (1).pdf").read_bytes() == b"1"


def test_the_transfer_queue_dock_lists_each_transfer(
    browse_moto: Callable[[Iterable[str]], App], local_tree: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto([])
    drop(app, [local_tree / "readme.md", local_tree / "data.csv"])
    wait_transfers_done(qtbot, app, 2)
    dock = app.window.findChild(type(app.window.transfer_actions.dock), "transferQueue")  # type: ignore[union-attr]
    assert dock is not None
    assert dock.isVisible()
    qtbot.waitUntil(lambda: dock.model.rowCount() == 2, timeout=10_000)


class FileManagerDrop(QDrag):
    """The OS end of a drag, replaced by a file manager that takes the drop at once.

    In offscreen Qt, QDrag.exec returns at once without asking the data for anything.
    This does what a file manager does on a drop: asks the drag's data whether it
    carries files and for their URLs, and copies the files they name. The class
    attributes keep what it saw (reset them per test).
    """

    formats: ClassVar[list[str]] = []
    paths: ClassVar[list[Path]] = []
    received: ClassVar[dict[str, bytes]] = {}

    def exec(self, *_args: object, **_kwargs: object) -> Qt.DropAction:
        mime = self.mimeData()
        FileManagerDrop.formats.extend(mime.formats())
        if not mime.hasUrls():
            return Qt.DropAction.IgnoreAction
        for url in mime.urls():
            path = Path(url.toLocalFile())
            FileManagerDrop.paths.append(path)
            FileManagerDrop.received[path.name] = path.read_bytes()
        return Qt.DropAction.CopyAction


def drag_rows_out(app: App, keys: list[str]) -> None:
    """Select the rows of `keys`, press on the first and move the mouse: a user's drag."""
    view = app.window.object_view
    selection = view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for key in keys:
        selection.select(view.flat.index(row_of(app, key), 0), flags)
    viewport = view.viewport()
    start = view.visualRect(view.flat.index(row_of(app, keys[0]), 0)).center()
    left = Qt.MouseButton.LeftButton

    def send(kind: QEvent.Type, at: QPoint, button: Qt.MouseButton) -> None:
        event = QMouseEvent(
            kind, QPointF(at), QPointF(viewport.mapToGlobal(at)), button, left, Qt.KeyboardModifier.NoModifier
        )
        QApplication.sendEvent(viewport, event)

    send(QEvent.Type.MouseButtonPress, start, left)
    step = QPoint(QApplication.startDragDistance() + 5, 0)
    for i in (1, 2, 3):  # a first move arms the drag, a later one past the drag distance starts it
        send(QEvent.Type.MouseMove, start + step * i, Qt.MouseButton.NoButton)
    # No release: the drop target gets it, and QDrag.exec has returned by now.


class PointerOutsideTheWindow:
    """QCursor as it is when a drag ends over the desktop, far from the window."""

    @staticmethod
    def pos() -> QPoint:
        return QPoint(-10_000, -10_000)


@pytest.fixture
def file_manager(monkeypatch: pytest.MonkeyPatch) -> type[FileManagerDrop]:
    """Make drags out of the window land on FileManagerDrop; yield it to read what it got."""
    monkeypatch.setattr(FileManagerDrop, "formats", [])
    monkeypatch.setattr(FileManagerDrop, "paths", [])
    monkeypatch.setattr(FileManagerDrop, "received", {})
    monkeypatch.setattr(drag_out, "QDrag", FileManagerDrop)
    return FileManagerDrop


def test_dragging_a_small_selection_out_gives_a_file_manager_the_files(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    file_manager: type[FileManagerDrop],
) -> None:  # fmt: skip
    moto_store.client.put_object(Bucket=moto_bucket, Key="b.txt", Body=b"bee")
    app = browse_moto(["a.txt", "c.txt"])  # their bytes: b"1"

    drag_rows_out(app, ["a.txt", "b.txt"])

    assert "text/uri-list" in file_manager.formats
    assert file_manager.received == {"a.txt": b"1", "b.txt": b"bee"}  # not c.txt: not selected
    app.window.close()
    app.shutdown()  # quitting removes the copies the drop was made from
    assert not any(p.exists() for p in file_manager.paths)


def test_dragging_a_folder_out_carries_no_files_and_asks_for_a_folder_instead(
    browse_moto: Callable[[Iterable[str]], App], file_manager: type[FileManagerDrop],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    app = browse_moto(["albums/a.png", "top.txt"])
    actions = app.window.transfer_actions
    assert actions is not None
    asked: list[bool] = []
    monkeypatch.setattr(actions, "pick_destination", lambda: asked.append(True))
    monkeypatch.setattr(drag_out, "QCursor", PointerOutsideTheWindow)

    drag_rows_out(app, ["albums/"])

    assert "application/x-spacesgui-keys" in file_manager.formats  # the drag happened…
    assert "text/uri-list" not in file_manager.formats  # …with no files: a folder's download would freeze it
    assert not file_manager.received
    assert asked == [True]  # dropped outside the window: where should it go?


def test_an_account_set_to_public_uploads_objects_anyone_can_read(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    moto_account: Account, local_tree: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto([])
    public = moto_account.with_changes(upload_acl="public-read", cache_control="max-age=3600")
    app.accounts.add_account(public, "")
    drop(app, [local_tree / "readme.md"])
    wait_transfers_done(qtbot, app, 1)
    grants = moto_store.client.get_object_acl(Bucket=moto_bucket, Key="readme.md")["Grants"]
    assert any(
        g["Grantee"].get("URI", "").endswith("/global/AllUsers") and g["Permission"] == "READ" for g in grants
    )
    head = moto_store.client.head_object(Bucket=moto_bucket, Key="readme.md")
    assert head["CacheControl"] == "max-age=3600"


def test_a_private_account_uploads_objects_only_its_keys_can_read(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    local_tree: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto([])
    drop(app, [local_tree / "readme.md"])
    wait_transfers_done(qtbot, app, 1)
    grants = moto_store.client.get_object_acl(Bucket=moto_bucket, Key="readme.md")["Grants"]
    assert not any(g["Grantee"].get("URI", "").endswith("/global/AllUsers") for g in grants)


def save_transfer_settings(app: App, **values: object) -> None:
    """Open Transfer Settings, set the given fields as a user would, and press Save."""
    actions = app.window.transfer_actions
    assert actions is not None
    actions.open_settings()
    dialog = actions.last_dialog
    assert isinstance(dialog, TransferSettingsDialog)
    spins = {"files": dialog.files_spin, "parts": dialog.parts_spin, "part_mib": dialog.part_size_spin}
    spins["threshold_mib"] = dialog.threshold_spin
    for name, value in values.items():
        if name == "skip":
            dialog.skip_edit.setPlainText(str(value))
        elif name == "conflicts":
            assert isinstance(value, ConflictPolicy)
            dialog.conflict_combo.setCurrentIndex(dialog.conflict_combo.findData(value.value))
        else:
            spins[name].setValue(int(str(value)))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()


def test_files_and_parts_at_once_from_transfer_settings_are_what_the_server_sees(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, tmp_path: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    app = build_window()
    open_account(app, account)
    app.window.navigate(Place(account.id, moto_bucket, ""))
    wait_listed(qtbot, app)
    save_transfer_settings(app, files=3, parts=4, part_mib=5, threshold_mib=5)
    # Four files of five 5 MiB parts: one file more than may run at once, one part more
    # per file. Parts wait at the server until 12 are there, so they surely overlap.
    files = {f"f{i}.bin": os.urandom(20 * MiB + 1024) for i in range(4)}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    parts = fault_proxy.watch(Match.upload_part(moto_bucket))
    held = fault_proxy.hold(Match.upload_part(moto_bucket))

    drop(app, [tmp_path / name for name in files])
    qtbot.waitUntil(lambda: parts.peak >= 12, timeout=60_000)
    held.release()
    wait_transfers_done(qtbot, app, 4, timeout_s=180)

    assert parts.peak == 12  # 3 files × 4 parts, never more
    assert parts.peak_paths == 3  # files at once
    assert parts.peak_for_one_path == 4  # parts of one file at once
    assert set(parts.peak_per_path) == {f"/{moto_bucket}/{name}" for name in files}
    for name, data in files.items():
        assert moto_store.client.get_object(Bucket=moto_bucket, Key=name)["Body"].read() == data


def test_skip_patterns_and_the_conflict_choice_are_remembered_at_the_next_start(
    browse_moto: Callable[[Iterable[str]], App], build_window: Callable[[], App],
    open_account: Callable[[App, Account], None], moto_account: Account, moto_store: S3Store,
    moto_bucket: str, tmp_path: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    first = browse_moto(["notes.txt"])  # its bytes: b"1"
    save_transfer_settings(first, files=3, parts=4, skip="*.tmp\n.DS_Store", conflicts=ConflictPolicy.SKIP)
    first.window.close()
    first.shutdown()

    again = build_window()  # the same settings file: the next start
    open_account(again, moto_account)
    again.window.navigate(Place(moto_account.id, moto_bucket, ""))
    wait_listed(qtbot, again)
    project = tmp_path / "local" / "project"
    project.mkdir(parents=True)
    (project / "draft.tmp").write_bytes(b"scratch")  # skip patterns apply inside dropped folders
    (project / "plan.txt").write_bytes(b"plan")
    (tmp_path / "local" / "notes.txt").write_bytes(b"mine")
    drop(again, [project, tmp_path / "local" / "notes.txt"])

    def uploaded() -> None:
        assert moto_store.head_object(moto_bucket, "project/plan.txt") is not None
        transfers = again.transfers.engine.transfers()
        assert len(transfers) == 3
        assert all(t.state.finished for t in transfers)

    # Had the conflict choice been forgotten, a question would wait here and this times out.
    qtbot.waitUntil(uploaded, timeout=60_000)
    assert keys_in(moto_store, moto_bucket) == {"notes.txt", "project/plan.txt"}  # no draft.tmp
    assert moto_store.client.get_object(Bucket=moto_bucket, Key="notes.txt")["Body"].read() == b"1"
    actions = again.window.transfer_actions
    assert actions is not None
    actions.open_settings()  # what the user sees there now
    dialog = actions.last_dialog
    assert isinstance(dialog, TransferSettingsDialog)
    assert (dialog.files_spin.value(), dialog.parts_spin.value()) == (3, 4)
    dialog.reject()


def test_incomplete_uploads_are_listed_and_aborted(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto([])
    upload_id = moto_store.client.create_multipart_upload(Bucket=moto_bucket, Key="left/behind.iso")[
        "UploadId"
    ]
    actions = app.window.transfer_actions
    assert actions is not None
    actions.open_pending_uploads()
    dialog = actions.last_dialog
    assert isinstance(dialog, PendingUploadsDialog)
    qtbot.waitUntil(lambda: len(dialog.uploads) == 1, timeout=10_000)
    assert dialog.uploads[0].upload_id == upload_id
    dialog.table.topLevelItem(0).setSelected(True)
    dialog._spawn(dialog._abort(dialog.selected()))
    qtbot.waitUntil(
        lambda: dialog.uploads == [] and "No incomplete uploads" in dialog.status.text(), timeout=10_000
    )
    assert moto_store.list_multipart_uploads(moto_bucket) == []


def test_an_incomplete_upload_is_finished_from_its_local_file(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    tmp_path: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    data = os.urandom(11 * 1024 * 1024)
    (tmp_path / "disk.img").write_bytes(data)
    client = moto_store.client
    upload_id = client.create_multipart_upload(Bucket=moto_bucket, Key="disk.img")["UploadId"]
    client.upload_part(
        Bucket=moto_bucket, Key="disk.img", UploadId=upload_id, PartNumber=1, Body=data[: 5 * 1024 * 1024]
    )
    app = browse_moto([])
    actions = app.window.transfer_actions
    assert actions is not None
    actions.open_pending_uploads()
    dialog = actions.last_dialog
    assert isinstance(dialog, PendingUploadsDialog)
    qtbot.waitUntil(lambda: len(dialog.uploads) == 1, timeout=10_000)
    dialog.resume(dialog.uploads[0], str(tmp_path / "disk.img"))
    wait_transfers_done(qtbot, app, 1)
    assert client.get_object(Bucket=moto_bucket, Key="disk.img")["Body"].read() == data
    assert moto_store.list_multipart_uploads(moto_bucket) == []


def open_through(
    app: App, open_account: Callable[[App, Account], None], account: Account, bucket: str, qtbot: QtBot
) -> None:
    """Add `account` (one that reaches moto through the fault proxy), open `bucket`, wait for its rows."""
    open_account(app, account)
    app.window.navigate(Place(account.id, bucket, ""))
    wait_listed(qtbot, app)


def window_through(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    fault_proxy: FaultProxy, bucket: str, qtbot: QtBot,
) -> App:  # fmt: skip
    """A window whose account reaches moto through the fault proxy, `bucket` open, big files
    sent one 5 MiB part at a time."""
    app = build_window()
    open_through(
        app, open_account, moto_account.with_changes(endpoint_url=fault_proxy.endpoint), bucket, qtbot
    )
    one_part_at_a_time(app)
    return app


def one_part_at_a_time(app: App) -> None:
    """5 MiB parts, one at a time, with retries to spare: parts go to the server in order."""
    engine = app.transfers.engine
    engine.apply_settings(
        replace(engine.settings, parts_per_file=1, part_size=5 * MiB, multipart_threshold=5 * MiB, retries=20)
    )


def part_numbers_sent(proxy: FaultProxy, bucket: str) -> list[int]:
    match = Match.upload_part(bucket)
    return sorted(int(r.query["partNumber"][0]) for r in proxy.requests if match.matches(r))


def test_pause_and_resume_in_the_transfers_panel_reach_the_transfer_process(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, tmp_path: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    app = window_through(build_window, open_account, moto_account, fault_proxy, moto_bucket, qtbot)
    data = os.urandom(12 * MiB)  # three parts
    (tmp_path / "big.bin").write_bytes(data)
    held = fault_proxy.hold(Match.upload_part(moto_bucket))
    drop(app, [tmp_path / "big.bin"])
    qtbot.waitUntil(lambda: held.waiting == 1, timeout=60_000)  # part 1 is at the server

    dock = app.window.transfer_actions.dock  # type: ignore[union-attr]
    transfer_id = app.transfers.engine.transfers()[0].id
    qtbot.waitUntil(lambda: dock.model.index_of(transfer_id).isValid(), timeout=10_000)
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    dock.view.selectionModel().select(dock.model.index_of(transfer_id), flags)
    pause, resume = dock.findChild(QAction, "pauseTransfers"), dock.findChild(QAction, "resumeTransfers")
    assert pause is not None
    assert resume is not None
    qtbot.waitUntil(pause.isEnabled, timeout=10_000)  # the panel shows the row running
    pause.trigger()
    held.release()  # part 1 was sent whole: it is kept; no part after it starts
    qtbot.waitUntil(lambda: app.transfers.engine.transfers()[0].state == TransferState.PAUSED, timeout=60_000)
    assert part_numbers_sent(fault_proxy, moto_bucket) == [1]

    qtbot.waitUntil(resume.isEnabled, timeout=10_000)  # the panel shows the row paused
    resume.trigger()
    wait_transfers_done(qtbot, app, 1, timeout_s=120)
    assert app.transfers.engine.transfers()[0].state == TransferState.DONE
    assert part_numbers_sent(fault_proxy, moto_bucket) == [1, 2, 3]  # each part sent once
    assert moto_store.client.get_object(Bucket=moto_bucket, Key="big.bin")["Body"].read() == data


def test_quitting_mid_upload_and_starting_again_shows_it_paused_and_resume_finishes_it(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, tmp_path: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    data = os.urandom(12 * MiB)  # three parts
    (tmp_path / "big.bin").write_bytes(data)
    first = build_window()
    open_through(first, open_account, account, moto_bucket, qtbot)
    one_part_at_a_time(first)
    # The server takes part 1 and answers "busy" to part 2 until the app has quit.
    busy = fault_proxy.fail(Match.upload_part(moto_bucket, 2), status=503, code="SlowDown")
    drop(first, [tmp_path / "big.bin"])
    qtbot.waitUntil(lambda: busy.hits > 0, timeout=60_000)
    first.window.close()
    first.shutdown()  # quit: the transfer process stops where it is
    fault_proxy.clear()

    again = build_window()  # same settings folder, so the same journal
    open_account(again, account)
    dock = again.window.transfer_actions.dock  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: dock.model.rowCount() == 1, timeout=10_000)
    restored = again.transfers.engine.transfers()[0]
    assert restored.state == TransferState.PAUSED
    again.transfers.resume([restored.id])
    wait_transfers_done(qtbot, again, 1, timeout_s=120)
    assert again.transfers.engine.transfers()[0].state == TransferState.DONE
    assert part_numbers_sent(fault_proxy, moto_bucket) == [2, 3]  # part 1 stayed on the server
    assert moto_store.client.get_object(Bucket=moto_bucket, Key="big.bin")["Body"].read() == data


def test_pasting_copied_files_uploads_them_into_the_open_folder(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    local_tree: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto(["albums/cover.png"])
    app.window.open_folder("albums/")
    qtbot.waitUntil(
        lambda: app.window.place is not None and app.window.place.prefix == "albums/", timeout=10_000
    )
    QApplication.clipboard().setMimeData(file_mime([local_tree / "readme.md", local_tree / "data.csv"]))
    actions = app.window.transfer_actions
    assert actions is not None
    actions.paste_action.trigger()
    wait_transfers_done(qtbot, app, 2)
    assert keys_in(moto_store, moto_bucket) == {"albums/cover.png", "albums/readme.md", "albums/data.csv"}


def test_pasting_copied_files_on_a_folder_row_uploads_them_into_that_folder(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    local_tree: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto(["albums/cover.png"])
    QApplication.clipboard().setMimeData(file_mime([local_tree / "readme.md"]))
    view = app.window.object_view
    view.customContextMenuRequested.emit(view.visualRect(view.flat.index(row_of(app, "albums/"), 0)).center())
    menu = view.findChildren(QMenu, "objectContextMenu")[-1]
    paste = next(a for a in menu.actions() if a.objectName() == "pasteIntoAction")
    menu.close()
    paste.trigger()
    wait_transfers_done(qtbot, app, 1)
    assert keys_in(moto_store, moto_bucket) == {"albums/cover.png", "albums/readme.md"}


def test_upload_from_a_folder_rows_menu_goes_into_that_folder(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    local_tree: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from PySide6.QtWidgets import QFileDialog, QMenu

    app = browse_moto(["albums/cover.png", "top.txt"])
    view = app.window.object_view
    point = view.visualRect(view.flat.index(row_of(app, "albums/"), 0)).center()
    app.window.object_menu._on_view_context_menu_requested(point)
    menu = view.findChild(QMenu, "objectContextMenu")
    assert menu is not None
    texts = [a.text() for a in menu.actions()]
    assert "Upload Files into “albums”…" in texts
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", staticmethod(lambda *_a, **_k: ([str(local_tree / "readme.md")], ""))
    )
    next(a for a in menu.actions() if a.text() == "Upload Files into “albums”…").trigger()
    menu.close()
    wait_transfers_done(qtbot, app, 1)
    assert keys_in(moto_store, moto_bucket) == {"albums/cover.png", "albums/readme.md", "top.txt"}


def press_delete_in_the_panel(qtbot: QtBot, app: App, *transfer_ids: str) -> None:
    """Select the rows of `transfer_ids` in the Transfers panel and press Delete there."""
    dock = app.window.transfer_actions.dock  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: all(dock.model.index_of(i).isValid() for i in transfer_ids), timeout=10_000)
    selection = dock.view.selectionModel()
    selection.clearSelection()
    for transfer_id in transfer_ids:
        selection.select(
            dock.model.index_of(transfer_id),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    app.window.activateWindow()
    dock.view.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is app.window, timeout=10_000)
    qtbot.keyClick(dock.view, Qt.Key.Key_Delete)


def fail_one_upload_of_two(
    app: App, fault_proxy: FaultProxy, bucket: str, tmp_path: Path, qtbot: QtBot
) -> None:
    """Drop big.bin (12 MiB, in parts) and small.txt; big.bin fails at its second part with a
    server error, the kind a Retry may get past, so its first part is kept for it."""
    engine = app.transfers.engine
    engine.apply_settings(replace(engine.settings, retries=1))
    fault_proxy.fail(Match.upload_part(bucket, 2), status=500, code="InternalError")
    (tmp_path / "big.bin").write_bytes(os.urandom(12 * MiB))
    (tmp_path / "small.txt").write_text("kept")
    drop(app, [tmp_path / "big.bin", tmp_path / "small.txt"])
    wait_transfers_done(qtbot, app, 2)


def test_delete_in_the_transfers_panel_removes_finished_rows_and_their_leftovers(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, tmp_path: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    app = window_through(build_window, open_account, moto_account, fault_proxy, moto_bucket, qtbot)
    fail_one_upload_of_two(app, fault_proxy, moto_bucket, tmp_path, qtbot)
    states = {t.key: t.state for t in app.transfers.engine.transfers()}
    assert states == {"big.bin": TransferState.FAILED, "small.txt": TransferState.DONE}
    assert moto_store.client.list_multipart_uploads(Bucket=moto_bucket).get("Uploads")
    dock = app.window.transfer_actions.dock  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: dock.model.counts()[TransferState.FAILED] == 1, timeout=10_000)  # as shown

    press_delete_in_the_panel(qtbot, app, *(t.id for t in app.transfers.engine.transfers()))
    qtbot.waitUntil(lambda: dock.model.rowCount() == 1, timeout=10_000)  # the done one goes, unasked
    # The failed one holds parts a Retry would go on from: asked first, kept on “Keep Them”.
    qtbot.waitUntil(lambda: dock.last_dialog is not None and dock.last_dialog.isVisible(), timeout=10_000)
    box = dock.last_dialog
    assert isinstance(box, QMessageBox)
    assert box.text() == "Remove 1 failed transfer?"
    assert box.windowTitle() == "Remove Failed Transfers"  # not a cancel: it has ended
    assert box.informativeText().startswith("Retry could go on from what they moved.")
    dock.last_dialog = None
    box.button(QMessageBox.StandardButton.No).click()
    assert [t.key for t in app.transfers.engine.transfers()] == ["big.bin"]
    assert moto_store.client.list_multipart_uploads(Bucket=moto_bucket).get("Uploads")

    press_delete_in_the_panel(qtbot, app, app.transfers.engine.transfers()[0].id)
    qtbot.waitUntil(lambda: dock.last_dialog is not None and dock.last_dialog.isVisible(), timeout=10_000)
    box = dock.last_dialog
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Yes).click()  # “Remove”
    qtbot.waitUntil(lambda: dock.model.rowCount() == 0, timeout=10_000)
    assert app.transfers.engine.transfers() == []
    # Removed from the list, the failed upload leaves nothing behind on the server.
    qtbot.waitUntil(
        lambda: not moto_store.client.list_multipart_uploads(Bucket=moto_bucket).get("Uploads"),
        timeout=30_000,
    )
    assert keys_in(moto_store, moto_bucket) >= {"small.txt"}


def test_delete_in_the_transfers_panel_asks_before_cancelling_a_running_transfer(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, tmp_path: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    app = window_through(build_window, open_account, moto_account, fault_proxy, moto_bucket, qtbot)
    data = os.urandom(12 * MiB)
    (tmp_path / "big.bin").write_bytes(data)
    held = fault_proxy.hold(Match.upload_part(moto_bucket))
    drop(app, [tmp_path / "big.bin"])
    qtbot.waitUntil(lambda: held.waiting == 1, timeout=60_000)
    transfer_id = app.transfers.engine.transfers()[0].id
    dock = app.window.transfer_actions.dock  # type: ignore[union-attr]

    def asked() -> QMessageBox:
        qtbot.waitUntil(lambda: dock.last_dialog is not None and dock.last_dialog.isVisible(), timeout=10_000)
        box = dock.last_dialog
        assert isinstance(box, QMessageBox)
        dock.last_dialog = None
        return box

    qtbot.waitUntil(lambda: dock.model.counts()[TransferState.RUNNING] == 1, timeout=10_000)
    press_delete_in_the_panel(qtbot, app, transfer_id)
    box = asked()
    assert box.text() == "Cancel 1 transfer that has not finished?"
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)  # Enter keeps it
    box.button(QMessageBox.StandardButton.No).click()  # “Keep Them”
    held.release()  # no cancel was sent: the upload goes on to its end
    wait_transfers_done(qtbot, app, 1, timeout_s=120)
    assert app.transfers.engine.transfers()[0].state == TransferState.DONE
    assert moto_store.client.get_object(Bucket=moto_bucket, Key="big.bin")["Body"].read() == data
    qtbot.waitUntil(lambda: dock.model.counts()[TransferState.DONE] == 1, timeout=10_000)  # as shown
    press_delete_in_the_panel(qtbot, app, transfer_id)  # done: it goes, unasked
    qtbot.waitUntil(lambda: dock.model.rowCount() == 0, timeout=10_000)

    (tmp_path / "second.bin").write_bytes(os.urandom(12 * MiB))
    held = fault_proxy.hold(Match.upload_part(moto_bucket))
    drop(app, [tmp_path / "second.bin"])
    qtbot.waitUntil(lambda: held.waiting == 1, timeout=60_000)
    transfer_id = next(t.id for t in app.transfers.engine.transfers() if t.key == "second.bin")
    qtbot.waitUntil(lambda: dock.model.counts()[TransferState.RUNNING] == 1, timeout=10_000)
    press_delete_in_the_panel(qtbot, app, transfer_id)
    asked().button(QMessageBox.StandardButton.Yes).click()  # “Cancel Transfers”
    held.release()
    qtbot.waitUntil(lambda: dock.model.counts()[TransferState.CANCELLED] == 1, timeout=60_000)
    assert dock.model.rowCount() == 1  # cancelled, and still listed to say so
    qtbot.waitUntil(
        lambda: not moto_store.client.list_multipart_uploads(Bucket=moto_bucket).get("Uploads"),
        timeout=30_000,
    )
    assert "second.bin" not in keys_in(moto_store, moto_bucket)

    press_delete_in_the_panel(qtbot, app, transfer_id)  # a finished row now: it goes, unasked
    qtbot.waitUntil(lambda: dock.model.rowCount() == 0, timeout=10_000)
    assert dock.last_dialog is None
    assert app.transfers.engine.transfers() == []


def test_clear_finished_tidies_done_rows_and_keeps_a_failed_one_with_its_parts(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, tmp_path: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    """Before, Clear Finished removed failed rows unasked, and their parts with them (what a
    Retry goes on from), where Delete on the same row asks first."""
    app = window_through(build_window, open_account, moto_account, fault_proxy, moto_bucket, qtbot)
    fail_one_upload_of_two(app, fault_proxy, moto_bucket, tmp_path, qtbot)
    engine = app.transfers.engine
    dock = app.window.transfer_actions.dock  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: dock.model.rowCount() == 2, timeout=10_000)
    qtbot.waitUntil(lambda: engine.totals().running == 0, timeout=10_000)  # each job has wound down
    # Clear Finished goes by the rows as shown: wait until they show how each ended (on a
    # loaded CI machine the done row was still shown running when it was clicked).
    counts = dock.model.counts
    qtbot.waitUntil(
        lambda: (counts()[TransferState.DONE], counts()[TransferState.FAILED]) == (1, 1), timeout=60_000
    )
    dock.findChild(QAction, "clearFinished").trigger()
    qtbot.waitUntil(lambda: dock.model.rowCount() == 1, timeout=10_000)
    assert [(t.key, t.state) for t in engine.transfers()] == [("big.bin", TransferState.FAILED)]
    assert moto_store.client.list_multipart_uploads(Bucket=moto_bucket).get(
        "Uploads"
    )  # Retry goes on from it
    assert dock.last_dialog is None  # nothing asked: nothing that matters was removed


def test_the_upload_pickers_open_at_home_then_where_the_last_pick_came_from(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    local_tree: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    # Before, both opened in the folder the app was started in, every time (a new-user pass).
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QFileDialog

    app = browse_moto([])
    actions = app.window.transfer_actions
    assert actions is not None
    opened_at: list[str] = []

    def pick_files(_parent: object, _title: str, folder: str = "") -> tuple[list[str], str]:
        opened_at.append(folder)
        return [str(local_tree / "readme.md")], ""

    def pick_folder(_parent: object, _title: str, folder: str = "") -> str:
        opened_at.append(folder)
        return str(local_tree / "holiday")

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(pick_files))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(pick_folder))
    actions.pick_files()
    wait_transfers_done(qtbot, app, 1)
    actions.pick_folder()
    qtbot.waitUntil(lambda: "holiday/notes.txt" in keys_in(moto_store, moto_bucket), timeout=60_000)
    home = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.HomeLocation)
    assert opened_at == [home, str(local_tree)]  # the second where readme.md came from
