"""The ports adapters implement; services depend on these, never on an SDK."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

from spacesgui.core.access import AccessPolicy
from spacesgui.core.account_import import FoundSource, ImportResult, SourceKind
from spacesgui.core.accounts import Account, Credentials
from spacesgui.core.activity import ActivityEntry
from spacesgui.core.bucket_settings import BucketAcl, LoggingConfig, VersioningState
from spacesgui.core.cors import CorsRule
from spacesgui.core.cors_preflight import CorsAnswer, PreflightRequest
from spacesgui.core.lifecycle import LifecycleRule
from spacesgui.core.listing import BucketInfo, ListingPage, ObjectEntry
from spacesgui.core.object_headers import ObjectHeaders
from spacesgui.core.operations import (
    ByteRange,
    CopyResult,
    DeleteFailure,
    DeleteResult,
    ObjectAcl,
    ObjectDetails,
)
from spacesgui.core.preview import ObjectStart
from spacesgui.core.transfers import PartRecord, PendingUpload, RemoteObject, Transfer, TransferGroup
from spacesgui.core.upload_links import Header
from spacesgui.core.versions import VersionPage


class SecretStore(Protocol):
    """Where secrets live: the OS keyring in the app, memory in tests."""

    def get_secret(self, account_id: str) -> str | None: ...

    def set_secret(self, account_id: str, secret: str) -> None: ...

    def delete_secret(self, account_id: str) -> None: ...

    def problem(self) -> str:
        """'' when secrets can be kept here; otherwise why not, and what to do, in plain words."""
        ...


class AccountStore(Protocol):
    """Where account descriptions (never secrets) are saved."""

    def load_accounts(self) -> list[Account]: ...

    def save_accounts(self, accounts: list[Account]) -> None: ...


class PreferenceStore(Protocol):
    """Small user preferences (JSON values), saved across runs."""

    def get_preference(self, name: str, default: Any) -> Any: ...

    def set_preference(self, name: str, value: Any) -> None: ...


class Body(Protocol):
    """A request body boto3 can send and re-send: the engine's counting reader."""

    def read(self, size: int = -1) -> bytes: ...

    def seek(self, offset: int, whence: int = 0) -> int: ...

    def tell(self) -> int: ...


class DownloadStream(Protocol):
    """An open GET response: the object's details and its bytes in chunks."""

    remote: RemoteObject  # size is the whole object's, not the range's

    def chunks(self, chunk_size: int) -> Iterator[bytes]: ...

    def close(self) -> None: ...


class TransferStore(Protocol):
    """The object calls transfers need, on one account. Thread-safe; blocking."""

    def head_object(self, bucket: str, key: str) -> RemoteObject | None: ...

    def iter_objects(self, bucket: str, prefix: str) -> Iterator[ObjectEntry]:
        """Every object under `prefix`, at any depth (no delimiter)."""
        ...

    def put_object(
        self, bucket: str, key: str, body: Body, *, size: int, md5_b64: str, content_type: str,
        acl: str, cache_control: str, metadata: dict[str, str],
    ) -> str: ...  # fmt: skip

    def create_multipart_upload(
        self, bucket: str, key: str, *, content_type: str, acl: str, cache_control: str,
        metadata: dict[str, str],
    ) -> str: ...  # fmt: skip

    def upload_part(
        self, bucket: str, key: str, upload_id: str, number: int, body: Body, *, size: int, md5_b64: str
    ) -> str: ...

    def list_parts(self, bucket: str, key: str, upload_id: str) -> list[PartRecord]: ...

    def complete_multipart_upload(
        self, bucket: str, key: str, upload_id: str, parts: list[PartRecord]
    ) -> str: ...

    def abort_multipart_upload(self, bucket: str, key: str, upload_id: str) -> None: ...

    def list_multipart_uploads(self, bucket: str, prefix: str = "") -> list[PendingUpload]: ...

    def open_download(
        self, bucket: str, key: str, *, start: int = 0, end: int | None = None, if_match: str = ""
    ) -> DownloadStream: ...

    def part_size_of(self, bucket: str, key: str) -> int:
        """The size of part 1 of a multipart object, or 0 when the server will not say."""
        ...


