"""The application's own icon (resources/app): the window, every dialog and the About box."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon

_PACKAGE = Path(__file__).resolve().parent.parent
# An installed wheel or bundle carries the icon inside the package; a checkout has it at the top.
APP_ICON_DIRS = (_PACKAGE / "_resources" / "app", _PACKAGE.parent / "resources" / "app")
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon_dir() -> Path | None:
    """The folder holding spacesgui.svg and the rendered PNGs, or None when none has it."""
    for folder in APP_ICON_DIRS:
        if (folder / "spacesgui.svg").is_file():
            return folder
    return None


@cache
def app_icon() -> QIcon:
    """The app icon: every PNG size (crisp at small sizes) plus the SVG for the rest."""
    folder = app_icon_dir()
    made = QIcon()
    if folder is None:
        return made
    for size in PNG_SIZES:
        png = folder / f"spacesgui-{size}.png"
        if png.is_file():
            made.addFile(str(png))
    made.addFile(str(folder / "spacesgui.svg"))
    return made
