"""Every object below a folder, page by page: ListObjectsV2 with no delimiter (the TreeLister port).

Blocking; call from a worker thread. A mixin of S3Store, which gives `_client` and `_call`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from spacesgui.adapters.s3_client import parse_timestamp
from spacesgui.adapters.s3_folder_split import iter_tree_responses
from spacesgui.core.listing import ListingPage

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

log = logging.getLogger(__name__)

PAGE_SIZE = 1000  # the most S3 returns a page


class S3TreeListingOps:
    """`iter_tree`: one listing of a whole folder tree, streamed a page at a time."""

    _client: S3Client
    _call: Callable[[str, str, Callable[[], Any]], Any]
    listing_parallelism: int
    listing_slow_page_s: float

    def iter_tree(self, bucket: str, prefix: str, *, page_size: int = PAGE_SIZE) -> Iterator[ListingPage]:
        """Yield every object under `prefix`, at any depth, a page at a time, in no set order.

        Past the first page the rest is listed a folder per stream, several at once
        (s3_folder_split), or in parallel pieces of the key range (s3_parallel_listing),
        each page handed on as soon as it is in: a search's first match may lie deep in the
        key order, and should not wait for every name before it. A caller that stops
        iterating closes the generator and no request is sent after that. If the server's
        ListObjectsV2 paging breaks (a continuation token missing or repeated), the listing
        goes on with ListObjects v1 after the last key seen, as the folder listing does.
        """
        for response in iter_tree_responses(
            self._call, self._client, bucket, prefix, page_size,
            max_in_flight=self.listing_parallelism, parallel_after_s=self.listing_slow_page_s,
        ):  # fmt: skip
            yield _tree_page(response)


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
