"""TransferStore over boto3: the object calls uploads and downloads make. S3Store mixes it in.

Blocking and thread-safe (the boto3 client is); call from worker threads. Every failure
is raised as a core error, translated once by the store's `_call`.

Server differences these calls smooth over, checked against moto and `rclone serve s3`:
rclone ignores If-Match on GET (so the ETag is compared here too), ignores PartNumber on
HEAD (so part_size_of says 0), and answers ListParts with a NextPartNumberMarker one
past the last part listed, which it then reads as "start here" (so pages just follow it).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from spacesgui.adapters.s3_client import parse_timestamp
from spacesgui.adapters.s3_errors import translate
from spacesgui.adapters.s3_paging import iter_listing_responses
from spacesgui.core.errors import (
    InvalidInput,
    NoSuchBucket,
    NotFound,
    ObjectChanged,
    ServerError,
)
from spacesgui.core.listing import ObjectEntry
from spacesgui.core.transfers import CANNED_ACLS, PRIVATE, PartRecord, PendingUpload, RemoteObject

if TYPE_CHECKING:
    from botocore.response import StreamingBody
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef

    from spacesgui.core.ports import Body

log = logging.getLogger(__name__)

PAGE_SIZE = 1000  # the most S3 returns per page, for objects, parts and uploads alike
_META_PREFIX = "x-amz-meta-"
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)


def strip_etag(etag: Any) -> str:
    """An ETag without the quotes S3 puts around it."""
    return str(etag or "").strip().strip('"')


def _object_headers(
    content_type: str, acl: str, cache_control: str, metadata: dict[str, str]
) -> dict[str, Any]:
    """The headers every new object gets, sent with PutObject or CreateMultipartUpload."""
    if acl not in ("", *CANNED_ACLS):
        raise InvalidInput(f"Uploads can be private or public-read, not “{acl}”.")
    headers: dict[str, Any] = {"Metadata": dict(metadata)}
    if content_type:
        headers["ContentType"] = content_type
    # Private is S3's default without a header, and AWS buckets with ACLs disabled refuse
    # any x-amz-acl but bucket-owner-full-control: send the header only to make it public.
    if acl and acl != PRIVATE:
        headers["ACL"] = acl
    if cache_control:
        headers["CacheControl"] = cache_control
    return headers


def _metadata(raw: Any) -> dict[str, str]:
    """User metadata with lower-case keys and no x-amz-meta- prefix (servers differ in case)."""
    result: dict[str, str] = {}
    for name, value in dict(raw or {}).items():
        key = str(name).lower()
        result[key.removeprefix(_META_PREFIX)] = str(value)
    return result


def _remote(key: str, response: Any, size: int) -> RemoteObject:
    return RemoteObject(
        key=key,
        size=size,
        etag=strip_etag(response.get("ETag")),
        last_modified=parse_timestamp(response.get("LastModified")),
        content_type=str(response.get("ContentType") or ""),
        metadata=_metadata(response.get("Metadata")),
    )


def _entries(response: Any) -> Iterator[ObjectEntry]:
    for item in response.get("Contents", ()):
        yield ObjectEntry(
            key=item["Key"],
            size=int(item.get("Size", 0) or 0),
            last_modified=parse_timestamp(item.get("LastModified")),
            etag=strip_etag(item.get("ETag")),
            storage_class=str(item.get("StorageClass") or "STANDARD"),
        )


def _range_header(start: int, end: int | None) -> str:
    if start < 0 or (end is not None and end < start):
        raise InvalidInput(f"Not a byte range: {start}-{end}.")
    if start == 0 and end is None:
        return ""
    return f"bytes={start}-{'' if end is None else end}"


class S3DownloadStream:
    """An open GetObject response. Not thread-safe: one worker reads it, then closes it."""

    def __init__(self, remote: RemoteObject, body: StreamingBody, *, endpoint: str, bucket: str) -> None:
        self.remote = remote  # size is the whole object's, not the range's
        self._body = body
        self._endpoint = endpoint
        self._bucket = bucket

    def chunks(self, chunk_size: int) -> Iterator[bytes]:
        """Yield the body in chunks of up to `chunk_size` bytes; network failures as core errors.

        A connection that breaks or stalls mid-body raises NetworkError or Timeout; a body
        shorter than its Content-Length raises NetworkError too.
        """
        while True:
            try:
                chunk = self._body.read(chunk_size)
            except Exception as exc:
                error = translate(exc, operation="GetObject", endpoint=self._endpoint, bucket=self._bucket)
                log.debug("%s", error.detail)
                raise error from exc
            if not chunk:
                return
            yield chunk

    def close(self) -> None:
        self._body.close()

    def __enter__(self) -> S3DownloadStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class S3TransferOps:
    """The TransferStore calls, for a class that has `_client`, `endpoint` and `_call`."""

    _client: S3Client
    listing_parallelism: int
    listing_slow_page_s: float
    endpoint: str

    if TYPE_CHECKING:

        def _call(self, operation: str, bucket: str, call: Callable[[], Any]) -> Any: ...

    # -- reading ------------------------------------------------------------------------

    def head_object(self, bucket: str, key: str) -> RemoteObject | None:
        """What the server says about `key`, or None when there is no such object."""
        try:
            response = self._call(
                "HeadObject", bucket, partial(self._client.head_object, Bucket=bucket, Key=key)
            )
        except NoSuchBucket:
            raise
        except NotFound:
            return None
        return _remote(key, response, int(response.get("ContentLength", 0) or 0))

    def iter_objects(self, bucket: str, prefix: str, *, page_size: int = PAGE_SIZE) -> Iterator[ObjectEntry]:
        """Every object under `prefix`, at any depth (no delimiter), a page at a time.

        Folder placeholder objects ("photos/") are included: they are objects. Past the
        first page the rest is listed in parallel pieces, in key order. If the
        server's ListObjectsV2 paging breaks (a continuation token missing or repeated),
        the listing carries on with ListObjects v1 after the last key seen.
        """
        for response in iter_listing_responses(
            self._call, self._client, bucket, prefix, page_size,
            max_in_flight=self.listing_parallelism, parallel_after_s=self.listing_slow_page_s,
        ):  # fmt: skip
            yield from _entries(response)

    def open_download(
        self, bucket: str, key: str, *, start: int = 0, end: int | None = None, if_match: str = ""
    ) -> S3DownloadStream:
        """Start a GET of bytes `start` to `end` (inclusive; None: to the end) of `key`.

        With `if_match`, an object whose ETag is no longer that raises ObjectChanged: the
        server refuses it (412), and servers that ignore If-Match are checked here.
        A server that answers a partial range with the whole object raises ServerError.
        """
        kwargs: dict[str, Any] = {"Bucket": bucket, "Key": key}
        byte_range = _range_header(start, end)
        if byte_range:
            kwargs["Range"] = byte_range
        if if_match:
            kwargs["IfMatch"] = f'"{strip_etag(if_match)}"'
        response = self._call("GetObject", bucket, partial(self._client.get_object, **kwargs))
        body: StreamingBody = response["Body"]
        try:
            size = _whole_size(response, start, end)
            remote = _remote(key, response, size)
            expected = strip_etag(if_match)
            if expected and remote.etag and remote.etag != expected:
                raise ObjectChanged(
                    f"“{key}” changed on the server since the download started.",
                    detail=f"GetObject on {self.endpoint}: ETag {remote.etag}, expected {expected}",
                )
        except BaseException:
            body.close()
            raise
        return S3DownloadStream(remote, body, endpoint=self.endpoint, bucket=bucket)

    def part_size_of(self, bucket: str, key: str) -> int:
        """The size of part 1 of a multipart object, or 0 when the server will not say.

        Asks HeadObject for PartNumber=1. Servers that do not support it (rclone) answer
        for the whole object without PartsCount, or refuse: both give 0. Network, auth
        and missing-object errors are raised as usual.
        """
        call = partial(self._client.head_object, Bucket=bucket, Key=key, PartNumber=1)
        try:
            response = self._call("HeadObject", bucket, call)
        except (ServerError, InvalidInput) as exc:
            log.debug("part size of s3://%s/%s unknown: %s", bucket, key, exc.detail)
            return 0
        if int(response.get("PartsCount", 0) or 0) < 1:
            return 0
        return int(response.get("ContentLength", 0) or 0)

    # -- writing ------------------------------------------------------------------------

    def put_object(
        self, bucket: str, key: str, body: Body, *, size: int, md5_b64: str, content_type: str,
        acl: str, cache_control: str, metadata: dict[str, str],
    ) -> str:  # fmt: skip
        """Upload `size` bytes of `body` as `key` in one request; return the ETag (no quotes).

        `body` goes to botocore as it is: botocore seeks it back to 0 before a retry.
        Content-MD5 lets the server refuse damaged bytes (IntegrityError).
        """
        kwargs: dict[str, Any] = {
            "Bucket": bucket, "Key": key, "Body": body, "ContentLength": size, "ContentMD5": md5_b64,
            **_object_headers(content_type, acl, cache_control, metadata),
        }  # fmt: skip
        response = self._call("PutObject", bucket, partial(self._client.put_object, **kwargs))
        return strip_etag(response.get("ETag"))

    def create_multipart_upload(
        self, bucket: str, key: str, *, content_type: str, acl: str, cache_control: str,
        metadata: dict[str, str],
    ) -> str:  # fmt: skip
        """Start a multipart upload carrying the object's headers; return its upload id."""
        kwargs: dict[str, Any] = {
            "Bucket": bucket, "Key": key, **_object_headers(content_type, acl, cache_control, metadata),
        }  # fmt: skip
        response = self._call(
            "CreateMultipartUpload", bucket, partial(self._client.create_multipart_upload, **kwargs)
        )
        return str(response["UploadId"])

    def upload_part(
        self, bucket: str, key: str, upload_id: str, number: int, body: Body, *, size: int, md5_b64: str
    ) -> str:
        """Upload part `number` (1-based) from `body`; return its ETag (no quotes)."""
        kwargs: dict[str, Any] = {
            "Bucket": bucket, "Key": key, "UploadId": upload_id, "PartNumber": number,
            "Body": body, "ContentLength": size, "ContentMD5": md5_b64,
        }  # fmt: skip
        response = self._call("UploadPart", bucket, partial(self._client.upload_part, **kwargs))
        return strip_etag(response.get("ETag"))

    def list_parts(
        self, bucket: str, key: str, upload_id: str, *, page_size: int = PAGE_SIZE
    ) -> list[PartRecord]:
        """Every part the server holds for the upload, by number; offset is 0 (unknown).

        Raises NotFound when the upload is gone (finished or aborted).
        """
        kwargs: dict[str, Any] = {"Bucket": bucket, "Key": key, "UploadId": upload_id, "MaxParts": page_size}
        parts: dict[int, PartRecord] = {}
        seen_markers: set[int] = set()
        while True:
            response = self._call("ListParts", bucket, partial(self._client.list_parts, **kwargs))
            for item in response.get("Parts", ()):
                number = int(item["PartNumber"])
                parts[number] = PartRecord(
                    number, 0, int(item.get("Size", 0) or 0), strip_etag(item.get("ETag"))
                )
            if not response.get("IsTruncated"):
                break
            marker = int(response.get("NextPartNumberMarker") or 0) or max(parts, default=0)
            if not marker or marker in seen_markers:
                raise ServerError(
                    "The server says the list of uploaded parts goes on, but gives no way to continue it."
                )
            seen_markers.add(marker)
            kwargs["PartNumberMarker"] = marker
        return [parts[n] for n in sorted(parts)]

    def complete_multipart_upload(
        self, bucket: str, key: str, upload_id: str, parts: list[PartRecord]
    ) -> str:
        """Join `parts` into the object; return the server's ETag for it (no quotes)."""
        listed: list[CompletedPartTypeDef] = [
            {"PartNumber": p.number, "ETag": f'"{strip_etag(p.etag)}"'}
            for p in sorted(parts, key=lambda p: p.number)
        ]
        call = partial(
            self._client.complete_multipart_upload,
            Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": listed},
        )  # fmt: skip
        response = self._call("CompleteMultipartUpload", bucket, call)
        return strip_etag(response.get("ETag"))

    def abort_multipart_upload(self, bucket: str, key: str, upload_id: str) -> None:
        """Abort the upload and free its parts; an upload already gone is not an error."""
        call = partial(self._client.abort_multipart_upload, Bucket=bucket, Key=key, UploadId=upload_id)
        try:
            self._call("AbortMultipartUpload", bucket, call)
        except NoSuchBucket:
            raise
        except NotFound:
            log.debug("multipart upload %s of s3://%s/%s was already gone", upload_id, bucket, key)

    def list_multipart_uploads(
        self, bucket: str, prefix: str = "", *, page_size: int = PAGE_SIZE
    ) -> list[PendingUpload]:
        """Every multipart upload the server holds open under `prefix`, whoever started it."""
        kwargs: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxUploads": page_size}
        uploads: dict[tuple[str, str], PendingUpload] = {}
        seen_markers: set[tuple[str, str]] = set()
        while True:
            response = self._call(
                "ListMultipartUploads", bucket, partial(self._client.list_multipart_uploads, **kwargs)
            )
            for item in response.get("Uploads", ()):
                upload = PendingUpload(
                    bucket, item["Key"], item["UploadId"], parse_timestamp(item.get("Initiated"))
                )
                uploads[(upload.key, upload.upload_id)] = upload
            if not response.get("IsTruncated"):
                break
            markers = (
                str(response.get("NextKeyMarker") or ""),
                str(response.get("NextUploadIdMarker") or ""),
            )
            if not markers[0] or markers in seen_markers:
                raise ServerError(
                    "The server says the list of unfinished uploads goes on, but gives no way to continue it."
                )
            seen_markers.add(markers)
            kwargs["KeyMarker"], kwargs["UploadIdMarker"] = markers
        return list(uploads.values())


def _whole_size(response: Any, start: int, end: int | None) -> int:
    """The whole object's size from a GET response, ranged or not."""
    content_range = str(response.get("ContentRange") or "")
    length = int(response.get("ContentLength", 0) or 0)
    if not content_range:
        # No range in the answer: the server sent the whole object, which is only what
        # was asked for when the range covered all of it.
        if start > 0 or (end is not None and end < length - 1):
            raise ServerError(
                "The server sent the whole object instead of the part asked for, so the download "
                "cannot resume or run in parallel ranges."
            )
        return length
    match = _CONTENT_RANGE.match(content_range)
    if match is None or match.group(3) == "*":
        raise ServerError(
            f"The server's answer to a ranged download did not say the object's size ({content_range})."
        )
    return int(match.group(3))
