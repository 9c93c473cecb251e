"""Whether an empty-looking folder is there at all: a mistyped path lists nothing, as an
empty folder does.

S3 has no folders. "photos/nope/" lists nothing whether New Folder made it (a placeholder
object named "photos/nope/") or nothing was ever stored under it. After a listing that
found nothing, one HEAD of the placeholder tells the two apart, so the view can say
"nothing is stored here" to someone who typed a path wrong, rather than "this folder is
empty", which reads as if their files were gone. GUI thread only.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from spacesgui.core.errors import SpacesError
from spacesgui.core.history import Place
from spacesgui.services.browser_service import BrowserService

log = logging.getLogger(__name__)


class FolderPresence:
    """`unstored`: the last folder found to hold nothing and to have no placeholder."""

    def __init__(
        self, browser: BrowserService, spawn: Callable[[Awaitable[None]], object],
        current: Callable[[], Place | None], changed: Callable[[], None],
    ) -> None:  # fmt: skip
        self._browser, self._spawn, self._current, self._changed = browser, spawn, current, changed
        self.unstored: Place | None = None
        self.looked: Place | None = None  # the last folder asked about, once answered (tests)

    def listed(self, place: Place, empty: bool) -> None:
        """`place` was listed whole; `empty`: it holds nothing. Ask about its placeholder then."""
        if empty and place.prefix:
            self._spawn(self._look(place))
        elif self.unstored == place:
            self.unstored = None  # something is stored there now

    async def _look(self, place: Place) -> None:
        try:
            marked = await self._browser.folder_marked(place.account_id, place.bucket, place.prefix)
        except SpacesError as exc:  # unknown: "This folder is empty" stays, which may be so
            log.info("could not tell whether %s exists: %s", place.prefix, exc.message)
            return
        self.looked = place
        if self._current() != place:
            return
        self.unstored = None if marked else place
        self._changed()
