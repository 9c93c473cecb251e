"""The app's icons: bundled Lucide SVGs, tinted to the palette and drawn crisp at any scale.

    from spacesgui.qtmodels.icons import icon, kind_icon
    action.setIcon(icon("upload"))
    kind_icon(file_kind("cat.jpg"))

Names (one SVG each in resources/icons/, named by role; see its README to add one):

- file kinds (the values of core.filetypes.FileKind): ``folder``, ``image``, ``video``,
  ``audio``, ``text``, ``code``, ``archive``, ``pdf``, ``spreadsheet``, ``file``; also
  ``folder-open``
- places: ``space`` (a bucket), ``account``
- actions: ``upload``, ``download``, ``new-folder``, ``delete``, ``share``, ``info``,
  ``refresh``, ``back``, ``forward``, ``up``, ``pause``, ``resume``, ``cancel``, ``retry``,
  ``clear``, ``reveal``, ``settings``, ``copy``, ``move``, ``cut``, ``paste``, ``rename``,
  ``access``
- messages: ``warning``, ``error``

Every glyph is one colour. It is painted in the application palette's WindowText colour
(Disabled mode: the Disabled group's; Selected mode: HighlightedText), worked out at paint
time, so an icon handed out before the palette changed re-tints itself: switching light and
dark needs no reloading. Each icon renders its SVG once per pixel size, colour and scale and
keeps the pixmap until the palette changes; a view that paints a thousand rows of the same
kind draws one cached pixmap a thousand times.

An unknown name, or a missing or broken file, gives an empty QIcon (logged once), never an
error: a missing icon must not take a window down.

GUI thread only (QPixmap), and only once a QGuiApplication exists.
"""

from __future__ import annotations

import logging
from pathlib import Path

import shiboken6
from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from spacesgui.core.filetypes import FileKind

log = logging.getLogger(__name__)

ICON_NAMES: tuple[str, ...] = (
    *(kind.value for kind in FileKind),
    "folder-open",
    "space",
    "account",
    "upload",
    "download",
    "new-folder",
    "delete",
    "share",
    "info",
    "refresh",
    "back",
    "forward",
    "up",
    "pause",
    "resume",
    "cancel",
    "retry",
    "clear",
    "reveal",
    "settings",
    "copy",
    "move",
    "cut",
    "paste",
    "rename",
    "access",
    "warning",
    "error",
)

_PACKAGE = Path(__file__).resolve().parent.parent
# An installed wheel carries the icons inside the package (pyproject.toml force-includes
# them); a source checkout has them at the top of the repository.
ICON_DIRS = (_PACKAGE / "_resources" / "icons", _PACKAGE.parent / "resources" / "icons")

# Pixmaps kept per icon before the oldest are dropped: a few sizes x scales x modes.
_MAX_PIXMAPS = 24

_icons: dict[str, QIcon] = {}
_missing: set[str] = set()
_clones: list[TintedSvgEngine] = []  # see TintedSvgEngine.clone


