"""How the see-and-find windows look to a user at 800 × 600: nothing pushed off, no jargon."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.qtmodels.version_model import VersionColumn
from tests.gui.test_versions import wait_loaded


def test_find_in_space_opens_without_widening_an_800_pixel_window(
    build_window: Callable[..., App], qtbot: QtBot
) -> None:
    app = build_window()
    window = app.window
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800, timeout=10_000)
    window.search_panel.open_panel()
    QApplication.processEvents()
    qtbot.waitUntil(lambda: window.search_panel.isVisible(), timeout=10_000)
    assert window.width() == 800
    assert window.minimumSizeHint().width() <= 800
    assert window.centralWidget().width() >= 800 * 2 // 5  # below the list, not beside it


def test_a_version_stored_with_versioning_off_is_not_called_null(
    browse_moto: Callable[[list[str]], App], moto_bucket: str, moto_account: Account, qtbot: QtBot
) -> None:
    app = browse_moto(["<b>odd</b>.txt"])
    window = app.window.versions.open(moto_account.id, moto_bucket, "<b>odd</b>.txt")
    wait_loaded(qtbot, window, 1)
    index = window.model.index(0, VersionColumn.VERSION_ID)
    assert index.data() == "none (versioning off)"
    tooltip = index.data(Qt.ItemDataRole.ToolTipRole)  # says what the server calls it
    assert "versioning was off" in tooltip
    heading = window.findChild(QLabel)
    assert "&lt;b&gt;odd&lt;/b&gt;.txt" in heading.text()  # the key as typed, not as markup


def test_in_an_800_pixel_window_the_preview_takes_the_smaller_share(
    build_window: Callable[..., App], qtbot: QtBot
) -> None:
    app = build_window()
    window = app.window
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800, timeout=10_000)
    window.preview.preview_action.trigger()
    qtbot.waitUntil(lambda: window.preview.pane.isVisible(), timeout=10_000)
    *_, objects, pane = window.splitter.sizes()
    assert pane >= 220  # still a useful preview
    assert objects >= 1.4 * pane  # and the list (or the icons grid) keeps the larger share
    assert window.width() == 800


def test_an_empty_activity_record_says_what_will_show_there(
    build_window: Callable[..., App], qtbot: QtBot
) -> None:
    app = build_window()
    window = app.window.activity.open()
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.loaded, timeout=30_000)
    assert window.count_label.text().startswith("Nothing recorded yet")
    assert window.width() == 800
