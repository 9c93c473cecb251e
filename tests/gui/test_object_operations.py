"""Delete, rename, move, copy and paste through the real window against moto (issue 8)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

import pytest
from PySide6.QtCore import QEvent, QItemSelectionModel, QPoint, QPointF, Qt
from PySide6.QtGui import QDrag, QDragEnterEvent, QDragMoveEvent, QDropEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.folder_node import LoadState
from spacesgui.core.history import Place
from spacesgui.core.transfers import TransferState
from spacesgui.qtmodels.roles import ObjectRole
from spacesgui.ui.operations.edit_actions import EditActions
from spacesgui.ui.transfers import drag_out
from tests.gui.conftest import wait_listed
from tests.gui.operations_helpers import selected_keys

Browse = Callable[[Iterable[str]], App]


def keys_in(store: S3Store, bucket: str) -> set[str]:
    return {e.key for e in store.iter_objects(bucket, "")}


def object_body(store: S3Store, bucket: str, key: str) -> bytes:
    return bytes(store.client.get_object(Bucket=bucket, Key=key)["Body"].read())


def edit_actions(app: App) -> EditActions:
    actions = app.window.edit_actions
    assert actions is not None
    return actions


def row_of(app: App, key: str) -> int:
    flat = app.window.object_view.flat
    for row in range(flat.rowCount()):
        if flat.index(row, 0).data(ObjectRole.KEY) == key:
            return row
    raise AssertionError(f"{key} is not shown")


def select(app: App, *keys: str) -> None:
    view = app.window.object_view
    selection = view.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for key in keys:
        selection.select(view.flat.index(row_of(app, key), 0), flags)
    selection.setCurrentIndex(
        view.flat.index(row_of(app, keys[0]), 0), QItemSelectionModel.SelectionFlag.NoUpdate
    )


def wait_done(qtbot: QtBot, app: App, count: int | None = None, timeout_s: int = 60) -> None:
    def done() -> None:
        transfers = app.transfers.engine.transfers()
        assert transfers
        if count is not None:
            assert len(transfers) == count
        assert all(t.state.finished for t in transfers), [(t.key, t.state, t.error) for t in transfers]

    qtbot.waitUntil(done, timeout=timeout_s * 1000)


def click_in_box(qtbot: QtBot, actions: EditActions, text: str) -> QMessageBox:
    qtbot.waitUntil(lambda: actions.last_box is not None and actions.last_box.isVisible(), timeout=20_000)
    box = actions.last_box
    assert box is not None
    next(b for b in box.buttons() if b.text() == text).click()
    return box


def answer_folder(qtbot: QtBot, app: App, choice: str) -> None:
    """Wait for the Merge / Replace / Cancel question about a folder and click `choice`."""
    asker = edit_actions(app).ask_folder
    qtbot.waitUntil(lambda: asker.last_dialog is not None and asker.last_dialog.isVisible(), timeout=20_000)
    assert asker.last_dialog is not None
    button = asker.last_dialog.findChild(QPushButton, f"folder-{choice}")
    assert button is not None
    button.click()


def test_deleting_a_file_and_a_folder_asks_with_the_count_and_size_then_deletes_them(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["keep.txt", "old.txt", "photos/a.jpg", "photos/b.jpg", "photos/2024/c.jpg"])
    select(app, "old.txt", "photos/")
    edit_actions(app).delete_action.trigger()
    box = click_in_box(qtbot, edit_actions(app), "Delete")
    assert box.text() == "Delete 4 objects, 4 bytes, in 1 folder?"
    wait_done(qtbot, app, 4)
    assert keys_in(moto_store, moto_bucket) == {"keep.txt"}
    qtbot.waitUntil(lambda: app.window.object_view.flat.rowCount() == 1, timeout=10_000)


def test_cancelling_the_delete_confirmation_deletes_nothing(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt", "b.txt"])
    select(app, "a.txt")
    edit_actions(app).delete_action.trigger()
    click_in_box(qtbot, edit_actions(app), "Cancel")
    qtbot.waitUntil(lambda: "Nothing was deleted" in app.window.banner.text(), timeout=10_000)
    assert keys_in(moto_store, moto_bucket) == {"a.txt", "b.txt"}
    assert app.transfers.engine.transfers() == []


def test_renaming_a_file_in_place_keeps_its_headers_and_metadata(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto([])
    moto_store.client.put_object(
        Bucket=moto_bucket, Key="draft #1.txt", Body=b"text", ContentType="text/plain",
        CacheControl="max-age=60", Metadata={"author": "ann"},
    )  # fmt: skip
    app.window.refresh()
    qtbot.waitUntil(lambda: app.window.object_view.flat.rowCount() == 1, timeout=10_000)
    select(app, "draft #1.txt")
    edit_actions(app).rename_action.trigger()
    editor = app.window.object_view.findChild(QLineEdit)
    assert editor is not None
    assert editor.text() == "draft #1.txt"
    editor.setText("final #1 + ü.txt")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    wait_done(qtbot, app, 1)
    assert keys_in(moto_store, moto_bucket) == {"final #1 + ü.txt"}
    head = moto_store.client.head_object(Bucket=moto_bucket, Key="final #1 + ü.txt")
    assert (head["ContentType"], head["CacheControl"], head["Metadata"]) == (
        "text/plain", "max-age=60", {"author": "ann"},
    )  # fmt: skip
    qtbot.waitUntil(lambda: row_of(app, "final #1 + ü.txt") >= 0, timeout=10_000)
    qtbot.waitUntil(lambda: selected_keys(app) == ["final #1 + ü.txt"], timeout=10_000)


def test_a_renamed_folder_is_selected_under_its_new_name_unless_the_user_chose_another_row(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["docs/a.txt", "docs/b.txt", "other.txt"])
    select(app, "docs/")

    edit_actions(app).rename("docs/", "papers")

    wait_done(qtbot, app, 2)
    qtbot.waitUntil(lambda: row_of(app, "papers/") >= 0, timeout=10_000)
    qtbot.waitUntil(lambda: selected_keys(app) == ["papers/"], timeout=10_000)
    assert keys_in(moto_store, moto_bucket) == {"papers/a.txt", "papers/b.txt", "other.txt"}

    edit_actions(app).rename("papers/", "notes")
    select(app, "other.txt")  # chosen while the rename runs: it stays chosen

    wait_done(qtbot, app, 4)
    qtbot.waitUntil(lambda: row_of(app, "notes/") >= 0, timeout=10_000)
    assert selected_keys(app) == ["other.txt"]
    assert not edit_actions(app).renamed.pending


def test_a_name_with_a_slash_is_refused_with_the_reason_before_any_request(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt"])
    edit_actions(app).rename("a.txt", "b/c.txt")
    assert "cannot contain “/”" in app.window.banner.text()
    assert keys_in(moto_store, moto_bucket) == {"a.txt"}


def test_a_folder_renamed_while_open_is_open_under_its_new_name(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """Before, it came back folded: the user had to open it again to go on."""
    app = browse_moto(["docs/a.txt", "other.txt"])
    expand(qtbot, app, "docs/")
    select(app, "docs/")
    edit_actions(app).rename("docs/", "papers")
    wait_done(qtbot, app, 1)
    qtbot.waitUntil(lambda: selected_keys(app) == ["papers/"], timeout=20_000)
    qtbot.waitUntil(lambda: row_of(app, "papers/a.txt") >= 0, timeout=20_000)  # its rows shown


def test_f2_with_several_rows_selected_says_to_select_one(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt", "b.txt"])
    select(app, "a.txt", "b.txt")
    action = edit_actions(app).rename_action
    assert action.isEnabled()  # a disabled action's F2 would do nothing at all
    action.trigger()
    assert "Select one file or folder to rename (2 are selected)" in app.window.banner.text()


def test_a_file_cannot_be_renamed_to_a_folders_name_beside_it(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """Before, the file 'dirA' was made beside the folder 'dirA/': two rows of one name."""
    app = browse_moto(["notes.txt", "dirA/x.txt"])
    edit_actions(app).rename("notes.txt", "dirA")
    assert "A folder named “dirA” is already here" in app.window.banner.text()
    assert keys_in(moto_store, moto_bucket) == {"notes.txt", "dirA/x.txt"}


def test_renaming_a_folder_whose_deepest_key_would_pass_1024_bytes_is_refused_before_any_copy(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    deep = "deep/" + "n" * 1000 + ".txt"  # 1,009 bytes: fits, but not under a longer folder name
    app = browse_moto([deep, "deep/short.txt"])
    edit_actions(app).rename("deep/", "d" * 40)
    qtbot.waitUntil(lambda: "S3 allows at most 1,024" in app.window.banner.text(), timeout=30_000)
    assert "Nothing was changed" in app.window.banner.text()
    assert "The path would be too long" in app.window.banner.text()  # not "Choose another folder"
    assert keys_in(moto_store, moto_bucket) == {deep, "deep/short.txt"}
    assert app.transfers.engine.transfers() == []


class DropOnRow(QDrag):
    """The drag of our own rows, dropped on the row `target` of the object view at once."""

    target: ClassVar[str] = ""
    modifiers: ClassVar[Qt.KeyboardModifier] = Qt.KeyboardModifier.NoModifier
    app: ClassVar[App | None] = None

    def exec(self, *_args: object, **_kwargs: object) -> Qt.DropAction:
        app = DropOnRow.app
        assert app is not None
        view = app.window.object_view
        point = QPointF(view.visualRect(view.flat.index(row_of(app, DropOnRow.target), 0)).center())
        mime, actions = self.mimeData(), Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
        left, mods = Qt.MouseButton.LeftButton, DropOnRow.modifiers
        for kind in (QDragEnterEvent, QDragMoveEvent):
            QApplication.sendEvent(view.viewport(), kind(point.toPoint(), actions, mime, left, mods))
        drop = QDropEvent(point, actions, mime, left, mods)
        QApplication.sendEvent(view.viewport(), drop)
        return drop.dropAction()


def drag_rows(app: App, keys: list[str]) -> None:
    """Select `keys`, press on the first and move the mouse far enough to start a drag."""
    select(app, *keys)
    view = app.window.object_view
    viewport = view.viewport()
    start = view.visualRect(view.flat.index(row_of(app, keys[0]), 0)).center()
    left = Qt.MouseButton.LeftButton

    def send(kind: QEvent.Type, at: QPoint, button: Qt.MouseButton) -> None:
        event = QMouseEvent(
            kind, QPointF(at), QPointF(viewport.mapToGlobal(at)), button, left, Qt.KeyboardModifier.NoModifier
        )
        QApplication.sendEvent(viewport, event)

    send(QEvent.Type.MouseButtonPress, start, left)
    step = QPoint(0, 3)
    for i in (1, 2, 3, 4, 5, 6):
        send(
            QEvent.Type.MouseMove,
            start + QPoint(QApplication.startDragDistance() + 2, 0) + step * i,
            Qt.MouseButton.NoButton,
        )


@pytest.fixture
def drop_on_row(monkeypatch: pytest.MonkeyPatch) -> type[DropOnRow]:
    monkeypatch.setattr(drag_out, "QDrag", DropOnRow)
    return DropOnRow


def test_dragging_rows_onto_a_folder_row_moves_them_there(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot, drop_on_row: type[DropOnRow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    app = browse_moto(["a.txt", "b.txt", "archive/old.txt"])
    monkeypatch.setattr(DropOnRow, "app", app)
    monkeypatch.setattr(DropOnRow, "target", "archive/")
    drag_rows(app, ["a.txt", "b.txt"])
    wait_done(qtbot, app, 2)
    assert keys_in(moto_store, moto_bucket) == {"archive/a.txt", "archive/b.txt", "archive/old.txt"}


def test_ctrl_dragging_rows_onto_a_folder_row_copies_them(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot, drop_on_row: type[DropOnRow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    app = browse_moto(["a.txt", "archive/old.txt"])
    monkeypatch.setattr(DropOnRow, "app", app)
    monkeypatch.setattr(DropOnRow, "target", "archive/")
    monkeypatch.setattr(DropOnRow, "modifiers", Qt.KeyboardModifier.ControlModifier)
    drag_rows(app, ["a.txt"])
    wait_done(qtbot, app, 1)
    assert keys_in(moto_store, moto_bucket) == {"a.txt", "archive/a.txt", "archive/old.txt"}


def test_cut_and_paste_into_a_folder_moves_a_whole_folder(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["docs/a.md", "docs/sub/b.md", "docs/", "target/x.txt"])
    select(app, "docs/")
    edit_actions(app).cut_action.trigger()
    assert QApplication.clipboard().text() == f"s3://{moto_bucket}/docs/"  # the path, as text too
    app.window.open_folder("target/")
    wait_listed(qtbot, app)
    edit_actions(app).paste_action.trigger()
    wait_done(qtbot, app, 3)
    assert keys_in(moto_store, moto_bucket) == {
        "target/docs/",
        "target/docs/a.md",
        "target/docs/sub/b.md",
        "target/x.txt",
    }


def test_paste_in_a_folder_rows_menu_pastes_into_that_folder(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """Before, it pasted beside the folder, in the open one, unlike Upload Files into it."""
    app = browse_moto(["cover.png", "2023/old.png"])
    select(app, "cover.png")
    edit_actions(app).copy_action.trigger()
    select(app, "2023/")
    view = app.window.object_view
    view.customContextMenuRequested.emit(view.visualRect(view.flat.index(row_of(app, "2023/"), 0)).center())
    menu = view.findChildren(QMenu, "objectContextMenu")[-1]
    paste = next(a for a in menu.actions() if a.objectName() == "pasteIntoAction")
    assert paste.text() == "Paste into “2023”"
    assert paste.isEnabled()
    assert "pasteAction" not in [a.objectName() for a in menu.actions()]  # one Paste, not two
    menu.close()
    paste.trigger()
    wait_done(qtbot, app, 1)
    assert keys_in(moto_store, moto_bucket) == {"cover.png", "2023/old.png", "2023/cover.png"}


def test_a_second_paste_while_the_first_is_being_prepared_is_not_a_second_move(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["docs/a.md", "docs/b.md", "target/x.txt"])
    select(app, "docs/")
    edit_actions(app).cut_action.trigger()
    app.window.open_folder("target/")
    wait_listed(qtbot, app)
    edit_actions(app).paste_action.trigger()
    edit_actions(app).paste_action.trigger()  # at once: the first is still listing the folder
    assert "A paste is still being prepared" in app.window.banner.text()
    wait_done(qtbot, app, 2)
    assert keys_in(moto_store, moto_bucket) == {"target/docs/a.md", "target/docs/b.md", "target/x.txt"}


def test_copy_and_paste_into_another_space_of_the_account_copies_server_side(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot, unique_bucket: str
) -> None:
    other = unique_bucket[:40] + "-other"
    moto_store.client.create_bucket(Bucket=other)
    app = browse_moto(["pics/a.png", "readme.txt"])
    select(app, "pics/", "readme.txt")
    edit_actions(app).copy_action.trigger()
    place = app.window.place
    assert place is not None
    app.window.navigate(Place(place.account_id, other, ""))
    wait_listed(qtbot, app)
    edit_actions(app).paste_action.trigger()
    wait_done(qtbot, app, 2)
    assert keys_in(moto_store, other) == {"pics/a.png", "readme.txt"}
    assert keys_in(moto_store, moto_bucket) == {"pics/a.png", "readme.txt"}  # a copy keeps the originals


def test_a_folder_moved_onto_its_namesake_asks_merge_or_replace_the_old_panels_silent_copy_is_fixed(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """The original Spaces panel made a second folder beside the first: fixed."""
    app = browse_moto(["new/docs/a.md", "new/docs/b.md", "old/docs/b.md", "old/docs/c.md"])
    app.transfers.conflict_policy = app.transfers.conflict_policy.OVERWRITE
    app.window.open_folder("new/")
    wait_listed(qtbot, app)
    select(app, "new/docs/")
    edit_actions(app).cut_action.trigger()
    app.window.navigate(Place(app.window.place.account_id, moto_bucket, "old/"))  # type: ignore[union-attr]
    wait_listed(qtbot, app)
    edit_actions(app).paste_action.trigger()
    answer_folder(qtbot, app, "merge")
    wait_done(qtbot, app, 2)
    assert keys_in(moto_store, moto_bucket) == {"old/docs/a.md", "old/docs/b.md", "old/docs/c.md"}


def test_a_merge_whose_conflict_is_skipped_says_the_file_stays_where_it_was(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """Before, the skipped file stayed in the source folder and nothing said so."""
    app = browse_moto(["new/docs/a.md", "new/docs/b.md", "old/docs/b.md"])
    app.transfers.conflict_policy = app.transfers.conflict_policy.SKIP
    app.window.open_folder("new/")
    wait_listed(qtbot, app)
    select(app, "new/docs/")
    edit_actions(app).cut_action.trigger()
    app.window.navigate(Place(app.window.place.account_id, moto_bucket, "old/"))  # type: ignore[union-attr]
    wait_listed(qtbot, app)
    edit_actions(app).paste_action.trigger()
    answer_folder(qtbot, app, "merge")
    banner = app.window.banner
    qtbot.waitUntil(lambda: "Moved 1 object" in banner.text(), timeout=30_000)
    assert f"“b.md” was skipped and stays in s3://{moto_bucket}/new/docs/" in banner.text()
    assert keys_in(moto_store, moto_bucket) == {"new/docs/b.md", "old/docs/a.md", "old/docs/b.md"}


def test_cancelling_a_rename_onto_an_existing_folder_says_nothing_was_renamed(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["summer/a.jpg", "family/b.jpg"])
    edit_actions(app).rename("summer/", "family")
    answer_folder(qtbot, app, "cancel")
    qtbot.waitUntil(lambda: "Nothing was renamed" in app.window.banner.text(), timeout=20_000)
    assert keys_in(moto_store, moto_bucket) == {"summer/a.jpg", "family/b.jpg"}


def test_cancelling_a_rename_onto_an_existing_file_says_nothing_was_renamed(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """Before, it said "Transfer cancelled. Nothing was queued": a rename is no transfer."""
    app = browse_moto(["a.txt", "b.txt"])
    app.transfers.conflict_policy = app.transfers.conflict_policy.ASK
    edit_actions(app).rename("a.txt", "b.txt")
    asker = app.window.transfer_actions.ask_conflict  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: asker.last_dialog is not None and asker.last_dialog.isVisible(), timeout=20_000)
    asker.last_dialog.reject()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: "Nothing was renamed" in app.window.banner.text(), timeout=20_000)
    assert "Transfer" not in app.window.banner.text()
    assert keys_in(moto_store, moto_bucket) == {"a.txt", "b.txt"}


def test_replace_deletes_the_other_files_of_the_target_folder_after_the_copies(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["new/docs/a.md", "old/docs/c.md"])
    app.window.open_folder("new/")
    wait_listed(qtbot, app)
    select(app, "new/docs/")
    edit_actions(app).copy_action.trigger()
    app.window.navigate(Place(app.window.place.account_id, moto_bucket, "old/"))  # type: ignore[union-attr]
    wait_listed(qtbot, app)
    edit_actions(app).paste_action.trigger()
    answer_folder(qtbot, app, "replace")
    wait_done(qtbot, app, 2)
    assert keys_in(moto_store, moto_bucket) == {"new/docs/a.md", "old/docs/a.md"}
    states = {t.key: t.state for t in app.transfers.engine.transfers()}
    assert states == {"old/docs/a.md": TransferState.DONE, "old/docs/c.md": TransferState.DONE}


def expand(qtbot: QtBot, app: App, key: str) -> None:
    """Expand the folder row of `key` in the list and wait for its rows."""
    view = app.window.object_view
    tree_index = view.flat.map_to_source(view.flat.index(row_of(app, key), 0))
    node = app.window.model.folder_node(tree_index)
    assert node is not None
    view.expand(tree_index)
    qtbot.waitUntil(lambda: node.state == LoadState.LOADED, timeout=20_000)


def test_a_folder_and_a_file_in_it_selected_together_are_counted_and_moved_once(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """Before, the file was counted twice, and a move left one copy in the folder, one beside it."""
    app = browse_moto(["dirA/x.txt", "dirA/only.txt", "one.txt", "dest/k.txt"])
    expand(qtbot, app, "dirA/")
    select(app, "dirA/", "dirA/x.txt", "one.txt")
    edit_actions(app).delete_action.trigger()
    box = click_in_box(qtbot, edit_actions(app), "Cancel")
    assert box.text() == "Delete 3 objects, 3 bytes, in 1 folder?"
    select(app, "dirA/", "dirA/x.txt")
    edit_actions(app).cut_action.trigger()
    app.window.open_folder("dest/")
    wait_listed(qtbot, app)
    edit_actions(app).paste_action.trigger()
    wait_done(qtbot, app, 2)
    assert keys_in(moto_store, moto_bucket) == {
        "dest/dirA/x.txt",
        "dest/dirA/only.txt",
        "dest/k.txt",
        "one.txt",
    }


def test_a_folder_copied_with_replace_onto_the_folder_holding_it_keeps_its_original(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """Before, Replace deleted the copied folder itself: it lies in the folder replaced."""
    app = browse_moto(["a/top.txt", "a/a/x.txt", "a/a/deep/y.txt"])
    expand(qtbot, app, "a/")
    select(app, "a/a/")
    edit_actions(app).copy_action.trigger()
    app.window.object_view.selectionModel().clearSelection()
    edit_actions(app).paste_action.trigger()  # at the top: "a" meets "a"
    answer_folder(qtbot, app, "replace")
    wait_done(qtbot, app)
    assert keys_in(moto_store, moto_bucket) == {"a/a/x.txt", "a/a/deep/y.txt", "a/x.txt", "a/deep/y.txt"}
    qtbot.waitUntil(lambda: "Copied 2 objects" in app.window.banner.text(), timeout=20_000)


def test_copy_and_paste_in_the_same_folder_makes_numbered_duplicates_and_a_cut_says_nothing_moved(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """Before, both did nothing and said nothing."""
    app = browse_moto(["cover.png", "cover (1).png", "family/a.jpg", "family/sub/b.jpg"])
    select(app, "cover.png", "family/")
    edit_actions(app).copy_action.trigger()
    edit_actions(app).paste_action.trigger()
    wait_done(qtbot, app, 3)
    assert keys_in(moto_store, moto_bucket) == {
        "cover.png", "cover (1).png", "cover (2).png",
        "family/a.jpg", "family/sub/b.jpg", "family (1)/a.jpg", "family (1)/sub/b.jpg",
    }  # fmt: skip
    assert object_body(moto_store, moto_bucket, "cover (2).png") == b"1"
    select(app, "cover.png")
    edit_actions(app).cut_action.trigger()
    edit_actions(app).paste_action.trigger()
    qtbot.waitUntil(lambda: "Nothing was moved" in app.window.banner.text(), timeout=30_000)
    assert f"already in s3://{moto_bucket}/" in app.window.banner.text()
    assert len(keys_in(moto_store, moto_bucket)) == 7


def test_a_folder_pasted_where_its_copies_would_overwrite_its_own_files_is_refused(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """a/a/ pasted beside a/ copies a/a/a/z onto a/a/z, which it also copies: refused."""
    app = browse_moto(["a/a/z", "a/a/a/z"])
    expand(qtbot, app, "a/")
    select(app, "a/a/")
    edit_actions(app).copy_action.trigger()
    app.window.object_view.selectionModel().clearSelection()
    edit_actions(app).paste_action.trigger()
    qtbot.waitUntil(lambda: "which it also copies from" in app.window.banner.text(), timeout=30_000)
    assert keys_in(moto_store, moto_bucket) == {"a/a/z", "a/a/a/z"}
    assert app.transfers.engine.transfers() == []


def test_quitting_leaves_copied_objects_on_the_clipboard_as_their_paths(
    browse_moto: Browse, moto_bucket: str
) -> None:
    from spacesgui.ui.mime_types import OBJECTS_MIME

    app = browse_moto(["a b.txt"])
    select(app, "a b.txt")
    edit_actions(app).copy_action.trigger()
    assert QApplication.clipboard().mimeData().hasFormat(OBJECTS_MIME)
    app.window.close()
    app.shutdown()  # what quitting does
    mime = QApplication.clipboard().mimeData()
    assert not mime.hasFormat(OBJECTS_MIME)  # a Python-made QMimeData left there crashes Qt at exit
    assert mime.text() == f"s3://{moto_bucket}/a b.txt"
