"""The CORS editor against real servers: table and XML in step, validation on the cell,
apply and delete read back from moto, and the preflight tester against s3rver.

The editor is shown on its own (as the Space settings window hosts it), wired to a real
CorsService and AccountService; the servers are moto (rules) and s3rver (preflights:
moto refuses every OPTIONS whatever its rules).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync
from botocore.exceptions import ClientError
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from spacesgui.adapters.keyring_store import MemorySecretStore
from spacesgui.adapters.s3_store import S3Store
from spacesgui.adapters.settings import JsonSettings
from spacesgui.app import make_store
from spacesgui.core.accounts import Account
from spacesgui.core.cors import TEMPLATES, CorsRule, CorsTemplate, validate_rules
from spacesgui.core.cors_xml import render_xml
from spacesgui.core.errors import InvalidInput
from spacesgui.qtmodels.cors_rule_model import CorsColumn, CorsRole, CorsRuleModel
from spacesgui.services.account_service import AccountService
from spacesgui.services.cors_service import CorsService
from spacesgui.services.runner import TaskRunner
from spacesgui.ui.settings.cors_editor import CorsEditor
from tests.fault_proxy import FaultProxy, Match

T = TypeVar("T")
WAIT_MS = 30_000
APP = "https://app.example.com"
UPLOADS = CorsRule("uploads", (APP,), ("PUT", "POST"), ("content-type",), ("ETag",), "3000")
ANY_GET = CorsRule("", ("*",), ("GET",))
APP_READS = CorsRule("reads", (APP,), ("GET",), (), ("ETag",))


class Harness:
    """A runner, accounts and the CORS service, as the app wires them; editors made on demand."""

    def __init__(self, qtbot: QtBot, tmp_path: Path) -> None:
        self.qtbot = qtbot
        self.runner = TaskRunner(2)
        self.accounts = AccountService(
            self.runner, JsonSettings(tmp_path / "settings.json"), MemorySecretStore(), MemorySecretStore(),
            make_store,
        )  # fmt: skip
        self.service = CorsService(self.runner, self.accounts)
        self.editors: list[CorsEditor] = []

    def editor(self, account: Account, secret: str, bucket: str, *, load: bool = True) -> CorsEditor:
        if account.id not in {a.id for a in self.accounts.accounts}:
            self.accounts.add_account(account, secret, persist=False)
        editor = CorsEditor(self.service, account.id, bucket, self.runner.spawn)
        editor.resize(900, 560)
        editor.show()
        self.editors.append(editor)
        if load:
            self.run(editor.load())
        return editor

    def run(self, coro: Awaitable[T]) -> T:
        task = self.runner.spawn(coro)  # type: ignore[arg-type]
        self.qtbot.waitUntil(task.done, timeout=WAIT_MS)
        return task.result()

    def close(self) -> None:
        for editor in self.editors:
            editor.close()
            editor.deleteLater()
        self.qtbot.waitUntil(lambda: not self.runner.busy, timeout=WAIT_MS)
        self.runner.shutdown()
        self.accounts.close()
        QApplication.processEvents()


@pytest.fixture
def harness(qtbot: QtBot, qasync_loop: qasync.QEventLoop, tmp_path: Path) -> Iterator[Harness]:
    made = Harness(qtbot, tmp_path)
    yield made
    made.close()


@pytest.fixture
def moto_editor(
    harness: Harness, moto_account: Account, server_credentials: Any, moto_bucket: str
) -> Callable[..., CorsEditor]:
    def make(*, load: bool = True) -> CorsEditor:
        return harness.editor(moto_account, server_credentials.secret_access_key, moto_bucket, load=load)

    return make


# -- helpers that drive the widgets as a user does ------------------------------------


def cell(editor: CorsEditor, row: int, column: CorsColumn, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    return editor.model.index(row, column).data(role)


def type_in_cell(qtbot: QtBot, editor: CorsEditor, row: int, column: CorsColumn, text: str) -> None:
    """Open the cell's editor, replace its text by typing, and press Return."""
    editor.tabs.setCurrentWidget(editor.rules_panel)
    table = editor.rules_panel.table
    index = editor.model.index(row, column)
    table.setCurrentIndex(index)
    table.edit(index)
    # The open editor: one closed earlier may linger (hidden) until its deferred delete.
    (line_edit,) = [w for w in table.viewport().findChildren(QLineEdit) if w.isVisible()]
    line_edit.selectAll()
    qtbot.keyClicks(line_edit, text)
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: cell(editor, row, column, Qt.ItemDataRole.EditRole) == text.strip(), timeout=WAIT_MS
    )


