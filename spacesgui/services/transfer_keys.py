"""Which keys a transfer runs with: adopt transfers of accounts that are gone, ask for secrets first.

A transfer names its account by id, and keeps the account's `ref` (access key id @
endpoint). After a restart the id may be gone: an account given on the command line, or
one removed and added again. Such a transfer is adopted by any account with the same
ref as soon as one exists; until then it cannot run, and Resume says what is needed.
An account whose secret is not at hand is asked for it before its transfers start.

GUI thread only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol

from spacesgui.core.transfers import Transfer
from spacesgui.services.account_service import AccountService

log = logging.getLogger(__name__)


class AccountsEngine(Protocol):
    """What this needs of the engine."""

    def account_ids(self, ids: Iterable[str]) -> set[str]: ...

    def reassign(self, ids: Iterable[str], account_id: str) -> None: ...


def _split_ref(ref: str) -> tuple[str, str]:
    key, _, endpoint = ref.rpartition("@")
    return key, endpoint


def needs_keys_message(ref: str, count: int) -> str:
    """What to do so that `count` transfers planned with the keys `ref` can run."""
    key, endpoint = _split_ref(ref)
    which = "this transfer" if count == 1 else f"these {count:,} transfers"
    if not endpoint:
        return (
            f"The account of {which} was removed, so {'it' if count == 1 else 'they'} cannot resume. "
            "Remove them with Cancel, then Clear Finished."
        )
    return (
        f"Resuming {which} needs the keys for {endpoint} (access key {key}): add that account "
        "(File → Add Account…), or start spacesgui with --endpoint-url "
        f"{endpoint} and the keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. "
        "Or remove them with Cancel, then Clear Finished."
    )


class TransferKeys:
    """See the module docstring."""

    def __init__(self, accounts: AccountService, engine: AccountsEngine) -> None:
        self._accounts = accounts
        self._engine = engine
        self._orphans: dict[str, str] = {}  # transfer id → the ref of its gone account

    def take_restored(self, transfers: Iterable[Transfer]) -> None:
        """Note restored transfers whose account is gone, and adopt those that can be."""
        known = {a.id for a in self._accounts.accounts}
        for t in transfers:
            if not t.state.finished and t.account_id not in known:
                self._orphans[t.id] = t.account_ref
        self.adopt()

    def adopt(self) -> list[str]:
        """Hand orphans to accounts with their keys (after accounts change); their ids."""
        by_ref: dict[str, list[str]] = {}
        for transfer_id, ref in self._orphans.items():
            by_ref.setdefault(ref, []).append(transfer_id)
        adopted: list[str] = []
        for ref, ids in by_ref.items():
            account = self._accounts.account_by_ref(ref) if ref else None
            if account is None:
                continue
            self._engine.reassign(ids, account.id)
            log.info("%d restored transfers now use the account %s", len(ids), account.name)
            for transfer_id in ids:
                del self._orphans[transfer_id]
            adopted.extend(ids)
        return adopted

    def forget(self, ids: Iterable[str]) -> None:
        for transfer_id in ids:
            self._orphans.pop(transfer_id, None)

    async def ready(self, ids: list[str]) -> tuple[list[str], list[str]]:
        """(ids whose keys are at hand, messages about the rest), asking for secrets first.

        A declined secret leaves its transfers in the list: the engine then fails them
        with a message that says the keys are missing.
        """
        stuck: dict[str, int] = {}
        runnable: list[str] = []
        for transfer_id in ids:
            ref = self._orphans.get(transfer_id)
            if ref is None:
                runnable.append(transfer_id)
            else:
                stuck[ref] = stuck.get(ref, 0) + 1
        messages = [needs_keys_message(ref, count) for ref, count in stuck.items()]
        if runnable:
            for account_id in self._engine.account_ids(runnable):
                try:
                    locked = self._accounts.needs_secret(account_id)
                except KeyError:
                    continue
                if locked:
                    await self._accounts.ask_secret(account_id, "Its transfers need it to resume.")
        return runnable, messages
