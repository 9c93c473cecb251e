"""A Space's settings (access, CORS count, versioning, lifecycle, policy, logging): reads and writes
the settings window waits for."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from spacesgui.core.activity import ActivityAction
from spacesgui.core.bucket_policy import policy_problem
from spacesgui.core.bucket_settings import BucketAcl, LoggingConfig, VersioningState, logging_problems
from spacesgui.core.errors import InvalidInput, NotSupported
from spacesgui.core.lifecycle import LifecycleRule, lifecycle_problems, noncurrent_supported, with_ids
from spacesgui.core.ports import BucketSettings
from spacesgui.services.account_service import AccountService
from spacesgui.services.runner import TaskRunner

log = logging.getLogger(__name__)

T = TypeVar("T")

NO_SETTINGS = "This account's storage has no Space settings here."
_ACTIONS = {
    "Versioning": ActivityAction.VERSIONING,
    "Lifecycle": ActivityAction.LIFECYCLE,
    "Policy": ActivityAction.POLICY,
    "Logging": ActivityAction.LOGGING,
}


class SpaceSettingsService(QObject):
    """Space settings on one account's store.

    Every method is a coroutine awaited on the GUI thread (the qasync loop); store calls
    run on the TaskRunner's workers, never on the GUI thread. Failures are core errors
    (NotSupported when the server lacks that setting). After a write succeeds,
    `settings_changed` is emitted on the GUI thread, before the coroutine returns.
    """

    settings_changed = Signal(str, str, str)  # account id, bucket, section ("Versioning", ...)

    def __init__(self, runner: TaskRunner, accounts: AccountService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._accounts = accounts

    def provider(self, account_id: str) -> str:
        """The account's provider key ("digitalocean", "custom", ...). GUI thread."""
        return self._accounts.account(account_id).provider

    def account_name(self, account_id: str) -> str:
        return self._accounts.account(account_id).name

    async def space_names(self, account_id: str) -> list[str]:
        """The account's Spaces, for choosing a log target; [] when they cannot be listed."""
        try:
            return [bucket.name for bucket in await self._accounts.list_buckets(account_id)]
        except Exception as error:  # the target can still be typed
            log.debug("Spaces of %s not listed for the settings window: %s", account_id, error)
            return []

    async def _run(self, account_id: str, call: Callable[[BucketSettings], T]) -> T:
        store = await self._accounts.store(account_id)
        if not isinstance(store, BucketSettings):
            raise NotSupported(NO_SETTINGS)
        return await self._runner.run(call, store)

    async def _write(
        self, account_id: str, bucket: str, section: str, call: Callable[[BucketSettings], None]
    ) -> None:
        await self._run(account_id, call)
        log.info("%s of s3://%s changed", section.lower(), bucket)
        self.settings_changed.emit(account_id, bucket, section)

    # -- reads ----------------------------------------------------------------------------

    async def acl(self, account_id: str, bucket: str) -> BucketAcl:
        return await self._run(account_id, lambda store: store.get_bucket_acl(bucket))

    async def cors_origins(self, account_id: str, bucket: str) -> tuple[tuple[str, ...], ...]:
        return await self._run(account_id, lambda store: store.get_cors_origins(bucket))

    async def versioning(self, account_id: str, bucket: str) -> VersioningState:
        return await self._run(account_id, lambda store: store.get_versioning(bucket))

    async def lifecycle(self, account_id: str, bucket: str) -> tuple[LifecycleRule, ...]:
        return await self._run(account_id, lambda store: store.get_lifecycle(bucket))

    async def policy(self, account_id: str, bucket: str) -> str:
        return await self._run(account_id, lambda store: store.get_policy(bucket))

    async def logging(self, account_id: str, bucket: str) -> LoggingConfig:
        return await self._run(account_id, lambda store: store.get_logging(bucket))

    # -- writes ---------------------------------------------------------------------------

    def _recording(
        self, account_id: str, bucket: str, section: str, detail: str
    ) -> AbstractContextManager[None]:
        """Record a write of `section` (checks that refuse it before any request included)."""
        return self._accounts.activity.recording(account_id, bucket, bucket, _ACTIONS[section], detail)

    async def set_versioning(self, account_id: str, bucket: str, state: VersioningState) -> None:
        with self._recording(account_id, bucket, "Versioning", str(state.value)):
            await self._write(
                account_id, bucket, "Versioning", lambda store: store.put_versioning(bucket, state)
            )

    async def set_lifecycle(self, account_id: str, bucket: str, rules: Sequence[LifecycleRule]) -> None:
        """Replace the lifecycle rules with `rules` (none: delete the configuration).

        Raises InvalidInput, before any request, when the rules do not pass the core checks
        for this account's provider. Rules without a name get one (core.lifecycle.with_ids).
        """
        count = f"{len(rules)} rule{'s' if len(rules) != 1 else ''}" if rules else "rules deleted"
        with self._recording(account_id, bucket, "Lifecycle", count):
            await self._set_lifecycle(account_id, bucket, rules)

    async def _set_lifecycle(self, account_id: str, bucket: str, rules: Sequence[LifecycleRule]) -> None:
        problems = lifecycle_problems(
            rules, noncurrent_supported=noncurrent_supported(self.provider(account_id))
        )
        if problems:
            raise InvalidInput(" ".join(problems))
        named = with_ids(rules)

        def write(store: BucketSettings) -> None:  # worker thread
            if named:
                store.put_lifecycle(bucket, named)
            else:
                store.delete_lifecycle(bucket)

        await self._write(account_id, bucket, "Lifecycle", write)

    async def set_policy(self, account_id: str, bucket: str, policy: str) -> None:
        """Write `policy` (JSON text); "" deletes the policy. InvalidInput, before any request,
        when it is not a policy (the message names the line and column)."""
        with self._recording(account_id, bucket, "Policy", "set" if policy.strip() else "deleted"):
            await self._set_policy(account_id, bucket, policy)

    async def _set_policy(self, account_id: str, bucket: str, policy: str) -> None:
        problem = policy_problem(policy) if policy.strip() else None
        if problem is not None:
            raise InvalidInput(problem.message)

        def write(store: BucketSettings) -> None:  # worker thread
            if policy.strip():
                store.put_policy(bucket, policy)
            else:
                store.delete_policy(bucket)

        await self._write(account_id, bucket, "Policy", write)

    async def set_logging(self, account_id: str, bucket: str, config: LoggingConfig) -> None:
        """Write logs as `config` says (no target: off). InvalidInput, before any request, when
        the target will not do (the Space itself, say)."""
        with self._recording(account_id, bucket, "Logging", _logging_detail(config)):
            problems = logging_problems(config, bucket)
            if problems:
                raise InvalidInput(" ".join(problems))
            await self._write(account_id, bucket, "Logging", lambda store: store.put_logging(bucket, config))


def _logging_detail(config: LoggingConfig) -> str:
    return f"logs to {config.target_bucket}/{config.target_prefix}" if config.target_bucket else "off"