def toggle_method(qtbot: QtBot, editor: CorsEditor, row: int, column: CorsColumn) -> None:
    """Tick or untick a method's check box with the space bar, as keyboard users do."""
    editor.tabs.setCurrentWidget(editor.rules_panel)
    table = editor.rules_panel.table
    table.setFocus()
    table.setCurrentIndex(editor.model.index(row, column))
    qtbot.keyClick(table.viewport(), Qt.Key.Key_Space)


def type_xml(qtbot: QtBot, editor: CorsEditor, text: str) -> None:
    editor.tabs.setCurrentWidget(editor.xml_view)
    edit = editor.xml_view.edit
    edit.selectAll()
    edit.insertPlainText(text)


def stored(store: S3Store, bucket: str) -> Any:
    return store.client.get_bucket_cors(Bucket=bucket)["CORSRules"]


# -- the model ------------------------------------------------------------------------


def test_the_rule_model_passes_the_model_tester(qtmodeltester: Any, qapp: QApplication) -> None:
    model = CorsRuleModel()
    model.set_rules([UPLOADS, ANY_GET, CorsRule("bad", ("https://*.*.x.com",), ("GET",), max_age="-1")])
    model.set_problems(validate_rules(model.rules))

    qtmodeltester.check(model, force_py=True)
    assert model.move_rule(0, 2)
    assert [r.rule_id for r in model.rules] == ["", "bad", "uploads"]
    qtmodeltester.check(model, force_py=True)


# -- table and XML in step -------------------------------------------------------------


def test_an_edit_in_the_table_shows_in_the_xml(qtbot: QtBot, moto_editor: Callable[..., CorsEditor]) -> None:
    editor = moto_editor()
    editor.rules_panel.add_button.click()
    qtbot.keyClicks(QApplication.focusWidget(), f"{APP}, https://*.example.org")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    toggle_method(qtbot, editor, 0, CorsColumn.PUT)
    type_in_cell(qtbot, editor, 0, CorsColumn.MAX_AGE, "600")

    xml = editor.xml_view.text()
    assert f"<AllowedOrigin>{APP}</AllowedOrigin>" in xml
    assert "<AllowedOrigin>https://*.example.org</AllowedOrigin>" in xml
    assert "<AllowedMethod>GET</AllowedMethod>\n    <AllowedMethod>PUT</AllowedMethod>" in xml
    assert "<MaxAgeSeconds>600</MaxAgeSeconds>" in xml
    assert editor.has_changes()
    assert editor.problem_label.isHidden()


