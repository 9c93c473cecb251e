"""Review: a listing whose LastModified is Go's zero time crashes the window on paint."""

from __future__ import annotations

import re
from collections.abc import Callable

from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.folder_node import Column
from spacesgui.core.history import Place
from tests.fault_proxy import FaultProxy, Match
from tests.gui.conftest import wait_listed


class ZeroTimes:
    """Rewrite every <LastModified> of a listing to 0001-01-01T00:00:00Z (what Go's zero time prints)."""

    match = Match(method="GET", query={"list-type": "2"})
    hits = 0

    def apply(self, request: object, body: bytes) -> bytes:
        self.hits += 1
        return re.sub(
            rb"<LastModified>[^<]*</LastModified>",
            b"<LastModified>0001-01-01T00:00:00.000Z</LastModified>",
            body,
        )


def test_an_object_with_a_zero_modification_time_can_be_shown(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    moto_account: Account,
    moto_store: S3Store,
    moto_bucket: str,
    fault_proxy: FaultProxy,
    qtbot: QtBot,
) -> None:
    moto_store.client.put_object(Bucket=moto_bucket, Key="zero.txt", Body=b"x")
    zero_times = ZeroTimes()
    fault_proxy._rewrites.append(zero_times)  # type: ignore[arg-type]
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    app = build_window()
    open_account(app, account)
    app.window.navigate(Place(account.id, moto_bucket, ""))
    wait_listed(qtbot, app)
    assert zero_times.hits > 0  # the listing really carried year-1 dates
    app.window.object_view.grab()  # a repaint, as the screen would do (an exception in it fails the test)
    model = app.window.model
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["zero.txt"]
    assert model.index(0, Column.MODIFIED).data() == ""  # no date rather than a wrong one
