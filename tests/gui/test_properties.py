"""Properties through the real window against moto (issue 8, item 7): the server's values, edits, "(mixed)"."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import quote

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.history import Place
from spacesgui.core.keys import parent
from spacesgui.core.property_edits import MIXED
from spacesgui.core.transfers import MD5_METADATA
from spacesgui.ui.operations.properties_panel import PropertiesPanel
from tests.fault_proxy import FaultProxy, Match
from tests.gui.conftest import wait_listed
from tests.gui.operations_helpers import press, row_of, select
from tests.integration.object_helpers import is_public, md5_hex, read

KEY = "with space/ünï 写真 #?%+&.html"
HEADERS = {
    "ContentType": "text/html",
    "CacheControl": "max-age=300",
    "ContentDisposition": 'attachment; filename="page.html"',
    "ContentEncoding": "identity",
    "Metadata": {"author": "ada", "project": "42"},
}


def seed(store: S3Store, bucket: str, key: str, data: bytes = b"<p>hi</p>", **params: object) -> None:
    store.client.put_object(Bucket=bucket, Key=key, Body=data, **params)  # type: ignore[arg-type]


def open_properties(qtbot: QtBot, app: App, *keys: str) -> PropertiesPanel:
    """Select `keys`, press Alt+Enter, and wait until the panel shows what it read."""
    select(app, *keys)
    press(qtbot, app, "Alt+Return")
    panel = app.window.object_actions.last_dialog
    assert isinstance(panel, PropertiesPanel)
    qtbot.waitUntil(lambda: panel.isVisible() and panel.save_button.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: not panel.header_edits["content_type"].isReadOnly(), timeout=30_000)
    return panel


def metadata_rows(panel: PropertiesPanel) -> dict[str, str]:
    table = panel.metadata.table
    return {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}


def save(qtbot: QtBot, panel: PropertiesPanel) -> None:
    assert panel.save_button.isEnabled()
    panel.save_button.click()
    qtbot.waitUntil(lambda: panel.status_label.text().startswith("Saved"), timeout=30_000)


def test_properties_show_the_servers_values(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto([])
    seed(moto_store, moto_bucket, KEY, ACL="public-read", **HEADERS)
    app.window.open_folder("with space/")
    qtbot.waitUntil(lambda: row_of(app, KEY) >= 0, timeout=30_000)

    panel = open_properties(qtbot, app, KEY)

    shown = {name: field.text() for name, field in panel.details.items()}
    assert shown["Key"] == KEY
    assert shown["Size"] == "9 bytes"
    assert shown["Etag"] == md5_hex(b"<p>hi</p>")
    assert shown["StorageClass"] == "Standard"  # as the object list says it
    assert shown["Access"].startswith("Public")
    assert shown["PublicUrl"] == f"{moto_store.endpoint}/{moto_bucket}/{quote(KEY, safe='/~')}"
    assert not panel.private_warning.isVisible()  # public: the address works
    headers = {name: edit.text() for name, edit in panel.header_edits.items()}
    assert headers["content_type"] == "text/html"
    assert headers["cache_control"] == "max-age=300"
    assert headers["content_disposition"] == 'attachment; filename="page.html"'
    assert headers["content_encoding"] == "identity"
    assert metadata_rows(panel) == {"author": "ada", "project": "42"}
    assert panel.windowTitle() == "Properties of “ünï 写真 #?%+&.html”"
    assert not panel.isModal()
    panel.close()


def test_a_long_public_url_shows_its_file_name_after_an_ellipsis_and_whole_when_focused(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    key = "deep/" * 30 + "IMG_0042.jpg"
    app = browse_moto([])
    seed(moto_store, moto_bucket, key)
    app.window.open_folder(parent(key))
    qtbot.waitUntil(lambda: row_of(app, key) >= 0, timeout=30_000)
    panel = open_properties(qtbot, app, key)
    panel.resize(480, panel.height())
    field = panel.details["PublicUrl"]
    qtbot.waitUntil(
        lambda: field.width() < field.fontMetrics().horizontalAdvance(field.text()), timeout=10_000
    )

    shown = field.shown_text()
    assert "…" in shown
    assert shown.endswith("IMG_0042.jpg")
    assert shown.startswith(moto_store.endpoint[:10])
    assert field.toolTip() == field.text()
    plain = QLineEdit(field.text())  # what a line edit paints: the value cut at the right edge
    plain.setFrame(False)
    plain.setReadOnly(True)
    plain.setStyleSheet(field.styleSheet())
    plain.setCursorPosition(0)
    plain.setFont(field.font())
    plain.resize(field.size())
    assert field.grab().toImage() != plain.grab().toImage()  # the painted text is the elided one
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=10_000)
    assert field.shown_text() == field.text()  # focused: the whole value, to scroll and select
    panel.close()


def test_editing_one_object_changes_its_headers_on_the_server_and_it_stays_public(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto([])
    seed(moto_store, moto_bucket, "page #1.html", ACL="public-read", **HEADERS)
    app.window.refresh()
    qtbot.waitUntil(lambda: row_of(app, "page #1.html") >= 0, timeout=30_000)
    panel = open_properties(qtbot, app, "page #1.html")

    cache = panel.header_edits["cache_control"]
    cache.selectAll()
    qtbot.keyClicks(cache, "no-cache")
    table = panel.metadata.table
    author = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "author")
    table.item(author, 1).setText("grace")  # as an edit in the cell sets it
    table.selectRow(next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "project"))
    panel.metadata.remove_button.click()
    panel.metadata.add_row("reviewed", "yes")
    save(qtbot, panel)

    details = moto_store.head_details(moto_bucket, "page #1.html")
    assert details.headers.cache_control == "no-cache"
    assert details.headers.content_type == "text/html"  # untouched fields kept
    assert details.headers.content_disposition == 'attachment; filename="page.html"'
    assert details.headers.metadata == {"author": "grace", "reviewed": "yes"}
    assert is_public(moto_store, moto_bucket, "page #1.html")
    assert read(moto_store, moto_bucket, "page #1.html") == b"<p>hi</p>"
    assert panel.header_edits["cache_control"].text() == "no-cache"  # shows what the server has now
    assert panel.errors_label.text() == ""
    panel.close()


def test_the_keyboard_starts_on_the_content_type_so_typing_and_return_save_it(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    # Before: the keys started on the read-only Key, nine rows above the first field to edit.
    app = browse_moto([])
    seed(moto_store, moto_bucket, "notes.txt", ContentType="application/octet-stream")
    app.window.refresh()
    qtbot.waitUntil(lambda: row_of(app, "notes.txt") >= 0, timeout=30_000)
    panel = open_properties(qtbot, app, "notes.txt")
    panel.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is panel, timeout=10_000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.header_edits["content_type"], timeout=10_000)

    typed_into = QApplication.focusWidget()
    qtbot.keyClick(typed_into, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(typed_into, "text/plain")
    qtbot.keyClick(typed_into, Qt.Key.Key_Return)  # Save is the default button
    qtbot.waitUntil(lambda: panel.status_label.text().startswith("Saved"), timeout=30_000)
    assert moto_store.head_details(moto_bucket, "notes.txt").headers.content_type == "text/plain"
    panel.close()


def test_a_selection_shows_mixed_where_values_differ_and_an_edit_leaves_mixed_values_alone(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto([])
    seed(
        moto_store, moto_bucket, "a.html", ACL="public-read", ContentType="text/html",
        CacheControl="max-age=60", Metadata={"team": "a", "author": "ada"},
    )  # fmt: skip
    seed(
        moto_store, moto_bucket, "b.css", ContentType="text/css", CacheControl="max-age=60",
        Metadata={"team": "b", "author": "ada"},
    )  # fmt: skip
    app.window.refresh()
    qtbot.waitUntil(lambda: row_of(app, "a.html") >= 0 and row_of(app, "b.css") >= 0, timeout=30_000)

    panel = open_properties(qtbot, app, "a.html", "b.css")

    content_type = panel.header_edits["content_type"]
    assert (content_type.text(), content_type.placeholderText()) == ("", MIXED)
    assert panel.header_edits["cache_control"].text() == "max-age=60"
    assert metadata_rows(panel) == {"author": "ada", "team": MIXED}
    assert panel.details["Access"].text() == MIXED
    assert panel.details["Key"].text() == "2 files"
    assert panel.windowTitle() == "Properties of 2 files"

    cache = panel.header_edits["cache_control"]
    cache.selectAll()
    qtbot.keyClicks(cache, "max-age=3600")
    save(qtbot, panel)

    a, b = (moto_store.head_details(moto_bucket, k).headers for k in ("a.html", "b.css"))
    assert (a.cache_control, b.cache_control) == ("max-age=3600", "max-age=3600")
    assert (a.content_type, b.content_type) == ("text/html", "text/css")  # mixed: left alone
    assert (a.metadata["team"], b.metadata["team"]) == ("a", "b")
    assert is_public(moto_store, moto_bucket, "a.html")
    assert not is_public(moto_store, moto_bucket, "b.css")
    assert panel.status_label.text() == "Saved 2 files."
    panel.close()


def test_a_value_that_cannot_be_sent_is_refused_in_words_and_nothing_is_saved(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt"])
    panel = open_properties(qtbot, app, "a.txt")
    before = moto_store.head_details(moto_bucket, "a.txt")

    panel.header_edits["content_type"].selectAll()
    qtbot.keyClicks(panel.header_edits["content_type"], "plain")

    assert "names a type and a subtype" in panel.problems_label.text()
    assert panel.problems_label.isVisible()
    assert not panel.save_button.isEnabled()
    panel.save()
    assert moto_store.head_details(moto_bucket, "a.txt").etag == before.etag
    assert moto_store.head_details(moto_bucket, "a.txt").last_modified == before.last_modified
    panel.close()


def test_an_object_that_cannot_be_read_is_named_with_the_reason_and_the_others_show(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["gone.txt", "kept.txt"])
    moto_store.client.delete_object(Bucket=moto_bucket, Key="gone.txt")  # after it was listed

    panel = open_properties(qtbot, app, "gone.txt", "kept.txt")

    assert "Could not read “gone.txt”:" in panel.errors_label.text()
    assert "is not in" in panel.errors_label.text()
    assert panel.details["Etag"].text() == md5_hex(b"1")
    assert panel.status_label.text() == "Showing 1 file; 1 could not be read."
    panel.close()


def test_properties_of_a_file_deleted_elsewhere_say_so_show_no_fields_and_its_row_goes(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """Before: “Showing 0 files; 1 could not be read” above “Key: 0 files” and empty header
    fields that looked editable, and the gone file's row stayed until F5."""
    app = browse_moto(["ghost.png", "kept.txt"])
    app.window.set_refresh_interval(0)  # the failed read itself must re-list
    moto_store.client.delete_object(Bucket=moto_bucket, Key="ghost.png")  # another tool

    select(app, "ghost.png")
    press(qtbot, app, "Alt+Return")
    panel = app.window.object_actions.last_dialog
    assert isinstance(panel, PropertiesPanel)
    qtbot.waitUntil(lambda: bool(panel.errors_label.text()), timeout=30_000)
    assert panel.errors_label.text() == f"“ghost.png” is not in {moto_bucket} (any more)."
    assert panel.status_label.text() == ""
    assert not panel.details["Key"].isVisibleTo(panel)
    assert not panel.header_edits["content_type"].isVisibleTo(panel)
    qtbot.waitUntil(lambda: row_of(app, "ghost.png") == -1, timeout=30_000)
    assert row_of(app, "kept.txt") >= 0
    panel.close()


