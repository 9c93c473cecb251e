"""Opening what is typed in the path bar (Ctrl+L): a folder, a file's folder with the file
selected, or a plain message saying why not.

A typed `s3://space/a/b` may name a file or a folder; one HEAD (and a page of listing) tells
which before anything opens. GUI thread only.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Awaitable, Callable
from typing import Protocol

from spacesgui.core.errors import SpacesError
from spacesgui.core.history import Place
from spacesgui.core.keys import Location
from spacesgui.core.typed_location import parse_typed
from spacesgui.services.account_service import AccountService
from spacesgui.services.browser_service import BrowserService

# Lenient on purpose: old AWS buckets may have capitals or underscores.
VALID_PATH_BUCKET = re.compile(r"^[A-Za-z0-9._-]{1,255}$")


class PathHost(Protocol):
    """What the window gives: where it is, how to go somewhere, how to say something."""

    @property
    def place(self) -> Place | None: ...

    def navigate(self, place: Place, *, record: bool = True) -> None: ...

    def reveal(self, place: Place, key: str) -> None: ...

    def show_error(self, error: SpacesError) -> None: ...

    def show_message(self, text: str, *, level: str = "info") -> None: ...

    def spawn(self, coro: Awaitable[object]) -> object: ...

    def focus_rows(self) -> object: ...


class TypedPaths:
    """Opens typed paths for `host`; `current_account_id` is the account chosen on the left
    when no place is open (a path is typed into an account)."""

    def __init__(
        self, host: PathHost, accounts: AccountService, browser: BrowserService,
        current_account_id: Callable[[], str],
    ) -> None:  # fmt: skip
        self._host, self._accounts, self._browser = host, accounts, browser
        self._current_account_id = current_account_id

    def open(self, text: str) -> None:
        host = self._host
        account_id = host.place.account_id if host.place else self._current_account_id()
        endpoint = ""
        if account_id:
            with contextlib.suppress(KeyError):
                endpoint = self._accounts.account(account_id).endpoint_url
        try:
            typed = parse_typed(text, endpoint)
        except SpacesError as exc:
            host.show_error(exc)
            return
        location = typed.location
        if location.bucket and not VALID_PATH_BUCKET.match(location.bucket):
            host.show_message(
                f"<b>Not a Space name.</b> “{location.bucket}” cannot be a Space: names use only letters, "
                "digits, dots, hyphens and underscores. Type a path like s3://my-space/folder/.",
                level="error",
            )
            return
        if not account_id:
            host.show_message("Add an account first, then type a path in it.", level="info")
            return
        place = Place(account_id, location.bucket, location.prefix)
        if typed.or_object:
            host.spawn(self._open_file_or_folder(place, typed.or_object))
            return
        if typed.select:
            host.reveal(place, typed.select)
        else:
            host.navigate(place)
        host.focus_rows()  # the keys a user types next (arrows, Delete, F2) are for the rows

    async def _open_file_or_folder(self, folder: Place, key: str) -> None:
        """Open `key`'s folder with it selected if it is a file, else the folder `folder`."""
        host = self._host
        before = host.place
        host.show_message(f"Opening s3://{html.escape(folder.bucket)}/{html.escape(key)}…", level="info")
        try:
            is_file = await self._browser.names_a_file(folder.account_id, folder.bucket, key)
        except (SpacesError, KeyError):  # KeyError: the account was removed meanwhile
            is_file = False  # the folder's listing says what is wrong, in its own words
        if host.place != before:
            return  # the user went elsewhere meanwhile
        if is_file:
            above = Location(folder.bucket, key).parent()
            host.reveal(Place(folder.account_id, above.bucket, above.prefix), key)
        else:
            host.navigate(folder)
