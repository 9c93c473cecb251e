"""Links read in light and dark palettes, whether or not the theme sets a link colour."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from tests.gui.palettes import text_contrast

AA = 4.5


def test_a_link_reads_on_the_window_even_when_the_theme_sets_no_link_colour(
    build_window: Callable[[], App], qtbot: QtBot, palette: str
) -> None:
    """The tests' dark palette, like many themes, sets no Link: Qt's #0000ff was 1.4:1 there."""
    app = build_window()
    label = QLabel('<a href="https://example.com">Change who can list files…</a>', app.window)
    qtbot.addWidget(label)
    label.resize(label.sizeHint())
    label.show()
    QApplication.processEvents()
    ratio, colour = text_contrast(label.grab().toImage())
    assert ratio >= AA, f"link {colour} at {ratio:.2f}:1 in the {palette} palette"
