"""The request body the engine hands to the store: counts progress, obeys pause and limits.

Runs on worker threads. Progress is the body's read position, so a retry that seeks
back to the start takes its bytes back instead of counting them twice.
"""

from __future__ import annotations

import io
import threading

from spacesgui.core.errors import TransferStopped
from spacesgui.core.throughput import TokenBucket

# Guards the moment a StopFlag makes its Event (see StopFlag), for every flag: brief and rare.
_EVENT_LOCK = threading.Lock()


class StopFlag:
    """Set when the user pauses or cancels one transfer; checked between chunks.

    The Event that `wait` sleeps on is made only when a retry first waits: the engine makes
    a flag for every transfer it starts, 10,000 at once for a folder delete, and an Event
    each cost more than the rest of the bookkeeping.
    """

    __slots__ = ("_event", "_stopped", "reason")

    def __init__(self) -> None:
        self._stopped = False
        self._event: threading.Event | None = None
        self.reason = ""  # "pause", "cancel" or "shutdown"

    def stop(self, reason: str) -> None:
        # A cancel wins over an earlier pause: the user wants the transfer gone.
        if not self.reason or reason == "cancel":
            self.reason = reason
        with _EVENT_LOCK:
            self._stopped = True
            event = self._event
        if event is not None:
            event.set()

    @property
    def stopped(self) -> bool:
        return self._stopped

    def is_set(self) -> bool:
        return self._stopped

    def check(self) -> None:
        if self._stopped:
            raise TransferStopped(self.reason)

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; return True (early) when stopped."""
        with _EVENT_LOCK:
            if self._stopped:
                return True
            if self._event is None:
                self._event = threading.Event()
            event = self._event
        return event.wait(seconds)


# The most one read gives while a bandwidth limit is set (the HTTP layer may ask for more);
# less under a low limit (TokenBucket.step).
LIMITED_READ = 256 * 1024


class CountingBody(io.RawIOBase):
    """Bytes in memory, read by the HTTP layer; `position` is the progress of this request."""

    def __init__(self, data: bytes, flag: StopFlag, bucket: TokenBucket) -> None:
        super().__init__()
        self._view = memoryview(data)
        self._flag = flag
        self._bucket = bucket
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def __len__(self) -> int:
        return len(self._view)

    def read(self, size: int | None = -1) -> bytes:
        # A pause lets a request that is past half way finish (its part is then kept);
        # a cancel, a quit, or a pause early in the request stop it at once.
        if self._flag.stopped and (self._flag.reason != "pause" or self.position * 2 < len(self._view)):
            self._flag.check()
        step = self._bucket.step(LIMITED_READ)  # under a limit, small steps: no long silence, then a burst
        if self._bucket.rate and (size is None or size < 0 or size > step):
            size = step
        end = len(self._view) if size is None or size < 0 else min(len(self._view), self.position + size)
        chunk = self._view[self.position : end]
        if chunk:
            self._bucket.consume(len(chunk), stop=self._flag.is_set)
        self.position = end
        return bytes(chunk)

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self.position + offset
        else:
            target = len(self._view) + offset
        self.position = max(0, min(len(self._view), target))
        return self.position

    def tell(self) -> int:
        return self.position


class Limiter:
    """A semaphore whose size can change while threads wait on it (parts in flight, all files)."""

    def __init__(self, limit: int) -> None:
        self._cond = threading.Condition()
        self._limit = max(1, limit)
        self._used = 0

    def set_limit(self, limit: int) -> None:
        with self._cond:
            self._limit = max(1, limit)
            self._cond.notify_all()

    def acquire(self, flag: StopFlag) -> None:
        """Wait for a free slot; a pause or cancel ends the wait with TransferStopped."""
        with self._cond:
            while self._used >= self._limit:
                flag.check()
                self._cond.wait(0.1)
            self._used += 1

    def release(self) -> None:
        with self._cond:
            self._used -= 1
            self._cond.notify()
