"""Copies, moves and deletes on the server: the jobs the engine runs for them on worker threads.

A copy is one CopyObject request (UploadPartCopy parts for big objects), verified against
what the listing said of the source before the job reports it done. Between two accounts
(two servers, or two keys) nothing can copy on the server: the object is read into a relay
file on this computer, checked, then uploaded from it like any file (Content-MD5 on every
part), so no object is ever held in memory whole. A move is that copy,
then, once it is verified and journaled (phase COPIED), the deletion of its source; a
crash between the two resumes with the deletion and never deletes an unverified source.
Deletes go in batches of up to 1,000 keys, one DeleteObjects request each, and only keys
the server confirmed are reported done. No Qt here.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Sequence

from spacesgui.core.errors import IntegrityError, NetworkError, SpacesError
from spacesgui.core.local_files import part_path
from spacesgui.core.multipart import is_md5_etag, strip_etag
from spacesgui.core.operations import MAX_DELETE_KEYS, CopyResult, DeleteResult
from spacesgui.core.ports import EngineStore
from spacesgui.core.transfer_settings import EngineSettings
from spacesgui.core.transfers import COPIED, PUBLIC_READ, RELAYED, Direction, Transfer, TransferState
from spacesgui.engine.download_jobs import check_space
from spacesgui.engine.transfer_jobs import RETRYABLE, Counter, JobContext, upload, with_retries

log = logging.getLogger(__name__)

DELETE_BATCH = MAX_DELETE_KEYS


def copy(ctx: JobContext) -> None:
    """Copy a COPY or MOVE transfer's source to its key on the server, verified.

    A MOVE ends its copy step with phase COPIED, journaled before the job returns: its
    source may be deleted from then on, and only then.
    """
    t = ctx.transfer
    if t.direction == Direction.MOVE and t.phase == COPIED:
        return  # copied before a pause or a restart: only the source is left to delete
    if ctx.source_store is not None:
        _relay(ctx, ctx.source_store)
        return
    store = ctx.store
    result = with_retries(
        ctx,
        "copy",
        lambda: store.copy_listed(
            t.source_bucket, t.source_key, t.bucket, t.key, size=t.size, etag=t.remote_etag,
            multipart_threshold=ctx.settings.copy_threshold,
        ),
    )  # fmt: skip
    copied(ctx, result)


def copied(ctx: JobContext, result: CopyResult) -> None:
    """Record a verified server-side copy on its transfer (a worker thread or the loop)."""
    t = ctx.transfer
    for note in result.notes:
        log.info("copy of %s: %s", t.source_key, note)
    t.verified = f"{result.verified} compared with the original"
    ctx.progress.reset(t.size)
    if t.direction == Direction.MOVE:
        t.phase = COPIED
    # Not journaled here, one write a key: the engine journals the new phase with the state
    # change that follows, in its batches, and always before the source's deletion is sent.
    # A crash before then copies the object again on resume, onto the same key.


def set_access(ctx: JobContext) -> None:
    """Make one object private or public-read (its `acl`): one PutObjectAcl, with Content-MD5.

    The server's 200 is the confirmation (the change is atomic there); reading every ACL
    back would double the requests of a folder of thousands for nothing more.
    """
    t = ctx.transfer
    store = ctx.store
    with_retries(ctx, "access change", lambda: store.put_canned_acl(t.bucket, t.key, t.acl))
    t.verified = f"{t.acl}, confirmed by the server"
    ctx.progress.reset(t.size)
    ctx.save()


def relay_file(relay_dir: str, transfer_id: str) -> str:
    """Where a copy between accounts keeps the object's bytes: a part file of its own."""
    return os.path.join(relay_dir, transfer_id)


def _relay(ctx: JobContext, source: EngineStore) -> None:
    """Copy between accounts: read the source into the relay file, check it, upload it.

    Once the bytes are in the relay file and checked (phase RELAYED, journaled), a pause
    or a restart goes on with the upload, which resumes from the parts the server has.
    """
    t = ctx.transfer
    base = relay_file(ctx.relay_dir, t.id)
    if t.phase != RELAYED or ctx.local.exists(part_path(base, t.id)) is None:
        _fetch(ctx, source, base)
        t.phase = RELAYED
        t.local_path = part_path(base, t.id)
        t.local_mtime_ns = ctx.local.stat(t.local_path).mtime_ns
        t.upload_id, t.part_size = "", 0
        ctx.save()
    upload(ctx)  # from the relay file; Content-MD5 on every request, the ETag checked
    t.verified = f"{t.verified}, read from the other account and checked".lstrip(", ")
    ctx.local.remove_part(base, tag=t.id)
    if t.direction == Direction.MOVE:
        t.phase = COPIED
    ctx.save()


