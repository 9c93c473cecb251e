"""Listings and Space management, streamed to the GUI thread as pages arrive."""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from spacesgui.core.activity import ActivityAction
from spacesgui.core.errors import Cancelled, SpacesError
from spacesgui.core.listing import ListingPage
from spacesgui.core.naming import check_bucket_name
from spacesgui.core.ports import DeletedObjectLister, ObjectStore
from spacesgui.services.account_service import AccountService
from spacesgui.services.deleted_listings import DeletedListings
from spacesgui.services.runner import TaskRunner

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ListingRequest:
    account_id: str
    bucket: str
    prefix: str
    deleted: bool = False  # then the deleted files and folders follow the live ones (versioned Spaces)
    # A refresh nobody asked for (the timer, the window's focus): the deleted files may come
    # from the folder's last listing when no live file went away (see deleted_listings).
    automatic: bool = False


def live_only(page: ListingPage, folders: set[str], keys: set[str]) -> ListingPage:
    """A deleted page without what the live listing of the same folder already showed."""
    result = ListingPage(deleted=True)
    result.folders = [f for f in page.folders if f not in folders]
    for entry in page.objects():
        if entry.key not in keys:
            result.add_object(entry)
    return result


class BrowserService(QObject):
    """Starts listings on worker threads and reports their pages by listing id.

    Signals are emitted on the GUI thread. A listing's pages arrive in key order, then
    exactly one of `listing_finished` or `listing_failed` (none after `cancel_listing`).
    A request for deleted files too gets the live pages first, then the `deleted` pages
    (in key order among themselves), none of them repeating a live folder or key.
    """

    listing_page = Signal(int, object)  # listing id, ListingPage
    listing_finished = Signal(int)  # listing id
    listing_failed = Signal(int, object)  # listing id, SpacesError
    warning = Signal(str)  # something a person should know that is not an error

    def __init__(self, runner: TaskRunner, accounts: AccountService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._accounts = accounts
        self._ids = itertools.count(1)
        self._stops: dict[int, threading.Event] = {}
        self.deleted_page_size = 1000  # ListObjectVersions' MaxKeys (tests cross pages with less)
        self._deleted_seen = DeletedListings()

    def start_listing(self, request: ListingRequest) -> int:
        """Begin listing `request`'s prefix; returns the id its signals will carry."""
        listing_id = next(self._ids)
        stop = threading.Event()
        self._stops[listing_id] = stop
        self._runner.spawn(self._list(listing_id, request, stop), name=f"listing-{listing_id}")
        return listing_id

    def cancel_listing(self, listing_id: int) -> None:
        stop = self._stops.pop(listing_id, None)
        if stop is not None:
            stop.set()

    def is_listing(self, listing_id: int) -> bool:
        return listing_id in self._stops

    async def _list(self, listing_id: int, request: ListingRequest, stop: threading.Event) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # stepped while the app quits (see runner.loop_stopped)
            log.debug(
                "listing of s3://%s/%s not started: the app is quitting", request.bucket, request.prefix
            )
            self._stops.pop(listing_id, None)
            return

        def deliver(page: ListingPage) -> None:  # GUI thread
            if not stop.is_set():
                self.listing_page.emit(listing_id, page)

        def on_warning(message: str) -> None:  # worker thread
            loop.call_soon_threadsafe(self.warning.emit, message)

        def produce(store: ObjectStore) -> None:  # worker thread
            lister = store if request.deleted and isinstance(store, DeletedObjectLister) else None
            folders: set[str] = set()
            keys: set[str] = set()
            for page in store.iter_listing(request.bucket, request.prefix, on_warning=on_warning):
                if stop.is_set():
                    raise Cancelled("listing cancelled")
                if lister is not None:
                    folders.update(page.folders)
                    keys.update(page.keys)
                loop.call_soon_threadsafe(deliver, page)
            if lister is not None:
                produce_deleted(lister, folders, keys)

        def produce_deleted(lister: DeletedObjectLister, folders: set[str], keys: set[str]) -> None:
            """The deleted pages, without the folders and keys listed live. Worker thread."""
            folder = (request.account_id, request.bucket, request.prefix)
            live_folders, live_keys = set(folders), keys
            remembered = self._deleted_seen.reusable(folder, folders, keys) if request.automatic else None
            listed: list[ListingPage] | None = []  # None once too many to remember
            names = len(folders) + len(keys)
            try:
                pages = (
                    lister.iter_deleted(request.bucket, request.prefix, self.deleted_page_size)
                    if remembered is None
                    else remembered  # none at all is an answer too
                )
                for page in pages:
                    if stop.is_set():
                        raise Cancelled("listing cancelled")
                    names += len(page)
                    if listed is not None:
                        listed.append(page)
                        if not self._deleted_seen.fits(names):
                            listed = None
                    shown = live_only(page, folders, keys)
                    folders.update(shown.folders)  # a prefix may come back on a later page
                    if len(shown):
                        loop.call_soon_threadsafe(deliver, shown)
            except Cancelled:
                raise
            except SpacesError as error:  # the live files are listed: say what is missing
                self._deleted_seen.forget(folder)
                log.warning("deleted files of s3://%s/%s: %s", request.bucket, request.prefix, error)
                on_warning(
                    f"The deleted files in s3://{request.bucket}/{request.prefix} could not all be "
                    f"listed: {error.message}"
                )
                return
            if remembered is None and listed is not None:
                self._deleted_seen.remember(folder, live_folders, live_keys, listed)

        try:
            store = await self._accounts.store(request.account_id)
            await self._runner.run(produce, store)
        except Cancelled:
            return
        except SpacesError as exc:
            if not stop.is_set():
                self.listing_failed.emit(listing_id, exc)
            return
        except Exception as exc:  # a bug or a server answer nobody foresaw: never hang the folder
            if self._runner.closing:  # cancelled by quitting: nobody is waiting for it
                log.debug("listing s3://%s/%s ended by quitting: %r", request.bucket, request.prefix, exc)
                return
            log.exception("listing s3://%s/%s failed unexpectedly", request.bucket, request.prefix)
            if not stop.is_set():
                self.listing_failed.emit(listing_id, SpacesError(f"Listing failed unexpectedly: {exc}"))
            return
        finally:
            self._stops.pop(listing_id, None)
        if not stop.is_set():
            self.listing_finished.emit(listing_id)

    async def create_bucket(self, account_id: str, name: str, region: str) -> bool:
        """Create a Space; True when this account's endpoint can open it (same region)."""
        with self._accounts.activity.recording(account_id, name, name, ActivityAction.CREATE_SPACE, region):
            check_bucket_name(name)
            browsable = await self._accounts.create_bucket(account_id, name, region)
        log.info("created Space %s in %s", name, region)
        return browsable

    async def names_a_file(self, account_id: str, bucket: str, key: str) -> bool:
        """Whether `key` (a path typed without a final slash) is a file rather than a folder:
        an object `key` exists and no folder `key/` holds anything (the folder wins when both
        do, as a typed path has always opened a folder). Raises what the server said."""
        store = await self._accounts.store(account_id)

        def look() -> bool:  # worker thread: a HEAD, then one listing page only for a file
            if store.head_object(bucket, key) is None:
                return False
            return next(iter(store.iter_objects(bucket, key + "/")), None) is None

        return await self._runner.run(look)

    async def folder_marked(self, account_id: str, bucket: str, prefix: str) -> bool:
        """Whether the folder `prefix` has its placeholder object (New Folder's, or another
        tool's): what tells an empty folder from a path where nothing is stored."""
        store = await self._accounts.store(account_id)
        return await self._runner.run(lambda: store.head_object(bucket, prefix) is not None)

    async def delete_bucket(self, account_id: str, name: str) -> None:
        with self._accounts.activity.recording(account_id, name, name, ActivityAction.DELETE_SPACE):
            store = await self._accounts.store(account_id)
            await self._runner.run(store.delete_bucket, name)
        log.info("deleted Space %s", name)