def test_an_edit_in_the_xml_shows_in_the_table(qtbot: QtBot, moto_editor: Callable[..., CorsEditor]) -> None:
    editor = moto_editor()
    editor.model.set_rules([UPLOADS])
    editor.xml_view.show_rules([UPLOADS])

    type_xml(
        qtbot,
        editor,
        editor.xml_view.text().replace(
            "<AllowedMethod>POST</AllowedMethod>", "<AllowedMethod>DELETE</AllowedMethod>"
        ),
    )

    assert cell(editor, 0, CorsColumn.DELETE, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert cell(editor, 0, CorsColumn.POST, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert cell(editor, 0, CorsColumn.ORIGINS) == APP


def test_moving_a_rule_down_reorders_the_xml(qtbot: QtBot, moto_editor: Callable[..., CorsEditor]) -> None:
    editor = moto_editor()
    type_xml(qtbot, editor, render_xml([UPLOADS, ANY_GET]))
    editor.tabs.setCurrentWidget(editor.rules_panel)
    editor.rules_panel.select(0, CorsColumn.ID)

    editor.rules_panel.down_button.click()

    xml = editor.xml_view.text()
    assert xml.index("<AllowedOrigin>*</AllowedOrigin>") < xml.index(f"<AllowedOrigin>{APP}</AllowedOrigin>")
    assert editor.rules_panel.current_row() == 1


def test_duplicate_and_remove(qtbot: QtBot, moto_editor: Callable[..., CorsEditor]) -> None:
    editor = moto_editor()
    editor.rules_panel.add_template(editor_template(1))  # rule 0
    type_in_cell(qtbot, editor, 0, CorsColumn.ORIGINS, APP)

    editor.rules_panel.duplicate_button.click()

    assert [r.rule_id for r in editor.model.rules] == ["browser-uploads", "browser-uploads-copy"]
    assert editor.xml_view.text().count("<CORSRule>") == 2
    editor.rules_panel.remove_button.click()
    assert [r.rule_id for r in editor.model.rules] == ["browser-uploads"]


def editor_template(number: int) -> CorsTemplate:
    return TEMPLATES[number]


# -- validation on the cell ------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "typed", "words"),
    [
        (CorsColumn.ORIGINS, "www.example.com", "needs its scheme"),
        (CorsColumn.ORIGINS, "https://*.*.example.com", "2 wildcards (*); an origin may have at most one"),
        (CorsColumn.MAX_AGE, "-5", "cannot be negative"),
        (CorsColumn.MAX_AGE, "soon", "whole number of seconds"),
        (CorsColumn.ALLOWED_HEADERS, "content type", "not a header name"),
    ],
)
def test_a_bad_value_is_marked_on_its_cell_and_apply_sends_nothing(
    harness: Harness,
    qtbot: QtBot,
    moto_editor: Callable[..., CorsEditor],
    moto_store: S3Store,
    moto_bucket: str,
    column: CorsColumn,
    typed: str,
    words: str,
) -> None:
    editor = moto_editor()
    editor.rules_panel.add_template(editor_template(0))

    type_in_cell(qtbot, editor, 0, column, typed)

    assert words in cell(editor, 0, column, CorsRole.PROBLEM)
    assert words in cell(editor, 0, column, Qt.ItemDataRole.ToolTipRole)
    assert not cell(editor, 0, column, Qt.ItemDataRole.DecorationRole).isNull()
    assert editor.problem_label.isVisible()
    assert words in editor.problem_label.text()
    assert editor.problem_label.text().startswith("Rule 1, ")
    assert cell(editor, 0, CorsColumn.ID, CorsRole.PROBLEM) == ""  # only the bad cell is marked
    assert not editor.apply_button.isEnabled()

    with pytest.raises(InvalidInput, match=re.escape(words)):
        harness.run(editor.apply())
    assert editor.rules_panel.table.currentIndex().column() == column  # the cell at fault is shown
    with pytest.raises(ClientError, match="NoSuchCORSConfiguration"):
        stored(moto_store, moto_bucket)


def test_unticking_every_method_is_marked(qtbot: QtBot, moto_editor: Callable[..., CorsEditor]) -> None:
    editor = moto_editor()
    editor.rules_panel.add_template(editor_template(0))  # GET and HEAD

    toggle_method(qtbot, editor, 0, CorsColumn.GET)
    toggle_method(qtbot, editor, 0, CorsColumn.HEAD)

    assert "Tick at least one method" in cell(editor, 0, CorsColumn.GET, CorsRole.PROBLEM)
    assert "Tick at least one method" in editor.problem_label.text()


def test_an_unknown_method_in_the_xml_is_named_with_its_line(
    harness: Harness, qtbot: QtBot, moto_editor: Callable[..., CorsEditor]
) -> None:
    editor = moto_editor()
    editor.rules_panel.add_template(editor_template(0))
    xml = editor.xml_view.text().replace(
        "<AllowedMethod>HEAD</AllowedMethod>", "<AllowedMethod>PATCH</AllowedMethod>"
    )

    type_xml(qtbot, editor, xml)

    line = 1 + xml.splitlines().index("    <AllowedMethod>PATCH</AllowedMethod>")
    assert editor.problem_label.text().startswith(f"Line {line}: “PATCH” is not a method")
    assert editor.xml_view.edit.extraSelections()[0].cursor.blockNumber() == line - 1
    assert editor.model.rules[0].methods == ("GET", "HEAD")  # the table keeps the last good rules
    with pytest.raises(InvalidInput, match="Fix the XML first"):
        harness.run(editor.apply())


def test_malformed_xml_is_named_with_its_line_and_blocks_apply(
    qtbot: QtBot, moto_editor: Callable[..., CorsEditor], moto_store: S3Store, moto_bucket: str
) -> None:
    editor = moto_editor()

    type_xml(qtbot, editor, "<CORSConfiguration>\n  <CORSRule>\n    <AllowedOrigin>*</AllowedOrign>\n")

    assert editor.problem_label.text().startswith("Line 3: The XML is not well-formed")
    assert editor.has_changes()
    assert not editor.apply_button.isEnabled()  # as the Lifecycle page: nothing wrong is sent
    assert editor.apply_button.toolTip() == "Correct what is marked first"
    with pytest.raises(ClientError, match="NoSuchCORSConfiguration"):
        stored(moto_store, moto_bucket)


def test_more_than_a_hundred_rules_are_refused_on_the_first_rule_too_many(
    qtbot: QtBot, moto_editor: Callable[..., CorsEditor]
) -> None:
    editor = moto_editor()

    type_xml(qtbot, editor, render_xml([ANY_GET] * 101))

    assert editor.model.rowCount() == 101
    assert editor.problem_label.text().startswith("Rule 101: A Space holds at most 100 CORS rules")
    header = editor.model.headerData(100, Qt.Orientation.Vertical, CorsRole.PROBLEM)
    assert "at most 100" in header
    assert editor.model.headerData(99, Qt.Orientation.Vertical, CorsRole.PROBLEM) is None


def test_every_edit_says_changed_and_has_changes_follows(
    qtbot: QtBot, moto_editor: Callable[..., CorsEditor]
) -> None:
    editor = moto_editor()
    assert not editor.has_changes()

    with qtbot.waitSignal(editor.changed, timeout=WAIT_MS):
        editor.rules_panel.add_template(editor_template(0))
    assert editor.has_changes()
    with qtbot.waitSignal(editor.changed, timeout=WAIT_MS):
        editor.revert()
    assert not editor.has_changes()


def test_the_upload_template_asks_for_its_origin(
    qtbot: QtBot, moto_editor: Callable[..., CorsEditor]
) -> None:
    editor = moto_editor()
    action = next(a for a in editor.rules_panel.templates_menu.actions() if "uploads" in a.text())

    action.trigger()

    assert "Add at least one origin" in cell(editor, 0, CorsColumn.ORIGINS, CorsRole.PROBLEM)
    line_edit = QApplication.focusWidget()
    assert isinstance(line_edit, QLineEdit)  # the origins cell is open for typing
    qtbot.keyClicks(line_edit, APP)
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.problem_label.isHidden(), timeout=WAIT_MS)
    assert editor.model.rules[0].expose_headers == ("ETag",)


