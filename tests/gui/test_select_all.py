"""Ctrl+A in a big folder: the selection is worked out once, not once per action that follows it,
and the status bar says what is selected (trial item 3: 65,000 rows froze the window 73 s)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.formatting import human_size
from spacesgui.core.history import Place
from spacesgui.qtmodels.flat_tree_model import FlatTreeModel
from tests.conftest import RcloneServer
from tests.gui.conftest import wait_listed
from tests.gui.operations_helpers import press, select

FILES = 2_000  # a few thousand rows: enough that reading each row per handler shows


@pytest.fixture
def big_folder(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], rclone_account: Account,
    rclone_server: RcloneServer, rclone_bucket: str, qtbot: QtBot,
) -> tuple[App, int]:  # fmt: skip
    """A window on `logs/`: FILES small files and one subfolder; (app, the files' bytes)."""
    folder = rclone_server.root / rclone_bucket / "logs"
    (folder / "old").mkdir(parents=True)
    (folder / "old" / "a.log").write_bytes(b"old")
    total = 0
    for i in range(FILES):
        (folder / f"{i:05d}.log").write_bytes(b"x" * (i % 10 + 1))
        total += i % 10 + 1
    rclone_server.wait_until_served(rclone_bucket, [f"logs/{FILES - 1:05d}.log"], timeout=60)
    app = build_window()
    open_account(app, rclone_account)
    app.window.navigate(Place(rclone_account.id, rclone_bucket, "logs/"))
    wait_listed(qtbot, app)
    qtbot.waitUntil(lambda: app.window.object_view.flat.rowCount() == FILES + 1, timeout=60_000)
    return app, total


def test_select_all_reads_no_cell_per_handler_and_the_status_bar_counts_the_selection(
    big_folder: tuple[App, int], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, total = big_folder
    calls = 0
    data = FlatTreeModel.data

    def counting(self: FlatTreeModel, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        nonlocal calls
        calls += 1
        return data(self, index, role)

    monkeypatch.setattr(FlatTreeModel, "data", counting)
    select(app, "logs/00000.log")  # one row, as after a click
    qtbot.waitUntil(lambda: "selected" not in app.window.status_label.text(), timeout=30_000)
    calls = 0
    press(qtbot, app, "Ctrl+A")  # every action following the selection runs inside this call
    # Reading the selection per handler cost several calls a row (FILES x 4 x 8 handlers).
    assert calls < FILES // 4, f"{calls:,} data() calls for one Ctrl+A over {FILES + 1:,} rows"

    rows = FILES + 1
    expected = f"{rows:,} of {rows:,} items selected (1 folder, {FILES:,} files) · {human_size(total)}"
    qtbot.waitUntil(lambda: app.window.status_label.text() == expected, timeout=30_000)
    refs = app.window.selected_refs()
    assert len(refs) == rows
    assert refs[0].key == "logs/old/"
    assert refs[0].is_folder
    assert refs[1].key == "logs/00000.log"
    assert refs[1].size == 1
    edit = app.window.edit_actions
    assert edit is not None
    assert edit.delete_action.isEnabled()
    edit.rename_action.trigger()  # F2 on many rows says to select one, and renames nothing
    assert "Select one file or folder to rename" in app.window.banner.text()

    select(app, "logs/00003.log")  # one row again: the folder's own summary comes back
    qtbot.waitUntil(
        lambda: app.window.status_label.text().startswith("1 folder, 2,000 objects"), timeout=30_000
    )
