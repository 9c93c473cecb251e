"""What the fast data path's answers say, in the app's terms: objects, and errors.

s3_fast_data.py sends the requests; this reads what comes back as boto3's answers are
read elsewhere in the app: an object's headers become a RemoteObject, an S3 error body
and a broken connection become the same core errors s3_errors gives for boto3's, so a
refused signature or a dropped connection reads the same in the window whichever path
the request took.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import aiohttp
from botocore.exceptions import ClientError

from spacesgui.adapters.s3_client import parse_timestamp
from spacesgui.adapters.s3_errors import tls_error, translate
from spacesgui.adapters.s3_transfer_ops import _remote, _whole_size, strip_etag
from spacesgui.core.errors import NetworkError, SpacesError, Timeout
from spacesgui.core.transfers import RemoteObject

META = "x-amz-meta-"
_META_LENGTH = len(META)


@dataclass(frozen=True, slots=True)
class Answer:
    """A whole answer to a request: its status, headers and body."""

    status: int
    headers: Mapping[str, str]
    body: bytes


def whole_object(key: str, headers: Mapping[str, str], received: int | None = None) -> RemoteObject:
    """The object an unranged GET answered with, as _remote(answer_meta(…)) reads it, straight
    from the headers (a GET of each small file). `received`: the body's length as it came,
    the size of an answer sent in chunks, which has no Content-Length."""
    if headers.get("Content-Range"):  # a range the server chose to send: the careful way
        meta = answer_meta(headers)
        return _remote(key, meta, _whole_size(meta, 0, None))
    length = headers.get("Content-Length")
    return RemoteObject(
        key=key,
        size=int(length) if length else received or 0,
        etag=strip_etag(headers.get("ETag")),
        last_modified=parse_timestamp(headers.get("Last-Modified")),
        content_type=headers.get("Content-Type", ""),
        metadata=_user_metadata(headers),
    )


def answer_meta(headers: Mapping[str, str]) -> dict[str, Any]:
    """A GET answer's headers under the names boto3's response uses (for _remote, _whole_size)."""
    return {
        "ETag": headers.get("ETag", ""),
        "LastModified": headers.get("Last-Modified", ""),
        "ContentType": headers.get("Content-Type", ""),
        "ContentLength": int(headers.get("Content-Length", "0") or 0),
        "ContentRange": headers.get("Content-Range", ""),
        "Metadata": _user_metadata(headers),
    }


def _user_metadata(headers: Mapping[str, str]) -> dict[str, str]:
    """x-amz-meta-* headers: names lower-case, without the prefix."""
    metadata: dict[str, str] = {}
    for name, value in headers.items():
        if name[:_META_LENGTH].lower() == META:  # most names are not: spare lower-casing them whole
            metadata[name[_META_LENGTH:].lower()] = value
    return metadata


def answer_error(operation: str, endpoint: str, bucket: str, status: int, body: bytes) -> SpacesError:
    """The core error for an S3 error answer, as boto3's would be translated."""
    code, message = str(status), ""
    try:
        root = ElementTree.fromstring(body) if body.strip() else None
    except ElementTree.ParseError:
        root = None
    if root is not None:
        code = (root.findtext("Code") or code).strip()
        message = (root.findtext("Message") or "").strip()
    response: Any = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    error = translate(ClientError(response, operation), operation=operation, endpoint=endpoint, bucket=bucket)
    error.detail = f"{operation} on {endpoint}: HTTP {status} {code} {message}".strip()
    return error


def connection_error(exc: BaseException, operation: str, endpoint: str) -> SpacesError:
    """The core error for a request that got no (whole) answer: TLS, a timeout, a refusal, a cut."""
    cause = getattr(exc, "os_error", None) or exc.__cause__
    tls = (aiohttp.ClientConnectorCertificateError, aiohttp.ClientSSLError, ssl.SSLError)
    if isinstance(exc, tls) or isinstance(cause, ssl.SSLError):
        error = tls_error(endpoint, f"{exc} {cause or ''}")
        error.detail = f"{operation}: {exc!r}"
        return error
    if isinstance(exc, TimeoutError):
        return Timeout(
            f"{endpoint} stopped answering. Try again in a moment.", detail=f"{operation}: {exc!r}"
        )
    refused = isinstance(exc, ConnectionRefusedError) or (  # our own connections; aiohttp's
        isinstance(exc, aiohttp.ClientConnectorError) and "refused" in str(exc).lower()
    )
    if refused:
        return NetworkError(
            f"{endpoint} refused the connection. Is the server running?", detail=f"{operation}: {exc!r}"
        )
    return NetworkError(
        f"The connection to {endpoint} broke off during the transfer. Try again.",
        detail=f"{operation}: {exc!r}",
    )


async def read_to_end(response: aiohttp.ClientResponse, endpoint: str) -> bytes:
    """The rest of an answer's body; a connection cut meanwhile is a NetworkError."""
    try:
        return await response.read()
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        raise NetworkError(
            f"The connection to {endpoint} broke off during the transfer. Try again.", detail=repr(exc)
        ) from exc
