"""Icons: the bundled SVGs, drawn in the palette's colour, crisp at any scale, in every view."""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.filetypes import FileKind
from spacesgui.core.folder_node import Column
from spacesgui.core.listing import BucketInfo
from spacesgui.core.transfers import Direction, Transfer, TransferGroup
from spacesgui.qtmodels import icons
from spacesgui.qtmodels.account_model import AccountTreeModel
from spacesgui.qtmodels.icons import ICON_NAMES, icon, icon_path, kind_icon
from spacesgui.qtmodels.roles import ObjectRole
from spacesgui.qtmodels.transfer_model import TransferColumn, TransferModel
from spacesgui.ui.browser.object_view import INDENT, ObjectView
from tests.gui.palettes import Group, Role, dark_palette, light_palette

ROOT = Path(__file__).resolve().parents[2]
DECORATION = 1  # Qt.ItemDataRole.DecorationRole


@pytest.fixture(autouse=True)
def _application(qapp: QApplication) -> QApplication:
    """Icons are pixmaps: every test here needs the QApplication, even run on its own."""
    return qapp


@pytest.fixture
def app_palette(qapp: QApplication) -> Iterator[Callable[[QPalette], None]]:
    """Yield `use(palette)`, which sets the application palette; the old one is back afterwards."""
    original = QPalette(qapp.palette())
    yield qapp.setPalette
    qapp.setPalette(original)


def luminance(colour: QColor) -> float:
    return 0.2126 * colour.redF() + 0.7152 * colour.greenF() + 0.0722 * colour.blueF()


def ink(image: QImage, area: QRect) -> dict[tuple[int, int], QColor]:
    """Pixels in `area` that stand out from its top-left pixel (the background): the glyph."""
    background = image.pixelColor(area.topLeft())
    found = {}
    for y in range(area.top(), area.bottom() + 1):
        for x in range(area.left(), area.right() + 1):
            colour = image.pixelColor(x, y)
            distance = max(
                abs(colour.red() - background.red()),
                abs(colour.green() - background.green()),
                abs(colour.blue() - background.blue()),
            )
            if distance > 60:
                found[(x - area.left(), y - area.top())] = colour
    return found


def solid_colours(image: QImage) -> set[int]:
    """The colours (RGB) of the fully opaque pixels: a glyph's own colour, without antialiasing."""
    return {
        image.pixelColor(x, y).rgb()
        for y in range(image.height())
        for x in range(image.width())
        if image.pixelColor(x, y).alpha() == 255
    }


def opaque_pixels(image: QImage) -> int:
    return sum(
        1 for y in range(image.height()) for x in range(image.width()) if image.pixelColor(x, y).alpha() > 0
    )


# -- the object view -------------------------------------------------------------------
def icon_rect(view: ObjectView, row: int) -> QRect:
    """Where the Name cell of `row` draws its icon, as the view's delegate lays it out."""
    index = view.model().index(row, Column.NAME)
    depth = int(index.data(ObjectRole.DEPTH) or 0)
    option = QStyleOptionViewItem()
    option.initFrom(view.viewport())
    option.widget = view
    option.rect = view.visualRect(index).adjusted((depth + 1) * INDENT, 0, 0, 0)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasDecoration
    option.decorationSize = view.iconSize() if view.iconSize().isValid() else QSize(16, 16)
    option.icon = index.data(DECORATION)
    option.text = str(index.data())
    return view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemDecoration, option, view)


def row_named(view: ObjectView, name: str) -> int:
    model = view.model()
    rows = [r for r in range(model.rowCount()) if model.index(r, Column.NAME).data() == name]
    assert rows, f"{name} is not shown"
    return rows[0]


def painted_icon(app: App, name: str) -> dict[tuple[int, int], QColor]:
    view = app.window.object_view
    view.clearSelection()
    image = view.viewport().grab().toImage()
    glyph = ink(image, icon_rect(view, row_named(view, name)))
    assert glyph, f"no icon painted on the row of {name}"
    return glyph


