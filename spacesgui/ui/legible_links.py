"""The application palette's link colours, kept legible on windows and views.

A dark theme that sets no Link colour leaves Qt's #0000ff: 1.4:1 on a dark grey, so the
links of Space Settings' Overview and of the dialogs could not be read. Whenever the
palette changes, a link colour that does not reach WCAG AA on the window and the views is
moved toward the text colour until it does; a legible one is left as the theme chose it.
GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QGuiApplication, QPalette

from spacesgui.core.contrast import legible
from spacesgui.qtmodels.legible_colors import qcolor, rgb

Role = QPalette.ColorRole
LINK_ROLES = (Role.Link, Role.LinkVisited)


def legible_links(palette: QPalette) -> QPalette | None:
    """`palette` with legible link colours, or None when they are legible already."""
    backgrounds = [rgb(palette.color(Role.Window)), rgb(palette.color(Role.Base))]
    text = rgb(palette.color(Role.WindowText))
    fixed = QPalette(palette)
    changed = False
    for role in LINK_ROLES:
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            now = rgb(palette.color(group, role))
            better = legible(now, text, backgrounds)
            if better != now:
                fixed.setColor(group, role, qcolor(better))
                changed = True
    return fixed if changed else None


class LegibleLinks(QObject):
    """Watches the application's palette; see the module docstring. One per application."""

    def __init__(self, app: QGuiApplication) -> None:
        super().__init__(app)
        self.setObjectName("legibleLinks")
        app.installEventFilter(self)
        self.fix()

    @classmethod
    def install(cls, app: QGuiApplication) -> LegibleLinks:
        return app.findChild(cls, "legibleLinks") or cls(app)

    def fix(self) -> None:
        fixed = legible_links(QGuiApplication.palette())
        if fixed is not None:  # a palette whose links are legible changes nothing: no loop
            QGuiApplication.setPalette(fixed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.ApplicationPaletteChange:
            self.fix()
        return False
