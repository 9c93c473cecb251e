"""Small files as coroutines on the fast data path's event loop: no worker thread per file.

A thread per 4 KiB file cost more than the request itself (hand-over to the loop, wake-up,
GIL traffic); here one loop thread plans, sends and records them all. What would
block the loop goes to threads: a download's bytes are checked, its `.part` file
written, flushed to disk and renamed by part_commits, in batches. A file is reported done
only after its rename is on disk, as on the worker-thread path.

Server-side copies within one account (a folder rename or move: a CopyObject per key) run
here too: through a worker thread each cost a 1,000-key rename 0.8 ms of CPU a key and
made it 1.4x slower than s5cmd's (bench/operations.py).

Each job returns False when the file must take the worker-thread path after all (an
object bigger than it was listed, a GET that failed); the engine then runs the thread job,
which starts the file afresh. The checks and messages are those of transfer_jobs and
download_jobs.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from spacesgui.core.content_type import guess_content_type
from spacesgui.core.errors import IntegrityError, NotFound, TransferStopped
from spacesgui.core.multipart import is_md5_etag, strip_etag
from spacesgui.core.operations import CopyResult
from spacesgui.core.ports import LoopDataStore
from spacesgui.core.transfer_settings import EngineSettings
from spacesgui.core.transfers import (
    COPIED,
    MD5_METADATA,
    Direction,
    Transfer,
)
from spacesgui.engine.download_jobs import SMALL_DOWNLOAD, check_space, said_part_size, verifier_for
from spacesgui.engine.operation_jobs import copied
from spacesgui.engine.part_commits import PartCommits
from spacesgui.engine.transfer_jobs import (
    RETRYABLE,
    SNIFF_BYTES,
    JobContext,
    check_sent_is_current,
    check_unchanged,
    retry_delay,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

# Uploads up to this size are read whole on the loop thread (a read of 1 MiB from the page
# cache is ~0.1 ms); bigger ones go through worker threads, streamed and bandwidth-limited.
SMALL_UPLOAD = 1024 * 1024
STOP_POLL_S = 0.05  # how often a retry's wait looks at the stop flag
# A folder's free space is asked again after this long, or when what is left of it, less
# what was written since, falls under the margin (then every file asks, as before).
SPACE_FRESH_S = 1.0
SPACE_MARGIN = 256 * 1024 * 1024


class SpaceCheck:
    """download_jobs.check_space for a stream of small files: the disk asked once a second.

    Asking costs more than a 4 KiB download itself (statvfs, and a walk up to the first
    folder that exists); the answer, less the bytes written since, holds a while. Loop only.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._known: dict[str, tuple[float, int]] = {}  # folder → (when asked, free since)

    def check(self, ctx: JobContext, needed: int) -> None:
        folder = os.path.dirname(ctx.transfer.local_path)
        now = self._clock()
        seen = self._known.get(folder)
        if seen is not None and now - seen[0] < SPACE_FRESH_S and seen[1] - needed > SPACE_MARGIN:
            self._known[folder] = (seen[0], seen[1] - needed)
            return
        free = check_space(ctx, needed)
        if len(self._known) > 1024:
            self._known.clear()
        self._known[folder] = (now, free - needed)


@dataclass
class LoopTools:
    """What the engine lends the loop's jobs."""

    commits: PartCommits  # a download's write, fsync and rename, off the loop
    gui_wait: Callable[[], float]  # seconds to hold back while the GUI asked for the CPU
    space: SpaceCheck = field(default_factory=SpaceCheck)


def runs_on_loop(t: Transfer, settings: EngineSettings) -> bool:
    """Whether `t` is a small file the loop can move, or an object it can copy, start to end."""
    if t.restat or t.upload_id or t.part_size:
        return False
    if t.direction == Direction.UPLOAD:
        return t.size <= min(SMALL_UPLOAD, settings.multipart_threshold - 1)
    if t.direction == Direction.DOWNLOAD:
        return not t.remote_etag and t.bytes_done == 0 and t.size <= SMALL_DOWNLOAD
    if t.direction in (Direction.COPY, Direction.MOVE):
        # One CopyObject within one account; between accounts the bytes go through a relay
        # file on this computer (operation_jobs), which is the worker threads' work.
        same_account = t.source_account_id in ("", t.account_id)
        return same_account and bool(t.remote_etag) and t.size <= settings.copy_threshold
    return False


async def run(ctx: JobContext, store: LoopDataStore, tools: LoopTools) -> bool:
    """Move `ctx`'s file on the loop; False when it needs the worker-thread path instead."""
    direction = ctx.transfer.direction
    if direction == Direction.UPLOAD:
        await _upload(ctx, store, tools.gui_wait)
        return True
    if direction in (Direction.COPY, Direction.MOVE):
        await _copy(ctx, store, tools.gui_wait)
        return True
    return await _download(ctx, store, tools)


