"""A Space's CORS rules for the editor: read, apply and read back, delete and check, test a preflight."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from spacesgui.core.activity import ActivityAction
from spacesgui.core.cors import CorsRule
from spacesgui.core.cors_preflight import CorsAnswer, PreflightRequest
from spacesgui.core.errors import NotSupported, ServerError
from spacesgui.core.ports import BucketCors, ObjectStore
from spacesgui.services.account_service import AccountService
from spacesgui.services.runner import TaskRunner

log = logging.getLogger(__name__)

# After a delete the rules are read again until they are gone: a server that spreads a
# change to its replicas may still return them for a moment. Pauses, in seconds.
DELETE_CHECK_PAUSES_S = (0.0, 0.5, 1.5)


@dataclass(frozen=True, slots=True)
class CorsTestResult:
    """A preflight test: the rules the server held when asked, and its two answers."""

    request: PreflightRequest
    stored: tuple[CorsRule, ...]
    preflight: CorsAnswer
    get: CorsAnswer


def _cors(store: ObjectStore) -> BucketCors:
    if not isinstance(store, BucketCors):
        raise NotSupported("This account's storage cannot show or change CORS rules.")
    return store


class CorsService(QObject):
    """CORS calls the editor waits for, on any account's store.

    Every method is a coroutine awaited on the GUI thread (the qasync loop); store calls
    run on the TaskRunner's workers. `cors_changed` is emitted on the GUI thread after a
    write the server confirmed, once what it stores has been read back, before the
    coroutine returns.
    """

    cors_changed = Signal(str, str)  # account id, bucket

    def __init__(self, runner: TaskRunner, accounts: AccountService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._accounts = accounts

    async def _store(self, account_id: str) -> BucketCors:
        return _cors(await self._accounts.store(account_id))

    async def read(self, account_id: str, bucket: str) -> tuple[CorsRule, ...]:
        """The rules the server stores, in order; () when the Space has none."""
        store = await self._store(account_id)
        return await self._runner.run(store.get_cors, bucket)

    async def apply(self, account_id: str, bucket: str, rules: Sequence[CorsRule]) -> tuple[CorsRule, ...]:
        """Store `rules` (no rules: delete the configuration), then return what the server stores.

        The rules are read back rather than assumed: a server may store them otherwise
        (drop an empty field, reorder), and the editor shows what it really holds.
        """
        if not rules:
            await self.delete(account_id, bucket)
            return ()
        count = f"{len(rules)} rule{'s' if len(rules) != 1 else ''}"
        with self._accounts.activity.recording(account_id, bucket, bucket, ActivityAction.CORS_APPLY, count):
            store = await self._store(account_id)
            await self._runner.run(store.put_cors, bucket, list(rules))
        stored = await self._runner.run(store.get_cors, bucket)
        log.info("CORS of %s set: %d rule(s) sent, %d stored", bucket, len(rules), len(stored))
        self.cors_changed.emit(account_id, bucket)
        return stored

    async def delete(self, account_id: str, bucket: str) -> None:
        """Delete the whole CORS configuration, and check that the server no longer returns one.

        Raises ServerError when the server said it deleted the rules but still returns them.
        """
        with self._accounts.activity.recording(account_id, bucket, bucket, ActivityAction.CORS_DELETE):
            store = await self._store(account_id)
            await self._runner.run(store.delete_cors, bucket)
        left: tuple[CorsRule, ...] = ()
        for pause in DELETE_CHECK_PAUSES_S:
            if pause:
                await asyncio.sleep(pause)
            left = await self._runner.run(store.get_cors, bucket)
            if not left:
                log.info("CORS of %s deleted; the server returns none", bucket)
                self.cors_changed.emit(account_id, bucket)
                return
        self.cors_changed.emit(account_id, bucket)  # something may have changed all the same
        raise ServerError(
            f"The server answered that it deleted the CORS configuration of “{bucket}”, but it "
            f"still returns {len(left)} rule{'s' if len(left) != 1 else ''}. Try again; if they "
            "stay, delete them in your provider's control panel."
        )

    async def test(self, account_id: str, bucket: str, request: PreflightRequest) -> CorsTestResult:
        """Read the stored rules, then send the preflight and a GET with the request's Origin."""
        store = await self._store(account_id)
        stored = await self._runner.run(store.get_cors, bucket)
        preflight = await self._runner.run(store.preflight, bucket, request)
        get = await self._runner.run(store.get_with_origin, bucket, request.origin)
        log.info(
            "CORS test of %s from %s (%s): preflight %d, GET %d",
            bucket, request.origin, request.method, preflight.status, get.status,
        )  # fmt: skip
        return CorsTestResult(request, stored, preflight, get)
