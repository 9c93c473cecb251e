"""Incomplete Uploads names every column and says how many parts and bytes each upload holds (issue 7, item 9)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.formatting import human_size
from spacesgui.ui.transfers.pending_uploads_dialog import HEADERS, PARTS, SIZE, PendingUploadsDialog

MiB = 1024 * 1024


def test_incomplete_uploads_show_their_parts_and_size_under_named_columns(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    client = moto_store.client
    upload_id = client.create_multipart_upload(Bucket=moto_bucket, Key="half/done.iso")["UploadId"]
    for number, size in ((1, 5 * MiB), (2, MiB)):
        client.upload_part(
            Bucket=moto_bucket, Key="half/done.iso", UploadId=upload_id, PartNumber=number, Body=b"x" * size
        )
    app = browse_moto([])
    actions = app.window.transfer_actions
    assert actions is not None
    actions.open_pending_uploads()
    dialog = actions.last_dialog
    assert isinstance(dialog, PendingUploadsDialog)
    header = dialog.table.headerItem()
    labels = [header.text(column) for column in range(dialog.table.columnCount())]
    assert labels == HEADERS
    assert all(labels)
    qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() == 1, timeout=10_000)
    item = dialog.table.topLevelItem(0)
    qtbot.waitUntil(lambda: item.text(PARTS) == "2", timeout=10_000)
    assert item.text(SIZE) == human_size(6 * MiB)
    assert human_size(6 * MiB) in dialog.status.text()
    client.abort_multipart_upload(Bucket=moto_bucket, Key="half/done.iso", UploadId=upload_id)