# -- apply, read back, delete ---------------------------------------------------------


def test_apply_stores_the_rules_and_shows_what_the_server_read_back(
    qtbot: QtBot, moto_editor: Callable[..., CorsEditor], moto_store: S3Store, moto_bucket: str
) -> None:
    editor = moto_editor()
    assert "No CORS rules" in editor.status_label.text()
    editor.rules_panel.add_template(editor_template(1))
    type_in_cell(qtbot, editor, 0, CorsColumn.ORIGINS, APP)

    editor.apply_button.click()
    qtbot.waitUntil(lambda: editor.status_label.text().startswith("Applied."), timeout=WAIT_MS)

    (rule,) = stored(moto_store, moto_bucket)
    assert rule["AllowedOrigins"] == [APP]
    assert rule["AllowedMethods"] == ["GET", "PUT", "POST", "HEAD"]
    assert rule["ExposeHeaders"] == ["ETag"]
    assert not editor.has_changes()
    assert not editor.apply_button.isEnabled()
    assert "1 rule: GET, PUT, POST, HEAD from 1 origin" in editor.status_label.text()


def test_a_fresh_editor_shows_the_rules_the_space_has(
    moto_editor: Callable[..., CorsEditor], moto_store: S3Store, moto_bucket: str
) -> None:
    moto_store.put_cors(moto_bucket, [UPLOADS, ANY_GET])

    editor = moto_editor()

    assert editor.model.rules == (UPLOADS, ANY_GET)
    assert editor.xml_view.text().count("<CORSRule>") == 2
    assert "Stored on the server: 2 rules" in editor.status_label.text()


