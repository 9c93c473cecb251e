"""A loopback TCP proxy that resets or stalls connections to a real server, for fault tests.

`TcpFaultProxy` listens on 127.0.0.1 (a free port) and forwards every connection it
accepts, byte for byte, to an upstream `host:port` (moto, `rclone serve s3`, anything
that speaks TCP). Per connection it may inject one fault, chosen when the connection
is accepted:

- reset: after a random number of forwarded bytes, both sides are closed with an RST
  (SO_LINGER on, timeout 0): the client sees ConnectionResetError or a cut body.
- stall: after a random number of forwarded bytes, nothing more is forwarded in either
  direction for `stall_s` seconds; then both sides are closed (FIN). A client with a
  shorter read timeout times out.

Apart from those, with `close_reused=True` a connection that has carried answer bytes is
closed (FIN) as soon as the client sends anything more on it, and that request is not
forwarded: a server closing an idle keep-alive connection just as the client reuses it.

The byte count runs over both directions of the connection, from 1 up to `fault_window`
(256 KiB by default), so a request with a large body (an upload part) is cut mid-body,
and so is the response to a small request (a download). A connection that carries fewer
bytes than its draw ends without a fault; only faults that fired are counted.

Reproducible: connection number N (0-based, in accept order) draws from
`random.Random(f"{seed}/{N}")`, so the same seed gives connection N the same roll and the
same cut point in every run, whatever the shares are set to at the time.

Threads: one, running a selector loop over the listener and every connection (sockets
are non-blocking, so nothing waits on a slow peer). `close()` wakes it, and it closes
every socket and ends within `CLOSE_TIMEOUT_S`.
"""

from __future__ import annotations

import contextlib
import random
import selectors
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import cast
from urllib.parse import urlsplit

__all__ = ["DEFAULT_FAULT_WINDOW", "TcpFaultProxy"]

DEFAULT_FAULT_WINDOW = 256 * 1024
CHUNK_BYTES = 256 * 1024
CONNECT_TIMEOUT_S = 1.0
CLOSE_TIMEOUT_S = 1.0
LISTEN_BACKLOG = 128

# struct linger is two ints on POSIX, two unsigned shorts on Windows.
_LINGER_RESET = struct.pack("HH", 1, 0) if sys.platform == "win32" else struct.pack("ii", 1, 0)


class _Fault(Enum):
    NONE = "none"
    RESET = "reset"
    STALL = "stall"


class _Role(Enum):
    LISTENER = "listener"
    WAKER = "waker"


@dataclass(eq=False, slots=True)
class _Connection:
    """One proxied connection; touched only by the proxy's loop thread."""

    index: int
    client: socket.socket
    upstream: socket.socket
    fault: _Fault
    fault_at: int  # bytes forwarded (both directions) at which the fault fires
    stall_s: float
    epoch: int  # the proxy's heal() count when planned; a later heal() cancels the fault
    forwarded: int = 0
    pending: dict[socket.socket, memoryview] = field(default_factory=dict)  # to write to the key
    eof: set[socket.socket] = field(default_factory=set)  # sockets whose peer sent FIN
    masks: dict[socket.socket, int] = field(default_factory=dict)  # registered selector events
    stalled_until: float | None = None
    closed: bool = False
    answered: bool = False  # the upstream has sent bytes on it (close_reused)

    def peer(self, sock: socket.socket) -> socket.socket:
        return self.upstream if sock is self.client else self.client


def _parse_upstream(upstream: str) -> tuple[str, int]:
    text = upstream if "://" in upstream else f"tcp://{upstream}"
    parts = urlsplit(text)
    if not parts.hostname or not parts.port:
        raise ValueError(f"the upstream must be host:port or http://host:port, not {upstream!r}")
    return parts.hostname, parts.port


