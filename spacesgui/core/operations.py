"""Everyday object operations as data: details, access, copy and delete results, copy parts.

Pure values and arithmetic; the S3 adapter fills them in, the engine's jobs and the
dialogs read them. Constants carry S3's limits, with why.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from spacesgui.core.errors import IntegrityError, InvalidInput
from spacesgui.core.multipart import MAX_PARTS, MIN_PART_SIZE, GiB, MiB, choose_part_size, etag_part_count
from spacesgui.core.object_headers import ObjectHeaders
from spacesgui.core.transfers import PRIVATE, PUBLIC_READ

MAX_DELETE_KEYS = 1000  # S3 refuses a DeleteObjects request naming more keys
MAX_COPY_OBJECT_SIZE = 5 * GiB  # the most one CopyObject request copies; larger objects go in parts
MAX_COPY_PART_SIZE = 5 * GiB  # the most one UploadPartCopy request copies
# Copies run on the server, so parts cost requests, not bandwidth. 128 MiB keeps each
# request well within the client's read timeout on slow servers that send nothing until
# a part is done; a 5 TiB object still fits in 10,000 parts (choose_part_size grows it).
DEFAULT_COPY_PART_SIZE = 128 * MiB

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


# -- details --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ObjectDetails:
    """Everything HeadObject tells about one object (Properties shows it).

    `last_modified` is a POSIX timestamp (0.0 when unknown). `etag` has no quotes.
    `encryption` is the server-side encryption the server reports ("" for none).
    """

    key: str
    size: int
    last_modified: float
    etag: str
    storage_class: str = "STANDARD"
    version_id: str = ""
    encryption: str = ""
    headers: ObjectHeaders = field(default_factory=ObjectHeaders)

    @property
    def part_count(self) -> int:
        """How many parts the object was uploaded in (0: one PUT, or unknown)."""
        return etag_part_count(self.etag)

    @property
    def etag_is_md5(self) -> bool:
        """Whether the ETag is the MD5 of the bytes: one PUT, and no KMS or customer-key encryption."""
        return self.part_count == 0 and len(self.etag) == 32 and self.encryption in ("", "AES256")


# -- access ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Grant:
    """One ACL entry: who (a group URI, a canonical user id or an e-mail) may do what."""

    grantee: str
    permission: str  # READ, WRITE, READ_ACP, WRITE_ACP, FULL_CONTROL
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class ObjectAcl:
    """An object's access as the canned ACL a copy can carry, and what that leaves out.

    `other_grants` describes in words each grant beyond the owner's full control and
    everyone's read: a canned ACL cannot carry them.
    """

    public_read: bool
    other_grants: tuple[str, ...] = ()

    @property
    def canned(self) -> str:
        return PUBLIC_READ if self.public_read else PRIVATE


def acl_from_grants(owner_id: str, grants: Sequence[Grant]) -> ObjectAcl:
    """Reduce an ACL to public-read (everyone may READ) or private, naming what does not fit."""
    public = False
    others: list[str] = []
    for grant in grants:
        if grant.grantee == owner_id and grant.permission == "FULL_CONTROL":
            continue
        if grant.grantee == ALL_USERS and grant.permission == "READ":
            public = True
            continue
        others.append(f"{_who(grant)}: {grant.permission}")
    return ObjectAcl(public, tuple(others))


def _who(grant: Grant) -> str:
    if grant.grantee == ALL_USERS:
        return "everyone"
    if grant.grantee == AUTHENTICATED_USERS:
        return "any signed-in user of the service"
    return grant.display_name or grant.grantee


# -- copy -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ByteRange:
    """Bytes `start` to `end` inclusive, as CopySourceRange wants them."""

    start: int
    end: int

    @property
    def size(self) -> int:
        return self.end - self.start + 1

    def header(self) -> str:
        return f"bytes={self.start}-{self.end}"


def plan_copy_ranges(size: int, part_size: int = DEFAULT_COPY_PART_SIZE) -> list[ByteRange]:
    """Split a `size`-byte object into UploadPartCopy ranges: each at most 5 GiB, at most 10,000.

    `part_size` is the preferred size (at least 5 MiB); it grows when 10,000 parts would not
    cover the object. Raises InvalidInput for an object too large to copy in parts.
    """
    if size <= 0:
        raise InvalidInput("An empty object is copied in one request, not in parts.")
    chosen = choose_part_size(size, max(part_size, MIN_PART_SIZE))
    if chosen > MAX_COPY_PART_SIZE:
        raise InvalidInput(
            f"The object is too large to copy: {MAX_PARTS:,} parts of at most 5 GiB cannot hold it."
        )
    return [ByteRange(start, min(start + chosen, size) - 1) for start in range(0, size, chosen)]


@dataclass(frozen=True, slots=True)
class CopyResult:
    """A finished server-side copy, checked against its source.

    `parts` is 0 for one CopyObject request, else the number of UploadPartCopy parts.
    `acl` is the canned ACL the copy got ("public-read" or "private"), "" when the server
    keeps no ACLs. `verified` says what was compared ("size and ETag", or "size" when the
    ETags cannot match). `notes` says in words what the copy could not carry over.
    """

    source_bucket: str
    source_key: str
    bucket: str
    key: str
    size: int
    etag: str
    parts: int
    acl: str
    verified: str
    notes: tuple[str, ...] = ()


def verify_copy(source: ObjectDetails, target: ObjectDetails, *, single_request: bool) -> str:
    """Raise IntegrityError unless `target` matches `source`; return what was compared."""
    if target.size != source.size:
        raise IntegrityError(
            f"The copy of “{source.key}” has {target.size:,} bytes on the server, the original "
            f"{source.size:,}. Delete the copy and try again."
        )
    # Only a one-request copy of an object whose ETag is its MD5 keeps the ETag; parts,
    # multipart sources and KMS encryption give the copy another.
    if not (single_request and source.etag_is_md5 and target.encryption in ("", "AES256")):
        return "size"
    if target.etag != source.etag:
        raise IntegrityError(
            f"The copy of “{source.key}” does not hold the same bytes as the original (their "
            "checksums differ). Delete the copy and try again."
        )
    return "size and ETag"


# -- delete ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeleteFailure:
    """A key the server did not delete: its error code ("" when none came) and why, in words."""

    key: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class DeleteResult:
    """What a delete did: only keys the server confirmed are in `deleted`; every other asked-for key is in `failed`."""

    deleted: tuple[str, ...] = ()
    failed: tuple[DeleteFailure, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.failed

    def __add__(self, other: DeleteResult) -> DeleteResult:
        return DeleteResult(self.deleted + other.deleted, self.failed + other.failed)


_Target = TypeVar("_Target", bound=Hashable)


def delete_batches(keys: Sequence[_Target], size: int = MAX_DELETE_KEYS) -> Iterator[list[_Target]]:
    """Yield `keys` (or (key, version id) pairs) in order, at most `size` (1,000: S3's limit)
    at a time, each once."""
    if not 1 <= size <= MAX_DELETE_KEYS:
        raise ValueError(f"a delete batch holds 1 to {MAX_DELETE_KEYS} keys, not {size}")
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), size):
        yield unique[start : start + size]
