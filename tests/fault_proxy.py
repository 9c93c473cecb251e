"""A loopback HTTP reverse proxy that puts S3 faults in front of a real server.

Tests use it to make a real server misbehave in ways it cannot by itself: answer with
a canned S3 error a given number of times, break ListObjectsV2 pagination, page
listings at a smaller size, add a round trip's latency to every request, refuse some keys of a DeleteObjects request, or hold
requests until the test lets them go. It records every request it sees (method, path,
query, headers and body as they came off the wire) so tests can count attempts and check
headers, and it counts the requests in flight at once (`watch`) so tests can check how
many files or parts a client really sends together: what the server sees, not what the
client says it does.

Requests are forwarded unchanged (same Host header, same signed headers), so it also
works in front of a server that checks signatures, such as rclone; only
`cap_page_size`, which rewrites the query, and `refuse_deletes`, which rewrites the
body, need a server that does not (moto).

Threads: one serving thread plus one thread per client connection. `stop()` closes
every connection and joins every thread, so no thread outlives the proxy.
Bounded: loopback only, request bodies up to `MAX_BODY_BYTES`, at most
`MAX_CONNECTIONS` connections at once, the last `MAX_RECORDED` requests kept,
and every socket has a timeout.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import re
import socket
import sys
import threading
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from xml.etree import ElementTree
from xml.sax.saxutils import escape

__all__ = [
    "ABSENT",
    "Concurrency",
    "DeleteRefusal",
    "Fault",
    "FaultProxy",
    "Hold",
    "ListingRewrite",
    "Match",
    "PaginationBreak",
    "RecordedRequest",
    "Reroute",
]

MAX_BODY_BYTES = 64 * 1024 * 1024
MAX_CONNECTIONS = 64
MAX_RECORDED = 10_000
SOCKET_TIMEOUT_S = 30.0
JOIN_TIMEOUT_S = 5.0
# A held request goes on by itself after this long: under botocore's 60 s read timeout,
# so a hold the test forgets delays the client but never makes it send again.
HOLD_LIMIT_S = 45.0

_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
_HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
    "upgrade", "expect",
}  # fmt: skip


class _Absent(Enum):
    ABSENT = "absent"


ABSENT = _Absent.ABSENT
"""Use as a query value in `Match` to require that the parameter is not present."""


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the proxy received it from the client."""

    method: str
    path: str  # percent-decoded path, without the query
    raw_target: str  # the request target exactly as sent ("/bucket?list-type=2&...")
    query: Mapping[str, list[str]]
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """Return the value of header `name` (case-insensitive), or None."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    def header_names(self) -> set[str]:
        return {k.lower() for k, _ in self.headers}


@dataclass(frozen=True, slots=True)
class Match:
    """Which requests a rule applies to. Every given part must match.

    `path` is a regular expression matched in full against the decoded path.
    `query` maps a parameter to its required value, None for "present with any
    value", or ABSENT for "not present". `headers` maps a header name to a regular
    expression its value must match in full (a missing header never matches).
    """

    method: str | None = None
    path: str | None = None
    query: Mapping[str, str | _Absent | None] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)

    def matches(self, request: RecordedRequest) -> bool:
        if self.method is not None and request.method != self.method.upper():
            return False
        if self.path is not None and not re.fullmatch(self.path, request.path):
            return False
        for name, pattern in self.headers.items():
            value = request.header(name)
            if value is None or not re.fullmatch(pattern, value):
                return False
        for name, wanted in self.query.items():
            values = request.query.get(name)
            if wanted is ABSENT:
                if values is not None:
                    return False
            elif values is None or (wanted is not None and wanted not in values):
                return False
        return True

    @classmethod
    def any(cls) -> Match:
        return cls()

    @classmethod
    def list_buckets(cls) -> Match:
        return cls(method="GET", path="/")

    @classmethod
    def list_objects_v2(cls, bucket: str) -> Match:
        return cls(method="GET", path=f"/{re.escape(bucket)}/?", query={"list-type": "2"})

    @classmethod
    def list_objects_v1(cls, bucket: str) -> Match:
        """ListObjects v1: a bucket GET that is no other sub-resource call."""
        absent: dict[str, str | _Absent | None] = dict.fromkeys(
            ("list-type", "acl", "cors", "policy", "versioning", "location", "uploads",
             "versions", "lifecycle", "website", "tagging", "encryption"),
            ABSENT,
        )  # fmt: skip
        return cls(method="GET", path=f"/{re.escape(bucket)}/?", query=absent)

    @classmethod
    def put_object(cls, bucket: str) -> Match:
        return cls(method="PUT", path=f"/{re.escape(bucket)}/.+")

    @classmethod
    def upload_part(cls, bucket: str, number: int | None = None) -> Match:
        """UploadPart: a PUT of one part of a multipart upload (of part `number` only, if given)."""
        part = None if number is None else str(number)
        return cls(
            method="PUT", path=f"/{re.escape(bucket)}/.+", query={"partNumber": part, "uploadId": None}
        )

    @classmethod
    def complete_multipart_upload(cls, bucket: str) -> Match:
        return cls(method="POST", path=f"/{re.escape(bucket)}/.+", query={"uploadId": None})

    @classmethod
    def get_object(cls, bucket: str) -> Match:
        return cls(method="GET", path=f"/{re.escape(bucket)}/.+")

    @classmethod
    def delete_objects(cls, bucket: str) -> Match:
        return cls(method="POST", path=f"/{re.escape(bucket)}/?", query={"delete": None})

    @classmethod
    def put_bucket_cors(cls, bucket: str) -> Match:
        return cls(method="PUT", path=f"/{re.escape(bucket)}/?", query={"cors": None})


@dataclass(slots=True)
class Fault:
    """A canned S3 error answered to matching requests, `times` times (None: always)."""

    match: Match
    status: int
    code: str
    message: str
    times: int | None
    hits: int = 0

    def _take(self) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        self.hits += 1
        return True

    def body(self) -> bytes:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{escape(self.code)}</Code><Message>{escape(self.message)}</Message>"
            "<RequestId>fault-proxy</RequestId></Error>"
        ).encode()


@dataclass(slots=True, eq=False)
class Concurrency:
    """How many requests matching `match` were in flight at once, now and at the most.

    A request is in flight from the moment its request line reaches the proxy until its
    answer is ready to be written back. Requests are grouped by path (bucket and key): one
    object's parts, say. Updated under the proxy's lock; read with `FaultProxy.watch`'s
    result at any time (a snapshot of ints).
    """

    match: Match
    now: int = 0
    peak: int = 0  # the most matching requests in flight at once
    peak_paths: int = 0  # the most different paths with a request in flight at once
    peak_per_path: dict[str, int] = field(default_factory=dict)  # the most at once for each path
    _live: Counter[str] = field(default_factory=Counter)

    @property
    def peak_for_one_path(self) -> int:
        """The most requests in flight at once for any one path."""
        return max(self.peak_per_path.values(), default=0)

    def _begin(self, path: str) -> None:
        self.now += 1
        self._live[path] += 1
        self.peak = max(self.peak, self.now)
        self.peak_paths = max(self.peak_paths, len(self._live))
        self.peak_per_path[path] = max(self.peak_per_path.get(path, 0), self._live[path])

    def _end(self, path: str) -> None:
        self.now -= 1
        self._live[path] -= 1
        if self._live[path] <= 0:
            del self._live[path]


@dataclass(slots=True, eq=False)
class Hold:
    """Matching requests wait at the proxy, bodies read and nothing forwarded, until released.

    `waiting` counts the requests held now. A request goes on by itself after
    `limit_s`, so a forgotten hold never wedges a client; `stop()` and `clear()`
    release every hold.
    """

    match: Match
    limit_s: float = HOLD_LIMIT_S
    waiting: int = 0
    _open: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        """Let every held request, and every later one, through."""
        self._open.set()

    @property
    def released(self) -> bool:
        return self._open.is_set()


class PaginationBreak(Enum):
    """How to break a truncated ListObjectsV2 response."""

    DROP_TOKEN = "drop-token"  # IsTruncated stays true but NextContinuationToken is removed
    REPEAT_TOKEN = "repeat-token"  # NextContinuationToken repeats the token the client sent


_TRUNCATED = re.compile(rb"<IsTruncated>\s*true\s*</IsTruncated>")
_NEXT_TOKEN = re.compile(rb"<NextContinuationToken>.*?</NextContinuationToken>", re.S)
_MAX_KEYS = re.compile(r"(?<![^&])max-keys=\d*")


@dataclass(slots=True)
class ListingRewrite:
    """A PaginationBreak applied to matching responses; `hits` counts responses changed."""

    match: Match
    mode: PaginationBreak
    hits: int = 0

    def apply(self, request: RecordedRequest, body: bytes) -> bytes:
        if not _TRUNCATED.search(body):
            return body
        if self.mode is PaginationBreak.DROP_TOKEN:
            self.hits += 1
            return _NEXT_TOKEN.sub(b"", body)
        previous = request.query.get("continuation-token")
        if not previous:  # the first page has no token to repeat
            return body
        self.hits += 1
        repeated = f"<NextContinuationToken>{escape(previous[0])}</NextContinuationToken>"
        return _NEXT_TOKEN.sub(repeated.encode(), body)


_LAST_MODIFIED = re.compile(rb"<LastModified>[^<]*</LastModified>")


@dataclass(slots=True)
class SameSecond:
    """Every <LastModified> in matching responses set to one whole second, as a server keeping
    whole seconds reports things done within one; `hits` counts responses changed."""

    match: Match
    when: str = "2026-01-01T00:00:00.000Z"
    hits: int = 0

    def apply(self, request: RecordedRequest, body: bytes) -> bytes:
        changed, count = _LAST_MODIFIED.subn(f"<LastModified>{self.when}</LastModified>".encode(), body)
        self.hits += bool(count)
        return changed


@dataclass(slots=True)
class Reroute:
    """Matching requests go on with their query replaced by `query`; `hits` counts them."""

    match: Match
    query: str
    hits: int = 0


_S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"


@dataclass(slots=True)
class DeleteRefusal:
    """Keys matching DeleteObjects requests must keep, as if the server had refused them.

    They are taken out of the request body before it goes on (so the server keeps them),
    and the answer gets an <Error> for each, or, with `report` False, says nothing about
    them. `refused` lists every key held back so far, in order.
    """

    match: Match
    keys: frozenset[str]
    code: str
    message: str
    report: bool
    refused: list[str] = field(default_factory=list)

    def strip(self, request: RecordedRequest) -> tuple[RecordedRequest, list[str]]:
        """The request to forward without the refused keys, and the keys taken out."""
        root = ElementTree.fromstring(request.body)
        kept: list[str] = []
        held: list[str] = []
        for item in root.iter(f"{{{_S3_XMLNS}}}Object"):
            key = item.findtext(f"{{{_S3_XMLNS}}}Key") or ""
            version = item.findtext(f"{{{_S3_XMLNS}}}VersionId")
            if key in self.keys:
                held.append(key)
            else:  # a versioned delete keeps its version, or it would add a delete marker instead
                versioned = f"<VersionId>{escape(version)}</VersionId>" if version else ""
                kept.append(f"<Object><Key>{escape(key)}</Key>{versioned}</Object>")
        if not held:
            return request, []
        quiet = root.findtext(f"{{{_S3_XMLNS}}}Quiet") or "false"
        objects = "".join(kept)
        body = f'<Delete xmlns="{_S3_XMLNS}">{objects}<Quiet>{quiet}</Quiet></Delete>'.encode()
        changed = {"content-length": str(len(body)), "content-md5": _md5_b64(body)}
        headers = tuple((k, changed.get(k.lower(), v)) for k, v in request.headers)
        return replace(request, body=body, headers=headers), held

    def answer(self, body: bytes, held: list[str]) -> bytes:
        """The server's DeleteObjects answer with an <Error> per held key (when reporting)."""
        if not self.report or not held:
            return body
        errors = "".join(
            f"<Error><Key>{escape(key)}</Key><Code>{escape(self.code)}</Code>"
            f"<Message>{escape(self.message)}</Message></Error>"
            for key in held
        )
        return body.replace(b"</DeleteResult>", errors.encode() + b"</DeleteResult>", 1)


