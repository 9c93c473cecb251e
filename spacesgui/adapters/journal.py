"""The transfer journal: planned transfers and finished parts in a small SQLite file.

Durability: WAL mode with synchronous=NORMAL. Every write is committed before the call
returns, so an app crash or kill right after loses nothing; a power cut (or an OS crash)
may roll back the last few commits, which costs at most a few re-sent parts.

A database that cannot be opened or fails its integrity check is moved aside to
`<name>.corrupt-<timestamp>` and the journal starts empty; when even that is impossible
the journal lives in memory for this session. Either way `notice` says so in words.
"""

from __future__ import annotations

import json
import logging
import operator
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from spacesgui.adapters.settings import APP_NAME
from spacesgui.core.errors import DiskFull, LocalWriteFailed
from spacesgui.core.transfers import Direction, PartRecord, Transfer, TransferGroup, TransferState

log = logging.getLogger(__name__)

_T = TypeVar("_T")

MEMORY = ":memory:"
SCHEMA_VERSION = 5
BUSY_TIMEOUT_S = 5.0

# SQLite result codes (sqlite3.Error.sqlite_errorcode holds the extended code).
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_FULL = 13

_GROUP_COLUMNS = ("id", "direction", "name", "account_id", "bucket", "prefix", "local_root", "created")
_TRANSFER_COLUMNS = (
    "id", "group_id", "direction", "account_id", "bucket", "key", "local_path", "size", "state",
    "bytes_done", "error", "local_mtime_ns", "content_type", "acl", "cache_control", "upload_id",
    "part_size", "remote_etag", "remote_mtime", "verified", "created", "account_ref",
    "source_bucket", "source_key", "source_account_id", "phase", "waits_for", "metadata",
    "restat", "run_started", "run_ended", "run_bytes",
)  # fmt: skip
# Columns added to `transfers` after schema 1: entry N holds those schema N+1 added, so a
# file of schema V needs the entries from V on.
_ADDED_COLUMNS: tuple[tuple[str, ...], ...] = (
    (),
    ("account_ref",),  # 2: transfers name their account's keys and endpoint
    ("source_bucket", "source_key", "source_account_id", "phase", "waits_for"),  # 3: copies, moves, deletes
    ("metadata",),  # 4: uploads that replace an object keep its user metadata (JSON text)
    # 5: a Retry survives a quit before it starts (it failed again with the same words), and
    # a finished row keeps its average speed across a restart.
    ("restat", "run_started", "run_ended", "run_bytes"),
)
# How an added column is declared (the others are text).
_ADDED_TYPES = {
    "restat": "INTEGER NOT NULL DEFAULT 0",
    "run_started": "REAL NOT NULL DEFAULT 0",
    "run_ended": "REAL NOT NULL DEFAULT 0",
    "run_bytes": "INTEGER NOT NULL DEFAULT 0",
}
# What `update` writes: everything the engine may change after planning.
_MUTABLE_COLUMNS = (
    "state", "bytes_done", "error", "upload_id", "part_size", "remote_etag", "remote_mtime",
    "verified", "local_path", "key", "size", "local_mtime_ns", "content_type", "account_id", "phase",
    "restat", "run_started", "run_ended", "run_bytes",
)  # fmt: skip

_SCHEMA = """
CREATE TABLE IF NOT EXISTS groups (
    id TEXT PRIMARY KEY NOT NULL,
    direction TEXT NOT NULL,
    name TEXT NOT NULL,
    account_id TEXT NOT NULL,
    bucket TEXT NOT NULL,
    prefix TEXT NOT NULL,
    local_root TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS transfers (
    id TEXT PRIMARY KEY NOT NULL,
    group_id TEXT NOT NULL,
    direction TEXT NOT NULL,
    account_id TEXT NOT NULL,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    local_path TEXT NOT NULL,
    size INTEGER NOT NULL,
    state TEXT NOT NULL,
    bytes_done INTEGER NOT NULL,
    error TEXT NOT NULL,
    local_mtime_ns INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    acl TEXT NOT NULL,
    cache_control TEXT NOT NULL,
    upload_id TEXT NOT NULL,
    part_size INTEGER NOT NULL,
    remote_etag TEXT NOT NULL,
    remote_mtime REAL NOT NULL,
    verified TEXT NOT NULL,
    created REAL NOT NULL,
    account_ref TEXT NOT NULL DEFAULT '',
    source_bucket TEXT NOT NULL DEFAULT '',
    source_key TEXT NOT NULL DEFAULT '',
    source_account_id TEXT NOT NULL DEFAULT '',
    phase TEXT NOT NULL DEFAULT '',
    waits_for TEXT NOT NULL DEFAULT '',
    metadata TEXT NOT NULL DEFAULT '',
    restat INTEGER NOT NULL DEFAULT 0,
    run_started REAL NOT NULL DEFAULT 0,
    run_ended REAL NOT NULL DEFAULT 0,
    run_bytes INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS parts (
    transfer_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    offset INTEGER NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    PRIMARY KEY (transfer_id, number)
) WITHOUT ROWID;
"""


