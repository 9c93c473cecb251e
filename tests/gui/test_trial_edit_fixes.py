"""Fixes from the new-user trial: what Delete, Rename and the banners tell the user."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QLabel, QLineEdit, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.history import Place
from spacesgui.ui.accounts.account_dialog import AccountDialog
from spacesgui.ui.browser.name_editing import stem_length
from spacesgui.ui.operations import edit_actions as edit_actions_module
from tests.gui.conftest import wait_listed
from tests.gui.operations_helpers import press, row_of, selected_keys
from tests.gui.test_object_operations import click_in_box, edit_actions, keys_in, select, wait_done
from tests.gui.test_transfer_panel import actions_of, dock_of, select_object

Browse = Callable[[Iterable[str]], App]


def open_folder(qtbot: QtBot, app: App, prefix: str) -> None:
    place = app.window.place
    assert place is not None
    app.window.navigate(Place(place.account_id, place.bucket, prefix))
    wait_listed(qtbot, app)


def test_the_delete_confirmation_names_the_open_folder_and_no_ellipsis_when_all_are_listed(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["trips/lisbon/keep.png", "trips/lisbon/sunset.png", "trips/lisbon/holiday/a.png",
                       "trips/lisbon/holiday/b.png"])  # fmt: skip
    open_folder(qtbot, app, "trips/lisbon/")
    select(app, "trips/lisbon/sunset.png", "trips/lisbon/holiday/")
    edit_actions(app).delete_action.trigger()
    box = click_in_box(qtbot, edit_actions(app), "Delete")
    assert box.informativeText().startswith(
        f"From s3://{moto_bucket}/trips/lisbon/:\nsunset.png\nholiday/\n\n"
    )
    assert "more" not in box.informativeText()
    wait_done(qtbot, app, 3)
    assert keys_in(moto_store, moto_bucket) == {"trips/lisbon/keep.png"}
    banner = app.window.banner  # "Deleting…" gives way to the result once the job is done
    qtbot.waitUntil(
        lambda: banner.text() == f"Deleted 3 objects from s3://{moto_bucket}/trips/lisbon/.", timeout=30_000
    )


def test_the_copying_banner_turns_into_the_result_when_the_copies_are_done(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt", "b.txt", "into/x.txt"])
    select(app, "a.txt", "b.txt")
    edit_actions(app).copy_action.trigger()
    open_folder(qtbot, app, "into/")
    edit_actions(app).paste_action.trigger()
    wait_done(qtbot, app, 2)
    assert keys_in(moto_store, moto_bucket) >= {"into/a.txt", "into/b.txt"}
    banner = app.window.banner
    qtbot.waitUntil(lambda: banner.text() == f"Copied 2 objects to s3://{moto_bucket}/into/.", timeout=30_000)


def test_download_to_starts_in_a_folder_that_exists_when_the_downloads_folder_is_missing(
    browse_moto: Browse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = browse_moto(["notes.txt"])
    app.transfers.set_download_folder(str(tmp_path / "Downloads"))  # not there
    starts: list[str] = []

    def pick(_parent: object, _title: str, start: str, *_a: object) -> str:
        starts.append(start)
        return ""  # cancelled

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(pick))
    select_object(app, "notes.txt")
    actions_of(app).download_to_action.trigger()
    assert starts == [str(tmp_path)]
    assert app.transfers.engine.transfers() == []


def rename_onto(qtbot: QtBot, app: App, key: str, taken: str) -> QDialog:
    """Rename `key` to the name of a file already there; return the question that asks what to do."""
    select(app, key)
    edit_actions(app).rename(key, taken)
    asker = actions_of(app).ask_conflict
    qtbot.waitUntil(lambda: asker.last_dialog is not None and asker.last_dialog.isVisible(), timeout=30_000)
    dialog = asker.last_dialog
    assert dialog is not None
    return dialog


def test_renaming_onto_an_existing_name_asks_about_that_file_and_a_skip_names_both(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["sunset.png", "alfama.png"])
    dialog = rename_onto(qtbot, app, "sunset.png", "alfama.png")
    text = dialog.findChild(QLabel).text()
    assert text.endswith("<br>“sunset.png”: 1 byte")  # which file, and no “modified” without a date
    cancel = dialog.findChild(QPushButton, "conflict-cancel")
    assert cancel.text() == "Cancel"  # one rename: nothing "All" to cancel
    dialog.findChild(QPushButton, "conflict-skip").click()
    wait_done(qtbot, app, 1)
    assert keys_in(moto_store, moto_bucket) == {"sunset.png", "alfama.png"}
    model = dock_of(app).model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=30_000)
    assert model.index(0, 0).data() == "sunset.png → alfama.png"


def test_a_rename_onto_an_existing_name_kept_both_says_and_selects_the_name_it_got(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """Before, the banner said “Renamed “about.html” to “index.html”” and selected the
    untouched index.html, while the file had become “index (1).html”."""
    app = browse_moto(["about.html", "index.html"])
    app.window.set_refresh_interval(0)
    dialog = rename_onto(qtbot, app, "about.html", "index.html")
    dialog.findChild(QPushButton, "conflict-rename").click()
    wait_done(qtbot, app, 1)
    assert keys_in(moto_store, moto_bucket) == {"index.html", "index (1).html"}
    banner = app.window.banner
    qtbot.waitUntil(lambda: banner.text() == "Renamed “about.html” to “index (1).html”.", timeout=30_000)
    qtbot.waitUntil(lambda: selected_keys(app) == ["index (1).html"], timeout=30_000)


def test_f2_selects_a_files_name_up_to_its_extension_and_a_folders_whole_name(
    browse_moto: Browse, qtbot: QtBot
) -> None:
    app = browse_moto(["sunset.at.belem.png", "trips/a.txt"])
    view = app.window.object_view
    for key, selected in (("sunset.at.belem.png", "sunset.at.belem"), ("trips/", "trips")):
        select(app, key)
        press(qtbot, app, "F2")
        qtbot.waitUntil(lambda: view.findChild(QLineEdit) is not None, timeout=30_000)
        editor = view.findChild(QLineEdit)
        assert editor is not None
        qtbot.waitUntil(lambda e=editor, s=selected: e.selectedText() == s, timeout=30_000)
        qtbot.keyClick(editor, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: view.findChild(QLineEdit) is None, timeout=30_000)
    assert (stem_length(".env", folder=False), stem_length("notes", folder=False)) == (4, 5)


def test_pasting_a_folder_into_itself_asks_for_another_folder_not_to_check_typing(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["holiday/day1/a.txt"])
    select(app, "holiday/")
    edit_actions(app).cut_action.trigger()
    open_folder(qtbot, app, "holiday/day1/")
    edit_actions(app).paste_action.trigger()
    banner = app.window.banner
    qtbot.waitUntil(lambda: "into itself" in banner.text(), timeout=30_000)
    assert banner.text().startswith("<b>Choose another folder.</b>")
    assert keys_in(moto_store, moto_bucket) == {"holiday/day1/a.txt"}
    open_folder(qtbot, app, "")  # the cut is still there to paste where it can go
    app.window.object_view.selectionModel().clearSelection()
    open_folder(qtbot, app, "elsewhere/")
    edit_actions(app).paste_action.trigger()
    qtbot.waitUntil(
        lambda: keys_in(moto_store, moto_bucket) == {"elsewhere/holiday/day1/a.txt"}, timeout=30_000
    )


def test_the_merge_question_speaks_of_files_not_copys(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["pics/a.png", "into/pics/b.png"])
    select(app, "pics/")
    edit_actions(app).copy_action.trigger()
    open_folder(qtbot, app, "into/")
    edit_actions(app).paste_action.trigger()
    asker = edit_actions(app).ask_folder
    qtbot.waitUntil(lambda: asker.last_dialog is not None and asker.last_dialog.isVisible(), timeout=30_000)
    dialog = asker.last_dialog
    assert dialog is not None
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "Merge the files into it" in text
    assert "copys" not in text
    dialog.reject()


def test_add_account_opens_with_the_cursor_in_the_access_key_not_the_ca_certificate(
    build_window: Callable[[], App], qtbot: QtBot
) -> None:
    app = build_window()
    app.window.add_account_action.trigger()
    dialog = app.window.space_actions.last_dialog
    assert isinstance(dialog, AccountDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=30_000)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.focusWidget() is not None, timeout=30_000)
    assert dialog.focusWidget() is dialog.access_key_edit
    dialog.reject()


def test_make_public_counts_the_files_in_the_folders_and_the_banner_ends_with_the_job(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["site/a.html", "site/b.html", "site/c/d.html", "other.txt"])
    select(app, "site/", "other.txt")
    actions = app.window.access_actions
    assert actions is not None
    actions.make_public_action.trigger()
    qtbot.waitUntil(lambda: actions.last_box is not None and actions.last_box.isVisible(), timeout=30_000)
    box = actions.last_box
    assert box is not None
    assert box.text() == "Make 1 file and 1 folder (4 files) public?"
    next(b for b in box.buttons() if b.text() == "Make Public").click()
    wait_done(qtbot, app, 4)
    acl = moto_store.client.get_object_acl(Bucket=moto_bucket, Key="site/c/d.html")
    assert any(g["Grantee"].get("URI", "").endswith("/AllUsers") for g in acl["Grants"])
    qtbot.waitUntil(lambda: app.window.banner.text() == "Made 4 files public.", timeout=30_000)


def test_the_delete_confirmation_shows_each_long_name_on_one_line(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """Long names were joined with commas, then each cut name still wrapped onto two lines."""
    names = [f"quarterly-financial-report-for-the-board-2024-Q{q}-v0-REVIEWED (copy).pdf" for q in (1, 2, 3)]
    app = browse_moto(names)
    select(app, *names)
    edit_actions(app).delete_action.trigger()
    qtbot.waitUntil(
        lambda: edit_actions(app).last_box is not None and edit_actions(app).last_box.isVisible(),
        timeout=20_000,
    )
    box = edit_actions(app).last_box
    assert box is not None
    label = box.findChild(QLabel, "qt_msgbox_informativelabel")
    assert label is not None
    lines = label.text().split("\n")
    assert all(line.endswith("(copy).pdf") for line in lines[1:4])  # the end of each name stays
    for line in lines[1:4]:  # each fits the box's width: one line, not wrapped
        assert label.fontMetrics().horizontalAdvance(line) <= label.contentsRect().width(), line
    box.button(QMessageBox.StandardButton.Cancel).click()


def test_a_rename_that_works_replaces_the_refusal_of_the_one_before(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """Before, the red “Not renamed” stayed on show beside the file renamed a moment later."""
    app = browse_moto(["cover.png", "2023/old.png"])
    edit_actions(app).rename("cover.png", "2023")
    banner = app.window.banner
    assert banner.text().startswith("<b>Not renamed.</b>")
    edit_actions(app).rename("cover.png", "cover-2024.png")
    wait_done(qtbot, app, 1)
    assert keys_in(moto_store, moto_bucket) == {"cover-2024.png", "2023/old.png"}
    qtbot.waitUntil(lambda: banner.text() == "Renamed “cover.png” to “cover-2024.png”.", timeout=30_000)


def test_renaming_a_folder_says_how_many_objects_move(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["assets/a.css", "assets/b.js", "assets/img/c.png"])
    banner = app.window.banner
    messages: list[str] = []
    show = banner.show_message

    def record(message: str, **kwargs: object) -> None:
        messages.append(message)
        show(message, **kwargs)  # type: ignore[arg-type]

    banner.show_message = record  # type: ignore[method-assign]
    edit_actions(app).rename("assets/", "static")
    qtbot.waitUntil(lambda: banner.text() == "Renamed “assets” to “static”.", timeout=60_000)
    assert "Renaming “assets” to “static” (3 objects)…" in messages
    assert keys_in(moto_store, moto_bucket) == {"static/a.css", "static/b.js", "static/img/c.png"}


def test_renaming_a_big_folder_asks_first_and_cancel_changes_nothing(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file manager's rename is instant; here each object is copied, then deleted."""
    monkeypatch.setattr(edit_actions_module, "BIG_MOVE", 3)  # 1,000 objects in the app
    app = browse_moto(["assets/a.css", "assets/b.js", "assets/img/c.png", "docs/x.md", "docs/y.md"])
    edit = edit_actions(app)
    edit.rename("assets/", "static")
    box = click_in_box(qtbot, edit, "Cancel")
    assert box.text() == "Rename “assets” to “static”?"
    assert "each of the 3 objects, " in box.informativeText()
    qtbot.waitUntil(lambda: app.window.banner.text() == "Nothing was renamed.", timeout=10_000)
    before = {"assets/a.css", "assets/b.js", "assets/img/c.png", "docs/x.md", "docs/y.md"}
    assert keys_in(moto_store, moto_bucket) == before

    edit.last_box = None
    edit.rename("assets/", "static")
    click_in_box(qtbot, edit, "Rename")
    qtbot.waitUntil(lambda: app.window.banner.text() == "Renamed “assets” to “static”.", timeout=60_000)
    edit.last_box = None
    edit.rename("docs/", "papers")  # under the threshold: no question
    qtbot.waitUntil(lambda: app.window.banner.text() == "Renamed “docs” to “papers”.", timeout=60_000)
    assert edit.last_box is None
    assert keys_in(moto_store, moto_bucket) == {
        "static/a.css", "static/b.js", "static/img/c.png", "papers/x.md", "papers/y.md",
    }  # fmt: skip