def test_properties_apply_to_files_info_on_one_folder_shows_what_it_holds_and_sits_in_the_menus(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    app = browse_moto(["docs/a.txt", "b.txt"])
    actions = app.window.object_actions
    view = app.window.object_view

    select(app, "docs/")
    assert not actions.share_action.isEnabled()
    assert actions.properties_action.isEnabled()  # as Finder's Get Info on a folder
    press(qtbot, app, "Alt+Return")
    qtbot.waitUntil(lambda: len(app.window.usage_windows.open_windows()) == 1, timeout=10_000)
    (usage,) = app.window.usage_windows.open_windows()
    qtbot.addWidget(usage)
    qtbot.waitUntil(lambda: "1 object" in usage.status_label.text(), timeout=60_000)
    assert "/docs/" in usage.windowTitle()
    select(app, "docs/", "b.txt")
    assert actions.properties_action.isEnabled()
    view.customContextMenuRequested.emit(view.visualRect(view.flat.index(row_of(app, "b.txt"), 0)).center())
    menu = view.findChildren(QMenu, "objectContextMenu")[-1]
    assert {actions.properties_action, actions.share_action, actions.copy_link_action} <= set(menu.actions())
    menu.close()
    assert actions.properties_action in app.window.chrome.main_toolbar.actions()
    assert actions.properties_action.iconText() == "Info"


def test_an_object_the_server_will_not_change_is_named_with_the_reason_and_the_others_are_saved(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    moto_account: Account,
    moto_store: S3Store,
    moto_bucket: str,
    fault_proxy: FaultProxy,
    qtbot: QtBot,
) -> None:
    for key in ("a.txt", "b.txt"):
        seed(moto_store, moto_bucket, key, CacheControl="max-age=1")
    copy_onto_b = Match(method="PUT", path=f"/{moto_bucket}/b.txt", headers={"x-amz-copy-source": ".+"})
    fault_proxy.fail(copy_onto_b, status=403, code="AccessDenied", message="Access Denied")
    app = build_window()
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    open_account(app, account)
    app.window.navigate(Place(account.id, moto_bucket, ""))
    wait_listed(qtbot, app)
    panel = open_properties(qtbot, app, "a.txt", "b.txt")

    panel.header_edits["cache_control"].selectAll()
    qtbot.keyClicks(panel.header_edits["cache_control"], "no-store")
    panel.save_button.click()

    qtbot.waitUntil(lambda: "Not saved: “b.txt”:" in panel.errors_label.text(), timeout=30_000)
    assert panel.status_label.text() == "Saved 1 file. 1 file could not be saved."
    assert moto_store.head_details(moto_bucket, "a.txt").headers.cache_control == "no-store"
    assert moto_store.head_details(moto_bucket, "b.txt").headers.cache_control == "max-age=1"
    assert panel.header_edits["cache_control"].placeholderText() == MIXED  # what the server has now
    panel.close()


def test_the_apps_own_checksum_metadata_is_neither_shown_nor_lost_nor_taken_by_an_entry(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """spacesgui-md5 sat in the editable table: removed there, a later download could not be
    checked against it."""
    data = b"<p>checked</p>"
    app = browse_moto([])
    seed(moto_store, moto_bucket, "page.html", data, Metadata={"author": "ada", MD5_METADATA: md5_hex(data)})
    app.window.refresh()
    qtbot.waitUntil(lambda: row_of(app, "page.html") >= 0, timeout=30_000)
    panel = open_properties(qtbot, app, "page.html")
    assert metadata_rows(panel) == {"author": "ada"}
    panel.metadata.add_row("reviewed", "yes")
    save(qtbot, panel)
    stored = moto_store.head_details(moto_bucket, "page.html").headers.metadata
    assert stored == {"author": "ada", "reviewed": "yes", MD5_METADATA: md5_hex(data)}
    assert metadata_rows(panel) == {"author": "ada", "reviewed": "yes"}

    panel.metadata.add_row("Spacesgui-MD5", "0" * 32)
    assert "spacesgui's own metadata" in panel.problems_label.text()
    assert not panel.save_button.isEnabled()
    panel.close()


def test_the_public_url_of_a_private_file_says_it_will_not_work_as_share_does(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    app = browse_moto(["private.txt"])
    panel = open_properties(qtbot, app, "private.txt")
    qtbot.waitUntil(panel.private_warning.isVisible, timeout=30_000)
    assert panel.private_warning.text() == (
        "“private.txt” is private: this address will not work until you make it public (Make Public…)."
    )
    panel.close()
