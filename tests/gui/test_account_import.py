"""Import Accounts and the first-run panel, driven like a user, with sample files in a tmp HOME."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path

import keyring.errors
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMenu,
    QPushButton,
    QStyle,
    QStyleOptionViewItem,
)
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.core.account_import import ImportCandidate
from spacesgui.core.accounts import Account
from spacesgui.ui.accounts.account_dialog import AccountDialog
from spacesgui.ui.accounts.import_dialog import ImportDialog
from tests.conftest import MemoryKeyring, RcloneServer
from tests.gui.palettes import text_contrast

AA = 4.5
CLEARED = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL",
           "AWS_ENDPOINT_URL_S3", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "RCLONE_CONFIG",
           "S3CMD_CONFIG", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "APPDATA")  # fmt: skip


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty HOME and XDG config folder; no AWS_* or tool variables set."""
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    return home


def write_aws(home: Path, credentials: str, config: str = "") -> None:
    (home / ".aws").mkdir(exist_ok=True)
    (home / ".aws" / "credentials").write_text(credentials)
    (home / ".aws" / "config").write_text(config)


def write_rclone(home: Path, text: str) -> None:
    (home / ".config" / "rclone").mkdir(parents=True, exist_ok=True)
    (home / ".config" / "rclone" / "rclone.conf").write_text(text)


def open_import(app: App, qtbot: QtBot, rows: int) -> ImportDialog:
    """File → Import Accounts…, then wait until `rows` candidates are listed."""
    actions = app.window.import_actions
    assert actions is not None
    actions.import_action.trigger()
    dialog = actions.dialog
    assert dialog is not None
    assert dialog.objectName() == "importAccounts"
    qtbot.waitUntil(lambda: len(dialog.rows()) == rows, timeout=30_000)
    return dialog


def tick_only(dialog: ImportDialog, names: set[str]) -> None:
    for row in range(dialog.tree.topLevelItemCount()):
        item = dialog.tree.topLevelItem(row)
        assert item is not None
        if not item.isDisabled():
            item.setCheckState(0, Qt.CheckState.Checked if item.text(1) in names else Qt.CheckState.Unchecked)


def row_of(dialog: ImportDialog, name: str) -> tuple[ImportCandidate, bool, str]:
    return next(row for row in dialog.rows() if row[0].name == name)


def wait_lists(qtbot: QtBot, app: App, account_id: str, bucket: str) -> None:
    panel = app.window.account_panel
    qtbot.waitUntil(lambda: bucket in panel.bucket_names(account_id), timeout=30_000)


def test_an_imported_rclone_remote_connects_and_lists_with_its_secret_in_the_keyring(
    build_window: Callable[[], App],
    qtbot: QtBot,
    home: Path,
    rclone_server: RcloneServer,
    rclone_bucket: str,
    memory_keyring: MemoryKeyring,
) -> None:
    write_rclone(home, (
        f"[local]\ntype = s3\nprovider = Other\nendpoint = {rclone_server.endpoint}\n"
        f"access_key_id = {rclone_server.access_key}\nsecret_access_key = {rclone_server.secret_key}\n"
        "[gdrive]\ntype = drive\n"
    ))  # fmt: skip
    app = build_window()
    dialog = open_import(app, qtbot, rows=1)
    assert row_of(dialog, "local")[1:] == (True, "Ready")
    assert "rclone" in dialog.sources_label.text()

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: len(app.accounts.accounts) == 1, timeout=30_000)
    (account,) = app.accounts.accounts
    assert (account.name, account.endpoint_url) == ("local", rclone_server.endpoint)
    assert memory_keyring.passwords[("spacesgui", account.id)] == rclone_server.secret_key
    assert rclone_server.secret_key not in (Path(app_settings(app))).read_text()
    wait_lists(qtbot, app, account.id, rclone_bucket)  # rclone checks the signature: the secret works
    place = app.window.place
    assert place is not None
    assert place.account_id == account.id  # nothing was open: the new account is shown
    qtbot.waitUntil(lambda: "Added 1 account" in dialog.result_label.text(), timeout=30_000)
    assert row_of(dialog, "local")[1:] == (False, "Added as “local”")


