"""One Space settings window per Space: opening it again brings the open one to the front."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from spacesgui.services.space_settings_service import SpaceSettingsService
from spacesgui.ui.settings.settings_section import SpaceContext, Spawner
from spacesgui.ui.settings.space_settings_window import SpaceSettingsWindow

# Pages to add to each new window (name, page), such as Permissions and CORS in place of
# their placeholders.
SectionMaker = Callable[[SpaceContext], list[tuple[str, QWidget]]]


class SpaceSettingsWindows(QObject):
    """Opens and keeps the settings windows of a main window. GUI thread only."""

    def __init__(
        self,
        service: SpaceSettingsService,
        spawn: Spawner,
        parent: QWidget,
        extra_sections: SectionMaker | None = None,
    ) -> None:
        super().__init__(parent)
        self._service, self._spawn, self._parent = service, spawn, parent
        self._extra_sections = extra_sections
        self._windows: dict[tuple[str, str], SpaceSettingsWindow] = {}

    def open(self, account_id: str, bucket: str) -> SpaceSettingsWindow:
        """Show the settings of `bucket`: its open window, raised, or a new one that reads them."""
        key = (account_id, bucket)
        window = self._windows.get(key)
        if window is not None:
            window.showNormal()
            window.raise_()
            window.activateWindow()
            return window
        window = SpaceSettingsWindow(self._service, self._spawn, account_id, bucket, self._parent)
        if self._extra_sections is not None:
            for name, page in self._extra_sections(window.context):
                window.add_section(name, page)
        window.closed.connect(lambda: self._windows.pop(key, None))
        self._windows[key] = window
        window.show()
        window.reload()
        return window

    def window(self, account_id: str, bucket: str) -> SpaceSettingsWindow | None:
        return self._windows.get((account_id, bucket))

    def open_windows(self) -> list[SpaceSettingsWindow]:
        return list(self._windows.values())