def default_journal_path() -> str:
    return str(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "transfers.sqlite3")


def _upsert(table: str, columns: Sequence[str]) -> str:
    # An upsert, not INSERT OR REPLACE: the row keeps its rowid, so load order stays put.
    names = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
    return f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT(id) DO UPDATE SET {updates}"


_INSERT_GROUP = _upsert("groups", _GROUP_COLUMNS)
_INSERT_TRANSFER = _upsert("transfers", _TRANSFER_COLUMNS)
_UPDATE_TRANSFER = f"UPDATE transfers SET {', '.join(f'{c} = ?' for c in _MUTABLE_COLUMNS)} WHERE id = ?"


def _row_maker(columns: Sequence[str]) -> Callable[[Any], tuple[Any, ...]]:
    """A fast item -> row function (attrgetter: 10,000 rows in a few milliseconds)."""
    get = operator.attrgetter(*columns)
    enums = [i for i, c in enumerate(columns) if c in ("direction", "state")]
    dicts = [i for i, c in enumerate(columns) if c == "metadata"]

    def row(item: Any) -> tuple[Any, ...]:
        values = list(get(item))
        for i in enums:
            values[i] = values[i].value  # store the plain text, never a str subclass
        for i in dicts:
            values[i] = json.dumps(values[i], sort_keys=True) if values[i] else ""
        return tuple(values)

    return row


_group_row = _row_maker(_GROUP_COLUMNS)
_transfer_row = _row_maker(_TRANSFER_COLUMNS)
_mutable_row = _row_maker(_MUTABLE_COLUMNS)


def _group_of(row: tuple[Any, ...]) -> TransferGroup:
    values = dict(zip(_GROUP_COLUMNS, row, strict=True))
    values["direction"] = Direction(values["direction"])
    return TransferGroup(**values)


def _transfer_of(row: tuple[Any, ...], stored: dict[str, int]) -> Transfer:
    values = dict(zip(_TRANSFER_COLUMNS, row, strict=True))
    values["direction"] = Direction(values["direction"])
    values["metadata"] = _metadata_of(values["metadata"])
    values["restat"] = bool(values["restat"])
    state = values["state"] = TransferState(values["state"])
    if state.active or state == TransferState.PAUSED:
        # After a restart nothing runs by itself: the user resumes. What it has is what
        # its recorded parts hold (bytes in flight when it stopped are sent again).
        values["state"] = TransferState.PAUSED
        values["bytes_done"] = min(values["size"], stored.get(values["id"], 0))
    return Transfer(**values)


def _metadata_of(text: str) -> dict[str, str]:
    """The metadata column as a dict ("" = none); raises ValueError when it is not a JSON object."""
    if not text:
        return {}
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError(f"metadata is not an object: {text[:40]!r}")
    return {str(k): str(v) for k, v in value.items()}


def _write_error(exc: sqlite3.Error, name: str) -> LocalWriteFailed | DiskFull:
    if getattr(exc, "sqlite_errorcode", 0) & 0xFF == _SQLITE_FULL:
        return DiskFull(
            f"The disk holding the transfer list “{name}” is full. Free some space, then resume.",
            detail=str(exc),
        )
    return LocalWriteFailed(f"Could not record transfers in “{name}”: {exc}.", detail=str(exc))


