"""Adding accounts, creating and deleting Spaces, and what the window says when things go wrong."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

import spacesgui.app
from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.history import Place
from spacesgui.core.transfers import PUBLIC_READ
from spacesgui.services import account_service
from spacesgui.ui.accounts.account_dialog import AccountDialog
from spacesgui.ui.accounts.create_space_dialog import CreateSpaceDialog
from tests.conftest import RcloneServer
from tests.fault_proxy import FaultProxy, Match, PaginationBreak
from tests.gui.conftest import wait_listed


def open_add_account_dialog(app: App, qtbot: QtBot) -> AccountDialog:
    app.window.add_account_action.trigger()
    dialog = app.window.space_actions.last_dialog
    assert isinstance(dialog, AccountDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    return dialog


def fill_account(
    dialog: AccountDialog, endpoint: str, access_key: str, secret: str, bucket: str = ""
) -> None:
    dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData("custom"))
    dialog.endpoint_edit.setText(endpoint)
    dialog._endpoint_touched = True
    dialog.access_key_edit.setText(access_key)
    dialog.secret_edit.setText(secret)
    dialog.bucket_edit.setText(bucket)
    dialog.addressing_combo.setCurrentIndex(dialog.addressing_combo.findData("path"))


def test_adding_an_account_keeps_the_secret_in_the_keyring_and_out_of_the_settings_file(
    build_window: Callable[[], App],
    qtbot: QtBot,
    moto_endpoint: str,
    moto_bucket: str,
    memory_keyring,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    app = build_window()
    dialog = open_add_account_dialog(app, qtbot)
    fill_account(dialog, moto_endpoint, "test-access-key", "very-secret-value")
    dialog.name_edit.setText("Local moto")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    account = app.accounts.accounts[0]
    item = app.window.account_panel.model.account_item(account.id)
    assert item is not None
    qtbot.waitUntil(
        lambda: moto_bucket in [item.child(r).text() for r in range(item.rowCount())], timeout=10_000
    )
    assert memory_keyring.get_password("spacesgui", account.id) == "very-secret-value"
    settings_text = (tmp_path / "settings.json").read_text()
    assert "very-secret-value" not in settings_text
    assert json.loads(settings_text)["accounts"][0]["name"] == "Local moto"


def test_the_add_account_dialog_keeps_the_less_used_fields_under_more_options(
    build_window: Callable[[], App], qtbot: QtBot, moto_endpoint: str
) -> None:
    app = build_window()
    dialog = open_add_account_dialog(app, qtbot)
    advanced = (dialog.addressing_combo, dialog.acl_combo, dialog.cache_control_edit, dialog.ca_bundle.edit)
    # Before, all eleven fields showed at once, beside a nine-line keyring paragraph.
    assert not any(w.isVisible() for w in advanced)
    assert dialog.access_key_edit.isVisible()
    closed_height = dialog.height()
    dialog.more.button.click()
    assert all(w.isVisible() for w in advanced)
    # Given the room it needs: the certificate's note ends above the hint under it (at first
    # the dialog grew only to its new minimum, and the note ran under the hint).
    note = dialog.ca_bundle.hint
    note_bottom = note.mapTo(dialog, note.rect().bottomLeft()).y()
    assert note_bottom < dialog.hint.mapTo(dialog, dialog.hint.rect().topLeft()).y()
    dialog.more.button.click()
    qtbot.waitUntil(lambda: dialog.height() <= closed_height, timeout=10_000)  # shrinks back

    # A problem in a hidden field shows the field it names.
    fill_account(dialog, moto_endpoint, "key", "secret")
    dialog.cache_control_edit.setText("max-age=86400, publié")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert "✗" in dialog.result_label.text()
    assert dialog.cache_control_edit.isVisible()
    dialog.reject()

    # An account with a setting chosen by hand opens with it in sight.
    account = Account("public", "custom", moto_endpoint, "us-east-1", "key", upload_acl=PUBLIC_READ)
    app.accounts.add_account(account, "secret")
    app.window.space_actions.edit_account(account.id)
    edited = app.window.space_actions.last_dialog
    assert isinstance(edited, AccountDialog)
    qtbot.waitUntil(edited.isVisible, timeout=10_000)
    assert edited.acl_combo.isVisible()
    edited.reject()


def test_test_connection_with_a_wrong_secret_says_the_keys_are_wrong(
    build_window: Callable[[], App], qtbot: QtBot, rclone_server: RcloneServer
) -> None:
    dialog = open_add_account_dialog(build_window(), qtbot)
    fill_account(dialog, rclone_server.endpoint, rclone_server.access_key, "not-the-secret")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "✗" in dialog.result_label.text(), timeout=15_000)
    assert "secret key is wrong" in dialog.result_label.text()


def dialog_after_a_test_with_a_wrong_secret(app: App, qtbot: QtBot, server: RcloneServer) -> AccountDialog:
    """Add Account filled in for `server` with a wrong secret, and Test Connection failed."""
    dialog = open_add_account_dialog(app, qtbot)
    fill_account(dialog, server.endpoint, server.access_key, "not-the-secret")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "✗" in dialog.result_label.text(), timeout=15_000)
    return dialog


def test_save_after_a_failed_test_asks_first_and_saves_only_when_told(
    build_window: Callable[[], App], qtbot: QtBot, rclone_server: RcloneServer
) -> None:
    # Before, Save kept an account the test had just shown cannot connect, without a word.
    app = build_window()
    dialog = dialog_after_a_test_with_a_wrong_secret(app, qtbot, rclone_server)
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)

    save.click()
    box = dialog.save_anyway_box
    assert box is not None
    qtbot.waitUntil(box.isVisible, timeout=10_000)
    assert "secret key is wrong" in box.text()  # the test's own reason, again
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert dialog.isVisible()
    assert app.accounts.accounts == []  # nothing kept

    save.click()
    again = dialog.save_anyway_box
    assert again is not None
    qtbot.waitUntil(again.isVisible, timeout=10_000)
    next(b for b in again.buttons() if b.text() == "Save Anyway").click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert [a.access_key_id for a in app.accounts.accounts] == [rclone_server.access_key]


def test_save_after_the_failed_values_were_changed_asks_nothing(
    build_window: Callable[[], App], qtbot: QtBot, rclone_server: RcloneServer
) -> None:
    app = build_window()
    dialog = dialog_after_a_test_with_a_wrong_secret(app, qtbot, rclone_server)
    qtbot.keyClicks(dialog.secret_edit, "-fixed")  # typed: the failure was for other values
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.save_anyway_box is None
    assert len(app.accounts.accounts) == 1


def test_a_failure_of_a_test_still_running_when_a_value_was_edited_is_neither_shown_nor_asked_about(
    build_window: Callable[[], App], qtbot: QtBot, fault_proxy: FaultProxy
) -> None:
    # The answer of a test started with the old values arrives after the edit: it is for
    # values no longer there (before, Save asked "Save Anyway?" with its reason).
    app = build_window()
    dialog = open_add_account_dialog(app, qtbot)
    fill_account(dialog, fault_proxy.endpoint, "OLDKEY", "old-secret")
    fault_proxy.fail(Match.any(), status=403, code="InvalidAccessKeyId", message="No such key.")
    answers = fault_proxy.hold(Match.any())
    dialog.test_button.click()
    qtbot.waitUntil(lambda: answers.waiting > 0, timeout=30_000)
    qtbot.keyClicks(dialog.secret_edit, "-fixed")
    answers.release()
    qtbot.waitUntil(dialog.test_button.isEnabled, timeout=30_000)  # the test has ended

    assert "✗" not in dialog.result_label.text()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.save_anyway_box is None
    assert [a.access_key_id for a in app.accounts.accounts] == ["OLDKEY"]


def test_test_connection_with_good_keys_counts_the_spaces(
    build_window: Callable[[], App], qtbot: QtBot, rclone_server: RcloneServer, rclone_bucket: str
) -> None:
    dialog = open_add_account_dialog(build_window(), qtbot)
    fill_account(dialog, rclone_server.endpoint, rclone_server.access_key, rclone_server.secret_key)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "✓" in dialog.result_label.text(), timeout=15_000)
    assert "Connected" in dialog.result_label.text()


def test_test_connection_to_a_server_that_never_answers_gives_up_and_says_so(
    build_window: Callable[[], App], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before, the dialog said "Connecting…" for 3 minutes (5 s to connect, 60 s a read, 3 tries).
    monkeypatch.setattr(account_service, "TEST_TIMEOUT_S", 2.0)
    monkeypatch.setattr(spacesgui.app, "PROBE_READ_TIMEOUT_S", 3.0)
    with socket.socket() as silent:  # takes connections (the kernel's backlog), answers nothing
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        endpoint = f"http://127.0.0.1:{silent.getsockname()[1]}"
        dialog = open_add_account_dialog(build_window(), qtbot)
        fill_account(dialog, endpoint, "EXAMPLEKEY", "example-secret")
        dialog.test_button.click()
        qtbot.waitUntil(lambda: "✗" in dialog.result_label.text(), timeout=30_000)
        assert f"{endpoint} took the connection but gave no answer in 2 seconds" in dialog.result_label.text()
        assert dialog.test_button.isEnabled()
        # The request behind it gives up too, on its one attempt: the server sees the
        # connection closed (before, a worker thread waited on it for 3 minutes).
        connection, _ = silent.accept()
        with connection:
            connection.settimeout(60)
            while connection.recv(65536):
                pass  # the request's bytes, then the end: the client closed it
        assert len(silent_connections(silent)) == 0  # and opened no other


def silent_connections(listener: socket.socket) -> list[socket.socket]:
    """Connections waiting in `listener`'s backlog now (accepted and closed here)."""
    listener.setblocking(False)
    waiting = []
    try:
        while True:
            connection, _ = listener.accept()
            connection.close()
            waiting.append(connection)
    except BlockingIOError:
        return waiting
    finally:
        listener.setblocking(True)


