"""One listing of a big prefix as many ListObjectsV2 requests at once, merged back in key order (or not).

Over the internet every page of a listing costs a round trip, so a folder of a million
keys takes minutes when its pages are asked for one after the other. Here the first page
is asked for alone (it comes first and as fast as ever); if it says there is more, the
rest of the key range is cut into pieces `(after, upto]` (core.key_ranges), each listed
with StartAfter on a worker thread of its own, and a piece whose page comes back
truncated before its end proves dense and is cut again while workers are free. A page
runs on past its piece's end (MaxKeys names from StartAfter, wherever they are): those
names list the later pieces not yet asked for, so an empty piece (a gap) or one already
covered costs no request of its own. Pages are
handed on strictly in key order, so every consumer sees exactly what a sequential
listing gives; or, for a consumer that does not need the order (`ordered=False`: a search,
whose first match may lie deep in the key order), each as soon as it is in, the pieces
then asked for in turn (the one asked least recently first) so that every part of the key
range moves at once.

With a delimiter a folder's keys may straddle a cut. Each folder (CommonPrefix) belongs to
the piece whose range holds its own name: the piece after a cut inside a folder sees the
folder again (its name is at or before the piece's StartAfter, which starts with it) and
drops it; every other name at or before StartAfter means the server ignored StartAfter.

Never silently wrong: every name must start with the prefix, come in order and lie after
its piece's StartAfter; a server that breaks any of that, or its continuation tokens,
gets the listing done again sequentially (`sequential`, which knows ListObjects v1),
skipping what was already handed on (each piece's names from its start up to the greatest
it handed on), with a log line. 503 Slow Down (seen on any attempt,
including those botocore retries) halves how many requests are in flight
(core.adaptive_limit); clean answers let it creep back up.

Only where it pays: parallel pieces cost more requests than pages (a piece past the end,
a page cut short), and a server answering from its own CPU (a local MinIO or rclone, a
directory scan per request) only slows down when asked more at once. So pages go one after
another while they come back fast (`parallel_after_s`: a LAN or local server); the listing
turns parallel once pages prove slow, the round trip to a distant server dominating.

Threads: the generator runs on the caller's worker thread and does all the bookkeeping;
the pool's threads only send requests. No request starts for a piece past the one being
handed on while `MAX_WAITING_PAGES` pages are kept ahead of it (so at most that plus the
requests in flight are ever kept); closing the generator cancels what has not
started and waits for the requests in flight (bounded by the client's read timeout).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from spacesgui.core.adaptive_limit import AdaptiveLimit
from spacesgui.core.errors import Throttled
from spacesgui.core.key_ranges import split_points

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

log = logging.getLogger(__name__)

Call = Callable[[str, str, Callable[[], Any]], Any]  # the store's `_call`: error mapping, retries
Splitter = Callable[[str, str, "str | None", Sequence[str], int], list[str]]  # core.key_ranges.split_points

# Requests in flight at most for one listing; the app's connection pool holds 16.
MAX_IN_FLIGHT = 16
# Pages listed ahead of the one being handed on, kept at most (~0.5 MB each at 1,000 keys).
MAX_WAITING_PAGES = 32
# Pieces not yet listed to the end, at most (each a few hundred bytes).
MAX_PIECES = 4 * MAX_IN_FLIGHT
# A piece refused as throttled this many times in a row (each after botocore's own
# retries) fails the listing, as a sequential one would have failed at once.
MAX_THROTTLED_TRIES = 6
THROTTLE_PAUSE_S = 0.25  # the first wait after a refusal; doubles, jittered
# Pages answered faster than this (the median of the last few) go on one after another: a
# local or LAN server lists 1,000 names in 10-40 ms, a Space over the internet in 100-300 ms.
SLOW_PAGE_S = 0.05
PACE_PAGES = 3  # pages the median is taken over
_THROTTLE_STATUSES = {429, 503}
_THROTTLE_CODES = {"SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequests"}
_HOOK_ID = "spacesgui-parallel-listing-throttle"


class _Misbehaving(Exception):
    """The server's answers to StartAfter or continuation tokens cannot be trusted."""


@dataclass(frozen=True, slots=True)
class ListingStats:
    """What one listing did: for logs, tests and the bench."""

    requests: int = 0
    pieces: int = 1
    peak_in_flight: int = 1
    lowest_limit: int = MAX_IN_FLIGHT
    throttled: int = 0
    fell_back: bool = False
    peak_waiting_pages: int = 0  # pages listed ahead of the one handed on, at the most
    sequential_pages: int = 0  # pages handed on one after another before going parallel (fast answers)