def icon_path(name: str) -> Path | None:
    """The SVG file of icon `name`, or None when no icon folder has it."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    for folder in ICON_DIRS:
        path = folder / f"{name}.svg"
        if path.is_file():
            return path
    return None


def icon(name: str) -> QIcon:
    """The icon called `name` (see the module docstring), or an empty QIcon if there is none."""
    cached = _icons.get(name)
    if cached is not None:
        return cached
    if name in _missing:
        return QIcon()
    engine = _load(name)
    if engine is None:
        _missing.add(name)
        return QIcon()
    made = QIcon(engine)
    _icons[name] = made
    return made


def kind_icon(kind: FileKind) -> QIcon:
    """The icon of a file kind (FileKind.FOLDER: a folder)."""
    return icon(kind.value)


def _load(name: str) -> TintedSvgEngine | None:
    path = icon_path(name)
    if path is None:
        log.warning("no icon called %r in %s", name, " or ".join(str(d) for d in ICON_DIRS))
        return None
    try:
        svg = path.read_bytes()
    except OSError as error:
        log.warning("cannot read icon %s: %s", path, error)
        return None
    engine = TintedSvgEngine(name, svg)
    if not engine.is_valid():
        log.warning("icon %s is not an SVG Qt can draw", path)
        return None
    return engine


# (colour group, role) per icon mode; looked up on every paint, so worked out once here.
_TINTS = {
    QIcon.Mode.Normal: (QPalette.ColorGroup.Normal, QPalette.ColorRole.WindowText),
    QIcon.Mode.Active: (QPalette.ColorGroup.Normal, QPalette.ColorRole.WindowText),
    QIcon.Mode.Selected: (QPalette.ColorGroup.Normal, QPalette.ColorRole.HighlightedText),
    QIcon.Mode.Disabled: (QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText),
}


def tint(mode: QIcon.Mode, palette: QPalette | None = None) -> QColor:
    """The colour an icon in `mode` is painted in (from the application palette by default)."""
    palette = palette if palette is not None else QGuiApplication.palette()
    group, role = _TINTS.get(mode, _TINTS[QIcon.Mode.Normal])
    return palette.color(group, role)


class TintedSvgEngine(QIconEngine):
    """Paints one single-colour SVG in the palette's colour, rendered for the exact pixel size.

    Qt calls these methods on the GUI thread, from C++: none may raise (an exception
    escaping a Qt virtual can abort the process), so failures paint nothing instead.
    """

    def __init__(self, name: str, svg: bytes) -> None:
        super().__init__()
        self._name = name
        self._svg = svg
        # Drawn in black, then coloured with SourceIn: one parse serves every colour.
        self._renderer = QSvgRenderer(QByteArray(svg.replace(b"currentColor", b"#000000")))
        self._pixmaps: dict[tuple[int, int, int], QPixmap] = {}
        self._palette_key = 0
        self._failed = False

    def is_valid(self) -> bool:
        return self._renderer.isValid()

    # -- QIconEngine ----------------------------------------------------------
    def clone(self) -> QIconEngine:
        """A copy for a QIcon that detaches (addPixmap, addFile, setIsMask on a copy of ours).

        PySide gives the engine a Python override returns to C++ without giving C++ the
        Python wrapper: unreferenced, it is freed while the QIcon still uses it (a crash).
        So copies are kept here until Qt deletes them, which invalidates the wrapper.
        """
        _clones[:] = [c for c in _clones if shiboken6.isValid(c)]
        copy = TintedSvgEngine(self._name, self._svg)
        _clones.append(copy)
        return copy

    def key(self) -> str:
        return "spacesgui-tinted-svg"

    def iconName(self) -> str:
        return self._name

    def isNull(self) -> bool:
        return False

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        # Square glyphs: the largest square that fits.
        side = min(size.width(), size.height())
        return QSize(side, side)

    def availableSizes(
        self, mode: QIcon.Mode = QIcon.Mode.Normal, state: QIcon.State = QIcon.State.Off
    ) -> list[QSize]:
        return []  # scalable

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        try:
            device = painter.device()
            scale = device.devicePixelRatioF() if device is not None else 1.0
            side = min(rect.width(), rect.height())
            if side <= 0:
                return
            pixmap = self.scaledPixmap(QSize(side, side), mode, state, scale)
            target = QRect(0, 0, side, side)
            target.moveCenter(rect.center())
            painter.drawPixmap(target, pixmap)
        except Exception:
            self._log_failure()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        """A pixmap of logical size `size` (square) with `scale` device pixels per pixel."""
        try:
            palette = QGuiApplication.palette()
            side = min(size.width(), size.height())
            return self._pixmap(side, tint(mode, palette), scale, palette.cacheKey())
        except Exception:
            self._log_failure()
            return QPixmap()

    # -- rendering ------------------------------------------------------------
    def _pixmap(self, logical_side: int, colour: QColor, scale: float, palette_key: int) -> QPixmap:
        key = (logical_side, round(scale * 100), colour.rgba())
        cached = self._pixmaps.get(key)
        if cached is not None and palette_key == self._palette_key:
            return cached
        if palette_key != self._palette_key or len(self._pixmaps) >= _MAX_PIXMAPS:
            self._pixmaps.clear()  # drawn for another palette, or too many sizes
            self._palette_key = palette_key
        pixmap = QPixmap.fromImage(self._render(max(1, round(logical_side * scale)), colour))
        pixmap.setDevicePixelRatio(scale)
        self._pixmaps[key] = pixmap
        return pixmap

    def _render(self, side: int, colour: QColor) -> QImage:
        image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._renderer.render(painter, QRectF(0, 0, side, side))
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        painter.fillRect(image.rect(), colour)
        painter.end()
        return image

    def _log_failure(self) -> None:
        if not self._failed:
            self._failed = True
            log.exception("drawing icon %r failed (logged once)", self._name)
