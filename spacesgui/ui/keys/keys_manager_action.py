"""File → Keys Manager… (Ctrl+K): builds the Keys Manager window on first use and raises it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from spacesgui.services.keys_service import KeysService
from spacesgui.ui.keys.keys_manager import KeysManager

Spawner = Callable[[Awaitable[None]], object]


class KeysManagerAction(QObject):
    """Owns the one Keys Manager window of a main window. GUI thread only.

    `on_removed(account_id, name)` is called when an account is removed there (the
    browser leaves its places); `on_added(account_id)` when one is added with Add… (the
    browser opens it, as File → Add Account… does); `on_built(manager)` lets the app add buttons to its
    extra row (Import…, DigitalOcean keys…) once the window exists.
    """

    def __init__(
        self,
        keys: KeysService,
        spawn: Spawner,
        parent: QWidget,
        on_removed: Callable[[str, str], None],
        on_added: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._keys, self._spawn, self._parent, self._on_removed = keys, spawn, parent, on_removed
        self._on_added = on_added
        self.window: KeysManager | None = None
        self.on_built: list[Callable[[KeysManager], None]] = []

    def open(self) -> KeysManager:
        if self.window is None:
            self.window = KeysManager(self._keys, self._spawn, self._parent)
            self.window.account_removed.connect(self._on_removed)
            if self._on_added is not None:
                self.window.account_added.connect(self._on_added)
            for build in self.on_built:
                build(self.window)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        return self.window
