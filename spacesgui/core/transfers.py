"""Transfers as data: what moves where, its state, and the parts already stored.

Pure values; the engine in services changes them on worker threads under its own lock,
the journal records them, the queue model shows snapshots of them.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from spacesgui.core.errors import InvalidInput
from spacesgui.core.keys import folders_above


class Direction(StrEnum):
    """What a transfer does. Copies, moves and deletes run on the server: no local file."""

    UPLOAD = "upload"
    DOWNLOAD = "download"
    COPY = "copy"  # source_bucket/source_key → bucket/key, on the server (or streamed across accounts)
    MOVE = "move"  # a copy, then the source deleted once the copy is verified
    DELETE = "delete"  # bucket/key deleted
    ACCESS = "access"  # bucket/key made private or public-read (the canned ACL in `acl`)

    @property
    def on_server(self) -> bool:
        """Runs between objects only: no local file is read or written."""
        return self in (Direction.COPY, Direction.MOVE, Direction.DELETE, Direction.ACCESS)

    @property
    def moves_bytes(self) -> bool:
        """Its progress is bytes moved (a delete or an access change moves none)."""
        return self in (Direction.UPLOAD, Direction.DOWNLOAD, Direction.COPY, Direction.MOVE)

    @property
    def writes_name(self) -> bool:
        """Ends with something at its target, an object or a local file: the ones moving bytes
        (a delete or an access change only changes what is there)."""
        return self.moves_bytes

    @property
    def writes_object(self) -> bool:
        """Ends with an object at bucket/key."""
        return self in (Direction.UPLOAD, Direction.COPY, Direction.MOVE)


# MOVE's phase once its copy is verified: from then on only its source is left to delete.
COPIED = "copied"
# A copy between accounts whose bytes are in its relay file, checked: the upload is next.
RELAYED = "relayed"
# An upload of an opened copy over its object (set when planned): a save during the upload
# is the opened-copy service's to offer next, so the engine does not fail the upload for it.
OPENED_COPY = "opened-copy"


class TransferState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"

    @property
    def finished(self) -> bool:
        return self in _FINISHED

    @property
    def active(self) -> bool:
        return self in (TransferState.QUEUED, TransferState.RUNNING)


_FINISHED = frozenset(
    {TransferState.DONE, TransferState.FAILED, TransferState.CANCELLED, TransferState.SKIPPED}
)

# Canned ACLs every S3-compatible store (Spaces included) understands.
PRIVATE = "private"
PUBLIC_READ = "public-read"
CANNED_ACLS = (PRIVATE, PUBLIC_READ)

# Object metadata the app writes at upload so a later download can verify the bytes.
MD5_METADATA = "spacesgui-md5"  # hex MD5 of the whole file (single PUT uploads)
PART_SIZE_METADATA = "spacesgui-part-size"  # part size in bytes (multipart uploads)
# The app's own: not the user's to see or edit (Properties hides them, and keeps them).
ENGINE_METADATA = frozenset({MD5_METADATA, PART_SIZE_METADATA})


def check_cache_control(text: str) -> str:
    """Return a Cache-Control value fit for an HTTP header, or raise InvalidInput saying why."""
    value = text.strip()
    if any(ord(c) < 32 or ord(c) > 126 for c in value):
        raise InvalidInput("Cache-Control may only hold plain ASCII text, e.g. “max-age=86400, public”.")
    return " ".join(value.split())


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class UploadOptions:
    """What every object an account uploads gets, sent in the upload request itself."""

    acl: str = PRIVATE
    cache_control: str = ""


@dataclass(slots=True)
class Transfer:
    """One file moving one way. Mutable: the engine updates state and progress."""

    direction: Direction
    account_id: str  # may be gone after a restart: then account_ref finds an account with the same keys
    bucket: str
    key: str
    local_path: str  # the final local name (downloads write to local_path + ".part" first)
    size: int
    group_id: str = ""  # the folder transfer this file belongs to, if any
    state: TransferState = TransferState.QUEUED
    bytes_done: int = 0
    error: str = ""
    # Uploads: what the local file looked like when planned; a change fails the upload.
    local_mtime_ns: int = 0
    content_type: str = ""
    acl: str = PRIVATE
    cache_control: str = ""
    # Multipart uploads: the server's upload id and the part size, journaled for resume.
    upload_id: str = ""
    part_size: int = 0
    # Downloads: the object's ETag and Last-Modified when planned; a change restarts it.
    # Uploads: the new object's ETag once done.
    remote_etag: str = ""
    remote_mtime: float = 0.0
    verified: str = ""  # how the bytes were checked, in words ("MD5", "part MD5s", ...)
    # Set by Retry: take the local file as it is now, not as planned.
    restat: bool = False
    account_ref: str = ""  # Account.ref() of the account that planned it: keys @ endpoint
    # Copies and moves: where the object comes from ("" account: the same as account_id).
    source_bucket: str = ""
    source_key: str = ""
    source_account_id: str = ""
    phase: str = ""  # moves: COPIED once the copy is verified and only the source is left
    waits_for: str = ""  # a group id: start only once that group has finished, all of it done
    # Uploads: user metadata the object gets (a replaced object keeps its own; see replace_object).
    metadata: dict[str, str] = field(default_factory=dict)
    # The run that finished it, timed by the engine (wall clock): its average speed once done,
    # when the queue saw it move for too short a time to time it.
    run_started: float = 0.0
    run_ended: float = 0.0
    run_bytes: int = 0  # bytes that run moved (a resumed file: what was left)
    id: str = field(default_factory=new_id)
    created: float = field(default_factory=time.time)

    @property
    def name(self) -> str:
        return self.key.rsplit("/", 1)[-1] or self.key

    @property
    def run_rate(self) -> float:
        """Bytes per second of the run that finished it, as the engine timed it (0.0 unknown)."""
        span = self.run_ended - self.run_started
        return self.run_bytes / span if self.run_bytes > 0 and span > 0 else 0.0

    def copy(self) -> Transfer:
        """An independent copy (its metadata too), for the journal or another thread.

        Field by field: the engine copies every transfer whose state changes, and
        dataclasses.replace() (which runs __init__) took ~10 µs a copy, a third of a second
        of a 10,000-key delete. tests/unit/test_transfer_copy.py checks no field is missed.
        """
        new = object.__new__(Transfer)
        new.direction = self.direction
        new.account_id = self.account_id
        new.bucket = self.bucket
        new.key = self.key
        new.local_path = self.local_path
        new.size = self.size
        new.group_id = self.group_id
        new.state = self.state
        new.bytes_done = self.bytes_done
        new.error = self.error
        new.local_mtime_ns = self.local_mtime_ns
        new.content_type = self.content_type
        new.acl = self.acl
        new.cache_control = self.cache_control
        new.upload_id = self.upload_id
        new.part_size = self.part_size
        new.remote_etag = self.remote_etag
        new.remote_mtime = self.remote_mtime
        new.verified = self.verified
        new.restat = self.restat
        new.account_ref = self.account_ref
        new.source_bucket = self.source_bucket
        new.source_key = self.source_key
        new.source_account_id = self.source_account_id
        new.phase = self.phase
        new.waits_for = self.waits_for
        new.metadata = dict(self.metadata)
        new.run_started = self.run_started
        new.run_ended = self.run_ended
        new.run_bytes = self.run_bytes
        new.id = self.id
        new.created = self.created
        return new


@dataclass(slots=True)
class TransferGroup:
    """A folder transfer: the queue shows it as one row over its files."""

    direction: Direction
    name: str  # what the user dropped or picked: a folder name, or "3 items"
    account_id: str
    bucket: str
    prefix: str  # uploads: where the folder goes; downloads: where the keys come from
    local_root: str  # uploads: the dropped folder's parent; downloads: the chosen folder
    id: str = field(default_factory=new_id)
    created: float = field(default_factory=time.time)


@dataclass(frozen=True, slots=True)
class PartRecord:
    """A part the server has stored (uploads) or a byte range written (downloads)."""

    number: int  # 1-based
    offset: int
    size: int
    etag: str  # the server's ETag (uploads) or the hex MD5 of the range (downloads)


@dataclass(frozen=True, slots=True)
class PendingUpload:
    """A multipart upload the server still holds open, whoever started it."""

    bucket: str
    key: str
    upload_id: str
    initiated: float  # POSIX timestamp


@dataclass(frozen=True, slots=True)
class RemoteObject:
    """What HeadObject says about an object."""

    key: str
    size: int
    etag: str  # without quotes
    last_modified: float
    content_type: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


def target_of(t: Transfer) -> tuple[str, ...]:
    """What a transfer writes: an object (uploads, copies, moves, deletes) or a local file."""
    if t.direction == Direction.DOWNLOAD:
        return ("download", t.local_path)
    return ("upload", t.account_id, t.bucket, t.key)


def deletes(t: Transfer) -> tuple[str, str] | None:
    """(bucket, key) a transfer's next step deletes on its account: a delete's key, or a copied
    move's source. None when its next step deletes nothing."""
    if t.direction == Direction.DELETE:
        return t.bucket, t.key
    if t.direction == Direction.MOVE and t.phase == COPIED:
        return t.source_bucket, t.source_key
    return None


