"""Downloading one file: the job the engine runs on a worker thread for a download.

Small objects come in one GET; bigger ones stream from a HEAD's answer, or in parallel
ranges written at their offsets into the `.part` file. Checksums are computed as the
bytes arrive where they can be (a stream from the first byte; ranges cut as the
uploader's parts were), so the file is read a second time only when they cannot. The
`.part` file becomes the file only once its bytes match.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
import zlib
from collections.abc import Callable, Iterable

from spacesgui.core.errors import DiskFull, IntegrityError, LocalFileMissing, NetworkError, NotFound
from spacesgui.core.formatting import human_size
from spacesgui.core.local_files import part_path
from spacesgui.core.local_ports import PartFile
from spacesgui.core.multipart import (
    ChecksumVerifier,
    choose_part_size,
    describe_size,
    etag_part_count,
    is_md5_etag,
    multipart_etag,
    plan_parts,
    strip_etag,
)
from spacesgui.core.prefix_hash import PrefixVerifier
from spacesgui.core.transfers import MD5_METADATA, PART_SIZE_METADATA, PartRecord, RemoteObject
from spacesgui.engine.transfer_jobs import (
    READ_BLOCK,
    RETRYABLE,
    Counter,
    JobContext,
    file_blocks,
    run_parts,
    with_retries,
)

log = logging.getLogger(__name__)

# Objects up to this size are downloaded in one GET without a HEAD first.
SMALL_DOWNLOAD = 1024 * 1024
# A range's record in the journal, when the whole object's MD5 is computed as the ranges
# land (core/prefix_hash): CRC-32 says whether the bytes on disk are still those at resume,
# at a fraction of a second MD5 pass (range MD5s only serve to rebuild a multipart ETag).
CRC_PREFIX = "crc32:"
# A range being fetched records how far it got this often (and when it stops), so a resume
# after a quit, a crash or a power cut need not fetch it from its start: on a slow link
# eight ranges of 8 MiB may run for minutes before any one ends.
CHECKPOINT_S = 5.0


def download(ctx: JobContext) -> None:
    t = ctx.transfer
    _check_folder_still_there(ctx)
    fresh = not t.remote_etag and not t.part_size and t.bytes_done == 0
    if fresh and t.size <= SMALL_DOWNLOAD and _download_small(ctx):
        return
    remote = with_retries(ctx, "check", lambda: ctx.store.head_object(t.bucket, t.key))
    if remote is None:
        raise NotFound(f"“{t.key}” is no longer in the Space; nothing was downloaded.")
    resuming = bool(t.remote_etag) and remote.etag == t.remote_etag and t.bytes_done > 0
    if t.remote_etag and remote.etag != t.remote_etag:
        log.info("%s changed on the server since it was queued; downloading the new version", t.key)
        ctx.journal.clear_parts(t.id)
    t.remote_etag, t.remote_mtime, t.size = remote.etag, remote.last_modified, remote.size
    if not resuming:
        t.part_size = 0  # chosen afresh below, for this version of the object
    ctx.save()
    check_space(ctx, t.size - (t.bytes_done if resuming else 0))
    part_file = ctx.local.open_part(t.local_path, keep=resuming, tag=t.id)
    checked: tuple[bool, str] | None = None  # set when the bytes were checked as they came
    try:
        have = part_file.size() if resuming else 0
        # A resumed download keeps the way it started, whatever the threshold is now.
        if not t.part_size and t.size <= ctx.settings.multipart_threshold:
            ctx.progress.reset(min(have, t.size))
            start = min(have, t.size)
            # From the first byte, the checksum is computed as the bytes arrive (in order);
            # a resumed stream has bytes on disk from before and is read again at the end.
            verifier = _verifier(ctx, remote) if start == 0 else None
            _download_stream(ctx, part_file, start=start, feed=verifier.feed if verifier else None)
            checked = verifier.result() if verifier else None
        else:
            # The whole object's MD5, when that is what checks it, is computed as the ranges
            # land (core/prefix_hash), so the file need not be read a second time.
            whole_md5 = bool(remote.metadata.get(MD5_METADATA)) or is_md5_etag(remote.etag)
            prefix = (
                PrefixVerifier(_verifier(ctx, remote), t.size, stop=ctx.flag.is_set)
                if whole_md5 and not resuming
                else None
            )
            digests = _download_ranges(ctx, part_file, resuming, remote, prefix)
            checked = _checked_by_parts(ctx, remote, digests) or (prefix.result() if prefix else None)
    finally:
        part_file.close()
    _verify_download(ctx, remote, checked)
    ctx.local.commit_part(t.local_path, remote.last_modified, tag=t.id)


def _check_folder_still_there(ctx: JobContext) -> None:
    """A resumed download whose folder was deleted meanwhile fails and says so.

    Made again in silence, the folder came back and the bytes that had arrived were
    fetched again, with no word (a new-user pass deleted it while the download was paused).
    Retry (`restat`) takes things as they are: the folder is made again, the file fetched.
    """
    t = ctx.transfer
    if t.bytes_done > 0 and not t.restat:
        folder = os.path.dirname(t.local_path)
        if folder and not ctx.local.folder_exists(folder):
            raise LocalFileMissing(
                f"The folder “{folder}” that “{t.name}” was being downloaded into is gone "
                f"({human_size(t.bytes_done)} had arrived). Retry to make the folder again and "
                "download the file from the start, or cancel the download."
            )
    if t.restat:
        t.restat = False
        ctx.save()  # a pause after this point must not make the folder again in silence


def _download_small(ctx: JobContext) -> bool:
    """A small object in one GET, no HEAD first (its answer says all a HEAD would); checked
    as its bytes arrive. False when it must go the long way: it grew, or the GET failed."""
    t = ctx.transfer
    ctx.flag.check()
    ctx.gate()
    try:
        stream = ctx.store.open_download(t.bucket, t.key)
    except NotFound:
        raise NotFound(f"“{t.key}” is no longer in the Space; nothing was downloaded.") from None
    except RETRYABLE as exc:
        log.info("download of %s failed (%s); retrying the long way", t.key, exc)
        return False
    try:
        remote = stream.remote
        if remote.size > SMALL_DOWNLOAD:
            return False
        if remote.size == 0 and t.size > 0:
            # Listed with bytes, answered with no length (a body read to the connection's
            # end says none): the long way asks its size first (HEAD).
            return False
        # Not journaled on its own (one SQLite commit per small file): a crash restarts
        # this download from its first byte anyway; the outcome is journaled with it.
        t.remote_etag, t.remote_mtime, t.size = remote.etag, remote.last_modified, remote.size
        check_space(ctx, t.size)
        verifier = _verifier(ctx, remote)
        part_file = ctx.local.open_part(t.local_path, keep=False, tag=t.id)
        counter = Counter()
        ctx.progress.track(counter)
        try:
            for chunk in stream.chunks(ctx.bandwidth.step(ctx.settings.chunk_size)):
                ctx.flag.check()
                ctx.bandwidth.consume(len(chunk), stop=ctx.flag.is_set)
                part_file.write_at(counter.position, chunk)
                verifier.feed(chunk)
                counter.position += len(chunk)
        except RETRYABLE as exc:
            log.info("download of %s broke off (%s); retrying the long way", t.key, exc)
            return False
        finally:
            ctx.progress.settle(counter, keep=True)
            part_file.close()
    finally:
        stream.close()
    _verify_download(ctx, remote, verifier.result())
    ctx.local.commit_part(t.local_path, remote.last_modified, tag=t.id)
    return True


def check_space(ctx: JobContext, needed: int) -> int:
    """Fail with DiskFull unless `needed` more bytes fit; the free bytes found."""
    free = ctx.local.free_space(ctx.transfer.local_path)
    if needed > 0 and free < needed:
        raise DiskFull(
            f"Not enough space to download “{ctx.transfer.name}”: it needs {human_size(needed)} "
            f"more, the disk has {human_size(free)} free.",
        )
    return free


def _download_stream(
    ctx: JobContext, part_file: PartFile, *, start: int, end: int | None = None,
    feed: Callable[[bytes], None] | None = None, feed_at: Callable[[int, bytes], None] | None = None,
    crc: bool = False, seed: Iterable[bytes] = (), begun: _BegunRange | None = None,
) -> str:  # fmt: skip
    """Fetch bytes [start, end] (end inclusive; None = to the end) into the .part file.

    Returns the hex MD5 of the bytes written (retries continue where they stopped, so
    the bytes are hashed in order), or CRC_PREFIX + their CRC-32 with `crc`. `seed`: the
    bytes before `start` that belong to the same checksum (a range resumed part-way), in blocks.
    `begun` hears of every byte written (it records how far the range got).
    """
    t = ctx.transfer
    digest = hashlib.md5(usedforsecurity=False) if not crc else None
    crc_value = 0
    for block in seed:
        if digest is not None:
            digest.update(block)
        else:
            crc_value = zlib.crc32(block, crc_value)
    position = start
    last = t.size - 1 if end is None else end
    counter = Counter()
    ctx.progress.track(counter)
    try:

        def fetch() -> None:
            nonlocal position, crc_value
            if position > last:
                return
            stream = ctx.store.open_download(
                t.bucket, t.key, start=position, end=last, if_match=t.remote_etag
            )
            try:
                for chunk in stream.chunks(ctx.bandwidth.step(ctx.settings.chunk_size)):
                    ctx.flag.check()
                    ctx.bandwidth.consume(len(chunk), stop=ctx.flag.is_set)
                    part_file.write_at(position, chunk)
                    if digest is not None:
                        digest.update(chunk)
                    else:
                        crc_value = zlib.crc32(chunk, crc_value)
                    if feed is not None:
                        feed(chunk)
                    if feed_at is not None:
                        feed_at(position, chunk)
                    position += len(chunk)
                    counter.position = position - start
                    if begun is not None:
                        begun.arrived(position)
            finally:
                stream.close()
            if position <= last:
                raise NetworkError(f"The download of “{t.name}” ended early; retrying.")

        with_retries(ctx, "download", fetch)
    finally:
        ctx.progress.settle(counter, keep=True)
    return digest.hexdigest() if digest is not None else f"{CRC_PREFIX}{crc_value:08x}"


def _download_ranges(
    ctx: JobContext, part_file: PartFile, resuming: bool, remote: RemoteObject,
    prefix: PrefixVerifier | None = None,
) -> dict[int, str]:  # fmt: skip
    """Fetch the object in parallel ranges written at their offsets; range number → MD5 hex."""
    t = ctx.transfer
    # Ranges the size of the uploader's parts (when it said) give the multipart ETag from
    # their MD5s, so the file need not be read again to check it.
    if not t.part_size:
        t.part_size = _uploaded_part_size(t.size, remote) or choose_part_size(t.size, ctx.settings.part_size)
        ctx.save()  # journaled before any range is recorded: a resume cuts the same ranges
    plan = plan_parts(t.size, t.part_size)
    have, begun, begun_crc = _ranges_on_disk(ctx, part_file, plan) if resuming else ({}, {}, {})
    if not resuming:
        ctx.journal.clear_parts(t.id)
    ctx.progress.reset(sum(p.size for p in plan if p.number in have) + sum(begun.values()))

    def fetch(part: PartRecord) -> PartRecord:
        written = begun.get(part.number, 0)
        kept = _BegunRange(ctx, part_file, part, written, begun_crc.get(part.number, 0))
        try:
            md5_hex = _download_stream(
                ctx, part_file, start=part.offset + written, end=part.offset + part.size - 1,
                feed_at=prefix.add if prefix else None, crc=prefix is not None,
                seed=file_blocks(ctx, part_file.path, part.offset, written), begun=kept,
            )  # fmt: skip
        except BaseException:
            if prefix is not None:
                prefix.abandon()  # ranges waiting for this one's bytes must not wait on
            kept.record()  # paused or quit part-way: what arrived is not fetched again
            raise
        record = PartRecord(part.number, part.offset, part.size, md5_hex)
        part_file.start_flush(part.offset, part.size)  # written back while the others come
        ctx.journal.add_part(t.id, record)
        return record

    fetched = run_parts(ctx, [p for p in plan if p.number not in have], fetch, ctx.settings.parts_per_file)
    return have | {r.number: r.etag for r in fetched}


def _uploaded_part_size(size: int, remote: RemoteObject) -> int:
    """The part size this app recorded when it uploaded the object in parts, if it fits; else 0."""
    try:
        part_size = int(remote.metadata.get(PART_SIZE_METADATA, "0") or 0)
    except ValueError:
        return 0
    parts = etag_part_count(remote.etag)
    if part_size < 5 * 1024 * 1024 or not parts or -(-size // part_size) != parts:
        return 0
    return part_size


def _checked_by_parts(
    ctx: JobContext, remote: RemoteObject, digests: dict[int, str]
) -> tuple[bool, str] | None:
    """Check a multipart ETag from the MD5s of ranges cut as its parts were; None when they were not."""
    t = ctx.transfer
    plan = plan_parts(t.size, t.part_size)
    parts = etag_part_count(remote.etag)
    if remote.metadata.get(MD5_METADATA) or parts != len(plan) or set(digests) != {p.number for p in plan}:
        return None
    if any(d.startswith(CRC_PREFIX) for d in digests.values()):
        return None
    expected = multipart_etag([bytes.fromhex(digests[p.number]) for p in plan])
    if expected == strip_etag(remote.etag).lower():
        if parts == 1:
            return True, "ETag (MD5 of 1 part)"
        return True, f"ETag (MD5 of {parts} parts of {describe_size(t.part_size)})"
    return None  # perhaps cut otherwise: the whole file is read and every candidate tried


def _ranges_on_disk(
    ctx: JobContext, part_file: PartFile, plan: list[PartRecord]
) -> tuple[dict[int, str], dict[int, int], dict[int, int]]:
    """Journaled ranges whose bytes are still in the .part file, checked by their checksum:
    whole ones (range number → checksum), ones begun (range number → bytes written) and
    the CRC-32 of what each begun one holds.

    The user may have deleted or truncated the file while the download was paused, and a
    power cut may have lost what the journal had recorded: such a range is fetched again.
    """
    t = ctx.transfer
    planned = {p.number: p for p in plan}
    on_disk = part_file.size()
    good: dict[int, str] = {}
    begun: dict[int, int] = {}
    begun_crc: dict[int, int] = {}
    for part in ctx.journal.parts(t.id):
        whole = planned.get(part.number)
        if not part.etag or whole is None or part.offset != whole.offset or part.size > whole.size:
            continue
        if not part.size or part.offset + part.size > on_disk:
            continue
        ctx.flag.check()
        blocks = file_blocks(ctx, part_file.path, part.offset, part.size)
        if _blocks_checksum(blocks, crc=part.etag.startswith(CRC_PREFIX)) != part.etag:
            continue
        if part.size == whole.size:
            good[part.number] = part.etag
        else:  # begun records are always CRC-32 (_BegunRange)
            begun[part.number] = part.size
            begun_crc[part.number] = int(part.etag.removeprefix(CRC_PREFIX), 16)
    log.info(
        "resuming download of %s: %d ranges already on disk, %d begun (%s)",
        t.key, len(good), len(begun), human_size(sum(begun.values())),
    )  # fmt: skip
    return good, begun, begun_crc


class _BegunRange:
    """How far one range got, journaled as it goes (every CHECKPOINT_S and when it stops), so a
    resume after a pause, a quit or a crash continues it there.

    The CRC-32 of its bytes is carried forward: each record reads back from the .part file
    only what arrived since the last one, in blocks (a range may be gigabytes). Best effort:
    a failure only costs those bytes again.
    """

    def __init__(
        self, ctx: JobContext, part_file: PartFile, part: PartRecord, written: int, crc: int
    ) -> None:
        self.ctx, self.part_file, self.part = ctx, part_file, part
        self.upto = self.reached = part.offset + written  # the CRC has seen up to `upto`
        self.crc = crc
        self.due = time.monotonic() + CHECKPOINT_S

    def arrived(self, position: int) -> None:
        """The range's bytes are written up to `position`: record that every CHECKPOINT_S."""
        self.reached = position
        if time.monotonic() >= self.due:
            self.record()
            self.due = time.monotonic() + CHECKPOINT_S

    def record(self) -> None:
        """Journal how far the range got, if further than last time and not to its end."""
        ctx, part, position = self.ctx, self.part, self.reached
        if position <= self.upto or position >= part.offset + part.size:
            return
        try:
            crc = self.crc
            for block in file_blocks(ctx, self.part_file.path, self.upto, position - self.upto):
                crc = zlib.crc32(block, crc)
            record = PartRecord(part.number, part.offset, position - part.offset, f"{CRC_PREFIX}{crc:08x}")
            ctx.journal.add_part(ctx.transfer.id, record)
        except Exception as exc:  # the transfer's own error is what matters, not this one
            log.info("could not record the begun range %d of %s: %s", part.number, ctx.transfer.key, exc)
            return
        self.crc, self.upto = crc, position


