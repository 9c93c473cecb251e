"""Help › About spacesgui: version, licence, and the bundled components' licences."""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit, QTableWidget
from pytestqt.qtbot import QtBot

from spacesgui import __version__
from spacesgui.app import App
from spacesgui.qtmodels.app_icon import app_icon
from spacesgui.ui import about_dialog
from spacesgui.ui.about_dialog import AboutDialog, installed_components

ROOT = Path(__file__).resolve().parents[2]


def _about(qtbot: QtBot) -> AboutDialog:
    found: list[AboutDialog] = []

    def shown() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets() if isinstance(w, AboutDialog) and w.isVisible()]
        return bool(found)

    qtbot.waitUntil(shown, timeout=30_000)
    return found[0]


def test_about_shows_the_version_the_licence_and_each_bundled_component(
    qtbot: QtBot, build_window: Callable[..., App]
) -> None:
    app = build_window()
    app.window.findChild(QAction, "aboutAction").trigger()
    dialog = _about(qtbot)
    title = dialog.findChild(QLabel, "aboutTitle")
    assert f"spacesgui {__version__}" in title.text()
    assert "MIT" in title.text()
    table = dialog.findChild(QTableWidget, "aboutComponents")
    rows = {
        table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text())
        for r in range(table.rowCount())
    }
    assert rows["Qt for Python (PySide6)"][1] == "LGPL-3.0-only"
    assert rows["boto3"][1] == "Apache-2.0"
    assert rows["botocore"][1] == "Apache-2.0"
    assert rows["qasync"][1].startswith("BSD")
    assert rows["keyring"][1] == "MIT"
    assert rows["moto"][1] == "Apache-2.0"
    assert rows["platformdirs"][1] == "MIT"
    assert rows["urllib3"][1] == "MIT"
    assert rows["s3transfer"][1] == "Apache-2.0"  # its metadata says "Apache License 2.0"
    # versions come from the installed packages, not from a table in the code
    import boto3

    assert rows["boto3"][0] == boto3.__version__
    assert not dialog.windowIcon().isNull()
    dialog.close()


def test_every_component_listed_is_installed_with_a_licence() -> None:
    for component in installed_components():
        assert component.version != "not installed", component.name
        assert component.licence, component.name


def test_the_app_icon_has_every_png_size() -> None:
    sizes = {s.width() for s in app_icon().availableSizes()}
    assert {16, 24, 32, 48, 64, 128, 256, 512} <= sizes


def test_about_shows_the_apps_own_licence_text(qtbot: QtBot, build_window: Callable[..., App]) -> None:
    app = build_window()
    app.window.findChild(QAction, "aboutAction").trigger()
    dialog = _about(qtbot)
    shown = dialog.findChild(QPlainTextEdit, "aboutLicence").toPlainText()
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert shown == licence
    assert "Copyright (c) 2026 spacesgui contributors" in shown
    assert "Permission is hereby granted, free of charge" in shown
    dialog.close()


def test_without_the_licence_file_about_says_where_the_text_is(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(about_dialog, "LICENCE_FILES", (tmp_path / "LICENSE",))
    monkeypatch.setattr(about_dialog, "distribution", _no_distribution)
    about_dialog.app_licence_text.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="spacesgui.ui.about_dialog"):
            text = about_dialog.app_licence_text()
    finally:
        about_dialog.app_licence_text.cache_clear()
    assert text == about_dialog.NO_LICENCE_TEXT
    assert "MIT" in text
    assert "LICENSE" in text
    assert any("LICENSE" in r.getMessage() for r in caplog.records)


def _no_distribution(name: str) -> object:
    raise PackageNotFoundError(name)


def test_the_wheel_and_the_bundle_carry_the_licence_where_about_looks_first() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    target = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]["LICENSE"]
    assert about_dialog.LICENCE_FILES[0] == ROOT / target
    spec = (ROOT / "packaging" / "spacesgui.spec").read_text(encoding="utf-8")
    assert '(str(ROOT / "LICENSE"), "spacesgui/_resources")' in spec
