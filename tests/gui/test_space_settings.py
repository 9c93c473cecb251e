"""The Space settings window through the real app against moto (issue 9): open it, apply each
section and read it back from the server, validation messages, unsupported sections, and
what closing with unapplied changes does."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

import pytest
import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QPushButton, QTableWidgetItem, QWidget
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.bucket_settings import VersioningState
from spacesgui.core.history import Place
from spacesgui.ui.settings.lifecycle_section import ABORT, EXPIRE, NONCURRENT, PREFIX, LifecycleSection
from spacesgui.ui.settings.logging_section import LoggingSection
from spacesgui.ui.settings.overview_section import OverviewSection
from spacesgui.ui.settings.policy_section import PolicySection
from spacesgui.ui.settings.settings_section import SectionPage
from spacesgui.ui.settings.space_settings_window import SpaceSettingsWindow
from spacesgui.ui.settings.versioning_section import VersioningSection
from tests.fault_proxy import FaultProxy, Match
from tests.gui.bulk_helpers import open_through_proxy
from tests.gui.test_account_lifecycle import tree_rect
from tests.integration.settings_helpers import log_target

SETTINGS_QUERIES = ("versioning", "lifecycle", "policy", "logging", "cors")


def open_from_sidebar(qtbot: QtBot, app: App, account_id: str, bucket: str) -> SpaceSettingsWindow:
    """Right-click the Space in the sidebar, choose Settings…, and wait until every section is read."""
    panel = app.window.account_panel
    panel._on_tree_context_menu_requested(tree_rect(app, account_id, bucket))
    menu = panel.tree.findChildren(QMenu, "accountContextMenu")[-1]
    next(a for a in menu.actions() if a.text() == "Settings…").trigger()
    menu.close()
    window = app.window.space_settings.window(account_id, bucket)
    assert isinstance(window, SpaceSettingsWindow)
    wait_read(qtbot, window)
    return window


def wait_read(qtbot: QtBot, window: SpaceSettingsWindow) -> None:
    """Wait until every page has read its setting (or knows the server lacks it)."""

    def read() -> None:
        assert window.isVisible()
        for name in window.section_names():
            page = window.section(name)
            if isinstance(page, SectionPage):
                assert page.loaded is not None or page.unsupported, name

    qtbot.waitUntil(read, timeout=30_000)


def overview_line(window: SpaceSettingsWindow, name: str) -> str:
    overview = window.section("Overview")
    assert isinstance(overview, OverviewSection)
    return overview.sentences[name].text()


def answer_lifecycle_box(qtbot: QtBot, lifecycle: LifecycleSection, button: str) -> tuple[str, str]:
    """Wait for the question before rules that delete files, click `button`, and return what
    the question said (its text and informative text: the box is gone once answered)."""
    return answer_box(qtbot, lifecycle, button)


def answer_box(qtbot: QtBot, asker: LifecycleSection | VersioningSection, button: str) -> tuple[str, str]:
    """Wait for the page's question (`last_box`), click `button`, return its two texts."""

    def shown() -> bool:  # an earlier question's box is deleted once answered
        box = asker.last_box
        return box is not None and shiboken6.isValid(box) and box.isVisible()

    qtbot.waitUntil(shown, timeout=20_000)
    box = asker.last_box
    assert box is not None
    said = box.text(), box.informativeText()
    next(b for b in box.buttons() if b.text() == button).click()
    return said


def apply(qtbot: QtBot, page: SectionPage[object], *, confirm: bool = False) -> None:
    """Click the page's Apply (and, with `confirm`, Apply in the question before deleting rules
    or Turn On in the one before versioning) and wait until it has read back what the server holds."""
    assert page.apply_button.isEnabled(), page.problems_label.text()
    assert not page.status_label.text().startswith("Applied")  # so the wait below means this apply
    page.apply_button.click()
    if confirm:
        assert isinstance(page, LifecycleSection | VersioningSection)
        answer_box(qtbot, page, "Apply" if isinstance(page, LifecycleSection) else "Turn On")
    qtbot.waitUntil(
        lambda: page.status_label.text().startswith("Applied") or bool(page.error_label.text()),
        timeout=30_000,
    )
    assert page.error_label.text() == ""


