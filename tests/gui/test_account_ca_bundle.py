"""The account dialog's CA certificate: a private-CA server is refused in plain words until its
authority is chosen, then tested, saved, browsed and uploaded to with it (issue 11, item 6)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.history import Place
from spacesgui.core.transfers import TransferState
from tests.conftest import RcloneServer
from tests.gui.conftest import wait_listed
from tests.gui.test_accounts_and_spaces import fill_account, open_add_account_dialog
from tests.gui.test_transfers_window import drop, wait_transfers_done
from tests.tls_certs import PrivateCa, tls_account


def test_a_private_ca_server_is_not_trusted_until_its_ca_certificate_is_chosen(
    build_window: Callable[[], App], qtbot: QtBot, rclone_tls_server: tuple[RcloneServer, PrivateCa],
    make_store: Callable[..., S3Store], unique_bucket: str, tmp_path: Path,
) -> None:  # fmt: skip
    server, ca = rclone_tls_server
    make_store(tls_account(server.endpoint, str(ca.ca)), acls=False).create_bucket(unique_bucket, "")
    app = build_window()
    dialog = open_add_account_dialog(app, qtbot)
    fill_account(dialog, server.endpoint, server.access_key, server.secret_key)

    dialog.test_button.click()
    qtbot.waitUntil(lambda: "✗" in dialog.result_label.text(), timeout=30_000)
    assert "certificate is not trusted" in dialog.result_label.text()
    assert "CA certificate" in dialog.result_label.text()

    dialog.ca_bundle.edit.setText(str(ca.ca))
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "✓" in dialog.result_label.text(), timeout=30_000)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    (account,) = app.accounts.accounts
    assert account.ca_bundle == str(ca.ca)
    saved = json.loads((tmp_path / "settings.json").read_text())["accounts"][0]
    assert saved["ca_bundle"] == str(ca.ca)
    item = app.window.account_panel.model.account_item(account.id)
    assert item is not None
    qtbot.waitUntil(  # the Spaces are listed over https with the chosen authority
        lambda: unique_bucket in [item.child(r).text() for r in range(item.rowCount())], timeout=30_000
    )
    # A dropped file goes through the transfer process, which trusts the same authority.
    app.window.navigate(Place(account.id, unique_bucket, ""))
    wait_listed(qtbot, app)
    local = tmp_path / "report.txt"
    local.write_bytes(b"sent over https\n" * 100)
    drop(app, [local])
    wait_transfers_done(qtbot, app, 1)
    assert [(t.state, t.error) for t in app.transfers.engine.transfers()] == [(TransferState.DONE, "")]
    assert (server.root / unique_bucket / "report.txt").read_bytes() == local.read_bytes()


def test_a_ca_certificate_that_is_not_a_file_is_refused_on_save_with_the_reason(
    build_window: Callable[[], App], qtbot: QtBot, tmp_path: Path
) -> None:
    app = build_window()
    dialog = open_add_account_dialog(app, qtbot)
    fill_account(dialog, "https://127.0.0.1:9", "key", "secret")
    dialog.ca_bundle.edit.setText(str(tmp_path / "missing-ca.pem"))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    assert "missing-ca.pem" in dialog.result_label.text()
    assert "there is no such file" in dialog.result_label.text()
    assert dialog.isVisible()
    assert app.accounts.accounts == []