class NotFoundEverywhere(BaseHTTPRequestHandler):
    """A web server that is not S3: every path is a 404 page."""

    def do_GET(self) -> None:
        body = b"<html><body><h1>404 Not Found</h1></body></html>"
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_test_connection_to_a_web_server_that_is_not_s3_says_so(
    build_window: Callable[[], App], qtbot: QtBot
) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotFoundEverywhere)
    thread = threading.Thread(target=server.serve_forever, name="not-s3-web-server", daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}"
        dialog = open_add_account_dialog(build_window(), qtbot)
        fill_account(dialog, endpoint, "EXAMPLEKEY", "example-secret")
        dialog.test_button.click()
        qtbot.waitUntil(lambda: "✗" in dialog.result_label.text(), timeout=30_000)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
    text = dialog.result_label.text()
    # Before: "✗ ListBuckets: the object was not found."
    assert "does not look like an S3 server" in text
    assert "ListBuckets" not in text


def test_a_refusal_with_no_message_says_no_none(
    build_window: Callable[[], App], qtbot: QtBot, fault_proxy: FaultProxy, moto_bucket: str
) -> None:
    fault_proxy.fail(Match(method="GET"), status=403, code="AccessDenied", message="")
    dialog = open_add_account_dialog(build_window(), qtbot)
    fill_account(dialog, fault_proxy.endpoint, "EXAMPLEKEY", "example-secret", bucket=moto_bucket)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "✗" in dialog.result_label.text(), timeout=30_000)
    text = dialog.result_label.text()
    assert f"not allowed to do this on “{moto_bucket}”" in text
    assert "None" not in text  # before: "… The server said: None"