def page(window: SpaceSettingsWindow, name: str, kind: type[QWidget]) -> QWidget:
    window.show_section(name)
    section = window.section(name)
    assert isinstance(section, kind)
    return section


def visible_settings_windows(bucket: str) -> list[QWidget]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if w.objectName() == "spaceSettings" and w.isVisible() and bucket in w.windowTitle()
    ]


# -- opening ------------------------------------------------------------------------------------


def test_settings_open_from_the_sidebar_and_the_overview_says_who_can_list_in_plain_words(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, moto_account: Account, moto_bucket: str
) -> None:
    app = browse_moto(["a.txt"])
    window = open_from_sidebar(qtbot, app, moto_account.id, moto_bucket)

    assert window.objectName() == "spaceSettings"
    assert window.section_names() == [
        "Overview", "Permissions", "CORS", "Versioning", "Lifecycle", "Policy", "Logging",
    ]  # fmt: skip
    assert overview_line(window, "Permissions") == "Only keys of this account can list it."
    assert overview_line(window, "CORS").startswith("No CORS rules")
    assert overview_line(window, "Versioning").startswith("Versioning is off")
    assert overview_line(window, "Lifecycle").startswith("No lifecycle rules")
    assert overview_line(window, "Policy") == "No bucket policy."
    assert overview_line(window, "Logging") == "Access logging is off."
    assert moto_bucket in window.windowTitle()


def test_the_overview_names_the_sites_the_cors_rules_let_in(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, moto_account: Account, moto_bucket: str,
    moto_store: S3Store,
) -> None:  # fmt: skip
    # Before: "1 CORS rule lets scripts on other websites read its files", which a new-user
    # pass read as any website, for a rule that allowed one.
    rules = [{"AllowedMethods": ["GET", "HEAD"], "AllowedOrigins": ["https://www.mysite.com"]}]
    moto_store.client.put_bucket_cors(Bucket=moto_bucket, CORSConfiguration={"CORSRules": rules})  # type: ignore[typeddict-item]
    window = open_from_sidebar(qtbot, browse_moto(["a.txt"]), moto_account.id, moto_bucket)
    assert (
        overview_line(window, "CORS") == "1 CORS rule lets scripts on https://www.mysite.com read its files."
    )

    overview = window.section("Overview")
    assert isinstance(overview, OverviewSection)
    overview.section_requested.emit("Lifecycle")  # what following the line's link does
    assert window.current_section_name() == "Lifecycle"


def test_space_settings_from_the_menu_raises_the_window_already_open(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, moto_account: Account, moto_bucket: str
) -> None:
    app = browse_moto([])
    first = open_from_sidebar(qtbot, app, moto_account.id, moto_bucket)
    action = app.window.space_settings_action
    assert action.isEnabled()
    assert action in app.window.chrome.space_menu.actions()
    action.trigger()
    assert app.window.space_settings.window(moto_account.id, moto_bucket) is first
    assert visible_settings_windows(moto_bucket) == [first]
    app.window.navigate(Place(moto_account.id, "", ""))
    assert not action.isEnabled()  # no Space is open


def test_f5_shows_changes_made_by_other_tools_but_keeps_unapplied_edits(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, moto_account: Account, moto_bucket: str,
    moto_store: S3Store,
) -> None:  # fmt: skip
    app = browse_moto([])
    window = open_from_sidebar(qtbot, app, moto_account.id, moto_bucket)
    lifecycle = page(window, "Lifecycle", LifecycleSection)
    assert isinstance(lifecycle, LifecycleSection)
    row = lifecycle.add_rule()
    lifecycle.set_cell(row, ABORT, "3")
    moto_store.client.put_bucket_acl(Bucket=moto_bucket, ACL="public-read")  # another tool
    moto_store.client.put_bucket_lifecycle_configuration(
        Bucket=moto_bucket,
        LifecycleConfiguration={
            "Rules": [
                {"ID": "other", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 5}}
            ]
        },  # type: ignore[typeddict-item]
    )

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=30_000)
    qtbot.keyClick(window.section_list, Qt.Key.Key_F5)

    qtbot.waitUntil(
        lambda: overview_line(window, "Permissions") == "Anyone on the internet can list this Space's files.",
        timeout=30_000,
    )
    assert overview_line(window, "Lifecycle") == "1 lifecycle rule."
    assert lifecycle.table.rowCount() == 1
    assert lifecycle.table.item(0, ABORT).text() == "3"  # the edit, not the server's rule
    assert "Not reloaded, because of unapplied changes: Lifecycle" in window.notice.text()


