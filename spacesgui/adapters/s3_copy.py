"""Server-side copies over boto3 (rename and move are a copy, then a delete), and property edits.

Blocking and thread-safe; call from worker threads. Up to `multipart_threshold` (at most
5 GiB, CopyObject's limit) one CopyObject request copies; larger objects go in parts
with UploadPartCopy. Either way the copy keeps Content-Type, Cache-Control,
Content-Disposition, Content-Encoding, Content-Language, Expires, user metadata, storage
class, and the source's access: CopyObject does not copy ACLs, so the source's ACL is
read and sent with the copy as a canned ACL. Every part is copied only while the source
still has the ETag read at the start (x-amz-copy-source-if-match).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from spacesgui.adapters.s3_details import header_params
from spacesgui.adapters.s3_operations import NO_ACLS, S3ObjectOps
from spacesgui.adapters.s3_transfer_ops import strip_etag
from spacesgui.core.errors import (
    AccessDenied,
    InvalidInput,
    NotSupported,
    ObjectChanged,
    ServerError,
    SpacesError,
)
from spacesgui.core.object_headers import ObjectHeaders, check_object_headers
from spacesgui.core.operations import (
    DEFAULT_COPY_PART_SIZE,
    MAX_COPY_OBJECT_SIZE,
    ByteRange,
    CopyResult,
    ObjectAcl,
    ObjectDetails,
    plan_copy_ranges,
    verify_copy,
)
from spacesgui.core.transfers import CANNED_ACLS, PART_SIZE_METADATA, PRIVATE, PUBLIC_READ, PartRecord

if TYPE_CHECKING:
    from mypy_boto3_s3.type_defs import CopySourceTypeDef

log = logging.getLogger(__name__)


def _source(bucket: str, key: str) -> CopySourceTypeDef:
    # The dict form: botocore URL-encodes it into x-amz-copy-source, so any key works.
    return {"Bucket": bucket, "Key": key}


def not_onto_itself(source_bucket: str, source_key: str, bucket: str, key: str) -> None:
    if (source_bucket, source_key) == (bucket, key):
        raise InvalidInput("A file cannot be copied onto itself; choose another name or folder.")


def answer_checks_copy(etag: str, copied: str) -> bool:
    """Whether CopyObject's answer checks a copy of a source listed with `etag` (its plain
    MD5: the copy keeps it); otherwise a HeadObject of the copy is needed."""
    return bool(copied) and ObjectDetails("", 0, 0.0, strip_etag(etag)).etag_is_md5


def listed_copy_result(
    source_bucket: str, source_key: str, bucket: str, key: str, *, size: int, etag: str, copied: str,
    canned: str, notes: tuple[str, ...], target: ObjectDetails | None,
) -> CopyResult:  # fmt: skip
    """The checked result of a one-request copy of a listed object (`target`: its HeadObject,
    or None when CopyObject's answer checks it); IntegrityError when the copy differs."""
    source = ObjectDetails(source_key, size, 0.0, strip_etag(etag))
    target = target or ObjectDetails(key, size, 0.0, copied)
    verified = verify_copy(source, target, single_request=True)
    return CopyResult(
        source_bucket, source_key, bucket, key, target.size, target.etag, 0, canned, verified, notes
    )


def acl_to_copy(source_acl: ObjectAcl) -> tuple[str, tuple[str, ...]]:
    """The canned ACL a copy gets from its source's ACL, and a note on grants it cannot carry."""
    notes: tuple[str, ...] = ()
    if source_acl.other_grants:
        notes = (
            f"The copy is {source_acl.canned}. The original also allowed "
            f"{'; '.join(source_acl.other_grants)}, which a copy cannot carry: set it again if needed.",
        )
    return source_acl.canned, notes


def acl_unreadable(source_bucket: str, source_key: str, exc: SpacesError) -> tuple[str, tuple[str, ...]]:
    """A copy whose source's ACL could not be read is private, and says so."""
    log.debug("ACL of s3://%s/%s unreadable: %s", source_bucket, source_key, exc.detail)
    return PRIVATE, (f"The original's access could not be read ({exc.message}); the copy is private.",)


class S3CopyOps(S3ObjectOps):
    """copy_object, update_metadata and the copy-in-parts steps, over S3ObjectOps and S3TransferOps."""

    if TYPE_CHECKING:

        def _call(self, operation: str, bucket: str, call: Callable[[], Any]) -> Any: ...

        def complete_multipart_upload(
            self, bucket: str, key: str, upload_id: str, parts: list[PartRecord]
        ) -> str: ...

        def abort_multipart_upload(self, bucket: str, key: str, upload_id: str) -> None: ...

    # -- copy -----------------------------------------------------------------------------

    def copy_object(
        self, source_bucket: str, source_key: str, bucket: str, key: str, *, acl: str | None = None,
        multipart_threshold: int = MAX_COPY_OBJECT_SIZE, part_size: int = DEFAULT_COPY_PART_SIZE,
    ) -> CopyResult:  # fmt: skip
        """Copy `source_key` to `key` on the server; check the copy and return what it got.

        `acl` None keeps the source's access (public-read or private); "private" or
        "public-read" sets it. The copy is checked with HeadObject: its size must equal the
        source's, and for a one-request copy of a plain-MD5 object so must its ETag
        (IntegrityError otherwise). A source that changes meanwhile raises ObjectChanged.
        """
        if (source_bucket, source_key) == (bucket, key):
            raise InvalidInput("A file cannot be copied onto itself; choose another name or folder.")
        if acl is not None and acl not in CANNED_ACLS:
            raise InvalidInput(f"A copy can be private or public-read, not “{acl}”.")
        source = self.head_details(source_bucket, source_key)
        canned, notes = self._acl_for_copy(source_bucket, source_key, bucket, acl)
        threshold = min(multipart_threshold, MAX_COPY_OBJECT_SIZE)
        parts = 0
        if source.size > threshold:
            ranges = plan_copy_ranges(source.size, part_size)
            headers = _with_part_size(source.headers, ranges[0].size)
            self._copy_in_parts(source_bucket, source, bucket, key, headers, canned, ranges)
            parts = len(ranges)
        else:
            params = {
                "Bucket": bucket, "Key": key, "CopySource": _source(source_bucket, source_key),
                "MetadataDirective": "COPY", "CopySourceIfMatch": f'"{source.etag}"',
                **header_params(ObjectHeaders(), acl=canned, storage_class=source.storage_class),
            }  # fmt: skip
            del params["Metadata"]  # COPY takes the source's; sending any would be refused
            self._call("CopyObject", bucket, partial(self._client.copy_object, **params))
        target = self.head_details(bucket, key)
        verified = verify_copy(source, target, single_request=parts == 0)
        return CopyResult(
            source_bucket, source_key, bucket, key, target.size, target.etag, parts, canned, verified, notes
        )

    def copy_listed(
        self, source_bucket: str, source_key: str, bucket: str, key: str, *, size: int, etag: str,
        acl: str | None = None, multipart_threshold: int = MAX_COPY_OBJECT_SIZE,
    ) -> CopyResult:  # fmt: skip
        """Copy an object the listing described (`size`, `etag`): the lean path of folder copies.

        One CopyObject request (plus GetObjectAcl where the server keeps ACLs), copied only
        while the source still has `etag`; the ETag in the answer checks a plain-MD5 copy,
        a HeadObject the others. Objects above `multipart_threshold` take copy_object's
        path in parts.
        """
        if size > min(multipart_threshold, MAX_COPY_OBJECT_SIZE) or not etag:
            return self.copy_object(
                source_bucket, source_key, bucket, key, acl=acl, multipart_threshold=multipart_threshold
            )
        not_onto_itself(source_bucket, source_key, bucket, key)
        canned, notes = self._acl_for_copy(source_bucket, source_key, bucket, acl)
        copied = self._copy_request(source_bucket, source_key, bucket, key, if_match=etag, acl=canned)
        target = None if answer_checks_copy(etag, copied) else self.head_details(bucket, key)
        return listed_copy_result(
            source_bucket, source_key, bucket, key, size=size, etag=etag, copied=copied, canned=canned,
            notes=notes, target=target,
        )  # fmt: skip

    def _copy_request(
        self, source_bucket: str, source_key: str, bucket: str, key: str, *, if_match: str, acl: str
    ) -> str:
        """One CopyObject request keeping the source's headers and metadata, made only while the
        source's ETag is `if_match`, with canned `acl` ("" or private: none sent); the new ETag.

        No storage class is named, so the copy is STANDARD (Spaces has no other class).
        """
        params = {
            "Bucket": bucket, "Key": key, "CopySource": _source(source_bucket, source_key),
            "MetadataDirective": "COPY", "CopySourceIfMatch": f'"{strip_etag(if_match)}"',
            **header_params(ObjectHeaders(), acl=acl, storage_class=""),
        }  # fmt: skip
        del params["Metadata"]  # COPY takes the source's; sending any would be refused
        response = self._call("CopyObject", bucket, partial(self._client.copy_object, **params))
        return strip_etag((response.get("CopyObjectResult") or {}).get("ETag"))

    def _acl_for_copy(
        self, source_bucket: str, source_key: str, bucket: str, wanted: str | None
    ) -> tuple[str, tuple[str, ...]]:
        """The canned ACL to send with a copy ("" on servers without ACLs) and notes on what is lost."""
        known = self._acl_for_copy_unread(bucket, wanted)
        if known is not None:
            return known
        try:
            source_acl = self.get_acl(source_bucket, source_key)
        except (AccessDenied, ServerError, NotSupported) as exc:
            return acl_unreadable(source_bucket, source_key, exc)
        return acl_to_copy(source_acl)

    def _acl_for_copy_unread(self, bucket: str, wanted: str | None) -> tuple[str, tuple[str, ...]] | None:
        """_acl_for_copy when the source's ACL need not be read; None when it must be."""
        if not self.acl_support(bucket):
            if wanted == PUBLIC_READ:
                raise NotSupported(NO_ACLS)
            return "", ()
        if wanted is not None:
            return wanted, ()
        return None

    def _copy_in_parts(
        self, source_bucket: str, source: ObjectDetails, bucket: str, key: str, headers: ObjectHeaders,
        acl: str, ranges: list[ByteRange],
    ) -> str:  # fmt: skip
        """Copy `source` as a multipart upload with `headers` and `acl`; return the new ETag.

        One part at a time, each only while the source's ETag is unchanged. Any failure
        aborts the upload, so no parts are left behind to be paid for.
        """
        upload_id = self.start_copy_upload(bucket, key, headers, acl=acl, storage_class=source.storage_class)
        try:
            parts = [
                PartRecord(
                    number, byte_range.start, byte_range.size,
                    self.upload_part_copy(
                        bucket, key, upload_id, number, source_bucket, source.key, byte_range, if_match=source.etag
                    ),
                )
                for number, byte_range in enumerate(ranges, start=1)
            ]  # fmt: skip
            return self.complete_multipart_upload(bucket, key, upload_id, parts)
        except BaseException:
            with contextlib.suppress(SpacesError):
                self.abort_multipart_upload(bucket, key, upload_id)
            raise

    def start_copy_upload(
        self, bucket: str, key: str, headers: ObjectHeaders, *, acl: str, storage_class: str = ""
    ) -> str:
        """Start the multipart upload of a copy in parts; return its upload id.

        Everything the finished object should carry goes in this request: a multipart
        upload takes its headers, metadata and ACL from CreateMultipartUpload, not the parts.
        """
        if acl not in ("", *CANNED_ACLS):
            raise InvalidInput(f"A copy can be private or public-read, not “{acl}”.")
        params = {
            "Bucket": bucket,
            "Key": key,
            **header_params(headers, acl=acl, storage_class=storage_class),
        }
        response = self._call(
            "CreateMultipartUpload", bucket, partial(self._client.create_multipart_upload, **params)
        )
        return str(response["UploadId"])

    def upload_part_copy(
        self, bucket: str, key: str, upload_id: str, number: int, source_bucket: str, source_key: str,
        byte_range: ByteRange, *, if_match: str,
    ) -> str:  # fmt: skip
        """Copy `byte_range` of the source as part `number` of the upload; return the part's ETag.

        Copied only while the source's ETag is `if_match` (ObjectChanged otherwise).
        """
        call = partial(
            self._client.upload_part_copy,
            Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number,
            CopySource=_source(source_bucket, source_key), CopySourceRange=byte_range.header(),
            CopySourceIfMatch=f'"{strip_etag(if_match)}"',
        )  # fmt: skip
        response = self._call("UploadPartCopy", bucket, call)
        return strip_etag((response.get("CopyPartResult") or {}).get("ETag"))

    # -- properties -----------------------------------------------------------------------

    def update_metadata(
        self, bucket: str, key: str, headers: ObjectHeaders, *, if_match: str = "",
        multipart_threshold: int = MAX_COPY_OBJECT_SIZE, part_size: int = DEFAULT_COPY_PART_SIZE,
    ) -> ObjectDetails:  # fmt: skip
        """Give `key` exactly `headers` (every header and all metadata); return its new details.

        S3 cannot edit headers in place: the object is copied onto itself with
        MetadataDirective REPLACE (in parts when large), keeping its storage class and its
        access. Checked first (InvalidInput with every problem in words). With `if_match`
        (the ETag the user saw), an object changed since raises ObjectChanged. When the
        access cannot be read on a server that has ACLs, nothing is changed: the copy would
        make the file private.
        """
        headers = check_object_headers(headers)
        current = self.head_details(bucket, key)
        if if_match and strip_etag(if_match) != current.etag:
            raise ObjectChanged(
                f"“{key}” changed on the server since its properties were shown. Open them again."
            )
        acl = ""
        if self.acl_support(bucket):
            try:
                acl = self.get_acl(bucket, key).canned
            except NotSupported:
                acl = ""  # the server said it has no ACLs after all: nothing to keep
            except (AccessDenied, ServerError) as exc:
                raise type(exc)(
                    f"Who may read “{key}” could not be read ({exc.message}), so its properties were not "
                    "changed: saving them would have made it private.",
                    detail=exc.detail,
                ) from exc
        if current.size > min(multipart_threshold, MAX_COPY_OBJECT_SIZE):
            ranges = plan_copy_ranges(current.size, part_size)
            self._copy_in_parts(bucket, current, bucket, key, headers, acl, ranges)
        else:
            params = {
                "Bucket": bucket, "Key": key, "CopySource": _source(bucket, key),
                "MetadataDirective": "REPLACE", "CopySourceIfMatch": f'"{current.etag}"',
                **header_params(headers, acl=acl, storage_class=current.storage_class),
            }  # fmt: skip
            self._call("CopyObject", bucket, partial(self._client.copy_object, **params))
        return self.head_details(bucket, key)


def _with_part_size(headers: ObjectHeaders, part_size: int) -> ObjectHeaders:
    """`headers` with the recorded part size made true for a copy in parts of `part_size`.

    Downloads check a multipart ETag with the part size this app recorded at upload; a
    copy in parts has new parts, and a stale size would fail that check.
    """
    if PART_SIZE_METADATA not in headers.metadata:
        return headers
    return headers.with_changes(metadata={**headers.metadata, PART_SIZE_METADATA: str(part_size)})
