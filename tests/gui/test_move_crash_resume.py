"""A folder move whose transfer process is killed half way resumes after a restart: every key
lands at the target exactly once, verified, and no source goes before its copy (issue 8)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from xml.etree import ElementTree

import pytest
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.history import Place
from spacesgui.core.transfers import COPIED, TransferState
from tests.fault_proxy import FaultProxy, Match, RecordedRequest
from tests.gui.bulk_helpers import bodies, edit_actions, keys_in, open_through_proxy, seed, wait_all_finished
from tests.gui.conftest import wait_listed
from tests.gui.operations_helpers import select

S3_XMLNS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
SOURCES = {f"photos/f{i:02d}.jpg": f"photo {i} ".encode() * (i + 1) for i in range(24)}
HELD = [f"photos/f{i:02d}.jpg" for i in range(20, 24)]  # their copies reach the server as it dies
AT_ONCE = 8  # operations in flight: room for the held copies and for delete batches
HOLD_S = 600.0


def target(source: str) -> str:
    return "archive/" + source


def copy_of(bucket: str, keys: list[str]) -> Match:
    """Copy requests (PUT with x-amz-copy-source) writing the targets of `keys`."""
    paths = "|".join(re.escape(f"/{bucket}/{target(k)}") for k in keys)
    return Match(method="PUT", path=f"(?:{paths})", headers={"x-amz-copy-source": ".+"})


def deleted_in(request: RecordedRequest) -> list[str]:
    items = ElementTree.fromstring(request.body).iter(f"{S3_XMLNS}Object")
    return [item.findtext(f"{S3_XMLNS}Key") or "" for item in items]


def copied_and_unchanged(store: S3Store, bucket: str) -> None:
    """Every source missing from the server has its copy there, with its bytes."""
    present = keys_in(store, bucket)
    gone = [k for k in SOURCES if k not in present]
    assert all(target(k) in present for k in gone), [k for k in gone if target(k) not in present]
    assert bodies(store, bucket, [target(k) for k in gone]) == {target(k): SOURCES[k] for k in gone}


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_killing_the_transfer_process_mid_move_then_restarting_and_resuming_moves_every_key_once(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    seed(moto_store, moto_bucket, {**SOURCES, "archive/readme.txt": b"already here"})
    first, account = open_through_proxy(
        qtbot, build_window, open_account, moto_account, fault_proxy, moto_bucket
    )
    engine = first.transfers.engine
    engine.apply_settings(replace(engine.settings, parallel_operations=AT_ONCE))
    # Held until the process is dead, however slow the machine: a request the client gives
    # up on (60 s) is sent again and held again, so waiting only grows.
    held_copies = fault_proxy.hold(copy_of(moto_bucket, HELD), limit_s=HOLD_S)
    held_deletes = fault_proxy.hold(Match.delete_objects(moto_bucket), limit_s=HOLD_S)

    select(first, "photos/")
    edit_actions(first).cut_action.trigger()
    first.window.navigate(Place(account.id, moto_bucket, "archive/"))
    wait_listed(qtbot, first)
    edit_actions(first).paste_action.trigger()

    # Half way: 20 copies verified and journaled, their sources' deletes at the server, the
    # last 4 copies at the server too; nothing has answered them yet.
    def half_way() -> None:
        assert held_copies.waiting >= len(HELD)
        assert held_deletes.waiting >= 1
        copied = [t for t in engine.transfers() if t.phase == COPIED]
        assert len(copied) == len(SOURCES) - len(HELD)

    qtbot.waitUntil(half_way, timeout=300_000)
    process = engine._process  # type: ignore[attr-defined]
    process.kill()  # SIGKILL: no shutdown, no last journal write
    # Wait on the exit code: the client's watcher thread reaps the child too, and a join racing
    # it can return while is_alive() still says True.
    qtbot.waitUntil(lambda: process.exitcode is not None, timeout=60_000)
    # What was in flight reaches the server after all; its answers go nowhere.
    held_deletes.release()
    held_copies.release()
    qtbot.waitUntil(lambda: held_copies.waiting == 0 and held_deletes.waiting == 0, timeout=60_000)
    copied_and_unchanged(moto_store, moto_bucket)
    first.window.close()
    first.shutdown()

    again = build_window()  # the same settings folder, so the same journal
    open_account(again, account)
    dock = again.window.transfer_actions.dock  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: len(again.transfers.engine.transfers()) == len(SOURCES), timeout=30_000)
    restored = again.transfers.engine.transfers()
    assert {t.state for t in restored} <= {TransferState.PAUSED, TransferState.DONE}
    assert TransferState.PAUSED in {t.state for t in restored}
    resume_all = dock.findChild(QAction, "resumeAll")
    assert resume_all is not None
    qtbot.waitUntil(resume_all.isEnabled, timeout=10_000)
    resume_all.trigger()  # Transfers panel → Resume All
    wait_all_finished(qtbot, again, len(SOURCES), timeout_s=300)

    finished = again.transfers.engine.transfers()
    assert {t.state for t in finished} == {TransferState.DONE}, [(t.key, t.state, t.error) for t in finished]
    assert all("compared" in t.verified for t in finished)  # each copy checked against its source
    expected = {target(k): body for k, body in SOURCES.items()} | {"archive/readme.txt": b"already here"}
    assert keys_in(moto_store, moto_bucket) == set(expected)  # each once, no source left, no extra copy
    assert bodies(moto_store, moto_bucket, expected) == expected
    # No source was ever sent for deletion before a copy request for its target.
    requests = fault_proxy.requests
    for index, request in enumerate(requests):
        if Match.delete_objects(moto_bucket).matches(request):
            for key in deleted_in(request):
                assert any(copy_of(moto_bucket, [key]).matches(r) for r in requests[:index]), key