@runtime_checkable  # the object service checks an account's store offers it
class ObjectOperations(Protocol):
    """New folder, copy (rename and move are copy then delete), delete, properties, access.

    Thread-safe; blocking: call from worker threads. Failures are core errors. Every key
    may be any S3 key (spaces, unicode, "#?%+&", "//", a trailing "/", 1,024 bytes).
    """

    def acl_support(self, bucket: str) -> bool:
        """Whether the server keeps object ACLs in `bucket`; when not, no ACL call is ever sent."""
        ...

    def create_folder(self, bucket: str, prefix: str, name: str) -> str:
        """Make folder `name` in `prefix` (a zero-byte "name/" marker); return its key.

        Raises InvalidInput for a name that will not do, AlreadyExists when a file or
        folder of that name is there, NotSupported when the server cannot keep empty folders.
        """
        ...

    def has_under(self, bucket: str, prefix: str) -> bool:
        """Whether any object's key starts with `prefix` (a folder is there, placeholder or not)."""
        ...

    def head_details(self, bucket: str, key: str) -> ObjectDetails: ...

    def get_acl(self, bucket: str, key: str) -> ObjectAcl: ...

    def put_canned_acl(self, bucket: str, key: str, acl: str) -> None:
        """Make `key` "private" or "public-read"."""
        ...

    def copy_object(
        self,
        source_bucket: str,
        source_key: str,
        bucket: str,
        key: str,
        *,
        acl: str | None = None,
        multipart_threshold: int = ...,
        part_size: int = ...,
    ) -> CopyResult:
        """Copy on the server, keeping headers and metadata; `acl` None keeps the source's access."""
        ...

    def copy_listed(
        self,
        source_bucket: str,
        source_key: str,
        bucket: str,
        key: str,
        *,
        size: int,
        etag: str,
        acl: str | None = None,
        multipart_threshold: int = ...,
    ) -> CopyResult:
        """copy_object for an object whose size and ETag a listing gave: fewer requests."""
        ...

    def start_copy_upload(
        self, bucket: str, key: str, headers: ObjectHeaders, *, acl: str, storage_class: str = ""
    ) -> str:
        """Start a multipart upload for a copy in parts, carrying every header; return its id."""
        ...

    def upload_part_copy(
        self,
        bucket: str,
        key: str,
        upload_id: str,
        number: int,
        source_bucket: str,
        source_key: str,
        byte_range: ByteRange,
        *,
        if_match: str,
    ) -> str:
        """Copy `byte_range` of the source (only while its ETag is `if_match`) as part `number`."""
        ...

    def delete_objects(self, bucket: str, keys: Sequence[str]) -> DeleteResult:
        """Delete `keys`, 1,000 a request; report each key the server did not confirm."""
        ...

    def update_metadata(
        self, bucket: str, key: str, headers: ObjectHeaders, *, if_match: str = ""
    ) -> ObjectDetails:
        """Replace the object's headers and metadata (a copy onto itself), keeping its access."""
        ...


@runtime_checkable  # the access service checks an account's store offers it
class AccessControl(Protocol):
    """Every grant of a file's or a Space's access list (ACL), read and written whole.

    Thread-safe; blocking: call from worker threads. Failures are core errors. Servers
    that keep no ACLs (acl_support False) get no request at all: NotSupported at once.
    Every write carries Content-MD5.
    """

    def acl_support(self, bucket: str) -> bool: ...

    def get_object_grants(self, bucket: str, key: str) -> AccessPolicy: ...

    def put_object_grants(self, bucket: str, key: str, policy: AccessPolicy) -> None:
        """Replace every grant of `key` with the grants of `policy`."""
        ...

    def get_bucket_grants(self, bucket: str) -> AccessPolicy:
        """The Space's own ACL: READ lets a grantee list its files."""
        ...

    def put_bucket_canned_acl(self, bucket: str, acl: str) -> None:
        """Make the Space's listing "private" or "public-read" (its other grants go)."""
        ...


@runtime_checkable
class LinkSigner(Protocol):
    """Addresses to share an object by. Local: no request is sent. Thread-safe."""

    def presign_get_v4(self, bucket: str, key: str, expires_s: int) -> str: ...

    def presign_get_v2(self, bucket: str, key: str, expires_s: int) -> str: ...

    def presign_put(self, bucket: str, key: str, expires_s: int, *, headers: Sequence[Header] = ()) -> str:
        """A link anyone can upload `key` with (HTTP PUT), until it expires; `headers` are signed."""
        ...

    def public_url(self, bucket: str, key: str) -> str:
        """The unsigned address: it works once the object is public."""
        ...

    def cdn_url(self, bucket: str, key: str) -> str:
        """The provider's CDN address, or "" where there is none."""
        ...


@runtime_checkable  # the preview service checks an account's store offers it
class ObjectReader(Protocol):
    """The first bytes of an object, for previews and thumbnails. Blocking; thread-safe."""

    def read_start(
        self, bucket: str, key: str, max_bytes: int, *, stop: Callable[[], bool] | None = None
    ) -> ObjectStart:
        """Bytes 0 to `max_bytes` - 1 of `key` (one ranged GET), and the object's details.

        `stop` is asked between chunks; once it says True, raises Cancelled.
        """
        ...


