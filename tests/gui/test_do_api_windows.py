"""The DigitalOcean keys window, the CDN settings page and the CDN commands of the object
menu, driven as a user would, against a local server that follows the API's shapes.

The requests that server received are the proof.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import keyring.errors
import pytest
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account, AddressingStyle
from spacesgui.core.do_api import TOKEN_SECRET_ID, CdnEndpoint, Permission
from spacesgui.core.history import Place
from spacesgui.services.do_api_service import DoApiService
from spacesgui.ui.do_api.do_keys_window import DoKeysWindow
from spacesgui.ui.settings.cdn_section import CdnSection
from tests.conftest import MemoryKeyring
from tests.fake_do_api import TOKEN, FakeDoApi, serve_fake_do_api
from tests.gui.conftest import wait_listed
from tests.gui.operations_helpers import row_of, select
from tests.gui.test_properties import open_properties

WAIT = 30_000


@pytest.fixture
def api() -> Iterator[FakeDoApi]:
    with serve_fake_do_api() as server:
        yield server


def do_service(app: App, api: FakeDoApi) -> DoApiService:
    assert app.window.cdn is not None
    service = app.window.cdn.service
    service.set_api_url(api.url)
    return service


def open_keys_window(app: App, api: FakeDoApi) -> DoKeysWindow:
    do_service(app, api)
    assert app.window.do_keys is not None
    assert app.window.do_keys.action in app.window.menuBar().actions()[0].menu().actions()
    app.window.do_keys.action.trigger()
    window = app.window.do_keys.window
    assert window is not None
    assert window.objectName() == "doKeys"
    return window


def do_account(endpoint: str) -> Account:
    return Account(
        name="do", provider="digitalocean", endpoint_url=endpoint, region="nyc3",
        access_key_id="test-access", addressing=AddressingStyle.PATH,
    )  # fmt: skip


def test_the_token_goes_to_the_keyring_and_lists_every_page_of_keys(
    build_window: Callable[[], App],
    api: FakeDoApi,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    first, second = api.add_key("ci"), api.add_key("backup")
    api.page_size = 1
    app = build_window()
    window = open_keys_window(app, api)
    assert not window.create_button.isEnabled()  # no token yet

    window.token_edit.setText(TOKEN)
    window.save_token_button.click()

    qtbot.waitUntil(lambda: window.table.rowCount() == 2, timeout=WAIT)
    assert memory_keyring.passwords[("spacesgui", TOKEN_SECRET_ID)] == TOKEN
    assert [window.table.item(r, 1).text() for r in range(2)] == [first, second]
    assert window.table.item(0, 2).text() == "Full access to every Space"
    gets = api.requests_to("GET", "/v2/spaces/keys")
    assert len(gets) == 2
    assert all(r.authorization == f"Bearer {TOKEN}" for r in gets)
    assert TOKEN not in "".join(p.read_text() for p in tmp_path.rglob("*.json"))
    assert window.token_edit.text() == ""


def test_long_key_names_and_grants_are_cut_so_every_column_shows_at_the_windows_width(
    build_window: Callable[[], App], api: FakeDoApi, qtbot: QtBot
) -> None:
    grants = [{"bucket": f"photos-archive-{year}", "permission": "read"} for year in range(2015, 2027)]
    api.add_key("website-deploy-ci-pipeline-key-for-production", grants)
    app = build_window()
    window = open_keys_window(app, api)
    window.show()
    window.token_edit.setText(TOKEN)
    window.save_token_button.click()
    qtbot.waitUntil(lambda: window.table.rowCount() == 1, timeout=WAIT)
    QApplication.processEvents()
    # Before, every column took its whole text: Access, Created and Local accounts were off
    # the side of the window at its own width, behind a scroll bar.
    assert window.table.horizontalScrollBar().maximum() == 0
    access = window.table.item(0, 2)
    assert access.toolTip() == access.text()  # whole on hover
    assert access.text().count("photos-archive-") == 12


def test_a_created_key_shows_its_secret_once_and_saves_as_an_account_in_the_keyring(
    build_window: Callable[[], App],
    api: FakeDoApi,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    app = build_window()
    window = open_keys_window(app, api)
    window.token_edit.setText(TOKEN)
    window.save_token_button.click()
    qtbot.waitUntil(lambda: window.status_label.text() == "0 keys.", timeout=WAIT)

    window.create_button.click()
    dialog = window.create_dialog
    assert dialog is not None
    # Nothing typed yet: no complaint about the name (before, a red "Give the key a name"
    # showed as soon as "Only these Spaces" was chosen), and Create waits for one.
    dialog.add_grant("site", Permission.READWRITE)
    assert dialog.problem_label.text() == ""
    assert not dialog.create_button.isEnabled()
    dialog.name_edit.setText("site deploy")
    assert dialog.create_button.isEnabled()
    dialog.create_button.click()

    qtbot.waitUntil(lambda: window.created_dialog is not None, timeout=WAIT)
    (post,) = api.requests_to("POST", "/v2/spaces/keys")
    assert post.body == {"name": "site deploy", "grants": [{"bucket": "site", "permission": "readwrite"}]}
    (access_key,) = api.keys
    created = window.created_dialog
    assert created is not None
    assert created.access_edit.text() == access_key
    assert created.secret_edit.text() == api.secrets[access_key]
    qtbot.waitUntil(lambda: window.table.rowCount() == 1, timeout=WAIT)

    created.region_combo.setCurrentText("fra1")
    created.save_button.click()

    (account,) = [a for a in app.accounts.accounts if a.access_key_id == access_key]
    assert (account.name, account.region, account.bucket) == ("site deploy", "fra1", "site")
    assert account.endpoint_url == "https://fra1.digitaloceanspaces.com"
    assert memory_keyring.passwords[("spacesgui", account.id)] == api.secrets[access_key]
    assert "Saved as the account “site deploy”" in created.result_label.text()
    saved = "".join(p.read_text() for p in tmp_path.rglob("*.json"))
    assert access_key in saved
    assert api.secrets[access_key] not in saved
    assert window.table.item(0, 4).text() == "site deploy"  # the local account using it
    created.reject()


def test_renaming_and_deleting_a_key_warns_which_accounts_use_it(
    build_window: Callable[[], App], api: FakeDoApi, qtbot: QtBot
) -> None:
    access_key = api.add_key("old name")
    app = build_window()
    app.accounts.add_account(do_account("https://nyc3.digitaloceanspaces.com").with_changes(
        name="uses it", access_key_id=access_key), "s3cr3t")  # fmt: skip
    window = open_keys_window(app, api)
    window.token_edit.setText(TOKEN)
    window.save_token_button.click()
    qtbot.waitUntil(lambda: window.table.rowCount() == 1, timeout=WAIT)
    window.table.selectRow(0)

    window.rename_button.click()
    assert window.rename_dialog is not None
    window.rename_dialog.setTextValue("new name")
    window.rename_dialog.accept()
    qtbot.waitUntil(lambda: window.table.item(0, 0).text() == "new name", timeout=WAIT)
    (put,) = api.requests_to("PUT", f"/v2/spaces/keys/{access_key}")
    assert put.body == {"name": "new name"}

    window.table.selectRow(0)
    window.delete_button.click()
    box = window.delete_box
    assert box is not None
    assert "“uses it”" in box.informativeText()
    delete = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)
    delete.click()

    qtbot.waitUntil(lambda: window.table.rowCount() == 0, timeout=WAIT)
    assert api.requests_to("DELETE", f"/v2/spaces/keys/{access_key}")
    assert api.keys == {}


def test_a_rejected_token_is_said_in_the_window_without_the_token_and_not_kept(
    build_window: Callable[[], App], api: FakeDoApi, memory_keyring: MemoryKeyring, qtbot: QtBot
) -> None:
    app = build_window()
    window = open_keys_window(app, api)
    wrong = "dop_v1_" + "e" * 64
    window.token_edit.setText(wrong)
    window.save_token_button.click()

    qtbot.waitUntil(lambda: "did not accept the API token" in window.error_label.text(), timeout=WAIT)
    assert wrong not in window.error_label.text()
    assert len(api.requests) == 1
    # Not kept: before, it was saved anyway, and the window said a token was kept.
    assert memory_keyring.passwords == {}
    assert window.token_status.text().startswith("No API token yet")
    assert not window.create_button.isEnabled()
    assert window.token_edit.text() == wrong  # there to correct


def test_without_a_keyring_a_good_token_is_kept_until_quit_and_lists_the_keys(
    build_window: Callable[[], App], api: FakeDoApi, memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch, qtbot: QtBot,
) -> None:  # fmt: skip
    def refuse(service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("locked")

    monkeypatch.setattr(memory_keyring, "set_password", refuse)
    key = api.add_key("ci")
    app = build_window()
    window = open_keys_window(app, api)
    window.token_edit.setText(TOKEN)
    window.save_token_button.click()

    # Before: an error advising to untick a keyring box this window does not have.
    qtbot.waitUntil(lambda: window.table.rowCount() == 1, timeout=WAIT)
    assert window.table.item(0, 1).text() == key
    assert "until spacesgui quits" in window.token_status.text()
    assert window.error_label.text() == ""
    assert window.create_button.isEnabled()
    assert memory_keyring.passwords == {}


def test_the_cdn_page_enables_changes_the_ttl_and_disables_a_spaces_endpoint(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    api: FakeDoApi,
    moto_endpoint: str,
    moto_bucket: str,
    qtbot: QtBot,
) -> None:
    app = build_window()
    service = do_service(app, api)
    service.set_token(TOKEN)
    account = do_account(moto_endpoint)
    open_account(app, account)
    settings = app.window.space_settings.open(account.id, moto_bucket)
    settings.show_section("CDN")
    section = settings.section("CDN")
    assert isinstance(section, CdnSection)
    qtbot.waitUntil(lambda: "has no CDN endpoint" in section.state_label.text(), timeout=WAIT)
    origin = f"{moto_bucket}.nyc3.digitaloceanspaces.com"

    section.choose_ttl(600)
    section.enable_button.click()
    qtbot.waitUntil(lambda: "The CDN is on" in section.state_label.text(), timeout=WAIT)
    (endpoint,) = api.endpoints.values()
    assert (endpoint["origin"], endpoint["ttl"]) == (origin, 600)
    assert section.ttl_button.isVisible()
    assert not section.ttl_button.isEnabled()
    assert not section.enable_button.isVisible()

    section.choose_ttl(86400)
    section.ttl_button.click()
    qtbot.waitUntil(lambda: "1 day" in section.state_label.text(), timeout=WAIT)
    assert api.endpoints[endpoint["id"]]["ttl"] == 86400

    section.disable_button.click()
    box = section.last_box
    assert box is not None
    assert f"https://{moto_bucket}.nyc3.cdn.digitaloceanspaces.com/" in box.informativeText()
    disable = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)
    disable.click()
    qtbot.waitUntil(lambda: "has no CDN endpoint" in section.state_label.text(), timeout=WAIT)
    assert api.requests_to("DELETE", f"/v2/cdn/endpoints/{endpoint['id']}")
    assert api.endpoints == {}
    settings.close()


def test_the_cdn_page_says_when_no_token_is_set(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    api: FakeDoApi,
    moto_endpoint: str,
    moto_bucket: str,
    qtbot: QtBot,
) -> None:
    app = build_window()
    do_service(app, api)
    account = do_account(moto_endpoint)
    open_account(app, account)
    settings = app.window.space_settings.open(account.id, moto_bucket)
    section = settings.section("CDN")
    assert isinstance(section, CdnSection)

    qtbot.waitUntil(lambda: "DigitalOcean Keys" in section.state_label.text(), timeout=WAIT)
    assert not section.enable_button.isEnabled()
    assert api.requests == []
    settings.close()


def context_menu(app: App, key: str) -> QMenu:
    view = app.window.object_view
    view.customContextMenuRequested.emit(view.visualRect(view.flat.index(row_of(app, key), 0)).center())
    return view.findChildren(QMenu, "objectContextMenu")[-1]


def test_cdn_commands_are_offered_only_for_a_space_with_an_endpoint_and_purge_what_is_selected(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    api: FakeDoApi,
    moto_endpoint: str,
    moto_store: S3Store,
    moto_bucket: str,
    qtbot: QtBot,
) -> None:
    for key in ("a.txt", "docs/b.txt"):
        moto_store.client.put_object(Bucket=moto_bucket, Key=key, Body=b"1")
    app = build_window()
    service = do_service(app, api)
    service.set_token(TOKEN)
    account = do_account(moto_endpoint)
    open_account(app, account)
    app.window.navigate(Place(account.id, moto_bucket, ""))
    wait_listed(qtbot, app)
    qtbot.waitUntil(lambda: service.cached_endpoint(account.id, moto_bucket) is None, timeout=WAIT)
    menu = context_menu(app, "a.txt")
    assert app.window.object_menu.copy_cdn_action not in menu.actions()  # no endpoint: not offered
    menu.close()
    panel = open_properties(qtbot, app, "a.txt")
    assert not panel._general.isRowVisible(panel.details["CdnUrl"])
    panel.close()

    endpoint_id = api.add_endpoint(f"{moto_bucket}.nyc3.digitaloceanspaces.com")
    app.window.refresh()
    settings = app.window.space_settings.open(account.id, moto_bucket)  # its page looks again
    qtbot.waitUntil(
        lambda: isinstance(service.cached_endpoint(account.id, moto_bucket), CdnEndpoint), timeout=WAIT
    )
    settings.close()
    panel = open_properties(qtbot, app, "a.txt")
    assert panel._general.isRowVisible(panel.details["CdnUrl"])
    panel.close()
    select(app, "a.txt", "docs/")
    menu = context_menu(app, "a.txt")
    assert app.window.cdn is not None
    assert {app.window.object_menu.copy_cdn_action, app.window.cdn.purge_action} <= set(menu.actions())
    menu.close()

    app.window.cdn.purge_action.trigger()
    qtbot.waitUntil(lambda: len(api.purged) == 1, timeout=WAIT)
    assert sorted(api.purged[0]) == ["a.txt", "docs/*"]
    assert api.requests_to("DELETE", f"/v2/cdn/endpoints/{endpoint_id}/cache")

    select(app, "a.txt")
    app.window.object_menu.copy_cdn_action.trigger()
    assert QApplication.clipboard().text() == f"https://{moto_bucket}.nyc3.cdn.digitaloceanspaces.com/a.txt"


def test_a_token_kept_from_an_earlier_run_lists_the_keys_at_once(
    build_window: Callable[[], App], api: FakeDoApi, memory_keyring: MemoryKeyring, qtbot: QtBot
) -> None:
    memory_keyring.passwords[("spacesgui", TOKEN_SECRET_ID)] = TOKEN
    api.add_key("kept")
    app = build_window()

    window = open_keys_window(app, api)

    qtbot.waitUntil(lambda: window.table.rowCount() == 1, timeout=WAIT)
    assert window.table.item(0, 0).text() == "kept"
    assert window.forget_token_button.isEnabled()
    window.forget_token_button.click()
    assert ("spacesgui", TOKEN_SECRET_ID) not in memory_keyring.passwords
    assert window.table.rowCount() == 0
    assert not window.create_button.isEnabled()


def test_a_token_without_the_keys_scope_is_told_which_scope_to_add(
    build_window: Callable[[], App], api: FakeDoApi, qtbot: QtBot
) -> None:
    api.scopes = {"cdn"}
    app = build_window()
    window = open_keys_window(app, api)
    window.token_edit.setText(TOKEN)
    window.save_token_button.click()

    qtbot.waitUntil(lambda: "lacks the needed scope" in window.error_label.text(), timeout=WAIT)
    assert "spaces_key" in window.error_label.text()
    assert window.table.rowCount() == 0


def test_a_refused_cdn_lookup_is_not_repeated_on_every_folder(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    api: FakeDoApi,
    moto_endpoint: str,
    moto_store: S3Store,
    moto_bucket: str,
    qtbot: QtBot,
) -> None:
    moto_store.client.put_object(Bucket=moto_bucket, Key="docs/b.txt", Body=b"1")
    app = build_window()
    service = do_service(app, api)
    service.set_token("dop_v1_" + "d" * 64)  # not the server's
    account = do_account(moto_endpoint)
    open_account(app, account)
    app.window.navigate(Place(account.id, moto_bucket, ""))
    wait_listed(qtbot, app)
    qtbot.waitUntil(lambda: service.cached_endpoint(account.id, moto_bucket) is None, timeout=WAIT)

    app.window.navigate(Place(account.id, moto_bucket, "docs/"))
    wait_listed(qtbot, app)

    # No second lookup: neither one under way nor one the server received.
    assert not any(task.get_name() == "cdn-lookup" for task in app.runner._tasks)
    assert len(api.requests_to("GET", "/v2/cdn/endpoints")) == 1
    menu = context_menu(app, "docs/b.txt")
    assert app.window.object_menu.copy_cdn_action not in menu.actions()
    menu.close()