@pytest.mark.parametrize(
    ("endpoint", "words"),
    [
        ("nyc3.digitaloceanspaces.com", "has no scheme"),
        ("ftp://example.com", "not supported"),
        ("https://nyc3.digitaloceanspaces.com/my-space", "without a path"),
        ("", "Enter the server address"),
    ],
)
def test_a_malformed_endpoint_is_explained_before_any_request(
    build_window: Callable[[], App], qtbot: QtBot, endpoint: str, words: str
) -> None:
    app = build_window()
    dialog = open_add_account_dialog(app, qtbot)
    fill_account(dialog, endpoint, "key", "secret")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert words in dialog.result_label.text()
    assert dialog.isVisible()
    assert app.accounts.accounts == []


def test_empty_keys_are_refused_with_a_message(
    build_window: Callable[[], App], qtbot: QtBot, moto_endpoint: str
) -> None:
    dialog = open_add_account_dialog(build_window(), qtbot)
    fill_account(dialog, moto_endpoint, "", "")
    dialog.test_button.click()
    assert "Enter both the access key and the secret key" in dialog.result_label.text()


def test_a_refused_connection_is_reported_as_refused(build_window: Callable[[], App], qtbot: QtBot) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    dialog = open_add_account_dialog(build_window(), qtbot)
    fill_account(dialog, f"http://127.0.0.1:{closed_port}", "key", "secret")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "✗" in dialog.result_label.text(), timeout=30_000)  # after bounded retries
    assert "refused the connection" in dialog.result_label.text()


