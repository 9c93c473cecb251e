"""The demo's big Space: ~100,000 objects put straight into moto's in-process store.

One PUT per key through HTTP would take minutes, so the keys are built here and loaded
into the bucket's key store in one go (the bucket itself is created through the S3 API).
A stock moto `FakeKey` costs ~3.5 KB and ~45 µs to build (a spooled temp file, an ACL, a
lock, a state machine each), so these keys are `DemoKey`s instead: ~0.5 KB each, with
their bytes generated on demand from one shared body and their ETag (a real MD5 of those
bytes) computed from a precomputed hash state. Everything a key does not hold itself it
reads from one real `FakeKey` template, so moto code that touches any other attribute
still finds it.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from moto.s3.models import FakeKey

SEED = 20240101
LOGS_SHARE = 0.65  # the flat folder holds this share of the keys
ASSET_FOLDERS = 100
_LOG_SIZES = (180, 1 << 20)  # smallest and largest body of a log object, bytes
_ASSET_SIZES = (1 << 10, 4 << 20)
_SIZE_STEPS = 600  # distinct body lengths per kind; each has one precomputed hash state
_LOG_START = datetime(2024, 1, 1)
_LOG_SPAN = timedelta(days=366)
_ASSET_START = datetime(2023, 3, 1)


@dataclass(frozen=True, slots=True)
class BigSpacePlan:
    """How many keys go where."""

    logs: int
    assets: int

    @property
    def total(self) -> int:
        return self.logs + self.assets


def plan(big_keys: int) -> BigSpacePlan:
    """Split `big_keys` between the flat `logs/` folder and the nested `assets/NN/` folders."""
    big_keys = max(big_keys, 2)
    logs = max(1, round(big_keys * LOGS_SHARE))
    return BigSpacePlan(logs=logs, assets=big_keys - logs)


class SharedBody:
    """Bytes that many objects start with, and the MD5 state at each allowed length."""

    def __init__(self, data: bytes, lengths: list[int]) -> None:
        self.data = data
        self.lengths = sorted(set(lengths))
        self._states: dict[int, Any] = {}
        digest = hashlib.md5(usedforsecurity=False)
        view = memoryview(data)
        done = 0
        for length in self.lengths:
            digest.update(view[done:length])
            done = length
            self._states[length] = digest.copy()

    def etag(self, length: int, tail: bytes) -> str:
        """Return the hex MD5 of `data[:length] + tail` without hashing the shared part."""
        digest = self._states[length].copy()
        digest.update(tail)
        return str(digest.hexdigest())


class DemoKey(FakeKey):
    """A moto object whose content is `body.data[:length]` followed by its own name.

    Deliberately does not run `FakeKey.__init__` (see the module docstring); attributes it
    does not set come from `template`, a real FakeKey of the same bucket and content type.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> DemoKey:
        # BaseModel.__new__ would add every key to moto's global instance list forever.
        return object.__new__(cls)

    def __init__(
        self,
        template: FakeKey,
        body: SharedBody,
        name: str,
        length: int,
        last_modified: datetime,
    ) -> None:
        self._template = template
        self._body = body
        self._length = length
        self._own: bytes | None = None
        self.name = name
        self.last_modified = last_modified
        self.contentsize = length + len(self._tail())
        self._etag = None
        self.disposed = False

    def __getattr__(self, attr: str) -> Any:
        # Only called for attributes this object lacks: share the template's.
        template = self.__dict__.get("_template")
        if template is None or attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(template, attr)

    def _tail(self) -> bytes:
        return b"\n" + self.name.encode("utf-8") + b"\n"

    @property
    def value(self) -> bytes:
        if self._own is not None:
            return self._own
        return self._body.data[: self._length] + self._tail()

    @value.setter
    def value(self, new_value: bytes) -> None:
        if isinstance(new_value, str):
            new_value = new_value.encode("utf-8")
        self._own = bytes(new_value)
        self.contentsize = len(self._own)
        self._etag = None

    @property
    def etag(self) -> str:
        if self._etag is None:
            if self._own is not None:
                self._etag = hashlib.md5(self._own, usedforsecurity=False).hexdigest()
            else:
                self._etag = self._body.etag(self._length, self._tail())
        return f'"{self._etag}"'

    def dispose(self, garbage: bool = False) -> None:
        self.disposed = True  # nothing of its own to close: the body and template are shared

    def __copy__(self) -> DemoKey:
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        return clone

    def __deepcopy__(self, memo: dict[int, Any]) -> DemoKey:
        # moto deep-copies keys when listing versions; the shared parts must stay shared.
        return self.__copy__()


