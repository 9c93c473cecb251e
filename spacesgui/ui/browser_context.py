"""What an action module needs of the window, and nothing more.

Action modules (object operations, transfers, Space commands) used to take the whole
MainWindow and reach into it; they take a BrowserContext instead, so they can be built
and tested without the window, and the window imports them without an import circle.
MainWindow implements it. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from PySide6.QtWidgets import QWidget

from spacesgui.core.access import AccessState
from spacesgui.core.accounts import Account
from spacesgui.core.errors import SpacesError
from spacesgui.core.history import Place
from spacesgui.core.listing import ObjectRef


class BrowserContext(Protocol):
    @property
    def place(self) -> Place | None:
        """The open place (account, Space, folder), or None."""
        ...

    def selected_refs(self) -> list[ObjectRef]:
        """The selected rows of the object view, top to bottom."""
        ...

    def known_access(self, key: str) -> AccessState:
        """What the Access column has read of the file `key` (UNKNOWN when nothing yet)."""
        ...

    def account_of(self, account_id: str) -> Account:
        """The account with this id (KeyError when it is gone)."""
        ...

    def spawn(self, coro: Awaitable[object]) -> object:
        """Run a coroutine on the event loop; a SpacesError it raises is shown in the banner."""
        ...

    def show_error(self, error: SpacesError) -> None: ...

    def show_message(
        self, text: str, *, level: str = "info", action: str = "", on_action: Callable[[], None] | None = None
    ) -> None:
        """A message in the banner above the objects (rich text; `action` adds a button)."""
        ...

    def refresh_loaded(self, prefixes: set[str]) -> None:
        """List again the loaded folders among `prefixes` of the open Space (after a change)."""
        ...

    def expect_new(self, keys: list[str]) -> None:
        """The user pasted these rows here: select them as they appear."""
        ...

    def expect_gone(self, keys: list[str]) -> None:
        """The user deleted these rows: once they go, select the row that takes their place."""
        ...

    def dialog_parent(self) -> QWidget:
        """The widget dialogs open over."""
        ...