def _blocks_checksum(blocks: Iterable[bytes], *, crc: bool) -> str:
    """What the journal records of a downloaded range: its MD5 hex, or CRC_PREFIX + CRC-32."""
    if crc:
        value = 0
        for block in blocks:
            value = zlib.crc32(block, value)
        return f"{CRC_PREFIX}{value:08x}"
    digest = hashlib.md5(usedforsecurity=False)
    for block in blocks:
        digest.update(block)
    return digest.hexdigest()


def _verifier(ctx: JobContext, remote: RemoteObject) -> ChecksumVerifier:
    """A checker of the whole object's bytes against what the server says of it."""
    t = ctx.transfer
    part_size = said_part_size(remote)
    if part_size is None:
        part_size = ctx.store.part_size_of(t.bucket, t.key)
    return verifier_for(ctx, remote, part_size)


def said_part_size(remote: RemoteObject) -> int | None:
    """The part size the object's own answer gives (0: none needed or said); None when only
    the server can say it (a multipart ETag, and no MD5 or part size of ours stored)."""
    try:
        part_size = int(remote.metadata.get(PART_SIZE_METADATA, "0") or 0)
    except ValueError:
        part_size = 0
    if not part_size and "-" in remote.etag and not remote.metadata.get(MD5_METADATA):
        return None
    return part_size


