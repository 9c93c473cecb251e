"""Accounts: the saved list, their secrets, and one ObjectStore per account."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from spacesgui.core.accounts import Account, Credentials, provider
from spacesgui.core.errors import MissingCredentials, SpacesError
from spacesgui.core.listing import BucketInfo
from spacesgui.core.ports import AccountStore, ObjectStore, ObjectStoreFactory, SecretStore
from spacesgui.services.runner import TaskRunner

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ConnectionReport:
    """What “Test connection” found, in words for the dialog."""

    ok: bool
    message: str
    buckets: tuple[str, ...] = ()
    error: SpacesError | None = None


class AccountService(QObject):
    """Owns accounts and their stores; every method is called on the GUI thread."""

    accounts_changed = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        account_store: AccountStore,
        secrets: SecretStore,
        session_secrets: SecretStore,
        store_factory: ObjectStoreFactory,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._account_store = account_store
        self._secrets = secrets
        self._session_secrets = session_secrets
        self._factory = store_factory
        self._accounts: list[Account] = []
        self._session_ids: set[str] = set()
        self._stores: dict[str, ObjectStore] = {}
        self._stores_lock = threading.Lock()

    def load(self) -> None:
        self._accounts = [*self._account_store.load_accounts(), *self.session_accounts()]
        self.accounts_changed.emit()

    def session_accounts(self) -> list[Account]:
        return [a for a in self._accounts if a.id in self._session_ids]

    @property
    def accounts(self) -> list[Account]:
        return list(self._accounts)

    def account(self, account_id: str) -> Account:
        for account in self._accounts:
            if account.id == account_id:
                return account
        raise KeyError(account_id)

    def add_account(self, account: Account, secret: str, *, remember: bool = True) -> None:
        """Add or replace an account. `remember=False` keeps it (and its secret) for this run only.

        Replacing an account with an empty `secret` keeps the secret already stored.
        """
        known = any(a.id == account.id for a in self._accounts)
        if not account.access_key_id.strip() or not (secret.strip() or known):
            raise MissingCredentials("Enter both the access key and the secret key.")
        if secret.strip():
            if remember and account.id not in self._session_ids:
                self._secrets.set_secret(account.id, secret)
            else:
                self._session_ids.add(account.id)
                self._session_secrets.set_secret(account.id, secret)
        self._accounts = [a for a in self._accounts if a.id != account.id] + [account]
        self._drop_store(account.id)
        self._save()
        self.accounts_changed.emit()

    def set_bucket(self, account_id: str, bucket: str) -> None:
        """Make the account open `bucket` directly (for keys that cannot list Spaces)."""
        account = self.account(account_id).with_changes(bucket=bucket)
        self._accounts = [account if a.id == account_id else a for a in self._accounts]
        self._save()
        self.accounts_changed.emit()

    def remove_account(self, account_id: str) -> None:
        self._accounts = [a for a in self._accounts if a.id != account_id]
        self._secrets.delete_secret(account_id)
        self._session_secrets.delete_secret(account_id)
        self._session_ids.discard(account_id)
        self._drop_store(account_id)
        self._save()
        self.accounts_changed.emit()

    def _save(self) -> None:
        self._account_store.save_accounts([a for a in self._accounts if a.id not in self._session_ids])

    def _secret_for(self, account_id: str) -> str:
        secret = self._session_secrets.get_secret(account_id)
        if secret is None:
            secret = self._secrets.get_secret(account_id)
        if not secret:
            raise MissingCredentials(
                "No secret key is stored for this account. Edit the account and enter it again."
            )
        return secret

    def credentials_for(self, account_id: str) -> tuple[Account, Credentials]:
        """The account and its keys, for the transfer process (any thread)."""
        account = self.account(account_id)
        return account, Credentials(account.access_key_id, self._secret_for(account_id))

    def _drop_store(self, account_id: str) -> None:
        with self._stores_lock:
            store = self._stores.pop(account_id, None)
        if store is not None:
            store.close()

    def store_blocking(self, account_id: str) -> ObjectStore:
        """Return the account's store, building it on first use. Safe on any thread."""
        with self._stores_lock:
            store = self._stores.get(account_id)
        if store is not None:
            return store
        try:
            account = self.account(account_id)
        except KeyError:
            raise MissingCredentials("The account this belongs to has been removed.") from None
        store = self._factory(account, Credentials(account.access_key_id, self._secret_for(account_id)))
        with self._stores_lock:
            return self._stores.setdefault(account_id, store)

    def _regional_store_blocking(self, account_id: str, region: str) -> ObjectStore:
        """A short-lived store for `region` of a provider with one endpoint per region."""
        account = self.account(account_id)
        regional = account.with_changes(
            region=region, endpoint_url=provider(account.provider).endpoint_for(region)
        )
        return self._factory(regional, Credentials(account.access_key_id, self._secret_for(account_id)))

    def has_regional_endpoints(self, account_id: str) -> bool:
        account = self.account(account_id)
        return bool(provider(account.provider).endpoint_template) and account.provider != "custom"

    async def create_bucket(self, account_id: str, name: str, region: str) -> bool:
        """Create Space `name` in `region`; True if this account's endpoint can browse it."""
        account = self.account(account_id)
        if region and region != account.region and self.has_regional_endpoints(account_id):
            store = await self._runner.run(self._regional_store_blocking, account_id, region)
            try:
                await self._runner.run(store.create_bucket, name, region)
            finally:
                await self._runner.run(store.close)
            return False
        store = await self.store(account_id)
        await self._runner.run(store.create_bucket, name, region or account.region)
        return True

    async def store(self, account_id: str) -> ObjectStore:
        return await self._runner.run(self.store_blocking, account_id)

    async def list_buckets(self, account_id: str) -> list[BucketInfo]:
        """The account's Spaces; for a bucket-scoped account, just its named Space."""
        account = self.account(account_id)
        store = await self.store(account_id)
        if account.bucket:
            await self._runner.run(store.check_bucket, account.bucket)
            return [BucketInfo(account.bucket)]
        buckets = await self._runner.run(store.list_buckets)
        return sorted(buckets, key=lambda b: b.name)

    async def test_connection(self, account: Account, secret: str) -> ConnectionReport:
        """Try the keys the way the app will use them, and say in plain words what happened.

        An empty `secret` for a saved account means its stored secret.
        """
        try:
            secret = secret or self._secret_for(account.id)
            store = await self._runner.run(self._factory, account, Credentials(account.access_key_id, secret))
        except SpacesError as exc:
            return ConnectionReport(False, exc.message, error=exc)
        try:
            if account.bucket:
                await self._runner.run(store.check_bucket, account.bucket)
                return ConnectionReport(
                    True,
                    f"Connected. The Space “{account.bucket}” can be opened.",
                    (account.bucket,),
                )
            buckets = await self._runner.run(store.list_buckets)
            names = tuple(b.name for b in buckets)
            return ConnectionReport(
                True, f"Connected. {len(names)} Space{'s' if len(names) != 1 else ''} found.", names
            )
        except SpacesError as exc:
            log.info("connection test failed: %s", exc.detail or exc.message)
            return ConnectionReport(False, exc.message, error=exc)
        finally:
            await self._runner.run(store.close)

    def close(self) -> None:
        with self._stores_lock:
            stores, self._stores = list(self._stores.values()), {}
        for store in stores:
            store.close()
