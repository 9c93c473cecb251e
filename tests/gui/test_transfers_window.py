"""Uploads and downloads through the real window: drops, pickers' paths, conflicts, landing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPushButton
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.conflicts import ConflictPolicy
from spacesgui.core.transfers import TransferState
from spacesgui.qtmodels.roles import ObjectRole
from spacesgui.services.transfer_planner import DownloadItem
from spacesgui.ui.transfers.pending_uploads_dialog import PendingUploadsDialog
from spacesgui.ui.transfers.transfer_settings_dialog import TransferSettingsDialog
from tests.gui.conftest import wait_listed


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


def wait_transfers_done(qtbot: QtBot, app: App, count: int) -> None:
    def done() -> None:
        transfers = app.transfers.engine.transfers()
        assert len(transfers) == count
        assert all(t.state.finished for t in transfers), [(t.key, t.state, t.error) for t in transfers]

    qtbot.waitUntil(done, timeout=30_000)


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
    qtbot.waitUntil(lambda: banner.isVisible() and "evil.txt" in banner.text(), timeout=5_000)
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
    qtbot.waitUntil(lambda: dock.model.rowCount() == 2, timeout=5_000)


def test_wait_listed_still_works_after_uploads(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt"])
    wait_listed(qtbot, app)
    assert row_of(app, "a.txt") >= 0


def test_dragging_a_small_selection_out_downloads_it_when_the_drop_asks_for_files(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto(["a.txt", "b.txt"])
    moto_store.client.put_object(Bucket=moto_bucket, Key="b.txt", Body=b"bee")
    actions = app.window.transfer_actions
    assert actions is not None
    mime = actions.drag_out.mime_for([DownloadItem("a.txt", size=1), DownloadItem("b.txt", size=3)])
    assert mime.hasUrls()
    paths = [Path(url.toLocalFile()) for url in mime.urls()]  # what a file manager does on drop
    assert sorted(p.name for p in paths) == ["a.txt", "b.txt"]
    assert {p.name: p.read_bytes() for p in paths} == {"a.txt": b"1", "b.txt": b"bee"}
    actions.drag_out.cleanup()
    assert not any(p.exists() for p in paths)


def test_dragging_a_folder_out_carries_no_files_and_asks_for_a_folder_instead(
    browse_moto: Callable[[Iterable[str]], App],
) -> None:
    app = browse_moto(["albums/a.png"])
    actions = app.window.transfer_actions
    assert actions is not None
    mime = actions.drag_out.mime_for([DownloadItem("albums/", is_folder=True)])
    assert not mime.hasUrls()
    assert bytes(mime.data("application/x-spacesgui-keys").data()) == b"albums/"


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


def test_transfer_settings_are_applied_and_remembered(
    browse_moto: Callable[[Iterable[str]], App], build_window: Callable[[], App], qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto([])
    actions = app.window.transfer_actions
    assert actions is not None
    actions.open_settings()
    dialog = actions.last_dialog
    assert isinstance(dialog, TransferSettingsDialog)
    dialog.files_spin.setValue(3)
    dialog.bandwidth_spin.setValue(2)
    dialog.skip_edit.setPlainText("*.tmp\n.DS_Store")
    dialog.conflict_combo.setCurrentIndex(dialog.conflict_combo.findData(ConflictPolicy.SKIP.value))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    assert app.transfers.engine.settings.parallel_files == 3
    assert app.transfers.engine.settings.bandwidth_limit == 2_000_000
    assert app.transfers.skip_patterns == ("*.tmp", ".DS_Store")
    assert app.transfers.conflict_policy == ConflictPolicy.SKIP
    again = build_window()  # the same settings file
    assert again.transfers.engine.settings.parallel_files == 3
    assert again.transfers.skip_patterns == ("*.tmp", ".DS_Store")
    assert again.transfers.conflict_policy == ConflictPolicy.SKIP


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
    import os

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


def test_quitting_mid_upload_and_starting_again_shows_it_paused_and_resume_finishes_it(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, tmp_path: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    import os

    from spacesgui.core.history import Place
    from spacesgui.core.transfer_settings import EngineSettings

    data = os.urandom(12 * 1024 * 1024)
    (tmp_path / "big.bin").write_bytes(data)
    first = build_window()
    open_account(first, moto_account)
    first.window.navigate(Place(moto_account.id, moto_bucket, ""))
    first.transfers.engine.apply_settings(
        EngineSettings(bandwidth_limit=2_000_000, part_size=5 << 20, multipart_threshold=5 << 20)
    )
    drop(first, [tmp_path / "big.bin"])
    qtbot.waitUntil(lambda: any(t.bytes_done > 0 for t in first.transfers.engine.transfers()), timeout=10_000)
    first.window.close()
    first.shutdown()  # quit: the transfer process stops where it is

    again = build_window()  # same settings folder, so the same journal
    open_account(again, moto_account)
    dock = again.window.transfer_actions.dock  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: dock.model.rowCount() == 1, timeout=10_000)
    restored = again.transfers.engine.transfers()[0]
    assert restored.state == TransferState.PAUSED
    again.transfers.resume([restored.id])
    wait_transfers_done(qtbot, again, 1)
    assert moto_store.client.get_object(Bucket=moto_bucket, Key="big.bin")["Body"].read() == data


def test_a_transfer_process_that_dies_is_reported_in_plain_words(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    app = browse_moto([])
    engine = app.transfers.engine
    engine._process.terminate()  # type: ignore[attr-defined]
    engine._process.join(10)  # type: ignore[attr-defined]
    app.transfers.pause(["anything"])  # any command now finds the process gone
    banner = app.window.banner
    qtbot.waitUntil(lambda: banner.isVisible() and "stopped unexpectedly" in banner.text(), timeout=5_000)


def test_pasting_copied_files_uploads_them_into_the_open_folder(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    local_tree: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto(["albums/cover.png"])
    app.window.open_folder("albums/")
    qtbot.waitUntil(
        lambda: app.window.place is not None and app.window.place.prefix == "albums/", timeout=5_000
    )
    QApplication.clipboard().setMimeData(file_mime([local_tree / "readme.md", local_tree / "data.csv"]))
    actions = app.window.transfer_actions
    assert actions is not None
    actions.paste_action.trigger()
    wait_transfers_done(qtbot, app, 2)
    assert keys_in(moto_store, moto_bucket) == {"albums/cover.png", "albums/readme.md", "albums/data.csv"}


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