def test_coming_back_to_the_window_shows_a_policy_another_tool_set(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, moto_account: Account, moto_bucket: str,
    moto_store: S3Store,
) -> None:  # fmt: skip
    app = browse_moto([])
    window = open_from_sidebar(qtbot, app, moto_account.id, moto_bucket)
    policy = page(window, "Policy", PolicySection)
    assert isinstance(policy, PolicySection)
    text = json.dumps(
        {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}
    )
    moto_store.client.put_bucket_policy(Bucket=moto_bucket, Policy=text)

    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowDeactivate))  # the user went elsewhere
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))  # and came back

    qtbot.waitUntil(
        lambda: overview_line(window, "Policy") == "A bucket policy is set (1 statement).", timeout=30_000
    )
    qtbot.waitUntil(
        lambda: json.loads(policy.editor.toPlainText() or "{}") == json.loads(text), timeout=30_000
    )


# -- each section applies and reads back -------------------------------------------------------


def test_turning_versioning_on_writes_it_and_the_page_shows_what_the_server_holds(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, moto_account: Account, moto_bucket: str,
    moto_store: S3Store,
) -> None:  # fmt: skip
    app = browse_moto([])
    window = open_from_sidebar(qtbot, app, moto_account.id, moto_bucket)
    versioning = page(window, "Versioning", VersioningSection)
    assert isinstance(versioning, VersioningSection)
    assert versioning.buttons[VersioningState.UNVERSIONED].isChecked()

    versioning.choose(VersioningState.ENABLED)
    assert "storage you pay for grows" in versioning.consequence_label.text()
    assert window.section_list.item(3).text() == "Versioning •"
    assert moto_store.client.get_bucket_versioning(Bucket=moto_bucket).get("Status") is None  # not yet
    versioning.apply_button.click()  # no way back: asked first, and Cancel writes nothing
    said = answer_box(qtbot, versioning, "Cancel")
    assert said[0] == f"Turn on versioning for “{moto_bucket}”?"
    assert "never turned off again" in said[1]
    qtbot.waitUntil(lambda: versioning.status_label.text().startswith("Not applied"), timeout=30_000)
    assert moto_store.client.get_bucket_versioning(Bucket=moto_bucket).get("Status") is None
    versioning.apply_button.click()
    answer_box(qtbot, versioning, "Turn On")
    qtbot.waitUntil(lambda: versioning.status_label.text().startswith("Applied"), timeout=30_000)

    assert moto_store.client.get_bucket_versioning(Bucket=moto_bucket)["Status"] == "Enabled"
    assert versioning.loaded is VersioningState.ENABLED
    assert not versioning.buttons[VersioningState.UNVERSIONED].isVisible()  # there is no way back
    assert window.section_list.item(3).text() == "Versioning"
    qtbot.waitUntil(
        lambda: overview_line(window, "Versioning").startswith("Versioning is on"), timeout=30_000
    )

    versioning.choose(VersioningState.SUSPENDED)
    assert "old versions kept so far stay" in versioning.consequence_label.text()
    apply(qtbot, versioning)
    assert moto_store.client.get_bucket_versioning(Bucket=moto_bucket)["Status"] == "Suspended"


