"""The ports adapters implement; services depend on these, never on an SDK."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from spacesgui.core.accounts import Account, Credentials
from spacesgui.core.listing import BucketInfo, ListingPage


class ObjectStore(Protocol):
    """Blocking access to one account's storage. Safe to call from worker threads."""

    def list_buckets(self) -> list[BucketInfo]: ...

    def check_bucket(self, bucket: str) -> None: ...

    def iter_listing(
        self, bucket: str, prefix: str, *, on_warning: Callable[[str], None] | None = None
    ) -> Iterator[ListingPage]: ...

    def create_bucket(self, bucket: str, region: str) -> None: ...

    def delete_bucket(self, bucket: str) -> None: ...

    def close(self) -> None: ...


class ObjectStoreFactory(Protocol):
    def __call__(self, account: Account, credentials: Credentials) -> ObjectStore: ...


class SecretStore(Protocol):
    """Where secrets live: the OS keyring in the app, memory in tests."""

    def get_secret(self, account_id: str) -> str | None: ...

    def set_secret(self, account_id: str, secret: str) -> None: ...

    def delete_secret(self, account_id: str) -> None: ...


class AccountStore(Protocol):
    """Where account descriptions (never secrets) are saved."""

    def load_accounts(self) -> list[Account]: ...

    def save_accounts(self, accounts: list[Account]) -> None: ...
