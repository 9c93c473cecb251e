"""Opened copies are cleaned: unchanged ones alone in their folder when a day old, never at
quit; changed ones never, and the next start offers their upload again."""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from spacesgui.adapters.opened_copies import TempCopies
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.opened_files import CopyFate, CopyState, OpenedFile
from tests.gui.test_open_files import NOTE, Opening, opening  # noqa: F401  # the fixture

DAY = 86_400


def open_note(opening: Opening, qtbot: QtBot) -> Path:  # noqa: F811
    opening.double_click(NOTE)
    qtbot.waitUntil(lambda: len(opening.launched) == 1, timeout=30_000)
    path = Path(opening.launched[0])
    qtbot.waitUntil(lambda: Path(str(path.parent) + ".json").exists(), timeout=30_000)
    return path


def test_at_quit_even_an_unchanged_copy_stays_for_a_later_sweep(opening: Opening, qtbot: QtBot) -> None:  # noqa: F811
    path = open_note(opening, qtbot)
    # An editor that does not keep its file open (LibreOffice, gedit, vim) may still show it,
    # and may save beside it: quitting removes nothing.
    opening.app.window.close()
    opening.app.shutdown()
    assert path.exists()
    assert Path(str(path.parent) + ".json").exists()


def test_a_sweep_due_after_quit_ends_quietly_and_cleans_nothing(
    opening: Opening, qtbot: QtBot, caplog: pytest.LogCaptureFixture,  # noqa: F811
) -> None:  # fmt: skip
    path = open_note(opening, qtbot)
    app = opening.app
    app.window.close()
    app.shutdown()
    # Seen in a test that built a second window: the first one's start-up sweep came due after
    # its quit and logged "background task failed: cannot schedule new futures after shutdown".
    late = app.runner.spawn(opening.opener.service.sweep())
    qtbot.waitUntil(late.done, timeout=30_000)
    assert late.cancelled()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert path.exists()


def test_a_changed_copy_survives_quit_and_the_next_start_offers_its_upload(
    opening: Opening, build_window: Callable[[], App], open_account: Callable[[App, Account], None],  # noqa: F811
    moto_account: Account, qtbot: QtBot,
) -> None:  # fmt: skip
    path = open_note(opening, qtbot)
    edited = b"edited after the offer was ignored\n"
    path.write_bytes(edited)
    opening.opener.service.stop()
    assert path.read_bytes() == edited

    # The next run: a new window over the same cache.
    app = build_window()
    opener = app.window.file_opener
    assert opener is not None
    opener.service.copies = TempCopies(str(opening.root))
    open_account(app, moto_account)
    sweep = app.runner.spawn(opener.service.sweep())
    qtbot.waitUntil(sweep.done, timeout=30_000)
    assert [(c.folder, fate) for c, fate in sweep.result()] == [(str(path.parent), CopyFate.KEEP_CHANGED)]
    banner = app.window.banner
    qtbot.waitUntil(
        lambda: banner.isVisible() and "changed" in banner.findChild(QLabel, "messageText").text(),
        timeout=30_000,
    )
    banner.findChild(QPushButton, "messageAction").click()
    qtbot.waitUntil(lambda: opening.server_bytes(NOTE) == edited, timeout=30_000)
    assert path.exists()  # uploaded now, and still the user's for today


def earlier_copy(root: Path, name: str, body: bytes, *, age_s: float, recorded: bytes | None = b"") -> Path:
    """A copy left by an earlier run, `age_s` old; recorded as opened with `recorded` (None: no record)."""
    copies = TempCopies(str(root))
    path = Path(copies.new_folder()) / name
    path.write_bytes(body)
    then = time.time() - age_s
    os.utime(path, (then, then))
    os.utime(path.parent, (then, then))
    if recorded is not None:
        baseline = recorded or body
        state = copies.snapshot(str(path))
        assert state is not None
        if baseline != body:  # as opened: other bytes, written before the edit
            state = CopyState(len(baseline), state.mtime_ns - 10**9)
        opened = OpenedFile("gone-account", "b", name, str(path), hashlib.md5(baseline).hexdigest(), state)
        copies.write_record(opened, then)
    return path


def test_the_start_removes_copies_a_day_old_that_nobody_changed_and_keeps_the_rest(
    build_window: Callable[[], App], qtbot: QtBot, tmp_path: Path
) -> None:
    root = tmp_path / "open"
    old = earlier_copy(root, "old.txt", b"old", age_s=2 * DAY)
    edited = earlier_copy(root, "edited.txt", b"edited", age_s=2 * DAY, recorded=b"as opened")
    recent = earlier_copy(root, "recent.txt", b"recent", age_s=3600)
    unknown = earlier_copy(root, "unknown.txt", b"?", age_s=2 * DAY, recorded=None)
    partial = earlier_copy(root, "x.txt.1f2e.part", b"half", age_s=2 * DAY, recorded=None)
    beside = earlier_copy(root, "report.docx", b"as opened", age_s=2 * DAY)
    saved_beside = beside.parent / "report.odt"  # LibreOffice "Keep current format"
    saved_beside.write_bytes(b"the user's work")
    renamed = earlier_copy(root, "draft.txt", b"draft", age_s=2 * DAY)
    renamed = renamed.rename(renamed.parent / "final draft.txt")
    app = build_window()
    service = app.window.file_opener.service
    service.copies = TempCopies(str(root))
    offers: list[object] = []
    service.copy_changed.connect(offers.append)
    sweep = app.runner.spawn(service.sweep())
    qtbot.waitUntil(sweep.done, timeout=30_000)
    assert not old.parent.exists()
    assert not Path(str(old.parent) + ".json").exists()
    assert not partial.parent.exists()
    assert edited.read_bytes() == b"edited"
    assert recent.exists()
    assert unknown.exists()
    assert saved_beside.read_bytes() == b"the user's work"
    assert beside.exists()
    assert renamed.read_bytes() == b"draft"
    qtbot.waitUntil(lambda: len(offers) == 1, timeout=30_000)  # the edited one, offered again
    assert [o.opened.local_path for o in offers] == [str(edited)]