def app_settings(app: App) -> Path:
    return Path(app.accounts._account_store.path)  # type: ignore[attr-defined]


def test_keys_already_present_are_marked_and_left_unticked(
    build_window: Callable[[], App],
    qtbot: QtBot,
    home: Path,
    moto_account: Account,
) -> None:
    write_aws(home, (
        f"[same]\naws_access_key_id = {moto_account.access_key_id}\naws_secret_access_key = x\n"
        "[other]\naws_access_key_id = OTHER\naws_secret_access_key = y\n"
    ), f"[profile same]\nendpoint_url = {moto_account.endpoint_url}\n"
       f"[profile other]\nendpoint_url = {moto_account.endpoint_url}\n")  # fmt: skip
    app = build_window()
    app.accounts.add_account(moto_account, "test-secret")
    for_this_run = moto_account.with_changes(name="cli", access_key_id="OTHER", id=uuid.uuid4().hex)
    app.accounts.add_account(for_this_run, "y", remember=False, persist=False)  # as --endpoint-url adds

    dialog = open_import(app, qtbot, rows=2)

    assert row_of(dialog, "same")[1:] == (False, f"Already present as “{moto_account.name}”")
    assert row_of(dialog, "other")[1:] == (True, "Ready")  # importing keeps what was for this run only
    assert dialog.import_button.text() == "Import 1"


def test_rows_with_the_same_keys_as_a_row_above_start_unticked_and_say_so(
    build_window: Callable[[], App], qtbot: QtBot, home: Path, moto_account: Account
) -> None:
    """Before, all were ticked "Ready", and Import added the first and dropped the rest."""
    endpoint = moto_account.endpoint_url
    write_aws(home, (
        "[default]\naws_access_key_id = SAMEKEY\naws_secret_access_key = x\n"
        "[eu]\naws_access_key_id = SAMEKEY\naws_secret_access_key = x\n"
    ), f"[default]\nendpoint_url = {endpoint}\nregion = us-east-1\n"
       f"[profile eu]\nendpoint_url = {endpoint}\nregion = eu-west-1\n")  # fmt: skip
    write_rclone(home, f"[mine]\ntype = s3\nprovider = Other\naccess_key_id = SAMEKEY\n"
                       f"secret_access_key = x\nendpoint = {endpoint}\nregion = us-east-1\n")  # fmt: skip
    app = build_window()
    dialog = open_import(app, qtbot, rows=3)
    ticked = {row[0].name: (row[1], row[2]) for row in dialog.rows()}
    assert sum(on for on, _ in ticked.values()) == 1
    first = next(name for name, (on, _) in ticked.items() if on)
    assert ticked[first][1] == "Ready"
    others = [status for name, (_, status) in ticked.items() if name != first]
    assert all(status == f"Tick one: same keys as “{first}”" for status in others)  # short: it fits
    tips = [dialog.tree.topLevelItem(r).toolTip(4) for r in range(3)]  # type: ignore[union-attr]
    assert any("region is eu-west-1, that one's us-east-1" in t or "region is us-east-1, that one's eu-west-1" in t
               for t in tips)  # fmt: skip
    assert dialog.import_button.text() == "Import 1"


def test_access_keys_and_statuses_read_whole_at_the_windows_first_width(
    build_window: Callable[[], App], qtbot: QtBot, home: Path
) -> None:
    """At 820 px the endpoints once pushed the Access key column out of sight."""
    write_aws(home, (
        "[do-backups]\naws_access_key_id = DO00ABCDEFGHIJKLMNOP\n"
        "aws_secret_access_key = x\n"
    ), "[profile do-backups]\n"
       "endpoint_url = https://minio.storage-gateway.eu-central-1.backups.example-company.internal:9000\n")  # fmt: skip
    write_rclone(home, "[fra1-backups]\ntype = s3\nprovider = DigitalOcean\n"
                       "access_key_id = DO00ABCDEFGHIJKLMNOP\nsecret_access_key = x\n"
                       "endpoint = https://minio.storage-gateway.eu-central-1.backups.example-company.internal:9000\n")  # fmt: skip
    app = build_window()
    dialog = open_import(app, qtbot, rows=2)
    assert dialog.width() == 820
    tree, header = dialog.tree, dialog.tree.header()
    qtbot.waitUntil(
        lambda: sum(header.sectionSize(c) for c in range(5)) <= tree.viewport().width(), timeout=10_000
    )
    metrics = tree.fontMetrics()
    for row in range(2):
        item = tree.topLevelItem(row)
        assert item is not None
        for column in (1, 3, 4):  # name, access key, status: whole
            assert header.sectionSize(column) >= metrics.horizontalAdvance(item.text(column)), item.text(
                column
            )
        assert "example-company.internal:9000\n" in f"{item.toolTip(2)}\n"  # cut: whole in its tooltip
    assert not tree.horizontalScrollBar().isVisible()