def verifier_for(ctx: JobContext, remote: RemoteObject, part_size: int) -> ChecksumVerifier:
    """A checker of the transfer's bytes against `remote`, parts of `part_size` when it is multipart."""
    return ChecksumVerifier(
        ctx.transfer.size,
        remote.etag,
        stored_md5_hex=remote.metadata.get(MD5_METADATA, ""),
        known_part_size=part_size,
    )


def _verify_download(ctx: JobContext, remote: RemoteObject, checked: tuple[bool, str] | None = None) -> None:
    """Fail unless the .part file's bytes match; `checked`: the result of checking them as they came."""
    t = ctx.transfer
    if checked is None:
        verifier = _verifier(ctx, remote)
        offset = 0
        while offset < t.size:
            ctx.flag.check()
            block = ctx.local.read_range(
                part_path(t.local_path, t.id), offset, min(READ_BLOCK, t.size - offset)
            )
            verifier.feed(block)
            offset += len(block)
        checked = verifier.result()
    ok, how = checked
    if not ok:
        ctx.local.remove_part(t.local_path, tag=t.id)
        ctx.journal.clear_parts(t.id)
        raise IntegrityError(
            f"“{t.name}” arrived damaged ({how}); the partial file was removed. Retry the download.",
        )
    t.verified = how
