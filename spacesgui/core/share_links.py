"""Share links: how long a signed link may live, checked before signing, with reasons in words."""

from __future__ import annotations

from enum import StrEnum

from spacesgui.core.errors import InvalidInput

MINUTE_S = 60
DAY_S = 86_400
MIN_V4_EXPIRY_S = MINUTE_S  # shorter links expire before they can be shared
MAX_V4_EXPIRY_S = 7 * DAY_S  # SigV4 refuses a presigned URL valid for longer than 7 days


class Signature(StrEnum):
    """How a link is signed. V2 is what the original Spaces accepted; it has no expiry limit."""

    V4 = "v4"
    V2 = "v2"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {Signature.V4: "Signature version 4", Signature.V2: "Signature version 2 (older servers)"}


def expiry_problem(seconds: int, signature: Signature = Signature.V4) -> str | None:
    """Return why a link cannot be valid for `seconds`, or None if it can."""
    if seconds < 0:  # a V2 link ends at a date: one in the past
        return "The date chosen is in the past: choose one to come, when the link should stop working."
    if seconds == 0:
        return "A link must stay valid for some time."
    if signature is Signature.V4 and seconds < MIN_V4_EXPIRY_S:
        return "A link must stay valid for at least a minute."
    if signature is Signature.V4 and seconds > MAX_V4_EXPIRY_S:
        return (
            "A signed link can stay valid for at most 7 days. For longer, make the file public "
            "and share its public address, or sign with version 2 if the server accepts it."
        )
    return None


def check_expiry(seconds: int, signature: Signature = Signature.V4) -> int:
    """Return `seconds` if a link may live that long, else raise InvalidInput saying why."""
    problem = expiry_problem(seconds, signature)
    if problem:
        raise InvalidInput(problem)
    return seconds