@dataclass(slots=True)
class _Kind:
    template: FakeKey
    body: SharedBody


def _log_body(size: int, rng: random.Random) -> bytes:
    """Return `size` bytes of plausible web-server log lines."""
    paths = ("/", "/api/items", "/api/items/42", "/login", "/static/app.js", "/health")
    lines: list[str] = []
    total = 0
    when = _LOG_START
    while total < size:
        when += timedelta(milliseconds=rng.randrange(5, 900))
        line = (
            f"{when:%Y-%m-%dT%H:%M:%S}.{when.microsecond // 1000:03d}Z "
            f"{rng.choice(('INFO', 'INFO', 'INFO', 'WARN', 'DEBUG'))} "
            f"{rng.choice(('GET', 'GET', 'POST'))} {rng.choice(paths)} "
            f"status={rng.choice((200, 200, 200, 201, 304, 404, 500))} "
            f"ms={rng.randrange(1, 400)} id={rng.getrandbits(48):012x}\n"
        )
        lines.append(line)
        total += len(line)
    return "".join(lines).encode("ascii")[:size]


def _lengths(low: int, high: int) -> list[int]:
    """Return `_SIZE_STEPS` log-spaced lengths from `low` to `high`."""
    ratio = (high / low) ** (1 / (_SIZE_STEPS - 1))
    return sorted({round(low * ratio**i) for i in range(_SIZE_STEPS)})


def _template(account_id: str, region: str, bucket: str, content_type: str) -> FakeKey:
    key = FakeKey(
        name="template",
        value=b"",
        account_id=account_id,
        region_name=region,
        bucket_name=bucket,
        version_id="null",
    )
    key.set_metadata({"Content-Type": content_type})
    return key


def build_keys(
    account_id: str, region: str, bucket: str, big_keys: int
) -> tuple[list[FakeKey], list[FakeKey]]:
    """Return (keys, templates) for the big Space; dispose the templates when it goes away.

    Runs on the seeding thread; ~0.5 s for 100,000 keys.
    """
    rng = random.Random(SEED)
    layout = plan(big_keys)
    log_lengths = _lengths(*_LOG_SIZES)
    asset_lengths = _lengths(*_ASSET_SIZES)
    logs = _Kind(
        _template(account_id, region, bucket, "text/plain; charset=utf-8"),
        SharedBody(_log_body(_LOG_SIZES[1], rng), log_lengths),
    )
    assets = _Kind(
        _template(account_id, region, bucket, "application/octet-stream"),
        SharedBody(rng.randbytes(_ASSET_SIZES[1]), asset_lengths),
    )
    keys: list[FakeKey] = []
    keys.extend(_log_keys(logs, layout.logs, log_lengths, rng))
    keys.extend(_asset_keys(assets, layout.assets, asset_lengths, rng))
    return keys, [logs.template, assets.template]


def _skewed_length(lengths: list[int], rng: random.Random) -> int:
    """Pick a length, small ones more often (most files are small, a few are large)."""
    return lengths[int(len(lengths) * rng.random() ** 2.2)]


def _log_keys(kind: _Kind, count: int, lengths: list[int], rng: random.Random) -> Iterator[FakeKey]:
    step = _LOG_SPAN / max(count, 1)
    for i in range(count):
        when = _LOG_START + step * i
        name = f"logs/{when:%Y-%m-%dT%H-%M-%S}-{i + 1:06d}.log"
        written = when + timedelta(seconds=rng.randrange(1, 300))
        yield DemoKey(kind.template, kind.body, name, _skewed_length(lengths, rng), written)


def _asset_keys(kind: _Kind, count: int, lengths: list[int], rng: random.Random) -> Iterator[FakeKey]:
    span_s = int((datetime(2025, 6, 1) - _ASSET_START).total_seconds())
    for i in range(count):
        name = f"assets/{i % ASSET_FOLDERS:02d}/blob-{i + 1:06d}.bin"
        written = _ASSET_START + timedelta(seconds=rng.randrange(span_s))
        yield DemoKey(kind.template, kind.body, name, _skewed_length(lengths, rng), written)
