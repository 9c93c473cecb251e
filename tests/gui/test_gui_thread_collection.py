"""Garbage is collected on the GUI thread while the window runs, never on a worker thread.

A worker's collection that destroys Qt objects can deadlock the GUI thread (or crash it):
ui/gui_thread_collector.py says how.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable

from pytestqt.qtbot import QtBot

from spacesgui.app import App


class _Cycle:
    """Garbage only a collection frees (it refers to itself); says which thread freed it."""

    def __init__(self, freed_on: list[str]) -> None:
        self.me = self
        self.freed_on = freed_on

    def __del__(self) -> None:
        self.freed_on.append(threading.current_thread().name)


def _allocate_past_every_threshold(kept: list[list[list[int]]]) -> None:
    # Tracked containers, what the collector counts, kept alive: the count it compares with
    # its threshold is of containers made less those freed since the last collection.
    for _ in range(20):
        kept.append([[] for _ in range(5_000)])


def test_garbage_left_while_a_worker_allocates_is_freed_on_the_gui_thread(
    build_window: Callable[[], App], qtbot: QtBot
) -> None:
    app = build_window()
    assert app.collector is not None
    assert app.collector.running
    freed_on: list[str] = []
    _Cycle(freed_on)  # garbage at once
    kept: list[list[list[int]]] = []
    worker = threading.Thread(target=_allocate_past_every_threshold, args=(kept,), name="a worker")
    worker.start()
    worker.join(60)
    assert freed_on == []  # the worker's allocations set off no collection
    qtbot.waitUntil(lambda: freed_on != [], timeout=30_000)  # the GUI thread's timer did
    assert freed_on == [threading.main_thread().name]


def test_shutting_down_hands_collection_back_to_python(build_window: Callable[[], App]) -> None:
    app = build_window()
    assert not gc.isenabled()
    app.shutdown()
    assert gc.isenabled()
