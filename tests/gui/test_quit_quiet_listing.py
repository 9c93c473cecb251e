"""A listing stepped after the event loop stopped (quitting) ends quietly (trial item 18)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.services.browser_service import ListingRequest


@pytest.mark.parametrize("started", [False, True], ids=["before-its-first-step", "while-it-waits"])
def test_a_listing_resumed_while_the_app_quits_ends_quietly_without_an_error(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    qtbot: QtBot,
    moto_account: Account,
    moto_bucket: str,
    caplog: pytest.LogCaptureFixture,
    started: bool,
) -> None:
    app = build_window()
    open_account(app, moto_account)
    failed: list[object] = []
    app.browser.listing_failed.connect(lambda _id, error: failed.append(error))
    loop = asyncio.get_running_loop()  # qasync's, marked running for the whole session

    caplog.set_level(logging.DEBUG, logger="spacesgui")
    listing_id = app.browser.start_listing(ListingRequest(moto_account.id, moto_bucket, ""))
    if started:  # the task has begun and awaits the account's store on a worker thread
        QApplication.processEvents()
    # What quitting does: Qt still delivers qasync's callbacks, but the asyncio loop has
    # stopped, so the listing task runs with no running event loop.
    asyncio._set_running_loop(None)
    try:
        qtbot.waitUntil(lambda: not app.browser.is_listing(listing_id), timeout=30_000)
    finally:
        asyncio._set_running_loop(loop)

    assert failed == []
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert errors == []
    quiet = [r.getMessage() for r in caplog.records if "quitting" in r.getMessage()]
    assert quiet
    assert ("ended by quitting" in quiet[0]) is started
