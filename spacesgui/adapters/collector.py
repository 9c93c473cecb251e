"""The garbage collector and the GUI process's big, long-lived heap: keep full collections short.

A full collection walks every container the collector tracks, holding the GIL: every
thread stops, the GUI thread included. Once the app is built and its first S3 client
exists, the GUI process holds ~140,000 tracked containers that live as long as it does
(modules, classes, Qt wrappers, botocore's service model: ~23,000 OrderedDicts). Each full
collection then froze the window for 90 ms on a quiet machine, 200–360 ms on a busy one,
whichever thread set it off (bench/search.py names it). `gc.freeze()` moves everything
alive to a permanent generation the collector never walks, so later full collections only
walk what was made since.

It runs at most once per reason, at a few fixed points (the app built, the first S3
client), so the frozen set is the app's skeleton and stays bounded: a cycle among frozen
objects that dies later is never collected, a one-off cost of at most what those points
held. That is why a search does not freeze (commit 569fa79): freezing on every search
would grow the frozen set, and so the uncollectable garbage, with the app's lifetime.
"""

from __future__ import annotations

import gc
import logging
import threading

log = logging.getLogger(__name__)

_lock = threading.Lock()
_done: set[str] = set()


def freeze_long_lived(reason: str) -> bool:
    """Freeze what is alive now out of the collector's walks, once per `reason`. Any thread.

    A young collection first (cheap) drops the fresh garbage, so little of it is frozen.
    Returns whether it froze now.
    """
    with _lock:
        if reason in _done:
            return False
        _done.add(reason)
    gc.collect(1)
    gc.freeze()
    log.debug("froze %d long-lived objects out of the garbage collector (%s)", gc.get_freeze_count(), reason)
    return True


def frozen_for() -> frozenset[str]:
    """The reasons the process has frozen its heap for so far. Any thread."""
    with _lock:
        return frozenset(_done)
