"""Moving one file: the upload job, and what every job shares (context, retries, parts).

Every job reads its settings from a `JobContext`, reports bytes through `Progress`,
records each finished part in the journal before going on, and verifies what arrived.
Nothing here touches Qt; all of it runs on the engine's worker threads.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import random
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TypeVar

from spacesgui.core.content_type import guess_content_type
from spacesgui.core.errors import (
    IntegrityError,
    LocalFileChanged,
    NetworkError,
    NotFound,
    ServerError,
    Throttled,
    TransferStopped,
)
from spacesgui.core.formatting import human_size
from spacesgui.core.local_files import LocalStat
from spacesgui.core.local_ports import LocalFiles
from spacesgui.core.multipart import (
    choose_part_size,
    is_md5_etag,
    multipart_etag,
    plan_parts,
    strip_etag,
)
from spacesgui.core.ports import EngineStore, TransferJournal
from spacesgui.core.throughput import TokenBucket
from spacesgui.core.transfer_settings import EngineSettings
from spacesgui.core.transfers import MD5_METADATA, OPENED_COPY, PART_SIZE_METADATA, PartRecord, Transfer
from spacesgui.engine.transfer_body import CountingBody, Limiter, StopFlag

log = logging.getLogger(__name__)

T = TypeVar("T")

# Errors worth another attempt after a pause: the network, a busy server, a 5xx, or
# bytes damaged on the way (the server's Content-MD5 check caught it).
RETRYABLE = (NetworkError, Throttled, ServerError, IntegrityError)
SNIFF_BYTES = 512
READ_BLOCK = 8 * 1024 * 1024  # a local file read at a time to hash or check it (file_blocks)
# The first retry comes quickly (a lone 500 or a reset connection must not cost half a
# second); later ones back off from retry_base_delay_s. All are jittered, so requests
# refused together do not come back together.
FIRST_RETRY_S = (0.02, 0.1)


def retry_delay(settings: EngineSettings, attempt: int) -> float:
    """Seconds to wait before retry number `attempt` + 1 (0-based)."""
    if attempt == 0:
        low, high = FIRST_RETRY_S
        return random.uniform(low, min(high, max(low, settings.retry_base_delay_s)))
    ceiling = min(settings.retry_base_delay_s * 2 ** (attempt - 1), settings.retry_max_delay_s)
    return random.uniform(ceiling / 2, ceiling)


class Progress:
    """Bytes done for one transfer: finished parts plus the position of each live request."""

    def __init__(self, finished: int = 0) -> None:
        self._lock = threading.Lock()
        self._finished = finished
        self._live: list[CountingBody | Counter] = []

    def track(self, body: CountingBody | Counter) -> None:
        with self._lock:
            self._live.append(body)

    def settle(self, body: CountingBody | Counter, *, keep: bool) -> None:
        """Stop watching `body`; `keep` adds its bytes to the finished total."""
        with self._lock:
            self._live.remove(body)
            if keep:
                self._finished += body.position

    def reset(self, finished: int = 0) -> None:
        with self._lock:
            self._finished = finished

    def add_finished(self, size: int) -> None:
        with self._lock:
            self._finished += size

    @property
    def done(self) -> int:
        with self._lock:
            return self._finished + sum(body.position for body in self._live)


class Counter:
    """A position counter for download streams (the same shape as CountingBody)."""

    def __init__(self) -> None:
        self.position = 0


@dataclass
class JobContext:
    transfer: Transfer
    store: EngineStore
    journal: TransferJournal
    local: LocalFiles
    flag: StopFlag
    settings: EngineSettings
    bandwidth: TokenBucket
    part_pool: ThreadPoolExecutor
    progress: Progress
    save: Callable[[], None]  # journal the transfer's fields and tell the GUI they changed
    gate: Callable[[], None] = lambda: None  # waits while the GUI thread asked for the GIL
    part_limit: Limiter | None = None  # parts in flight over all files
    # Copies between accounts: the account the object comes from, and where it waits locally.
    source_store: EngineStore | None = None
    relay_dir: str = ""


def with_retries(ctx: JobContext, what: str, call: Callable[[], T]) -> T:
    """Run `call`, retrying transient failures with backoff; a pause or cancel ends it at once."""
    for attempt in range(ctx.settings.retries + 1):
        ctx.flag.check()
        ctx.gate()
        try:
            return call()
        except RETRYABLE as exc:
            if ctx.flag.stopped:
                raise TransferStopped(ctx.flag.reason) from exc
            if attempt == ctx.settings.retries:
                raise
            delay = retry_delay(ctx.settings, attempt)
            log.info(
                "%s of %s failed (%s); retry %d in %.1f s", what, ctx.transfer.key, exc, attempt + 1, delay
            )
            if ctx.flag.wait(delay):
                raise TransferStopped(ctx.flag.reason) from exc
        except Exception as exc:
            if ctx.flag.stopped:  # the HTTP layer may wrap our stop in its own error
                raise TransferStopped(ctx.flag.reason) from exc
            raise
    raise AssertionError("unreachable")


# ---------------------------------------------------------------- uploads


def check_unchanged(ctx: JobContext, *, starting: bool = False) -> None:
    """Fail when the local file differs from what was planned (size or modification time).
    `starting`: before the upload's first request (the change then came while it waited)."""
    t = ctx.transfer
    now = ctx.local.stat(t.local_path)
    if now.size != t.size or now.mtime_ns != t.local_mtime_ns:
        when = ""
        if starting:
            # A resumed upload (paused, or from before a quit): the change may have come at
            # any time since it began, the app closed even; not "while it was being uploaded".
            begun = t.upload_id or t.bytes_done
            when = "since its upload began" if begun else "since it was queued"
        raise _changed(t, now, "", when=when)


