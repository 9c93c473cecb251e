"""Time each request a boto3 client makes (listings unless told): sent, answered (body read), parsed.

Hooks botocore's public event system, so the same clock works on a plain boto3 client
and on the client inside spacesgui's S3Store. Handlers run on whichever thread makes the
call; requests are paired per thread.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

OPERATIONS = ("ListObjectsV2", "ListObjects")


@dataclass(frozen=True, slots=True)
class RequestTimes:
    sent: float  # perf_counter() just before the request went out (signed)
    answered: float  # the whole response body had arrived
    parsed: float  # botocore (and any custom parser) had turned it into a dict
    operation: str = ""  # "ListObjectsV2", "CopyObject", …

    @property
    def server_s(self) -> float:
        return self.answered - self.sent

    @property
    def parse_s(self) -> float:
        return self.parsed - self.answered


class RequestClock:
    """Records RequestTimes for `operations` (ListObjects(V2) unless told) on `events` until `close()`."""

    def __init__(self, events: Any, operations: Sequence[str] = OPERATIONS) -> None:
        self._events = events
        self._operations = tuple(operations)
        self._lock = threading.Lock()
        self._open: dict[int, list[float]] = {}
        self.requests: list[RequestTimes] = []
        # Sent: as late as possible; answered: before any other before-parse handler (spacesgui
        # parses listings there itself); parsed: once the client call has its result.
        self._hooks = [
            ("before-send", self._on_sent, events.register_last),
            ("before-parse", self._on_answered, events.register_first),
            ("after-call", self._on_parsed, events.register),
        ]
        for stage, handler, register in self._hooks:
            for operation in self._operations:
                register(f"{stage}.s3.{operation}", handler, unique_id=self._uid(stage, operation))

    def _uid(self, stage: str, operation: str) -> str:
        return f"bench-clock-{id(self)}-{stage}-{operation}"

    def close(self) -> None:
        for stage, handler, _register in self._hooks:
            for operation in self._operations:
                self._events.unregister(
                    f"{stage}.s3.{operation}", handler, unique_id=self._uid(stage, operation)
                )

    def _on_sent(self, **_: Any) -> None:  # must return None, or botocore takes it as the response
        with self._lock:
            self._open[threading.get_ident()] = [time.perf_counter()]

    def _on_answered(self, **_: Any) -> None:
        with self._lock:
            marks = self._open.get(threading.get_ident())
            if marks is not None and len(marks) == 1:
                marks.append(time.perf_counter())

    def _on_parsed(self, event_name: str = "", **_: Any) -> None:
        now = time.perf_counter()
        with self._lock:
            marks = self._open.pop(threading.get_ident(), None)
            if marks is not None and len(marks) == 2:
                self.requests.append(RequestTimes(marks[0], marks[1], now, event_name.rsplit(".", 1)[-1]))

    def median_server_s(self) -> float:
        return statistics.median(r.server_s for r in self.requests) if self.requests else 0.0

    def median_parse_s(self) -> float:
        return statistics.median(r.parse_s for r in self.requests) if self.requests else 0.0
