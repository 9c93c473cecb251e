"""Import accounts from other tools and export account definitions, over AccountService.

Signals: none; every coroutine is awaited on the GUI thread, and the file work inside it
runs on the runner's worker threads. `import_accounts` itself is GUI-thread only: it
adds accounts through AccountService, which puts each secret straight in the keyring.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QObject

from spacesgui.core.account_export import export_accounts
from spacesgui.core.account_import import (
    FoundSource,
    ImportCandidate,
    ImportResult,
    SourceKind,
    already_present,
    unique_name,
)
from spacesgui.core.errors import SpacesError
from spacesgui.core.ports import AccountSources
from spacesgui.core.redaction import register_secret
from spacesgui.services.account_service import AccountService
from spacesgui.services.runner import TaskRunner

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Chosen:
    """A candidate the user ticked, with the secret given for it ("" = none yet) and where
    it should be kept."""

    candidate: ImportCandidate
    secret: str = field(default="", repr=False)
    remember: bool = True


@dataclass(slots=True)
class ImportOutcome:
    added: list[str] = field(default_factory=list)  # account names
    without_secret: list[str] = field(default_factory=list)  # added; asked for at first use
    already_present: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (name, why)
    added_ids: list[str] = field(default_factory=list)


class AccountImportService(QObject):
    def __init__(
        self,
        runner: TaskRunner,
        accounts: AccountService,
        sources: AccountSources,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._accounts = accounts
        self._sources = sources

    def available_blocking(self) -> list[FoundSource]:
        """The sources on this machine. Reads only file metadata; fine on the GUI thread."""
        return self._sources.available()

    async def scan(self, kinds: Sequence[SourceKind] | None = None) -> ImportResult:
        result = await self._runner.run(self._sources.read, kinds)
        for candidate in result.candidates:  # redacted from every log line from now on
            register_secret(candidate.secret)
        return result

    async def read_export(self, path: str) -> ImportResult:
        return await self._runner.run(self._sources.read_export, path)

    async def export(self, path: str) -> int:
        """Write the saved accounts (no secrets, not the demo's) to `path`; how many."""
        accounts = [a for a in self._accounts.accounts if not self._accounts.is_ephemeral(a.id)]
        await self._runner.run(self._sources.write_export, path, export_accounts(accounts))
        log.info("exported %d account definitions", len(accounts))
        return len(accounts)

    def present(self, candidate: ImportCandidate) -> str:
        """The name of the saved account these keys already are, or "".

        Accounts for this run only (the demo's, the command line's) do not count: importing
        their keys is how to keep them."""
        saved = [a for a in self._accounts.accounts if not self._accounts.is_ephemeral(a.id)]
        account = already_present(candidate, saved)
        return account.name if account is not None else ""

    def import_accounts(self, chosen: Sequence[Chosen]) -> ImportOutcome:
        """Add each chosen candidate as an account; one that fails never stops the others."""
        outcome = ImportOutcome()
        for item in chosen:
            candidate = item.candidate
            if self.present(candidate):  # also catches the same keys twice in one import
                outcome.already_present.append(candidate.name)
                continue
            taken = {a.name for a in self._accounts.accounts}
            account = candidate.to_account().with_changes(name=unique_name(candidate.name, taken))
            try:
                if item.secret.strip():
                    self._accounts.add_account(account, item.secret, remember=item.remember)
                else:
                    self._accounts.add_account_without_secret(account)
                    outcome.without_secret.append(account.name)
            except SpacesError as exc:
                log.warning("import of %s failed: %s", account.name, exc.message)
                outcome.failed.append((account.name, exc.message))
                continue
            outcome.added.append(account.name)
            outcome.added_ids.append(account.id)
        log.info(
            "imported %d accounts (%d without a secret, %d already present, %d failed)",
            len(outcome.added), len(outcome.without_secret), len(outcome.already_present), len(outcome.failed),
        )  # fmt: skip
        return outcome
