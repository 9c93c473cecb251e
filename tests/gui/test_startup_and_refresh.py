"""The command line, auto-refresh, and server errors while listing."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from spacesgui import __version__
from spacesgui.__main__ import parse_args
from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account, Credentials
from spacesgui.core.history import Place
from spacesgui.demo.server import DEMO_ACCOUNT_ID, DemoServer
from spacesgui.startup import Startup, region_from_endpoint
from tests.fault_proxy import FaultProxy, Match
from tests.gui.conftest import wait_listed
from tests.gui.test_quit_and_resume import start_slow_upload


def test_version_flag_prints_the_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "spacesgui", "--version"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == f"spacesgui {__version__}"


@pytest.mark.parametrize(
    ("endpoint", "region"),
    [
        ("https://fra1.digitaloceanspaces.com", "fra1"),
        ("https://s3.eu-west-1.amazonaws.com", "eu-west-1"),
        ("http://127.0.0.1:9000", "us-east-1"),
    ],
)
def test_the_region_is_read_from_well_known_endpoints(endpoint: str, region: str) -> None:
    assert region_from_endpoint(endpoint) == region


@pytest.fixture
def startup(
    qasync_loop: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    server_credentials: Credentials,
    qtbot: QtBot,
) -> Iterator[Callable[..., Startup]]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", server_credentials.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", server_credentials.secret_access_key)
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    started: list[Startup] = []

    def start(*argv: str, settings: bool = True) -> Startup:
        chosen = ["--settings", str(tmp_path / "settings.json")] if settings else []
        runner = Startup(parse_args([*chosen, *argv]))
        runner.start()
        started.append(runner)
        return runner

    yield start
    for runner in started:
        if runner.app is not None:
            app = runner.app
            app.window.close()
            qtbot.waitUntil(lambda app=app: not app.runner.busy, timeout=30_000)
            runner.stop()
            app.window.deleteLater()
    QApplication.processEvents()


def test_endpoint_url_and_an_s3_location_open_that_place_with_keys_from_the_environment(
    startup: Callable[..., Startup],
    moto_endpoint: str,
    moto_store: S3Store,
    moto_bucket: str,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    moto_store.client.put_object(Bucket=moto_bucket, Key="albums/one.png", Body=b"1")
    run = startup("--endpoint-url", moto_endpoint, f"s3://{moto_bucket}/albums")
    assert run.app is not None
    wait_listed(qtbot, run.app)
    window = run.app.window
    assert window.model.index(0, 0).data() == "one.png"
    assert window.path_bar.text() == f"s3://{moto_bucket}/albums/"
    # A command-line account is for this run only: nothing is written to settings.
    assert (
        not (tmp_path / "settings.json").exists()
        or 'accounts": []' in (tmp_path / "settings.json").read_text()
    )


@pytest.mark.timeout(600)  # room above the seeding deadline below
def test_demo_shows_the_window_at_once_then_opens_the_photos_space_when_seeded(
    startup: Callable[..., Startup], qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # as a user runs it: no --settings
    run = startup("--demo", settings=False)
    assert run.app is not None
    window = run.app.window
    assert window.isVisible()
    assert window.place is None  # nothing opened before the sample Spaces exist
    # Seeding takes ~7 s alone and over 60 s on a loaded 2-core machine: wait on the
    # condition with a deadline far above either.
    qtbot.waitUntil(lambda: window.place is not None and window.place.bucket == "photos", timeout=240_000)
    wait_listed(qtbot, run.app)
    assert "cover.png" in shown_names(run.app)
    assert "2024" in shown_names(run.app)
    # Quitting while a transfer runs: the demo's queue and Spaces start afresh next time,
    # so its question must not promise the paused transfers back (before, it did).
    (tmp_path / "big.bin").write_bytes(os.urandom(12 * 1024 * 1024))
    start_slow_upload(run.app, qtbot, tmp_path / "big.bin")
    window.quit_action.trigger()
    guard = window.quit_guard
    assert guard is not None
    qtbot.waitUntil(lambda: guard.last_box is not None and guard.last_box.isVisible(), timeout=10_000)
    assert guard.last_box is not None
    assert "This is the demo" in guard.last_box.informativeText()
    assert "do not come back" in guard.last_box.informativeText()
    guard.last_box.reject()


def test_the_demo_leaves_the_user_where_they_went_before_its_photos_were_ready(
    startup: Callable[..., Startup], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The photos Space is held back until the user has clicked the demo account's row; it
    # used to take them into photos the moment it was filled.
    photos_may_come = threading.Event()
    arrived: list[str] = []
    seed, bucket_ready = DemoServer.seed, Startup._on_demo_bucket_ready

    def held_seed(server: DemoServer, on_bucket_ready: Callable[[str], None]) -> None:
        def ready(name: str) -> None:  # demo thread
            if name == "photos":
                photos_may_come.wait(timeout=240)
            on_bucket_ready(name)

        seed(server, on_bucket_ready=ready)

    def noted(runner: Startup, account_id: str, bucket: str) -> None:
        bucket_ready(runner, account_id, bucket)
        arrived.append(bucket)

    monkeypatch.setattr(DemoServer, "seed", held_seed)
    monkeypatch.setattr(Startup, "_on_demo_bucket_ready", noted)
    run = startup("--demo")
    assert run.app is not None
    window, panel = run.app.window, run.app.window.account_panel
    try:
        qtbot.waitUntil(lambda: "website" in arrived, timeout=240_000)
        row = panel.model.account_item(DEMO_ACCOUNT_ID)
        assert row is not None
        tree = panel.tree
        qtbot.mouseClick(
            tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualRect(row.index()).center()
        )
        qtbot.waitUntil(lambda: window.place == Place(DEMO_ACCOUNT_ID, "", ""), timeout=30_000)
    finally:
        photos_may_come.set()
    qtbot.waitUntil(lambda: "photos" in arrived, timeout=240_000)

    assert window.place == Place(DEMO_ACCOUNT_ID, "", "")


def test_endpoint_url_without_keys_says_which_variables_to_set(
    startup: Callable[..., Startup], moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    run = startup("--endpoint-url", moto_endpoint)
    assert run.app is not None
    assert "AWS_SECRET_ACCESS_KEY" in run.app.window.banner.text()


def test_a_location_without_any_account_explains_what_to_do(startup: Callable[..., Startup]) -> None:
    run = startup("s3://somewhere/")
    assert run.app is not None
    assert "add an account first" in run.app.window.banner.text()
    assert run.app.window.banner.text().startswith(
        "<b>No account yet.</b>"
    )  # a hint, not "Something went wrong"


@pytest.fixture
def opened(browse_moto: Callable[[Iterable[str]], App]) -> App:
    return browse_moto(["first.txt"])


def shown_names(app: App) -> list[str]:
    model = app.window.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_the_refresh_interval_shows_changes_made_by_other_tools(
    opened: App, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    moto_store.client.put_object(Bucket=moto_bucket, Key="second.txt", Body=b"2")
    opened.window.set_refresh_interval(1)
    qtbot.waitUntil(lambda: shown_names(opened) == ["first.txt", "second.txt"], timeout=10_000)


def test_regaining_focus_shows_changes_made_by_other_tools(
    opened: App, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    moto_store.client.delete_object(Bucket=moto_bucket, Key="first.txt")
    opened.window._last_refresh = 0.0  # as if the last refresh was long ago
    QApplication.sendEvent(opened.window, QEvent(QEvent.Type.WindowActivate))
    qtbot.waitUntil(lambda: shown_names(opened) == [], timeout=10_000)


@pytest.mark.parametrize(
    ("status", "code", "words"),
    [
        (503, "SlowDown", "fewer requests"),
        (403, "RequestTimeTooSkewed", "clock"),
        (403, "AccessDenied", "not allowed"),
    ],
)
def test_listing_errors_are_explained_in_the_window(
    build_window: Callable[[], App],
    qtbot: QtBot,
    fault_proxy: FaultProxy,
    moto_account: Account,
    moto_bucket: str,
    server_credentials: Credentials,
    status: int,
    code: str,
    words: str,
) -> None:
    fault_proxy.fail(Match.list_objects_v2(moto_bucket), status=status, code=code)
    app = build_window()
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint, bucket=moto_bucket)
    app.accounts.add_account(account, server_credentials.secret_access_key)
    app.window.navigate(Place(account.id, moto_bucket, ""))
    qtbot.waitUntil(lambda: words in app.window.banner.text(), timeout=20_000)
    qtbot.waitUntil(lambda: not app.runner.busy, timeout=20_000)  # the Space check fails too
    fault_proxy.clear()
    app.window.refresh_action.trigger()
    wait_listed(qtbot, app)
    qtbot.waitUntil(lambda: not app.runner.busy, timeout=10_000)
    assert app.window.banner.text() == ""
