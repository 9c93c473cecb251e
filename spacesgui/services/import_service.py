"""Import accounts from other tools and export account definitions, over AccountService.

Signals: none; every coroutine is awaited on the GUI thread, and the file work inside it
runs on the runner's worker threads. `import_accounts` itself is GUI-thread only: it
adds accounts through AccountService, which puts each secret straight in the keyring.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

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
from spacesgui.core.errors import KeyringUnavailable, SpacesError
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
    # Not added because the keyring could not keep the secret: (chosen, why). The window
    # offers to import these again with the secret kept for this session only.
    keyring_refused: list[tuple[Chosen, str]] = field(default_factory=list)
    session_only: list[str] = field(default_factory=list)  # added; secret kept until quitting
    # What became of each candidate, in words, for its row in the list.
    statuses: dict[ImportCandidate, str] = field(default_factory=dict)

    def merge(self, other: ImportOutcome) -> None:
        """Add `other`'s results (a second pass over the keyring refusals) to these."""
        self.keyring_refused = []
        for name in ("added", "without_secret", "already_present", "failed", "added_ids", "keyring_refused",
                     "session_only"):  # fmt: skip
            getattr(self, name).extend(getattr(other, name))
        self.statuses.update(other.statuses)


def session_only(chosen: Sequence[Chosen]) -> list[Chosen]:
    """The same choices with each secret kept in memory until quitting, not in the keyring."""
    return [replace(item, remember=False) for item in chosen]


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
                outcome.statuses[candidate] = "Not added: the same keys are already an account"
                continue
            taken = {a.name for a in self._accounts.accounts}
            account = candidate.to_account().with_changes(name=unique_name(candidate.name, taken))
            try:
                if item.secret.strip():
                    self._accounts.add_account(account, item.secret, remember=item.remember)
                else:
                    self._accounts.add_account_without_secret(account)
                    outcome.without_secret.append(account.name)
            except KeyringUnavailable as exc:
                log.warning("import of %s: the keyring cannot keep its secret: %s", account.name, exc.message)
                outcome.keyring_refused.append((item, exc.message))
                outcome.statuses[candidate] = "Not added: no keyring to keep its secret key"
                continue
            except SpacesError as exc:
                log.warning("import of %s failed: %s", account.name, exc.message)
                outcome.failed.append((account.name, exc.message))
                outcome.statuses[candidate] = f"Not added: {exc.message}"
                continue
            outcome.added.append(account.name)
            outcome.added_ids.append(account.id)
            if item.secret.strip() and not item.remember:
                outcome.session_only.append(account.name)
                outcome.statuses[candidate] = f"Added as “{account.name}”, secret key for this session only"
            else:
                outcome.statuses[candidate] = f"Added as “{account.name}”"
        log.info(
            "imported %d accounts (%d without a secret, %d already present, %d failed, %d refused by the keyring)",
            len(outcome.added), len(outcome.without_secret), len(outcome.already_present), len(outcome.failed),
            len(outcome.keyring_refused),
        )  # fmt: skip
        return outcome