def test_a_lifecycle_rule_typed_in_the_table_is_written_and_read_back(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, moto_account: Account, moto_bucket: str,
    moto_store: S3Store,
) -> None:  # fmt: skip
    app = browse_moto([])
    window = open_from_sidebar(qtbot, app, moto_account.id, moto_bucket)
    lifecycle = page(window, "Lifecycle", LifecycleSection)
    assert isinstance(lifecycle, LifecycleSection)
    row = lifecycle.add_rule()
    assert "choose at least one action" in lifecycle.problems_label.text()
    assert not lifecycle.apply_button.isEnabled()
    lifecycle.set_cell(row, PREFIX, "logs/")
    lifecycle.set_cell(row, EXPIRE, "thirty")
    assert lifecycle.problems_label.text() == "Rule 1: days must be a whole number, at least 1."
    lifecycle.set_cell(row, EXPIRE, "30")
    lifecycle.set_cell(row, ABORT, "2")
    assert lifecycle.problems_label.text() == ""
    assert "delete objects 30 days after" in lifecycle.rule_label.text()
    apply(qtbot, lifecycle, confirm=True)

    (rule,) = moto_store.client.get_bucket_lifecycle_configuration(Bucket=moto_bucket)["Rules"]
    assert rule["ID"] == "logs-expire-30d-abort-uploads-2d"
    assert rule["Status"] == "Enabled"
    assert rule["Filter"] == {"Prefix": "logs/"}
    assert rule["Expiration"] == {"Days": 30}
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 2}
    assert "NoncurrentVersionExpiration" not in rule
    assert lifecycle.table.item(0, 1).text() == "logs-expire-30d-abort-uploads-2d"  # read back

    lifecycle.table.selectRow(0)
    lifecycle.remove_button.click()
    apply(qtbot, lifecycle)
    assert lifecycle.table.rowCount() == 0
    qtbot.waitUntil(
        lambda: overview_line(window, "Lifecycle").startswith("No lifecycle rules"), timeout=30_000
    )
    with pytest.raises(moto_store.client.exceptions.ClientError, match="NoSuchLifecycleConfiguration"):
        moto_store.client.get_bucket_lifecycle_configuration(Bucket=moto_bucket)


def test_a_rule_that_will_delete_files_says_what_and_asks_before_it_is_applied(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, moto_account: Account, moto_bucket: str,
    moto_store: S3Store,
) -> None:  # fmt: skip
    """Before, a whole-Space expiry was applied at once, its only hint a column tooltip."""
    app = browse_moto([])
    window = open_from_sidebar(qtbot, app, moto_account.id, moto_bucket)
    lifecycle = page(window, "Lifecycle", LifecycleSection)
    assert isinstance(lifecycle, LifecycleSection)
    row = lifecycle.add_rule()
    lifecycle.set_cell(row, EXPIRE, "10")  # no prefix: the whole Space
    lifecycle.apply_button.click()
    text, informative = answer_lifecycle_box(qtbot, lifecycle, "Cancel")
    assert moto_bucket in text
    assert f"Every file in “{moto_bucket}”, the whole Space, will be deleted 10 days after" in informative
    qtbot.waitUntil(lambda: lifecycle.status_label.text().startswith("Not applied"), timeout=20_000)
    with pytest.raises(moto_store.client.exceptions.ClientError, match="NoSuchLifecycleConfiguration"):
        moto_store.client.get_bucket_lifecycle_configuration(Bucket=moto_bucket)
    apply(qtbot, lifecycle, confirm=True)
    (rule,) = moto_store.client.get_bucket_lifecycle_configuration(Bucket=moto_bucket)["Rules"]
    assert rule["Expiration"] == {"Days": 10}
    lifecycle.set_cell(0, ABORT, "2")  # nothing more is deleted: no question
    apply(qtbot, lifecycle)


def settings_through_proxy(
    qtbot: QtBot, build_window: Callable[[], App], open_account: Callable[[App, Account], None],
    account: Account, proxy: FaultProxy, bucket: str,
) -> SpaceSettingsWindow:  # fmt: skip
    """A window reaching moto through `proxy`, and `bucket`'s Space Settings opened from it, read."""
    app, proxied = open_through_proxy(qtbot, build_window, open_account, account, proxy, bucket)
    return open_from_sidebar(qtbot, app, proxied.id, bucket)


