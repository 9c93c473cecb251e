"""Checking a file whose ranges arrive out of order, in one pass, from memory.

A big download comes in parallel ranges; the whole object's MD5 (a single-part ETag, or
the MD5 this app stored at upload) needs the bytes in order. Each chunk that continues the
contiguous prefix is hashed as it lands; chunks ahead of it wait in memory until the prefix
reaches them.

When the memory allowed is full, ranges ahead of the prefix wait for it to catch up
instead of running on. MD5 runs on one thread at a time (~700 MB/s here); on a fast link
the ranges outrun it, and before this wait the check gave up 170–360 MiB into a 1 GiB
download and read the whole file again at the end: a second MD5 pass, 1.4 CPU-s more.
Only when the prefix stops moving (its range's worker stalled or starved of a slot) does
the check give up, and the caller reads the file again at the end, as before.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from spacesgui.core.multipart import ChecksumVerifier

# What may wait in memory for the prefix, per file: twice the ranges in flight (8 × 8 MiB).
MAX_WAITING = 128 * 1024 * 1024
# The prefix not moving for this long while ranges wait: give up and let them run on.
STALL_S = 5.0
# How often a waiting range looks at its stop flag and the stall clock.
_WAKE_S = 0.1


def _never() -> bool:
    return False


class PrefixVerifier:
    """Feeds a ChecksumVerifier the bytes of a file, given at their offsets in any order.

    Thread-safe: every range's worker calls `add`. Bytes must not overlap (each range is
    given once, retries continuing where they stopped). `stop` says the transfer was
    paused or cancelled: waits end, and the check gives up (a resume reads the file).
    """

    def __init__(
        self, verifier: ChecksumVerifier, size: int, *, max_waiting: int | None = None,
        stall_s: float | None = None, stop: Callable[[], bool] = _never,
    ) -> None:  # fmt: skip
        self._verifier = verifier
        self._size = size
        self._max_waiting = MAX_WAITING if max_waiting is None else max_waiting
        self._stall_s = STALL_S if stall_s is None else stall_s
        self._stop = stop
        self._lock = threading.Lock()
        self._moved = threading.Condition(self._lock)  # the prefix moved, or the check gave up
        self._next = 0  # the first byte not handed to the hasher yet
        self._waiting: dict[int, bytes] = {}
        self._held = 0  # bytes in memory: waiting, or taken by the hasher and not fed yet
        self._moved_at = time.monotonic()
        self._hashing = False
        self._room_waiters = 0
        self.gave_up = False

    @property
    def held_bytes(self) -> int:
        """Bytes held in memory now, waiting for the prefix or being hashed."""
        with self._lock:
            return self._held

    def add(self, offset: int, chunk: bytes) -> None:
        """Take the bytes at `offset`; hash what continues the prefix (outside the lock).

        A chunk ahead of the prefix waits here while the memory allowed is full.
        """
        with self._lock:
            if not chunk or not self._room_for(offset, len(chunk)):
                return
            self._waiting[offset] = chunk
            self._held += len(chunk)
            if self._hashing:
                return  # the thread hashing now takes it when the prefix reaches it
            self._hashing = True
        self._hash_ready()

    def abandon(self) -> None:
        """Give up the check (a range failed): ranges waiting go on, the file is read at the end."""
        with self._lock:
            self._give_up()

    def result(self) -> tuple[bool, str] | None:
        """The verifier's result once all `size` bytes were hashed in order; else None (it
        gave up, or bytes are missing: read the file to check it)."""
        with self._lock:
            if self.gave_up or self._waiting or self._hashing or self._next != self._size:
                return None
            return self._verifier.result()

    def _room_for(self, offset: int, size: int) -> bool:
        """Wait (lock held) until `size` bytes at `offset` may be kept; False once given up.

        The prefix's own chunk never waits: it is the one the others wait for.
        """
        while not self.gave_up and offset != self._next and self._held + size > self._max_waiting:
            if self._stop() or time.monotonic() - self._moved_at > self._stall_s:
                self._give_up()
                break
            self._room_waiters += 1
            try:
                self._moved.wait(_WAKE_S)
            finally:
                self._room_waiters -= 1
        return not self.gave_up

    def _hash_ready(self) -> None:
        """Hash every chunk that continues the prefix, including those added meanwhile.

        One thread hashes at a time, so the verifier sees the bytes in order; the others'
        workers go on meanwhile (hashlib drops the GIL).
        """
        while True:
            with self._lock:
                stopped = self._stop()
                ready = None if stopped or self.gave_up else self._waiting.pop(self._next, None)
                if ready is None:
                    if stopped:
                        self._give_up()
                    self._hashing = False
                    self._moved.notify_all()  # a waiting chunk may be the prefix now
                    return
                self._next += len(ready)
                self._moved_at = time.monotonic()
            self._verifier.feed(ready)
            with self._lock:
                if not self.gave_up:
                    self._held -= len(ready)
                # Waking the waiters at each chunk cost a wake-up per chunk per range;
                # they are woken once a quarter of the memory is free.
                if self._room_waiters and self._held <= self._max_waiting - self._max_waiting // 4:
                    self._moved.notify_all()

    def _give_up(self) -> None:
        """Stop checking (lock held): free what waits, and wake the ranges waiting for room."""
        self.gave_up = True
        self._waiting.clear()
        self._held = 0
        self._moved.notify_all()
