"""Every object below a folder, page by page: ListObjectsV2 with no delimiter (the TreeLister port).

Blocking; call from a worker thread. A mixin of S3Store, which gives `_client` and `_call`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from spacesgui.adapters.s3_client import parse_timestamp
from spacesgui.core.errors import ListingBroken
from spacesgui.core.listing import ListingPage

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

log = logging.getLogger(__name__)

PAGE_SIZE = 1000  # the most S3 returns a page


class S3TreeListingOps:
    """`iter_tree`: one listing of a whole folder tree, streamed a page at a time."""

    _client: S3Client
    _call: Callable[[str, str, Callable[[], Any]], Any]

    def iter_tree(self, bucket: str, prefix: str, *, page_size: int = PAGE_SIZE) -> Iterator[ListingPage]:
        """Yield every object under `prefix`, at any depth, a page at a time in key order.

        Each page is requested only when the previous one has been taken, so a caller that
        stops iterating sends no further request. If the server's ListObjectsV2 paging
        breaks (a continuation token missing or repeated), the listing goes on with
        ListObjects v1 after the last key seen, as the folder listing does.
        """
        kwargs: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": page_size}
        seen_tokens: set[str] = set()
        last_key = ""
        while True:
            response = self._call("ListObjectsV2", bucket, partial(self._client.list_objects_v2, **kwargs))
            page = _tree_page(response)
            if page.keys:
                last_key = max(last_key, page.keys[-1])
            yield page
            if not response.get("IsTruncated"):
                return
            token = str(response.get("NextContinuationToken") or "")
            if not token or token in seen_tokens:
                log.warning("ListObjectsV2 paging broke for s3://%s/%s; continuing with v1", bucket, prefix)
                yield from self._iter_tree_v1(bucket, prefix, last_key, page_size)
                return
            seen_tokens.add(token)
            kwargs["ContinuationToken"] = token

    def _iter_tree_v1(self, bucket: str, prefix: str, marker: str, page_size: int) -> Iterator[ListingPage]:
        seen_markers = {marker}
        while True:
            kwargs: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": page_size}
            if marker:
                kwargs["Marker"] = marker
            response = self._call("ListObjects", bucket, partial(self._client.list_objects, **kwargs))
            page = _tree_page(response)
            yield page
            if not response.get("IsTruncated"):
                return
            marker = str(response.get("NextMarker") or "") or max(page.keys, default=marker)
            if marker in seen_markers:
                raise ListingBroken(
                    f"The server says the listing of s3://{bucket}/{prefix} goes on, but gives no "
                    "way to continue it, so some objects could not be searched. Try again later."
                )
            seen_markers.add(marker)


def _tree_page(response: Any) -> ListingPage:
    """The objects of one raw listing response, in columns."""
    page = ListingPage()
    keys, sizes, mtimes, etags, classes = page.keys, page.sizes, page.mtimes, page.etags, page.storage_classes
    for item in response.get("Contents", ()):
        keys.append(item["Key"])
        sizes.append(item.get("Size", 0))
        mtimes.append(parse_timestamp(item.get("LastModified")))
        etags.append(str(item.get("ETag", "")).strip('"'))
        classes.append(item.get("StorageClass", "STANDARD"))
    return page