def test_the_object_view_paints_each_kind_of_row_with_its_own_icon(
    browse_moto: Callable[[list[str]], App],
) -> None:
    app = browse_moto(["cat.jpg", "logs.zip", "dog.jpg", "photos/a.png"])
    cat, logs, dog, folder = (painted_icon(app, n) for n in ("cat.jpg", "logs.zip", "dog.jpg", "photos"))
    assert cat.keys() == dog.keys()  # same kind, same glyph
    assert cat.keys() != logs.keys()
    assert folder.keys() not in (cat.keys(), logs.keys())


def test_an_expanded_folder_shows_an_open_folder(
    browse_moto: Callable[[list[str]], App], qtbot: QtBot
) -> None:
    app = browse_moto(["photos/a.png", "videos/b.mp4"])
    view = app.window.object_view
    closed = painted_icon(app, "photos")
    folder = view.flat.folder_at(view.model().index(row_named(view, "photos"), 0))
    assert folder is not None
    view.expand_folder(folder)
    qtbot.waitUntil(lambda: view.model().rowCount() == 3, timeout=15_000)
    assert painted_icon(app, "photos").keys() != closed.keys()
    assert painted_icon(app, "videos").keys() == closed.keys()


@pytest.mark.parametrize(("palette", "light"), [(light_palette, False), (dark_palette, True)])
def test_icons_are_painted_in_the_palettes_text_colour(
    browse_moto: Callable[[list[str]], App],
    app_palette: Callable[[QPalette], None],
    palette: Callable[[], QPalette],
    light: bool,
) -> None:
    app = browse_moto(["report.pdf", "photos/a.png"])
    app_palette(palette())
    # A running application hands its new palette to every widget; pytest-qt never calls
    # exec(), so Qt skips that step here and the window is given the palette directly.
    app.window.setPalette(palette())
    for name in ("report.pdf", "photos"):
        glyph = painted_icon(app, name).values()
        brightness = sum(luminance(c) for c in glyph) / len(glyph)
        assert (brightness > 0.6) if light else (brightness < 0.4), (name, brightness)


def test_switching_the_palette_re_tints_icons_already_handed_out(
    app_palette: Callable[[QPalette], None],
) -> None:
    light, dark = light_palette(), dark_palette()
    app_palette(light)
    upload = icon("upload")
    assert solid_colours(upload.pixmap(QSize(24, 24)).toImage()) == {light.color(Role.WindowText).rgb()}
    app_palette(dark)
    assert solid_colours(upload.pixmap(QSize(24, 24)).toImage()) == {dark.color(Role.WindowText).rgb()}


def test_a_disabled_icon_takes_the_disabled_text_colour(app_palette: Callable[[QPalette], None]) -> None:
    palette = dark_palette()
    app_palette(palette)
    image = icon("delete").pixmap(QSize(32, 32), QIcon.Mode.Disabled).toImage()
    assert solid_colours(image) == {palette.color(Group.Disabled, Role.WindowText).rgb()}


def test_icons_render_at_device_pixel_ratio_2_from_the_svg_not_by_scaling_up() -> None:
    folder = icon("folder")
    hidpi = folder.pixmap(QSize(16, 16), 2.0)
    assert hidpi.size() == QSize(32, 32)
    assert hidpi.devicePixelRatio() == 2.0
    sharp = folder.pixmap(QSize(32, 32), 1.0).toImage()
    got = hidpi.toImage()
    got.setDevicePixelRatio(1.0)
    assert got == sharp  # drawn at 32 device pixels, not a 16-pixel image blown up
    # A view on a 2x screen paints through QIcon.paint onto a 2x device: the same pixels.
    canvas = QImage(32, 32, QImage.Format.Format_ARGB32_Premultiplied)
    canvas.setDevicePixelRatio(2.0)
    canvas.fill(0)
    painter = QPainter(canvas)
    folder.paint(painter, QRect(0, 0, 16, 16))
    painter.end()
    canvas.setDevicePixelRatio(1.0)
    assert canvas.convertToFormat(sharp.format()) == sharp