class ThumbnailCache(Protocol):
    """Encoded thumbnails on disk, by `core.preview.thumbnail_key`. Blocking; thread-safe."""

    def get(self, name: str) -> bytes | None: ...

    def put(self, name: str, data: bytes) -> None: ...


class ObjectStore(TransferStore, ObjectOperations, LinkSigner, Protocol):
    """Blocking access to one account's storage. Safe to call from worker threads."""

    def list_buckets(self) -> list[BucketInfo]: ...

    def check_bucket(self, bucket: str) -> None: ...

    def iter_listing(
        self, bucket: str, prefix: str, *, on_warning: Callable[[str], None] | None = None
    ) -> Iterator[ListingPage]: ...

    def create_bucket(self, bucket: str, region: str) -> None: ...

    def delete_bucket(self, bucket: str) -> None: ...

    def close(self) -> None: ...


@runtime_checkable  # the settings service checks an account's store offers it
class BucketSettings(Protocol):
    """A Space's own settings: access (read), CORS rule count (read), versioning, lifecycle,
    policy and access logging.

    Thread-safe; blocking: call from worker threads. Failures are core errors: NotSupported
    when the server does not do that setting (NoSettingsApi, from get_bucket_acl, when it
    answers settings requests with something else, so none should be sent). Every write
    carries Content-MD5.
    """

    def get_bucket_acl(self, bucket: str) -> BucketAcl: ...

    def get_cors_origins(self, bucket: str) -> tuple[tuple[str, ...], ...]:
        """Each CORS rule's allowed origins, in order (() when the Space has no CORS configuration)."""
        ...

    def get_versioning(self, bucket: str) -> VersioningState: ...

    def put_versioning(self, bucket: str, state: VersioningState) -> None:
        """Turn versioning on (ENABLED) or suspend it (SUSPENDED); it cannot be turned off again."""
        ...

    def get_lifecycle(self, bucket: str) -> tuple[LifecycleRule, ...]:
        """The Space's lifecycle rules, in the server's order; () when it has none."""
        ...

    def put_lifecycle(self, bucket: str, rules: Sequence[LifecycleRule]) -> None:
        """Replace every lifecycle rule with `rules` (at least one; delete_lifecycle removes all)."""
        ...

    def delete_lifecycle(self, bucket: str) -> None: ...

    def get_policy(self, bucket: str) -> str:
        """The bucket policy as the server holds it (JSON text); "" when there is none."""
        ...

    def put_policy(self, bucket: str, policy: str) -> None: ...

    def delete_policy(self, bucket: str) -> None: ...

    def get_logging(self, bucket: str) -> LoggingConfig: ...

    def put_logging(self, bucket: str, config: LoggingConfig) -> None:
        """Write logs as `config` says; a config without a target turns logging off."""


@runtime_checkable  # the CORS service checks an account's store offers it
class BucketCors(Protocol):
    """A Space's CORS rules, and the answers its server gives browsers. Thread-safe; blocking.

    Failures are core errors; a server without CORS support raises NotSupported.
    """

    def get_cors(self, bucket: str) -> tuple[CorsRule, ...]:
        """The rules the server stores, in order; () when the Space has no CORS configuration."""
        ...

    def put_cors(self, bucket: str, rules: Sequence[CorsRule]) -> None:
        """Replace the Space's CORS rules with `rules` (at least one; valid: see cors.validate_rules)."""
        ...

    def delete_cors(self, bucket: str) -> None:
        """Delete the Space's whole CORS configuration."""
        ...

    def preflight(self, bucket: str, request: PreflightRequest) -> CorsAnswer:
        """Send the OPTIONS request a browser would send to the Space; return what came back."""
        ...

    def get_with_origin(self, bucket: str, origin: str) -> CorsAnswer:
        """Send a signed GET of the Space with an Origin header; return what came back."""
        ...


@runtime_checkable  # the search service checks an account's store offers it
class TreeLister(Protocol):
    """Every object below a folder, at any depth: what a recursive search reads.

    Thread-safe; blocking: call from a worker thread. Failures are core errors. Pages come
    as the lister gets them; their order is not promised, so a parallel lister (one
    listing per top folder at once) can stand in for the plain one behind this port.
    """

    def iter_tree(self, bucket: str, prefix: str) -> Iterator[ListingPage]:
        """Yield pages of the objects under `prefix` (no delimiter: `folders` stays empty).

        Folder placeholder objects ("photos/") are included: they are objects. The caller
        stops the listing by no longer iterating: no further request is sent.
        """
        ...


class EngineStore(TransferStore, ObjectOperations, Protocol):
    """What the transfer engine runs its jobs against: transfers, copies and deletes."""


