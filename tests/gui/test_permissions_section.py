"""The Space settings' Permissions section on its own (issue 9, item 2): who may list the Space.

moto answers; what anyone on the internet gets is checked with requests that carry no keys.
moto lists a private Space to anyone too (it does not check bucket ACLs for listings), so a
private listing is checked by the grant the Space holds, read with a separate client.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.access import LISTING_PRIVATE, LISTING_PUBLIC
from spacesgui.core.accounts import Account
from spacesgui.core.operations import ALL_USERS
from spacesgui.services.access_service import AccessService
from spacesgui.services.operation_service import OperationService
from spacesgui.ui.settings.permissions_section import PermissionsSection
from tests.fault_proxy import FaultProxy, Match
from tests.gui.test_object_operations import wait_done


def anonymous(url: str) -> tuple[int, bytes]:
    """Status and body of a GET without keys (what anyone on the internet gets)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), b""


def everyone_may_list(store: S3Store, bucket: str) -> bool:
    grants = store.client.get_bucket_acl(Bucket=bucket)["Grants"]
    return any(g["Grantee"].get("URI") == ALL_USERS and g["Permission"] == "READ" for g in grants)


@pytest.fixture
def section_for(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], qtbot: QtBot
) -> Callable[[Account, str], PermissionsSection]:
    """`make(account, bucket)`: the section alone in a window of its own, loaded."""

    def make(account: Account, bucket: str) -> PermissionsSection:
        app = build_window()
        open_account(app, account)
        operations = OperationService(app.runner, app.accounts, app.transfers)
        access = AccessService(app.runner, app.accounts)
        section = PermissionsSection(access, account.id, bucket, app.window.spawn, operations)
        section.access = access  # type: ignore[attr-defined]  # a QObject without a parent: keep it alive
        section.app = app  # type: ignore[attr-defined]  # for tests that look at the queue
        qtbot.addWidget(section)
        section.resize(520, 460)
        section.show()
        app.window.spawn(section.load())
        qtbot.waitUntil(lambda: section.loaded is not None or bool(section.unsupported), timeout=30_000)
        return section

    return make


def test_a_public_listing_lets_anyone_list_the_files_and_private_takes_that_away(
    section_for: Callable[[Account, str], PermissionsSection], moto_account: Account, moto_store: S3Store,
    moto_bucket: str, moto_endpoint: str, qtbot: QtBot,
) -> None:  # fmt: skip
    moto_store.client.put_object(Bucket=moto_bucket, Key="secret-plans.txt", Body=b"x")
    section = section_for(moto_account, moto_bucket)
    assert section.private_radio.isChecked()
    assert section.summary_label.text() == LISTING_PRIVATE
    assert not section.apply_button.isEnabled()

    with qtbot.waitSignal(section.changed, timeout=5_000):
        section.public_radio.click()
    assert section.has_changes()
    section.apply_button.click()
    qtbot.waitUntil(lambda: section.status_label.text().startswith("Applied"), timeout=30_000)
    assert section.summary_label.text() == LISTING_PUBLIC
    status, body = anonymous(f"{moto_endpoint}/{moto_bucket}?list-type=2")
    assert status == 200
    assert b"<Key>secret-plans.txt</Key>" in body  # names, sizes and dates, to anyone
    assert everyone_may_list(moto_store, moto_bucket)
    assert anonymous(f"{moto_endpoint}/{moto_bucket}/secret-plans.txt")[0] == 403  # listing is not reading

    section.private_radio.click()
    section.apply_button.click()
    qtbot.waitUntil(lambda: section.summary_label.text() == LISTING_PRIVATE, timeout=30_000)
    assert not everyone_may_list(moto_store, moto_bucket)
    assert not section.has_changes()


def test_revert_forgets_the_choice(
    section_for: Callable[[Account, str], PermissionsSection], moto_account: Account, moto_bucket: str
) -> None:
    section = section_for(moto_account, moto_bucket)
    section.public_radio.click()
    assert section.revert_button.isEnabled()
    section.revert()
    assert section.private_radio.isChecked()
    assert not section.has_changes()
    assert not section.apply_button.isEnabled()


def test_the_listing_permission_is_written_with_content_md5(
    section_for: Callable[[Account, str], PermissionsSection], moto_account: Account, moto_bucket: str,
    fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    section = section_for(moto_account.with_changes(endpoint_url=fault_proxy.endpoint), moto_bucket)
    section.public_radio.click()
    section.apply_button.click()
    qtbot.waitUntil(lambda: section.status_label.text().startswith("Applied"), timeout=30_000)
    puts = [r for r in fault_proxy.requests if r.method == "PUT" and "acl" in r.query]
    assert [r.header("x-amz-acl") for r in puts] == ["public-read"]
    assert puts[0].header("Content-MD5") == "1B2M2Y8AsgTpgAmY7PhCfg=="  # the MD5 of its empty body


def test_a_server_answering_not_implemented_turns_the_section_off_with_words(
    section_for: Callable[[Account, str], PermissionsSection], moto_account: Account, moto_bucket: str,
    fault_proxy: FaultProxy,
) -> None:  # fmt: skip
    bucket_acl = Match(method="GET", path=f"/{moto_bucket}/?", query={"acl": None})
    fault_proxy.fail(bucket_acl, status=501, code="NotImplemented", message="ACLs are not implemented")
    section = section_for(moto_account.with_changes(endpoint_url=fault_proxy.endpoint), moto_bucket)
    assert section.unsupported_label.isVisible()
    assert section.unsupported_label.text().startswith("This server does not support")
    assert not section.body.isEnabled()
    assert not section.apply_button.isEnabled()
    assert not section.error_label.isVisible()  # no error: the server just does not do it


def test_make_every_file_public_asks_then_runs_through_the_queue(
    section_for: Callable[[Account, str], PermissionsSection], moto_account: Account, moto_store: S3Store,
    moto_bucket: str, moto_endpoint: str, qtbot: QtBot,
) -> None:  # fmt: skip
    keys = ["index.html", "css/site.css", "img/deep/logo.png"]
    for key in keys:
        moto_store.client.put_object(Bucket=moto_bucket, Key=key, Body=b"x")
    section = section_for(moto_account, moto_bucket)
    section.make_public_button.click()
    qtbot.waitUntil(lambda: section.last_box is not None and section.last_box.isVisible(), timeout=20_000)
    box = section.last_box
    assert isinstance(box, QMessageBox)
    assert box.text() == f"Make every file of “{moto_bucket}” public?"
    assert all(anonymous(f"{moto_endpoint}/{moto_bucket}/{k}")[0] == 403 for k in keys)  # nothing yet
    next(b for b in box.buttons() if b.text() == "Make Every File Public").click()

    wait_done(qtbot, section.app, len(keys))  # type: ignore[attr-defined]
    assert all(anonymous(f"{moto_endpoint}/{moto_bucket}/{k}")[0] == 200 for k in keys)
    assert section.status_label.text().startswith("Making 3 files public")
    assert section.private_radio.isChecked()  # the files, not the listing


def test_the_section_offers_what_the_settings_window_calls(
    section_for: Callable[[Account, str], PermissionsSection], moto_account: Account, moto_bucket: str
) -> None:
    section = section_for(moto_account, moto_bucket)
    for name in ("load", "has_changes", "apply", "revert", "set_unsupported", "changed", "unsupported"):
        assert hasattr(section, name), name
