"""Multipart arithmetic and ETag checks: part sizes, part plans, MD5s, and download verification.

An S3 ETag is the hex MD5 of the object for a single PUT, and for a multipart upload the
MD5 of the concatenated binary part MD5s followed by "-<part count>". To check the latter
the part size must be known or guessed; ChecksumVerifier tries the likely ones at once.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from spacesgui.core.transfers import PartRecord

MiB = 1024 * 1024
GiB = 1024 * MiB
MIN_PART_SIZE = 5 * MiB  # S3's minimum for every part but the last
MAX_PARTS = 10_000
DEFAULT_PART_SIZE = 8 * MiB
DEFAULT_MULTIPART_THRESHOLD = 16 * MiB
MAX_CANDIDATES = 8

# Part sizes other tools upload with, most common first: aws cli/boto3 8 MiB (doubling
# when 10,000 parts are not enough), rclone 5 MiB, Cyberduck 10 MiB, s3cmd 15 MiB, ...
_COMMON_PART_SIZES = tuple(n * MiB for n in (8, 5, 16, 10, 15, 32, 64, 100, 128, 256, 512, 1024, 2048, 4096))

_HEX32 = re.compile(r"^[0-9a-fA-F]{32}$")
_MULTIPART = re.compile(r"^[0-9a-fA-F]{32}-(\d{1,5})$")


def _md5(data: bytes | memoryview = b"") -> Any:
    # usedforsecurity=False: MD5 here checks integrity, and FIPS-mode builds refuse it otherwise.
    return hashlib.md5(data, usedforsecurity=False)


def md5_digest(data: bytes | memoryview) -> bytes:
    """Return the binary MD5 of `data` (what multipart_etag and PartHasher take)."""
    return bytes(_md5(data).digest())


def md5_hex(data: bytes | memoryview) -> str:
    """Return the hex MD5 of `data`, as a plain ETag shows it."""
    return str(_md5(data).hexdigest())


def md5_b64(data: bytes | memoryview) -> str:
    """Return the base64 MD5 of `data`, as the Content-MD5 header wants it."""
    return base64.b64encode(md5_digest(data)).decode("ascii")


def choose_part_size(size: int, preferred: int = DEFAULT_PART_SIZE) -> int:
    """Return a part size of at least 5 MiB and `preferred` that needs at most 10,000 parts.

    Rounded up to a whole MiB.
    """
    least = max(MIN_PART_SIZE, preferred, -(-size // MAX_PARTS))
    return -(-least // MiB) * MiB


def plan_parts(size: int, part_size: int) -> list[PartRecord]:
    """Split `size` bytes into parts numbered from 1; an empty file is one empty part."""
    if part_size <= 0:
        raise ValueError(f"part size must be positive, not {part_size}")
    if size <= 0:
        return [PartRecord(1, 0, 0, "")]
    return [
        PartRecord(number, offset, min(part_size, size - offset), "")
        for number, offset in enumerate(range(0, size, part_size), start=1)
    ]


def strip_etag(etag: str) -> str:
    """Remove the quotes and weak-validator "W/" an ETag header may carry."""
    etag = etag.strip()
    if etag[:2] in ("W/", "w/"):
        etag = etag[2:]
    return etag.strip('"')


def is_md5_etag(etag: str) -> bool:
    """Tell whether an ETag is a plain MD5 of the object (32 hex digits)."""
    return bool(_HEX32.match(strip_etag(etag)))


def etag_part_count(etag: str) -> int:
    """Return N for a multipart ETag "<hex>-N", else 0."""
    match = _MULTIPART.match(strip_etag(etag))
    return int(match[1]) if match else 0


def multipart_etag(part_md5_digests: list[bytes]) -> str:
    """Return the ETag S3 gives a multipart upload with these binary part MD5s, in part order."""
    return f"{_md5(b''.join(part_md5_digests)).hexdigest()}-{len(part_md5_digests)}"


def candidate_part_sizes(size: int, part_count: int, known: int = 0) -> list[int]:
    """Return part sizes that split `size` bytes into exactly `part_count` parts, likeliest first.

    `known` (from the uploader's metadata) first when consistent, then other tools'
    defaults, then size / part_count rounded up to a MiB; at most MAX_CANDIDATES. With one
    part every part size gives the same ETag, so one candidate is enough.
    """
    if part_count < 1:
        return []

    def fits(part_size: int) -> bool:
        return part_size > 0 and max(1, -(-size // part_size)) == part_count

    per_part = -(-size // part_count)
    estimate = max(MiB, -(-per_part // MiB) * MiB)
    found = [known] if fits(known) else []
    if part_count == 1:
        return found or [max(estimate, size)]
    found += [ps for ps in _COMMON_PART_SIZES if fits(ps)]
    if fits(estimate):
        found.append(estimate)
    unique = list(dict.fromkeys(found))
    if len(unique) > MAX_CANDIDATES and estimate in unique[MAX_CANDIDATES:]:
        unique = [*unique[: MAX_CANDIDATES - 1], estimate]
    return unique[:MAX_CANDIDATES]


def describe_size(nbytes: int) -> str:
    """Name a part size the way people set it: "8 MiB", "1 GiB", or bytes when uneven."""
    if nbytes and nbytes % GiB == 0:
        return f"{nbytes // GiB} GiB"
    if nbytes and nbytes % MiB == 0:
        return f"{nbytes // MiB} MiB"
    return f"{nbytes:,} bytes"


@dataclass(slots=True)
class _SplitHasher:
    """Hash a stream as parts of `part_size`: one MD5 per part, 16 bytes kept per finished part."""

    part_size: int
    digests: list[bytes] = field(default_factory=list)
    current: Any = field(default_factory=_md5)
    filled: int = 0

    def feed(self, view: memoryview) -> None:
        while view:
            take = min(self.part_size - self.filled, len(view))
            self.current.update(view[:take])
            self.filled += take
            view = view[take:]
            if self.filled == self.part_size:
                self.digests.append(self.current.digest())
                self.current = _md5()
                self.filled = 0

    def etag(self) -> str:
        tail = [self.current.digest()] if self.filled or not self.digests else []
        return multipart_etag(self.digests + tail)


class ChecksumVerifier:
    """Check downloaded bytes against what the server says about the object, in one pass.

    Feed the whole file in order, in chunks of any size, then call result(). What is
    checked, first that applies:
    - the MD5 this app stored in the object's metadata at upload ("MD5 stored at upload");
    - a plain-MD5 ETag ("ETag (MD5)");
    - a multipart ETag, hashing every candidate part size side by side, so a 1 GiB file
      is read once and memory stays at one MD5 per candidate plus 16 bytes per part
      ("ETag (MD5 of 12 parts of 8 MiB)").
    The byte count is always checked. When no checksum applies (an encrypted-object ETag,
    or a multipart ETag whose part size is none of the candidates and was not `known`),
    the result is (True, "size only"): a size-correct file is accepted, not failed for a
    part size the uploader chose and nobody recorded. A `known_part_size` that fits the
    part count but does not reproduce the ETag is a real mismatch.
    Not thread-safe: one verifier per file, on the thread reading it.
    """

    def __init__(self, size: int, etag: str, stored_md5_hex: str = "", known_part_size: int = 0) -> None:
        self._size = size
        self._etag = strip_etag(etag).lower()
        self._seen = 0
        self._whole: Any = None
        self._splits: list[_SplitHasher] = []
        self._how = "size only"
        self._expected = ""
        self._against = ""
        self._known = 0
        if _HEX32.match(stored_md5_hex.strip()):
            self._whole, self._expected = _md5(), stored_md5_hex.strip().lower()
            self._how, self._against = "MD5 stored at upload", "the MD5 stored at upload"
        elif _HEX32.match(self._etag):
            self._whole, self._expected = _md5(), self._etag
            self._how, self._against = "ETag (MD5)", "the ETag"
        elif parts := etag_part_count(self._etag):
            candidates = candidate_part_sizes(size, parts, known_part_size)
            self._splits = [_SplitHasher(ps) for ps in candidates]
            self._known = known_part_size if candidates[:1] == [known_part_size] else 0

    def feed(self, data: bytes | memoryview) -> None:
        """Hash the next bytes of the file."""
        self._seen += len(data)
        if self._whole is not None:
            self._whole.update(data)
        if self._splits:
            view = memoryview(data)
            for split in self._splits:
                split.feed(view)

    def result(self) -> tuple[bool, str]:
        """Return (ok, how): how the bytes were checked, or why they do not match, in words."""
        if self._seen != self._size:
            return False, f"{self._seen:,} bytes arrived, {self._size:,} expected"
        if self._whole is not None:
            if self._whole.hexdigest() == self._expected:
                return True, self._how
            return False, f"MD5 differs from {self._against}"
        for split in self._splits:
            if split.etag() == self._etag:
                parts = etag_part_count(self._etag)
                if parts == 1:
                    return True, "ETag (MD5 of 1 part)"
                return True, f"ETag (MD5 of {parts} parts of {describe_size(split.part_size)})"
        if self._known:
            return False, f"part MD5s differ from the ETag (parts of {describe_size(self._known)})"
        return True, "size only"


class PartHasher:
    """Collect part MD5s as parts finish, in any order and from any thread; give the ETag.

    Uploads compare etag() with what CompleteMultipartUpload returns.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._digests: dict[int, bytes] = {}

    def add(self, number: int, digest: bytes) -> None:
        """Record part `number`'s binary MD5 (replacing an earlier try of the same part)."""
        with self._lock:
            self._digests[number] = digest

    def add_etag(self, number: int, etag: str) -> None:
        """Record a part by its plain-MD5 ETag, as UploadPart and ListParts return it."""
        plain = strip_etag(etag)
        if not _HEX32.match(plain):
            raise ValueError(f"part {number} ETag {etag!r} is not an MD5")
        self.add(number, bytes.fromhex(plain))

    def etag(self) -> str:
        """Return the object's multipart ETag; parts must be numbered 1..N without gaps."""
        with self._lock:
            digests = dict(self._digests)
        if sorted(digests) != list(range(1, len(digests) + 1)):
            raise ValueError(f"parts are not numbered 1..{len(digests)}: {sorted(digests)}")
        return multipart_etag([digests[n] for n in range(1, len(digests) + 1)])

    def matches(self, etag: str) -> bool:
        """Tell whether the server's ETag for the completed upload is the one these parts give."""
        return strip_etag(etag).lower() == self.etag()
