"""What the keys manager shows of an account: where its secret is, when it last connected."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from spacesgui.core.accounts import Account

MASK = "••••••••"


class SecretPlace(StrEnum):
    """Where an account's secret key is right now."""

    KEYRING = "keyring"  # in the OS keyring: used at every start
    SESSION = "session"  # in memory until the app quits
    MISSING = "missing"  # nowhere: asked for when the account is next used

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def masked(self) -> str:
        """The secret column's text: never the secret, only that it exists and where."""
        return "missing" if self is SecretPlace.MISSING else f"{MASK} {self.label}"


_LABELS = {
    SecretPlace.KEYRING: "in keyring",
    SecretPlace.SESSION: "this session only",
    SecretPlace.MISSING: "missing",
}


@dataclass(frozen=True, slots=True)
class KeyRow:
    """One row of the keys manager."""

    account: Account
    secret: SecretPlace


def copy_name(name: str, taken: Iterable[str]) -> str:
    """“NAME (copy)”, or “NAME (copy 2)”… : the first that no account has yet."""
    names = set(taken)
    candidate = f"{name} (copy)"
    number = 2
    while candidate in names:
        candidate = f"{name} (copy {number})"
        number += 1
    return candidate


def last_connected_text(timestamp: float) -> str:
    """Local date and time to the minute, or “never” for 0."""
    if timestamp <= 0:
        return "never"
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))