def test_revert_brings_back_the_stored_rules(
    qtbot: QtBot, moto_editor: Callable[..., CorsEditor], moto_store: S3Store, moto_bucket: str
) -> None:
    moto_store.put_cors(moto_bucket, [UPLOADS])
    editor = moto_editor()
    type_in_cell(qtbot, editor, 0, CorsColumn.ID, "renamed")
    assert editor.has_changes()

    editor.revert_button.click()

    assert editor.model.rules == (UPLOADS,)
    assert "<ID>uploads</ID>" in editor.xml_view.text()
    assert not editor.has_changes()


def test_delete_removes_the_configuration_and_the_server_confirms_it(
    qtbot: QtBot, moto_editor: Callable[..., CorsEditor], moto_store: S3Store, moto_bucket: str
) -> None:
    moto_store.put_cors(moto_bucket, [UPLOADS, ANY_GET])
    editor = moto_editor()
    assert editor.delete_button.isEnabled()

    editor.delete_button.click()
    box = editor.last_dialog
    assert isinstance(box, QMessageBox)
    assert box.objectName() == "deleteCorsBox"
    next(b for b in box.buttons() if b.text() == "Delete").click()
    qtbot.waitUntil(lambda: "server confirms" in editor.status_label.text(), timeout=WAIT_MS)

    with pytest.raises(ClientError) as caught:
        stored(moto_store, moto_bucket)
    assert caught.value.response["Error"]["Code"] == "NoSuchCORSConfiguration"
    assert editor.model.rowCount() == 0
    assert "<CORSRule>" not in editor.xml_view.text()
    assert not editor.delete_button.isEnabled()


def test_cancelling_the_delete_keeps_the_rules(
    qtbot: QtBot, moto_editor: Callable[..., CorsEditor], moto_store: S3Store, moto_bucket: str
) -> None:
    moto_store.put_cors(moto_bucket, [UPLOADS])
    editor = moto_editor()

    editor.delete_button.click()
    box = editor.last_dialog
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Cancel).click()

    assert len(stored(moto_store, moto_bucket)) == 1
    assert editor.model.rules == (UPLOADS,)


def test_a_delete_the_server_only_pretends_to_do_is_reported(
    qtbot: QtBot,
    harness: Harness,
    fault_proxy: FaultProxy,
    moto_account: Account,
    server_credentials: Any,
    moto_store: S3Store,
    moto_bucket: str,
) -> None:
    # The original Spaces guide's known issue: "deleting a CORS configuration failed".
    # Here the server answers 204 to the delete but keeps the rules.
    moto_store.put_cors(moto_bucket, [UPLOADS])
    fault_proxy.fail(Match(method="DELETE", query={"cors": None}), status=204, code="")
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    editor = harness.editor(account, server_credentials.secret_access_key, moto_bucket)

    editor.delete_button.click()
    box = editor.last_dialog
    assert isinstance(box, QMessageBox)
    next(b for b in box.buttons() if b.text() == "Delete").click()
    qtbot.waitUntil(editor.problem_label.isVisible, timeout=WAIT_MS)

    assert "still returns 1 rule" in editor.problem_label.text()
    assert len(stored(moto_store, moto_bucket)) == 1
    assert editor.model.rules == (UPLOADS,)  # the editor does not pretend either


def test_removing_every_rule_and_applying_deletes_the_configuration(
    harness: Harness,
    qtbot: QtBot,
    moto_editor: Callable[..., CorsEditor],
    moto_store: S3Store,
    moto_bucket: str,
) -> None:
    moto_store.put_cors(moto_bucket, [UPLOADS])
    editor = moto_editor()
    editor.rules_panel.select(0, CorsColumn.ID)
    editor.rules_panel.remove_button.click()

    harness.run(editor.apply())

    with pytest.raises(ClientError, match="NoSuchCORSConfiguration"):
        stored(moto_store, moto_bucket)
    assert "the server confirms the Space has none" in editor.status_label.text()


def test_a_server_without_cors_turns_the_editor_off_with_a_sentence(
    harness: Harness,
    fault_proxy: FaultProxy,
    moto_account: Account,
    server_credentials: Any,
    moto_bucket: str,
) -> None:
    fault_proxy.fail(Match(method="GET", query={"cors": None}), status=501, code="NotImplemented")
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)

    editor = harness.editor(account, server_credentials.secret_access_key, moto_bucket)

    assert editor.unsupported_label.isVisible()
    assert editor.unsupported_label.text().startswith("This server does not support CORS rules")
    assert not editor.content.isVisible()
    assert not editor.has_changes()
    harness.run(editor.apply())  # nothing to send, nothing sent
    assert fault_proxy.count(Match(method="PUT", query={"cors": None})) == 0