def check_sent_is_current(ctx: JobContext) -> None:
    """After one request stored the bytes read before: fail when the file was saved again
    meanwhile, saying the Space holds that earlier version (a Done would hide the save).

    Not for an opened copy (its service offers the newer save itself), nor for a file gone
    by then (nothing newer exists to upload).
    """
    t = ctx.transfer
    now = ctx.local.exists(t.local_path) if t.phase != OPENED_COPY else None
    if now is not None and (now.size != t.size or now.mtime_ns != t.local_mtime_ns):
        raise _changed(t, now, " The Space has the version from before the change.")


def _changed(t: Transfer, now: LocalStat, held: str, *, when: str = "") -> LocalFileChanged:
    before, after = human_size(t.size), human_size(now.size)
    if before == after:  # “600 KB, now 600 KB” said nothing: the exact bytes do
        before, after = f"{t.size:,} bytes", f"{now.size:,} bytes"
    what = f"it was {before}, now {after}" if now.size != t.size else "it was saved again"
    when = when or "while it was being uploaded"
    return LocalFileChanged(
        f"“{t.name}” changed on this computer {when} ({what}).{held} Retry to upload the new version.",
        detail=f"{t.local_path}: planned size={t.size} mtime_ns={t.local_mtime_ns}, "
        f"now size={now.size} mtime_ns={now.mtime_ns}",
    )


def upload(ctx: JobContext) -> None:
    t = ctx.transfer
    if t.restat:
        _take_file_as_it_is(ctx)
    check_unchanged(ctx, starting=True)
    if t.size < ctx.settings.multipart_threshold and not t.upload_id:
        _upload_single(ctx)
    else:
        _upload_multipart(ctx)


def _take_file_as_it_is(ctx: JobContext) -> None:
    """On retry, upload the file as it is now; parts of an older version are thrown away."""
    t = ctx.transfer
    t.restat = False
    now = ctx.local.stat(t.local_path)
    if (now.size, now.mtime_ns) == (t.size, t.local_mtime_ns):
        return
    if t.upload_id:
        ctx.store.abort_multipart_upload(t.bucket, t.key, t.upload_id)
        ctx.journal.clear_parts(t.id)
        t.upload_id = ""
    t.size, t.local_mtime_ns, t.content_type = now.size, now.mtime_ns, ""
    ctx.save()


