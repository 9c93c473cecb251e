"""What the Transfers banner says of the queue as a whole (pure text, any thread)."""

from __future__ import annotations

from collections.abc import Sequence

from spacesgui.core.formatting import human_count, human_size
from spacesgui.core.transfers import Transfer, TransferGroup

ENGINE_DIED = (
    "The transfer process stopped unexpectedly (the system may have ended it for want of memory). "
    "What was running is paused and nothing recorded is lost: Restart Transfers carries on from "
    "where it stopped."
)


def paused_notice(unfinished: list[Transfer], groups: Sequence[TransferGroup] = ()) -> str:
    """What the start-up banner says of the transfers left unfinished by the last session.

    Counted and named as the Transfers panel shows them: a folder is one row (“the folder
    “shoot” (200 files)”), not 200 names. Not “when spacesgui last quit”: the session may
    have ended otherwise (a crash, a power cut), and some were paused by hand before.
    """
    folder_names = {g.id: g.name for g in groups}
    rows: dict[str, str] = {}  # row id → how it is named, in queue order
    files: dict[str, int] = {}
    for t in unfinished:
        row = t.group_id if t.group_id in folder_names else t.id
        files[row] = files.get(row, 0) + 1
        rows.setdefault(row, f"“{folder_names[row]}”" if row in folder_names else f"“{t.name}”")
    named = [
        f"the folder {name} ({human_count(files[row], 'file')})" if row in folder_names else name
        for row, name in rows.items()
    ]
    shown = named[:3]
    more = len(named) - len(shown)
    listed = ", ".join(shown) + (f" and {more:,} more" if more else "")
    left = sum(max(0, t.size - t.bytes_done) for t in unfinished)
    one = len(named) == 1
    return (
        f"{human_count(len(named), 'transfer')} from the last session {'is' if one else 'are'} paused: "
        f"{listed} ({human_size(left)} left). Resume {'it' if one else 'them'} here or from the "
        "Transfers panel."
    )


def not_queued_notice(count: int) -> str:
    """Transfers the dead transfer process never journaled: they are gone from the panel."""
    one = count == 1
    return (
        f"{human_count(count, 'transfer')} had not reached the transfer process when it stopped and "
        f"{'was' if one else 'were'} not queued; start {'it' if one else 'them'} again."
    )
