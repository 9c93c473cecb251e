"""What a finished folder row says (trial item 13): the files that went through, the skipped
apart, and an average speed for downloads as for uploads, however quickly they went."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.qtmodels.transfer_model import TransferColumn
from spacesgui.ui.transfers.transfer_settings_dialog import TransferSettingsDialog
from tests.gui.test_transfer_panel import actions_of, cell, dock_of, drop, no_dialog, select_object, top_rows

Browse = Callable[[Iterable[str]], App]


def test_finished_folder_rows_count_what_went_through_and_show_an_average_speed_both_ways(
    browse_moto: Browse, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = browse_moto(["pics/a.png", "pics/b.png", "pics/c.png", "pics/d.png"])
    local = tmp_path / "holiday"
    local.mkdir()
    for name in ("one.png", "two.png", "three.png", "four.png"):
        (local / name).write_bytes(os.urandom(300_000))  # enough for an average to mean something
    (local / ".DS_Store").write_bytes(b"finder")  # skipped by the default patterns
    os.symlink(local / "gone.png", local / "broken.png")  # skipped too: counted with it
    (local / "empty").mkdir()  # not uploaded, and said so
    (local / "mac-only").mkdir()  # its only file skipped: not made in the Space either
    (local / "mac-only" / ".DS_Store").write_bytes(b"finder")
    drop(app, [local])
    dock = dock_of(app)
    qtbot.waitUntil(lambda: len(top_rows(dock)) == 1, timeout=30_000)
    upload = top_rows(dock)[0]
    qtbot.waitUntil(lambda: str(cell(upload, TransferColumn.STATUS)).startswith("Done"), timeout=60_000)
    assert (
        cell(upload, TransferColumn.STATUS) == "Done · 4 files · 3 skipped"
    )  # not “6 files”, not “2 skipped”
    banner = app.window.banner.text()
    assert "“broken.png”: it is a broken link" in banner
    assert "(empty, or only skipped files) are not uploaded (“holiday/empty”, “holiday/mac-only”)" in banner

    folder = tmp_path / "downloads"
    folder.mkdir()
    actions = actions_of(app)
    actions.open_settings()
    dialog = actions.last_dialog
    assert isinstance(dialog, TransferSettingsDialog)
    dialog.downloads_edit.setText(str(folder))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(no_dialog))
    select_object(app, "pics/")
    actions.download_action.trigger()
    qtbot.waitUntil(lambda: len(top_rows(dock)) == 2, timeout=30_000)
    download = next(i for i in top_rows(dock) if cell(i, TransferColumn.DIRECTION) == "Download")
    qtbot.waitUntil(lambda: str(cell(download, TransferColumn.STATUS)).startswith("Done"), timeout=60_000)
    assert cell(download, TransferColumn.STATUS) == "Done · 4 files"
    assert sorted(p.name for p in (folder / "pics").iterdir()) == ["a.png", "b.png", "c.png", "d.png"]
    # Local files finish between two progress reports: the engine's timing gives the average.
    assert str(cell(upload, TransferColumn.SPEED)).startswith("avg "), cell(upload, TransferColumn.SPEED)
    dock.view.expand(upload)
    files = [upload.model().index(row, 0, upload) for row in range(upload.model().rowCount(upload))]
    speeds = {str(cell(f, TransferColumn.NAME)): str(cell(f, TransferColumn.SPEED)) for f in files}
    assert speeds["one.png"].startswith("avg "), speeds
    # The download's 4 bytes took a round trip each: no "avg 47 bytes/s" that reads as a broken link.
    assert cell(download, TransferColumn.SPEED) == "—"
    dock.view.expand(download)
    assert cell(download.model().index(0, 0, download), TransferColumn.SPEED) == "—"
