"""The garbage collector and the GUI process's big, long-lived heap: keep full collections short.

A full collection walks every container the collector tracks, holding the GIL: every
thread stops, the GUI thread included. Once the app is built and its first S3 client
exists, the GUI process holds ~137,000 tracked containers that live as long as it does
(modules, classes, Qt wrappers, and each S3 client's own copy of botocore's service
model: ~34,000 objects, 23,500 of them OrderedDicts). A full collection then took
85–140 ms of CPU (0.5–2.8 s of wall time on a loaded machine), whichever thread set it
off (bench/search.py names it). `gc.freeze()` moves everything alive to a permanent
generation the collector never walks: the same full collection then takes ~0.2 ms.

It runs at most once per reason, at fixed points (the app built, before its window
shows; the first S3 client), so the frozen set is the app's skeleton and stays bounded:
a cycle among frozen objects that dies later is never collected, a one-off cost of at
most what those points held (measured: nothing; a second client built by a race, then
thrown away, was the one case, and AccountService now builds one per account). That is
why a search does not freeze (commit 569fa79): freezing on every search would grow the
frozen set, and so the uncollectable garbage, with the app's lifetime.

Known and accepted: the first S3 client frozen stays in memory for good if its store is
later dropped (its account edited or removed: AccountService drops the store): frozen
objects are never collected, and botocore's model and the client's caches hold cycles.
That is bounded (one client, ~34,000 objects, frozen once per process) and happens once;
later clients are not frozen, so they are collected as usual.
"""

from __future__ import annotations

import gc
import logging
import threading

log = logging.getLogger(__name__)

_lock = threading.Lock()
_done: set[str] = set()


def freeze_long_lived(reason: str, *, collect_all: bool = False) -> bool:
    """Freeze what is alive now out of the collector's walks, once per `reason`. Any thread.

    A collection first drops the garbage, so little of it is frozen (and kept for good):
    a full one with `collect_all` (a pause as long as the one it prevents: only before the
    window shows), else a young one (cheap; the older garbage it leaves is frozen too).
    Returns whether it froze now.
    """
    with _lock:
        if reason in _done:
            return False
        _done.add(reason)
    # Only the main (GUI) thread collects: garbage holding Qt objects must not be destroyed
    # on a worker (ui/gui_thread_collector.py says why). Elsewhere what is alive is frozen
    # as it is, garbage included: a one-off, as bounded as the rest.
    if threading.current_thread() is threading.main_thread():
        gc.collect(2 if collect_all else 1)
    gc.freeze()
    log.debug("froze %d long-lived objects out of the garbage collector (%s)", gc.get_freeze_count(), reason)
    return True


def frozen_for() -> frozenset[str]:
    """The reasons the process has frozen its heap for so far. Any thread."""
    with _lock:
        return frozenset(_done)
