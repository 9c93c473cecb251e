"""What the Transfers banner says of the queue as a whole (pure text, any thread)."""

from __future__ import annotations

from spacesgui.core.formatting import human_count, human_size
from spacesgui.core.transfers import Transfer

ENGINE_DIED = (
    "The transfer process stopped unexpectedly (the system may have ended it for want of memory). "
    "What was running is paused and nothing recorded is lost: Restart Transfers carries on from "
    "where it stopped."
)


def paused_notice(unfinished: list[Transfer]) -> str:
    """What the start-up banner says of transfers that were paused when the app last quit."""
    names = [t.name for t in unfinished[:3]]
    more = len(unfinished) - len(names)
    listed = ", ".join(f"“{n}”" for n in names) + (f" and {more:,} more" if more else "")
    left = sum(max(0, t.size - t.bytes_done) for t in unfinished)
    return (
        f"{human_count(len(unfinished), 'transfer')} {'was' if len(unfinished) == 1 else 'were'} paused "
        f"when spacesgui last quit: {listed} ({human_size(left)} left). "
        "Resume them from the Transfers panel."
    )


def not_queued_notice(count: int) -> str:
    """Transfers the dead transfer process never journaled: they are gone from the panel."""
    one = count == 1
    return (
        f"{human_count(count, 'transfer')} had not reached the transfer process when it stopped and "
        f"{'was' if one else 'were'} not queued; start {'it' if one else 'them'} again."
    )