def _check_shares(reset_share: float, stall_share: float, stall_s: float, fault_window: int) -> None:
    if not (0.0 <= reset_share <= 1.0 and 0.0 <= stall_share <= 1.0):
        raise ValueError("reset_share and stall_share must be between 0 and 1")
    if reset_share + stall_share > 1.0:
        raise ValueError("reset_share + stall_share must not exceed 1")
    if stall_s < 0:
        raise ValueError("stall_s must not be negative")
    if fault_window < 1:
        raise ValueError("fault_window must be at least 1")


def _abort(sock: socket.socket) -> None:
    """Close `sock` with an RST instead of a FIN."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RESET)
    with contextlib.suppress(OSError):
        sock.close()


class TcpFaultProxy:
    """A TCP proxy on 127.0.0.1 in front of `upstream` that resets or stalls a share of
    connections. Use as a context manager, or call `start()` and `close()`.

    `upstream` is "host:port" or a URL such as "http://127.0.0.1:PORT" (only host and
    port are used). The shares, `stall_s` and `fault_window` apply to connections
    accepted after they are set; `configure()` and `heal()` may be called at any time
    from any thread.
    """

    def __init__(
        self,
        upstream: str,
        *,
        seed: int = 1,
        reset_share: float = 0.0,
        stall_share: float = 0.0,
        stall_s: float = 3.0,
        fault_window: int = DEFAULT_FAULT_WINDOW,
        close_reused: bool = False,
    ) -> None:
        _check_shares(reset_share, stall_share, stall_s, fault_window)
        self.close_reused = close_reused  # read by the loop thread as it goes
        self.upstream = upstream
        self._upstream_address = _parse_upstream(upstream)
        self.seed = seed
        self._lock = threading.Lock()
        self._reset_share = reset_share
        self._stall_share = stall_share
        self._stall_s = stall_s
        self._fault_window = fault_window
        self._epoch = 0
        self._connections = 0
        self._resets = 0
        self._stalls = 0
        self._bytes_forwarded = 0
        self._reuses_closed = 0
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._wake_r: socket.socket | None = None
        self._wake_w: socket.socket | None = None
        self._selector: selectors.BaseSelector | None = None
        self._live: set[_Connection] = set()  # loop thread only

    # -- lifecycle ---------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._listener is None:
            raise RuntimeError("the proxy is not running")
        return int(self._listener.getsockname()[1])

    @property
    def endpoint(self) -> str:
        """ "http://127.0.0.1:PORT": the address clients should use instead of upstream."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> TcpFaultProxy:
        if self._thread is not None:
            raise RuntimeError("the proxy was already started")
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.bind(("127.0.0.1", 0))
            listener.listen(LISTEN_BACKLOG)
            listener.setblocking(False)
            self._wake_r, self._wake_w = socket.socketpair()
        except OSError:
            listener.close()
            raise
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._listener = listener
        self._selector = selectors.DefaultSelector()
        self._selector.register(listener, selectors.EVENT_READ, _Role.LISTENER)
        self._selector.register(self._wake_r, selectors.EVENT_READ, _Role.WAKER)
        self._thread = threading.Thread(target=self._run, name="tcp-fault-proxy", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop accepting, close every connection and the listener, join the thread."""
        thread = self._thread
        if thread is None or self._stopping.is_set():
            if thread is not None:
                thread.join(CLOSE_TIMEOUT_S)
            return
        self._stopping.set()
        self._wake()
        thread.join(CLOSE_TIMEOUT_S)
        if thread.is_alive():
            raise RuntimeError("the TCP fault proxy's thread did not stop")

    def __enter__(self) -> TcpFaultProxy:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- configuration -----------------------------------------------------------------

    def configure(
        self,
        *,
        reset_share: float | None = None,
        stall_share: float | None = None,
        stall_s: float | None = None,
        fault_window: int | None = None,
    ) -> None:
        """Change the given settings (None: keep) for connections accepted from now on."""
        with self._lock:
            new = (
                self._reset_share if reset_share is None else reset_share,
                self._stall_share if stall_share is None else stall_share,
                self._stall_s if stall_s is None else stall_s,
                self._fault_window if fault_window is None else fault_window,
            )
            _check_shares(*new)
            self._reset_share, self._stall_share, self._stall_s, self._fault_window = new

    def heal(self) -> None:
        """Inject no more faults: new connections get none, and open connections whose
        fault has not fired yet never fire it. Connections already stalled stay stalled
        until their `stall_s` is up."""
        with self._lock:
            self._reset_share = 0.0
            self._stall_share = 0.0
            self._epoch += 1

    # -- counters ----------------------------------------------------------------------

    @property
    def connections(self) -> int:
        """Connections accepted so far."""
        with self._lock:
            return self._connections

    @property
    def resets(self) -> int:
        """Connections reset so far."""
        with self._lock:
            return self._resets

    @property
    def stalls(self) -> int:
        """Connections stalled so far (counted when the stall begins)."""
        with self._lock:
            return self._stalls

    @property
    def reuses_closed(self) -> int:
        """Requests met by a close instead of being forwarded (close_reused)."""
        with self._lock:
            return self._reuses_closed

    @property
    def bytes_forwarded(self) -> int:
        """Bytes read from either side and passed on, over all connections."""
        with self._lock:
            return self._bytes_forwarded

    # -- the loop thread ---------------------------------------------------------------

    def _wake(self) -> None:
        if self._wake_w is not None:
            with contextlib.suppress(OSError):  # full (already woken) or closed
                self._wake_w.send(b"x")

    def _run(self) -> None:
        assert self._selector is not None
        try:
            while not self._stopping.is_set():
                events = self._selector.select(self._select_timeout())
                for key, mask in events:
                    if self._stopping.is_set():
                        break
                    sock = cast(socket.socket, key.fileobj)
                    if key.data is _Role.LISTENER:
                        self._accept()
                    elif key.data is _Role.WAKER:
                        with contextlib.suppress(OSError):
                            sock.recv(4096)
                    elif not key.data.closed:
                        self._service(key.data, sock, mask)
                self._end_stalls()
        finally:
            self._shutdown()

    def _select_timeout(self) -> float | None:
        deadlines = [c.stalled_until for c in self._live if c.stalled_until is not None]
        if not deadlines:
            return None
        return max(0.0, min(deadlines) - time.monotonic())

    def _plan(self) -> tuple[int, _Fault, int, float, int]:
        with self._lock:
            index = self._connections
            self._connections += 1
            reset_share, stall_share = self._reset_share, self._stall_share
            stall_s, window, epoch = self._stall_s, self._fault_window, self._epoch
        rng = random.Random(f"{self.seed}/{index}")
        roll = rng.random()
        fault_at = rng.randint(1, window)
        if roll < reset_share:
            fault = _Fault.RESET
        elif roll < reset_share + stall_share:
            fault = _Fault.STALL
        else:
            fault = _Fault.NONE
        return index, fault, fault_at, stall_s, epoch

    def _accept(self) -> None:
        assert self._listener is not None
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:  # BlockingIOError: no more waiting; anything else: try later
                return
            index, fault, fault_at, stall_s, epoch = self._plan()
            try:
                upstream = socket.create_connection(self._upstream_address, timeout=CONNECT_TIMEOUT_S)
            except OSError:
                _abort(client)
                continue
            for sock in (client, upstream):
                sock.setblocking(False)
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = _Connection(index, client, upstream, fault, fault_at, stall_s, epoch)
            self._live.add(conn)
            self._update_interest(conn)

    def _service(self, conn: _Connection, sock: socket.socket, mask: int) -> None:
        try:
            if mask & selectors.EVENT_WRITE:
                self._flush(conn, sock)
            if mask & selectors.EVENT_READ and not conn.closed:
                self._pump(conn, sock)
        except OSError:  # the client or the server reset or broke its side: pass it on
            self._close(conn, abort=True)
            return
        if not conn.closed and conn.stalled_until is None:
            self._update_interest(conn)

    def _pump(self, conn: _Connection, src: socket.socket) -> None:
        """Read one chunk from `src` and pass it on, firing the fault at its byte."""
        try:
            data = src.recv(CHUNK_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        dst = conn.peer(src)
        if data and src is conn.client and conn.answered and self.close_reused:
            with self._lock:
                self._reuses_closed += 1
            self._close(conn, abort=False)
            return
        if data and src is conn.upstream:
            conn.answered = True
        if not data:
            conn.eof.add(src)
            if dst not in conn.pending:
                self._shutdown_write(conn, dst)
            return
        fire = (
            conn.fault is not _Fault.NONE
            and conn.forwarded + len(data) >= conn.fault_at
            and conn.epoch == self._current_epoch()
        )
        if fire:
            data = data[: conn.fault_at - conn.forwarded]
        conn.forwarded += len(data)
        with self._lock:
            self._bytes_forwarded += len(data)
        self._send(conn, dst, memoryview(data))
        if fire:
            self._fire(conn)

    def _send(self, conn: _Connection, dst: socket.socket, view: memoryview) -> None:
        try:
            sent = dst.send(view)
        except (BlockingIOError, InterruptedError):
            sent = 0
        if sent < len(view):
            conn.pending[dst] = view[sent:]

    def _flush(self, conn: _Connection, dst: socket.socket) -> None:
        view = conn.pending.pop(dst, None)
        if view is None:
            return
        self._send(conn, dst, view)
        if dst not in conn.pending and conn.peer(dst) in conn.eof:
            self._shutdown_write(conn, dst)

    def _shutdown_write(self, conn: _Connection, dst: socket.socket) -> None:
        """Pass a FIN on to `dst`; close the connection once both sides are done."""
        dst.shutdown(socket.SHUT_WR)
        if len(conn.eof) == 2 and not conn.pending:
            self._close(conn, abort=False)

    def _current_epoch(self) -> int:
        with self._lock:
            return self._epoch

    def _fire(self, conn: _Connection) -> None:
        if conn.fault is _Fault.RESET:
            with self._lock:
                self._resets += 1
            self._close(conn, abort=True)
            return
        with self._lock:
            self._stalls += 1
        self._set_mask(conn, conn.client, 0)
        self._set_mask(conn, conn.upstream, 0)
        conn.stalled_until = time.monotonic() + conn.stall_s

    def _end_stalls(self) -> None:
        now = time.monotonic()
        for conn in [c for c in self._live if c.stalled_until is not None and c.stalled_until <= now]:
            self._close(conn, abort=False)

    def _update_interest(self, conn: _Connection) -> None:
        for sock in (conn.client, conn.upstream):
            mask = 0
            if sock not in conn.eof and conn.peer(sock) not in conn.pending:
                mask |= selectors.EVENT_READ
            if sock in conn.pending:
                mask |= selectors.EVENT_WRITE
            self._set_mask(conn, sock, mask)

    def _set_mask(self, conn: _Connection, sock: socket.socket, mask: int) -> None:
        assert self._selector is not None
        old = conn.masks.get(sock, 0)
        if mask == old:
            return
        if old == 0:
            self._selector.register(sock, mask, conn)
        elif mask == 0:
            self._selector.unregister(sock)
        else:
            self._selector.modify(sock, mask, conn)
        conn.masks[sock] = mask

    def _close(self, conn: _Connection, *, abort: bool) -> None:
        if conn.closed:
            return
        conn.closed = True
        self._live.discard(conn)
        for sock in (conn.client, conn.upstream):
            if conn.masks.get(sock) and self._selector is not None:
                with contextlib.suppress(KeyError, ValueError, OSError):
                    self._selector.unregister(sock)
            if abort:
                _abort(sock)
            else:
                with contextlib.suppress(OSError):
                    sock.close()

    def _shutdown(self) -> None:
        for conn in list(self._live):
            self._close(conn, abort=False)
        if self._selector is not None:
            self._selector.close()
        for sock in (self._listener, self._wake_r, self._wake_w):
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.close()
