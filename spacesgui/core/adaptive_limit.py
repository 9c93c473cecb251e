"""How many requests to have in flight: start high, halve on throttling, creep back up.

The policy of TCP's congestion control (additive increase, multiplicative decrease),
counted in requests. A burst of 503 Slow Down answers to requests that were all sent at
once is one signal, not many: only a request started after the last cut can cut again,
so eight refusals of eight parallel requests halve the limit once, not eight times.

Pure bookkeeping; the caller serialises calls (the transfer process's event loop).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Spaces' documented limit of concurrent PUTs to one object; parts go no wider.
MAX_PARTS_PER_OBJECT = 10


@dataclass
class AdaptiveLimit:
    """The current limit between `floor` and `ceiling`; see the module docstring."""

    ceiling: int
    floor: int = 1
    limit: int = field(default=0)
    generation: int = 0  # bumped at each cut; a request remembers the one it started in
    _clean: int = 0  # successes since the limit last changed

    def __post_init__(self) -> None:
        self.ceiling = max(1, self.ceiling)
        self.floor = max(1, min(self.floor, self.ceiling))
        self.limit = self.ceiling if self.limit <= 0 else max(self.floor, min(self.limit, self.ceiling))

    def throttled(self, started_in: int) -> bool:
        """A request started in generation `started_in` was refused as too many; True if that cut."""
        if started_in != self.generation:
            return False  # an answer to the burst already counted
        self.limit = max(self.floor, self.limit // 2)
        self.generation += 1
        self._clean = 0
        return True

    def succeeded(self) -> None:
        """One request went through: after `limit` clean answers in a row, allow one more."""
        self._clean += 1
        if self._clean >= self.limit and self.limit < self.ceiling:
            self.limit += 1
            self._clean = 0

    def set_ceiling(self, ceiling: int) -> None:
        self.ceiling = max(1, ceiling)
        self.floor = min(self.floor, self.ceiling)
        self.limit = min(self.limit, self.ceiling)
