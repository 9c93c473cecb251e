"""Helpers for the object-operation tests of issue 8: many keys seeded fast, windows through the proxy.

Seeding goes straight to moto (not through the fault proxy), so what the proxy records is
what the window sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.ui.operations.edit_actions import EditActions
from tests.fault_proxy import FaultProxy
from tests.gui.conftest import open_space

SEED_THREADS = 8  # the client's pool holds 10 connections: no thread waits for one


def seed(store: S3Store, bucket: str, objects: Mapping[str, bytes], **extra: Any) -> None:
    """Put every key of `objects` with its bytes (and `extra` PutObject arguments), 8 at a time."""

    def put(item: tuple[str, bytes]) -> None:
        store.client.put_object(Bucket=bucket, Key=item[0], Body=item[1], **extra)

    with ThreadPoolExecutor(SEED_THREADS, thread_name_prefix="seed") as pool:
        list(pool.map(put, objects.items()))


def keys_in(store: S3Store, bucket: str, prefix: str = "") -> set[str]:
    return {e.key for e in store.iter_objects(bucket, prefix)}


def bodies(store: S3Store, bucket: str, keys: Iterable[str]) -> dict[str, bytes]:
    """Every key's bytes as the server has them, read 8 at a time."""

    def get(key: str) -> tuple[str, bytes]:
        return key, store.client.get_object(Bucket=bucket, Key=key)["Body"].read()

    with ThreadPoolExecutor(SEED_THREADS, thread_name_prefix="read") as pool:
        return dict(pool.map(get, list(keys)))


def open_through_proxy(
    qtbot: QtBot, build_window: Callable[[], App], open_account: Callable[[App, Account], None],
    account: Account, proxy: FaultProxy, bucket: str,
) -> tuple[App, Account]:  # fmt: skip
    """A window whose account reaches moto through `proxy`, showing `bucket`; the proxied account."""
    proxied = account.with_changes(endpoint_url=proxy.endpoint)
    return open_space(qtbot, build_window, open_account, proxied, bucket), proxied


def edit_actions(app: App) -> EditActions:
    actions = app.window.edit_actions
    assert actions is not None
    return actions


def answer(qtbot: QtBot, actions: EditActions, text: str) -> QMessageBox:
    """Wait for the Edit actions' question and click its button `text`; the question."""
    qtbot.waitUntil(lambda: actions.last_box is not None and actions.last_box.isVisible(), timeout=60_000)
    box = actions.last_box
    assert box is not None
    next(b for b in box.buttons() if b.text() == text).click()
    return box


def wait_all_finished(qtbot: QtBot, app: App, count: int, timeout_s: float = 120) -> None:
    """Wait until the queue holds `count` transfers and every one has finished."""

    def finished() -> None:
        transfers = app.transfers.engine.transfers()
        assert len(transfers) == count
        unfinished = [(t.key, t.state, t.error) for t in transfers if not t.state.finished]
        assert not unfinished, unfinished[:5]

    qtbot.waitUntil(finished, timeout=int(timeout_s * 1000))
