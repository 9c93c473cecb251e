"""The activity record's SQLite file: entries kept in order across opens, a broken file set aside."""

from __future__ import annotations

from pathlib import Path

from spacesgui.adapters.activity_log import SqliteActivityLog
from spacesgui.core.activity import ActivityAction, ActivityEntry, ActivityResult


def entry(n: int, result: ActivityResult = ActivityResult.OK) -> ActivityEntry:
    return ActivityEntry(1000.0 + n, "Work", "photos", f"k{n}", ActivityAction.UPLOAD, result, f"m{n}")


def test_entries_come_back_oldest_first_after_the_file_is_reopened(tmp_path: Path) -> None:
    path = tmp_path / "data" / "activity.sqlite3"
    log = SqliteActivityLog(path)
    log.add([entry(2), entry(1, ActivityResult.FAILED)])
    log.add([entry(3)])
    log.close()
    again = SqliteActivityLog(path)
    assert again.recent(10) == [entry(1, ActivityResult.FAILED), entry(2), entry(3)]
    assert again.recent(2) == [entry(2), entry(3)]  # the newest two
    assert again.notice == ""
    again.close()


def test_a_file_that_is_not_a_database_is_set_aside_and_a_new_record_started(tmp_path: Path) -> None:
    path = tmp_path / "activity.sqlite3"
    path.write_bytes(b"this is not SQLite" * 100)
    log = SqliteActivityLog(path)
    assert "could not be read" in log.notice
    assert [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    log.add([entry(1)])
    assert log.recent(5) == [entry(1)]
    log.close()


def test_opening_the_file_keeps_only_the_newest_entries(tmp_path: Path) -> None:
    path = tmp_path / "activity.sqlite3"
    log = SqliteActivityLog(path)
    log.add([entry(n) for n in range(10)])
    log.close()
    again = SqliteActivityLog(path, keep=3)
    assert again.recent(100) == [entry(7), entry(8), entry(9)]
    again.close()
