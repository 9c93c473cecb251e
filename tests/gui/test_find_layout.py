"""Find in Space and the Transfers panel leave the object list its width (trial item 9)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.history import Place


@pytest.mark.parametrize(("width", "height"), [(1200, 800), (800, 600)])
def test_find_in_space_opens_below_the_objects_as_a_tab_beside_transfers(
    build_window: Callable[..., App], qtbot: QtBot, width: int, height: int
) -> None:
    app = build_window()
    window = app.window
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width, timeout=10_000)
    actions = window.transfer_actions
    assert actions is not None
    list_width = window.centralWidget().width()
    panel = window.search_panel
    panel.open_panel()
    qtbot.waitUntil(lambda: panel.isVisible() and not panel.visibleRegion().isEmpty(), timeout=10_000)
    QApplication.processEvents()
    assert window.dockWidgetArea(panel) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert actions.dock in window.tabifiedDockWidgets(panel)
    assert window.width() == width
    assert window.centralWidget().width() == list_width  # the list keeps its width
    assert window.centralWidget().height() >= height // 3  # and some height


def test_the_transfers_panel_first_opens_at_a_modest_height_in_a_small_window(
    build_window: Callable[..., App], qtbot: QtBot
) -> None:
    app = build_window()
    window = app.window
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800, timeout=10_000)
    actions = window.transfer_actions
    assert actions is not None
    actions.dock.reveal()
    qtbot.waitUntil(lambda: not actions.dock.visibleRegion().isEmpty(), timeout=10_000)
    QApplication.processEvents()
    assert actions.dock.height() <= 600 // 4 + 10  # was 240 of 600: the list had a third left
    assert window.object_view.parentWidget().height() >= 600 // 2


def test_a_narrower_window_takes_the_width_from_the_preview_before_the_list(
    build_window: Callable[..., App], qtbot: QtBot
) -> None:
    app = build_window()
    window = app.window
    window.resize(1400, 800)
    qtbot.waitUntil(lambda: window.width() == 1400, timeout=10_000)
    window.preview.preview_action.trigger()
    qtbot.waitUntil(lambda: window.preview.pane.isVisible(), timeout=10_000)
    *_, objects, pane = window.splitter.sizes()
    window.splitter.setSizes([*window.splitter.sizes()[:-2], objects + pane - 560, 560])  # a wide preview
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800, timeout=10_000)

    def list_keeps_the_larger_share() -> None:
        *_, objects, pane = window.splitter.sizes()
        assert pane >= 220  # still a useful preview
        assert objects >= 1.4 * pane

    qtbot.waitUntil(list_keeps_the_larger_share, timeout=10_000)


def test_the_preview_opened_in_a_narrow_window_takes_from_the_sidebar_too(
    build_window: Callable[..., App], qtbot: QtBot
) -> None:
    """At 640 px the 240 px sidebar and the preview left the list 160 px: names read "2…"."""
    app = build_window()
    window = app.window
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280, timeout=10_000)
    window.splitter.setSizes([240, *window.splitter.sizes()[1:]])  # the sidebar as a wide window has it
    window.resize(640, 600)
    qtbot.waitUntil(lambda: window.width() == 640, timeout=10_000)
    window.preview.preview_action.trigger()
    qtbot.waitUntil(lambda: window.preview.pane.isVisible(), timeout=10_000)

    def list_keeps_its_share() -> None:
        sidebar, *_, objects, pane = window.splitter.sizes()
        assert pane >= 220  # still a useful preview
        assert objects >= pane
        assert sidebar < 240

    qtbot.waitUntil(list_keeps_its_share, timeout=10_000)


def test_at_480_pixels_the_preview_gives_way_so_names_still_read_in_the_list(
    browse_moto: Callable[[list[str]], App], qtbot: QtBot
) -> None:
    """The sidebar's 150 px and the preview's 220 px left the list 90 px: names read "co…ng"."""
    app = browse_moto(["wallpapers-2024.png", "cover.png"])
    window = app.window
    window.resize(480, 600)
    qtbot.waitUntil(lambda: window.width() == 480, timeout=10_000)
    window.preview.preview_action.trigger()
    qtbot.waitUntil(lambda: window.preview.pane.isVisible(), timeout=10_000)

    def list_keeps_its_share() -> None:
        *_, objects, pane = window.splitter.sizes()
        assert pane >= 120  # a small picture still shows
        assert objects >= 170  # "wallpapers-2024.png" reads (cut in the middle) rather than "wa…rs"
        assert objects >= pane
        header = window.object_view.horizontalHeader()
        assert header.sectionSize(0) >= 130  # Name: Size gives way before it does

    qtbot.waitUntil(list_keeps_its_share, timeout=10_000)


def test_the_notice_that_no_space_is_open_goes_once_one_is(
    build_window: Callable[..., App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_bucket: str, qtbot: QtBot,
) -> None:  # fmt: skip
    """Before, it stayed under an open Space until the next search."""
    app = build_window()
    panel = app.window.search_panel
    panel.open_panel()
    panel.start()
    assert panel.status_label.text().startswith("Open a Space first")
    open_account(app, moto_account)
    app.window.navigate(Place(moto_account.id, moto_bucket, ""))
    assert panel.status_label.text() == ""


def test_a_narrow_window_takes_from_the_sidebar_and_gives_it_back_when_wider_or_the_preview_closes(
    build_window: Callable[..., App], qtbot: QtBot
) -> None:
    """At 480 px the sidebar kept 240 px, half the window: the list's names read "be…ng"."""
    app = build_window()
    window = app.window
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280 and window.splitter.sizes()[0] == 240, timeout=10_000)
    window.resize(480, 600)
    qtbot.waitUntil(lambda: window.width() == 480, timeout=10_000)
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] == 150, timeout=10_000)
    assert window.splitter.sizes()[1] >= 300  # the list
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] == 240, timeout=10_000)

    window.resize(640, 600)
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] == 160, timeout=10_000)
    window.preview.preview_action.trigger()  # the preview takes from the sidebar too
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] < 160, timeout=10_000)
    window.preview.preview_action.trigger()  # and gives it back when it closes
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] == 160, timeout=10_000)
