"""Copies, moves and deletes on the server: the jobs the engine runs for them on worker threads.

A copy is one CopyObject request (UploadPartCopy parts for big objects), verified against
what the listing said of the source before the job reports it done. A move is that copy,
then, once it is verified and journaled (phase COPIED), the deletion of its source; a
crash between the two resumes with the deletion and never deletes an unverified source.
Deletes go in batches of up to 1,000 keys, one DeleteObjects request each, and only keys
the server confirmed are reported done. No Qt here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from spacesgui.core.errors import SpacesError
from spacesgui.core.operations import MAX_DELETE_KEYS, DeleteResult
from spacesgui.core.ports import EngineStore
from spacesgui.core.transfers import COPIED, Direction, Transfer
from spacesgui.engine.transfer_jobs import JobContext, with_retries

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
    store = ctx.store
    result = with_retries(
        ctx,
        "copy",
        lambda: store.copy_listed(
            t.source_bucket, t.source_key, t.bucket, t.key, size=t.size, etag=t.remote_etag,
            multipart_threshold=ctx.settings.copy_threshold,
        ),
    )  # fmt: skip
    for note in result.notes:
        log.info("copy of %s: %s", t.source_key, note)
    t.verified = f"{result.verified} compared with the original"
    ctx.progress.reset(t.size)
    if t.direction == Direction.MOVE:
        t.phase = COPIED
    ctx.save()


def delete_batch(store: EngineStore, bucket: str, batch: Sequence[Transfer]) -> DeleteResult:
    """Delete what each transfer of `batch` deletes in `bucket` (see transfers.deletes).

    Raises a SpacesError when the request as a whole fails; per-key refusals come back in
    the result's `failed`.
    """
    keys = [t.key if t.direction == Direction.DELETE else t.source_key for t in batch]
    result = store.delete_objects(bucket, keys)
    log.info("deleted %d of %d keys in %s", len(result.deleted), len(keys), bucket)
    return result


def delete_failure_text(t: Transfer, reason: str) -> str:
    """The Status text of a transfer whose deletion the server refused."""
    if t.direction == Direction.MOVE:
        return f"Copied, but the original could not be deleted: {reason}. Retry to delete it."
    return f"Not deleted: {reason}"


__all__ = ["DELETE_BATCH", "SpacesError", "copy", "delete_batch", "delete_failure_text"]