class SqliteJournal:
    """TransferJournal on SQLite. Thread-safe: one connection, guarded by a lock.

    Any thread may call any method. Write failures raise core DiskFull or LocalWriteFailed.
    """

    def __init__(self, path: str | None = None) -> None:
        self.path = default_journal_path() if path is None else path
        self.notice = ""  # for people: why the journal started empty, or is not saved
        self._lock = threading.Lock()
        self._name = os.path.basename(self.path) if self.path != MEMORY else "memory"
        self._db = self._open()

    # -- opening -------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        if self.path == MEMORY:
            return self._connect(MEMORY)
        try:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            return self._connect(self.path)
        except (sqlite3.Error, OSError) as exc:
            return self._recover(exc)

    def _recover(self, exc: sqlite3.Error | OSError) -> sqlite3.Connection:
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code in (_SQLITE_BUSY, _SQLITE_LOCKED) or not os.path.isfile(self.path):
            # Locked by another running copy of the app, or a folder we cannot create:
            # the file (if any) may be fine, so leave it alone.
            return self._in_memory(exc)
        aside = self._move_aside()
        if aside is None:
            return self._in_memory(exc)
        log.warning("transfer journal %s is unreadable (%s); moved it to %s", self._name, exc, aside)
        self.notice = (
            f"The saved transfer list could not be read, so it starts empty. "
            f"The old file was kept as “{os.path.basename(aside)}”."
        )
        try:
            return self._connect(self.path)
        except (sqlite3.Error, OSError) as again:
            return self._in_memory(again)

    def _in_memory(self, exc: sqlite3.Error | OSError) -> sqlite3.Connection:
        log.warning("transfer journal %s cannot be used (%s); keeping transfers in memory", self._name, exc)
        self.notice = (
            f"The transfer list “{self._name}” cannot be opened ({exc}), so transfers started now "
            "will not be remembered after the app closes."
        )
        return self._connect(MEMORY)

    def _move_aside(self) -> str | None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = f"{self.path}.corrupt-{stamp}"
        n = 1
        while os.path.exists(aside):
            n += 1
            aside = f"{self.path}.corrupt-{stamp}-{n}"
        try:
            os.replace(self.path, aside)
        except OSError as exc:
            log.warning("could not move the unreadable journal %s aside: %s", self._name, exc)
            return None
        # A stale WAL belongs to the bad file; applied to a fresh one it could do harm.
        for suffix in ("-wal", "-shm"):
            if os.path.exists(self.path + suffix):
                try:
                    os.replace(self.path + suffix, aside + suffix)
                except OSError as exc:
                    log.warning("could not move %s%s aside: %s", self._name, suffix, exc)
        return aside

    def _connect(self, path: str) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            self._prepare(db)
        except BaseException:
            db.close()
            raise
        return db

    @staticmethod
    def _prepare(db: sqlite3.Connection) -> None:
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        db.execute("PRAGMA journal_mode = WAL")  # in-memory databases answer "memory"
        db.execute("PRAGMA synchronous = NORMAL")
        check = db.execute("PRAGMA quick_check").fetchone()
        if check is None or check[0] != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {check[0] if check else 'no answer'}")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"written by a newer version (schema {version})")
        if version < SCHEMA_VERSION:
            db.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            added = _ADDED_COLUMNS[version:] if version else ()  # a new file has them all already
            present = {row[1] for row in db.execute("PRAGMA table_info(transfers)")}
            for column in (c for columns in added for c in columns if c not in present):
                kind = _ADDED_TYPES.get(column, "TEXT NOT NULL DEFAULT ''")
                db.execute(f"ALTER TABLE transfers ADD COLUMN {column} {kind}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")

    # -- writing -------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.ProgrammingError:
                raise  # used after close(): a bug, not a disk problem
            except sqlite3.Error as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise _write_error(exc, self._name) from exc

    def add(self, groups: list[TransferGroup], transfers: list[Transfer]) -> None:
        with self._transaction() as db:
            db.executemany(_INSERT_GROUP, [_group_row(g) for g in groups])
            db.executemany(_INSERT_TRANSFER, [_transfer_row(t) for t in transfers])

    def update(self, transfers: list[Transfer]) -> None:
        rows = [(*_mutable_row(t), t.id) for t in transfers]
        with self._transaction() as db:
            db.executemany(_UPDATE_TRANSFER, rows)

    def add_part(self, transfer_id: str, part: PartRecord) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO parts (transfer_id, number, offset, size, etag) "
                "VALUES (?, ?, ?, ?, ?)",
                (transfer_id, part.number, part.offset, part.size, part.etag),
            )

    def clear_parts(self, transfer_id: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM parts WHERE transfer_id = ?", (transfer_id,))

    def remove(self, transfer_ids: list[str], group_ids: list[str]) -> None:
        ids = [(i,) for i in transfer_ids]
        with self._transaction() as db:
            db.executemany("DELETE FROM parts WHERE transfer_id = ?", ids)
            db.executemany("DELETE FROM transfers WHERE id = ?", ids)
            db.executemany("DELETE FROM groups WHERE id = ?", [(i,) for i in group_ids])

    # -- reading -------------------------------------------------------------------------

    def parts(self, transfer_id: str) -> list[PartRecord]:
        with self._lock:
            rows = self._db.execute(
                "SELECT number, offset, size, etag FROM parts WHERE transfer_id = ? ORDER BY number",
                (transfer_id,),
            ).fetchall()
        return [PartRecord(*row) for row in rows]

    def load(self) -> tuple[list[TransferGroup], list[Transfer]]:
        """Every group and transfer, oldest first; queued and running ones come back paused,
        with the bytes their recorded parts hold (a streamed download's .part file is the
        engine's to measure).

        The stored states are left as they are: the engine's next update writes the truth.
        """
        with self._lock:
            group_rows = self._db.execute(
                f"SELECT {', '.join(_GROUP_COLUMNS)} FROM groups ORDER BY created, rowid"
            ).fetchall()
            transfer_rows = self._db.execute(
                f"SELECT {', '.join(_TRANSFER_COLUMNS)} FROM transfers ORDER BY created, rowid"
            ).fetchall()
            stored = dict(
                self._db.execute("SELECT transfer_id, SUM(size) FROM parts GROUP BY transfer_id").fetchall()
            )
        return _parsed(group_rows, _group_of), _parsed(transfer_rows, lambda row: _transfer_of(row, stored))

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _parsed(rows: list[Any], parse: Callable[[Any], _T]) -> list[_T]:
    """Rows as values; a row this version cannot read (an unknown state, say) is skipped."""
    values = []
    for row in rows:
        try:
            values.append(parse(row))
        except (TypeError, ValueError) as exc:
            log.warning("skipping an unreadable journal row %r: %s", row[0], exc)
    return values
