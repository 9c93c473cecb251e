"""Checking a file whose ranges arrive out of order, in one pass, from memory.

A big download comes in parallel ranges; the whole object's MD5 (a single-part ETag, or
the MD5 this app stored at upload) needs the bytes in order. Each chunk that continues the
contiguous prefix is hashed as it lands; chunks ahead of it wait in memory until the prefix
reaches them. When too much waits (one range stalled while the others ran on), the check
gives up and the caller reads the file again at the end, as before.
"""

from __future__ import annotations

import threading

from spacesgui.core.multipart import ChecksumVerifier

# What may wait in memory for the prefix: ranges in flight × their size is typical (8 × 8 MiB).
MAX_WAITING = 256 * 1024 * 1024


class PrefixVerifier:
    """Feeds a ChecksumVerifier the bytes of a file, given at their offsets in any order.

    Thread-safe: every range's worker calls `add`. Bytes must not overlap (each range is
    given once, retries continuing where they stopped).
    """

    def __init__(self, verifier: ChecksumVerifier, size: int, max_waiting: int = MAX_WAITING) -> None:
        self._verifier = verifier
        self._size = size
        self._max_waiting = max_waiting
        self._lock = threading.Lock()
        self._next = 0  # the first byte not hashed yet
        self._waiting: dict[int, bytes] = {}
        self._waiting_bytes = 0
        self._hashing = False
        self.gave_up = False

    def add(self, offset: int, chunk: bytes) -> None:
        """Take the bytes at `offset`; hash what continues the prefix (outside the lock)."""
        with self._lock:
            if self.gave_up or not chunk:
                return
            self._waiting[offset] = chunk
            self._waiting_bytes += len(chunk)
            if self._waiting_bytes > self._max_waiting:
                self._give_up()
                return
            if self._hashing:
                return  # the thread hashing now takes it when the prefix reaches it
            self._hashing = True
        while True:  # one thread hashes at a time, so the verifier sees the bytes in order
            with self._lock:
                run: list[bytes] = []
                while (ready := self._waiting.pop(self._next, None)) is not None:
                    run.append(ready)
                    self._next += len(ready)
                    self._waiting_bytes -= len(ready)
                if not run or self.gave_up:
                    self._hashing = False
                    return
            for ready in run:  # other ranges' workers go on meanwhile (hashlib drops the GIL)
                self._verifier.feed(ready)

    def _give_up(self) -> None:
        self.gave_up = True
        self._waiting.clear()
        self._waiting_bytes = 0

    def result(self) -> tuple[bool, str] | None:
        """The verifier's result once all `size` bytes were hashed in order; else None (it
        gave up, or bytes are missing: read the file to check it)."""
        with self._lock:
            if self.gave_up or self._waiting or self._hashing or self._next != self._size:
                return None
            return self._verifier.result()
