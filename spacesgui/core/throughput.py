"""Transfer speed: a sliding-window meter, ETA text, and a shared bandwidth limit."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from spacesgui.core.formatting import human_size

WINDOW_S = 5.0
BUCKETS = 10
BURST_S = 0.25  # a limited bucket lets this many seconds' worth of bytes through at once
MAX_WAIT_S = 0.25  # a waiting worker wakes this often to see rate changes and stop requests
MIN_WAIT_S = 0.001
MIN_AVERAGE_S = 1.0  # a row shows its average speed only after moving this long


class SpeedMeter:
    """Bytes per second over the last ~5 seconds, in fixed time buckets (constant memory).

    `now` is any monotonic clock in seconds. Negative adds (a retried part rolls progress
    back) lower the rate but never below zero. Not thread-safe: callers hold their lock.
    """

    def __init__(self, window_s: float = WINDOW_S, buckets: int = BUCKETS) -> None:
        self._width = window_s / buckets
        self._totals = [0] * buckets
        self._stamps = [-1] * buckets  # which bucket index each slot holds now
        self._start: float | None = None

    def add(self, nbytes: int, now: float) -> None:
        """Count `nbytes` (may be negative) as moved at time `now`."""
        if self._start is None:
            self._start = now
        index = int(now // self._width)
        slot = index % len(self._totals)
        if self._stamps[slot] != index:
            self._stamps[slot] = index
            self._totals[slot] = 0
        self._totals[slot] += nbytes

    def rate(self, now: float) -> float:
        """Return bytes per second over the window ending at `now` (0.0 before any add)."""
        if self._start is None:
            return 0.0
        index = int(now // self._width)
        oldest = index - len(self._totals) + 1
        total = sum(t for t, s in zip(self._totals, self._stamps, strict=True) if oldest <= s <= index)
        # Over the time actually covered: a transfer 1 s old is not averaged over 5 s.
        span = now - max(oldest * self._width, self._start)
        return max(0.0, total / max(span, self._width))

    def reset(self) -> None:
        """Forget everything (a paused transfer starts measuring afresh)."""
        self._totals = [0] * len(self._totals)
        self._stamps = [-1] * len(self._stamps)
        self._start = None


def eta_seconds(remaining: int, rate: float) -> float | None:
    """Return seconds left at `rate` bytes/s, or None when nothing is moving."""
    if remaining <= 0:
        return 0.0
    if rate <= 0 or not math.isfinite(rate):
        return None
    return remaining / rate


def human_rate(bps: float) -> str:
    """Format bytes per second: "12.3 MB/s", "512 bytes/s"."""
    return f"{human_size(max(0, round(bps)))}/s"


def human_eta(seconds: float | None) -> str:
    """Format an ETA: "5 s", "2 min 10 s", "1 h 5 min", "3 d 4 h", or "—" when unknown."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "—"
    whole = math.ceil(seconds)  # "0 s" only when done: 0.2 s left still reads "1 s"
    if whole < 60:
        return f"{whole} s"
    for big, big_unit, small, small_unit in _ETA_UNITS:
        if whole >= big:
            first, rest = divmod(whole, big)
            second = rest // small
            return f"{first} {big_unit} {second} {small_unit}" if second else f"{first} {big_unit}"
    raise AssertionError("unreachable")


_ETA_UNITS = ((86_400, "d", 3600, "h"), (3600, "h", 60, "min"), (60, "min", 1, "s"))


# The least a step under a bandwidth limit moves (TokenBucket.step): smaller costs more calls
# than it smooths.
MIN_STEP = 16 * 1024


