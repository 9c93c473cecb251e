"""Who may do what with a file or a Space: read and write whole access lists (ACLs).

Thin and async: every store call runs on the TaskRunner's workers.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from spacesgui.core.access import AccessPolicy, AccessState
from spacesgui.core.activity import ActivityAction
from spacesgui.core.errors import NotSupported
from spacesgui.core.ports import AccessControl, ObjectStore
from spacesgui.core.transfers import CANNED_ACLS, PRIVATE, PUBLIC_READ
from spacesgui.services.account_service import AccountService
from spacesgui.services.runner import TaskRunner

log = logging.getLogger(__name__)


def _access(store: ObjectStore) -> AccessControl:
    if not isinstance(store, AccessControl):
        raise NotSupported("This account's storage cannot show or change permissions here.")
    return store


class AccessService(QObject):
    """ACL reads and writes on one account's store, for the Access column, the grant editor
    and the Space's Permissions section.

    Every method is a coroutine awaited on the GUI thread (the qasync loop); store calls
    run on the TaskRunner's workers. `object_access_changed` is emitted on the GUI thread
    after a write to files' ACLs, before the coroutine returns.
    """

    object_access_changed = Signal(str, str, object)  # account id, bucket, frozenset of keys

    def __init__(self, runner: TaskRunner, accounts: AccountService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._accounts = accounts

    async def _store(self, account_id: str) -> AccessControl:
        return _access(await self._accounts.store(account_id))

    def provider(self, account_id: str) -> str:
        """The account's provider key ("digitalocean" offers only private and public-read)."""
        return self._accounts.account(account_id).provider

    async def acl_support(self, account_id: str, bucket: str) -> bool:
        """Whether the server keeps ACLs in `bucket` (asks it once; no file ACL call otherwise)."""
        store = await self._store(account_id)
        return await self._runner.run(store.acl_support, bucket)

    async def object_state(self, account_id: str, bucket: str, key: str) -> AccessState:
        """Private, public or custom: what the Access column shows of `key` (one GetObjectAcl)."""
        return (await self.object_grants(account_id, bucket, key)).state

    async def object_grants(self, account_id: str, bucket: str, key: str) -> AccessPolicy:
        store = await self._store(account_id)
        return await self._runner.run(store.get_object_grants, bucket, key)

    async def set_object_grants(
        self, account_id: str, bucket: str, key: str, policy: AccessPolicy
    ) -> AccessPolicy:
        """Replace every grant of `key` with `policy`'s, then read back what the server keeps."""
        store = await self._store(account_id)
        grants = f"{len(policy.grants)} grant{'s' if len(policy.grants) != 1 else ''}"
        try:
            with self._accounts.activity.recording(account_id, bucket, key, ActivityAction.ACL, grants):
                await self._runner.run(store.put_object_grants, bucket, key, policy)
        finally:  # a refused write may have changed nothing, or something: look again
            self.object_access_changed.emit(account_id, bucket, frozenset({key}))
        log.info("set the ACL of s3://%s/%s (%d grants)", bucket, key, len(policy.grants))
        return await self._runner.run(store.get_object_grants, bucket, key)

    async def set_object_canned(self, account_id: str, bucket: str, key: str, acl: str) -> AccessPolicy:
        """Make `key` "private" or "public-read" (all a DigitalOcean account offers); read it back."""
        store = await self._accounts.store(account_id)
        if acl not in CANNED_ACLS:
            raise NotSupported(f"Files can be private or public-read here, not “{acl}”.")
        try:
            with self._accounts.activity.recording(
                account_id, bucket, key, ActivityAction.ACL, f"made {acl}"
            ):
                await self._runner.run(store.put_canned_acl, bucket, key, acl)
        finally:
            self.object_access_changed.emit(account_id, bucket, frozenset({key}))
        return await self._runner.run(_access(store).get_object_grants, bucket, key)

    async def listing_grants(self, account_id: str, bucket: str) -> AccessPolicy:
        """The Space's ACL: whether anyone may list its files."""
        store = await self._store(account_id)
        return await self._runner.run(store.get_bucket_grants, bucket)

    async def set_listing_public(self, account_id: str, bucket: str, public: bool) -> AccessPolicy:
        """Let anyone list the Space's files (public-read) or only this account (private); read it back."""
        store = await self._store(account_id)
        acl = PUBLIC_READ if public else PRIVATE
        message = f"listing made {acl}"
        with self._accounts.activity.recording(account_id, bucket, bucket, ActivityAction.ACL, message):
            await self._runner.run(store.put_bucket_canned_acl, bucket, acl)
        log.info("made the listing of %s %s", bucket, acl)
        return await self._runner.run(store.get_bucket_grants, bucket)
