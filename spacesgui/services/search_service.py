"""Recursive search: one listing of a folder tree on a worker thread, filtered as pages arrive."""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from spacesgui.core.errors import SpacesError
from spacesgui.core.ports import ObjectStore, TreeLister
from spacesgui.core.search import MAX_KEPT, SearchCriteria, SearchFilter, SearchHits, folder_hits
from spacesgui.core.search_folders import MatchingFolders
from spacesgui.services.account_service import AccountService
from spacesgui.services.runner import TaskRunner
from spacesgui.services.tree_listers import default_lister

log = logging.getLogger(__name__)

# New matches and the count reach the GUI at most this often (the first page at once), so
# a million keys make ~100 model appends, not 1,000 — and the GUI thread never stalls.
FLUSH_S = 0.15


@dataclass(frozen=True, slots=True)
class SearchRequest:
    account_id: str
    bucket: str
    prefix: str  # "" for the whole Space
    criteria: SearchCriteria
    max_kept: int = MAX_KEPT


@dataclass(frozen=True, slots=True)
class SearchProgress:
    """Where a search is: objects looked at, matches found (all, kept or not), and new matches."""

    searched: int
    matched: int
    hits: SearchHits = field(default_factory=SearchHits)  # the new matches to show; none past the cap


class SearchService(QObject):
    """Runs searches on worker threads and reports them by search id.

    Signals are emitted on the GUI thread. A search sends `progress` (the first page and
    the first matches at once, then at most every FLUSH_S), then exactly one of `finished` or
    `failed`; after `stop` it sends nothing more and asks the server for no further page
    (the page in flight, if any, is dropped). `lister_for` picks how a store lists a
    tree: the TreeLister port, so a parallel lister can replace the plain one.
    """

    progress = Signal(int, object)  # search id, SearchProgress
    finished = Signal(int, object)  # search id, SearchProgress (totals; no hits)
    failed = Signal(int, object)  # search id, SpacesError

    def __init__(
        self,
        runner: TaskRunner,
        accounts: AccountService,
        parent: QObject | None = None,
        *,
        lister_for: Callable[[ObjectStore], TreeLister] = default_lister,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._accounts = accounts
        self._lister_for = lister_for
        self._ids = itertools.count(1)
        self._stops: dict[int, threading.Event] = {}
        self._working: set[int] = set()  # searches whose worker thread has not returned yet
        self._working_lock = threading.Lock()  # the worker thread takes its id out

    def start(self, request: SearchRequest) -> int:
        """Begin a search; returns the id its signals will carry."""
        search_id = next(self._ids)
        stop = threading.Event()
        self._stops[search_id] = stop
        with self._working_lock:
            self._working.add(search_id)
        self._runner.spawn(self._search(search_id, request, stop), name=f"search-{search_id}")
        return search_id

    def stop(self, search_id: int) -> None:
        """Stop a search: no signal for it and no request for it after this returns."""
        stop = self._stops.pop(search_id, None)
        if stop is not None:
            stop.set()

    async def folders_holding(self, account_id: str, bucket: str, folders: list[str]) -> set[str]:
        """Those of `folders` that anything is still stored in (one short listing each): a
        folder found by its name goes from the results once nothing is left in it."""
        store = await self._accounts.store(account_id)
        return await self._runner.run(lambda: {f for f in folders if store.has_under(bucket, f)})

    def is_working(self, search_id: int) -> bool:
        """Whether the search's worker thread is still running (it may be, briefly, after `stop`)."""
        with self._working_lock:
            return search_id in self._working

    def _work(self, search_id: int, begun: threading.Event, lister: TreeLister, request: SearchRequest,
              stop: threading.Event, post: Callable[[SearchProgress], None]) -> SearchProgress:  # fmt: skip
        """The search itself, on a worker thread; its id leaves `_working` when it returns."""
        begun.set()
        try:
            return _run(lister, request, stop, post)
        finally:
            with self._working_lock:
                self._working.discard(search_id)

    async def _search(self, search_id: int, request: SearchRequest, stop: threading.Event) -> None:
        loop = asyncio.get_running_loop()
        where = f"s3://{request.bucket}/{request.prefix}"

        def emit(progress: SearchProgress) -> None:  # GUI thread
            if not stop.is_set():
                self.progress.emit(search_id, progress)

        batches = _Batches(loop, emit)

        def post(progress: SearchProgress) -> None:  # worker thread
            loop.call_soon_threadsafe(batches.add, progress)

        begun = threading.Event()  # set by the worker: from then on it takes the id out of `_working`
        try:
            log.info("searching %s for %s", where, request.criteria.describe())
            store = await self._accounts.store(request.account_id)
            lister = self._lister_for(store)
            total = await self._runner.run(self._work, search_id, begun, lister, request, stop, post)
        except asyncio.CancelledError:
            stop.set()  # the app is closing: the worker ends after its page, not after the tree
            raise
        except SpacesError as exc:
            log.warning("search of %s failed: %s", where, exc.detail or exc.message)
            batches.flush()  # what was found before the failure stays shown
            if not stop.is_set():
                self.failed.emit(search_id, exc)
            return
        except Exception as exc:  # a bug or an answer nobody foresaw: say so, never hang the panel
            if self._runner.closing:  # ended by quitting (see runner.loop_stopped): nobody waits
                log.debug("search of %s ended by quitting: %r", where, exc)
                return
            log.exception("search of %s failed unexpectedly", where)
            if not stop.is_set():
                self.failed.emit(search_id, SpacesError(f"The search failed unexpectedly: {exc}"))
            return
        finally:
            batches.cancel()
            self._stops.pop(search_id, None)
            if not begun.is_set():
                with self._working_lock:
                    self._working.discard(search_id)
        if stop.is_set():
            log.info("search of %s stopped after %d objects", where, total.searched)
            return
        log.info("search of %s: %d matches in %d objects", where, total.matched, total.searched)
        batches.flush()  # the worker's last posts ran before this task resumed: none is left behind
        self.finished.emit(search_id, total)


def _run(
    lister: TreeLister,
    request: SearchRequest,
    stop: threading.Event,
    post: Callable[[SearchProgress], None],
) -> SearchProgress:
    """List and filter until the tree ends or `stop` is set; return the totals. Worker thread.

    Every page is posted with the totals so far and its own new matches; `_Batches` on the
    GUI thread gathers them, so matches never wait here for a page that is slow to come.
    """
    matcher = SearchFilter(request.criteria, request.prefix)
    folder_test = matcher.folder_test()
    folders = MatchingFolders(folder_test, request.prefix) if folder_test is not None else None
    searched = matched = kept = 0
    if stop.is_set():  # stopped (or the app closed) before a worker was free: send nothing
        return SearchProgress(0, 0)
    for page in lister.iter_tree(request.bucket, request.prefix):
        if stop.is_set():
            break  # the page in flight when Stop came: not shown
        hits = matcher.matches(page)
        if folders is not None and (found := folders.found_in(page.keys)):
            hits.extend(folder_hits(found))
        searched += len(page.keys)
        matched += len(hits)
        room = request.max_kept - kept
        taken = SearchHits()
        if room > 0 and hits:
            taken = hits if len(hits) <= room else hits.take(room)
            kept += len(taken)
        post(SearchProgress(searched, matched, taken))
        if stop.is_set():
            break  # before asking for the next page: no request after Stop
    return SearchProgress(searched, matched)


class _Batches:
    """Gathers a search's pages on the GUI thread and emits them at most every FLUSH_S.

    The first page's count and the first matches go out at once; later ones within FLUSH_S
    of the last emit wait on a timer, never on the next page: a folder that is slow to
    answer (held by the server, far away) must not hide the matches already found.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, emit: Callable[[SearchProgress], None]) -> None:
        self._loop = loop
        self._emit = emit
        self._searched = self._matched = 0  # the totals of the latest page
        self._hits = SearchHits()
        self._unsent = False
        self._shown_any = False
        self._last_emit = -math.inf
        self._timer: asyncio.TimerHandle | None = None

    def add(self, progress: SearchProgress) -> None:
        self._searched, self._matched = progress.searched, progress.matched
        self._hits.extend(progress.hits)
        self._unsent = True
        if self._timer is not None:
            return
        wait = self._last_emit + FLUSH_S - time.monotonic()
        if wait <= 0 or (len(self._hits) > 0 and not self._shown_any):
            self.flush()
        else:
            self._timer = self._loop.call_later(wait, self.flush)

    def flush(self) -> None:
        """Emit what has come since the last emit, if anything."""
        self.cancel()
        if not self._unsent:
            return
        hits, self._hits, self._unsent = self._hits, SearchHits(), False
        self._shown_any = self._shown_any or len(hits) > 0
        self._last_emit = time.monotonic()
        self._emit(SearchProgress(self._searched, self._matched, hits))

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
