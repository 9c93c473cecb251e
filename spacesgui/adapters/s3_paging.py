"""Raw pages of a recursive listing (no delimiter): ListObjectsV2, and v1 where v2's paging breaks.

Blocking; call from a worker thread. Shared by `iter_objects` (transfers, operations) and
`iter_tree` (search, usage), which turn the same pages into entries or columns.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from spacesgui.adapters.s3_parallel_listing import MAX_IN_FLIGHT, SLOW_PAGE_S, ParallelListing
from spacesgui.core.errors import ListingBroken

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

log = logging.getLogger(__name__)

Call = Callable[[str, str, Callable[[], Any]], Any]  # the store's `_call`: error mapping, retries


def iter_listing_responses(
    call: Call,
    client: S3Client,
    bucket: str,
    prefix: str,
    page_size: int,
    *,
    max_in_flight: int = MAX_IN_FLIGHT,
    parallel_after_s: float = SLOW_PAGE_S,
    ordered: bool = True,
    start_after: str = "",
) -> Iterator[Any]:
    """Yield each raw response listing the objects under `prefix` (after `start_after`, if
    given), at any depth, in key order (or, with `ordered` False, the parallel pieces'
    pages as soon as each is in).

    Once pages prove slow the rest is listed in parallel pieces (s3_parallel_listing), so a
    caller that stops iterating may leave a few requests that were already in flight, and
    none is sent after it stops. A server that breaks StartAfter or paging gets the
    sequential listing below.
    """
    sequential = partial(iter_sequential_responses, call, client, bucket, prefix, page_size, start_after)
    if max_in_flight <= 1:
        return sequential()
    listing = ParallelListing(
        call,
        client,
        bucket,
        prefix,
        delimiter="",
        page_size=page_size,
        sequential=sequential,
        max_in_flight=max_in_flight,
        parallel_after_s=parallel_after_s,
        ordered=ordered,
    )
    return iter(listing)


def iter_sequential_responses(
    call: Call, client: S3Client, bucket: str, prefix: str, page_size: int, start_after: str = ""
) -> Iterator[Any]:
    """Yield each raw response listing the objects under `prefix` (after `start_after`, if
    given), one page after another.

    A page is requested only when the previous one has been taken. If the server's
    ListObjectsV2 paging breaks (a continuation token missing or repeated), the listing
    goes on with ListObjects v1 after the last key seen.
    """
    kwargs: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": page_size}
    if start_after:
        kwargs["StartAfter"] = start_after
    seen_tokens: set[str] = set()
    last_key = start_after
    while True:
        response = call("ListObjectsV2", bucket, partial(client.list_objects_v2, **kwargs))
        last_key = max(last_key, _last_key(response, last_key))
        yield response
        if not response.get("IsTruncated"):
            return
        token = str(response.get("NextContinuationToken") or "")
        if not token or token in seen_tokens:
            log.warning("ListObjectsV2 paging broke for s3://%s/%s; continuing with v1", bucket, prefix)
            yield from _iter_v1(call, client, bucket, prefix, last_key, page_size)
            return
        seen_tokens.add(token)
        kwargs["ContinuationToken"] = token


def _iter_v1(
    call: Call, client: S3Client, bucket: str, prefix: str, marker: str, page_size: int
) -> Iterator[Any]:
    seen_markers = {marker}
    while True:
        kwargs: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": page_size}
        if marker:
            kwargs["Marker"] = marker
        response = call("ListObjects", bucket, partial(client.list_objects, **kwargs))
        yield response
        if not response.get("IsTruncated"):
            return
        marker = str(response.get("NextMarker") or "") or _last_key(response, marker)
        if marker in seen_markers:
            raise ListingBroken(
                f"The server says the listing of s3://{bucket}/{prefix} goes on, but gives no "
                "way to continue it, so some objects could not be listed. Try again later."
            )
        seen_markers.add(marker)


def _last_key(response: Any, default: str) -> str:
    return max((str(item["Key"]) for item in response.get("Contents", ())), default=default)