async def with_retries(
    ctx: JobContext, what: str, call: Callable[[], Awaitable[T]], gui_wait: Callable[[], float]
) -> T:
    """transfer_jobs.with_retries for coroutines: transient failures retried, a stop ends it."""
    for attempt in range(ctx.settings.retries + 1):
        ctx.flag.check()
        wait = gui_wait()
        if wait > 0:
            await asyncio.sleep(wait)
        try:
            return await call()
        except RETRYABLE as exc:
            if ctx.flag.stopped:
                raise TransferStopped(ctx.flag.reason) from exc
            if attempt == ctx.settings.retries:
                raise
            delay = retry_delay(ctx.settings, attempt)
            log.info(
                "%s of %s failed (%s); retry %d in %.1f s", what, ctx.transfer.key, exc, attempt + 1, delay
            )
            await _sleep_unless_stopped(ctx, delay)
    raise AssertionError("unreachable")


async def _sleep_unless_stopped(ctx: JobContext, seconds: float) -> None:
    loop = asyncio.get_running_loop()
    until = loop.time() + seconds
    while (left := until - loop.time()) > 0:
        ctx.flag.check()
        await asyncio.sleep(min(left, STOP_POLL_S))
    ctx.flag.check()


async def _upload(ctx: JobContext, store: LoopDataStore, gui_wait: Callable[[], float]) -> None:
    t = ctx.transfer
    check_unchanged(ctx, starting=True)
    data = ctx.local.read_range(t.local_path, 0, t.size)
    check_unchanged(ctx)  # what we read is what the file holds now
    t.content_type = t.content_type or guess_content_type(t.name, data[:SNIFF_BYTES])
    raw_digest = hashlib.md5(data, usedforsecurity=False).digest()
    md5_hex = raw_digest.hex()
    md5 = base64.b64encode(raw_digest).decode()
    metadata = {**t.metadata, MD5_METADATA: md5_hex}

    def put() -> Awaitable[str]:
        return store.put_small(
            t.bucket, t.key, data, md5_b64=md5, content_type=t.content_type, acl=t.acl,
            cache_control=t.cache_control, metadata=metadata,
        )  # fmt: skip

    etag = strip_etag(await with_retries(ctx, "upload", put, gui_wait))
    ctx.progress.reset(len(data))
    if is_md5_etag(etag) and etag != md5_hex:
        raise IntegrityError(
            f"The server stored different bytes for “{t.name}” than were sent. Retry the upload.",
            detail=f"sent md5 {md5_hex}, server ETag {etag}",
        )
    t.remote_etag = etag  # the new object's: an opened copy's next replace compares it
    t.verified = "Content-MD5"
    check_sent_is_current(ctx)


async def _copy(ctx: JobContext, store: LoopDataStore, gui_wait: Callable[[], float]) -> None:
    """operation_jobs.copy of an object one CopyObject copies, on the loop."""
    t = ctx.transfer
    if t.direction == Direction.MOVE and t.phase == COPIED:
        return  # copied before a pause or a restart: only the source is left to delete

    def copy() -> Awaitable[CopyResult]:
        return store.copy_small(
            t.source_bucket, t.source_key, t.bucket, t.key, size=t.size, etag=t.remote_etag
        )  # fmt: skip

    copied(ctx, await with_retries(ctx, "copy", copy, gui_wait))


async def _download(ctx: JobContext, store: LoopDataStore, tools: LoopTools) -> bool:
    t = ctx.transfer
    ctx.flag.check()
    wait = tools.gui_wait()
    if wait > 0:
        await asyncio.sleep(wait)
    try:
        remote, data = await store.get_small(t.bucket, t.key, limit=SMALL_DOWNLOAD)
    except NotFound:
        raise NotFound(f"“{t.key}” is no longer in the Space; nothing was downloaded.") from None
    except RETRYABLE as exc:
        log.info("download of %s failed (%s); retrying the long way", t.key, exc)
        return False
    if data is None:
        return False
    # Not journaled on its own: a crash restarts this download from its first byte anyway.
    t.remote_etag, t.remote_mtime, t.size = remote.etag, remote.last_modified, remote.size
    tools.space.check(ctx, t.size)
    part_size = said_part_size(remote)
    if part_size is None:  # asking the server goes to a thread
        part_size = await asyncio.to_thread(ctx.store.part_size_of, t.bucket, t.key)
    verifier = verifier_for(ctx, remote, part_size)

    def check(body: bytes) -> str:  # on the commit pool, before anything is written
        verifier.feed(body)
        ok, how = verifier.result()
        if not ok:
            raise IntegrityError(
                f"“{t.name}” arrived damaged ({how}); nothing was written. Retry the download.",
            )
        return how

    ctx.flag.check()
    t.verified = await tools.commits.commit(t.local_path, data, remote.last_modified, t.id, check)
    ctx.progress.reset(len(data))
    return True