@dataclass(eq=False)
class _Piece:
    after: str  # StartAfter of the first request (exclusive)
    upto: str | None  # the greatest name that belongs here; None: to the end
    origin: str = ""  # where it began (`after` moves on when a page shares names with it)
    handed: str = ""  # the greatest name handed on from it: (origin, handed] is with the consumer
    asked: int = 0  # when its last request was sent, as a count of requests (0: never)
    token: str = ""  # the continuation token of the next page, once one page is in
    seen_tokens: set[str] = field(default_factory=set)
    pages: deque[dict[str, Any]] = field(default_factory=deque)
    last: str = ""
    done: bool = False
    busy: bool = False
    tries: int = 0  # throttled answers in a row
    tail_cuts: int = 0  # times this open-ended piece was cut: each time twice as many pieces
    not_before: float = 0.0


_local = threading.local()


def _note_throttle(response: Any = None, **_: Any) -> None:
    """`needs-retry` hook on listing calls: remember on this thread that an attempt was throttled."""
    if not response:
        return
    http, parsed = response
    code = str((parsed or {}).get("Error", {}).get("Code", ""))
    if getattr(http, "status_code", 0) in _THROTTLE_STATUSES or code in _THROTTLE_CODES:
        _local.throttled = True


def install_throttle_hook(client: S3Client) -> None:
    """Let every listing call of `client` report throttled attempts (once per client; idempotent)."""
    for operation in ("ListObjectsV2", "ListObjects"):
        client.meta.events.register_first(
            f"needs-retry.s3.{operation}", _note_throttle, unique_id=f"{_HOOK_ID}-{operation}"
        )


