"""Help › About spacesgui: version, licence, and the bundled components' licences."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLabel, QTableWidget
from pytestqt.qtbot import QtBot

from spacesgui import __version__
from spacesgui.app import App
from spacesgui.qtmodels.app_icon import app_icon
from spacesgui.ui.about_dialog import AboutDialog, installed_components


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
