"""The DigitalOcean API as the keys manager and CDN settings use it: the port its adapter implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from spacesgui.core.do_api import CdnEndpoint, CreatedKey, KeyGrant, SpacesKey


class KeyAdmin(Protocol):
    """The account's Spaces access keys, through the DigitalOcean API. Thread-safe; blocking.

    Failures are core errors (see core/do_api.py): a bad token, a missing scope, rate limits
    and server errors each say so in plain words, never with the token in them.
    """

    def list_keys(self) -> list[SpacesKey]:
        """Every key of the account, all pages."""
        ...

    def create_key(self, name: str, grants: Sequence[KeyGrant]) -> CreatedKey:
        """Create a key; its secret is in the answer and never again."""
        ...

    def rename_key(self, access_key: str, name: str) -> SpacesKey: ...

    def delete_key(self, access_key: str) -> None: ...


class CdnAdmin(Protocol):
    """The account's CDN endpoints, through the DigitalOcean API. Thread-safe; blocking."""

    def list_endpoints(self) -> list[CdnEndpoint]:
        """Every CDN endpoint of the account, all pages."""
        ...

    def create_endpoint(self, origin: str, ttl: int) -> CdnEndpoint: ...

    def update_endpoint_ttl(self, endpoint_id: str, ttl: int) -> CdnEndpoint: ...

    def delete_endpoint(self, endpoint_id: str) -> None: ...

    def purge_cache(self, endpoint_id: str, paths: Sequence[str]) -> None:
        """Purge `paths` ("folder/*" for a folder), batched as the API allows."""
        ...


class DoApi(KeyAdmin, CdnAdmin, Protocol):
    """One client for both: the same token reaches keys and CDN endpoints."""

    def close(self) -> None: ...


class DoApiFactory(Protocol):
    def __call__(self, token: str, base_url: str) -> DoApi: ...
