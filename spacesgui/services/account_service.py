"""Accounts: the saved list, their secrets, and one ObjectStore per account."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from spacesgui.core.accounts import Account, Credentials, provider
from spacesgui.core.activity import ActivityAction, ActivityResult
from spacesgui.core.errors import (
    InvalidInput,
    KeyringUnavailable,
    MissingCredentials,
    SecretMissing,
    SpacesError,
)
from spacesgui.core.key_status import SecretPlace
from spacesgui.core.listing import BucketInfo
from spacesgui.core.ports import AccountStore, ActivityRecord, ObjectStore, ObjectStoreFactory, SecretStore
from spacesgui.core.redaction import register_secret
from spacesgui.services.activity_service import ActivityService
from spacesgui.services.runner import TaskRunner

log = logging.getLogger(__name__)

# A listing that works saves “last connected” at most this often per account (the
# sidebar lists again on every refresh; the settings file need not be rewritten each time).
CONNECTION_RECORD_GAP_S = 60.0
# Test Connection gives up waiting after this long: a server that takes the connection and
# never answers kept the dialog at "Connecting…" for 3 minutes (5 s to connect, 60 s per
# read, 3 attempts). Its store (probe_factory) makes one attempt that gives up soon after,
# so the worker thread it holds is free again in seconds.
TEST_TIMEOUT_S = 12.0


@dataclass(frozen=True, slots=True)
class ConnectionReport:
    """What “Test connection” found, in words for the dialog."""

    ok: bool
    message: str
    buckets: tuple[str, ...] = ()
    error: SpacesError | None = None


@dataclass(frozen=True, slots=True)
class SecretAnswer:
    secret: str
    remember: bool  # keep it in the keyring from now on


# The UI's way to ask for an account's secret: the account, and why it is asked (or "").
# None means the user declined.
SecretPrompt = Callable[[Account, str], Awaitable[SecretAnswer | None]]
# The UI's way to offer “this session only” when the keyring cannot keep a secret: the
# account and the keyring's problem in words. True: keep the secret in memory until quitting.
SessionOnlyPrompt = Callable[[Account, str], Awaitable[bool]]


class AccountService(QObject):
    """Owns accounts and their stores; every method is called on the GUI thread
    unless its docstring says otherwise.

    Secrets: an account that remembers its secret keeps it in the keyring; one that does
    not keeps it in memory until the app quits, and its description is saved anyway, so
    at the next start it is asked for (`secret_prompt`) when the account is first used.
    Accounts added with `persist=False` (the demo's, the command line's) are not saved.
    `activity` records every change to saved accounts and is the recorder the other
    services write to (`activity_store` keeps it on disk; without one it stays in memory).
    """

    accounts_changed = Signal()
    connection_recorded = Signal(str)  # account id: a listing worked, `last_connected` is new
    spaces_listed = Signal(str)  # account id: its Spaces were just listed (the user browses it)

    def __init__(
        self,
        runner: TaskRunner,
        account_store: AccountStore,
        secrets: SecretStore,
        session_secrets: SecretStore,
        store_factory: ObjectStoreFactory,
        parent: QObject | None = None,
        *,
        activity_store: ActivityRecord | None = None,
        probe_factory: ObjectStoreFactory | None = None,
    ) -> None:
        """`probe_factory` builds the store Test Connection uses (short timeouts, one attempt);
        `store_factory` when not given."""
        super().__init__(parent)
        self.activity = ActivityService(
            activity_store, lambda account_id: self.account(account_id).name, self
        )
        self._runner = runner
        self._account_store = account_store
        self._secrets = secrets
        self._session_secrets = session_secrets
        self._factory = store_factory
        self._probe_factory = probe_factory or store_factory
        self._accounts: list[Account] = []
        self._ephemeral_ids: set[str] = set()  # never saved
        self.secret_prompt: SecretPrompt | None = None
        self.session_only_prompt: SessionOnlyPrompt | None = None
        self._asking: dict[str, asyncio.Future[bool]] = {}
        self._stores: dict[str, ObjectStore] = {}
        self._stores_lock = threading.Lock()
        # One build at a time per account: the Spaces list and the first listing used to
        # ask at once and build two clients (~34,000 objects each), throwing one away.
        self._building: dict[str, threading.Lock] = {}

    def load(self) -> None:
        self._accounts = [*self._account_store.load_accounts(), *self.ephemeral_accounts()]
        self.accounts_changed.emit()

    def ephemeral_accounts(self) -> list[Account]:
        return [a for a in self._accounts if a.id in self._ephemeral_ids]

    def is_ephemeral(self, account_id: str) -> bool:
        return account_id in self._ephemeral_ids

    @property
    def accounts(self) -> list[Account]:
        return list(self._accounts)

    def account(self, account_id: str) -> Account:
        for account in self._accounts:
            if account.id == account_id:
                return account
        raise KeyError(account_id)

    def account_by_ref(self, ref: str) -> Account | None:
        """The first account with these keys for this server (see Account.ref), if any."""
        return next((a for a in self._accounts if a.ref() == ref), None)

    def add_account(
        self, account: Account, secret: str, *, remember: bool = True, persist: bool = True
    ) -> None:
        """Add or replace an account.

        `remember`: the secret goes to the keyring; otherwise it is kept until the app
        quits (and the account is saved without it). An empty `secret` when replacing an
        account keeps the secret it has, moved to where `remember` says. `persist=False`
        keeps the whole account for this run only.
        """
        previous = next((a for a in self._accounts if a.id == account.id), None)
        register_secret(secret)
        self.activity.hide(secret)
        action = ActivityAction.ADD_ACCOUNT if previous is None else ActivityAction.EDIT_ACCOUNT
        try:
            self._add_account(account, secret, previous, remember=remember, persist=persist)
        except SpacesError as error:
            self.activity.record(
                account.id, "", account.name, action, ActivityResult.FAILED, error.message,
                account_name=account.name,
            )  # fmt: skip
            raise
        if persist:
            self.activity.record(
                account.id, "", account.name, action, message=_account_change(previous, account, secret)
            )

    def save_account(self, account: Account, secret: str, remember: bool) -> None:
        """add_account for what a person typed in the account dialog: a name another account
        has is refused, since two rows of one name cannot be told apart (the sidebar, the
        title and the path bar name accounts by name)."""
        name = account.name.strip().casefold()
        other = next(
            (a for a in self._accounts if a.id != account.id and a.name.strip().casefold() == name), None
        )
        if other is not None:
            raise InvalidInput(
                f"An account named “{other.name}” already exists. Choose another name, so the two "
                "can be told apart."
            )
        self.add_account(account, secret, remember=remember)

    def _add_account(
        self, account: Account, secret: str, previous: Account | None, *, remember: bool, persist: bool
    ) -> None:
        if not account.access_key_id.strip() or not (secret.strip() or previous):
            raise MissingCredentials("Enter both the access key and the secret key.")
        if previous is not None and not account.last_connected and self._same_keys(previous, account, secret):
            # An edit of the name or the defaults: the keys that last worked still do.
            account = account.with_changes(last_connected=previous.last_connected)
        if not secret.strip() and previous is not None and previous.in_keyring != remember:
            secret = self._known_secret(previous) or ""
        if secret.strip():
            self._keep_secret(account.id, secret, remember)
        account = account.with_changes(in_keyring=remember)
        if not persist:
            self._ephemeral_ids.add(account.id)
        self._accounts = [a for a in self._accounts if a.id != account.id] + [account]
        self._drop_store(account.id)
        self._save()
        self.accounts_changed.emit()

    def add_account_without_secret(self, account: Account) -> None:
        """Save a new account whose secret is not known yet (an import that had none):
        it is asked for when the account is first used."""
        if not account.access_key_id.strip():
            raise MissingCredentials("Enter the access key.")
        account = account.with_changes(in_keyring=False)
        self._accounts = [a for a in self._accounts if a.id != account.id] + [account]
        self._save()
        self.activity.record(
            account.id, "", account.name, ActivityAction.ADD_ACCOUNT,
            message=f"{account.provider}, access key {account.access_key_id}; secret asked for at first use",
        )  # fmt: skip
        self.accounts_changed.emit()

    def _keep_secret(self, account_id: str, secret: str, remember: bool) -> None:
        """Put the secret where `remember` says, and nowhere else. KeyringUnavailable may rise."""
        self.activity.hide(secret)
        if remember:
            self._secrets.set_secret(account_id, secret)
            self._session_secrets.delete_secret(account_id)
        else:
            self._session_secrets.set_secret(account_id, secret)
            self._secrets.delete_secret(account_id)

    def _same_keys(self, previous: Account, account: Account, secret: str) -> bool:
        """Whether `account` reaches the same server with the same keys as `previous` did
        (a `secret` of "" keeps the stored one)."""
        if _reach(previous) != _reach(account):
            return False
        try:  # a locked keyring must not stop the save: then the time is not kept
            return not secret.strip() or secret == self._known_secret(previous)
        except SpacesError:
            return False

    def _known_secret(self, account: Account) -> str | None:
        secret = self._session_secrets.get_secret(account.id)
        if secret is None and account.in_keyring:
            secret = self._secrets.get_secret(account.id)
            if secret:
                self.activity.hide(secret)
        return secret

    def keyring_problem(self) -> str:
        """'' when the keyring can keep secrets; otherwise why not and what to do. Any thread."""
        return self._secrets.problem()

    def secret_place(self, account_id: str) -> SecretPlace:
        """Where the account's secret is now. Reads the keyring: call it off the GUI thread."""
        account = self.account(account_id)
        if self._session_secrets.get_secret(account_id):
            return SecretPlace.SESSION
        try:
            if account.in_keyring and self._secrets.get_secret(account_id):
                return SecretPlace.KEYRING
        except KeyringUnavailable:
            pass
        return SecretPlace.MISSING

    def known_secret(self, account_id: str) -> str:
        """The account's secret (session or keyring); SecretMissing when neither has it.

        Reads the keyring: call it off the GUI thread. Only for an explicit request of
        the user's (Show secret, Duplicate).
        """
        return self._secret_for(account_id)

    def needs_secret(self, account_id: str) -> bool:
        """True when using the account will ask for its secret (it is not remembered, and
        not given yet this run). Never reads the keyring."""
        account = self.account(account_id)
        return not account.in_keyring and self._session_secrets.get_secret(account_id) is None

    async def ask_secret(self, account_id: str, reason: str = "") -> bool:
        """Ask the user for the account's secret (one dialog, however many callers wait).

        True when a secret was given and kept. GUI thread.
        """
        waiting = self._asking.get(account_id)
        if waiting is not None:
            return await asyncio.shield(waiting)
        if self.secret_prompt is None:
            return False
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._asking[account_id] = future
        try:
            answer = await self.secret_prompt(self.account(account_id), reason)
            given = answer is not None and bool(answer.secret.strip())
            if answer is not None and given:
                given = await self._store_answer(account_id, answer)
            future.set_result(given)
            return given
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: callers of this call see it raised
            raise
        finally:
            del self._asking[account_id]

    async def _store_answer(self, account_id: str, answer: SecretAnswer) -> bool:
        """Keep the answer's secret; False when the keyring failed and the user declined
        keeping it for this session only. Never falls back to the session silently."""
        account = self.account(account_id)
        try:
            self._keep_secret(account_id, answer.secret.strip(), answer.remember)
            remember = answer.remember
        except KeyringUnavailable as exc:
            log.warning("the keyring cannot keep the secret of %s: %s", account.name, exc.message)
            if self.session_only_prompt is None:
                raise
            if not await self.session_only_prompt(account, exc.message):
                log.info("the secret of %s was not kept: the user declined this session only", account.name)
                return False
            log.info("keeping the secret of %s for this session only, as the user chose", account.name)
            self._keep_secret(account_id, answer.secret.strip(), False)
            remember = False
        if remember != account.in_keyring:
            self._accounts = [
                a.with_changes(in_keyring=remember) if a.id == account_id else a for a in self._accounts
            ]
            self._save()
        self._drop_store(account_id)
        self.accounts_changed.emit()
        return True

    def set_bucket(self, account_id: str, bucket: str) -> None:
        """Make the account open `bucket` directly (for keys that cannot list Spaces)."""
        account = self.account(account_id).with_changes(bucket=bucket)
        self._accounts = [account if a.id == account_id else a for a in self._accounts]
        self._save()
        if not self.is_ephemeral(account_id):
            self.activity.record(
                account_id,
                bucket,
                account.name,
                ActivityAction.EDIT_ACCOUNT,
                message=f"opens “{bucket}” directly",
            )
        self.accounts_changed.emit()

    def remove_account(self, account_id: str) -> None:
        """Remove the account and delete its secret; KeyringUnavailable (and the account
        kept) when the keyring still holds the secret afterwards."""
        gone = next((a for a in self._accounts if a.id == account_id), None)
        recorded = gone is not None and not self.is_ephemeral(account_id)
        try:
            self._secrets.delete_secret(account_id)  # checks the secret is gone
        except SpacesError as error:
            if gone is not None and recorded:
                self.activity.record(
                    account_id, "", gone.name, ActivityAction.REMOVE_ACCOUNT, ActivityResult.FAILED,
                    error.message, account_name=gone.name,
                )  # fmt: skip
            raise
        if gone is not None and recorded:
            self.activity.record(
                account_id, "", gone.name, ActivityAction.REMOVE_ACCOUNT,
                message="its keys were removed from this computer", account_name=gone.name,
            )  # fmt: skip
        self._accounts = [a for a in self._accounts if a.id != account_id]
        self._session_secrets.delete_secret(account_id)
        self._ephemeral_ids.discard(account_id)
        self._drop_store(account_id)
        self._save()
        self.accounts_changed.emit()

    def _save(self) -> None:
        self._account_store.save_accounts([a for a in self._accounts if a.id not in self._ephemeral_ids])

    def _secret_for(self, account_id: str) -> str:
        """The account's secret; SecretMissing when it is not at hand. Any thread."""
        secret = self._known_secret(self.account(account_id))
        if not secret:
            raise SecretMissing(
                "The secret key of this account is not at hand. Use the account again to enter "
                "it, or edit the account."
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
            building = self._building.setdefault(account_id, threading.Lock())
        if store is not None:
            return store
        with building:
            with self._stores_lock:
                store = self._stores.get(account_id)
            if store is not None:  # built while this thread waited
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
        """The account's store; asks for its secret first when it is not at hand."""
        try:
            return await self._runner.run(self.store_blocking, account_id)
        except SecretMissing:
            if not await self.ask_secret(account_id):
                raise
        return await self._runner.run(self.store_blocking, account_id)

    async def list_buckets(self, account_id: str) -> list[BucketInfo]:
        """The account's Spaces; for a bucket-scoped account, just its named Space."""
        account = self.account(account_id)
        store = await self.store(account_id)
        if account.bucket:
            await self._runner.run(store.check_bucket, account.bucket)
            self._record_connection(account, store)
            self.spaces_listed.emit(account_id)
            return [BucketInfo(account.bucket)]
        buckets = await self._runner.run(store.list_buckets)
        self._record_connection(account, store)
        self.spaces_listed.emit(account_id)
        return sorted(buckets, key=lambda b: b.name)

    def _record_connection(self, used: Account, store: ObjectStore | None = None) -> None:
        """Note that the account's keys just worked (saved with the account, never the secret).

        `used`: the account as it was when the request went, and `store` the one it went
        through. A success of keys edited meanwhile is not theirs: the time stays unset.
        """
        now = time.time()
        account_id = used.id
        try:
            account = self.account(account_id)
        except KeyError:
            return  # removed meanwhile
        with self._stores_lock:
            replaced = store is not None and self._stores.get(account_id) is not store
        if _reach(account) != _reach(used) or replaced:
            return
        if now - account.last_connected < CONNECTION_RECORD_GAP_S:
            return
        self._accounts = [
            a.with_changes(last_connected=now) if a.id == account_id else a for a in self._accounts
        ]
        self._save()
        self.connection_recorded.emit(account_id)

    async def test_connection(self, account: Account, secret: str) -> ConnectionReport:
        """Try the keys the way the app will use them, and say in plain words what happened.

        An empty `secret` for a saved account means its stored secret.
        """
        self.activity.hide(secret)
        register_secret(secret)
        saved_keys = not secret and self._is_saved_as(account)  # a success is the saved account's
        try:
            secret = secret or self._secret_for(account.id)
            credentials = Credentials(account.access_key_id, secret)
            store = await self._runner.run(self._probe_factory, account, credentials)
        except SpacesError as exc:
            return ConnectionReport(False, exc.message, error=exc)
        try:
            return await asyncio.wait_for(self._test_store(store, account, saved_keys), TEST_TIMEOUT_S)
        except TimeoutError:
            log.info("connection test: no answer from %s in %.0f s", account.endpoint_url, TEST_TIMEOUT_S)
            return ConnectionReport(
                False,
                f"{account.endpoint_url} took the connection but gave no answer in "
                f"{TEST_TIMEOUT_S:.0f} seconds. Is this the address of an S3 server, and is it running?",
            )
        finally:
            await self._runner.run(store.close)

    async def _test_store(self, store: ObjectStore, account: Account, saved_keys: bool) -> ConnectionReport:
        try:
            if account.bucket:
                await self._runner.run(store.check_bucket, account.bucket)
                if saved_keys:
                    self._record_connection(account)
                return ConnectionReport(
                    True,
                    f"Connected. The Space “{account.bucket}” can be opened.",
                    (account.bucket,),
                )
            buckets = await self._runner.run(store.list_buckets)
            names = tuple(b.name for b in buckets)
            if saved_keys:
                self._record_connection(account)
            return ConnectionReport(
                True, f"Connected. {len(names)} Space{'s' if len(names) != 1 else ''} found.", names
            )
        except SpacesError as exc:
            log.info("connection test failed: %s", exc.detail or exc.message)
            return ConnectionReport(False, exc.message, error=exc)

    def _is_saved_as(self, account: Account) -> bool:
        """True when `account` reaches the same server with the same keys as the saved one."""
        saved = next((a for a in self._accounts if a.id == account.id), None)
        return saved is not None and (saved.ref(), saved.bucket) == (account.ref(), account.bucket)

    def close(self) -> None:
        self.activity.close()
        with self._stores_lock:
            stores, self._stores = list(self._stores.values()), {}
        for store in stores:
            store.close()


def _account_change(previous: Account | None, account: Account, secret: str) -> str:
    """What changed, in words for the record (names of fields, never their secret values)."""
    if previous is None:
        return f"{account.provider}, access key {account.access_key_id}"
    changed = []
    if previous.access_key_id != account.access_key_id:
        changed.append(f"access key {previous.access_key_id} → {account.access_key_id}")
    if secret.strip():
        changed.append("secret key replaced")
    if previous.name != account.name:
        changed.append(f"renamed from “{previous.name}”")
    if previous.endpoint_url != account.endpoint_url or previous.region != account.region:
        changed.append("endpoint changed")
    return "; ".join(changed) or "settings changed"


def _reach(account: Account) -> tuple[object, ...]:
    """What decides where an account's requests go and whose keys sign them."""
    return account.ref(), account.region, account.addressing, account.ca_bundle
