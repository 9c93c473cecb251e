"""The keys manager's work over AccountService: rows with where each secret is, duplicate, reveal, test."""

from __future__ import annotations

import logging
import uuid

from PySide6.QtCore import QObject, Signal

from spacesgui.core.accounts import Account
from spacesgui.core.key_status import KeyRow, SecretPlace, copy_name
from spacesgui.services.account_service import AccountService, ConnectionReport
from spacesgui.services.runner import TaskRunner

log = logging.getLogger(__name__)


class KeysService(QObject):
    """Methods are called and awaited on the GUI thread; keyring reads run on a worker.

    `rows_changed` is emitted (GUI thread) after `reload()` has read where every secret is:
    after each change to the accounts, and after a listing records a connection.
    """

    rows_changed = Signal()

    def __init__(self, runner: TaskRunner, accounts: AccountService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._accounts = accounts
        self._rows: list[KeyRow] = []
        self._generation = 0  # a reload that finishes after a newer one started is dropped

    @property
    def accounts(self) -> AccountService:
        return self._accounts

    @property
    def rows(self) -> list[KeyRow]:
        return list(self._rows)

    async def reload(self) -> None:
        """Read where each account's secret is (keyring reads on a worker), then emit rows_changed."""
        self._generation += 1
        generation = self._generation
        accounts = self._accounts.accounts
        places = await self._runner.run(self._places_blocking, [a.id for a in accounts])
        if generation != self._generation:
            return
        current = {a.id: a for a in self._accounts.accounts}  # `last_connected` may be newer
        self._rows = [
            KeyRow(current[a.id], places[a.id]) for a in accounts if a.id in current and a.id in places
        ]
        self.rows_changed.emit()

    def _places_blocking(self, account_ids: list[str]) -> dict[str, SecretPlace]:
        places = {}
        for account_id in account_ids:
            try:
                places[account_id] = self._accounts.secret_place(account_id)
            except KeyError:
                continue  # removed meanwhile
        return places

    async def duplicate(self, account_id: str) -> Account:
        """Add a copy of the account under a new name, its secret kept where the original's is.

        SecretMissing when the original's secret is not at hand; KeyringUnavailable when
        the keyring cannot keep the copy's.
        """
        original = self._accounts.account(account_id)
        secret = await self._runner.run(self._accounts.known_secret, account_id)
        copy = original.with_changes(
            id=uuid.uuid4().hex,
            name=copy_name(original.name, (a.name for a in self._accounts.accounts)),
            last_connected=0.0,
        )
        # A copy of an account kept for this run only (the demo's, the command line's) is kept
        # for this run only too: saved, it would point at a server gone after a restart.
        ephemeral = self._accounts.is_ephemeral(account_id)
        self._accounts.add_account(
            copy, secret, remember=original.in_keyring and not ephemeral, persist=not ephemeral
        )
        log.info("account %s duplicated as %s", original.name, copy.name)
        return copy

    async def reveal(self, account_id: str) -> str:
        """The account's secret, for an explicit Show secret. SecretMissing when not at hand."""
        return await self._runner.run(self._accounts.known_secret, account_id)

    async def test(self, account_id: str) -> ConnectionReport:
        """List the account's Spaces with its saved keys; the report says what happened."""
        return await self._accounts.test_connection(self._accounts.account(account_id), "")