def test_f5_while_a_reload_runs_reads_again_what_that_reload_had_already_read(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], qtbot: QtBot,
    moto_account: Account, moto_bucket: str, moto_store: S3Store, fault_proxy: FaultProxy,
) -> None:  # fmt: skip
    # CI saw F5 show stale settings: it was pressed while the reload that coming back to the
    # window starts was still running, and the window dropped it.
    window = settings_through_proxy(qtbot, build_window, open_account, moto_account, fault_proxy, moto_bucket)
    acl = Match(method="GET", path=f"/{moto_bucket}", query={"acl": None})
    acl_in_flight = fault_proxy.watch(acl)
    lifecycle_reads = fault_proxy.hold(Match(method="GET", path=f"/{moto_bucket}", query={"lifecycle": None}))
    acl_reads = fault_proxy.count(acl)
    window.reload()  # as coming back to the window does
    # The Lifecycle page and the Overview each read the lifecycle, at once: both are held.
    # (Waiting for one held read passed only while the second had not yet arrived.)
    qtbot.waitUntil(
        lambda: (
            lifecycle_reads.waiting == 2 and fault_proxy.count(acl) > acl_reads and acl_in_flight.now == 0
        ),
        timeout=30_000,
    )  # the reload has read the access (private) and still waits for the lifecycle
    moto_store.client.put_bucket_acl(Bucket=moto_bucket, ACL="public-read")  # another tool

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=30_000)
    qtbot.keyClick(window.section_list, Qt.Key.Key_F5)
    lifecycle_reads.release()
    # F5 is not dropped: once the running reload ends, every page reads again, the access
    # too (before, the server saw no second read, and F5 could leave stale settings shown).
    qtbot.waitUntil(
        lambda: fault_proxy.count(acl) >= acl_reads + 4 and acl_in_flight.now == 0, timeout=30_000
    )
    qtbot.waitUntil(
        lambda: overview_line(window, "Permissions") == "Anyone on the internet can list this Space's files.",
        timeout=30_000,
    )


def test_the_overview_shows_a_change_applied_while_it_was_still_reading_the_one_before(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], qtbot: QtBot,
    moto_account: Account, moto_bucket: str, moto_store: S3Store, fault_proxy: FaultProxy,
) -> None:  # fmt: skip
    # CI once saw the overview keep "1 lifecycle rule" after the rule was removed: its read
    # after the removal was asked for while the read after the first apply still ran.
    window = settings_through_proxy(qtbot, build_window, open_account, moto_account, fault_proxy, moto_bucket)
    versioning = page(window, "Versioning", VersioningSection)
    assert isinstance(versioning, VersioningSection)
    lifecycle_reads = fault_proxy.hold(Match(method="GET", path=f"/{moto_bucket}", query={"lifecycle": None}))

    versioning.choose(VersioningState.ENABLED)
    apply(qtbot, versioning, confirm=True)
    qtbot.waitUntil(lambda: lifecycle_reads.waiting == 1, timeout=30_000)  # the overview reads again
    versioning.choose(VersioningState.SUSPENDED)
    apply(qtbot, versioning)
    assert moto_store.client.get_bucket_versioning(Bucket=moto_bucket)["Status"] == "Suspended"
    lifecycle_reads.release()

    qtbot.waitUntil(lambda: overview_line(window, "Versioning").startswith("Versioning is suspended"),
                    timeout=30_000)  # fmt: skip
    qtbot.waitUntil(lambda: not window._tasks, timeout=30_000)
    assert overview_line(window, "Versioning").startswith("Versioning is suspended")


def policy_missing(store: S3Store, bucket: str) -> bool:
    """Whether the server answers a GET of the policy with NoSuchBucketPolicy."""
    with pytest.raises(store.client.exceptions.ClientError) as raised:
        store.client.get_bucket_policy(Bucket=bucket)
    return bool(raised.value.response["Error"]["Code"] == "NoSuchBucketPolicy")