def test_keys_that_cannot_list_spaces_are_offered_to_open_one_by_name(
    build_window: Callable[[], App],
    qtbot: QtBot,
    fault_proxy: FaultProxy,
    moto_account: Account,
    moto_store: S3Store,
    moto_bucket: str,
    server_credentials,  # type: ignore[no-untyped-def]
) -> None:
    moto_store.client.put_object(Bucket=moto_bucket, Key="only-file.txt", Body=b"hello")
    fault_proxy.fail(Match.list_buckets(), status=403, code="AccessDenied", message="Access Denied")
    app = build_window()
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    app.accounts.add_account(account, server_credentials.secret_access_key)
    window = app.window
    qtbot.waitUntil(lambda: "not allowed to list Spaces" in window.banner.text(), timeout=10_000)
    window.banner.findChild(type(window.banner._action), "messageAction").click()
    dialog = window.space_actions.last_dialog
    assert isinstance(dialog, QInputDialog)
    dialog.setTextValue(moto_bucket)
    dialog.accept()
    wait_listed(qtbot, app)
    assert window.model.index(0, 0).data() == "only-file.txt"
    assert app.accounts.account(account.id).bucket == moto_bucket
    item = window.account_panel.model.account_item(account.id)
    assert item is not None
    qtbot.waitUntil(lambda: item.rowCount() == 1 and item.child(0).text() == moto_bucket, timeout=10_000)


def test_creating_a_space_checks_the_name_as_you_type_and_opens_the_new_space(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    qtbot: QtBot,
    moto_account: Account,
    moto_bucket: str,
    unique_bucket: str,
) -> None:
    app = build_window()
    open_account(app, moto_account)
    app.window.navigate(Place(moto_account.id, moto_bucket, ""))
    app.window.new_space_action.trigger()
    dialog = app.window.space_actions.last_dialog
    assert isinstance(dialog, CreateSpaceDialog)
    create = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.name_edit.setText("My_Space")
    assert not create.isEnabled()
    assert "capital letters" in dialog.problem_label.text()
    dialog.name_edit.setText("ab")
    assert "at least 3 characters" in dialog.problem_label.text()
    new_name = "new-" + unique_bucket[:50]
    dialog.name_edit.setText(new_name)
    assert create.isEnabled()
    create.click()
    qtbot.waitUntil(
        lambda: app.window.place is not None and app.window.place.bucket == new_name, timeout=10_000
    )
    item = app.window.account_panel.model.account_item(moto_account.id)
    assert item is not None
    qtbot.waitUntil(
        lambda: new_name in [item.child(r).text() for r in range(item.rowCount())], timeout=10_000
    )


def _delete_space_box(app: App, qtbot: QtBot) -> QMessageBox:
    """Choose File → Delete Space… and wait for its question (asked once the Space is counted)."""
    app.window.delete_space_action.trigger()
    deletion = app.window.space_deletion
    assert deletion is not None
    qtbot.waitUntil(lambda: deletion.last_box is not None and deletion.last_box.isVisible(), timeout=20_000)
    assert deletion.last_box is not None
    return deletion.last_box


