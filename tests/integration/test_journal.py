"""The SQLite transfer journal keeps what the engine records, across restarts and bad files."""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from spacesgui.adapters.journal import SqliteJournal, default_journal_path
from spacesgui.core.transfers import Direction, PartRecord, Transfer, TransferGroup, TransferState


@pytest.fixture
def journal_path(tmp_path: Path) -> str:
    return str(tmp_path / "journal" / "transfers.sqlite3")


@pytest.fixture
def journal(journal_path: str) -> Iterator[SqliteJournal]:
    opened = SqliteJournal(journal_path)
    yield opened
    opened.close()


def reopened(path: str) -> tuple[list[TransferGroup], list[Transfer]]:
    again = SqliteJournal(path)
    try:
        return again.load()
    finally:
        again.close()


def a_transfer(n: int = 0, **changes: object) -> Transfer:
    transfer = Transfer(Direction.UPLOAD, "acct", "bucket", f"k/{n}.txt", f"/tmp/up/{n}.txt", n)
    return dataclasses.replace(transfer, **changes)  # type: ignore[arg-type]


# Transient fields that only live while the app runs: a flag, and the timing of the run
# that finished a transfer (a finished row restored after a restart shows no speed).
NOT_JOURNALED = {"restat", "run_started", "run_ended", "run_bytes"}


def every_field_set() -> tuple[TransferGroup, Transfer]:
    group = TransferGroup(
        Direction.DOWNLOAD, "photos", "acct-1", "space-1", "photos/", "/home/someone/Downloads",
        id="group-1", created=1_700_000_000.25,
    )  # fmt: skip
    transfer = Transfer(
        direction=Direction.DOWNLOAD, account_id="acct-1", bucket="space-1", key="photos/été.jpg",
        local_path="/home/someone/Downloads/photos/été.jpg", size=123_456_789_012,
        group_id="group-1", state=TransferState.FAILED, bytes_done=42, error="“été.jpg” no longer exists.",
        local_mtime_ns=1_700_000_000_123_456_789, content_type="image/jpeg", acl="public-read",
        cache_control="max-age=60", upload_id="upload-xyz", part_size=8 * 1024 * 1024,
        remote_etag="abc-3", remote_mtime=1_699_999_999.5, verified="part MD5s", id="transfer-1",
        account_ref="DO00KEY@https://nyc3.digitaloceanspaces.com", source_bucket="from-space",
        source_key="old/été.jpg", source_account_id="acct-0", phase="copied", waits_for="group-0",
        metadata={"owner": "ana", "note": "été ✓"}, created=1_700_000_001.75,
    )  # fmt: skip
    return group, transfer


def test_every_field_of_groups_and_transfers_survives_a_restart(journal_path: str) -> None:
    group, transfer = every_field_set()
    # A field added to Transfer later must be set here too, or this test proves nothing about it.
    defaults = a_transfer()
    for f in dataclasses.fields(Transfer):
        if f.name in NOT_JOURNALED:
            continue
        assert getattr(transfer, f.name) != getattr(defaults, f.name), f"set {f.name} in every_field_set"
    journal = SqliteJournal(journal_path)
    journal.add([group], [transfer])
    journal.close()

    groups, transfers = reopened(journal_path)

    assert groups == [group]
    assert transfers == [transfer]
    assert type(transfers[0].direction) is Direction
    assert type(transfers[0].state) is TransferState


def test_enums_are_stored_as_their_plain_values(journal: SqliteJournal, journal_path: str) -> None:
    group, transfer = every_field_set()
    journal.add([group], [transfer])

    raw = sqlite3.connect(journal_path)
    try:
        assert raw.execute("SELECT direction, state FROM transfers").fetchone() == ("download", "failed")
        assert raw.execute("SELECT direction FROM groups").fetchone() == ("download",)
    finally:
        raw.close()


def test_every_add_is_committed_before_it_returns(journal: SqliteJournal, journal_path: str) -> None:
    journal.add([], [a_transfer(1)])

    _, transfers = reopened(journal_path)  # a second connection, while the first stays open

    assert [t.key for t in transfers] == ["k/1.txt"]


def test_update_writes_the_fields_the_engine_changes(journal: SqliteJournal, journal_path: str) -> None:
    transfer = a_transfer(1, state=TransferState.RUNNING)
    journal.add([], [transfer])
    changed = dataclasses.replace(
        transfer, state=TransferState.DONE, bytes_done=1, error="oops", upload_id="u", part_size=5,
        remote_etag="e", remote_mtime=2.5, verified="MD5", local_path="/tmp/other.txt", key="k/other.txt",
        size=9, local_mtime_ns=77, content_type="text/plain",
    )  # fmt: skip

    journal.update([changed])

    assert reopened(journal_path)[1] == [changed]


def test_queued_and_running_transfers_come_back_paused(journal: SqliteJournal) -> None:
    states = list(TransferState)
    journal.add([], [a_transfer(n, state=state, created=float(n)) for n, state in enumerate(states)])

    _, transfers = journal.load()

    expected = [TransferState.PAUSED if s.active else s for s in states]
    assert [t.state for t in transfers] == expected


def test_load_orders_by_creation_time_then_by_insertion(journal: SqliteJournal) -> None:
    journal.add([], [a_transfer(1, created=20.0), a_transfer(2, created=10.0), a_transfer(3, created=20.0)])
    journal.add([], [a_transfer(4, created=10.0)])

    _, transfers = journal.load()

    assert [t.size for t in transfers] == [2, 4, 1, 3]