def test_a_digitalocean_account_cannot_choose_to_expire_old_versions_and_is_told_why(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], qtbot: QtBot,
    moto_account: Account, moto_bucket: str, moto_store: S3Store,
) -> None:  # fmt: skip
    account = moto_account.with_changes(provider="digitalocean")
    app = build_window()
    open_account(app, account)
    window = open_from_sidebar(qtbot, app, account.id, moto_bucket)
    lifecycle = page(window, "Lifecycle", LifecycleSection)
    assert isinstance(lifecycle, LifecycleSection)
    assert lifecycle.provider_label.isVisible()
    assert "expiring objects and aborting unfinished multipart uploads" in lifecycle.provider_label.text()
    row = lifecycle.add_rule()
    cell: QTableWidgetItem = lifecycle.table.item(row, NONCURRENT)
    assert not cell.flags() & Qt.ItemFlag.ItemIsEditable
    assert not cell.flags() & Qt.ItemFlag.ItemIsEnabled
    lifecycle.set_cell(row, EXPIRE, "3")
    apply(qtbot, lifecycle, confirm=True)
    (rule,) = moto_store.client.get_bucket_lifecycle_configuration(Bucket=moto_bucket)["Rules"]
    assert rule["Prefix"] == ""  # DigitalOcean's documented form: the prefix on the rule
    assert rule["Expiration"] == {"Days": 3}


def test_policy_mistakes_show_line_and_column_a_template_applies_and_delete_removes_it(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, moto_account: Account, moto_bucket: str,
    moto_store: S3Store,
) -> None:  # fmt: skip
    app = browse_moto([])
    window = open_from_sidebar(qtbot, app, moto_account.id, moto_bucket)
    policy = page(window, "Policy", PolicySection)
    assert isinstance(policy, PolicySection)

    policy.editor.setPlainText(
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",}\n  ]\n}'
    )
    assert (
        policy.problems_label.text()
        == "Line 4, column 24: JSON allows no comma before “}”: remove the comma."
    )
    assert not policy.apply_button.isEnabled()
    (marked,) = policy.editor.extraSelections()
    assert marked.cursor.blockNumber() == 3  # the fourth line is tinted

    policy.editor.clear()
    policy.public_read_action.trigger()
    dialog = policy.last_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    dialog.setTextValue("public/")  # type: ignore[attr-defined]
    dialog.accept()
    assert policy.problems_label.text() == ""
    apply(qtbot, policy)

    stored = json.loads(moto_store.client.get_bucket_policy(Bucket=moto_bucket)["Policy"])
    (statement,) = stored["Statement"]
    assert statement["Resource"] == f"arn:aws:s3:::{moto_bucket}/public/*"
    assert statement["Action"] == "s3:GetObject"
    assert json.loads(policy.editor.toPlainText()) == stored
    qtbot.waitUntil(
        lambda: overview_line(window, "Policy") == "A bucket policy is set (1 statement).", timeout=30_000
    )

    policy.delete_button.click()
    assert policy.status_label.text() == "The policy will be deleted when you apply."
    apply(qtbot, policy)
    assert policy_missing(moto_store, moto_bucket)
    qtbot.waitUntil(lambda: overview_line(window, "Policy") == "No bucket policy.", timeout=30_000)


def test_logging_into_the_space_itself_is_refused_and_another_target_is_written(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, moto_account: Account, moto_bucket: str,
    moto_store: S3Store,
) -> None:  # fmt: skip
    target = log_target(moto_store, moto_bucket)
    app = browse_moto([])
    window = open_from_sidebar(qtbot, app, moto_account.id, moto_bucket)
    logging = page(window, "Logging", LoggingSection)
    assert isinstance(logging, LoggingSection)
    logging.enabled_box.click()
    assert logging.prefix_edit.text() == f"logs/{moto_bucket}/"
    assert logging.problems_label.text() == "Choose the Space the logs are written into."

    logging.target_combo.setEditText(moto_bucket)
    assert f"Logs cannot be written into “{moto_bucket}” itself" in logging.problems_label.text()
    assert not logging.apply_button.isEnabled()

    assert logging.target_combo.findText(target) >= 0  # the account's other Spaces are offered
    logging.target_combo.setCurrentIndex(logging.target_combo.findText(target))
    assert logging.problems_label.text() == ""
    apply(qtbot, logging)

    enabled = moto_store.client.get_bucket_logging(Bucket=moto_bucket)["LoggingEnabled"]
    assert enabled == {"TargetBucket": target, "TargetPrefix": f"logs/{moto_bucket}/"}
    qtbot.waitUntil(
        lambda: (
            overview_line(window, "Logging")
            == f"Access logs are written to s3://{target}/logs/{moto_bucket}/."
        ),
        timeout=30_000,
    )
    logging.enabled_box.click()
    apply(qtbot, logging)
    assert "LoggingEnabled" not in moto_store.client.get_bucket_logging(Bucket=moto_bucket)


