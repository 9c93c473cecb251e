"""Permissions… on one file (issue 9, item 2): every grant in a table, or Private / Public on DigitalOcean.

Round trips against moto: the grant is applied, read back by the editor, and checked on
the server with a separate client.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.access import GranteeKind, Permission
from spacesgui.core.accounts import Account
from spacesgui.core.history import Place
from spacesgui.qtmodels.grant_model import GrantTableModel
from spacesgui.ui.operations.grant_editor import GrantEditor
from tests.fault_proxy import FaultProxy, Match
from tests.gui.conftest import wait_listed
from tests.gui.operations_helpers import select
from tests.integration.object_helpers import acl_requests, is_public

AUTHENTICATED_READ = {
    "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},
    "Permission": "READ",
}


def open_editor(qtbot: QtBot, app: App, key: str) -> GrantEditor:
    """Select `key`, choose Edit → Permissions…, and wait until the editor has read the file."""
    select(app, key)
    assert app.window.permissions.action in app.window.chrome.edit_menu.actions()
    app.window.permissions.action.trigger()
    editor = app.window.permissions.last_editor
    assert isinstance(editor, GrantEditor)
    qtbot.waitUntil(lambda: editor.isVisible() and editor.loaded is not None, timeout=30_000)
    return editor


def test_granting_read_to_signed_in_users_is_applied_and_read_back(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["report.pdf"])
    editor = open_editor(qtbot, app, "report.pdf")
    assert (
        editor.summary_label.text() == "Only the owner can read this file; only the owner can change who may."
    )
    assert editor.table_panel.model.rowCount() == 1
    assert not editor.apply_button.isEnabled()

    editor.table_panel.choose(GranteeKind.AUTHENTICATED, Permission.READ)
    editor.table_panel.add_button.click()
    assert editor.summary_label.text().startswith("Once applied: anyone signed in to the service")
    assert editor.apply_button.isEnabled()
    editor.apply_button.click()

    qtbot.waitUntil(lambda: editor.status_label.text().startswith("Applied"), timeout=30_000)
    grants = moto_store.client.get_object_acl(Bucket=moto_bucket, Key="report.pdf")["Grants"]
    assert AUTHENTICATED_READ in grants
    assert len(grants) == 2  # the owner's full control is kept
    kinds = [editor.table_panel.model.grant_at(r) for r in range(editor.table_panel.model.rowCount())]
    assert {(g.kind, g.permission) for g in kinds if g is not None} == {
        (GranteeKind.OWNER, Permission.FULL_CONTROL),
        (GranteeKind.AUTHENTICATED, Permission.READ),
    }  # what the editor read back from the server
    assert not editor.apply_button.isEnabled()


def test_removing_a_grant_takes_it_away_on_the_server(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    moto_store.client.put_object(Bucket=moto_bucket, Key="site.html", Body=b"x", ACL="public-read")
    app = browse_moto([])
    editor = open_editor(qtbot, app, "site.html")
    assert editor.summary_label.text().startswith("Anyone on the internet can read this file")
    panel = editor.table_panel
    everyone = next(
        r for r in range(panel.model.rowCount()) if panel.model.grant_at(r).kind is GranteeKind.EVERYONE
    )
    panel.table.selectRow(everyone)
    panel.remove_button.click()
    editor.apply_button.click()
    qtbot.waitUntil(lambda: editor.status_label.text().startswith("Applied"), timeout=30_000)
    assert not is_public(moto_store, moto_bucket, "site.html")


def test_removing_the_owners_own_grant_warns_that_the_owner_can_no_longer_read(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    owner = moto_store.client.get_bucket_acl(Bucket=moto_bucket)["Owner"]["ID"]
    moto_store.client.put_object(
        Bucket=moto_bucket, Key="site.html", Body=b"x", GrantFullControl=f'id="{owner}"',
        GrantWriteACP='uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"',
    )  # fmt: skip
    app = browse_moto([])
    editor = open_editor(qtbot, app, "site.html")
    assert "no longer be able to read" not in editor.summary_label.text()
    panel = editor.table_panel
    owner = next(
        r for r in range(panel.model.rowCount()) if panel.model.grant_at(r).kind is GranteeKind.OWNER
    )
    panel.table.selectRow(owner)
    panel.remove_button.click()
    assert "The owner will no longer be able to read this file" in editor.summary_label.text()
    editor.revert_button.click()


def test_an_address_that_is_no_email_is_refused_in_words_before_any_request(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    moto_store.client.put_object(Bucket=moto_bucket, Key="a.txt", Body=b"x")
    app = build_window()
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    open_account(app, account)
    app.window.navigate(Place(account.id, moto_bucket, ""))
    wait_listed(qtbot, app)
    editor = open_editor(qtbot, app, "a.txt")
    panel = editor.table_panel

    panel.choose(GranteeKind.EMAIL, Permission.READ, "ada at example")
    panel.add_button.click()
    assert panel.problem_label.text() == "“ada at example” is not an e-mail address (name@example.com)."
    assert panel.problem_label.isVisible()
    assert panel.model.rowCount() == 1
    assert not editor.apply_button.isEnabled()
    assert [r for r in acl_requests(fault_proxy.requests) if r.method == "PUT"] == []


def test_a_digitalocean_account_offers_only_private_and_public(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, qtbot: QtBot,
) -> None:  # fmt: skip
    moto_store.client.put_object(Bucket=moto_bucket, Key="photo.jpg", Body=b"x")
    app = build_window()
    account = moto_account.with_changes(provider="digitalocean")
    open_account(app, account)
    app.window.navigate(Place(account.id, moto_bucket, ""))
    wait_listed(qtbot, app)
    editor = open_editor(qtbot, app, "photo.jpg")

    canned = editor.canned_panel
    assert canned.isVisible()
    assert not editor.table_panel.isVisible()  # no grant table, no other grantee to pick
    assert canned.private_radio.isChecked()
    assert canned.public_radio.text() == "Public (read)"
    canned.public_radio.click()
    editor.apply_button.click()
    qtbot.waitUntil(lambda: editor.status_label.text().startswith("Applied"), timeout=30_000)
    assert is_public(moto_store, moto_bucket, "photo.jpg")
    assert canned.public_radio.isChecked()


def test_a_server_without_acls_says_so_and_nothing_can_be_edited(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    moto_store.client.put_object(Bucket=moto_bucket, Key="a.txt", Body=b"x")
    # What rclone serve s3 does: it answers GET bucket?acl with the bucket's listing.
    fault_proxy.reroute(Match(method="GET", path=f"/{moto_bucket}/?", query={"acl": None}), "list-type=2")
    app = build_window()
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    open_account(app, account)
    app.window.navigate(Place(account.id, moto_bucket, ""))
    wait_listed(qtbot, app)
    select(app, "a.txt")
    app.window.permissions.action.trigger()
    editor = app.window.permissions.last_editor
    assert isinstance(editor, GrantEditor)

    qtbot.waitUntil(lambda: editor.unsupported_label.isVisible(), timeout=30_000)
    assert editor.unsupported_label.text().startswith("This server does not support permissions per file.")
    assert not editor.pages.isVisible()
    assert not editor.apply_button.isEnabled()
    assert [(r.method, r.path) for r in acl_requests(fault_proxy.requests)] == [("GET", f"/{moto_bucket}")]


def test_closing_with_unapplied_changes_asks_and_discard_writes_nothing(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt"])
    editor = open_editor(qtbot, app, "a.txt")
    editor.table_panel.choose(GranteeKind.EVERYONE, Permission.READ)
    editor.table_panel.add_button.click()

    editor.close_button.click()
    qtbot.waitUntil(lambda: editor.last_box is not None and editor.last_box.isVisible(), timeout=10_000)
    assert editor.isVisible()  # still open while it asks
    box = editor.last_box
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Discard).click()
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=10_000)
    assert not is_public(moto_store, moto_bucket, "a.txt")


def test_the_grant_model_passes_the_model_tester(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    app = browse_moto(["a.txt"])
    editor = open_editor(qtbot, app, "a.txt")
    model = editor.table_panel.model
    assert isinstance(model, GrantTableModel)
    editor.table_panel.choose(GranteeKind.CANONICAL, Permission.READ_ACP, "f" * 64)
    editor.table_panel.add_button.click()
    qtmodeltester.check(model)
