"""AWS Signature Version 4 for the fast path's requests, exactly as botocore signs them there.

botocore's S3SigV4Auth builds an AWSRequest whose headers are an email.message object:
~0.2 ms of Python a request, a third of the client's CPU in a folder rename's CopyObject
(bench/operations.py). This computes the same thing directly, for the one configuration
the fast path uses (S3, UNSIGNED-PAYLOAD, a URL whose path and query are already quoted):
same headers added (X-Amz-Date, X-Amz-Content-SHA256, X-Amz-Security-Token), same
canonical request, same Authorization header. tests/unit/test_s3_signer.py compares the
two header by header for awkward keys, queries, session tokens and ports; rclone, which
checks every signature, serves the integration tests.

The signing key (four HMACs) is kept for the day it belongs to, and the Host header for each
endpoint. Thread-safe.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlsplit

UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
AMZ_DATE = "%Y%m%dT%H%M%SZ"
# Headers botocore leaves out of a signature (botocore.auth.SIGNED_HEADERS_BLACKLIST).
NOT_SIGNED = frozenset(
    {
        "baggage", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization",
        "te", "traceparent", "tracestate", "trailer", "transfer-encoding", "upgrade", "user-agent",
        "x-amzn-trace-id",
    }
)  # fmt: skip
# What signing sets; a caller's own value of any of these is replaced, as botocore does.
_SET_BY_SIGNING = frozenset({"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def host_header(url: str) -> str:
    """The Host value botocore signs: the lower-case host, its port unless the default."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{parts.port}"
    return host


def canonical_query(query: str) -> str:
    """The query as botocore canonicalizes a URL's: pairs sorted, kept as they are quoted."""
    if not query:
        return ""
    pairs = sorted(pair.partition("=")[::2] for pair in query.split("&"))
    return "&".join(f"{key}={value}" for key, value in pairs)


class S3Signer:
    """Signs S3 requests with SigV4 and UNSIGNED-PAYLOAD; see the module docstring."""

    def __init__(self, access_key: str, secret_key: str, token: str, region: str) -> None:
        self._access_key = access_key
        self._secret = f"AWS4{secret_key}".encode()
        self._token = token
        self._region = region or "us-east-1"
        self._lock = threading.Lock()
        self._day_mac: tuple[str, hmac.HMAC] = ("", hmac.new(b"", digestmod=hashlib.sha256))
        self._hosts: dict[str, str] = {}  # scheme://authority → its Host header (few: one per endpoint)
        # Seconds added to this computer's clock: the server's Date minus it, set when a
        # request was refused as RequestTimeTooSkewed (see s3_fast_data._correct_clock).
        self.skew_s = 0.0
        self._stamp: tuple[int, str] = (-1, "")  # the last second signed in, as X-Amz-Date writes it

    def sign(
        self, method: str, url: str, headers: Mapping[str, str], now: datetime | None = None
    ) -> dict[str, str]:
        """`headers` with the signature headers added (the caller's own names kept)."""
        timestamp = now.strftime(AMZ_DATE) if now is not None else self._timestamp()
        signed: dict[str, str] = {}
        canonical: dict[str, str] = {}  # lower-case name → value as signed
        for name, value in headers.items():
            lower = name.lower()
            if lower in _SET_BY_SIGNING:
                continue
            if lower == "date":
                raise ValueError("a Date header would change what is signed; the fast path sends none")
            signed[name] = value
            if lower not in NOT_SIGNED:
                canonical[lower] = " ".join(value.split())
        signed["X-Amz-Date"] = canonical["x-amz-date"] = timestamp
        if self._token:
            signed["X-Amz-Security-Token"] = self._token
            canonical["x-amz-security-token"] = " ".join(self._token.split())
        signed["X-Amz-Content-SHA256"] = canonical["x-amz-content-sha256"] = UNSIGNED_PAYLOAD
        origin, path, query = split_url(url)
        if "host" not in canonical:
            host = self._hosts.get(origin)
            if host is None:
                host = self._hosts[origin] = host_header(origin)
            canonical["host"] = host
        names = sorted(canonical)
        signed_names = ";".join(names)
        request = "\n".join(
            (
                method.upper(),
                path,
                canonical_query(query),
                "".join(f"{name}:{canonical[name]}\n" for name in names),
                signed_names,
                UNSIGNED_PAYLOAD,
            )
        )
        day = timestamp[:8]
        scope = f"{day}/{self._region}/s3/aws4_request"
        to_sign = f"AWS4-HMAC-SHA256\n{timestamp}\n{scope}\n{hashlib.sha256(request.encode()).hexdigest()}"
        mac = self._mac_for(day).copy()  # the day's key set up once; a copy per request
        mac.update(to_sign.encode())
        signed["Authorization"] = (
            f"AWS4-HMAC-SHA256 Credential={self._access_key}/{scope}, "
            f"SignedHeaders={signed_names}, Signature={mac.hexdigest()}"
        )
        return signed

    def _timestamp(self) -> str:
        """Now (corrected by skew_s) as X-Amz-Date; formatted once a second, not per request
        (strftime was 40% of a signature's time)."""
        second = int(time.time() + self.skew_s)
        stamp = self._stamp  # one read: another thread may replace it (a tuple, whole)
        if stamp[0] != second:
            stamp = self._stamp = (second, time.strftime(AMZ_DATE, time.gmtime(second)))
        return stamp[1]

    def _mac_for(self, day: str) -> hmac.HMAC:
        """An HMAC keyed with `day`'s signing key, nothing fed yet (copy it, never feed it)."""
        with self._lock:
            if self._day_mac[0] == day:
                return self._day_mac[1]
        key = self._secret
        for part in (day, self._region, "s3", "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        mac = hmac.new(key, digestmod=hashlib.sha256)
        with self._lock:
            self._day_mac = (day, mac)
        return mac


def split_url(url: str) -> tuple[str, str, str]:
    """`url`'s scheme and authority, path and query, as urlsplit gives them for the fast path's
    URLs (already quoted: no fragment, no character urlsplit would strip), at a quarter of its cost."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}", parts.path, parts.query
    end = len(rest)
    for mark in "/?#":
        found = rest.find(mark)
        if 0 <= found < end:
            end = found
    target = rest[end:].partition("#")[0]
    path, _, query = target.partition("?")
    return f"{scheme}://{rest[:end]}", path, query