def test_bad_entries_are_explained_and_the_good_ones_still_import(
    build_window: Callable[[], App], qtbot: QtBot, home: Path, moto_endpoint: str, moto_bucket: str
) -> None:
    write_aws(home, (
        "[good]\naws_access_key_id = test-access\naws_secret_access_key = test-secret\n"
        "[temp]\naws_access_key_id = ASIA\naws_secret_access_key = s\naws_session_token = t\n"
        "[half\n"
    ), f"[profile good]\nendpoint_url = {moto_endpoint}\n[profile sso]\nsso_session = corp\n")  # fmt: skip
    (home / ".s3cfg").write_text("[default]\nhost_base = example.com\nnot a setting\n")
    app = build_window()

    dialog = open_import(app, qtbot, rows=1)
    qtbot.waitUntil(dialog.problems.isVisible, timeout=10_000)

    text = dialog.problems.text()
    assert "profile temp" in text
    assert "temporary keys" in text
    assert "profile sso" in text
    assert "AWS SSO" in text
    assert "“[half” is not a section header" in text
    assert "s3cmd" in text
    assert "no access_key" in text
    assert "“not a setting”" in text
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(app.accounts.accounts) == 1, timeout=30_000)
    wait_lists(qtbot, app, app.accounts.accounts[0].id, moto_bucket)


def test_export_then_import_round_trip_asks_for_the_secret_or_adds_without_it(
    build_window: Callable[[], App],
    qtbot: QtBot,
    home: Path,
    tmp_path: Path,
    moto_account: Account,
    moto_bucket: str,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = build_window()
    second = moto_account.with_changes(
        name="second", access_key_id="second-key", bucket=moto_bucket, id=uuid.uuid4().hex
    )
    app.accounts.add_account(moto_account, "test-secret")
    app.accounts.add_account(second, "second-secret")
    actions = app.window.import_actions
    assert actions is not None
    target = tmp_path / "accounts.json"
    file_menu = app.window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    names = [a.objectName() for a in file_menu.actions()]
    assert {"importAccountsAction", "exportAccountsAction"} <= set(names)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: (str(target), ""))
    actions.export_action.trigger()  # File → Export Accounts…, the file chosen
    qtbot.waitUntil(target.exists, timeout=30_000)
    qtbot.waitUntil(lambda: "Saved 2 account definitions" in app.window.banner.text(), timeout=30_000)
    exported = target.read_text()
    assert "test-secret" not in exported
    assert "second-secret" not in exported
    assert {a["name"] for a in json.loads(exported)["accounts"]} == {"moto", "second"}
    for account in list(app.accounts.accounts):
        app.accounts.remove_account(account.id)

    dialog = open_import(app, qtbot, rows=0)
    dialog.add_export_file(str(target))
    qtbot.waitUntil(lambda: len(dialog.rows()) == 2, timeout=30_000)
    assert {status for _c, _t, status in dialog.rows()} == {"No secret key: asked at import"}
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    answered = []
    for _ in range(2):  # one secret typed, one left missing (Cancel)
        qtbot.waitUntil(
            lambda: dialog.secret_dialog is not None and dialog.secret_dialog.isVisible(), timeout=30_000
        )
        asking = dialog.secret_dialog
        assert asking is not None
        if "second-key" in asking.findChild(QLabel, "secretIntro").text():
            asking.reject()
        else:
            asking.secret_edit.setText("test-secret")
            asking.accept()
        answered.append(asking)
        qtbot.waitUntil(lambda asking=asking: dialog.secret_dialog is not asking, timeout=30_000)

    qtbot.waitUntil(lambda: len(app.accounts.accounts) == 2, timeout=30_000)
    by_name = {a.name: a for a in app.accounts.accounts}
    assert memory_keyring.passwords[("spacesgui", by_name["moto"].id)] == "test-secret"
    assert ("spacesgui", by_name["second"].id) not in memory_keyring.passwords
    assert by_name["second"].bucket == moto_bucket
    assert "“second” was added without its secret key" in dialog.result_label.text()
    wait_lists(qtbot, app, by_name["moto"].id, moto_bucket)