def _upload_single(ctx: JobContext) -> None:
    t = ctx.transfer
    data = ctx.local.read_range(t.local_path, 0, t.size)
    check_unchanged(ctx)  # what we read is what the file holds now
    t.content_type = t.content_type or guess_content_type(t.name, data[:SNIFF_BYTES])
    raw_digest = hashlib.md5(data, usedforsecurity=False).digest()
    md5_hex = raw_digest.hex()
    md5 = base64.b64encode(raw_digest).decode()  # one MD5 pass: Content-MD5 and the check share it

    def put() -> str:
        body = CountingBody(data, ctx.flag, ctx.bandwidth)
        ctx.progress.track(body)
        try:
            return ctx.store.put_object(
                t.bucket, t.key, body, size=len(data), md5_b64=md5, content_type=t.content_type,
                acl=t.acl, cache_control=t.cache_control, metadata={**t.metadata, MD5_METADATA: md5_hex},
            )  # fmt: skip
        finally:
            ctx.progress.settle(body, keep=False)

    etag = strip_etag(with_retries(ctx, "upload", put))
    ctx.progress.reset(len(data))
    if is_md5_etag(etag) and etag != md5_hex:
        raise IntegrityError(
            f"The server stored different bytes for “{t.name}” than were sent. Retry the upload.",
            detail=f"sent md5 {md5_hex}, server ETag {etag}",
        )
    t.verified = "Content-MD5"
    t.remote_etag = etag  # the new object's: an opened copy's next replace compares it
    check_sent_is_current(ctx)


def _upload_multipart(ctx: JobContext) -> None:
    t = ctx.transfer
    stored = _resume_parts(ctx) if t.upload_id else {}
    if not t.upload_id:
        if not t.content_type:
            head = ctx.local.read_range(t.local_path, 0, min(SNIFF_BYTES, t.size))
            t.content_type = guess_content_type(t.name, head)
        t.part_size = choose_part_size(t.size, ctx.settings.part_size)
        t.upload_id = with_retries(
            ctx,
            "start of the multipart upload",
            lambda: ctx.store.create_multipart_upload(
                t.bucket,
                t.key,
                content_type=t.content_type,
                acl=t.acl,
                cache_control=t.cache_control,
                metadata={**t.metadata, PART_SIZE_METADATA: str(t.part_size)},
            ),
        )
        ctx.journal.clear_parts(t.id)
        ctx.save()  # journal the upload id before any part exists on the server
    plan = plan_parts(t.size, t.part_size)
    ctx.progress.reset(sum(p.size for p in stored.values()))
    todo = [p for p in plan if p.number not in stored]
    digests: dict[int, bytes] = {n: bytes.fromhex(p.etag) for n, p in stored.items()}

    def send(part: PartRecord) -> PartRecord:
        return _upload_part(ctx, part, digests)

    finished = run_parts(ctx, todo, send, ctx.settings.parts_per_file)
    for record in finished:
        stored[record.number] = record
    check_unchanged(ctx)
    parts = [stored[p.number] for p in plan]
    expected = multipart_etag([digests[p.number] for p in plan])
    try:
        etag = strip_etag(
            with_retries(
                ctx,
                "completion of the multipart upload",
                lambda: ctx.store.complete_multipart_upload(t.bucket, t.key, t.upload_id, parts),
            )
        )
    except NotFound:
        # The server may have completed it and the answer got lost: a retry then finds
        # no upload. The object itself says whether it is ours.
        remote = ctx.store.head_object(t.bucket, t.key)
        if remote is None or not _completed_from_our_parts(ctx, remote.etag, remote.size, expected):
            raise
        etag = remote.etag
    t.upload_id = ""
    if "-" in etag and etag != expected:
        raise IntegrityError(
            f"The server assembled “{t.name}” from different parts than were sent. Upload it again.",
            detail=f"expected ETag {expected}, server {etag}",
        )
    t.verified = f"Content-MD5 on each of {len(plan)} parts"
    t.remote_etag = etag


def file_blocks(ctx: JobContext, path: str, offset: int, size: int) -> Iterator[bytes]:
    """The local file's bytes [offset, offset + size), READ_BLOCK at a time."""
    end = offset + size
    while offset < end:
        block = ctx.local.read_range(path, offset, min(READ_BLOCK, end - offset))
        yield block
        offset += len(block)


def _completed_from_our_parts(ctx: JobContext, etag: str, size: int, expected: str) -> bool:
    """Whether the object found after a completion's answer was lost is the one our parts made.

    Its ETag is the multipart ETag of our parts on S3 and Spaces. Some servers (rclone)
    answer the whole file's MD5 instead: then the file is read once more and hashed, which
    only this rare path pays.
    """
    t = ctx.transfer
    etag = strip_etag(etag)
    if etag == expected:
        return True
    if size != t.size or not is_md5_etag(etag):
        return False
    digest = hashlib.md5(usedforsecurity=False)
    for block in file_blocks(ctx, t.local_path, 0, t.size):
        ctx.flag.check()
        digest.update(block)
    check_unchanged(ctx)  # what was hashed is what the file holds now
    return digest.hexdigest() == etag


