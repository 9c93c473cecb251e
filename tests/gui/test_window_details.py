"""Names, keyboard behaviour, clipboard and preferences of the main window."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account, Credentials, Provider
from spacesgui.core.folder_node import LoadState
from spacesgui.core.history import Place
from spacesgui.qtmodels.roles import ObjectRole
from spacesgui.services import account_service
from spacesgui.ui.accounts.create_space_dialog import CreateSpaceDialog
from tests.fault_proxy import FaultProxy, Match
from tests.gui.conftest import wait_listed


@pytest.fixture
def opened(browse_moto: Callable[[Iterable[str]], App]) -> App:
    return browse_moto(["docs/readme.txt", "docs/guide/intro.txt", "zeta.txt"])


def flat_names(app: App) -> list[str]:
    flat = app.window.flat_model
    return [flat.index(r, 0).data() for r in range(flat.rowCount())]


@pytest.mark.parametrize(
    "name", ["mainWindow", "accountTree", "objectView", "pathBar", "filterEdit", "statusBar"]
)
def test_main_widgets_have_stable_object_and_accessible_names(opened: App, name: str) -> None:
    window = opened.window
    widget = window if name == "mainWindow" else window.findChild(QWidget, name)
    assert widget is not None
    assert widget.objectName() == name
    assert widget.accessibleName()


def test_right_expands_a_folder_and_left_collapses_it(opened: App, qtbot: QtBot) -> None:
    view = opened.window.object_view
    view.setFocus()
    view.setCurrentIndex(opened.window.flat_model.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: flat_names(opened) == ["docs", "guide", "readme.txt", "zeta.txt"], timeout=10_000)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Left)  # on a child row: go to the enclosing folder
    assert view.currentIndex().data() == "docs"
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert flat_names(opened) == ["docs", "zeta.txt"]


def test_enter_opens_a_folder_and_backspace_goes_up(opened: App, qtbot: QtBot) -> None:
    view = opened.window.object_view
    view.setFocus()
    view.setCurrentIndex(opened.window.flat_model.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    wait_listed(qtbot, opened)
    assert opened.window.path_bar.text().endswith("/docs/")
    qtbot.keyClick(view, Qt.Key.Key_Backspace)
    wait_listed(qtbot, opened)
    assert flat_names(opened) == ["docs", "zeta.txt"]


def test_a_nested_folder_expands_inside_its_parent(opened: App, qtbot: QtBot) -> None:
    view = opened.window.object_view
    docs = opened.window.model.root.folders[0]
    view.expand_folder(docs)
    qtbot.waitUntil(lambda: docs.state == LoadState.LOADED, timeout=10_000)
    guide = docs.folders[0]
    view.expand_folder(guide)
    qtbot.waitUntil(
        lambda: flat_names(opened) == ["docs", "guide", "intro.txt", "readme.txt", "zeta.txt"], timeout=10_000
    )
    assert [opened.window.flat_model.index(r, 0).data(ObjectRole.DEPTH) for r in range(5)] == [0, 1, 2, 1, 0]


def test_copy_path_puts_the_s3_paths_of_the_selected_rows_on_the_clipboard(
    opened: App, moto_bucket: str
) -> None:
    view = opened.window.object_view
    view.selectAll()
    opened.window.object_menu.copy_path_action.trigger()
    assert QGuiApplication.clipboard().text() == f"s3://{moto_bucket}/docs/\ns3://{moto_bucket}/zeta.txt"


def test_choosing_an_auto_refresh_interval_is_remembered_at_the_next_start(
    opened: App, build_window: Callable[..., App]
) -> None:
    opened.window.auto_refresh.actions[60].trigger()
    assert opened.window.refresh_interval == 60
    again = build_window(refresh_interval_s=None)  # the same settings file, its saved interval
    assert again.window.refresh_interval == 60
    checked = [seconds for seconds, action in again.window.auto_refresh.actions.items() if action.isChecked()]
    assert checked == [60]  # what the menu shows


def test_the_flat_model_passes_the_model_tester_with_nested_folders_expanded(
    opened: App, qtbot: QtBot, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    docs = opened.window.model.root.folders[0]
    opened.window.object_view.expand_folder(docs)
    qtbot.waitUntil(lambda: docs.state == LoadState.LOADED, timeout=10_000)
    opened.window.object_view.expand_folder(docs.folders[0])
    qtbot.waitUntil(lambda: len(flat_names(opened)) == 5, timeout=10_000)
    qtmodeltester.check(opened.window.flat_model)


class _PortRegions(Provider):
    def endpoint_for(self, region: str) -> str:
        return f"http://127.0.0.1:{region.removeprefix('port-')}"


def test_a_space_in_another_region_is_created_at_that_regions_endpoint(
    build_window: Callable[[], App],
    qtbot: QtBot,
    fault_proxy: FaultProxy,
    moto_account: Account,
    moto_store: S3Store,
    moto_endpoint: str,
    server_credentials: Credentials,
    unique_bucket: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A provider whose endpoint depends on the region: region "port-N" lives on 127.0.0.1:N.
    regional = _PortRegions("regional", "Regional test", "http://127.0.0.1:{region}", regions=("port-1",))
    monkeypatch.setattr(account_service, "provider", lambda _key: regional)
    other_region = "port-" + moto_endpoint.rsplit(":", 1)[1]
    app = build_window()
    account = moto_account.with_changes(
        provider="regional", endpoint_url=fault_proxy.endpoint, region="port-1"
    )
    app.accounts.add_account(account, server_credentials.secret_access_key)
    app.window.navigate(Place(account.id, "", ""))
    app.window.new_space_action.trigger()
    dialog = app.window.space_actions.last_dialog
    assert isinstance(dialog, CreateSpaceDialog)
    dialog.name_edit.setText(unique_bucket)
    dialog.region_combo.setCurrentText(other_region)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: "add an account for" in app.window.banner.text(), timeout=10_000)
    assert unique_bucket in [b["Name"] for b in moto_store.client.list_buckets()["Buckets"]]
    assert fault_proxy.count(Match(method="PUT")) == 0  # not sent through the account's own endpoint


def test_the_filter_finds_files_inside_open_folders(opened: App, qtbot: QtBot) -> None:
    docs = opened.window.model.root.folders[0]
    opened.window.object_view.expand_folder(docs)
    qtbot.waitUntil(lambda: docs.state == LoadState.LOADED, timeout=10_000)
    opened.window.filter_edit.setText("readme")
    assert flat_names(opened) == ["docs", "readme.txt"]
    qtbot.keyClick(opened.window.filter_edit, Qt.Key.Key_Escape)
    assert opened.window.filter_edit.text() == ""
    assert flat_names(opened) == ["docs", "guide", "readme.txt", "zeta.txt"]


def ink(app: App) -> int:
    """How many pixels of the object view differ from its empty background."""
    view = app.window.object_view
    image = view.viewport().grab().toImage()
    base = view.palette().color(QPalette.ColorRole.Base)
    return sum(
        1 for y in range(image.height()) for x in range(image.width()) if image.pixelColor(x, y) != base
    )


def test_an_empty_filter_result_says_so_in_the_view(opened: App) -> None:
    opened.window.filter_edit.setText("no-such-name")
    assert flat_names(opened) == []
    assert opened.window.object_view._empty_text == (
        "Nothing here matches “no-such-name”.\n"
        "The filter looks in this folder; Find in Space (Ctrl+Shift+F) looks in every folder."
    )
    assert ink(opened) > 100  # no rows: what is painted is the sentence


def test_down_or_enter_in_the_filter_goes_on_to_the_first_row_it_left(opened: App, qtbot: QtBot) -> None:
    window, view = opened.window, opened.window.object_view
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=10_000)
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Return):
        view.clearSelection()
        window.filter_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        qtbot.keyClicks(window.filter_edit, "zeta")
        qtbot.keyClick(window.filter_edit, key)
        qtbot.waitUntil(view.hasFocus, timeout=10_000)
        assert [ref.key for ref in window.selected_refs()] == ["zeta.txt"]  # what Enter or Delete act on
        window.filter_edit.clear()


def test_down_in_the_filter_goes_on_to_the_grid_when_it_shows_and_keeps_a_selection(
    opened: App, qtbot: QtBot
) -> None:
    window = opened.window
    window.preview.icons_action.trigger()  # View → as Icons
    grid = window.preview.icons_view
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=10_000)
    grid.setCurrentIndex(window.flat_model.index_of_key("zeta.txt"))  # chosen before filtering
    window.filter_edit.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.keyClicks(window.filter_edit, "a")  # docs/ and zeta.txt
    qtbot.keyClick(window.filter_edit, Qt.Key.Key_Down)
    qtbot.waitUntil(grid.hasFocus, timeout=10_000)
    assert [ref.key for ref in window.selected_refs()] == ["zeta.txt"]  # kept, not moved to the first


def test_home_and_end_go_to_the_first_and_last_row(opened: App, qtbot: QtBot) -> None:
    view = opened.window.object_view
    view.setFocus()
    view.setCurrentIndex(opened.window.flat_model.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.currentIndex().data() == "zeta.txt"
    assert view.selectionModel().isRowSelected(view.currentIndex().row())
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.currentIndex().data() == "docs"


def test_going_up_selects_the_folder_you_came_from(opened: App, qtbot: QtBot, moto_bucket: str) -> None:
    opened.window.open_folder("docs/guide/")
    wait_listed(qtbot, opened)
    opened.window.go_up()
    qtbot.waitUntil(lambda: opened.window.object_view.currentIndex().data() == "guide", timeout=10_000)


def select_named(app: App, name: str) -> None:
    view, flat = app.window.object_view, app.window.flat_model
    [row] = [r for r in range(flat.rowCount()) if flat.index(r, 0).data() == name]
    view.setCurrentIndex(flat.index(row, 0))


def test_back_and_forward_select_the_file_that_was_selected_when_each_folder_was_left(
    opened: App, qtbot: QtBot
) -> None:
    # Before: Back showed the folder with nothing selected, as Explorer and Finder never do.
    window = opened.window
    select_named(opened, "zeta.txt")
    window.open_folder("docs/")
    wait_listed(qtbot, opened)
    select_named(opened, "readme.txt")

    window.back_action.trigger()
    qtbot.waitUntil(lambda: window.object_view.selected_key() == "zeta.txt", timeout=10_000)
    window.forward_action.trigger()
    qtbot.waitUntil(lambda: window.object_view.selected_key() == "docs/readme.txt", timeout=10_000)
    window.back_action.trigger()
    qtbot.waitUntil(lambda: window.object_view.selected_key() == "zeta.txt", timeout=10_000)


def test_back_to_a_folder_left_with_nothing_selected_selects_the_folder_it_came_back_from(
    opened: App, qtbot: QtBot
) -> None:
    window = opened.window
    window.open_folder("docs/")
    wait_listed(qtbot, opened)
    window.object_view.clearSelection()  # docs/ is left with nothing selected
    window.open_folder("docs/guide/")
    wait_listed(qtbot, opened)
    window.go_back()
    qtbot.waitUntil(lambda: window.object_view.selected_key() == "docs/guide/", timeout=10_000)


def test_back_to_a_folder_whose_selected_file_was_deleted_meanwhile_selects_the_folder_it_came_from(
    opened: App, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    window = opened.window
    window.open_folder("docs/")
    wait_listed(qtbot, opened)
    select_named(opened, "readme.txt")
    window.open_folder("docs/guide/")
    wait_listed(qtbot, opened)
    moto_store.client.delete_object(Bucket=moto_bucket, Key="docs/readme.txt")  # another tool
    window.go_back()
    qtbot.waitUntil(lambda: window.object_view.selected_key() == "docs/guide/", timeout=10_000)


def test_a_path_that_cannot_be_a_space_is_explained_without_asking_the_server(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    app = build_window()
    open_account(app, account)
    app.window.navigate(Place(account.id, moto_bucket, ""))
    wait_listed(qtbot, app)
    qtbot.waitUntil(lambda: not app.runner.busy, timeout=10_000)
    asked = fault_proxy.count()

    app.window.path_bar.location_requested.emit("hello world")

    assert "cannot be a Space" in app.window.banner.text()
    qtbot.waitUntil(lambda: not app.runner.busy, timeout=10_000)
    assert fault_proxy.count() == asked  # the server was not asked
    assert app.window.place is not None
    assert app.window.place.bucket == moto_bucket  # still where it was


def test_a_path_where_nothing_is_stored_says_so_and_an_empty_folder_says_empty(
    opened: App, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """A mistyped path read “This folder is empty”, as if the user's files were gone."""
    window = opened.window
    place = window.place
    assert place is not None
    window.navigate(Place(place.account_id, place.bucket, "doc/"))  # a typo of docs/
    wait_listed(qtbot, opened)
    qtbot.waitUntil(
        lambda: window.object_view.empty_text.startswith("Nothing is stored in “doc/”.\nCheck the path"),
        timeout=30_000,
    )
    assert ink(opened) > 100  # painted
    assert window.status_label.text() == "Nothing stored here"

    moto_store.client.put_object(Bucket=moto_bucket, Key="made/", Body=b"")  # what New Folder leaves
    made = Place(place.account_id, place.bucket, "made/")
    window.navigate(made)
    wait_listed(qtbot, opened)
    qtbot.waitUntil(lambda: window.folder_presence.looked == made, timeout=30_000)  # answered
    assert window.object_view.empty_text == "This folder is empty."