def _md5_b64(body: bytes) -> str:
    return base64.b64encode(hashlib.md5(body).digest()).decode()


def _empty_delete_answer() -> bytes:
    """What S3 answers a DeleteObjects request whose every key was held back: no key deleted."""
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    return f'{head}<DeleteResult xmlns="{_S3_XMLNS}"></DeleteResult>'.encode()


class FaultProxy:
    """A threaded reverse proxy on 127.0.0.1 in front of `upstream` (a loopback http URL).

    Use as a context manager, or call `start()` and `stop()`. Configuration methods may
    be called at any time from the test thread; they are guarded by a lock.
    """

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or parts.hostname not in _LOOPBACK_HOSTS or not parts.port:
            raise ValueError(f"the upstream must be http://127.0.0.1:PORT, not {upstream!r}")
        self.upstream = upstream
        self._upstream_host = parts.hostname
        self._upstream_port = parts.port
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._rewrites: list[ListingRewrite | SameSecond] = []
        self._delete_refusals: list[DeleteRefusal] = []
        self._max_keys_cap: int | None = None
        self._reroutes: list[Reroute] = []
        self._recorded: deque[RecordedRequest] = deque(maxlen=MAX_RECORDED)
        self._watches: list[Concurrency] = []
        self._holds: list[Hold] = []
        self._latency_s = 0.0
        self._answer_headers: list[tuple[str, str]] = []
        self._lost_answers: list[Fault] = []
        # How answer bodies are framed: "length" (Content-Length), "chunked" (two chunks), or
        # "close" (no length: the body runs to the connection's end, which then closes).
        self.framing = "length"
        self._server: _Server | None = None
        self._serve_thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        if self._server is None:
            raise RuntimeError("the proxy is not running")
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> FaultProxy:
        if self._server is not None:
            raise RuntimeError("the proxy is already running")
        self._server = _Server(self)
        self._serve_thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fault-proxy-serve",
            daemon=True,
        )
        self._serve_thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close every connection and join every thread."""
        server, self._server = self._server, None
        if server is None:
            return
        self._release_holds()
        server.shutdown()
        server.server_close()
        leftover = server.close_connections(JOIN_TIMEOUT_S)
        if self._serve_thread is not None:
            self._serve_thread.join(JOIN_TIMEOUT_S)
            if self._serve_thread.is_alive():
                leftover.append(self._serve_thread)
        if leftover:
            raise RuntimeError(f"fault proxy threads did not stop: {[t.name for t in leftover]}")

    def close_connections(self) -> None:
        """Close every client connection now, as a server ends idle keep-alive ones."""
        if self._server is None:
            raise RuntimeError("the fault proxy is not running")
        leftover = self._server.close_connections(JOIN_TIMEOUT_S)
        if leftover:
            raise RuntimeError(f"fault proxy connections did not close: {[t.name for t in leftover]}")

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- configuration -----------------------------------------------------------------

    def lose_answers(self, match: Match, *, times: int = 1) -> Fault:
        """Forward requests matching `match`, `times` times, then close the connection instead
        of answering: the server did the work, the client never hears so (a lost answer)."""
        fault = Fault(match, 0, "", "", times)
        with self._lock:
            self._lost_answers.append(fault)
        return fault

    def fail(
        self,
        match: Match,
        *,
        status: int,
        code: str,
        message: str = "Injected by the fault proxy.",
        times: int | None = None,
    ) -> Fault:
        """Answer requests matching `match` with an S3 error, `times` times (None: always).

        Rules are tried in the order they were added; the first one with answers left wins.
        """
        fault = Fault(match, status, code, message, times)
        with self._lock:
            self._faults.append(fault)
        return fault

    def break_pagination(self, mode: PaginationBreak, match: Match | None = None) -> ListingRewrite:
        """Rewrite truncated ListObjectsV2 responses matching `match` (default: all)."""
        rewrite = ListingRewrite(match or Match(method="GET", query={"list-type": "2"}), mode)
        with self._lock:
            self._rewrites.append(rewrite)
        return rewrite

    def same_second(self, match: Match) -> SameSecond:
        """Answer requests matching `match` with every LastModified the same whole second."""
        rewrite = SameSecond(match)
        with self._lock:
            self._rewrites.append(rewrite)
        return rewrite

    def cap_page_size(self, max_keys: int) -> None:
        """Forward listings with max-keys lowered to `max_keys`: a server with small pages.

        This changes the signed query, so use it only before a server that does not
        check signatures (moto).
        """
        if max_keys < 1:
            raise ValueError("max_keys must be at least 1")
        with self._lock:
            self._max_keys_cap = max_keys

    def reroute(self, match: Match, query: str) -> Reroute:
        """Forward requests matching `match` with their query replaced by `query` (no "?").

        The server then answers another call in their place: rclone answers GET
        bucket?acl with the bucket's listing, and rerouting that request to
        "list-type=2" makes moto do the same. This changes the signed query, so use it
        only before a server that does not check signatures (moto).
        """
        reroute = Reroute(match, query)
        with self._lock:
            self._reroutes.append(reroute)
        return reroute

    def refuse_deletes(
        self,
        bucket: str,
        keys: Iterable[str],
        *,
        code: str = "AccessDenied",
        message: str = "Access Denied",
        report: bool = True,
    ) -> DeleteRefusal:
        """Keep `keys` through DeleteObjects requests on `bucket`: the server never sees them.

        The answer names each with an S3 per-key <Error> (`code`, `message`), or with
        `report` False leaves them out, neither deleted nor failed. This changes the
        request body and its Content-MD5, so use it only before moto (no signature checks).
        """
        refusal = DeleteRefusal(Match.delete_objects(bucket), frozenset(keys), code, message, report)
        with self._lock:
            self._delete_refusals.append(refusal)
        return refusal

    def add_latency(self, seconds: float) -> None:
        """Hold every request `seconds` before forwarding it: a round trip over the internet.

        The wait counts as in flight (`watch`), as the time on the wire would.
        """
        if seconds < 0:
            raise ValueError("latency cannot be negative")
        with self._lock:
            self._latency_s = seconds

    def add_answer_header(self, name: str, value: str) -> None:
        """Add a header to every answer from now on (a load balancer's Set-Cookie, say)."""
        with self._lock:
            self._answer_headers.append((name, value))

    def _extra_headers(self) -> list[tuple[str, str]]:
        with self._lock:
            return list(self._answer_headers)

    def _wait_latency(self) -> None:
        with self._lock:
            latency = self._latency_s
        if latency > 0:
            threading.Event().wait(latency)

    def watch(self, match: Match | None = None) -> Concurrency:
        """Count requests matching `match` (default: all) in flight at once, from now on."""
        concurrency = Concurrency(match or Match.any())
        with self._lock:
            self._watches.append(concurrency)
        return concurrency

    def hold(self, match: Match, *, limit_s: float = HOLD_LIMIT_S) -> Hold:
        """Keep requests matching `match` waiting at the proxy until `Hold.release()`.

        Their bodies are read first, so the client has sent everything and waits for an
        answer, as it would from a slow server; they count as in flight meanwhile.
        """
        hold = Hold(match, limit_s)
        with self._lock:
            self._holds.append(hold)
        return hold

    def clear(self) -> None:
        """Release every hold; forget every fault, rewrite, cap, refusal, watch and recorded request."""
        self._release_holds()
        with self._lock:
            self._faults.clear()
            self._rewrites.clear()
            self._delete_refusals.clear()
            self._max_keys_cap = None
            self._reroutes.clear()
            self._recorded.clear()
            self._watches.clear()
            self._holds.clear()
            self._latency_s = 0.0
            self._answer_headers.clear()
            self._lost_answers.clear()

    def _release_holds(self) -> None:
        with self._lock:
            holds = list(self._holds)
        for hold in holds:
            hold.release()

    # -- inspection --------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._recorded)

    def count(self, match: Match | None = None) -> int:
        """Return how many recorded requests match `match` (all when None)."""
        return sum(1 for r in self.requests if match is None or match.matches(r))

    # -- called on connection threads ---------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._recorded.append(request)

    def _begin(self, request: RecordedRequest) -> list[Concurrency]:
        """Count `request` in flight; return the watches that counted it (for `_end`)."""
        with self._lock:
            watches = [w for w in self._watches if w.match.matches(request)]
            for watch in watches:
                watch._begin(request.path)
        return watches

    def _end(self, request: RecordedRequest, watches: list[Concurrency]) -> None:
        with self._lock:
            for watch in watches:
                watch._end(request.path)

    def _wait_if_held(self, request: RecordedRequest) -> None:
        with self._lock:
            holds = [h for h in self._holds if not h.released and h.match.matches(request)]
            for hold in holds:
                hold.waiting += 1
        for hold in holds:
            try:
                hold._open.wait(hold.limit_s)
            finally:
                with self._lock:
                    hold.waiting -= 1

    def _answer_lost(self, request: RecordedRequest) -> bool:
        with self._lock:
            return any(lost.match.matches(request) and lost._take() for lost in self._lost_answers)

    def _fault_for(self, request: RecordedRequest) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.match.matches(request) and fault._take():
                    return fault
        return None

    def _rewrite_target(self, request: RecordedRequest) -> str:
        with self._lock:
            cap = self._max_keys_cap
            reroute = next((r for r in self._reroutes if r.match.matches(request)), None)
            if reroute is not None:
                reroute.hits += 1
        if reroute is not None:
            return f"{request.raw_target.partition('?')[0]}?{reroute.query}"
        if cap is None or request.method != "GET" or "max-keys" not in request.query:
            return request.raw_target
        path, _, query = request.raw_target.partition("?")
        wanted = min(int(request.query["max-keys"][0] or cap), cap)
        return f"{path}?{_MAX_KEYS.sub(f'max-keys={wanted}', query)}"

    def _refusal_for(self, request: RecordedRequest) -> DeleteRefusal | None:
        with self._lock:
            return next((r for r in self._delete_refusals if r.match.matches(request)), None)

    def _forward_delete(
        self, refusal: DeleteRefusal, request: RecordedRequest
    ) -> tuple[int, str, list[tuple[str, str]], bytes]:
        """Forward a DeleteObjects request without the refused keys; add their errors to the answer."""
        stripped, held = refusal.strip(request)
        with self._lock:
            refusal.refused.extend(held)
        if stripped.body.count(b"<Object>"):
            status, reason, headers, data = self._forward(stripped)
        else:  # S3 refuses a Delete naming no key: answer for the server
            status, reason, data = 200, "OK", _empty_delete_answer()
            headers = [("Content-Type", "application/xml")]
        return status, reason, headers, refusal.answer(data, held) if status == 200 else data

    def _rewrite_body(self, request: RecordedRequest, body: bytes) -> bytes:
        with self._lock:
            rewrites = [r for r in self._rewrites if r.match.matches(request)]
            for rewrite in rewrites:
                body = rewrite.apply(request, body)
        return body

    def _forward(self, request: RecordedRequest) -> tuple[int, str, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(
            self._upstream_host, self._upstream_port, timeout=SOCKET_TIMEOUT_S
        )
        try:
            connection.putrequest(
                request.method,
                self._rewrite_target(request),
                skip_host=True,
                skip_accept_encoding=True,
            )
            for name, value in request.headers:
                if name.lower() not in _HOP_BY_HOP:
                    connection.putheader(name, value)
            connection.putheader("Connection", "close")
            connection.endheaders(request.body or None)
            response = connection.getresponse()
            body = response.read()
            return response.status, response.reason, response.getheaders(), body
        finally:
            connection.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # connections are tracked and joined by close_connections()
    # socketserver's 5 overflowed when a client opened 64 connections at once: the kernel then
    # drops handshakes, and their requests stall for seconds of SYN-ACK retries.
    request_queue_size = MAX_CONNECTIONS

    def __init__(self, proxy: FaultProxy) -> None:
        self.proxy = proxy
        self._connections: dict[threading.Thread, socket.socket] = {}
        self._connections_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self._serial = 0
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        self._serial += 1
        thread = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address),
            name=f"fault-proxy-connection-{self._serial}",
            daemon=True,
        )
        with self._connections_lock:
            self._connections[thread] = request
        thread.start()

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a client that went away (one killed by a test resets its connections)
        super().handle_error(request, client_address)

    def _serve_connection(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self._connections_lock:
                self._connections.pop(threading.current_thread(), None)
            self._slots.release()

    def close_connections(self, timeout: float) -> list[threading.Thread]:
        """Shut every open connection down and join its thread; return the ones left."""
        with self._connections_lock:
            connections = dict(self._connections)
        for sock in connections.values():
            with contextlib.suppress(OSError):  # already closed by the client
                sock.shutdown(socket.SHUT_RDWR)
        for thread in connections:
            thread.join(timeout)
        return [t for t in connections if t.is_alive()]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = SOCKET_TIMEOUT_S
    server: _Server
    _in_flight: tuple[RecordedRequest, list[Concurrency]] | None = None

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output quiet; the proxy records requests instead

    def do_GET(self) -> None:
        self._handle()

    do_HEAD = do_PUT = do_POST = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def _handle(self) -> None:
        proxy = self.server.proxy
        target = urlsplit(self.path)
        request = RecordedRequest(
            method=self.command,
            path=unquote(target.path),
            raw_target=self.path,
            query=parse_qs(target.query, keep_blank_values=True),
            headers=tuple(self.headers.items()),
            body=b"",
        )
        # In flight from its request line until its answer is ready: it ends before the answer
        # is written, since a client that has read the answer may send its next request before
        # this thread runs again (counted after the write, one file's parts were seen 5 at once
        # under a limit of 4).
        self._in_flight = (request, proxy._begin(request))
        try:
            self._answer(proxy, request)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (stopped, timed out): not an error
        finally:
            self._end_flight()

    def _end_flight(self) -> None:
        if self._in_flight is not None:
            request, watches = self._in_flight
            self._in_flight = None
            self.server.proxy._end(request, watches)

    def _answer(self, proxy: FaultProxy, request: RecordedRequest) -> None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._send_error(501, "NotImplemented", "The fault proxy needs Content-Length.")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._send_error(413, "EntityTooLarge", "Too large for the fault proxy.")
            return
        request = replace(request, body=self.rfile.read(length) if length else b"")
        proxy._record(request)
        proxy._wait_if_held(request)
        proxy._wait_latency()
        fault = proxy._fault_for(request)
        if fault is not None:
            # With the Date header every S3 server sends (a client corrects its clock by it).
            answer = [("Content-Type", "application/xml"), ("Date", self.date_time_string())]
            self._send(fault.status, "", answer, fault.body())
            return
        try:
            refusal = proxy._refusal_for(request)
            if refusal is None:
                status, reason, headers, data = proxy._forward(request)
            else:
                status, reason, headers, data = proxy._forward_delete(refusal, request)
        except OSError as exc:
            self._send_error(502, "BadGateway", f"The fault proxy could not reach moto: {exc}")
            return
        if proxy._answer_lost(request):
            self.close_connection = True  # the work is done upstream; the answer never comes
            return
        self._send(status, reason, headers, proxy._rewrite_body(request, data))

    def _send_error(self, status: int, code: str, message: str) -> None:
        fault = Fault(Match.any(), status, code, message, None)
        self._send(status, "", [("Content-Type", "application/xml")], fault.body())
        self.close_connection = True

    def _send(self, status: int, reason: str, headers: list[tuple[str, str]], body: bytes) -> None:
        head = self.command == "HEAD"
        no_body = head or status in (204, 304) or status < 200
        self._end_flight()
        self.send_response_only(status, reason or None)
        for name, value in [*headers, *self.server.proxy._extra_headers()]:
            lowered = name.lower()
            if lowered in _HOP_BY_HOP or (lowered == "content-length" and not head):
                continue
            self.send_header(name, value)
        framing = self.server.proxy.framing
        if not no_body and framing == "length":
            self.send_header("Content-Length", str(len(body)))
        elif not no_body and framing == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
        elif not no_body:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if no_body:
            return
        if framing == "chunked":
            half = len(body) // 2
            for piece in (body[:half], body[half:]):
                if piece:
                    self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)