def _confirm_delete(app: App, qtbot: QtBot) -> None:
    box = _delete_space_box(app, qtbot)
    delete = next(b for b in box.buttons() if b.text() == "Delete")
    delete.click()


def test_deleting_an_empty_space_after_confirmation_removes_it(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    qtbot: QtBot,
    moto_account: Account,
    moto_bucket: str,
) -> None:
    app = build_window()
    open_account(app, moto_account)
    app.window.navigate(Place(moto_account.id, moto_bucket, ""))
    wait_listed(qtbot, app)
    _confirm_delete(app, qtbot)
    item = app.window.account_panel.model.account_item(moto_account.id)
    assert item is not None
    qtbot.waitUntil(
        lambda: moto_bucket not in [item.child(r).text() for r in range(item.rowCount())], timeout=10_000
    )
    assert "deleted" in app.window.banner.text()


def test_the_server_refusing_to_delete_a_space_is_explained(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    qtbot: QtBot,
    moto_account: Account,
    moto_store: S3Store,
    moto_bucket: str,
) -> None:
    app = build_window()
    open_account(app, moto_account)
    app.window.navigate(Place(moto_account.id, moto_bucket, ""))
    wait_listed(qtbot, app)
    box = _delete_space_box(app, qtbot)  # counted empty
    moto_store.client.put_object(Bucket=moto_bucket, Key="arrived-meanwhile.txt", Body=b"1")
    next(b for b in box.buttons() if b.text() == "Delete").click()
    qtbot.waitUntil(lambda: "still holds objects" in app.window.banner.text(), timeout=10_000)
    assert moto_bucket in [b["Name"] for b in moto_store.client.list_buckets()["Buckets"]]


def test_saving_an_account_when_the_keyring_fails_keeps_the_dialog_and_offers_to_keep_the_secret_this_session(
    build_window: Callable[[], App], qtbot: QtBot, moto_endpoint: str, moto_bucket: str, tmp_path: Path
) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())  # the memory_keyring fixture restores the real one
    app = build_window()
    dialog = open_add_account_dialog(app, qtbot)  # from the File menu, as the Keys Manager's Add…
    assert not dialog.remember_check.isChecked()  # said before Save
    assert "No usable system keyring" in dialog.hint.text()
    fill_account(dialog, moto_endpoint, "test-access-key", "secret-value")
    dialog.remember_check.setChecked(True)  # the user asks for the keyring all the same
    before = dialog.height()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.isVisible()
    assert "untick" in dialog.result_label.text()
    assert dialog.secret_edit.text() == "secret-value"

    def whole() -> None:  # the long reason squeezed the rows under it to a few pixels
        for widget in (dialog.result_label, dialog.ca_bundle.edit, dialog.ca_bundle.choose_button):
            assert widget.height() >= widget.minimumSizeHint().height(), widget.objectName()
        label = dialog.result_label
        assert label.height() >= label.heightForWidth(label.width())

    qtbot.waitUntil(whole, timeout=10_000)
    assert dialog.height() > before
    dialog.remember_check.setChecked(False)  # what the reason asks: it goes, and its room with it
    assert dialog.result_label.text() == ""
    assert dialog.height() == before
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert not dialog.isVisible()
    assert len(app.accounts.accounts) == 1
    settings_text = (tmp_path / "settings.json").read_text()
    (saved,) = json.loads(settings_text)["accounts"]  # the account is kept; its secret is not
    assert saved["in_keyring"] is False
    assert "secret-value" not in settings_text


def test_the_new_space_dialog_refuses_a_name_the_account_already_has(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    moto_account: Account,
    moto_bucket: str,
) -> None:
    app = build_window()
    open_account(app, moto_account)
    app.window.navigate(Place(moto_account.id, moto_bucket, ""))
    app.window.new_space_action.trigger()
    dialog = app.window.space_actions.last_dialog
    assert isinstance(dialog, CreateSpaceDialog)
    dialog.name_edit.setText(moto_bucket)
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert "already have a Space" in dialog.problem_label.text()