def test_the_first_run_panel_lists_only_the_sources_found_and_its_buttons_work(
    build_window: Callable[[], App], qtbot: QtBot, home: Path
) -> None:
    write_aws(home, "[a]\naws_access_key_id = A\naws_secret_access_key = s\n")
    write_rclone(home, "[r]\ntype = s3\nprovider = AWS\naccess_key_id = R\nsecret_access_key = s\n")
    app = build_window()
    window = app.window
    actions = window.import_actions
    assert actions is not None
    panel = actions.first_run
    qtbot.waitUntil(panel.isVisible, timeout=10_000)

    shown = {b.objectName() for b in panel.findChildren(QPushButton) if b.isVisible()}
    assert shown == {"firstRunAddButton", "importAwsButton", "importRcloneButton"}  # no s3cmd, no demo here

    qtbot.mouseClick(panel.findChild(QPushButton, "importAwsButton"), Qt.MouseButton.LeftButton)
    dialog = actions.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: [c.name for c, _t, _s in dialog.rows()] == ["a"], timeout=30_000)
    qtbot.mouseClick(panel.findChild(QPushButton, "importRcloneButton"), Qt.MouseButton.LeftButton)
    rclone_dialog = actions.dialog
    assert rclone_dialog is not None
    assert rclone_dialog is not dialog
    qtbot.waitUntil(lambda: [c.name for c, _t, _s in rclone_dialog.rows()] == ["r"], timeout=30_000)

    # The button has the menu's words, and the text above does not repeat it (it said
    # "Choose File → Add Account… to connect…" over an "Add an Account…" button).
    assert panel.add_button.text() == window.add_account_action.text()
    assert "Add Account" not in window.placeholder.text()
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert isinstance(window.space_actions.last_dialog, AccountDialog)
    assert window.space_actions.last_dialog.isVisible()
    window.space_actions.last_dialog.reject()

    qtbot.mouseClick(rclone_dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(app.accounts.accounts) == 1, timeout=30_000)
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=10_000)


def test_an_unticked_box_shows_on_light_and_dark_palettes(
    build_window: Callable[[], App], qtbot: QtBot, home: Path, palette: str
) -> None:
    write_aws(home, "[one]\naws_access_key_id = K1\naws_secret_access_key = x\n"
                    "[two]\naws_access_key_id = K2\naws_secret_access_key = y\n")  # fmt: skip
    app = build_window()
    dialog = open_import(app, qtbot, rows=2)
    tick_only(dialog, {"one"})
    tree = dialog.tree
    image = tree.viewport().grab().toImage()
    for row, ticked in ((0, True), (1, False)):
        option = QStyleOptionViewItem()
        tree.initViewItemOption(option)
        option.rect = tree.visualItemRect(tree.topLevelItem(row))
        option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
        box = tree.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, tree)
        # Before, on a dark palette, the unticked box's outline was the view's own colour (1.0:1):
        # the row looked as if it had no box to tick; on a light one 1.9:1. A control's edge
        # asks for 3:1 (WCAG 1.4.11).
        assert text_contrast(image, box.adjusted(-1, -1, 1, 1))[0] >= 3, (palette, ticked)


