"""Toolbar icons stay visible in light and dark palettes, and file kinds keep their own glyphs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QToolBar, QToolButton

from spacesgui.app import App
from spacesgui.core.filetypes import file_kind
from spacesgui.qtmodels.icons import kind_icon
from tests.gui.palettes import text_contrast

# WCAG 2.1, 1.4.11: graphical objects need 3:1 against what is next to them.
NON_TEXT_CONTRAST = 3.0


def icon_area(image: QImage, area: QRect, icon_width: int) -> QRect:
    """Where a toolbar button with its text beside the icon painted the icon.

    The icon comes first from the left: it starts at the first column that stands out from
    the background (the commonest colour) and is at most `icon_width` device pixels wide,
    which stops short of the label after it.
    """
    counts = Counter(
        image.pixel(x, y)
        for y in range(area.top(), area.bottom() + 1)
        for x in range(area.left(), area.right() + 1)
    )
    background = counts.most_common(1)[0][0]

    def inked(x: int) -> bool:
        return any(image.pixel(x, y) != background for y in range(area.top() + 2, area.bottom() - 1))

    x = area.left() + 2  # past a frame a style may draw at the very edge
    while x <= area.right() and not inked(x):
        x += 1
    return QRect(x, area.top(), icon_width - 2, area.height())


def test_main_toolbar_icons_contrast_with_the_toolbar_in_light_and_dark_palettes(
    browse_moto: Callable[[Iterable[str]], App], palette: str
) -> None:
    app = browse_moto(["a.txt"])
    window = app.window
    window.resize(1200, 700)
    toolbar = window.findChild(QToolBar, "mainToolbar")
    assert toolbar is not None
    QApplication.processEvents()
    image = window.grab().toImage()  # as composited: a button alone has no background
    image.setDevicePixelRatio(1.0)
    scale = window.devicePixelRatioF()
    checked = []
    for name in ("uploadFilesAction", "downloadAction", "refreshAction", "newFolderAction"):
        action = next((a for a in toolbar.actions() if a.objectName() == name), None)
        assert action is not None, name
        if not action.isEnabled():
            continue  # a disabled icon is dimmed on purpose
        button = toolbar.widgetForAction(action)
        assert isinstance(button, QToolButton), name
        assert button.isVisible(), name
        top_left = button.mapTo(window, button.rect().topLeft())
        area = QRect(
            round(top_left.x() * scale),
            round(top_left.y() * scale),
            round(button.width() * scale),
            round(button.height() * scale),
        )
        glyph = icon_area(image, area, round(toolbar.iconSize().width() * scale))
        contrast, colour = text_contrast(image, glyph)
        assert contrast >= NON_TEXT_CONTRAST, (palette, name, contrast, colour)
        brightness = sum(colour) / (3 * 255)
        assert (brightness > 0.6) if palette == "dark" else (brightness < 0.4), (palette, name, colour)
        checked.append(name)
    assert {"uploadFilesAction", "refreshAction"} <= set(checked)


def test_a_jpg_and_a_zip_get_different_icons_at_every_scale() -> None:
    for scale in (1.0, 2.0):
        jpg = kind_icon(file_kind("holiday.jpg")).pixmap(QSize(24, 24), scale).toImage()
        zip_ = kind_icon(file_kind("backup.zip")).pixmap(QSize(24, 24), scale).toImage()
        assert jpg.size() == zip_.size() == QSize(round(24 * scale), round(24 * scale))
        differing = sum(
            1
            for y in range(jpg.height())
            for x in range(jpg.width())
            if jpg.pixelColor(x, y).alpha() != zip_.pixelColor(x, y).alpha()
        )
        assert differing > 0.05 * jpg.width() * jpg.height(), scale
