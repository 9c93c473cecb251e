"""What the transfer graph draws: bytes moved each second, by direction, over the last minutes."""

from __future__ import annotations

import math
from dataclasses import dataclass

from spacesgui.core.formatting import human_size

HISTORY_S = 300  # five minutes of one-second samples
SCALE_STEPS = (1, 2, 5)  # a scale top reads 1, 2 or 5 times a power of ten
MIN_SCALE = 10_000  # bytes/s: an idle or trickling graph is not scaled up to look busy


@dataclass(frozen=True, slots=True)
class Sample:
    """Bytes moved in one whole second."""

    uploaded: int
    downloaded: int


class ThroughputHistory:
    """Bytes moved in each of the last `seconds` whole seconds, uploads and downloads apart.

    Fed the engine's running totals (counters of bytes moved since it started) with a
    clock reading; what moved since the previous reading lands in the second of `now`.
    The first reading is a baseline: what moved before anyone looked is not history.
    A counter that goes back (a retried part) counts nothing until it passes its old
    value. Constant memory; not thread-safe (the transfer service owns it, GUI thread).
    """

    def __init__(self, seconds: int = HISTORY_S) -> None:
        if seconds < 1:
            raise ValueError("a history needs at least one second")
        self.seconds = seconds
        self._up = [0] * seconds
        self._down = [0] * seconds
        self._stamps = [-1] * seconds  # which whole second each slot holds
        self._last: tuple[int, int] | None = None

    def record(self, uploaded: int, downloaded: int, now: float) -> None:
        """Take the running totals at clock time `now` (seconds, monotonic)."""
        if self._last is None:
            self._last = (uploaded, downloaded)
            return
        last_up, last_down = self._last
        up, down = max(0, uploaded - last_up), max(0, downloaded - last_down)
        self._last = (max(uploaded, last_up), max(downloaded, last_down))
        if not up and not down:
            return
        second = math.floor(now)
        slot = second % self.seconds
        if self._stamps[slot] != second:
            self._stamps[slot], self._up[slot], self._down[slot] = second, 0, 0
        self._up[slot] += up
        self._down[slot] += down

    def samples(self, now: float) -> list[Sample]:
        """One Sample per whole second before the one `now` is in, oldest first; seconds never fed read 0."""
        current = math.floor(now)
        result = []
        for second in range(current - self.seconds, current):
            slot = second % self.seconds
            if self._stamps[slot] == second:
                result.append(Sample(self._up[slot], self._down[slot]))
            else:
                result.append(Sample(0, 0))
        return result


def scale_top(peak: float) -> int:
    """The top of a graph's scale: the smallest 1, 2 or 5 × 10ⁿ bytes/s at or above `peak`."""
    peak = max(float(MIN_SCALE), peak)
    power = 10 ** math.floor(math.log10(peak))
    for step in (*SCALE_STEPS, 10):
        if step * power >= peak:
            return int(step * power)
    raise AssertionError("unreachable")


def scale_text(bytes_per_s: int) -> str:
    """A scale label: “20 MB/s”, “500 KB/s” (whole numbers; scale_top makes them round)."""
    text = human_size(bytes_per_s)
    number, _, unit = text.partition(" ")
    if number.endswith(".0"):
        number = number[:-2]
    return f"{number} {unit}/s"