def _fetch(ctx: JobContext, source: EngineStore, base: str) -> None:
    """Read the source object into the relay part file; check its size and (plain) MD5."""
    t = ctx.transfer
    details = with_retries(ctx, "look-up", lambda: source.head_details(t.source_bucket, t.source_key))
    if t.remote_etag and strip_etag(details.etag) != strip_etag(t.remote_etag):
        log.info("%s changed since it was listed; copying the version there now", t.source_key)
    t.size, t.remote_etag = details.size, details.etag
    t.content_type = details.headers.content_type
    t.cache_control = details.headers.cache_control
    if t.acl != PUBLIC_READ and source.acl_support(t.source_bucket):
        try:
            t.acl = source.get_acl(t.source_bucket, t.source_key).canned
        except SpacesError as exc:  # the copy stays private: say so in the log, not fail it
            log.info("access of %s unreadable (%s); its copy is private", t.source_key, exc.message)
    check_space(ctx, t.size)
    part_file = ctx.local.open_part(base, keep=False, tag=t.id)
    counter = Counter()
    ctx.progress.reset(0)
    ctx.progress.track(counter)
    digest = hashlib.md5(usedforsecurity=False)
    try:

        def read() -> None:
            nonlocal digest
            digest = hashlib.md5(usedforsecurity=False)
            counter.position = 0
            stream = source.open_download(t.source_bucket, t.source_key, if_match=t.remote_etag)
            try:
                for chunk in stream.chunks(ctx.bandwidth.step(ctx.settings.chunk_size)):
                    ctx.flag.check()
                    ctx.bandwidth.consume(len(chunk), stop=ctx.flag.is_set)
                    part_file.write_at(counter.position, chunk)
                    digest.update(chunk)
                    counter.position += len(chunk)
            finally:
                stream.close()
            if counter.position != t.size:
                raise NetworkError(f"Reading “{t.name}” from the other account ended early; retrying.")

        with_retries(ctx, "read from the other account", read)
    finally:
        ctx.progress.settle(counter, keep=False)
        part_file.close()
    etag = strip_etag(t.remote_etag)
    if is_md5_etag(etag) and digest.hexdigest() != etag:
        ctx.local.remove_part(base, tag=t.id)
        raise IntegrityError(f"“{t.name}” arrived damaged from the other account; retry the copy.")


def delete_batch(store: EngineStore, bucket: str, batch: Sequence[Transfer]) -> DeleteResult:
    """Delete what each transfer of `batch` deletes in `bucket` (see transfers.deletes).

    Raises a SpacesError when the request as a whole fails; per-key refusals come back in
    the result's `failed`.
    """
    keys = [t.key if t.direction == Direction.DELETE else t.source_key for t in batch]
    result = store.delete_objects(bucket, keys)
    log.info("deleted %d of %d keys in %s", len(result.deleted), len(keys), bucket)
    return result


def delete_outcomes(
    store: EngineStore, bucket: str, batch: Sequence[Transfer], settings: EngineSettings,
    closing: Callable[[], bool],
) -> dict[str, tuple[TransferState, str]]:  # fmt: skip
    """Delete a batch (retrying brief network and server failures) and say how each ended.

    DONE only for keys the server confirmed; every other one FAILED with the reason.
    """
    delay = settings.retry_base_delay_s
    for attempt in range(settings.retries + 1):
        try:
            result = delete_batch(store, bucket, batch)
            break
        except RETRYABLE as exc:
            if attempt == settings.retries or closing():
                return all_failed(batch, exc)
            time.sleep(delay)
            delay = min(delay * 2, settings.retry_max_delay_s)
        except SpacesError as exc:
            return all_failed(batch, exc)
    refused = {f.key: f.message for f in result.failed}
    confirmed = set(result.deleted)
    outcomes: dict[str, tuple[TransferState, str]] = {}
    for t in batch:
        key = t.key if t.direction == Direction.DELETE else t.source_key
        if key in confirmed:
            outcomes[t.id] = (TransferState.DONE, "")
        else:
            reason = refused.get(key, "the server did not confirm it")
            outcomes[t.id] = (TransferState.FAILED, delete_failure_text(t, reason))
    return outcomes


def all_failed(batch: Sequence[Transfer], exc: SpacesError) -> dict[str, tuple[TransferState, str]]:
    """Every transfer of `batch` failed for `exc` (the request as a whole, or no keys for it)."""
    log.warning("deleting %d keys failed: %s %s", len(batch), exc.message, exc.detail)
    return {t.id: (TransferState.FAILED, delete_failure_text(t, exc.message)) for t in batch}


def delete_failure_text(t: Transfer, reason: str) -> str:
    """The Status text of a transfer whose deletion the server refused."""
    if t.direction == Direction.MOVE:
        return f"Copied, but the original could not be deleted: {reason}. Retry to delete it."
    return f"Not deleted: {reason}"


__all__ = [
    "DELETE_BATCH",
    "all_failed",
    "copied",
    "copy",
    "delete_batch",
    "delete_failure_text",
    "delete_outcomes",
    "relay_file",
    "set_access",
]  # fmt: skip
