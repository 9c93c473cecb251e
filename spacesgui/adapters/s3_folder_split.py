"""A whole folder tree listed one subfolder per request stream, several at once, in no set order.

A recursive listing of a folder is one stream of pages, each needing the one before it:
10,000 keys are ten requests one after the other. Most big trees are made of folders
(photos/2023/, photos/2024/…), and each folder can be listed on its own, at the same
time as the others. A server that keeps its objects as files (rclone, a local MinIO)
also answers a folder's page from that folder alone, not by walking the whole tree.

So, when the first page of the plain listing says there is more: one listing with the
delimiter names the tree's folders and its top-level files. The files after the first
page are handed on from that answer; each folder that still holds unseen keys is listed
on its own (the one the first page ended in from after its last key), FOLDERS_AT_ONCE at
a time, each page handed on as it comes; a folder whose pages prove slow is listed in
parallel pieces of its own (s3_parallel_listing), as the whole tree was. Every key is
handed on exactly once: the first page holds every key up to its last, `last`; past it,
each key is either a top-level file or lies in exactly one folder.

Only where it pays: a tree whose first page went through many small folders, or with
more top-level entries than one answer holds, or fewer than two folders left, goes on
with the plain listing (s3_paging), which costs no request more than it did before
(the one delimiter request aside).

Threads: the generator runs on the caller's worker thread; the folders' listings run on
a pool of their own and hand pages over through a bounded queue. Closing the generator
stops them: no request is sent after it, and those in flight are waited for.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from spacesgui.adapters.s3_paging import Call, iter_listing_responses

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

log = logging.getLogger(__name__)

DELIMITER = "/"
# Folders listed at once. Past four, a local server answers no faster (bench: 10,000 keys
# in ten folders on rclone serve s3 took 220 ms in one stream, 90 ms four at a time, and
# 90–130 ms ten at a time); a distant one gets its parallelism inside each folder's
# listing too (s3_parallel_listing), within the same total of requests in flight.
FOLDERS_AT_ONCE = 4
# More folders than this are not split: each costs a request at least, and a tree of many
# small folders lists faster in plain pages of 1,000 keys.
MAX_FOLDERS = 256
# The first page must hold a page's worth divided by this, per folder it went through
# (100 keys at 1,000 a page): folders that small would cost more requests than the pages
# they replace.
MIN_FOLDER_SHARE = 10
WAITING_PAGES = 16  # pages the folders' listings may hold ready for the caller at most
PUT_WAIT_S = 0.1  # how often a listing blocked on a full queue looks whether it was stopped


@dataclass(frozen=True, slots=True)
class FolderJob:
    """One folder to list: all of it, or only the keys after `start_after`."""

    prefix: str
    start_after: str = ""


@dataclass(frozen=True, slots=True)
class Split:
    """What is left of a tree after its first page: top-level files, and folders to list."""

    files: list[dict[str, Any]]
    folders: list[FolderJob]


def iter_tree_responses(
    call: Call,
    client: S3Client,
    bucket: str,
    prefix: str,
    page_size: int,
    *,
    max_in_flight: int,
    parallel_after_s: float,
) -> Iterator[Any]:
    """Yield raw responses (each with at least "Contents") listing every object under
    `prefix` once, at any depth, in no set order: per folder once the tree proves big."""
    whole = iter_listing_responses(
        call, client, bucket, prefix, page_size,
        max_in_flight=max_in_flight, parallel_after_s=parallel_after_s, ordered=False,
    )  # fmt: skip
    first = next(whole, None)
    if first is None:
        return
    yield first
    split = None
    if first.get("IsTruncated") and max_in_flight > 1:
        split = plan_split(call, client, bucket, prefix, first, page_size)
    if split is None:
        yield from whole
        return
    _close(whole)
    log.debug("listing s3://%s/%s by %d folders", bucket, prefix, len(split.folders))
    if split.files:
        yield {"Contents": split.files}
    # The requests in flight are shared among the folders listed at once: two big folders
    # get half each, not a quarter.
    per_folder = max(1, max_in_flight // min(FOLDERS_AT_ONCE, len(split.folders)))
    yield from _FolderListings(call, client, bucket, page_size, per_folder, parallel_after_s).run(
        split.folders
    )


def plan_split(
    call: Call, client: S3Client, bucket: str, prefix: str, first: Any, page_size: int
) -> Split | None:
    """What remains after the first page `first`, per folder; None where a split does not pay."""
    keys = [str(item["Key"]) for item in first.get("Contents", ())]
    if not keys:
        return None
    last = max(keys)
    touched = {key[len(prefix) :].split(DELIMITER, 1)[0] for key in keys if DELIMITER in key[len(prefix) :]}
    if len(keys) < max(1, page_size // MIN_FOLDER_SHARE) * max(1, len(touched)):
        return None
    kwargs: dict[str, Any] = {
        "Bucket": bucket,
        "Prefix": prefix,
        "Delimiter": DELIMITER,
        "MaxKeys": page_size,
    }
    top = call("ListObjectsV2", bucket, partial(client.list_objects_v2, **kwargs))
    if top.get("IsTruncated"):
        return None  # more top-level names than one answer holds: the plain pages will do
    folders: list[FolderJob] = []
    for name in sorted(str(p.get("Prefix", "")) for p in top.get("CommonPrefixes", ())):
        if not name.startswith(prefix) or not name.endswith(DELIMITER) or len(name) <= len(prefix):
            log.info(
                "s3://%s/%s: the server named the folder %r; listing without splitting", bucket, prefix, name
            )
            return None
        if last.startswith(name):
            folders.append(FolderJob(name, start_after=last))  # the first page ended inside it
        elif name > last:
            folders.append(FolderJob(name))
        # else every key in it sorts before `last`: the first page had them all
    if not 2 <= len(folders) <= MAX_FOLDERS:
        return None
    files = [item for item in top.get("Contents", ()) if str(item["Key"]) > last]
    if any(not str(item["Key"]).startswith(prefix) for item in files):
        return None
    return Split(files, folders)


class _FolderListings:
    """Lists folders FOLDERS_AT_ONCE at a time and yields their pages as they come."""

    def __init__(
        self,
        call: Call,
        client: S3Client,
        bucket: str,
        page_size: int,
        in_flight: int,
        parallel_after_s: float,
    ) -> None:
        self._call, self._client, self._bucket = call, client, bucket
        self._page_size, self._in_flight, self._parallel_after_s = page_size, in_flight, parallel_after_s
        self._pages: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=WAITING_PAGES)
        self._stop = threading.Event()

    def run(self, folders: list[FolderJob]) -> Iterator[Any]:
        pool = ThreadPoolExecutor(
            max_workers=min(FOLDERS_AT_ONCE, len(folders)), thread_name_prefix="tree-folders"
        )
        for folder in folders:
            pool.submit(self._list, folder)
        left = len(folders)
        try:
            while left:
                kind, value = self._pages.get()
                if kind == "done":
                    left -= 1
                elif kind == "error":
                    raise value
                else:
                    yield value
        finally:
            self._stop.set()
            while not self._pages.empty():  # free listings blocked on a full queue
                self._pages.get_nowait()
            pool.shutdown(wait=True, cancel_futures=True)

    def _responses(self, folder: FolderJob) -> Iterator[Any]:
        responses = iter_listing_responses(
            self._call, self._client, self._bucket, folder.prefix, self._page_size,
            max_in_flight=self._in_flight, parallel_after_s=self._parallel_after_s, ordered=False,
            start_after=folder.start_after,
        )  # fmt: skip
        if not folder.start_after:
            yield from responses
            return
        try:
            for response in responses:
                # A server that ignored StartAfter repeats keys the first page had: dropped.
                contents = [i for i in response.get("Contents", ()) if str(i["Key"]) > folder.start_after]
                yield {**response, "Contents": contents}
        finally:
            _close(responses)

    def _list(self, folder: FolderJob) -> None:  # pool thread
        responses = self._responses(folder)
        try:
            for response in responses:
                if self._stop.is_set():
                    return
                self._put(("page", response))
        except BaseException as exc:  # handed to the caller's thread, which raises it
            self._put(("error", exc))
        finally:
            _close(responses)
            self._put(("done", None))

    def _put(self, item: tuple[str, Any]) -> None:
        while not self._stop.is_set():
            try:
                self._pages.put(item, timeout=PUT_WAIT_S)
                return
            except queue.Full:
                continue


def _close(responses: Iterator[Any]) -> None:
    """Stop a listing generator: it sends no further request."""
    close = getattr(responses, "close", None)
    if close is not None:
        close()
