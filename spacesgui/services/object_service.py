"""New folder, Properties, property edits and share links: store calls the GUI waits for."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from spacesgui.core.activity import ActivityAction, ActivityResult
from spacesgui.core.errors import NoSuchBucket, NotFound, NotSupported, SpacesError
from spacesgui.core.keys import basename, parent
from spacesgui.core.operations import ObjectAcl, ObjectDetails
from spacesgui.core.ports import LinkSigner, ObjectOperations, ObjectStore
from spacesgui.core.property_edits import HeaderEdit
from spacesgui.core.share_links import Signature, check_expiry
from spacesgui.core.sharing import DEFAULT_EXPIRY_S, LinkKind, default_link_kind
from spacesgui.core.upload_links import (
    KeptHeaders,
    headers_to_keep,
    unreadable_line,
    upload_line,
)
from spacesgui.services.account_service import AccountService
from spacesgui.services.runner import TaskRunner

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

# Per-object calls (HEAD, ACL, copy-in-place) a selection runs at once: enough to hide
# the round trips, few enough to leave the shared workers free for listings.
PARALLEL_CALLS = 4

Progress = Callable[[int, int], None]  # done, total; called on the GUI thread


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """What Properties shows of one object, or why it could not be read (`error`).

    `acl` is None when the server keeps no ACLs or would not say (`access_note` says why,
    when it matters).
    """

    key: str
    details: ObjectDetails | None = None
    acl: ObjectAcl | None = None
    access_note: str = ""
    public_url: str = ""
    cdn_url: str = ""
    error: SpacesError | None = None


@dataclass(frozen=True, slots=True)
class UpdateOutcome:
    """One object of a property edit: its details now, whether it changed, or why it failed."""

    key: str
    details: ObjectDetails
    changed: bool = False
    error: SpacesError | None = None


def _operations(store: ObjectStore) -> ObjectOperations:
    if not isinstance(store, ObjectOperations):
        raise NotSupported("This account's storage cannot create folders or change properties here.")
    return store


def _signer(store: ObjectStore) -> LinkSigner:
    if not isinstance(store, LinkSigner):
        raise NotSupported("This account's storage cannot make share links here.")
    return store


class ObjectService(QObject):
    """Object operations the GUI waits for, on one account's store.

    Every method is a coroutine awaited on the GUI thread (the qasync loop); store calls
    run on the TaskRunner's workers, never on the GUI thread. `objects_changed` is emitted
    on the GUI thread once an operation changed something on the server, before the
    coroutine returns, naming the folders whose listing changed.
    """

    objects_changed = Signal(str, str, object)  # account id, bucket, frozenset of folder prefixes

    def __init__(self, runner: TaskRunner, accounts: AccountService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._accounts = accounts

    async def create_folder(self, account_id: str, bucket: str, prefix: str, name: str) -> str:
        """Create folder `name` in `prefix` (a "name/" marker); return its key.

        Raises InvalidInput or AlreadyExists (with the reason) before or instead of a change.
        """
        with self._accounts.activity.recording(account_id, bucket, prefix + name, ActivityAction.NEW_FOLDER):
            ops = _operations(await self._accounts.store(account_id))
            key = await self._runner.run(ops.create_folder, bucket, prefix, name)
        log.info("created folder s3://%s/%s", bucket, key)
        self.objects_changed.emit(account_id, bucket, frozenset({prefix}))
        return key

    async def properties(
        self, account_id: str, bucket: str, keys: Sequence[str], on_progress: Progress | None = None
    ) -> list[ObjectInfo]:
        """Details, access and addresses of each of `keys`, in order; a failure is kept per key."""
        store = await self._accounts.store(account_id)
        ops, signer = _operations(store), _signer(store)

        def read(key: str) -> ObjectInfo:  # worker thread
            return _object_info(ops, signer, bucket, key)

        infos = await self._each(keys, read, on_progress)
        gone = frozenset(
            parent(i.key)
            for i in infos
            if isinstance(i.error, NotFound) and not isinstance(i.error, NoSuchBucket)
        )
        if gone:  # deleted by another tool: the listing on show is out of date
            self.objects_changed.emit(account_id, bucket, gone)
        return infos

    async def update_metadata(
        self,
        account_id: str,
        bucket: str,
        targets: Sequence[ObjectDetails],
        edit: HeaderEdit,
        on_progress: Progress | None = None,
    ) -> list[UpdateOutcome]:
        """Make `edit` on each of `targets` (the details the user saw); one outcome each, in order.

        An object whose headers the edit leaves as they are is not sent. Each object is
        copied onto itself only while its ETag is the one in `targets`, keeping its access.
        """
        ops = _operations(await self._accounts.store(account_id))

        def update(details: ObjectDetails) -> UpdateOutcome:  # worker thread
            wanted = edit.apply(details.headers)
            if wanted == details.headers:
                return UpdateOutcome(details.key, details)
            try:
                after = ops.update_metadata(bucket, details.key, wanted, if_match=details.etag)
            except SpacesError as error:
                log.info(
                    "properties of s3://%s/%s not changed: %s", bucket, details.key, error.detail or error
                )
                return UpdateOutcome(details.key, details, error=error)
            return UpdateOutcome(details.key, after, changed=True)

        outcomes = await self._each(targets, update, on_progress)
        for outcome in outcomes:
            if outcome.changed or outcome.error is not None:
                self._accounts.activity.record(
                    account_id, bucket, outcome.key, ActivityAction.METADATA,
                    ActivityResult.FAILED if outcome.error else ActivityResult.OK,
                    outcome.error.message if outcome.error else "",
                )  # fmt: skip
        changed = frozenset(parent(o.key) for o in outcomes if o.changed)
        if changed:  # Last modified and ETag changed in the listing
            self.objects_changed.emit(account_id, bucket, changed)
        return outcomes

    async def sign_links(
        self, account_id: str, bucket: str, keys: Sequence[str], kind: LinkKind, expires_s: int = 0
    ) -> list[str]:
        """One address of `kind` per key, in order. Signed locally; no request is sent.

        Raises InvalidInput (before signing) for an expiry the kind does not allow.
        """
        if kind is LinkKind.UPLOAD:
            raise ValueError("an upload link keeps the file's settings: see upload_settings and sign_uploads")
        signer = _signer(await self._accounts.store(account_id))
        if kind.expires:
            check_expiry(expires_s, Signature.V2 if kind is LinkKind.SIGNED_V2 else Signature.V4)

        def sign() -> list[str]:  # worker thread
            return [_sign(signer, kind, bucket, key, expires_s) for key in keys]

        return await self._runner.run(sign)

    async def upload_settings(self, account_id: str, bucket: str, keys: Sequence[str]) -> list[KeptHeaders]:
        """What an upload in each file's place must send to keep the rest of the file, in
        order: its headers, metadata and access, asked of the server (a HEAD and an ACL read
        a file). A file whose settings cannot be read says why, alone."""
        ops = _operations(await self._accounts.store(account_id))
        return await self._each(keys, lambda key: _kept_headers(ops, bucket, key), None)

    async def sign_uploads(
        self, account_id: str, bucket: str, keys: Sequence[str], kept: Sequence[KeptHeaders], expires_s: int
    ) -> list[str]:
        """One upload command per key (see core/upload_links.py), signed locally with what
        `upload_settings` read; no request is sent, so a new expiry costs nothing."""
        signer = _signer(await self._accounts.store(account_id))
        check_expiry(expires_s, Signature.V4)
        powershell = sys.platform == "win32"  # curl.exe, and PowerShell's quotes

        def sign() -> list[str]:  # worker thread
            lines = []
            for key, settings in zip(keys, kept, strict=True):
                if settings.unreadable:
                    lines.append(unreadable_line(basename(key), settings.unreadable))
                    continue
                url = signer.presign_put(bucket, key, expires_s, headers=settings.headers)
                lines.append(upload_line(url, settings, basename(key), powershell=powershell))
            return lines

        return await self._runner.run(sign)

    async def default_links(
        self, account_id: str, bucket: str, keys: Sequence[str]
    ) -> list[tuple[LinkKind, str]]:
        """Copy Link's address per key: the public address of a public file, else a signed
        link valid for DEFAULT_EXPIRY_S. Asks the server who may read each file."""
        store = await self._accounts.store(account_id)
        ops, signer = _operations(store), _signer(store)

        def choose(key: str) -> tuple[LinkKind, str]:  # worker thread
            kind = default_link_kind(_is_public(ops, bucket, key))
            return kind, _sign(signer, kind, bucket, key, DEFAULT_EXPIRY_S)

        return await self._each(keys, choose, None)

    async def public_access(self, account_id: str, bucket: str, keys: Sequence[str]) -> list[bool | None]:
        """Whether everyone may read each key, in order (None: unknown), for the Share dialog's
        warning that a public address will not work for a private file."""
        ops = _operations(await self._accounts.store(account_id))
        return await self._each(keys, lambda key: _is_public(ops, bucket, key), None)

    async def _each(
        self, items: Sequence[T], work: Callable[[T], R], on_progress: Progress | None
    ) -> list[R]:
        """Run `work` on every item on the workers, PARALLEL_CALLS at a time; results in order."""
        gate = asyncio.Semaphore(PARALLEL_CALLS)
        done = 0

        async def one(item: T) -> R:
            nonlocal done
            async with gate:
                result = await self._runner.run(work, item)
            done += 1
            if on_progress is not None:
                on_progress(done, len(items))
            return result

        tasks: list[Awaitable[R]] = [one(item) for item in items]
        return list(await asyncio.gather(*tasks))


def _sign(signer: LinkSigner, kind: LinkKind, bucket: str, key: str, expires_s: int) -> str:
    """One address of `kind` for `key`. Any thread (signing is local)."""
    if kind is LinkKind.SIGNED:
        return signer.presign_get_v4(bucket, key, expires_s)
    if kind is LinkKind.SIGNED_V2:
        return signer.presign_get_v2(bucket, key, expires_s)
    if kind is LinkKind.PUBLIC:
        return signer.public_url(bucket, key)
    return signer.cdn_url(bucket, key)


def _kept_headers(ops: ObjectOperations, bucket: str, key: str) -> KeptHeaders:
    """What `key` has besides its bytes, as an upload in its place must send it. Worker thread.

    A file gone meanwhile has nothing to keep, as a new file would not. Access the server
    will not tell is said, not guessed: sent as nothing, a public file would come back private.
    """
    try:
        headers = ops.head_details(bucket, key).headers
    except NotFound:
        return KeptHeaders()
    except SpacesError as error:
        return KeptHeaders(unreadable=error.message)
    try:
        public = ops.get_acl(bucket, key).public_read if ops.acl_support(bucket) else None
    except SpacesError as error:
        kept = headers_to_keep(headers, public=None)
        return replace(kept, left_out=(*kept.left_out, f"its access (could not be read: {error.message})"))
    return headers_to_keep(headers, public)


def _is_public(ops: ObjectOperations, bucket: str, key: str) -> bool | None:
    """Whether everyone may read `key`; None when the server keeps no ACLs or will not say. Worker thread."""
    try:
        if not ops.acl_support(bucket):
            return None
        return ops.get_acl(bucket, key).public_read
    except SpacesError as error:  # not knowing gives a signed link, which works either way
        log.debug("access of s3://%s/%s unknown: %s", bucket, key, error.detail or error)
        return None


def _object_info(ops: ObjectOperations, signer: LinkSigner, bucket: str, key: str) -> ObjectInfo:
    """Properties of one object: HEAD, then its ACL where the server keeps them. Worker thread."""
    try:
        details = ops.head_details(bucket, key)
    except SpacesError as error:
        return ObjectInfo(key, error=error)
    acl: ObjectAcl | None = None
    note = ""
    try:
        if ops.acl_support(bucket):
            acl = ops.get_acl(bucket, key)
        else:
            note = "This server keeps no access lists (ACLs); it decides who may read files."
    except NotSupported:
        note = "This server keeps no access lists (ACLs); it decides who may read files."
    except SpacesError as error:
        note = f"Who may read it could not be read: {error.message}"
    return ObjectInfo(key, details, acl, note, signer.public_url(bucket, key), signer.cdn_url(bucket, key))
