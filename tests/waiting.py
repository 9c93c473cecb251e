"""Waiting in a test for something another thread or process does, with a deadline."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


def wait_for(predicate: Callable[[], bool], timeout: float = 60.0) -> None:
    """Poll `predicate` until true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        pause.wait(0.01)
