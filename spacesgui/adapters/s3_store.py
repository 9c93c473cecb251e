"""One account's S3 storage over boto3: listing, buckets, connection checks, transfers, operations, links.

Blocking; call from workers. The transfer calls live in s3_transfer_ops.S3TransferOps,
folder/properties/access/delete in s3_operations.S3ObjectOps, copies in s3_copy.S3CopyOps,
share links in s3_links.S3LinkOps, Space settings in s3_bucket_settings.S3BucketSettingsOps,
CORS rules and preflights in s3_cors.S3CorsOps, every grant of an ACL in s3_access.S3AccessOps.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from spacesgui.adapters.s3_access import S3AccessOps
from spacesgui.adapters.s3_bucket_settings import S3BucketSettingsOps
from spacesgui.adapters.s3_client import (
    CONNECT_TIMEOUT_S,
    READ_TIMEOUT_S,
    TOTAL_MAX_ATTEMPTS,
    make_client,
    parse_timestamp,
)
from spacesgui.adapters.s3_copy import S3CopyOps
from spacesgui.adapters.s3_cors import S3CorsOps
from spacesgui.adapters.s3_errors import translate
from spacesgui.adapters.s3_links import S3LinkOps
from spacesgui.adapters.s3_parallel_listing import MAX_IN_FLIGHT, SLOW_PAGE_S, ParallelListing
from spacesgui.adapters.s3_reader import S3ReaderOps
from spacesgui.adapters.s3_transfer_ops import S3TransferOps
from spacesgui.adapters.s3_tree_listing import S3TreeListingOps
from spacesgui.adapters.s3_versions import S3VersionOps
from spacesgui.core.accounts import Account, Credentials
from spacesgui.core.errors import ListingBroken, MissingCredentials, TransferStopped
from spacesgui.core.keys import DELIMITER
from spacesgui.core.listing import BucketInfo, ListingPage
from spacesgui.core.naming import check_bucket_name

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from spacesgui.core.ports import (
        AccessControl,
        BucketCors,
        BucketSettings,
        LinkSigner,
        ObjectOperations,
        ObjectReader,
        ObjectStore,
        ObjectVersionStore,
        TransferStore,
        TreeLister,
    )

log = logging.getLogger(__name__)

PAGE_SIZE = 1000


class S3Store(
    S3TransferOps,
    S3CopyOps,
    S3LinkOps,
    S3BucketSettingsOps,
    S3CorsOps,
    S3AccessOps,
    S3ReaderOps,
    S3TreeListingOps,
    S3VersionOps,
):
    """One account's storage. Thread-safe: boto3 clients are, and the little state this
    keeps (which buckets have ACLs, the SigV2 signing client) is guarded by `_state_lock`.

    `acls`: whether the server keeps object ACLs, when the caller knows; None asks the
    server once per bucket (S3ObjectOps.acl_support).

    `listing_parallelism`: how many listing requests one listing may have in flight past
    its first page (1: one page after another, as before parallel listing);
    `listing_slow_page_s`: how slow pages must be (the median of the last few) before a
    listing goes parallel (0: right after the first page).
    """

    listing_parallelism: int = MAX_IN_FLIGHT
    listing_slow_page_s: float = SLOW_PAGE_S

    def __init__(
        self,
        account: Account,
        credentials: Credentials,
        *,
        max_pool_connections: int = 16,
        connect_timeout: float = CONNECT_TIMEOUT_S,
        read_timeout: float = READ_TIMEOUT_S,
        attempts: int = TOTAL_MAX_ATTEMPTS,
        acls: bool | None = None,
    ) -> None:
        self.account = account
        self.endpoint = account.endpoint_url
        self._credentials = credentials
        self._acls = acls
        self._acl_support: dict[str, bool] = {}
        self._v2_client: S3Client | None = None
        self._state_lock = threading.Lock()
        if not credentials.access_key_id.strip() or not credentials.secret_access_key.strip():
            raise MissingCredentials("Enter both the access key and the secret key.")
        try:
            self._client: S3Client = make_client(
                account,
                credentials,
                max_pool_connections=max_pool_connections,
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                attempts=attempts,
            )
        except Exception as exc:
            raise translate(exc, operation="Connect", endpoint=self.endpoint) from exc

    @property
    def client(self) -> S3Client:
        return self._client

    def _call(self, operation: str, bucket: str, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except TransferStopped:
            raise  # the user paused or cancelled: not a failure to translate
        except Exception as exc:
            error = translate(exc, operation=operation, endpoint=self.endpoint, bucket=bucket)
            log.debug("%s", error.detail)  # the caller reports it once, with context
            raise error from exc

    def list_buckets(self) -> list[BucketInfo]:
        response = self._call("ListBuckets", "", self._client.list_buckets)
        return [
            BucketInfo(b["Name"], parse_timestamp(b.get("CreationDate"))) for b in response.get("Buckets", [])
        ]

    def check_bucket(self, bucket: str) -> None:
        """Raise a core error unless `bucket` exists and these keys may list it."""
        self._call("ListObjectsV2", bucket, lambda: self._client.list_objects_v2(Bucket=bucket, MaxKeys=1))

    def create_bucket(self, bucket: str, region: str) -> None:
        check_bucket_name(bucket)
        kwargs: dict[str, Any] = {"Bucket": bucket}
        if region and region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        self._call("CreateBucket", bucket, lambda: self._client.create_bucket(**kwargs))

    def delete_bucket(self, bucket: str) -> None:
        self._call("DeleteBucket", bucket, lambda: self._client.delete_bucket(Bucket=bucket))

    def iter_listing(
        self,
        bucket: str,
        prefix: str,
        *,
        on_warning: Callable[[str], None] | None = None,
        page_size: int = PAGE_SIZE,
    ) -> Iterator[ListingPage]:
        """Yield the folders and objects directly under `prefix`, one page at a time, in order.

        Pages come one after another while they come fast; once they prove slow (a distant
        server) the rest is listed in parallel pieces (s3_parallel_listing), merged back in
        key order, each folder once.
        """
        sequential = partial(self._iter_listing_responses, bucket, prefix, on_warning, page_size)
        if self.listing_parallelism <= 1:
            for response in sequential():
                yield _page_from_response(response, prefix)
            return
        listing = ParallelListing(
            self._call,
            self._client,
            bucket,
            prefix,
            delimiter=DELIMITER,
            page_size=page_size,
            sequential=sequential,
            max_in_flight=self.listing_parallelism,
            parallel_after_s=self.listing_slow_page_s,
        )
        for response in listing:
            yield _page_from_response(response, prefix)
        stats = listing.stats
        if stats.requests:
            log.debug("listed s3://%s/%s: %s", bucket, prefix, stats)

    def _iter_listing_responses(
        self, bucket: str, prefix: str, on_warning: Callable[[str], None] | None, page_size: int
    ) -> Iterator[Any]:
        """The raw responses of a delimiter listing, one page after another.

        Uses ListObjectsV2. Some servers (early Spaces among them) break its pagination:
        a continuation token that repeats, or none while the listing is truncated. Then
        the listing carries on with ListObjects v1 from the last name seen, and says so.
        """
        token: str | None = None
        seen_tokens: set[str] = set()
        seen_folders: set[str] = set()
        last_name = ""
        while True:
            kwargs: dict[str, Any] = {
                "Bucket": bucket,
                "Prefix": prefix,
                "Delimiter": DELIMITER,
                "MaxKeys": page_size,
            }
            if token:
                kwargs["ContinuationToken"] = token
            response = self._call("ListObjectsV2", bucket, partial(self._client.list_objects_v2, **kwargs))
            seen_folders.update(_folders(response))
            last_name = max(last_name, _last_listed(response))
            yield response
            if not response.get("IsTruncated"):
                return
            token = response.get("NextContinuationToken")
            if not token or token in seen_tokens:
                message = (
                    f"The server's ListObjectsV2 paging is broken for s3://{bucket}/{prefix} "
                    f"({'no continuation token' if not token else 'a continuation token repeated'}); "
                    "continuing with ListObjects v1."
                )
                log.warning("%s", message)
                if on_warning:
                    on_warning(message)
                yield from self._iter_listing_v1(bucket, prefix, last_name, seen_folders, page_size)
                return
            seen_tokens.add(token)

    def _iter_listing_v1(
        self, bucket: str, prefix: str, marker: str, seen_folders: set[str], page_size: int
    ) -> Iterator[Any]:
        seen_markers = {marker}
        while True:
            kwargs: dict[str, Any] = {
                "Bucket": bucket,
                "Prefix": prefix,
                "Delimiter": DELIMITER,
                "MaxKeys": page_size,
            }
            if marker:
                kwargs["Marker"] = marker
            response = self._call("ListObjects", bucket, partial(self._client.list_objects, **kwargs))
            # Some servers repeat common prefixes on every v1 page; list each folder once.
            folders = [p for p in response.get("CommonPrefixes", ()) if p.get("Prefix") not in seen_folders]
            seen_folders.update(_folders(response))
            yield {**response, "CommonPrefixes": folders}
            if not response.get("IsTruncated"):
                return
            # S3 says: send NextMarker back as Marker; without one (no delimiter, or a
            # terse server) continue after the last key or prefix listed.
            next_marker = str(response.get("NextMarker") or "") or _last_listed(response)
            if not next_marker or next_marker in seen_markers:
                raise ListingBroken(
                    f"The server says the listing of s3://{bucket}/{prefix} goes on, but gives no "
                    "way to continue it, so some entries could not be listed. Try again later."
                )
            seen_markers.add(next_marker)
            marker = next_marker

    def close(self) -> None:
        self._client.close()
        with self._state_lock:
            v2_client, self._v2_client = self._v2_client, None
        if v2_client is not None:
            v2_client.close()


if TYPE_CHECKING:

    def _implements_the_ports(
        store: S3Store,
    ) -> tuple[
        ObjectStore,
        TransferStore,
        ObjectOperations,
        LinkSigner,
        BucketSettings,
        BucketCors,
        AccessControl,
        TreeLister,
        ObjectVersionStore,
    ]:
        return (
            store,
            store,
            store,
            store,
            store,
            store,
            store,
            store,
            store,
        )  # mypy checks S3Store against every protocol here

    def _reads_starts(store: S3Store) -> ObjectReader:
        return store


def _folders(response: Any) -> list[str]:
    return [p["Prefix"] for p in response.get("CommonPrefixes", ()) if p.get("Prefix")]


def _last_listed(response: Any) -> str:
    """The greatest key or common prefix in a raw listing response ("" if it has none)."""
    keys = [item.get("Key", "") for item in response.get("Contents", ())]
    prefixes = [item.get("Prefix", "") for item in response.get("CommonPrefixes", ())]
    return max([*keys, *prefixes], default="")


def _page_from_response(response: Any, prefix: str) -> ListingPage:
    page = ListingPage()
    page.folders = [p["Prefix"] for p in response.get("CommonPrefixes", ()) if p.get("Prefix")]
    keys, sizes, mtimes, etags, classes = (
        page.keys,
        page.sizes,
        page.mtimes,
        page.etags,
        page.storage_classes,
    )
    for item in response.get("Contents", ()):
        key = item["Key"]
        if key == prefix:  # the folder's own placeholder object ("photos/")
            continue
        keys.append(key)
        sizes.append(item.get("Size", 0))
        mtimes.append(parse_timestamp(item.get("LastModified")))
        etags.append(item.get("ETag", ""))
        classes.append(item.get("StorageClass", "STANDARD"))
    return page
