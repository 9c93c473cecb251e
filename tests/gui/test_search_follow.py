"""Find in Space follows the Space: deleted, renamed and moved results change at once;
Escape stops a running search and Enter in the query starts one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.history import Place
from spacesgui.qtmodels.roles import ObjectRole
from spacesgui.ui.search.search_panel import SearchPanel
from tests.fault_proxy import ABSENT, FaultProxy, Match
from tests.gui.conftest import wait_listed


def open_search(app: App, pattern: str) -> SearchPanel:
    panel = app.window.search_panel
    app.window.findChild(QAction, "findInSpaceAction").trigger()
    panel.form.pattern_edit.setText(pattern)
    return panel


def wait_done(qtbot: QtBot, panel: SearchPanel) -> None:
    qtbot.waitUntil(
        lambda: panel.search_id == 0 and panel.status_label.text().startswith("Searched"), timeout=60_000
    )


def searched(qtbot: QtBot, app: App, pattern: str) -> SearchPanel:
    """Search for `pattern` with the Search button and wait for the whole result."""
    panel = open_search(app, pattern)
    qtbot.mouseClick(panel.form.search_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, panel)
    return panel


def shown_keys(panel: SearchPanel) -> list[str]:
    model = panel.model
    return sorted(model.index(row, 0).data(ObjectRole.KEY) for row in range(model.rowCount()))


def focus_results(qtbot: QtBot, app: App, panel: SearchPanel) -> None:
    app.window.activateWindow()
    panel.view.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is app.window, timeout=10_000)


def test_deleted_results_leave_the_list_once_the_server_deleted_them(
    browse_moto: Callable[[list[str]], App], moto_store: Any, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["a/old-1.log", "b/c/old-2.log", "b/old-3.log", "keep.txt"])
    panel = open_search(app, "old-*")
    qtbot.keyClick(panel.form.pattern_edit, Qt.Key.Key_Return)  # Enter in the query searches
    wait_done(qtbot, panel)
    assert shown_keys(panel) == ["a/old-1.log", "b/c/old-2.log", "b/old-3.log"]
    panel.view.clearSelection()
    for row in range(panel.model.rowCount()):
        if panel.model.key(row) != "b/old-3.log":
            panel.view.selectionModel().select(
                panel.model.index(row, 0),
                panel.view.selectionModel().SelectionFlag.Select
                | panel.view.selectionModel().SelectionFlag.Rows,
            )
    focus_results(qtbot, app, panel)
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    edit = app.window.edit_actions
    assert edit is not None
    qtbot.waitUntil(lambda: edit.last_box is not None and edit.last_box.isVisible(), timeout=30_000)
    box = edit.last_box
    assert box is not None
    next(b for b in box.buttons() if b.text() == "Delete").click()
    qtbot.waitUntil(lambda: shown_keys(panel) == ["b/old-3.log"], timeout=60_000)
    listed = moto_store.client.list_objects_v2(Bucket=moto_bucket).get("Contents", [])
    assert sorted(o["Key"] for o in listed) == ["b/old-3.log", "keep.txt"]  # gone on the server too
    assert "1 match " in panel.status_label.text()
    assert "2 deleted or moved away" in panel.status_label.text()


def test_a_renamed_result_shows_its_new_name_or_leaves_when_it_no_longer_matches(
    browse_moto: Callable[[list[str]], App], moto_store: Any, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["old-1.log", "old-2.log", "other.txt"])
    panel = searched(qtbot, app, "old-*")
    assert shown_keys(panel) == ["old-1.log", "old-2.log"]
    edit = app.window.edit_actions
    assert edit is not None
    edit.rename("old-1.log", "old-9.log")  # still matches: the row changes
    qtbot.waitUntil(lambda: shown_keys(panel) == ["old-2.log", "old-9.log"], timeout=60_000)
    edit.rename("old-2.log", "new.log")  # no longer matches: the row leaves
    qtbot.waitUntil(lambda: shown_keys(panel) == ["old-9.log"], timeout=60_000)
    listed = moto_store.client.list_objects_v2(Bucket=moto_bucket).get("Contents", [])
    assert sorted(o["Key"] for o in listed) == ["new.log", "old-9.log", "other.txt"]
    row = panel.model.row_of("old-9.log")
    assert panel.model.index(row, 0).data() == "old-9.log"


def test_a_folder_found_by_name_follows_its_rename_and_leaves_when_its_name_no_longer_matches(
    browse_moto: Callable[[list[str]], App], moto_store: Any, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["trips/porto/a.png", "trips/porto/day1/b.png", "trips/faro/c.png", "x.txt"])
    panel = searched(qtbot, app, "porto")
    assert shown_keys(panel) == ["trips/porto/"]
    edit = app.window.edit_actions
    assert edit is not None
    edit.rename("trips/porto/", "oporto")  # still matches: the row shows the new name
    qtbot.waitUntil(lambda: shown_keys(panel) == ["trips/oporto/"], timeout=60_000)
    assert panel.model.index(0, 0).data() == "trips/oporto/"
    edit.rename("trips/oporto/", "lisbon")  # no longer matches: the row leaves
    qtbot.waitUntil(lambda: shown_keys(panel) == [], timeout=60_000)
    listed = moto_store.client.list_objects_v2(Bucket=moto_bucket).get("Contents", [])
    assert sorted(o["Key"] for o in listed) == [
        "trips/faro/c.png", "trips/lisbon/a.png", "trips/lisbon/day1/b.png", "x.txt"
    ]  # fmt: skip


def test_f2_on_a_result_opens_its_folder_with_the_name_ready_to_type_over_and_enter_renames_it(
    browse_moto: Callable[[list[str]], App], moto_store: Any, moto_bucket: str, qtbot: QtBot
) -> None:
    """Before, a result could be revealed, opened, deleted, but not renamed (Finder can)."""
    app = browse_moto(["trips/lisbon/old-1.log", "trips/other.txt", "top.txt"])
    panel = searched(qtbot, app, "old-*")
    panel.view.selectRow(panel.model.row_of("trips/lisbon/old-1.log"))
    focus_results(qtbot, app, panel)
    qtbot.keyClick(panel.view, Qt.Key.Key_F2)
    window, view = app.window, app.window.object_view
    qtbot.waitUntil(
        lambda: window.place is not None and window.place.prefix == "trips/lisbon/", timeout=30_000
    )
    qtbot.waitUntil(lambda: view.findChild(QLineEdit) is not None, timeout=30_000)
    editor = view.findChild(QLineEdit)
    assert editor is not None
    qtbot.waitUntil(lambda: editor.selectedText() == "old-1", timeout=10_000)  # the name, not its extension
    qtbot.keyClicks(editor, "old-2")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shown_keys(panel) == ["trips/lisbon/old-2.log"], timeout=60_000)
    listed = moto_store.client.list_objects_v2(Bucket=moto_bucket).get("Contents", [])
    assert sorted(o["Key"] for o in listed) == ["top.txt", "trips/lisbon/old-2.log", "trips/other.txt"]


def test_downloading_a_folder_found_by_name_downloads_what_it_holds(
    browse_moto: Callable[[list[str]], App], moto_store: Any, moto_bucket: str, qtbot: QtBot, tmp_path: Path
) -> None:
    app = browse_moto(["trips/porto/a.png", "trips/porto/day1/b.png", "trips/faro/c.png"])
    app.transfers.set_download_folder(str(tmp_path))
    panel = searched(qtbot, app, "porto")
    panel.view.selectRow(panel.model.row_of("trips/porto/"))
    panel.download_action.trigger()
    wanted = {tmp_path / "porto" / "a.png", tmp_path / "porto" / "day1" / "b.png"}
    qtbot.waitUntil(lambda: all(path.is_file() for path in wanted), timeout=60_000)
    for path in wanted:
        key = "trips/" + path.relative_to(tmp_path).as_posix()
        assert path.read_bytes() == moto_store.client.get_object(Bucket=moto_bucket, Key=key)["Body"].read()
    assert not (tmp_path / "faro").exists()


@pytest.fixture
def proxy(moto_endpoint: str) -> Iterator[FaultProxy]:
    with FaultProxy(moto_endpoint) as running:
        yield running


def test_escape_stops_a_running_search_and_the_buttons_follow(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: Any, moto_bucket: str, proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    moto_store.client.put_object(Bucket=moto_bucket, Key="x/found.txt", Body=b"1")
    account = moto_account.with_changes(endpoint_url=proxy.endpoint)
    app = build_window()
    open_account(app, account)
    app.window.navigate(Place(account.id, moto_bucket, ""))
    wait_listed(qtbot, app)
    hold = proxy.hold(Match(method="GET", query={"list-type": "2", "delimiter": ABSENT}))
    panel = open_search(app, "found")
    qtbot.keyClick(panel.form.pattern_edit, Qt.Key.Key_Enter)  # the keypad's Enter too
    qtbot.waitUntil(lambda: hold.waiting == 1, timeout=30_000)
    form = panel.form
    assert panel.search_id != 0
    assert form.stop_button.isEnabled()
    assert not form.search_button.isEnabled()
    app.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is app.window, timeout=10_000)
    form.pattern_edit.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.keyClick(form.pattern_edit, Qt.Key.Key_Escape)
    assert panel.search_id == 0
    assert panel.status_label.text().startswith("Stopped after")
    assert form.search_button.isEnabled()
    assert not form.stop_button.isEnabled()
    assert not panel.stop_action.isEnabled()  # Escape is left to others again
    hold.release()
    qtbot.keyClick(form.pattern_edit, Qt.Key.Key_Return)  # and Enter searches again
    wait_done(qtbot, panel)
    assert shown_keys(panel) == ["x/found.txt"]
    # With no search running, Escape gives the keyboard back to the files; the results stay.
    form.pattern_edit.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.keyClick(form.pattern_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(app.window.object_view.hasFocus, timeout=10_000)
    assert panel.isVisible()
    assert shown_keys(panel) == ["x/found.txt"]