class ParallelListing:
    """Iterate raw listing responses ({"Contents", "CommonPrefixes"}) in key order, or as they come; see the module.

    `sequential()` starts a plain listing of the same prefix (its first page is used as the
    first page here, and it is the fallback). `splitter` guesses the cuts (tests choose
    their own). After iterating, `stats` says what was done.
    """

    def __init__(
        self,
        call: Call,
        client: S3Client,
        bucket: str,
        prefix: str,
        *,
        delimiter: str,
        page_size: int,
        sequential: Callable[[], Iterator[Any]],
        max_in_flight: int = MAX_IN_FLIGHT,
        splitter: Splitter | None = None,
        max_waiting_pages: int = MAX_WAITING_PAGES,
        parallel_after_s: float = 0.0,
        ordered: bool = True,
    ) -> None:
        self._call = call
        self._client = client
        self._bucket = bucket
        self._prefix = prefix
        self._delimiter = delimiter
        self._page_size = page_size
        self._sequential = sequential
        # In any order, an open-ended range is cut in widening pieces (core.key_ranges), all
        # at once: a deep part of it starts in the first round, not after many.
        self._splitter = splitter or (split_points if ordered else partial(split_points, spread=True))
        self._max_waiting = max_waiting_pages
        self._parallel_after_s = parallel_after_s
        self._ordered = ordered
        self._limit = AdaptiveLimit(ceiling=max_in_flight)
        self._stats = ListingStats(lowest_limit=self._limit.limit)
        self._delivered = ""  # the greatest name handed on before the pieces began
        self._pieces: list[_Piece] = []  # every piece there was: what was handed on, for a fallback
        self._asks = 0  # requests sent for pieces
        self._idle = threading.Event()  # never set: a wait that is not a sleep
        install_throttle_hook(client)

    @property
    def stats(self) -> ListingStats:
        return self._stats

    def __iter__(self) -> Iterator[dict[str, Any]]:
        pages = self._sequential()
        took: deque[float] = deque(maxlen=PACE_PAGES)
        while True:
            started = time.monotonic()
            page = next(pages, None)
            if page is None:
                return
            took.append(time.monotonic() - started)
            token = str(page.get("NextContinuationToken") or "")
            if not page.get("IsTruncated") or not token:
                # The last page, or paging already broken: the sequential listing knows what to do.
                yield self._handed_on(page)
                for response in pages:
                    yield self._handed_on(response)
                return
            if sorted(took)[len(took) // 2] >= self._parallel_after_s:
                break  # slow pages: the rest in parallel pieces
            yield self._handed_on(page)
            self._stats = _with(self._stats, sequential_pages=self._stats.sequential_pages + 1)
        close = getattr(pages, "close", None)
        if close is not None:
            close()  # no further request from it
        head = self._new_piece(self._delivered, None, token=token, seen_tokens={token})
        try:
            head.last = _greatest(page, self._delivered)
            yield from self._parallel(head, page)
        except _Misbehaving as exc:
            log.warning(
                "listing s3://%s/%s in parallel stopped (%s); listing it again one page after another",
                self._bucket, self._prefix, exc,
            )  # fmt: skip
            self._stats = _with(self._stats, fell_back=True)
            handed = self._handed_spans()
            for response in self._sequential():
                page = _without(response, handed)
                if page is not None:
                    yield page

    # -- the parallel part -------------------------------------------------------------

    def _parallel(self, head: _Piece, first: dict[str, Any]) -> Iterator[dict[str, Any]]:
        pieces = [head]
        self._split(pieces, head, _names(first))
        executor = ThreadPoolExecutor(max_workers=self._limit.ceiling, thread_name_prefix="listing")
        running: dict[Future[tuple[Any, bool]], tuple[_Piece, int]] = {}
        try:
            # Handed on before the pieces start: their threads would hold it up (the GIL).
            yield self._handed_on(first, head)
            while pieces:
                if self._ordered:
                    while pieces and pieces[0].pages:
                        yield self._handed_on(pieces[0].pages.popleft(), pieces[0])
                    if pieces[0].done and not pieces[0].pages:
                        pieces.pop(0)
                        continue
                else:
                    for piece in [p for p in pieces if p.pages]:
                        while piece.pages:
                            yield self._handed_on(piece.pages.popleft(), piece)
                    pieces[:] = [p for p in pieces if not p.done]
                    if not pieces:
                        break
                self._start(executor, pieces, running)
                if not running:  # only throttled pieces, waiting out their pause
                    self._idle.wait(self._pause(pieces) or 0.0)
                    continue
                finished, _ = wait(list(running), timeout=self._pause(pieces), return_when=FIRST_COMPLETED)
                for future in finished:
                    piece, generation = running.pop(future)
                    self._take(pieces, piece, generation, future)
        finally:
            for future in running:
                future.cancel()
            executor.shutdown(wait=True, cancel_futures=True)

    def _start(
        self,
        executor: ThreadPoolExecutor,
        pieces: list[_Piece],
        running: dict[Future[tuple[Any, bool]], tuple[_Piece, int]],
    ) -> None:
        """Send the next page of as many pieces as the limit allows: the first in key order
        (ordered), or those asked least recently (unordered: every part of the range moves)."""
        now = time.monotonic()
        waiting = sum(len(p.pages) for p in pieces[1:])
        if waiting > self._stats.peak_waiting_pages:
            self._stats = _with(self._stats, peak_waiting_pages=waiting)
        turn = pieces if self._ordered else sorted(pieces, key=lambda p: p.asked)
        for index, piece in enumerate(turn):
            if len(running) >= self._limit.limit:
                break
            if piece.busy or piece.done or piece.not_before > now:
                continue
            if self._ordered and index > 0 and waiting >= self._max_waiting:
                break  # bounded memory: let the consumer catch up with the head first
            piece.busy = True
            self._asks += 1
            piece.asked = self._asks
            future = executor.submit(self._fetch, piece.after, piece.token)
            running[future] = (piece, self._limit.generation)
        self._stats = _with(self._stats, peak_in_flight=max(self._stats.peak_in_flight, len(running)))

    def _fetch(self, after: str, token: str) -> tuple[Any, bool]:
        """One page (pool thread); True when an attempt was throttled on the way."""
        kwargs: dict[str, Any] = {"Bucket": self._bucket, "Prefix": self._prefix, "MaxKeys": self._page_size}
        if self._delimiter:
            kwargs["Delimiter"] = self._delimiter
        if token:
            kwargs["ContinuationToken"] = token
        else:
            kwargs["StartAfter"] = after
        _local.throttled = False
        response = self._call("ListObjectsV2", self._bucket, partial(self._client.list_objects_v2, **kwargs))
        return response, bool(getattr(_local, "throttled", False))

    def _take(
        self, pieces: list[_Piece], piece: _Piece, generation: int, future: Future[tuple[Any, bool]]
    ) -> None:
        piece.busy = False
        self._stats = _with(self._stats, requests=self._stats.requests + 1)
        try:
            response, throttled = future.result()
        except Throttled:
            piece.tries += 1
            self._throttled(generation)
            if piece.tries >= MAX_THROTTLED_TRIES:
                raise
            pause = THROTTLE_PAUSE_S * 2 ** (piece.tries - 1)
            piece.not_before = time.monotonic() + pause * random.uniform(0.5, 1.0)  # jitter
            return
        piece.tries = 0
        if throttled:
            self._throttled(generation)
        else:
            self._limit.succeeded()
        self._accept(piece, response)
        self._share(pieces, piece, response)
        if not piece.done:
            self._split(pieces, piece, _names(response))

    def _throttled(self, generation: int) -> None:
        if self._limit.throttled(generation):
            log.info(
                "listing s3://%s/%s throttled: %d requests at once now",
                self._bucket,
                self._prefix,
                self._limit.limit,
            )
        self._stats = _with(
            self._stats,
            throttled=self._stats.throttled + 1,
            lowest_limit=min(self._stats.lowest_limit, self._limit.limit),
        )

    def _accept(self, piece: _Piece, response: Any) -> None:
        """Keep the names of `response` that belong to `piece`; check everything the server said."""
        keys = self._checked(
            piece, [str(item.get("Key", "")) for item in response.get("Contents", ())], False
        )
        folders = self._checked(
            piece, [str(item.get("Prefix", "")) for item in response.get("CommonPrefixes", ())], True
        )
        kept_keys = [item for item in response.get("Contents", ()) if str(item.get("Key", "")) in keys]
        kept_folders = [
            item for item in response.get("CommonPrefixes", ()) if str(item.get("Prefix", "")) in folders
        ]
        page = {"Contents": kept_keys, "CommonPrefixes": kept_folders}
        if kept_keys or kept_folders:
            piece.pages.append(page)
        piece.last = _greatest(page, piece.last)
        past_end = piece.upto is not None and any(name > piece.upto for name in _names(response))
        if past_end or not response.get("IsTruncated"):
            piece.done = True
            return
        token = str(response.get("NextContinuationToken") or "")
        if not token or token in piece.seen_tokens:
            raise _Misbehaving("a continuation token missing or repeated")
        piece.seen_tokens.add(token)
        piece.token = token

    def _share(self, pieces: list[_Piece], piece: _Piece, response: Any) -> None:
        """Give the names `response` holds past `piece`'s end to the pieces they cover.

        A page runs on past the end of its piece (it holds MaxKeys names from StartAfter
        on, wherever they are), and everything up to its greatest name is listed: a piece
        not yet asked for that lies in it is listed already (done, without a request, even
        when it is empty: a gap), and one that reaches past it starts after it.
        """
        if piece.upto is None:
            return
        keys = list(response.get("Contents", ()))
        folders = list(response.get("CommonPrefixes", ()))
        reach = max(_names(response), default="")
        if reach <= piece.upto:
            return
        ended = not response.get("IsTruncated")
        for later in pieces[pieces.index(piece) + 1 :]:
            if later.after >= reach and not ended:
                break
            if later.busy or later.done or later.token or later.pages or later.last:
                continue  # asked for already: its own answer comes
            low, high = later.after, later.upto
            page = {
                "Contents": [item for item in keys if _within(str(item.get("Key", "")), low, high)],
                "CommonPrefixes": [
                    item for item in folders if _within(str(item.get("Prefix", "")), low, high)
                ],
            }
            if page["Contents"] or page["CommonPrefixes"]:
                later.pages.append(page)
            if ended or (high is not None and reach >= high):
                later.done = True
                continue
            later.after = later.last = reach  # the rest of it starts after what was listed
            break

    def _checked(self, piece: _Piece, names: list[str], folders: bool) -> set[str]:
        """The names of one kind that belong to `piece`; raise if the server should not have sent one."""
        kept: set[str] = set()
        previous = ""
        for name in names:
            if not name.startswith(self._prefix):
                raise _Misbehaving(f"a name outside the prefix: {name!r}")
            if name <= previous:
                raise _Misbehaving(f"names out of order: {previous!r} before {name!r}")
            previous = name
            if name <= piece.after:
                if folders and piece.after.startswith(name):
                    continue  # a folder cut through: the piece before lists it
                raise _Misbehaving(f"{name!r} listed after StartAfter={piece.after!r}")
            if name <= piece.last:
                raise _Misbehaving(f"{name!r} listed again in a continued page")
            if piece.upto is None or name <= piece.upto:
                kept.add(name)
        return kept

    def _split(self, pieces: list[_Piece], piece: _Piece, sample: list[str]) -> None:
        """Cut what is left of `piece` into as many pieces as free workers can start."""
        # A bounded piece is cut into as many pieces as its rest would take pages (the
        # splitter's estimate), up to the limit: pieces wait their turn in key order, and
        # the slowest chain of pages one after another is what the listing waits for.
        active = sum(1 for p in pieces if not p.done)
        spare = min(self._limit.limit, MAX_PIECES - active)
        if piece.upto is None and self._ordered:
            # Where an open-ended listing ends is unknown, and a piece past its end costs a
            # request (a whole directory scan on some servers): 2, 4, 8… pieces a page wide.
            # (In any order, pieces widen instead: the few past the end cost one request each.)
            spare = min(spare, 2 ** (piece.tail_cuts + 1))
        if spare <= 0:
            return
        cuts = self._splitter(self._prefix, piece.last or piece.after, piece.upto, sample, spare)
        if not cuts:
            return
        bounds = [*cuts, piece.upto]
        new = [self._new_piece(after, upto) for after, upto in zip(cuts, bounds[1:], strict=True)]
        if piece.upto is None:
            new[-1].tail_cuts = piece.tail_cuts + 1
        piece.upto = cuts[0]
        at = pieces.index(piece) + 1
        pieces[at:at] = new
        self._stats = _with(self._stats, pieces=self._stats.pieces + len(new))

    def _pause(self, pieces: list[_Piece]) -> float | None:
        """How long to wait for an answer before a throttled piece may be tried again."""
        later = [p.not_before for p in pieces if not p.busy and not p.done and p.not_before > 0]
        return max(0.0, min(later) - time.monotonic()) if later else None

    def _handed_spans(self) -> _Spans:
        """What a fallback must skip. In key order, everything up to the greatest name handed
        on (a key written meanwhile in a gap between pieces would come out of order: it is
        left out, as a page listed a moment earlier would have); in any order, each piece's
        span, since the gaps between them are not listed yet."""
        if self._ordered:
            return _Spans(max([self._delivered, *(p.handed for p in self._pieces)]), [])
        return _Spans(self._delivered, [(p.origin, p.handed) for p in self._pieces if p.handed])

    def _new_piece(self, after: str, upto: str | None, **more: Any) -> _Piece:
        piece = _Piece(after=after, upto=upto, origin=after, **more)
        self._pieces.append(piece)
        return piece

    # -- handing on --------------------------------------------------------------------

    def _handed_on(self, response: Any, piece: _Piece | None = None) -> Any:
        if piece is None:
            self._delivered = _greatest(response, self._delivered)
        else:
            piece.handed = _greatest(response, piece.handed)
        return response


class _Spans:
    """The names handed on before a fallback: all up to `first`, and each piece's (origin, handed]."""

    def __init__(self, first: str, spans: list[tuple[str, str]]) -> None:
        self._first = first
        merged: list[tuple[str, str]] = []
        for low, high in sorted(spans):
            if merged and low <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], high))
            else:
                merged.append((low, high))
        self._lows = [low for low, _ in merged]
        self._highs = [high for _, high in merged]

    def __contains__(self, name: str) -> bool:
        if name <= self._first:
            return True
        at = bisect_left(self._lows, name) - 1  # the last span starting before `name`
        return at >= 0 and name <= self._highs[at]


def _without(response: Any, handed: _Spans) -> dict[str, Any] | None:
    """`response` without the names already handed on (a fallback starts over)."""
    keys = [item for item in response.get("Contents", ()) if str(item.get("Key", "")) not in handed]
    folders = [
        item for item in response.get("CommonPrefixes", ()) if str(item.get("Prefix", "")) not in handed
    ]
    if not keys and not folders:
        return None
    return {"Contents": keys, "CommonPrefixes": folders}


def _names(response: Any) -> list[str]:
    keys = [str(item.get("Key", "")) for item in response.get("Contents", ())]
    return keys + [str(item.get("Prefix", "")) for item in response.get("CommonPrefixes", ())]


def _within(name: str, after: str, upto: str | None) -> bool:
    return name > after and (upto is None or name <= upto)


def _greatest(response: Any, default: str) -> str:
    return max(_names(response), default=default)


def _with(stats: ListingStats, **changes: Any) -> ListingStats:
    values = {name: getattr(stats, name) for name in ListingStats.__dataclass_fields__}
    values.update(changes)
    return ListingStats(**values)