# -- the icon set ----------------------------------------------------------------------
def test_every_file_kind_and_every_named_icon_has_an_svg_that_draws() -> None:
    assert {kind.value for kind in FileKind} <= set(ICON_NAMES)
    for name in ICON_NAMES:
        assert (ROOT / "resources" / "icons" / f"{name}.svg").is_file(), name
        assert icon_path(name) is not None, name
        assert opaque_pixels(icon(name).pixmap(QSize(24, 24)).toImage()) > 20, name
    for kind in FileKind:
        assert kind_icon(kind).name() == kind.value


def test_the_icon_folder_carries_its_licence_and_a_readme() -> None:
    folder = ROOT / "resources" / "icons"
    assert "ISC License" in (folder / "LICENSE").read_text(encoding="utf-8")
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for name in ICON_NAMES:
        assert name in readme, f"{name} is missing from resources/icons/README.md"


def test_a_wheel_puts_the_icons_where_the_loader_looks_first() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mapping = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    target = mapping["resources/icons"]
    assert icons.ICON_DIRS[0] == ROOT / target


def test_an_unknown_icon_is_empty_and_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="spacesgui.qtmodels.icons"):
        assert icon("no-such-icon").isNull()
        assert icon("no-such-icon").isNull()
        assert icon("../pyproject").isNull()
    messages = [r.getMessage() for r in caplog.records]
    assert sum("no-such-icon" in m for m in messages) == 1


def test_a_broken_svg_is_empty_and_does_not_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "broken-test-icon.svg").write_text("<svg this is not xml", encoding="utf-8")
    monkeypatch.setattr(icons, "ICON_DIRS", (tmp_path,))
    with caplog.at_level(logging.WARNING, logger="spacesgui.qtmodels.icons"):
        assert icon("broken-test-icon").isNull()
    assert any("broken-test-icon" in r.getMessage() for r in caplog.records)


def test_a_copy_of_an_icon_that_qt_detaches_keeps_drawing() -> None:
    # addPixmap makes Qt clone the engine; a clone freed too early crashed the process.
    copy = QIcon(icon("info"))
    copy.addPixmap(icon("info").pixmap(QSize(8, 8)), QIcon.Mode.Active)
    del copy
    again = QIcon(icon("info"))
    again.addPixmap(icon("info").pixmap(QSize(8, 8)), QIcon.Mode.Active)
    assert opaque_pixels(again.pixmap(QSize(24, 24)).toImage()) > 20


# -- accounts and transfers ------------------------------------------------------------
def test_accounts_and_spaces_show_their_icons() -> None:
    model = AccountTreeModel()
    account = Account("Work", "digitalocean", "https://ams3.example", "ams3", "KEY", id="a1")
    model.set_accounts([account])
    model.set_buckets("a1", [BucketInfo("media")])
    item = model.account_item("a1")
    assert item is not None
    assert item.icon().name() == "account"
    assert item.child(0).icon().name() == "space"
    model.set_message("a1", "Access denied")
    assert item.child(0).icon().name() == "warning"


def test_transfer_rows_show_direction_kind_and_folder_icons() -> None:
    model = TransferModel()
    group = TransferGroup(Direction.DOWNLOAD, "album", "acct", "bucket", "album/", "/home/me/album")
    model.add_groups([group])
    song = Transfer(Direction.UPLOAD, "acct", "bucket", "music/song.mp3", "/home/me/song.mp3", 10)
    photo = Transfer(
        Direction.DOWNLOAD, "acct", "bucket", "album/a.jpg", "/home/me/album/a.jpg", 10, group_id=group.id
    )
    model.apply([song, photo])

    def shown(row_id: str, column: TransferColumn) -> str:
        decoration = model.index_of(row_id, column).data(DECORATION)
        assert isinstance(decoration, QIcon)
        assert not decoration.pixmap(QSize(16, 16)).isNull()
        return decoration.name()

    assert shown(song.id, TransferColumn.NAME) == "audio"
    assert shown(song.id, TransferColumn.DIRECTION) == "upload"
    assert shown(group.id, TransferColumn.NAME) == "folder"
    assert shown(group.id, TransferColumn.DIRECTION) == "download"
    assert shown(photo.id, TransferColumn.NAME) == "image"
    assert shown(photo.id, TransferColumn.DIRECTION) == "download"
