"""What a restart brings back: the bytes each unfinished transfer really has, and old journals."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from spacesgui.adapters.journal import SqliteJournal
from spacesgui.core.transfers import Direction, PartRecord, Transfer, TransferState
from tests.integration.test_journal import reopened

MiB = 1024 * 1024
SCHEMA_5 = ("restat", "run_started", "run_ended", "run_bytes")


def test_an_unfinished_transfer_comes_back_with_the_bytes_of_its_recorded_parts(tmp_path: Path) -> None:
    path = str(tmp_path / "j.sqlite3")
    journal = SqliteJournal(path)
    running = Transfer(Direction.UPLOAD, "a", "b", "big.bin", "/tmp/big.bin", 20 * MiB, upload_id="u")
    finished = Transfer(Direction.UPLOAD, "a", "b", "done.bin", "/tmp/done.bin", 10 * MiB)
    running.state, running.bytes_done = TransferState.RUNNING, 13 * MiB  # 3 MiB of it were in flight
    finished.state, finished.bytes_done = TransferState.DONE, 10 * MiB
    journal.add([], [running, finished])
    journal.add_part(running.id, PartRecord(1, 0, 5 * MiB, "e1"))
    journal.add_part(running.id, PartRecord(3, 10 * MiB, 5 * MiB, "e3"))
    journal.close()

    _, transfers = reopened(path)
    by_key = {t.key: t for t in transfers}
    assert (by_key["big.bin"].state, by_key["big.bin"].bytes_done) == (TransferState.PAUSED, 10 * MiB)
    assert (by_key["done.bin"].state, by_key["done.bin"].bytes_done) == (TransferState.DONE, 10 * MiB)


def test_a_journal_of_the_first_schema_opens_and_keeps_its_transfers(tmp_path: Path) -> None:
    path = str(tmp_path / "old.sqlite3")
    new = SqliteJournal(path)  # write one row, then turn the file back into schema 1
    new.add([], [Transfer(Direction.UPLOAD, "a", "b", "k.txt", "/tmp/k.txt", 3, account_ref="K@http://x")])
    new.close()
    raw = sqlite3.connect(path)
    later = (
        "account_ref",
        "source_bucket",
        "source_key",
        "source_account_id",
        "phase",
        "waits_for",
        "metadata",
        *SCHEMA_5,
    )
    columns = [r[1] for r in raw.execute("PRAGMA table_info(transfers)") if r[1] not in later]
    created = raw.execute("SELECT sql FROM sqlite_master WHERE name = 'transfers'").fetchone()[0]
    schema_1 = created
    for column in later:
        schema_1 = re.sub(rf",\n    {column} [^,\n]*", "", schema_1)
    assert not any(column in schema_1 for column in later)
    names = ", ".join(columns)
    raw.executescript(
        f"ALTER TABLE transfers RENAME TO t2; {schema_1}; INSERT INTO transfers SELECT {names} FROM t2; "
        "DROP TABLE t2; PRAGMA user_version = 1;"
    )
    raw.close()

    _, transfers = reopened(path)
    assert [(t.key, t.account_ref) for t in transfers] == [("k.txt", "")]
    again = SqliteJournal(path)
    again.add([], [Transfer(Direction.UPLOAD, "a", "b", "n.txt", "/tmp/n.txt", 1, account_ref="K@http://x")])
    again.close()
    _, transfers = reopened(path)
    assert [(t.key, t.account_ref) for t in transfers] == [("k.txt", ""), ("n.txt", "K@http://x")]


def test_a_journal_of_schema_3_gains_the_metadata_column(tmp_path: Path) -> None:
    path = str(tmp_path / "three.sqlite3")
    new = SqliteJournal(path)
    new.add([], [Transfer(Direction.UPLOAD, "a", "b", "k.txt", "/tmp/k.txt", 3)])
    new.close()
    raw = sqlite3.connect(path)
    dropped = ("metadata", *SCHEMA_5)
    raw.executescript(
        "".join(f"ALTER TABLE transfers DROP COLUMN {c};" for c in dropped) + "PRAGMA user_version = 3;"
    )
    raw.close()

    again = SqliteJournal(path)
    kept = Transfer(Direction.UPLOAD, "a", "b", "n.txt", "/tmp/n.txt", 1, metadata={"owner": "ana"})
    again.add([], [kept])
    again.close()
    _, transfers = reopened(path)
    assert [(t.key, t.metadata) for t in transfers] == [("k.txt", {}), ("n.txt", {"owner": "ana"})]


def test_a_journal_of_schema_4_gains_a_retrys_mark_and_the_speed_of_finished_rows(tmp_path: Path) -> None:
    path = str(tmp_path / "four.sqlite3")
    new = SqliteJournal(path)
    new.add([], [Transfer(Direction.UPLOAD, "a", "b", "k.txt", "/tmp/k.txt", 3)])
    new.close()
    raw = sqlite3.connect(path)
    raw.executescript(
        "".join(f"ALTER TABLE transfers DROP COLUMN {c};" for c in SCHEMA_5) + "PRAGMA user_version = 4;"
    )
    raw.close()

    again = SqliteJournal(path)
    kept = Transfer(Direction.UPLOAD, "a", "b", "n.txt", "/tmp/n.txt", 1, restat=True, run_started=10.0,
                    run_ended=12.5, run_bytes=1)  # fmt: skip
    again.add([], [kept])
    again.close()
    _, transfers = reopened(path)
    assert [(t.key, t.restat, t.run_started, t.run_ended, t.run_bytes) for t in transfers] == [
        ("k.txt", False, 0.0, 0.0, 0),
        ("n.txt", True, 10.0, 12.5, 1),
    ]
    assert type(transfers[1].restat) is bool


def test_a_row_with_unreadable_metadata_is_skipped_not_fatal(tmp_path: Path) -> None:
    path = str(tmp_path / "bad.sqlite3")
    journal = SqliteJournal(path)
    journal.add([], [Transfer(Direction.UPLOAD, "a", "b", k, f"/tmp/{k}", 1) for k in ("good", "bad")])
    journal.close()
    raw = sqlite3.connect(path)
    raw.execute("UPDATE transfers SET metadata = '[1, 2' WHERE key = 'bad'")
    raw.commit()
    raw.close()
    _, transfers = reopened(path)
    assert [t.key for t in transfers] == ["good"]
