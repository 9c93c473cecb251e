"""The activity record in a small SQLite file: one table, indexed by time.

A database that cannot be opened is moved aside (`<name>.corrupt-<timestamp>`) and a new
one started; when even that fails the record lives in memory for this session and
`notice` says so. Any thread, one at a time (a lock guards the connection).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from spacesgui.adapters.settings import APP_NAME
from spacesgui.core.activity import ActivityAction, ActivityEntry, ActivityResult

log = logging.getLogger(__name__)

MEMORY = ":memory:"
# The newest entries kept when the file is opened; older ones are dropped so the file
# stays small (about 200 bytes an entry: some 100 MB at most).
KEEP_ENTRIES = 500_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS activity (
    id INTEGER PRIMARY KEY,
    time REAL NOT NULL,
    account TEXT NOT NULL,
    space TEXT NOT NULL,
    target TEXT NOT NULL,
    action TEXT NOT NULL,
    result TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS activity_time ON activity (time);
"""
_INSERT = "INSERT INTO activity (time, account, space, target, action, result, message) VALUES (?, ?, ?, ?, ?, ?, ?)"
_RECENT = (
    "SELECT time, account, space, target, action, result, message FROM activity "
    "ORDER BY time DESC, id DESC LIMIT ?"
)


def default_activity_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "activity.sqlite3"


class SqliteActivityLog:
    """See the module docstring."""

    def __init__(self, path: Path | str | None = None, *, keep: int = KEEP_ENTRIES) -> None:
        self.path = str(path) if path is not None else str(default_activity_path())
        self.notice = ""
        self._lock = threading.Lock()
        self._db = self._open()
        try:
            self._db.execute("DELETE FROM activity WHERE id <= (SELECT max(id) FROM activity) - ?", (keep,))
        except sqlite3.Error as error:
            log.warning("old activity entries not dropped: %s", error)

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect(self.path)
        except sqlite3.Error as error:
            log.warning("activity record %s could not be opened: %s", self.path, error)
        if self.path != MEMORY:
            aside = f"{self.path}.corrupt-{int(time.time())}"
            try:
                Path(self.path).rename(aside)
                self.notice = (
                    f"The activity record could not be read; it was kept as {aside} and a new one started."
                )
                return self._connect(self.path)
            except (OSError, sqlite3.Error) as error:
                log.warning("activity record kept in memory: %s", error)
        self.notice = "The activity record cannot be saved this time: it is kept until the app quits."
        return self._connect(MEMORY)

    @staticmethod
    def _connect(path: str) -> sqlite3.Connection:
        if path != MEMORY:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            db.execute("SELECT count(*) FROM activity").fetchone()
        except sqlite3.Error:
            db.close()
            raise
        return db

    def add(self, entries: Sequence[ActivityEntry]) -> None:
        rows = [
            (e.time, e.account, e.space, e.target, e.action.value, e.result.value, e.message) for e in entries
        ]
        with self._lock:
            try:
                with self._db:
                    self._db.execute("BEGIN")
                    self._db.executemany(_INSERT, rows)
            except sqlite3.Error as error:  # a full disk must not stop the app: say so in the log
                log.error("could not write %d activity entries: %s", len(rows), error)

    def recent(self, limit: int) -> list[ActivityEntry]:
        with self._lock:
            rows = self._db.execute(_RECENT, (limit,)).fetchall()
        entries = []
        for row in reversed(rows):
            try:
                action, result = ActivityAction(row[4]), ActivityResult(row[5])
            except ValueError:  # written by a newer version: skip rather than fail the window
                continue
            entries.append(ActivityEntry(row[0], row[1], row[2], row[3], action, result, row[6]))
        return entries

    def close(self) -> None:
        with self._lock:
            self._db.close()
