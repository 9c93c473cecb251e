"""Small files' GETs and PUTs over keep-alive HTTP/1.1 connections of our own, read by httptools.

Why not aiohttp, as every other fast-path request: for 1,000 signed GETs of 4 KiB, 32 at
once over https, aiohttp's request machinery cost the one event-loop thread 0.13 CPU-s;
a bare asyncio protocol with httptools' parser (llhttp, maintained, the one uvicorn uses)
cost 0.055 CPU-s. That loop is what bounds a transfer of many small files (bench/README.md,
"small_files.py").

So this does as little as a small GET or PUT needs and hands everything else back:
- the request sent whole in one write (a body of up to a megabyte, in memory already);
- one request at a time per connection, no pipelining; idle connections kept (newest
  first) and dropped after KEEPALIVE_S, or when the server closed them or said so;
- httptools frames the answer (Content-Length or chunked) and keeps nothing of its own;
- a body longer than the caller's limit, or one with no length that runs to the
  connection's end, is not read: `get` returns the answer without it, the connection is
  closed, and the caller takes the long way (as it does for aiohttp's answers);
- informational (1xx) answers are passed over; a redirect is an answer like any other
  (S3 sends its PermanentRedirect with an error body; following it would send the
  signature to another host, which refuses it);
- a reused connection that the server closed just as the request went out (the keep-alive
  race) is tried once on a new one: no answer byte had come, and a GET, or a PUT of the
  same bytes under the same name, does nothing more the second time;
- timeouts as aiohttp's session has them: one to connect (TLS handshake included) and one
  for the gap between answer bytes.

Errors are raised as OSError, ssl.SSLError or TimeoutError, as asyncio gives them; the
caller words them (s3_fast_answers.connection_error). Loop only; not thread-safe.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass
from typing import cast
from urllib.parse import urlsplit

import httptools
from multidict import CIMultiDict

from spacesgui.adapters.s3_signer import host_header

KEEPALIVE_S = 30.0  # an idle connection kept this long (aiohttp's pool of the same store too)
_USER_AGENT = "spacesgui"
_REPEATABLE = frozenset({"GET", "PUT"})  # sent again after the keep-alive race (see above)


@dataclass(frozen=True, slots=True)
class SmallAnswer:
    """An answer's status and headers; its body, or None when it was too long or had no length
    (then nothing of it was read and its connection was closed)."""

    status: int
    headers: CIMultiDict[str]
    body: bytes | None


class _Connection(asyncio.Protocol):
    """One keep-alive connection: a request written, its answer parsed as bytes arrive."""

    def __init__(self, loop: asyncio.AbstractEventLoop, read_s: float) -> None:
        self._loop = loop
        self._read_s = read_s
        self._parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.lost = False
        self.idle_since = 0.0
        self.reused = False  # served a request before the one in flight
        self._answer: asyncio.Future[SmallAnswer] | None = None
        self._headers: CIMultiDict[str] = CIMultiDict()
        self._body: list[bytes] = []
        self._limit = 0
        self._got = 0
        self._status = 0
        self._skip_body = False  # answered (no body), the rest of it is not read
        self._received = False
        self._deadline = 0.0
        self._timer: asyncio.TimerHandle | None = None

    # -- asyncio.Protocol --------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # a stream transport (uvloop's too)

    def data_received(self, data: bytes) -> None:
        self._received = True
        self._deadline = self._loop.time() + self._read_s
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(ConnectionError(f"the server's answer could not be read as HTTP: {exc}"))

    def eof_received(self) -> bool:
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self._stop_timer()
        answer = self._answer
        if answer is not None and not answer.done():
            error = (
                exc if isinstance(exc, OSError) else ConnectionResetError("the server closed the connection")
            )
            answer.set_exception(_Stale() if self.reused and not self._received else error)

    # -- httptools callbacks -----------------------------------------------------------------

    def on_message_begin(self) -> None:
        self._headers = CIMultiDict()
        self._body = []
        self._got = 0
        self._skip_body = False

    def on_header(self, name: bytes, value: bytes) -> None:
        # As aiohttp decodes them, so a metadata value reads the same on either path.
        self._headers.add(name.decode("utf-8", "surrogateescape"), value.decode("utf-8", "surrogateescape"))

    def on_headers_complete(self) -> None:
        self._status = self._parser.get_status_code()
        if self._status < 200:
            return  # 100 Continue, 103 Early Hints: the answer is still to come
        length = self._headers.get("Content-Length")
        if length is None:
            # Chunked: counted as it comes (on_body). Read to the connection's end: not ours.
            if "chunked" not in self._headers.get("Transfer-Encoding", "").lower():
                self._answer_without_body()
        elif int(length) > self._limit:
            self._answer_without_body()

    def on_body(self, body: bytes) -> None:
        if self._skip_body:
            return
        self._got += len(body)
        if self._got > self._limit:  # chunked, and longer than the caller takes
            self._answer_without_body()
            return
        self._body.append(body)

    def on_message_complete(self) -> None:
        if self._skip_body or self._status < 200:
            return
        answer, self._answer = self._answer, None
        self._stop_timer()
        if not self._parser.should_keep_alive():
            self.close()
        if answer is not None and not answer.done():
            body = self._body[0] if len(self._body) == 1 else b"".join(self._body)
            answer.set_result(SmallAnswer(self._status, self._headers, body))

    # -- requests ----------------------------------------------------------------------------

    def send(self, request: bytes, body: bytes, limit: int) -> asyncio.Future[SmallAnswer]:
        """Write `request` and its `body`; the future answer (with its body unless that is over
        `limit` bytes)."""
        assert self.transport is not None
        self._answer = self._loop.create_future()
        self._limit = limit
        self._received = False
        self._deadline = self._loop.time() + self._read_s
        self._timer = self._loop.call_at(self._deadline, self._check_deadline)
        self.transport.write(request + body if body else request)  # one write: one send(2)
        return self._answer

    def close(self) -> None:
        self.lost = True
        self._stop_timer()
        if self.transport is not None:
            self.transport.close()

    def _answer_without_body(self) -> None:
        """Answer with the headers only; the body is left unread, so the connection goes."""
        self._skip_body = True
        answer, self._answer = self._answer, None
        self.close()
        if answer is not None and not answer.done():
            answer.set_result(SmallAnswer(self._status, self._headers, None))

    def _fail(self, exc: BaseException) -> None:
        self._skip_body = True
        answer, self._answer = self._answer, None
        self.close()
        if answer is not None and not answer.done():
            answer.set_exception(exc)

    def _check_deadline(self) -> None:
        self._timer = None
        if self._answer is None:
            return
        if self._loop.time() >= self._deadline:
            self._fail(TimeoutError(f"no answer byte for {self._read_s:.0f} s"))
        else:  # bytes came meanwhile: wait from the last of them
            self._timer = self._loop.call_at(self._deadline, self._check_deadline)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class _Stale(ConnectionResetError):
    """A reused connection closed before any answer byte: the request may go again."""


class SmallRequests:
    """Keep-alive connections to one origin (scheme, host, port) for small files' GETs and PUTs."""

    def __init__(self, origin: str, *, tls: ssl.SSLContext | None, connect_s: float, read_s: float) -> None:
        parts = urlsplit(origin)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port or (443 if self._https else 80)
        self._tls = tls if self._https else None
        self._connect_s = connect_s
        self._read_s = read_s
        self._host_line = f"Host: {host_header(origin)}"
        self._idle: list[_Connection] = []  # the most recently used last
        self._closed = False

    async def send(
        self, method: str, target: str, headers: dict[str, str], body: bytes = b"", *, limit: int
    ) -> SmallAnswer:
        """`method` ("GET" or "PUT") `target` (path and query, quoted) with `headers` (the
        signature's, Content-Length with a body; Host is added); the answer, its body read
        unless longer than `limit` bytes."""
        if method not in _REPEATABLE:
            raise ValueError(f"{method} may not be sent twice, as the keep-alive race would")
        lines = [f"{method} {target} HTTP/1.1", self._host_line]
        lines.extend(f"{name}: {value}" for name, value in headers.items())
        lines.append(f"User-Agent: {_USER_AGENT}\r\n\r\n")
        request = "\r\n".join(lines).encode("latin-1")
        for attempt in range(2):
            connection = await self._connection(fresh=attempt > 0)
            try:
                answer = await connection.send(request, body, limit)
            except _Stale:
                continue  # the keep-alive race: once more, on a new connection
            except BaseException:
                connection.close()  # cancelled or failed mid-answer: its state is unknown
                raise
            self._give_back(connection)
            return answer
        raise ConnectionResetError("the server closed the connection before it answered")

    def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    async def _connection(self, *, fresh: bool) -> _Connection:
        """An idle connection still open, the last used first; a new one when none is, or `fresh`."""
        now = time.monotonic()
        while self._idle and not fresh:
            connection = self._idle.pop()
            if not connection.lost and now - connection.idle_since < KEEPALIVE_S:
                connection.reused = True
                return connection
            connection.close()
        loop = asyncio.get_running_loop()
        _transport, connection = await asyncio.wait_for(
            loop.create_connection(
                lambda: _Connection(loop, self._read_s), self._host, self._port, ssl=self._tls,
                ssl_handshake_timeout=self._connect_s if self._tls else None,
            ),
            self._connect_s,
        )  # fmt: skip
        return connection

    def _give_back(self, connection: _Connection) -> None:
        if connection.lost or self._closed:
            connection.close()
            return
        connection.idle_since = time.monotonic()
        connection.reused = False
        self._idle.append(connection)
