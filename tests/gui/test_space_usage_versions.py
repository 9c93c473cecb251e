"""Space Usage in a versioned Space counts older versions and delete markers (trial item 16)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.formatting import human_size
from tests.gui.test_space_usage import wait_counted


def test_usage_of_a_versioned_space_says_what_older_versions_and_delete_markers_hold(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    client = moto_store.client
    client.put_bucket_versioning(Bucket=moto_bucket, VersioningConfiguration={"Status": "Enabled"})
    client.put_object(Bucket=moto_bucket, Key="a.txt", Body=b"o" * 100)
    client.put_object(Bucket=moto_bucket, Key="a.txt", Body=b"n" * 300)  # the 100 bytes stay, older
    client.put_object(Bucket=moto_bucket, Key="b.txt", Body=b"b" * 50)
    client.delete_object(Bucket=moto_bucket, Key="b.txt")  # a delete marker; its 50 bytes stay
    app = browse_moto([])
    app.window.findChild(type(app.window.usage_windows.space_action), "spaceUsageAction").trigger()
    (window,) = app.window.usage_windows.open_windows()
    qtbot.addWidget(window)
    wait_counted(qtbot, window)

    assert f"1 object, {human_size(300)}" in window.status_label.text()  # current objects only
    qtbot.waitUntil(window.versions_label.isVisible, timeout=30_000)
    said = window.versions_label.text()
    assert f"2 older versions holding {human_size(150)}" in said
    assert "1 delete marker." in said
    assert "not in the totals" in said