def test_a_narrow_window_stacks_the_first_run_import_buttons_instead_of_refusing_to_narrow(
    build_window: Callable[[], App], qtbot: QtBot, home: Path
) -> None:
    write_aws(home, "[a]\naws_access_key_id = A\naws_secret_access_key = s\n")
    (home / ".s3cfg").write_text("[default]\naccess_key = K\nsecret_key = s\n")
    write_rclone(home, "[r]\ntype = s3\nprovider = AWS\naccess_key_id = R\nsecret_access_key = s\n")
    app = build_window()
    actions = app.window.import_actions
    assert actions is not None
    panel = actions.first_run
    qtbot.waitUntil(panel.isVisible, timeout=10_000)
    buttons = [b for b in panel.import_buttons.values() if b.isVisible()]
    assert len(buttons) == 3
    # Before, the three side by side held the window at 666 px when 640 was asked for.
    app.window.resize(640, 600)
    qtbot.waitUntil(lambda: app.window.width() == 640, timeout=10_000)
    qtbot.waitUntil(lambda: len({b.y() for b in buttons}) == 3, timeout=10_000)  # one above the other
    app.window.resize(1100, 600)
    qtbot.waitUntil(lambda: len({b.y() for b in buttons}) == 1, timeout=10_000)  # a row again


def test_the_first_run_panel_hint_is_legible(
    build_window: Callable[[], App], qtbot: QtBot, home: Path, palette: str
) -> None:
    (home / ".s3cfg").write_text("[default]\naccess_key = K\n")
    app = build_window()
    actions = app.window.import_actions
    assert actions is not None
    hint = actions.first_run.import_hint
    qtbot.waitUntil(hint.isVisible, timeout=10_000)
    QApplication.processEvents()
    image = app.window.grab().toImage()
    area = QRect(hint.mapTo(app.window, hint.rect().topLeft()), hint.size())
    assert text_contrast(image, area)[0] >= AA
    placeholder = app.window.placeholder
    area = QRect(placeholder.mapTo(app.window, placeholder.rect().topLeft()), placeholder.size())
    assert text_contrast(image, area)[0] >= AA


def refusing_keyring(memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("locked")

    monkeypatch.setattr(memory_keyring, "set_password", refuse)


def press_on_keyring_box(qtbot: QtBot, dialog: ImportDialog, label: str) -> str:
    """Wait for the "no keyring" question, press `label`, and give back its text."""
    qtbot.waitUntil(lambda: dialog.keyring_box is not None and dialog.keyring_box.isVisible(), timeout=30_000)
    box = dialog.keyring_box
    assert box is not None
    (button,) = [b for b in box.buttons() if b.text() == label]
    text = box.text()
    button.click()
    return text


def test_a_keyring_that_refuses_the_secret_is_said_and_the_account_not_added(
    build_window: Callable[[], App],
    qtbot: QtBot,
    home: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_aws(home, "[p]\naws_access_key_id = K\naws_secret_access_key = s\n")
    refusing_keyring(memory_keyring, monkeypatch)
    app = build_window()
    dialog = open_import(app, qtbot, rows=1)

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    question = press_on_keyring_box(qtbot, dialog, "Don't Add")

    assert "“p”" in question
    assert "session only" in question
    assert "untick" not in question  # the import window has no such box
    qtbot.waitUntil(lambda: "“p” was not added" in dialog.result_label.text(), timeout=30_000)
    assert "keyring" in dialog.result_label.text()
    assert app.accounts.accounts == []
    assert row_of(dialog, "p")[1:] == (True, "Not added: no keyring to keep its secret key")  # try again


def test_without_a_keyring_an_import_can_keep_the_secret_for_this_session_only(
    build_window: Callable[[], App],
    qtbot: QtBot,
    home: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_aws(home, "[nas]\naws_access_key_id = K\naws_secret_access_key = session-secret\n")
    refusing_keyring(memory_keyring, monkeypatch)
    app = build_window()
    dialog = open_import(app, qtbot, rows=1)

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    press_on_keyring_box(qtbot, dialog, "Use for This Session Only")

    qtbot.waitUntil(lambda: len(app.accounts.accounts) == 1, timeout=30_000)
    (account,) = app.accounts.accounts
    assert account.name == "nas"
    assert not account.in_keyring
    assert app.accounts.known_secret(account.id) == "session-secret"
    assert memory_keyring.passwords == {}
    assert "session-secret" not in app_settings(app).read_text()
    qtbot.waitUntil(lambda: "Added 1 account" in dialog.result_label.text(), timeout=30_000)
    assert "this session only" in dialog.result_label.text()
    assert row_of(dialog, "nas")[1:] == (False, "Added as “nas”, secret key for this session only")
