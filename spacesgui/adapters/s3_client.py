"""Build one configured boto3 client per account.

The settings here answer known traps: botocore >= 1.36 adds CRC32 checksum headers that
Spaces and other S3-compatible stores reject, so checksums are sent only when required
and Content-MD5 is put back on the calls that need one.

Payloads are not signed (UNSIGNED-PAYLOAD): over plain http botocore would otherwise
read every upload body twice, once to hash it and once to send it. Every upload carries
Content-MD5 instead, which the server checks.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Literal

import boto3
from botocore.config import Config
from botocore.exceptions import HTTPClientError

from spacesgui.adapters import s3_fast_listing
from spacesgui.adapters.isolated_session import isolated_session
from spacesgui.adapters.tls_trust import botocore_verify
from spacesgui.core.accounts import Account, AddressingStyle, Credentials, check_endpoint_url
from spacesgui.core.errors import SpacesError, TransferStopped

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# Calls whose body S3 requires an integrity header for; botocore now sends CRC32 there,
# which several S3-compatible servers reject, so we send Content-MD5 instead.
MD5_OPERATIONS = (
    "PutBucketAcl", "PutObjectAcl", "PutBucketCors", "PutBucketPolicy",
    "PutBucketLifecycleConfiguration", "DeleteObjects",
    # Space settings writes: DigitalOcean, MinIO and Ceph want Content-MD5 on each (the
    # deletes have no body; the MD5 of nothing is sent, which every server accepts).
    "PutBucketVersioning", "PutBucketLogging", "DeleteBucketLifecycle", "DeleteBucketPolicy",
    "DeleteBucketCors",
)  # fmt: skip

CONNECT_TIMEOUT_S = 5
READ_TIMEOUT_S = 60
TOTAL_MAX_ATTEMPTS = 3


def _raw_timestamp(value: str) -> str:
    """Keep timestamps as text: botocore's dateutil parsing dominates listing time."""
    return value


def parse_timestamp(value: Any) -> float:
    """Turn an S3 timestamp into a POSIX timestamp; 0.0 when there is none or it is unreadable.

    Accepts a datetime, ISO-8601 text (listings: "2026-11-24T07:00:00.000Z") and RFC-1123
    text (HeadObject/GetObject headers: "Tue, 24 Nov 2026 07:00:00 GMT"). Times without a
    zone are taken as UTC, as S3 means them.
    """
    if isinstance(value, datetime):
        return _as_utc(value).timestamp()
    if not value:
        return 0.0
    text = str(value).strip()
    if text[:1].isalpha():  # a header's date: most often the one form _http_date reads
        quick = _http_date(text)
        if quick is not None:
            return quick
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return _as_utc(datetime.fromisoformat(text)).timestamp()
    except (ValueError, OverflowError, OSError):
        pass
    try:
        return _as_utc(parsedate_to_datetime(text)).timestamp()
    except (ValueError, TypeError, IndexError, OverflowError, OSError):
        return 0.0


_MONTHS = {name: number for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1
)}  # fmt: skip


def _http_date(text: str) -> float | None:
    """An HTTP date as S3 servers send it ("Tue, 24 Nov 2026 07:00:00 GMT"), read without
    email.utils at a third of its cost (a GET of each small file has one); None for any other
    form, which the slow path reads."""
    parts = text.split()
    if len(parts) != 6 or parts[5] != "GMT" or parts[2] not in _MONTHS:
        return None
    clock = parts[4].split(":")
    if len(clock) != 3:
        return None
    try:
        hour, minute, second = int(clock[0]), int(clock[1]), int(clock[2])
        moment = datetime(int(parts[3]), _MONTHS[parts[2]], int(parts[1]), hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None
    return moment.timestamp()


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _raise_our_errors_without_retry(caught_exception: BaseException | None = None, **_: Any) -> None:
    """`needs-retry` handler: an error a request body raised ends the call at once, as itself.

    botocore wraps whatever a body's read() raises while sending in HTTPClientError, and
    its standard retry mode retries that as a network failure. A body that raises
    TransferStopped (pause, cancel) or a core error (LocalFileChanged) means it.
    """
    if isinstance(caught_exception, HTTPClientError):
        inner = caught_exception.kwargs.get("error")
        if isinstance(inner, SpacesError | TransferStopped):
            raise inner from caught_exception


def _replace_checksum_with_md5(request: Any, **_: Any) -> None:
    """Send Content-MD5 (and no x-amz-checksum-*) on calls that need an integrity header."""
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    if not isinstance(body, bytes | bytearray):
        return
    for header in list(request.headers.keys()):
        if header.lower().startswith(("x-amz-checksum-", "x-amz-sdk-checksum-")):
            del request.headers[header]
    digest = hashlib.md5(body, usedforsecurity=False).digest()
    request.headers["Content-MD5"] = base64.b64encode(digest).decode()


_ADDRESSING: dict[AddressingStyle, Literal["auto", "virtual", "path"]] = {
    AddressingStyle.AUTO: "auto",
    AddressingStyle.PATH: "path",
    AddressingStyle.VIRTUAL: "virtual",
}


def make_client(
    account: Account,
    credentials: Credentials,
    *,
    max_pool_connections: int = 16,
    connect_timeout: float = CONNECT_TIMEOUT_S,
    read_timeout: float = READ_TIMEOUT_S,
    signature_version: Literal["s3v4", "s3"] = "s3v4",
    attempts: int = TOTAL_MAX_ATTEMPTS,
) -> S3Client:
    """Return a thread-safe S3 client for `account` (one per account; share it).

    `read_timeout` bounds how long a stalled connection is waited on before the call is
    retried (it also bounds each socket send of an upload). `signature_version` "s3" is
    SigV2, only for presigning links the original Spaces accepts.
    """
    endpoint = check_endpoint_url(account.endpoint_url)
    # Only the account's endpoint, keys and region: no AWS_* variable, no ~/.aws file.
    core_session = isolated_session()
    parser_factory = core_session.get_component("response_parser_factory")
    parser_factory.set_parser_defaults(timestamp_parser=_raw_timestamp)
    session = boto3.session.Session(
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_access_key,
        aws_session_token=credentials.session_token or None,
        region_name=account.region or "us-east-1",
        botocore_session=core_session,
    )
    config = Config(
        signature_version=signature_version,
        # UNSIGNED-PAYLOAD: uploads carry Content-MD5, so hashing the body for the
        # signature only costs a second read of it (botocore does so over http).
        s3={"addressing_style": _ADDRESSING[account.addressing], "payload_signing_enabled": False},
        retries={"mode": "standard", "total_max_attempts": attempts},
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        max_pool_connections=max_pool_connections,
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        tcp_keepalive=True,
    )
    # The account's own CA bundle when it has one (checked here: a bad path is told at once).
    verify = botocore_verify(account)
    client = session.client("s3", endpoint_url=endpoint, config=config, verify=verify)
    s3_fast_listing.install(client.meta.events)
    client.meta.events.register_first("needs-retry.s3", _raise_our_errors_without_retry)
    for operation in MD5_OPERATIONS:
        client.meta.events.register(f"before-sign.s3.{operation}", _replace_checksum_with_md5)
    return client