# -- servers that lack a setting ------------------------------------------------------------------


def test_a_not_implemented_answer_turns_the_section_off_with_a_sentence_not_an_error(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], qtbot: QtBot,
    moto_account: Account, moto_bucket: str, fault_proxy: FaultProxy,
) -> None:  # fmt: skip
    fault_proxy.fail(Match(query={"versioning": None}), status=501, code="NotImplemented")
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    app = build_window()
    open_account(app, account)
    window = open_from_sidebar(qtbot, app, account.id, moto_bucket)

    versioning = page(window, "Versioning", VersioningSection)
    assert isinstance(versioning, VersioningSection)
    assert versioning.unsupported_label.text() == "This server does not support versioning."
    assert versioning.unsupported_label.isVisible()
    assert not versioning.body.isEnabled()
    assert not versioning.apply_button.isEnabled()
    assert versioning.error_label.text() == ""
    assert overview_line(window, "Versioning") == "This server does not support versioning."
    assert overview_line(window, "Policy") == "No bucket policy."  # the others still work
    assert not app.window.banner.isVisible()
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def test_a_server_that_answers_settings_requests_with_a_listing_gets_no_other_settings_request(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], qtbot: QtBot,
    moto_account: Account, moto_bucket: str, fault_proxy: FaultProxy,
) -> None:  # fmt: skip
    fault_proxy.reroute(Match(method="GET", query={"acl": None}), "list-type=2")  # as rclone answers
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    app = build_window()
    open_account(app, account)
    panel = app.window.account_panel
    panel._on_tree_context_menu_requested(tree_rect(app, account.id, moto_bucket))
    menu = panel.tree.findChildren(QMenu, "accountContextMenu")[-1]
    next(a for a in menu.actions() if a.text() == "Settings…").trigger()
    menu.close()
    window = app.window.space_settings.window(account.id, moto_bucket)
    assert window is not None

    qtbot.waitUntil(lambda: "does not support Space settings" in window.notice.text(), timeout=30_000)
    assert not window.section("Versioning").isEnabled()
    window.reload()
    qtbot.waitUntil(lambda: not window._tasks, timeout=30_000)
    for query in SETTINGS_QUERIES:
        assert fault_proxy.count(Match(query={query: None})) == 0, query


# -- closing ----------------------------------------------------------------------------------------


def test_closing_with_unapplied_changes_asks_and_cancel_keeps_the_window_and_the_server_as_they_were(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, moto_account: Account, moto_bucket: str,
    moto_store: S3Store,
) -> None:  # fmt: skip
    app = browse_moto([])
    window = open_from_sidebar(qtbot, app, moto_account.id, moto_bucket)
    versioning = page(window, "Versioning", VersioningSection)
    assert isinstance(versioning, VersioningSection)
    versioning.choose(VersioningState.ENABLED)

    window.close()
    box = window.last_box
    assert box is not None
    qtbot.waitUntil(box.isVisible, timeout=10_000)
    assert "Versioning" in box.text()
    Button = QMessageBox.StandardButton
    assert {box.standardButton(b) for b in box.buttons()} == {Button.Apply, Button.Discard, Button.Cancel}
    box.button(Button.Cancel).click()

    assert window.isVisible()
    assert versioning.has_changes()
    assert moto_store.client.get_bucket_versioning(Bucket=moto_bucket).get("Status") is None


