"""The first-run panel's “Open the Demo”: a real start with no accounts, then the demo's Spaces."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from spacesgui.__main__ import parse_args
from spacesgui.startup import Startup
from tests.gui.conftest import wait_listed


@pytest.fixture
def started(
    qasync_loop: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> Iterator[Startup]:
    """The app as `spacesgui --settings FILE` starts it, in an empty HOME and environment."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "RCLONE_CONFIG", "S3CMD_CONFIG",
                 "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    run = Startup(parse_args(["--settings", str(tmp_path / "settings.json")]))
    run.start()
    yield run
    app = run.app
    if app is not None:
        app.window.close()
        qtbot.waitUntil(lambda: not app.runner.busy, timeout=30_000)
        run.stop()
        app.window.deleteLater()
    QApplication.processEvents()


@pytest.mark.timeout(600)  # room above the seeding deadline below
def test_open_the_demo_from_the_first_run_panel_shows_its_photos(started: Startup, qtbot: QtBot) -> None:
    app = started.app
    assert app is not None
    actions = app.window.import_actions
    assert actions is not None
    panel = actions.first_run
    qtbot.waitUntil(panel.isVisible, timeout=10_000)
    assert panel.demo_button.isVisible()
    assert not any(b.isVisible() for b in panel.import_buttons.values())  # nothing to import here

    qtbot.mouseClick(panel.demo_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=30_000)  # the window says it is starting
    # Seeding takes seconds alone and over a minute on a loaded machine: a far deadline.
    window = app.window
    qtbot.waitUntil(lambda: window.place is not None and window.place.bucket == "photos", timeout=240_000)
    wait_listed(qtbot, app)
    assert window.model.rowCount() > 0
    settings = Path(app.accounts._account_store.path)  # type: ignore[attr-defined]
    assert not settings.exists() or "Demo (local)" not in settings.read_text()  # for this run only
