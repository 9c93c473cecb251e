"""The words the transfer queue shows: names, a file's or a folder's status, sizes, speeds, percentages."""

from __future__ import annotations

from collections import Counter

from spacesgui.core.formatting import human_count, human_size
from spacesgui.core.keys import parent
from spacesgui.core.throughput import human_rate
from spacesgui.core.transfers import PUBLIC_READ, Direction, Transfer, TransferGroup, TransferState

State = TransferState


def percent(done: int, total: int, finished: bool = False) -> int:
    """Whole percent of `done` in `total`, 0..100 (a finished empty file is 100)."""
    if total <= 0:
        return 100 if finished else 0
    return max(0, min(100, done * 100 // total))


# What a paused file with every byte moved still lacks, by direction.
_ALL_MOVED = {
    Direction.UPLOAD: "all sent",  # its parts are stored; the object is made on completion
    Direction.DOWNLOAD: "all received",  # checked and renamed into place on completion
}

# States whose progress bar would mislead (a full bar reads as “done”).
NO_BAR = frozenset({State.FAILED, State.CANCELLED, State.SKIPPED})


_VERBS = {
    Direction.UPLOAD: ("Upload", "Uploading"),
    Direction.DOWNLOAD: ("Download", "Downloading"),
    Direction.COPY: ("Copy", "Copying"),
    Direction.MOVE: ("Move", "Moving"),
    Direction.DELETE: ("Delete", "Deleting"),
    Direction.ACCESS: ("Access", "Changing access"),
}


def _verb(direction: Direction) -> str:
    return _VERBS[direction][1]


def _reason(error: str, prefix: str) -> str:
    """The error without a leading "Failed:"/"Skipped:" the engine may already have put there."""
    text = error.strip()
    if text.lower().startswith(prefix.lower()):
        text = text[len(prefix) :].lstrip(" :")
    return text


def file_status(t: Transfer) -> str:
    """The Status column of one file: “Uploading”, “Failed: Access denied”, …"""
    state = t.state
    if state == State.RUNNING:
        return _verb(t.direction)
    if state == State.FAILED:
        reason = _reason(t.error, "Failed")
        return f"Failed: {reason}" if reason else "Failed"
    if state == State.SKIPPED:
        reason = _reason(t.error, "Skipped")
        return f"Skipped: {reason}" if reason else "Skipped"
    if state == State.PAUSED and t.size and t.bytes_done >= t.size and t.direction in _ALL_MOVED:
        # A full bar beside "Paused" read as done: say what is left.
        return f"Paused · {_ALL_MOVED[t.direction]}; Resume completes it"
    return {
        State.QUEUED: "Queued",
        State.PAUSED: "Paused",
        State.DONE: "Done",
        State.CANCELLED: "Cancelled",
    }.get(state, str(state).title())


def paused_detail(t: Transfer) -> str:
    """Why a paused file's progress may be below what it showed before (the Status tooltip).

    After a pause, a quit or a crash, an upload shows what the server keeps: whole parts
    only, so the bar can drop by the parts that were on their way (a new-user pass took it
    for lost work). "" when there is nothing to explain.
    """
    if t.state != State.PAUSED or not 0 < t.bytes_done < t.size:
        return ""
    if t.direction == Direction.UPLOAD and t.part_size:
        return (
            f"Paused. The Space keeps whole parts only: {human_size(t.bytes_done)} of "
            f"{human_size(t.size)} are stored there, and a part that was on its way when the "
            "upload stopped is sent again on Resume."
        )
    if t.direction == Direction.DOWNLOAD:
        return (
            f"Paused. {human_size(t.bytes_done)} of {human_size(t.size)} are in the partly "
            "downloaded file; Resume fetches the rest."
        )
    return ""


def group_status(
    direction: Direction, state: TransferState, counts: Counter[TransferState], total: int
) -> str:
    """The Status column of a folder: “Uploading · 1,234 of 10,000 files done · 2 failed”."""
    head = {
        State.RUNNING: _verb(direction),
        State.QUEUED: "Queued",
        State.PAUSED: "Paused",
        State.FAILED: "Failed",
        State.CANCELLED: "Cancelled",
        State.DONE: "Done",
    }.get(state, "")
    done = counts[State.DONE]
    if state == State.DONE:  # what went through; the skipped and cancelled are counted apart
        parts = [head, human_count(done, "file")] if done or not total else [head]
    elif total and done == total:
        parts = [head, human_count(total, "file")]
    else:
        parts = [head, f"{done:,} of {human_count(total, 'file')} done"]
    for extra in (State.FAILED, State.SKIPPED, State.CANCELLED):
        if counts[extra]:
            parts.append(f"{counts[extra]:,} {extra.value}")
    return " · ".join(parts)


def size_text(done: int, total: int, moving: bool) -> str:
    return f"{human_size(done)} of {human_size(total)}" if moving and 0 < done < total else human_size(total)


def direction_text(direction: Direction, acl: str = "") -> str:
    """The Direction column; an access change says which way (`acl`: the one it sets)."""
    if direction == Direction.ACCESS and acl:
        return "Make public" if acl == PUBLIC_READ else "Make private"
    return _VERBS[direction][0]


NO_SPEED = "—"
# Below this, a finished row's average is mostly the request's round trip, not the link:
# "avg 47 bytes/s" for a 4-byte file reads as a broken connection.
MIN_AVERAGE_BYTES = 256 * 1024


def speed_text(state: TransferState, live: float, average: float, size: int) -> str:
    """The Speed column: the live rate while running, the average once done (for rows of at
    least MIN_AVERAGE_BYTES), else a dash."""
    if state == State.RUNNING and live > 0:
        return human_rate(live)
    if state == State.DONE and average > 0 and size >= MIN_AVERAGE_BYTES:
        return f"avg {human_rate(average)}"
    return NO_SPEED


def _posix(path: str) -> str:
    return path.replace("\\", "/").rstrip("/")


def where_text(t: Transfer, home: str = "") -> str:
    """Where a top-level row's file goes (or, for a delete or an access change, where it is),
    shown after its name: two rows of one name sent to two places must not read alike.

    A Space's folder as "photos/reports/2023/"; a download's local folder, under `home` as "~".
    """
    if t.direction == Direction.DOWNLOAD:
        sep = _separator(t.local_path)
        return f"to {_local_folder(t.local_path.rpartition(sep)[0] + sep, home)}"
    return f"{_WHERE_WORDS[t.direction]} {t.bucket}/{parent(t.key)}"


def group_where_text(group: TransferGroup, home: str = "") -> str:
    """where_text for a folder row: the folder it lands in (a download: the folder chosen; an
    upload, copy or move: the folder above the one it makes), or is deleted from, or changed in."""
    if group.direction == Direction.DOWNLOAD:
        sep = _separator(group.local_root)
        return f"to {_local_folder(group.local_root.rstrip(sep) + sep, home)}"
    return f"{_WHERE_WORDS[group.direction]} {group.bucket}/{parent(group.prefix)}"


_WHERE_WORDS = {
    Direction.UPLOAD: "to",
    Direction.COPY: "to",
    Direction.MOVE: "to",
    Direction.DELETE: "from",
    Direction.ACCESS: "in",
}


def _separator(path: str) -> str:
    """A local path's separator: "\\" for a Windows path, else "/"."""
    return "\\" if "\\" in path and "/" not in path else "/"


def _local_folder(folder: str, home: str) -> str:
    """Local `folder` (with its trailing separator), `home` in it written "~"."""
    sep = _separator(folder)
    home_folder = home.rstrip(sep) + sep
    if home and folder.startswith(home_folder):
        return "~" + sep + folder[len(home_folder) :]
    return folder


def row_name(t: Transfer, group: TransferGroup | None) -> str:
    """What the Name column shows: the name the file lands under, below its folder row if any.

    An upload, copy, move or delete is named by its key; a download by its local file,
    which “Keep both” may have renamed (`report (1).pdf`) or made safe for this computer
    (`_con.txt`).
    """
    if t.direction != Direction.DOWNLOAD:
        if group is not None and t.key.startswith(group.prefix):
            return t.key[len(group.prefix) :] or t.name
        old = t.source_key.rsplit("/", 1)[-1]
        if (
            t.direction.on_server and old and old != t.name
        ):  # a rename: both names, or it reads as the other file
            return f"{old} → {t.name}"
        return t.name
    path = _posix(t.local_path)
    name = path.rsplit("/", 1)[-1] or t.name
    if group is None:
        return name
    root = _posix(group.local_root) + "/"
    if not path.startswith(root):
        return name
    # Below the folder row's own folder: “stuff/ok/x.png” reads “ok/x.png” under “stuff”.
    relative = path[len(root) :]
    head, _, rest = relative.partition("/")
    return rest or head


def failure_details(name: str, t: Transfer) -> tuple[str, str]:
    """(headline, body) telling the whole story of one failed or skipped file, for Details."""
    noun = direction_text(t.direction)
    outcome = "was skipped" if t.state == State.SKIPPED else "failed"
    if t.direction.on_server:
        where = f"Space: s3://{t.bucket}/{t.key}"
        if t.source_key:
            where = f"From: s3://{t.source_bucket}/{t.source_key}\nTo: s3://{t.bucket}/{t.key}"
        return f"{noun} of “{name}” {outcome}", f"{file_status(t)}\n\nFile: {name}\n{where}"
    body = (
        f"{file_status(t)}\n\nFile: {name}\nSpace: s3://{t.bucket}/{t.key}\nOn this computer: {t.local_path}"
    )
    return f"{noun} of “{name}” {outcome}", body
