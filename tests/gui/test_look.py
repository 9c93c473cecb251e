"""The window at 800 px, in light and dark palettes, and with a font larger than at start (issue 7, items 7, 8, 10)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QToolBar, QToolButton
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.core.folder_node import Column
from spacesgui.ui.main_window import SCREEN_SHARE
from tests.gui.palettes import dark_palette, light_palette, text_contrast

AA = 4.5


@pytest.mark.parametrize("width", [800, 700])
def test_in_a_narrow_window_the_name_column_keeps_forty_percent_and_storage_class_then_access_go_first(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, width: int
) -> None:
    app = browse_moto(["a-long-file-name-that-needs-room.txt", "folder/x.txt"])
    window = app.window
    window.resize(width, 600)
    view = window.object_view
    header = view.horizontalHeader()
    qtbot.waitUntil(lambda: header.sectionSize(Column.NAME) >= 0.4 * view.viewport().width(), timeout=5_000)
    assert header.isSectionHidden(Column.ACCESS)
    assert header.isSectionHidden(Column.STORAGE_CLASS)
    assert not header.isSectionHidden(Column.SIZE)
    window.resize(width + 250, 600)  # a little more room: Access comes back before Storage class
    qtbot.waitUntil(lambda: not header.isSectionHidden(Column.ACCESS), timeout=5_000)
    assert header.isSectionHidden(Column.STORAGE_CLASS)
    assert not header.isSectionHidden(Column.MODIFIED)
    window.resize(1400, 800)  # room again: every column comes back
    qtbot.waitUntil(lambda: not header.isSectionHidden(Column.ACCESS), timeout=5_000)
    assert not header.isSectionHidden(Column.STORAGE_CLASS)
    assert not header.isSectionHidden(Column.TYPE)
    assert header.sectionSize(Column.NAME) >= 0.4 * view.viewport().width()


def test_at_800_px_every_main_toolbar_action_is_reachable(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt"])
    app.window.resize(800, 600)
    toolbar = app.window.findChild(QToolBar, "mainToolbar")
    assert toolbar is not None
    for action in toolbar.actions():
        if action.isSeparator():
            continue
        button = toolbar.widgetForAction(action)
        shown = button is not None and button.isVisible() and toolbar.rect().contains(button.geometry())
        extension = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
        assert shown or (extension is not None and extension.isVisible()), action.text()
    assert {a.objectName() for a in toolbar.actions()} >= {
        "uploadFilesAction",
        "downloadAction",
        "refreshAction",
    }


def test_a_new_window_fills_most_of_the_screen(build_window: Callable[[], App]) -> None:
    app = build_window()
    screen = QApplication.primaryScreen().availableGeometry()
    size = app.window.size()
    assert size.width() >= min(screen.width(), max(800, int(screen.width() * SCREEN_SHARE))) - 1
    assert size.height() >= min(screen.height(), max(560, int(screen.height() * SCREEN_SHARE))) - 1


def test_the_banner_text_and_its_close_button_are_legible(
    build_window: Callable[[], App], qtbot: QtBot, palette: str
) -> None:
    app = build_window()
    banner = app.window.banner
    for level in ("error", "warning", "info"):
        banner.show_message("<b>Keys not accepted.</b> My_Space refused them.", level=level)
        QApplication.processEvents()
        image = banner.grab().toImage()  # as composited: a child alone has no background
        close = banner.findChild(QToolButton)
        assert close is not None
        assert text_contrast(image, close.geometry())[0] >= AA, level
        text = banner.findChild(QLabel, "messageText")
        assert text is not None
        assert text_contrast(image, text.geometry())[0] >= AA, level


def test_a_banner_on_show_turns_dark_with_the_theme_while_the_app_runs(
    build_window: Callable[[], App], qtbot: QtBot
) -> None:
    before = QApplication.palette()
    QApplication.setPalette(light_palette())
    try:
        app = build_window()
        banner = app.window.banner
        banner.show_message("Counting what the selected folders hold…", level="info")
        QApplication.processEvents()
        assert QColor(banner.grab().toImage().pixel(banner.width() // 2, 2)).lightness() > 128

        QApplication.setPalette(dark_palette())  # an automatic dark mode turning on

        def dark() -> bool:
            return QColor(banner.grab().toImage().pixel(banner.width() // 2, 2)).lightness() < 128

        qtbot.waitUntil(dark, timeout=10_000)
        image = banner.grab().toImage()
        text = banner.findChild(QLabel, "messageText")
        assert text is not None
        assert text_contrast(image, text.geometry())[0] >= AA
    finally:
        QApplication.setPalette(before)


def test_in_a_narrow_window_the_selection_summary_is_not_cut_short_while_nothing_transfers(
    build_window: Callable[[], App], qtbot: QtBot
) -> None:
    app = build_window()
    app.window.resize(560, 600)
    app.window.show()
    summary = app.window.status_label
    summary.setText("2 of 4 items selected · 1.9 MB")

    def whole() -> bool:
        return summary.width() >= summary.fontMetrics().horizontalAdvance(summary.text())

    qtbot.waitUntil(whole, timeout=10_000)  # the empty transfer summary beside it gives way


@pytest.mark.parametrize("width", [640, 512])
def test_in_a_narrow_window_the_selection_summary_keeps_its_room_while_transfers_run(
    build_window: Callable[[], App], qtbot: QtBot, width: int
) -> None:
    """The transfer summary took all the bar: "3 folders, 6 objects · :" at 640 px, nothing at 512."""
    app = build_window()
    app.window.resize(width, 600)
    app.window.show()
    summary = app.window.status_label
    summary.setText("3 folders, 6 objects")
    transfers = app.window.transfer_actions
    assert transfers is not None
    long = "Transfers: 3 running, 120 queued · 45.0 MB of 1.2 GB · 12.3 MB/s · 1 failed"
    transfers.dock.summary_changed.emit(long)  # as the panel reports five times a second
    label = transfers.status_label

    def both_shown() -> None:
        assert summary.width() >= summary.fontMetrics().horizontalAdvance(summary.text())
        assert 0 < label.width() <= width // 2
        assert label.width() >= label.fontMetrics().horizontalAdvance(
            label.text()
        )  # cut with "…", not clipped
        assert label.text().startswith("Transfers:")

    qtbot.waitUntil(both_shown, timeout=10_000)
    assert label.toolTip() == long  # whole there

    # A selection's summary too long for what is left ends with "…", not mid-letter.
    summary.setText("3 folders, 6 objects · 2 of 9 selected: holiday-video-2024.mp4, notes.txt · 1.9 GB")
    QApplication.processEvents()
    drawn = summary.grab().toImage()
    whole = summary.text()
    assert summary.toolTip() == whole
    fitting = summary.fontMetrics().elidedText(
        whole, Qt.TextElideMode.ElideRight, summary.contentsRect().width()
    )
    assert fitting.endswith("…")
    summary.setText(fitting)  # the same label showing the cut text that fits: drawn the same
    QApplication.processEvents()
    assert drawn == summary.grab().toImage()


def test_the_empty_view_hint_is_legible(build_window: Callable[[], App], qtbot: QtBot, palette: str) -> None:
    app = build_window()
    hint = app.window.placeholder
    qtbot.waitUntil(hint.isVisible, timeout=5_000)
    QApplication.processEvents()
    image = app.window.grab().toImage()  # as composited: the label alone has no background
    area = QRect(hint.mapTo(app.window, hint.rect().topLeft()), hint.size())
    assert text_contrast(image, area)[0] >= AA


def test_the_path_bar_grows_with_a_font_set_after_start_so_underscores_are_not_clipped(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt"])
    window = app.window
    font = window.font()
    font.setPointSize(font.pointSize() * 2)
    window.setFont(font)  # a platform theme's font arriving after the window was built
    bar = window.path_bar
    bar.start_editing()
    edit = bar.findChild(QLineEdit, "pathEdit")
    assert edit is not None
    qtbot.waitUntil(lambda: edit.height() >= edit.sizeHint().height(), timeout=5_000)
    edit.clearFocus()  # no cursor in the pictures
    edit.setPlaceholderText("")
    pictures = []
    for text in ("", "_"):
        edit.setText(text)
        QApplication.processEvents()
        pictures.append(edit.grab().toImage())
    empty, underscore = pictures
    rows = {
        y
        for y in range(empty.height())
        for x in range(empty.width())
        if empty.pixel(x, y) != underscore.pixel(x, y)
    }
    # The underscore is drawn whole, inside the frame (a clipped one loses its rows).
    assert rows
    assert max(rows) < edit.height() - 1


def test_a_list_squeezed_by_a_dock_beside_it_still_shows_names(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    app = browse_moto(["a-long-file-name-that-needs-room.txt", "folder/x.txt"])
    window = app.window
    window.resize(1280, 800)
    view = window.object_view
    view.setFixedWidth(300)  # as narrow as the Find in Space dock beside it leaves the list
    header = view.horizontalHeader()
    qtbot.waitUntil(lambda: header.isSectionHidden(Column.MODIFIED), timeout=5_000)
    assert header.sectionSize(Column.NAME) >= 0.4 * view.viewport().width()
    assert not header.isSectionHidden(Column.SIZE)
