"""Access changes from Find in Space's results (as from the list), and one asked for while another runs."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.access import AccessState
from spacesgui.core.accounts import Account
from spacesgui.core.history import Place
from spacesgui.core.transfers import Direction, TransferState
from tests.fault_proxy import FaultProxy, Match
from tests.gui.conftest import open_space
from tests.gui.operations_helpers import press_in, select
from tests.gui.test_access_column import AUTHENTICATED
from tests.gui.test_make_public import access_actions, anonymous_status
from tests.gui.test_search_panel import searched


def test_a_found_file_is_made_public_then_its_link_copied_then_made_private_again(
    browse_moto: Callable[[Iterable[str]], App], moto_endpoint: str, moto_bucket: str, qtbot: QtBot
) -> None:
    # Before, a new-user pass found these only in the list's menu, not in the results'.
    key = "assets/fonts/Inter.woff2"
    app, panel = searched(qtbot, browse_moto([key, "index.html"]), "Inter")
    assert [panel.model.key(r) for r in range(panel.model.rowCount())] == [key]
    panel.view.selectRow(0)
    assert anonymous_status(moto_endpoint, moto_bucket, key) == 403
    actions = access_actions(app)

    panel.make_public_action.trigger()
    qtbot.waitUntil(lambda: actions.last_box is not None and actions.last_box.isVisible(), timeout=20_000)
    box = actions.last_box
    assert isinstance(box, QMessageBox)
    next(b for b in box.buttons() if b.text() == "Make Public").click()
    qtbot.waitUntil(lambda: anonymous_status(moto_endpoint, moto_bucket, key) == 200, timeout=60_000)

    select(app, "index.html")  # in the list: Ctrl+Shift+C in the results must not copy its link
    press_in(qtbot, app.window, panel.view, Qt.Key.Key_C,
             Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    # A public file: its address, which anyone can open.
    qtbot.waitUntil(
        lambda: QApplication.clipboard().text().endswith("/assets/fonts/Inter.woff2"), timeout=20_000
    )
    assert "X-Amz-Signature" not in QApplication.clipboard().text()

    panel.make_private_action.trigger()
    qtbot.waitUntil(lambda: anonymous_status(moto_endpoint, moto_bucket, key) == 403, timeout=60_000)


def test_make_private_while_a_make_public_of_the_same_file_is_still_running_ends_private(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, moto_endpoint: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    # Before: the second change was taken for a name conflict with the first, which an
    # access change cannot have: it failed in the background and nothing was made private.
    moto_store.client.put_object(Bucket=moto_bucket, Key="logo.svg", Body=b"<svg/>")
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    app = open_space(qtbot, build_window, open_account, account, moto_bucket)
    actions = access_actions(app)
    acl_writes = fault_proxy.hold(Match(method="PUT", path=f"/{moto_bucket}/logo.svg", query={"acl": None}))
    select(app, "logo.svg")
    actions.make_public_action.trigger()
    qtbot.waitUntil(lambda: actions.last_box is not None and actions.last_box.isVisible(), timeout=20_000)
    box = actions.last_box
    assert isinstance(box, QMessageBox)
    next(b for b in box.buttons() if b.text() == "Make Public").click()
    qtbot.waitUntil(lambda: acl_writes.waiting == 1, timeout=30_000)  # the first change is on its way

    actions.make_private_action.trigger()
    qtbot.waitUntil(
        lambda: sum(1 for t in app.transfers.engine.transfers() if t.direction == Direction.ACCESS) == 2,
        timeout=30_000,
    )
    acl_writes.release()
    qtbot.waitUntil(
        lambda: {t.state for t in app.transfers.engine.transfers()} == {TransferState.DONE}, timeout=60_000
    )
    assert anonymous_status(moto_endpoint, moto_bucket, "logo.svg") == 403  # the last asked for wins


def test_make_private_from_results_of_another_space_asks_about_its_custom_grants(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    # The Access column knows the files of the Space shown; a same-named file of the Space
    # searched before was taken for it, and its extra grants were removed without a word.
    moto_store.client.put_object(Bucket=moto_bucket, Key="index.html", Body=b"a", GrantRead=AUTHENTICATED)
    other = f"{moto_bucket[:50]}-b"
    moto_store.client.create_bucket(Bucket=other)
    moto_store.client.put_object(Bucket=other, Key="index.html", Body=b"b")  # private
    app, panel = searched(qtbot, browse_moto([]), "index")
    window = app.window
    window.resize(1400, 700)  # room for the Access column
    assert window.place is not None
    window.navigate(Place(window.place.account_id, other, ""))
    qtbot.waitUntil(lambda: window.known_access("index.html") == AccessState.PRIVATE, timeout=30_000)
    actions = access_actions(app)

    panel.view.selectRow(0)
    panel.make_private_action.trigger()
    qtbot.waitUntil(lambda: actions.last_box is not None and actions.last_box.isVisible(), timeout=30_000)
    box = actions.last_box
    assert isinstance(box, QMessageBox)
    assert box.objectName() == "confirmPrivateBox"
    assert "access to other accounts or groups (Custom)" in box.text()
    box.reject()
