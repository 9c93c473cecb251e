"""The DigitalOcean API for the GUI: the token in the keyring, Spaces keys, CDN endpoints."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from spacesgui.core.accounts import Account, AddressingStyle, provider
from spacesgui.core.activity import ActivityAction
from spacesgui.core.do_api import (
    DEFAULT_API_URL,
    TOKEN_SECRET_ID,
    ApiScopeMissing,
    ApiTokenInvalid,
    ApiTokenMissing,
    CdnEndpoint,
    CreatedKey,
    KeyGrant,
    SpacesKey,
    endpoint_for_origin,
    origin_for,
    purge_paths,
)
from spacesgui.core.do_api_ports import DoApi, DoApiFactory
from spacesgui.core.errors import InvalidInput, KeyringUnavailable, NotSupported, SpacesError
from spacesgui.core.ports import SecretStore
from spacesgui.core.redaction import register_secret
from spacesgui.services.account_service import AccountService
from spacesgui.services.runner import TaskRunner

log = logging.getLogger(__name__)
API_ACCOUNT = "DigitalOcean API"  # the Account column of changes made with the API token

DIGITALOCEAN = "digitalocean"
T = TypeVar("T")


class _Unknown:
    """Not looked up yet (distinct from None: looked up, and there is no endpoint)."""


UNKNOWN = _Unknown()


class DoApiService(QObject):
    """Spaces keys and CDN endpoints through one DigitalOcean API client.

    Every coroutine is awaited on the GUI thread (the qasync loop); API calls run on the
    TaskRunner's workers. Signals are emitted on the GUI thread: `token_changed` when the
    token is saved or forgotten, `keys_changed` after a key was created, renamed or
    deleted, `cdn_changed(account id, bucket)` after a Space's endpoint was looked up,
    created, changed or deleted (read `cached_endpoint` then).
    """

    token_changed = Signal()
    keys_changed = Signal()
    cdn_changed = Signal(str, str)  # account id, bucket

    def __init__(
        self,
        runner: TaskRunner,
        accounts: AccountService,
        secrets: SecretStore,
        factory: DoApiFactory,
        base_url: str = DEFAULT_API_URL,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner, self._accounts, self._secrets, self._factory = runner, accounts, secrets, factory
        self._base_url = base_url
        self._client: DoApi | None = None
        self._lock = threading.Lock()
        self._cdn: dict[str, CdnEndpoint | None] = {}  # by origin
        self._has_token: bool | None = None  # not read from the keyring yet
        self._looking: set[str] = set()  # origins whose endpoint is being looked up
        self._session_token = ""  # kept in memory when there is no keyring to keep it

    # -- token ----------------------------------------------------------------------------
    def set_api_url(self, base_url: str) -> None:
        """Talk to another API address (a local server in tests); forgets what was looked up."""
        self._base_url = base_url
        self._reset()

    def has_token(self) -> bool:
        """Whether a token is kept; the keyring is read once, then remembered (menus ask often)."""
        if self._session_token:
            return True
        if self._has_token is None:
            try:
                self._has_token = bool(self._secrets.get_secret(TOKEN_SECRET_ID))
            except KeyringUnavailable:
                return False
        return self._has_token

    @property
    def token_for_session_only(self) -> bool:
        """True when the token is kept in memory until quit (there is no keyring to keep it)."""
        return bool(self._session_token)

    async def save_token(self, token: str) -> list[SpacesKey]:
        """Ask DigitalOcean whether `token` works, then keep it; the keys it lists.

        A token the API refuses is not kept (before, it was saved and the window said both
        “a token is kept” and “not accepted”). One that lacks the keys' scope is kept, since
        it may serve the CDN, and the scope error is raised after. Without a keyring it is
        kept in memory until quit, as a secret key can be.
        """
        token = _checked_token(token)
        register_secret(token)  # hidden from every log line and error from now on
        client = self._factory(token, self._base_url)
        try:
            keys = await self._runner.run(client.list_keys)
            scope_error = None
        except ApiScopeMissing as error:
            keys, scope_error = [], error
        finally:
            client.close()
        try:
            self._keep_in_keyring(token)
        except KeyringUnavailable:
            log.warning("no system keyring: the DigitalOcean API token is kept until spacesgui quits")
            self._session_token = token
            self._reset()
            self.token_changed.emit()
        if scope_error is not None:
            raise scope_error
        return keys

    def set_token(self, token: str) -> None:
        """Keep `token` in the keyring (never in a file), unchecked. KeyringUnavailable may rise."""
        token = _checked_token(token)
        register_secret(token)  # hidden from every log line and error from now on
        self._keep_in_keyring(token)

    def _keep_in_keyring(self, token: str) -> None:
        with self._recording("", "", ActivityAction.API_TOKEN, "saved in the keyring"):
            self._secrets.set_secret(TOKEN_SECRET_ID, token)
        self._session_token = ""
        self._has_token = True
        self._reset()
        log.info("DigitalOcean API token saved in the keyring")
        self.token_changed.emit()

    def forget_token(self) -> None:
        if self._session_token and not self._has_token:  # never reached the keyring
            self._session_token = ""
            self._reset()
            self.token_changed.emit()
            return
        self._session_token = ""  # and an older one the keyring holds goes too
        with self._recording("", "", ActivityAction.API_TOKEN, "removed from the keyring"):
            self._secrets.delete_secret(TOKEN_SECRET_ID)
        self._has_token = False
        self._reset()
        log.info("DigitalOcean API token removed from the keyring")
        self.token_changed.emit()

    def _recording(
        self, bucket: str, target: str, action: ActivityAction, message: str = ""
    ) -> AbstractContextManager[None]:
        """Record a change made through the API (the token's owner, not a local account)."""
        return self._accounts.activity.recording(
            "", bucket, target, action, message, account_name=API_ACCOUNT
        )

    def _reset(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        self._cdn.clear()
        if client is not None:
            client.close()

    def _api(self) -> DoApi:
        """The client for the saved token, built on first use. Any thread."""
        with self._lock:
            if self._client is None:
                token = self._session_token or self._secrets.get_secret(TOKEN_SECRET_ID)
                if not token:
                    raise ApiTokenMissing(
                        "Enter a DigitalOcean personal access token in File → DigitalOcean Keys… first."
                    )
                register_secret(token)
                self._client = self._factory(token, self._base_url)
            return self._client

    async def _call_api(self, call: Callable[[DoApi], T]) -> T:
        """Run `call(client)` on a worker thread."""
        return await self._runner.run(lambda: call(self._api()))

    # -- Spaces keys ----------------------------------------------------------------------
    async def list_keys(self) -> list[SpacesKey]:
        return await self._call_api(lambda api: api.list_keys())

    async def create_key(self, name: str, grants: Sequence[KeyGrant]) -> CreatedKey:
        with self._recording("", name, ActivityAction.CREATE_KEY):
            created = await self._call_api(lambda api: api.create_key(name, list(grants)))
        register_secret(created.secret_key)
        log.info("Spaces key %s created", created.key.access_key)
        self.keys_changed.emit()
        return created

    async def rename_key(self, access_key: str, name: str) -> SpacesKey:
        with self._recording("", access_key, ActivityAction.RENAME_KEY, f"named “{name}”"):
            key = await self._call_api(lambda api: api.rename_key(access_key, name))
        self.keys_changed.emit()
        return key

    async def delete_key(self, access_key: str) -> None:
        with self._recording("", access_key, ActivityAction.DELETE_KEY):
            await self._call_api(lambda api: api.delete_key(access_key))
        log.info("Spaces key %s deleted", access_key)
        self.keys_changed.emit()

    def accounts_using(self, access_key: str) -> list[Account]:
        """The local accounts that sign with `access_key`."""
        return [a for a in self._accounts.accounts if a.access_key_id == access_key]

    def save_as_account(self, created: CreatedKey, name: str, region: str) -> Account:
        """Make a DigitalOcean account of a new key; its secret goes straight to the keyring."""
        if not name.strip():
            raise InvalidInput("Give the account a name.")
        preset = provider(DIGITALOCEAN)
        scoped = [g.bucket for g in created.key.grants if g.bucket]
        account = Account(
            name=name.strip(),
            provider=DIGITALOCEAN,
            endpoint_url=preset.endpoint_for(region),
            region=region,
            access_key_id=created.key.access_key,
            addressing=AddressingStyle.VIRTUAL,
            bucket=scoped[0] if len(scoped) == 1 else "",
        )
        self._accounts.add_account(account, created.secret_key, remember=True)
        return account

    # -- CDN ------------------------------------------------------------------------------
    def is_digitalocean(self, account_id: str) -> bool:
        try:
            return self._accounts.account(account_id).provider == DIGITALOCEAN
        except KeyError:
            return False

    def _origin(self, account_id: str, bucket: str) -> str:
        if not self.is_digitalocean(account_id):
            raise NotSupported("Only DigitalOcean Spaces have a DigitalOcean CDN.")
        return origin_for(bucket, self._accounts.account(account_id).region)

    def cached_endpoint(self, account_id: str, bucket: str) -> CdnEndpoint | _Unknown | None:
        """What was last learnt of the Space's endpoint (no request): UNKNOWN, None or it."""
        if not self.is_digitalocean(account_id) or not bucket:
            return None
        return self._cdn.get(self._origin(account_id, bucket), UNKNOWN)

    def cdn_url(self, account_id: str, bucket: str, key: str) -> str:
        """The CDN address of `key`, or "" unless the Space is known to have an endpoint."""
        endpoint = self.cached_endpoint(account_id, bucket)
        return endpoint.url(key) if isinstance(endpoint, CdnEndpoint) else ""

    async def endpoint(self, account_id: str, bucket: str, *, refresh: bool = False) -> CdnEndpoint | None:
        """The Space's CDN endpoint, or None; looked up once per Space unless `refresh`."""
        origin = self._origin(account_id, bucket)
        if not refresh and origin in self._cdn:
            return self._cdn[origin]
        endpoints = await self._call_api(lambda api: api.list_endpoints())
        for known in endpoints:
            self._cdn[known.origin.lower()] = known
        found = endpoint_for_origin(endpoints, origin)
        self._cdn[origin] = found
        self.cdn_changed.emit(account_id, bucket)
        return found

    def look_up(self, account_id: str, bucket: str) -> None:
        """Learn the Space's endpoint in the background when it is not known yet (quietly)."""
        if not bucket or not self.is_digitalocean(account_id) or not self.has_token():
            return
        origin = self._origin(account_id, bucket)
        if origin in self._cdn or origin in self._looking:
            return
        self._looking.add(origin)
        self._runner.spawn(self._look_up_quietly(account_id, bucket, origin), name="cdn-lookup")

    async def _look_up_quietly(self, account_id: str, bucket: str, origin: str) -> None:
        try:
            await self.endpoint(account_id, bucket)
        except (ApiTokenInvalid, ApiScopeMissing) as error:
            # Asking again on every folder would fail the same way: not until the token changes.
            self._cdn[origin] = None
            log.info("CDN lookup for %s refused: %s", bucket, error.title)
        except SpacesError as error:  # the menu entries stay hidden; the settings page says why
            log.info("CDN lookup for %s failed: %s", bucket, error.message)
        finally:
            self._looking.discard(origin)

    async def enable(self, account_id: str, bucket: str, ttl: int) -> CdnEndpoint:
        origin = self._origin(account_id, bucket)
        with self._recording(bucket, bucket, ActivityAction.CDN, f"switched on, TTL {ttl} s"):
            endpoint = await self._call_api(lambda api: api.create_endpoint(origin, ttl))
        self._cdn[origin] = endpoint
        log.info("CDN switched on for %s (TTL %d s)", bucket, ttl)
        self.cdn_changed.emit(account_id, bucket)
        return endpoint

    async def set_ttl(self, account_id: str, bucket: str, endpoint_id: str, ttl: int) -> CdnEndpoint:
        origin = self._origin(account_id, bucket)
        with self._recording(bucket, bucket, ActivityAction.CDN, f"TTL {ttl} s"):
            endpoint = await self._call_api(lambda api: api.update_endpoint_ttl(endpoint_id, ttl))
        self._cdn[origin] = endpoint
        self.cdn_changed.emit(account_id, bucket)
        return endpoint

    async def disable(self, account_id: str, bucket: str, endpoint_id: str) -> None:
        origin = self._origin(account_id, bucket)
        with self._recording(bucket, bucket, ActivityAction.CDN, "switched off"):
            await self._call_api(lambda api: api.delete_endpoint(endpoint_id))
        self._cdn[origin] = None
        log.info("CDN switched off for %s", bucket)
        self.cdn_changed.emit(account_id, bucket)

    async def purge(self, account_id: str, bucket: str, keys: Sequence[str]) -> int:
        """Purge `keys` (folders as "folder/*") from the Space's CDN cache; return how many paths."""
        endpoint = await self.endpoint(account_id, bucket)
        if endpoint is None:
            raise NotSupported(f"The Space “{bucket}” has no CDN endpoint, so there is no cache to purge.")
        paths = purge_paths(keys)
        with self._recording(bucket, bucket, ActivityAction.CDN, f"cache purged: {len(paths)} path(s)"):
            await self._call_api(lambda api: api.purge_cache(endpoint.id, paths))
        log.info("CDN cache of %s purged: %d path(s)", bucket, len(paths))
        return len(paths)

    def close(self) -> None:
        self._reset()


def _checked_token(token: str) -> str:
    token = token.strip()
    if not token:
        raise InvalidInput("Paste a DigitalOcean personal access token (it starts with dop_v1_).")
    return token