def test_closing_and_choosing_apply_writes_the_changes_then_closes(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, moto_account: Account, moto_bucket: str,
    moto_store: S3Store,
) -> None:  # fmt: skip
    app = browse_moto([])
    window = open_from_sidebar(qtbot, app, moto_account.id, moto_bucket)
    versioning = page(window, "Versioning", VersioningSection)
    assert isinstance(versioning, VersioningSection)
    versioning.choose(VersioningState.ENABLED)

    window.close()
    box = window.last_box
    assert box is not None
    qtbot.waitUntil(box.isVisible, timeout=10_000)
    with qtbot.waitSignal(window.closed, timeout=30_000):
        box.button(QMessageBox.StandardButton.Apply).click()
        answer_box(qtbot, versioning, "Turn On")  # each page's own question still comes

    assert moto_store.client.get_bucket_versioning(Bucket=moto_bucket)["Status"] == "Enabled"
    assert app.window.space_settings.window(moto_account.id, moto_bucket) is None
    assert visible_settings_windows(moto_bucket) == []


def test_closing_and_choosing_discard_closes_without_writing(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, moto_account: Account, moto_bucket: str,
    moto_store: S3Store,
) -> None:  # fmt: skip
    app = browse_moto([])
    window = open_from_sidebar(qtbot, app, moto_account.id, moto_bucket)
    policy = page(window, "Policy", PolicySection)
    assert isinstance(policy, PolicySection)
    policy.editor.setPlainText('{"Statement": []}')

    window.close()
    box = window.last_box
    assert box is not None
    qtbot.waitUntil(box.isVisible, timeout=10_000)
    with qtbot.waitSignal(window.closed, timeout=30_000):
        box.button(QMessageBox.StandardButton.Discard).click()

    assert visible_settings_windows(moto_bucket) == []
    assert policy_missing(moto_store, moto_bucket)


def test_the_permissions_and_cors_sections_are_the_real_editors_and_cors_writes_the_spaces_rules(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, moto_account: Account, moto_bucket: str,
    moto_store: S3Store,
) -> None:  # fmt: skip
    from spacesgui.ui.settings.cors_editor import CorsEditor
    from spacesgui.ui.settings.permissions_section import PermissionsSection

    moto_store.client.put_bucket_cors(
        Bucket=moto_bucket,
        CORSConfiguration={
            "CORSRules": [{"AllowedOrigins": ["https://example.com"], "AllowedMethods": ["GET"]}]
        },
    )
    app = browse_moto(["a.txt"])
    window = open_from_sidebar(qtbot, app, moto_account.id, moto_bucket)
    permissions = window.section("Permissions")
    assert (
        isinstance(permissions, PermissionsSection) or permissions.findChild(PermissionsSection) is not None
    )
    window.show_section("CORS")
    editor = window.section("CORS")
    if not isinstance(editor, CorsEditor):  # the section may sit in a scroll area
        editor = editor.findChild(CorsEditor)
    assert isinstance(editor, CorsEditor)
    qtbot.waitUntil(
        lambda: [r.origins for r in editor.model.rules] == [("https://example.com",)], timeout=30_000
    )
    templates = editor.rules_panel.templates_menu.actions()
    next(t for t in templates if t.text() == "Allow GET from any origin").trigger()  # as a user adds one
    assert editor.has_changes()
    assert editor.apply_button.isEnabled()
    editor.apply_button.click()
    qtbot.waitUntil(
        lambda: len(moto_store.client.get_bucket_cors(Bucket=moto_bucket)["CORSRules"]) == 2, timeout=30_000
    )


def test_a_narrow_settings_window_keeps_every_page_whole_with_its_apply_button_in_sight(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, moto_account: Account, moto_bucket: str
) -> None:
    """Before, at 640 px the CORS page scrolled sideways and its Apply button was cut off."""
    app = browse_moto([])
    window = open_from_sidebar(qtbot, app, moto_account.id, moto_bucket)
    window.resize(640, 560)
    window.show_section("CORS")
    qtbot.waitUntil(lambda: window.width() >= window.minimumWidth(), timeout=10_000)
    cors = window.section("CORS")
    apply_button = next(b for b in cors.findChildren(QPushButton) if b.text() == "Apply")
    qtbot.waitUntil(lambda: apply_button.isVisible(), timeout=10_000)

    def whole() -> None:
        corner = apply_button.mapTo(window, apply_button.rect().bottomRight())
        assert window.rect().contains(corner), (corner, window.size())
        assert apply_button.visibleRegion().boundingRect().width() == apply_button.width()

    qtbot.waitUntil(whole, timeout=10_000)
