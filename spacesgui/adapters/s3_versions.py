"""Object versions over boto3: ListObjectVersions with paging, GetObject / CopyObject /
DeleteObject with a VersionId, and the deleted files of one folder (ListObjectVersions with
a delimiter) for the object view.

Blocking and thread-safe; call from worker threads. SDK errors become core errors in
`_call` (S3Store's), local file errors become LocalWriteFailed or DiskFull here.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from spacesgui.adapters.s3_client import parse_timestamp
from spacesgui.adapters.s3_transfer_ops import strip_etag
from spacesgui.core.deleted import DeletedCollector
from spacesgui.core.errors import DiskFull, IntegrityError, LocalWriteFailed, NotSupported, SpacesError
from spacesgui.core.keys import DELIMITER
from spacesgui.core.listing import ListingPage
from spacesgui.core.operations import MAX_COPY_OBJECT_SIZE, DeleteFailure, DeleteResult, ObjectAcl
from spacesgui.core.versions import ObjectVersion, VersionPage

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

CHUNK = 1024 * 1024


def _version(item: Any, *, delete_marker: bool) -> ObjectVersion:
    return ObjectVersion(
        key=str(item.get("Key", "")),
        version_id=str(item.get("VersionId") or "null"),
        is_latest=bool(item.get("IsLatest")),
        delete_marker=delete_marker,
        size=int(item.get("Size") or 0),
        last_modified=parse_timestamp(item.get("LastModified")),
        etag=strip_etag(item.get("ETag") or ""),
    )


class S3VersionOps:
    """The ObjectVersionStore calls, for a class with `_client` and `_call`."""

    _client: S3Client

    if TYPE_CHECKING:

        def _call(self, operation: str, bucket: str, call: Callable[[], Any]) -> Any: ...

        def acl_support(self, bucket: str) -> bool: ...

        def get_acl(self, bucket: str, key: str) -> ObjectAcl: ...

        def delete_targets(self, bucket: str, targets: Sequence[tuple[str, str]]) -> DeleteResult: ...

    def list_versions(
        self, bucket: str, prefix: str, key_marker: str = "", version_marker: str = "", max_keys: int = 1000
    ) -> VersionPage:
        kwargs: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": max_keys}
        if key_marker:
            kwargs["KeyMarker"] = key_marker
        if version_marker:
            kwargs["VersionIdMarker"] = version_marker
        response = self._call(
            "ListObjectVersions", bucket, partial(self._client.list_object_versions, **kwargs)
        )
        versions = [_version(v, delete_marker=False) for v in response.get("Versions") or ()]
        markers = [_version(m, delete_marker=True) for m in response.get("DeleteMarkers") or ()]
        if not response.get("IsTruncated"):
            return VersionPage(tuple(versions + markers))
        next_key = str(response.get("NextKeyMarker") or "")
        next_version = str(response.get("NextVersionIdMarker") or "")
        if not next_key and not next_version:  # a server that says "more" but not from where
            raise NotSupported(
                "The server listed only part of the versions and did not say where the rest begin."
            )
        return VersionPage(tuple(versions + markers), next_key, next_version)

    def iter_deleted(self, bucket: str, prefix: str, max_keys: int = 1000) -> Iterator[ListingPage]:
        """Yield the deleted objects directly under `prefix` and every folder below it with
        versions, one page (`deleted`) per ListObjectVersions request, in key order."""
        collector = DeletedCollector()
        markers: tuple[str, str] = ("", "")
        seen: set[tuple[str, str]] = set()
        while True:
            kwargs: dict[str, Any] = {
                "Bucket": bucket, "Prefix": prefix, "Delimiter": DELIMITER, "MaxKeys": max_keys,
            }  # fmt: skip
            if markers[0]:
                kwargs["KeyMarker"] = markers[0]
            if markers[1]:
                kwargs["VersionIdMarker"] = markers[1]
            response = self._call(
                "ListObjectVersions", bucket, partial(self._client.list_object_versions, **kwargs)
            )
            versions = [_version(v, delete_marker=False) for v in response.get("Versions") or ()]
            for raw, version in zip(response.get("Versions") or (), versions, strict=True):
                if raw.get("StorageClass"):
                    collector.storage_classes[(version.key, version.version_id)] = str(raw["StorageClass"])
            versions += [_version(m, delete_marker=True) for m in response.get("DeleteMarkers") or ()]
            page = ListingPage(deleted=True)
            page.folders = [str(p["Prefix"]) for p in response.get("CommonPrefixes") or () if p.get("Prefix")]
            found = collector.add(versions)
            truncated = bool(response.get("IsTruncated"))
            if not truncated:
                found += collector.finish()
            for entry in found:
                if entry.key != prefix:  # the folder's own placeholder object
                    page.add_object(entry)
            if len(page):
                yield page
            if not truncated:
                return
            markers = (
                str(response.get("NextKeyMarker") or ""),
                str(response.get("NextVersionIdMarker") or ""),
            )
            if not markers[0] or markers in seen:
                raise NotSupported(
                    f"The server's version listing of s3://{bucket}/{prefix} does not say where the "
                    "next page begins, so its deleted files cannot all be shown."
                )
            seen.add(markers)

    def delete_versions(self, bucket: str, versions: Sequence[tuple[str, str]]) -> list[DeleteFailure]:
        """Delete each (key, version id), 1,000 a request; the ones the server did not confirm, with why."""
        return list(self.delete_targets(bucket, versions).failed)

    def download_version(self, bucket: str, key: str, version_id: str, local_path: str) -> int:
        part = local_path + ".part"
        response = self._call(
            "GetObject",
            bucket,
            partial(self._client.get_object, Bucket=bucket, Key=key, VersionId=version_id),
        )
        etag = strip_etag(response.get("ETag") or "")
        md5 = hashlib.md5(usedforsecurity=False)
        size = 0
        try:
            os.makedirs(os.path.dirname(local_path) or ".", exist_ok=True)
            with open(part, "wb") as file:
                body = response["Body"]
                while chunk := self._call("GetObject", bucket, partial(body.read, CHUNK)):
                    md5.update(chunk)
                    file.write(chunk)
                    size += len(chunk)
        except OSError as error:
            _remove(part)
            if error.errno == errno.ENOSPC:
                raise DiskFull(f"The disk is full: “{local_path}” could not be written.") from error
            raise LocalWriteFailed(
                f"“{local_path}” could not be written: {error.strerror or error}."
            ) from error
        except BaseException:
            _remove(part)
            raise
        if etag and "-" not in etag and md5.hexdigest() != etag:  # a plain object's ETag is its MD5
            _remove(part)
            raise IntegrityError(f"The bytes of that version of “{key}” arrived damaged; nothing was saved.")
        try:
            os.replace(part, local_path)
        except OSError as error:
            _remove(part)
            raise LocalWriteFailed(
                f"“{local_path}” could not be written: {error.strerror or error}."
            ) from error
        return size

    def restore_version(self, bucket: str, key: str, version_id: str) -> str:
        head = self._call(
            "HeadObject",
            bucket,
            partial(self._client.head_object, Bucket=bucket, Key=key, VersionId=version_id),
        )
        if int(head.get("ContentLength") or 0) > MAX_COPY_OBJECT_SIZE:
            raise NotSupported(
                "Versions over 5 GiB cannot be restored here: download it and upload it again."
            )
        extra: dict[str, Any] = {}
        canned = self._current_access(bucket, key)
        if canned:  # CopyObject does not copy ACLs: a public file stays public when restored
            extra["ACL"] = canned
        response = self._call(
            "CopyObject",
            bucket,
            partial(
                self._client.copy_object,
                Bucket=bucket,
                Key=key,
                CopySource={"Bucket": bucket, "Key": key, "VersionId": version_id},
                MetadataDirective="COPY",
                **extra,
            ),
        )
        return str(response.get("VersionId") or "")

    def _current_access(self, bucket: str, key: str) -> str:
        """The canned ACL of the current `key` ("" when the server keeps none or it is deleted)."""
        try:
            return self.get_acl(bucket, key).canned if self.acl_support(bucket) else ""
        except SpacesError:  # a delete marker on top, or an ACL we may not read: the bucket default
            return ""

    def delete_version(self, bucket: str, key: str, version_id: str) -> None:
        self._call(
            "DeleteObject",
            bucket,
            partial(self._client.delete_object, Bucket=bucket, Key=key, VersionId=version_id),
        )


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)