def _resume_parts(ctx: JobContext) -> dict[int, PartRecord]:
    """The parts of an interrupted upload that the server holds with exactly our bytes.

    A part counts when the journal recorded sending it with the MD5 the server reports,
    or, for an upload the journal does not know (started by another tool, or a lost
    journal), when the local bytes at that place hash to the server's ETag.
    """
    t = ctx.transfer
    journaled = {p.number: p for p in ctx.journal.parts(t.id)}
    try:
        on_server = with_retries(
            ctx, "listing of uploaded parts", lambda: ctx.store.list_parts(t.bucket, t.key, t.upload_id)
        )
    except NotFound:
        log.info("multipart upload of %s is gone from the server; starting over", t.key)
        t.upload_id = ""
        return {}
    if not t.part_size:
        first = min(on_server, key=lambda p: p.number, default=None)
        t.part_size = first.size if first else choose_part_size(t.size, ctx.settings.part_size)
        ctx.save()
    planned = {p.number: p for p in plan_parts(t.size, t.part_size)}
    usable: dict[int, PartRecord] = {}
    for part in on_server:
        plan = planned.get(part.number)
        if plan is None or part.size != plan.size:
            continue
        etag = strip_etag(part.etag)
        mine = journaled.get(part.number)
        if mine is not None and mine.etag == etag:
            usable[part.number] = mine
        elif mine is None and is_md5_etag(etag):
            ctx.flag.check()
            local_md5 = hashlib.md5(
                ctx.local.read_range(t.local_path, plan.offset, plan.size), usedforsecurity=False
            ).hexdigest()
            if local_md5 == etag:
                usable[part.number] = PartRecord(part.number, plan.offset, plan.size, etag)
                ctx.journal.add_part(t.id, usable[part.number])
    log.info("resuming %s: %d of %d parts already on the server", t.key, len(usable), len(planned))
    return usable


def _upload_part(ctx: JobContext, part: PartRecord, digests: dict[int, bytes]) -> PartRecord:
    t = ctx.transfer
    ctx.flag.check()
    data = ctx.local.read_range(t.local_path, part.offset, part.size)
    digest = hashlib.md5(data, usedforsecurity=False).digest()
    md5 = base64.b64encode(digest).decode()

    def put() -> str:
        body = CountingBody(data, ctx.flag, ctx.bandwidth)
        ctx.progress.track(body)
        try:
            return ctx.store.upload_part(
                t.bucket, t.key, t.upload_id, part.number, body, size=len(data), md5_b64=md5
            )
        finally:
            ctx.progress.settle(body, keep=False)

    etag = strip_etag(with_retries(ctx, f"part {part.number}", put))
    if is_md5_etag(etag) and etag != digest.hex():
        raise IntegrityError(
            f"The server stored different bytes for part {part.number} of “{t.name}”.",
            detail=f"sent md5 {digest.hex()}, server ETag {etag}",
        )
    record = PartRecord(part.number, part.offset, part.size, digest.hex())
    digests[part.number] = digest
    ctx.journal.add_part(t.id, record)
    ctx.progress.add_finished(part.size)
    return record


def run_parts(
    ctx: JobContext, parts: list[PartRecord], send: Callable[[PartRecord], PartRecord], limit: int
) -> list[PartRecord]:
    """Send `parts` on the shared part pool, at most `limit` at once; stop all on the first error."""
    if ctx.part_limit is not None:
        send = _limited(ctx, ctx.part_limit, send)
    done: list[PartRecord] = []
    pending: set[Future[PartRecord]] = set()
    queue = list(reversed(parts))
    first_error: BaseException | None = None
    while queue or pending:
        while queue and len(pending) < limit and first_error is None and not ctx.flag.stopped:
            pending.add(ctx.part_pool.submit(send, queue.pop()))
        if not pending:
            break
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            error = future.exception()
            if error is None:
                done.append(future.result())
            elif first_error is None or isinstance(first_error, TransferStopped):
                first_error = error
        if first_error is not None:
            queue.clear()
    if first_error is not None:
        raise first_error
    ctx.flag.check()
    return done


def _limited(
    ctx: JobContext, limiter: Limiter, send: Callable[[PartRecord], PartRecord]
) -> Callable[[PartRecord], PartRecord]:
    def run(part: PartRecord) -> PartRecord:
        limiter.acquire(ctx.flag)
        try:
            return send(part)
        finally:
            limiter.release()

    return run