def test_renaming_a_file_another_tool_deleted_says_why_and_its_row_goes_without_a_refresh(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """Before, the banner said only that 1 item did not finish, and the gone file's row stayed
    until F5 (the early-access guide's “changes not shown until refresh”)."""
    app = browse_moto(["cover.png", "keep.png"])
    app.window.set_refresh_interval(0)  # no timed refresh: the failure itself must re-list
    moto_store._client.delete_object(Bucket=moto_bucket, Key="cover.png")  # another tool
    edit_actions(app).rename("cover.png", "cover-2024.png")
    banner = app.window.banner
    qtbot.waitUntil(lambda: banner.text().startswith("<b>Not renamed.</b>"), timeout=30_000)
    assert "“cover.png” is not in" in banner.text()
    qtbot.waitUntil(lambda: row_of(app, "cover.png") == -1, timeout=30_000)
    assert row_of(app, "keep.png") >= 0
    assert row_of(app, "cover-2024.png") == -1
    assert keys_in(moto_store, moto_bucket) == {"keep.png"}


def test_a_paste_of_two_files_one_deleted_elsewhere_names_that_one_and_drops_its_row(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt", "b.txt", "into/x.txt"])
    app.window.set_refresh_interval(0)
    select(app, "a.txt", "b.txt")
    edit_actions(app).copy_action.trigger()
    moto_store._client.delete_object(Bucket=moto_bucket, Key="b.txt")  # another tool, after the copy
    edit_actions(app).paste_into("into/")
    banner = app.window.banner
    qtbot.waitUntil(lambda: banner.text().startswith("<b>1 item of 2 did not finish.</b>"), timeout=30_000)
    assert "“b.txt” is not in" in banner.text()
    assert keys_in(moto_store, moto_bucket) == {"a.txt", "into/a.txt", "into/x.txt"}
    qtbot.waitUntil(lambda: row_of(app, "b.txt") == -1, timeout=30_000)
    assert row_of(app, "a.txt") >= 0


def test_a_selected_current_row_has_no_focus_frame_round_its_name_but_a_current_row_alone_keeps_it(
    browse_moto: Browse, qtbot: QtBot
) -> None:
    """After a rename the current, selected row had a frame round its name cell only, which
    looked like the name was still being edited."""
    app = browse_moto(["a.png", "b.png", "c.png"])
    window, view = app.window, app.window.object_view
    window.activateWindow()
    view.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window and view.hasFocus(), timeout=10_000)

    def name_cell(key: str) -> QImage:
        view.viewport().repaint()
        return view.viewport().grab(view.visualRect(view.flat.index(row_of(app, key), 0))).toImage()

    select(app, "b.png", "a.png")  # a.png selected, b.png current: a.png's cell has no frame
    unframed = name_cell("a.png")
    select(app, "a.png")  # a.png selected and current, the view focused
    assert view.currentIndex().row() == row_of(app, "a.png")
    assert name_cell("a.png") == unframed
    selection = view.selectionModel()
    selection.clearSelection()
    selection.setCurrentIndex(
        view.flat.index(row_of(app, "c.png"), 0), QItemSelectionModel.SelectionFlag.NoUpdate
    )
    plain = name_cell("a.png")  # neither selected nor current
    selection.setCurrentIndex(
        view.flat.index(row_of(app, "a.png"), 0), QItemSelectionModel.SelectionFlag.NoUpdate
    )
    assert not selection.isSelected(view.flat.index(row_of(app, "a.png"), 0))
    assert name_cell("a.png") != plain  # current, not selected: the frame is the keyboard's place