def changed_folders(transfers: Iterable[Transfer]) -> dict[tuple[str, str], frozenset[str]]:
    """The folders whose listing the done ones of `transfers` changed, by (account id, bucket)
    (and those of uploads that stored bytes before they failed), and the folders of the
    objects a failed download, copy, move, delete or access change was on (the usual reason is that
    another tool changed or deleted the object: the listing on show is out of date, and a
    row for an object that is gone must go rather than fail again).

    Each folder a transfer added a key to or took one from, and every folder above it: a
    new folder must also appear in its parents.
    """
    keys: dict[tuple[str, str], list[str]] = {}
    for t in transfers:
        if t.state == TransferState.FAILED and t.direction != Direction.UPLOAD:
            source = (t.source_account_id or t.account_id, t.source_bucket) if t.source_key else None
            place, key = (source, t.source_key) if source else ((t.account_id, t.bucket), t.key)
            keys.setdefault(place, []).append(key)
            if source and t.direction.writes_object:  # a move whose copy was made before it failed
                keys.setdefault((t.account_id, t.bucket), []).append(t.key)
            continue
        # An upload that failed after the server stored its bytes (the file was saved again
        # meanwhile) changed its folder too: the Space has the earlier version.
        stored = t.state == TransferState.FAILED and t.direction == Direction.UPLOAD and bool(t.remote_etag)
        if t.state != TransferState.DONE and not stored:
            continue
        if t.direction.writes_object:
            keys.setdefault((t.account_id, t.bucket), []).append(t.key)
        if t.direction == Direction.MOVE:
            keys.setdefault((t.source_account_id or t.account_id, t.source_bucket), []).append(t.source_key)
        elif t.direction == Direction.DELETE:
            keys.setdefault((t.account_id, t.bucket), []).append(t.key)
    return {place: folders_above(found) for place, found in keys.items()}


@dataclass(frozen=True, slots=True)
class Totals:
    """The whole queue at a glance, for the status bar."""

    active: int  # queued or running
    running: int
    failed: int
    bytes_done: int  # of active transfers
    bytes_total: int  # of active transfers
    # Bytes moved since the engine started, by direction, for the speed graph. They may
    # dip when a part is sent again; ThroughputHistory counts only what passes the old top.
    uploaded: int
    downloaded: int = 0
    paused: int = 0

    @property
    def moved(self) -> int:
        """Bytes moved either way since the engine started."""
        return self.uploaded + self.downloaded