class TokenBucket:
    """A bandwidth limit shared by all transfer workers: consume() before sending or after receiving.

    consume() runs on worker threads and sleeps there, never on the GUI thread. Rate 0 means
    unlimited and costs one attribute read. Up to BURST_S seconds of bytes pass at once;
    a request bigger than that goes through and makes later ones wait (debt), so any chunk
    size works. Waits are cut into slices of at most MAX_WAIT_S, so set_rate() (including
    lifting the limit) and `stop` take effect within a quarter second.
    """

    def __init__(
        self,
        rate_bytes_per_s: int = 0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._rate = max(0, rate_bytes_per_s)
        self._tokens = self._burst()
        self._last = clock()

    @property
    def rate(self) -> int:
        return self._rate

    def step(self, wanted: int) -> int:
        """How many bytes to move between two consume() calls: `wanted`, or under a limit at
        most an eighth of a second's worth (not below MIN_STEP). At 100 KB/s, 256 KiB steps
        held progress at 0 % for 2.5 s, then jumped, and the speed graph drew spikes."""
        rate = self._rate
        return wanted if rate == 0 else max(MIN_STEP, min(wanted, rate // 8))

    def set_rate(self, rate_bytes_per_s: int) -> None:
        """Change the limit (0: unlimited); waiting workers see it when they next wake."""
        with self._lock:
            self._refill()
            was_unlimited = self._rate == 0
            self._rate = max(0, rate_bytes_per_s)
            burst = self._burst()
            self._tokens = burst if was_unlimited else min(self._tokens, burst)

    def consume(self, n: int, stop: Callable[[], bool] | None = None) -> None:
        """Block until `n` bytes may pass, or until `stop()` is true (the bytes are then refunded)."""
        if self._rate == 0 or n <= 0:
            return
        with self._lock:
            if self._rate == 0:
                return
            self._refill()
            self._tokens -= n
        while True:
            with self._lock:
                if self._rate == 0:
                    return
                self._refill()
                # Less than a byte of debt is float rounding: waiting for it could mean
                # sleeping 1e-17 s on a clock that cannot add that, forever.
                if self._tokens > -1:
                    return
                wait = -self._tokens / self._rate
            if stop is not None and stop():
                with self._lock:
                    self._tokens = min(self._burst(), self._tokens + n)
                return
            self._sleep(min(max(wait, MIN_WAIT_S), MAX_WAIT_S))

    def _burst(self) -> float:
        return self._rate * BURST_S

    def _refill(self) -> None:
        """Add the tokens earned since the last refill, up to the burst (lock held)."""
        now = self._clock()
        elapsed = max(0.0, now - self._last)
        self._last = now
        if self._rate:
            self._tokens = min(self._burst(), self._tokens + elapsed * self._rate)


class RowSpeed:
    """One queue row's speed: a live rate while it moves, and its average over the time it moved.

    Fed at each progress report with the bytes moved since the row's last feed, on the
    one clock every row and the status bar use, so their numbers agree. A row that stops
    keeps its average. Not thread-safe: the transfer model owns it (GUI thread).
    """

    __slots__ = ("_busy_s", "_meter", "_moved", "_running", "_seen")

    def __init__(self) -> None:
        self._meter: SpeedMeter | None = None
        self._seen = 0.0  # clock time of the last feed
        self._running = False  # as of the last feed
        self._busy_s = 0.0
        self._moved = 0

    def feed(self, delta: int, now: float, running: bool, since: float) -> None:
        """Count `delta` bytes moved up to `now`; `running` is the row's state now.

        `since` is the previous progress report: a row that was not moving at its last
        feed can only have started after it, so its new bytes are timed from there.
        """
        start = self._seen if self._running else max(self._seen, since)
        was_running = self._running
        self._seen, self._running = now, running
        # Busy when the row was moving at the start, or bytes arrived meanwhile (a small
        # file may start and finish between two reports).
        if was_running or delta > 0:
            self._busy_s += max(0.0, now - start)
            self._moved += delta
        if not running:
            self._meter = None
            return
        if self._meter is None:
            self._meter = SpeedMeter()
            self._meter.add(0, min(start, now))
        self._meter.add(delta, now)

    def rate(self, now: float) -> float:
        """Bytes per second over the last few seconds; 0.0 when the row is not moving."""
        return self._meter.rate(now) if self._meter is not None and self._running else 0.0

    @property
    def average(self) -> float:
        """Bytes per second over the time the row was moving.

        0.0 until it has moved for MIN_AVERAGE_S: a file done within a report or two was
        timed by the report interval, not by its transfer, and its number would mislead.
        """
        return max(0.0, self._moved / self._busy_s) if self._busy_s >= MIN_AVERAGE_S else 0.0