def test_adding_a_transfer_again_replaces_it_in_place(journal: SqliteJournal) -> None:
    first, second = a_transfer(1, created=1.0), a_transfer(2, created=1.0)
    journal.add([], [first, second])

    journal.add([], [dataclasses.replace(first, error="again")])

    _, transfers = journal.load()
    assert [(t.size, t.error) for t in transfers] == [(1, "again"), (2, "")]


def test_parts_come_back_ordered_by_number_and_a_repeat_replaces(journal: SqliteJournal) -> None:
    for number in (3, 1, 2):
        journal.add_part("t1", PartRecord(number, (number - 1) * 10, 10, f"etag-{number}"))
    journal.add_part("t1", PartRecord(2, 10, 10, "etag-2-again"))
    journal.add_part("t2", PartRecord(1, 0, 5, "other"))

    assert journal.parts("t1") == [
        PartRecord(1, 0, 10, "etag-1"),
        PartRecord(2, 10, 10, "etag-2-again"),
        PartRecord(3, 20, 10, "etag-3"),
    ]
    assert journal.parts("unknown") == []


def test_clear_parts_forgets_only_that_transfers_parts(journal: SqliteJournal) -> None:
    journal.add_part("t1", PartRecord(1, 0, 10, "a"))
    journal.add_part("t2", PartRecord(1, 0, 10, "b"))

    journal.clear_parts("t1")

    assert journal.parts("t1") == []
    assert journal.parts("t2") == [PartRecord(1, 0, 10, "b")]


def test_remove_deletes_the_transfers_their_parts_and_the_groups(journal: SqliteJournal) -> None:
    keep_group, drop_group = (
        TransferGroup(Direction.UPLOAD, "a", "x", "b", "", "/"),
        TransferGroup(Direction.UPLOAD, "b", "x", "b", "", "/"),
    )
    keep, drop = a_transfer(1, group_id=keep_group.id), a_transfer(2, group_id=drop_group.id)
    journal.add([keep_group, drop_group], [keep, drop])
    journal.add_part(keep.id, PartRecord(1, 0, 1, "k"))
    journal.add_part(drop.id, PartRecord(1, 0, 1, "d"))

    journal.remove([drop.id], [drop_group.id])

    groups, transfers = journal.load()
    assert [g.id for g in groups] == [keep_group.id]
    assert [t.id for t in transfers] == [keep.id]
    assert journal.parts(drop.id) == []
    assert journal.parts(keep.id) == [PartRecord(1, 0, 1, "k")]


def test_parts_recorded_from_eight_threads_are_all_kept(journal: SqliteJournal) -> None:
    def record(worker: int) -> None:
        for n in range(50):
            journal.add_part(f"t{worker}", PartRecord(n + 1, n * 100, 100, f"{worker}-{n}"))

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(record, range(8)))

    for worker in range(8):
        assert [p.number for p in journal.parts(f"t{worker}")] == list(range(1, 51))


def test_ten_thousand_transfers_are_added_in_one_transaction_and_all_load_back(
    journal: SqliteJournal,
) -> None:
    group = TransferGroup(Direction.UPLOAD, "big", "acct", "bucket", "big/", "/tmp")
    transfers = [a_transfer(n, group_id=group.id) for n in range(10_000)]
    statements: list[str] = []
    journal._db.set_trace_callback(statements.append)  # what SQLite is asked to run

    journal.add([group], transfers)

    journal._db.set_trace_callback(None)
    assert [s for s in statements if s.upper().startswith(("BEGIN", "COMMIT"))] == [
        "BEGIN IMMEDIATE",
        "COMMIT",
    ]
    _, loaded = journal.load()
    assert [t.id for t in loaded] == [t.id for t in transfers]


def test_a_garbage_file_is_moved_aside_and_the_journal_starts_empty(
    journal_path: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = Path(journal_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database\x00\xff" * 200)

    with caplog.at_level(logging.WARNING, logger="spacesgui.adapters.journal"):
        journal = SqliteJournal(journal_path)
    try:
        assert journal.load() == ([], [])
        journal.add([], [a_transfer(1)])
        assert "could not be read" in journal.notice
    finally:
        journal.close()

    aside = list(path.parent.glob("transfers.sqlite3.corrupt-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes().startswith(b"this is not a database")
    assert "unreadable" in caplog.text
    assert [t.key for t in reopened(journal_path)[1]] == ["k/1.txt"]


def test_a_journal_from_a_newer_version_is_set_aside_not_misread(journal_path: str) -> None:
    SqliteJournal(journal_path).close()
    raw = sqlite3.connect(journal_path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()

    journal = SqliteJournal(journal_path)
    journal.close()

    assert list(Path(journal_path).parent.glob("*.corrupt-*"))


def test_an_unusable_folder_falls_back_to_memory(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("in the way")

    journal = SqliteJournal(str(tmp_path / "a-file" / "transfers.sqlite3"))
    try:
        journal.add([], [a_transfer(1)])
        assert len(journal.load()[1]) == 1
        assert "will not be remembered" in journal.notice
    finally:
        journal.close()


def test_an_in_memory_journal_works_for_tests() -> None:
    journal = SqliteJournal(":memory:")
    try:
        journal.add([], [a_transfer(1)])
        assert len(journal.load()[1]) == 1
        assert journal.notice == ""
    finally:
        journal.close()


def test_the_default_path_is_a_sqlite_file_in_the_user_data_folder() -> None:
    assert Path(default_journal_path()).name == "transfers.sqlite3"
    assert "spacesgui" in default_journal_path()