# -- the preflight tester, against s3rver ---------------------------------------------


@pytest.fixture
def s3rver_editor(
    harness: Harness, s3rver_account: Account, s3rver_server: Any, s3rver_store: S3Store, s3rver_bucket: str
) -> CorsEditor:
    s3rver_store.put_cors(s3rver_bucket, [UPLOADS, APP_READS])
    return harness.editor(s3rver_account, s3rver_server.secret_key, s3rver_bucket)


def send_test(qtbot: QtBot, editor: CorsEditor, origin: str, method: str, headers: str) -> None:
    panel = editor.preflight_panel
    editor.tabs.setCurrentWidget(panel)
    panel.results.hide()
    panel.origin_edit.setText(origin)
    panel.method_combo.setCurrentText(method)
    panel.headers_edit.setText(headers)
    qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.results.isVisible, timeout=WAIT_MS)


def test_a_preflight_the_rule_allows_gets_200_and_agrees_with_the_rule(
    qtbot: QtBot, s3rver_editor: CorsEditor
) -> None:
    send_test(qtbot, s3rver_editor, APP, "PUT", "Content-Type")

    panel = s3rver_editor.preflight_panel
    assert panel.preflight_server.text().startswith("200\n")
    assert "Access-Control-Allow-Methods: PUT, POST" in panel.preflight_server.text()
    assert panel.preflight_local.text().startswith("Rule 1 (“uploads”) should answer:")
    assert panel.preflight_verdict.agree is True
    assert panel.preflight_verdict.text().startswith("✔ They agree: the browser may send a PUT")
    assert f"Access-Control-Allow-Origin: {APP}" in panel.get_server.text()
    assert "Access-Control-Expose-Headers: ETag" in panel.get_server.text()
    assert panel.get_local.text().startswith("Rule 2 (“reads”) should answer:")
    assert panel.get_verdict.agree is True
    assert panel.url_label.text().endswith(f"/{s3rver_editor.bucket}")


def test_a_preflight_from_another_origin_gets_403_and_agrees_no_rule_allows_it(
    qtbot: QtBot, s3rver_editor: CorsEditor
) -> None:
    send_test(qtbot, s3rver_editor, "https://evil.example.net", "PUT", "")

    panel = s3rver_editor.preflight_panel
    assert panel.preflight_server.text().startswith("403 CORSResponse")
    assert "no rule lists the origin https://evil.example.net" in panel.preflight_local.text()
    assert panel.preflight_verdict.agree is True
    assert "may not send" in panel.preflight_verdict.text()
    assert panel.get_verdict.agree is True


def test_the_tester_says_when_unapplied_changes_would_change_the_answer(
    qtbot: QtBot, s3rver_editor: CorsEditor
) -> None:
    type_in_cell(qtbot, s3rver_editor, 0, CorsColumn.ORIGINS, "https://other.example.com")

    send_test(qtbot, s3rver_editor, APP, "PUT", "")

    panel = s3rver_editor.preflight_panel
    assert panel.preflight_verdict.agree is True  # the server still answers by the stored rules
    assert "once applied, the server should refuse this preflight" in panel.note_label.text()


def test_the_tester_refuses_an_origin_a_browser_never_sends(qtbot: QtBot, s3rver_editor: CorsEditor) -> None:
    panel = s3rver_editor.preflight_panel
    s3rver_editor.tabs.setCurrentWidget(panel)
    panel.origin_edit.setText("*")

    qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)

    assert "never “*”" in panel.problem_label.text()
    assert not panel.results.isVisible()


def test_a_refused_origin_takes_away_the_result_of_the_request_before(
    qtbot: QtBot, s3rver_editor: CorsEditor
) -> None:
    """Before, "✔ They agree…" stayed under the new error as if it were this origin's."""
    send_test(qtbot, s3rver_editor, APP, "PUT", "Content-Type")
    panel = s3rver_editor.preflight_panel
    panel.origin_edit.setText("www.example.com")  # no scheme
    qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    assert "needs its scheme" in panel.problem_label.text()
    assert not panel.results.isVisible()
