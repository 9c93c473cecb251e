"""The activity record as data: what the app changed, where, when, and how it went.

Pure values and rules: an entry, the actions and results it names, how a message is made
safe to keep (no secret ever goes in), how a filter matches, and the CSV a user exports.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from spacesgui.core.conflicts import counter_base, split_name
from spacesgui.core.transfers import Direction, Transfer, TransferState


class ActivityAction(StrEnum):
    """Every kind of change the app records; the value is what the table and the CSV show."""

    CREATE_SPACE = "Create Space"
    DELETE_SPACE = "Delete Space"
    UPLOAD = "Upload"
    DOWNLOAD = "Download"
    DELETE = "Delete"
    RENAME = "Rename"
    MOVE = "Move"
    COPY = "Copy"
    NEW_FOLDER = "New folder"
    METADATA = "Edit properties"
    ACL = "Permissions"
    CORS_APPLY = "CORS apply"
    CORS_DELETE = "CORS delete"
    POLICY = "Policy"
    LIFECYCLE = "Lifecycle"
    VERSIONING = "Versioning"
    LOGGING = "Logging"
    ABORT_UPLOAD = "Abort upload"
    RESTORE_VERSION = "Restore version"
    DELETE_VERSION = "Delete version"
    API_TOKEN = "API token"
    CREATE_KEY = "Create key"
    RENAME_KEY = "Rename key"
    DELETE_KEY = "Delete key"
    CDN = "CDN"
    ADD_ACCOUNT = "Add account"
    EDIT_ACCOUNT = "Edit account"
    REMOVE_ACCOUNT = "Remove account"


class ActivityResult(StrEnum):
    OK = "ok"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class ActivityEntry:
    """One change the app made (or tried to make)."""

    time: float  # POSIX timestamp
    account: str  # the account's name as the user sees it
    space: str  # "" for account changes
    target: str  # a key, a folder, a local path, or the Space itself
    action: ActivityAction
    result: ActivityResult
    message: str = ""  # why it failed, or a detail ("3 rules", "Enabled"); redacted

    @property
    def ok(self) -> bool:
        return self.result == ActivityResult.OK


def transfer_action(t: Transfer) -> ActivityAction:
    """What a finished transfer did, in the record's words (a move within a folder is a rename)."""
    if t.direction == Direction.MOVE:
        same_place = (t.source_account_id in ("", t.account_id)) and t.source_bucket == t.bucket
        if same_place and _folder(t.source_key) == _folder(t.key):
            return ActivityAction.RENAME
        return ActivityAction.MOVE
    return {
        Direction.UPLOAD: ActivityAction.UPLOAD,
        Direction.DOWNLOAD: ActivityAction.DOWNLOAD,
        Direction.COPY: ActivityAction.COPY,
        Direction.DELETE: ActivityAction.DELETE,
        Direction.ACCESS: ActivityAction.ACL,
    }[t.direction]


def _folder(key: str) -> str:
    return key.rstrip("/").rpartition("/")[0]


_RESULTS = {
    TransferState.DONE: ActivityResult.OK,
    TransferState.FAILED: ActivityResult.FAILED,
    TransferState.CANCELLED: ActivityResult.CANCELLED,
}


def transfer_result(t: Transfer) -> ActivityResult | None:
    """The result a transfer ended with; None while it runs (and for skipped files: nothing changed)."""
    return _RESULTS.get(t.state)


def transfer_target(t: Transfer) -> str:
    """What the row names: the key (and where it came from or went to)."""
    if t.direction == Direction.DOWNLOAD:
        return f"{t.key} → {t.local_path}"
    if t.direction == Direction.UPLOAD:
        return t.key
    if t.direction in (Direction.COPY, Direction.MOVE):
        source = t.source_key if t.source_bucket == t.bucket else f"{t.source_bucket}/{t.source_key}"
        return f"{source} → {t.key}"
    return t.key


def transfer_message(t: Transfer) -> str:
    if t.state == TransferState.FAILED:
        return t.error or "failed"
    if t.direction == Direction.ACCESS:
        return f"made {t.acl}"
    said = [f"verified: {t.verified}"] if t.verified else []
    taken = kept_both_of(t) if t.state == TransferState.DONE else ""
    if taken:  # why "photo (1).jpg" and not the name the file has
        said.append(f"kept both: “{taken}” was there already")
    return "; ".join(said)


def kept_both_of(t: Transfer) -> str:
    """The name an upload was renamed away from by Keep Both ("" when it kept its own).

    Told from the names alone: the key's last segment is the local file's name with a
    counter ("photo (1).jpg" for "photo.jpg"), as Keep Both makes it.
    """
    if t.direction != Direction.UPLOAD:
        return ""
    name = re.split(r"[\\/]", t.local_path)[-1]
    last = t.key.rstrip("/").rpartition("/")[2]
    stem, ext = split_name(name)
    kept_stem, kept_ext = split_name(last)
    # Keep Both adds a counter, counting on from one the name had: "photo (1).jpg" goes up
    # as "photo (2).jpg".
    base = counter_base(kept_stem)
    kept = kept_ext == ext and base != kept_stem and base == counter_base(stem) and kept_stem != stem
    return name if kept else ""


@dataclass(frozen=True, slots=True)
class ActivityFilter:
    """What the window shows: a text to find, and one account, action and result (None: any)."""

    text: str = ""
    account: str | None = None
    action: ActivityAction | None = None
    result: ActivityResult | None = None

    def matches(self, entry: ActivityEntry) -> bool:
        if self.account is not None and entry.account != self.account:
            return False
        if self.action is not None and entry.action != self.action:
            return False
        if self.result is not None and entry.result != self.result:
            return False
        needle = self.text.strip().casefold()
        if not needle:
            return True
        haystack = " ".join(
            (entry.account, entry.space, entry.target, entry.action.value, entry.result.value, entry.message)
        )
        return needle in haystack.casefold()


CSV_HEADER = ("Time (UTC)", "Account", "Space", "Target", "Action", "Result", "Message")


def iso_time(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def local_time(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp))


def to_csv(entries: Iterable[ActivityEntry]) -> str:
    """The entries as CSV text (RFC 4180 quoting, a header row, UTC times)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for e in entries:
        writer.writerow(
            (iso_time(e.time), e.account, e.space, e.target, e.action.value, e.result.value, e.message)
        )
    return out.getvalue()
