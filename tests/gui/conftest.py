"""GUI fixtures: one qasync loop for the session, and real windows wired to real servers."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication  # before qasync, so it picks PySide6
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App, build_app
from spacesgui.core.accounts import Account, Credentials
from spacesgui.core.folder_node import LoadState
from spacesgui.core.history import Place
from tests.gui.palettes import themed_palette
from tests.secret_watch import WATCH


@pytest.fixture(scope="session")
def qasync_loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """The asyncio loop, driven by whatever Qt event loop pytest-qt spins. Never stopped."""
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    return loop


@pytest.fixture
def one_page_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Listings page one after another, so "the second page, held" is one request.

    Stopping a parallel listing (pieces in flight) is tested on the lister itself in
    tests/integration/test_s3_parallel_listing.py and test_s3_tree_listing.py; tests that
    hold "the next page" to catch a listing half-way use this.
    """
    monkeypatch.setattr(S3Store, "listing_parallelism", 1)


@pytest.fixture(autouse=True)
def plain_clipboard_after(qapp: QApplication) -> Iterator[None]:
    """Leave only text on the clipboard after each test.

    A QMimeData made in Python and still on the clipboard when the QApplication goes away
    is freed twice (PySide6): the test process would die at exit with a segmentation fault
    and a red exit code, after every test passed.
    """
    yield
    QApplication.clipboard().setText("")


@pytest.fixture(params=["light", "dark"])
def palette(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    """Run the test under a light and a dark application palette (set the way a theme sets it)."""
    before = QApplication.palette()
    QApplication.setPalette(themed_palette(request.param))
    yield request.param
    QApplication.setPalette(before)


@pytest.fixture
def build_window(
    qtbot: QtBot, qasync_loop: qasync.QEventLoop, tmp_path: Path
) -> Iterator[Callable[..., App]]:
    """Yield `build()`: a fully wired App whose window is shown; shut down after the test.

    Auto-refresh is off unless `refresh_interval_s=None` asks for the saved choice, as a
    real start has it.
    """
    apps: list[App] = []

    def build(*, refresh_interval_s: int | None = 0) -> App:
        app = build_app(settings_path=tmp_path / "settings.json", refresh_interval_s=refresh_interval_s)
        WATCH.window_dirs.append(tmp_path)  # searched for secrets at the end of the session
        WATCH.windows_built += 1
        # Not qtbot.addWidget: pytest-qt deletes those before fixtures tear down, and the
        # services must stop first.
        app.window.show()
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.window.close()
        app.window.model.clear()
        for task in list(app.runner._tasks):
            task.cancel()
        qtbot.waitUntil(lambda app=app: not app.runner.busy, timeout=30_000)
        app.shutdown()
        app.window.deleteLater()
    QApplication.processEvents()
    # Delete the windows and collect what the test left now, while nothing else runs, rather
    # than in a later test's event loop with its threads busy: a collection there, of wrappers
    # whose Qt objects a deferred delete had just destroyed, once crashed the test process.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    enabled = gc.isenabled()
    gc.disable()  # no other thread may collect what the test left, even between these lines
    apps.clear()
    gc.collect()
    if enabled:
        gc.enable()


@pytest.fixture
def open_account(qtbot: QtBot, server_credentials: Credentials) -> Callable[[App, Account], None]:
    """Add `account` to the app and wait until its Spaces are listed in the left tree."""

    def add(app: App, account: Account) -> None:
        app.accounts.add_account(account, server_credentials.secret_access_key)

        def listed() -> None:
            item = app.window.account_panel.model.account_item(account.id)
            assert item is not None
            assert item.rowCount() > 0

        qtbot.waitUntil(listed, timeout=30_000)

    return add


def wait_listed(qtbot: QtBot, app: App) -> None:
    """Wait until the open folder has finished listing."""
    qtbot.waitUntil(
        lambda: app.window.model.root.state in (LoadState.LOADED, LoadState.FAILED), timeout=60_000
    )


def open_space(
    qtbot: QtBot, build_window: Callable[[], App], open_account: Callable[[App, Account], None],
    account: Account, bucket: str,
) -> App:  # fmt: skip
    """A new window with `account` added, showing `bucket`'s top folder, listed."""
    app = build_window()
    open_account(app, account)
    app.window.navigate(Place(account.id, bucket, ""))
    wait_listed(qtbot, app)
    return app


@pytest.fixture
def browse_moto(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    moto_account: Account,
    moto_store: Any,
    moto_bucket: str,
    qtbot: QtBot,
) -> Callable[[Iterable[str]], App]:
    """Yield `browse(keys)`: put `keys` in a fresh moto bucket and open it in a new window."""

    def browse(keys: Iterable[str]) -> App:
        for key in keys:
            moto_store.client.put_object(Bucket=moto_bucket, Key=key, Body=b"1")
        return open_space(qtbot, build_window, open_account, moto_account, moto_bucket)

    return browse