@runtime_checkable  # the engine runs small files on the loop of a store that offers it
class LoopDataStore(Protocol):
    """Small-file data calls as coroutines on the store's own event loop (the fast path).

    `run_soon` may be called from any thread; the coroutines run on the loop only and
    must not block it. Failures are core errors, as the blocking calls' are.
    """

    def run_soon(self, job: Coroutine[Any, Any, None]) -> None:
        """Start `job` on the loop (any thread); it reports its own outcome."""
        ...

    async def put_small(
        self, bucket: str, key: str, data: bytes, *, md5_b64: str, content_type: str, acl: str,
        cache_control: str, metadata: dict[str, str],
    ) -> str:  # fmt: skip
        """PutObject of `data` with Content-MD5; the ETag (no quotes)."""
        ...

    async def get_small(self, bucket: str, key: str, *, limit: int) -> tuple[RemoteObject, bytes | None]:
        """GetObject: the object and its bytes, or None for the bytes when it is over `limit`."""
        ...

    async def copy_small(
        self, source_bucket: str, source_key: str, bucket: str, key: str, *, size: int, etag: str
    ) -> CopyResult:
        """EngineStore.copy_listed keeping the source's access: one checked CopyObject."""
        ...


class ObjectStoreFactory(Protocol):
    def __call__(self, account: Account, credentials: Credentials) -> ObjectStore: ...


class TransferJournal(Protocol):
    """Durable record of planned transfers and finished parts (SQLite in the app).

    Thread-safe: the engine writes from worker threads. Every write is committed
    before the call returns, so a crash right after loses nothing it recorded.
    """

    def add(self, groups: list[TransferGroup], transfers: list[Transfer]) -> None: ...

    def update(self, transfers: list[Transfer]) -> None: ...

    def add_part(self, transfer_id: str, part: PartRecord) -> None: ...

    def parts(self, transfer_id: str) -> list[PartRecord]: ...

    def clear_parts(self, transfer_id: str) -> None: ...

    def load(self) -> tuple[list[TransferGroup], list[Transfer]]: ...

    def remove(self, transfer_ids: list[str], group_ids: list[str]) -> None: ...

    def close(self) -> None: ...


@runtime_checkable
class ObjectVersionStore(Protocol):
    """A versioned Space's versions: list them, download, restore or delete one. Blocking."""

    def list_versions(
        self, bucket: str, prefix: str, key_marker: str = "", version_marker: str = "", max_keys: int = 1000
    ) -> VersionPage:
        """One page of ListObjectVersions under `prefix`, from the markers of the page before."""
        ...

    def download_version(self, bucket: str, key: str, version_id: str, local_path: str) -> int:
        """Write that version's bytes to `local_path` (checked, then renamed into place); its size."""
        ...

    def restore_version(self, bucket: str, key: str, version_id: str) -> str:
        """Copy that version over the current one (on the server); the new version's id."""
        ...

    def delete_version(self, bucket: str, key: str, version_id: str) -> None:
        """Delete that version for good (a delete marker: the key is back)."""
        ...


@runtime_checkable
class DeletedObjectLister(Protocol):
    """A versioned Space's deleted files, for the object view: list one folder's, bring them back."""

    def iter_deleted(self, bucket: str, prefix: str, max_keys: int = 1000) -> Iterator[ListingPage]:
        """Deleted objects directly under `prefix` and folders below it (pages marked `deleted`).

        Folders are every prefix that holds versions; the caller drops those it listed live.
        """
        ...

    def delete_versions(self, bucket: str, versions: Sequence[tuple[str, str]]) -> list[DeleteFailure]:
        """Delete each (key, version id) for good; the ones refused, with the reason."""
        ...


class ActivityRecord(Protocol):
    """Where the activity record is kept (SQLite in the data folder in the app).

    Called from one writer thread at a time; `add` commits before it returns.
    """

    def add(self, entries: Sequence[ActivityEntry]) -> None: ...

    def recent(self, limit: int) -> list[ActivityEntry]:
        """The newest `limit` entries, oldest first."""
        ...

    def close(self) -> None: ...


class AccountSources(Protocol):
    """Other tools' settings on this machine (AWS CLI, s3cmd, rclone, the environment) and
    spacesgui export files. Blocking file I/O: call on a worker thread."""

    def available(self) -> list[FoundSource]:
        """The sources present here, in a stable order; an empty environment is none."""
        ...

    def read(self, kinds: Sequence[SourceKind] | None = None) -> ImportResult:
        """Every account in the sources of `kinds` (None: all present), with their problems."""
        ...

    def read_export(self, path: str) -> ImportResult: ...

    def write_export(self, path: str, text: str) -> None:
        """Write an export file; SpacesError in plain words when it cannot be written."""
        ...