def test_rows_stream_into_the_view_page_by_page(
    build_window: Callable[[], App],
    qtbot: QtBot,
    fault_proxy: FaultProxy,
    moto_account: Account,
    moto_store: S3Store,
    moto_bucket: str,
    server_credentials,  # type: ignore[no-untyped-def]
) -> None:
    for i in range(60):
        moto_store.client.put_object(Bucket=moto_bucket, Key=f"item-{i:03d}", Body=b"1")
    fault_proxy.cap_page_size(10)
    app = build_window()
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint, bucket=moto_bucket)
    app.accounts.add_account(account, server_credentials.secret_access_key)
    inserts: list[int] = []
    app.window.model.rowsInserted.connect(lambda _parent, first, last: inserts.append(last - first + 1))
    app.window.navigate(Place(account.id, moto_bucket, ""))
    wait_listed(qtbot, app)
    # The first page shows at once; the rest follow in batches (a few repaints a second).
    assert inserts[0] == 10
    assert len(inserts) >= 2
    assert sum(inserts) == 60
    assert [app.window.model.index(r, 0).data() for r in (0, 59)] == ["item-000", "item-059"]


def test_broken_pagination_falls_back_to_list_v1_and_says_so(
    build_window: Callable[[], App],
    qtbot: QtBot,
    fault_proxy: FaultProxy,
    moto_account: Account,
    moto_store: S3Store,
    moto_bucket: str,
    server_credentials,  # type: ignore[no-untyped-def]
) -> None:
    for i in range(25):
        moto_store.client.put_object(Bucket=moto_bucket, Key=f"k{i:02d}", Body=b"1")
    fault_proxy.cap_page_size(10)
    fault_proxy.break_pagination(PaginationBreak.DROP_TOKEN)
    app = build_window()
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint, bucket=moto_bucket)
    app.accounts.add_account(account, server_credentials.secret_access_key)
    app.window.navigate(Place(account.id, moto_bucket, ""))
    wait_listed(qtbot, app)
    assert app.window.model.rowCount() == 25
    assert "ListObjects v1" in app.window.banner.text()


def test_editing_an_account_keeps_the_stored_secret_when_the_field_is_left_empty(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    qtbot: QtBot,
    moto_account: Account,
    moto_bucket: str,
    memory_keyring,  # type: ignore[no-untyped-def]
) -> None:
    app = build_window()
    open_account(app, moto_account)
    secret_before = memory_keyring.get_password("spacesgui", moto_account.id)
    app.window.account_panel.edit_requested.emit(moto_account.id)
    dialog = app.window.space_actions.last_dialog
    assert isinstance(dialog, AccountDialog)
    assert dialog.endpoint_edit.text() == moto_account.endpoint_url
    assert dialog.secret_edit.text() == ""
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "✓" in dialog.result_label.text(), timeout=10_000)
    dialog.name_edit.setText("Renamed")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert app.accounts.account(moto_account.id).name == "Renamed"
    assert memory_keyring.get_password("spacesgui", moto_account.id) == secret_before
    item = app.window.account_panel.model.account_item(moto_account.id)
    assert item is not None
    assert item.text() == "Renamed"


def test_removing_an_account_deletes_its_secret_and_closes_its_space(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    qtbot: QtBot,
    moto_account: Account,
    moto_bucket: str,
    memory_keyring,  # type: ignore[no-untyped-def]
) -> None:
    app = build_window()
    open_account(app, moto_account)
    app.window.navigate(Place(moto_account.id, moto_bucket, ""))
    wait_listed(qtbot, app)
    app.window.account_panel.remove_requested.emit(moto_account.id)
    box = app.window.space_actions.last_dialog
    assert isinstance(box, QMessageBox)
    next(b for b in box.buttons() if b.text() == "Remove").click()
    assert app.accounts.accounts == []
    assert memory_keyring.get_password("spacesgui", moto_account.id) is None
    assert app.window.place is None
    assert app.window.account_panel.model.rowCount() == 0
    assert app.window.placeholder.text().startswith("No accounts yet.")
    actions = app.window.import_actions
    assert actions is not None
    qtbot.waitUntil(actions.first_run.add_button.isVisible, timeout=10_000)  # the way on, under it
