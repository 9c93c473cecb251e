"""Sharing files: the kinds of link, which one Copy Link picks, and how long links live, in words.

Pure values and text; the object service signs links, the Share dialog and Copy Link
show these words. Signing rules (the 7-day SigV4 limit) are in core/share_links.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from spacesgui.core.formatting import human_count
from spacesgui.core.operations import ObjectAcl
from spacesgui.core.share_links import DAY_S, MAX_V4_EXPIRY_S, MINUTE_S

HOUR_S = 60 * MINUTE_S
# Copy Link's signed links live as long as SigV4 allows: a link pasted into a message is
# often opened days later, and a shorter one would fail the reader without warning.
DEFAULT_EXPIRY_S = MAX_V4_EXPIRY_S
# A SigV2 link has no limit; the Share dialog offers a month to begin with.
DEFAULT_V2_EXPIRY_S = 30 * DAY_S


class LinkKind(StrEnum):
    """What a shared address lets its holder do, and how it is made."""

    SIGNED = "signed"  # presigned GET, SigV4
    SIGNED_V2 = "signed-v2"  # presigned GET, SigV2
    UPLOAD = "upload"  # presigned PUT
    PUBLIC = "public"  # the unsigned address
    CDN = "cdn"  # the provider's CDN address

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def expires(self) -> bool:
        return self in (LinkKind.SIGNED, LinkKind.SIGNED_V2, LinkKind.UPLOAD)


_LABELS = {
    LinkKind.SIGNED: "Download link (signed, expires)",
    LinkKind.SIGNED_V2: "Download link, signature version 2 (legacy)",
    LinkKind.UPLOAD: "Upload link (signed, expires)",
    LinkKind.PUBLIC: "Public address",
    LinkKind.CDN: "CDN address",
}

# What each kind does, said once where the user chooses it.
HINTS = {
    LinkKind.SIGNED: "Anyone with the link can download the file until it expires (at most 7 days).",
    LinkKind.SIGNED_V2: (
        "Anyone with the link can download the file until the date you choose: version 2 "
        "links have no 7-day limit."
    ),
    LinkKind.UPLOAD: (
        "Run in the folder of the new version, the command uploads it in the file's place. "
        "It also sends the file's type, caching, metadata and access, which the link "
        "requires, so only the bytes change."
    ),
    LinkKind.PUBLIC: "Works only if the file is public; then anyone with the address can read it.",
    LinkKind.CDN: (
        "Works only if the file is public and the Space's CDN is switched on. Served from "
        "the CDN's cache, so a changed file may show its old content for a while."
    ),
}


def default_link_kind(public: bool | None) -> LinkKind:
    """The link Copy Link gives for one file: its public address when it is public, else a signed one.

    `public` None (the server keeps no ACLs, or would not say) gets a signed link: it
    works whoever may read the file. Not the CDN address: the CDN is switched on per
    Space, which the storage API cannot tell, and a dead link is worse than a slower one.
    """
    return LinkKind.PUBLIC if public else LinkKind.SIGNED


def access_text(acl: ObjectAcl | None, note: str = "") -> str:
    """Who may read a file, in words: “Public: anyone can read it”, “Private”, or why it is unknown."""
    if acl is None:
        return f"Unknown. {note}" if note else "Unknown"
    text = (
        "Public: anyone with the address can read it"
        if acl.public_read
        else "Private: only this account's keys can read it"
    )
    if acl.other_grants:
        text += f"; also {'; '.join(acl.other_grants)}"
    return text


def private_warning(public: Sequence[bool | None], name: str) -> str:
    """Why a public (or CDN) address will not work, for the files known to be private; ""
    when none is. `public` has one entry per file (None: unknown); `name` is the first file's."""
    private = sum(1 for each in public if each is False)
    if not private:
        return ""
    if len(public) == 1:
        return f"“{name}” is private: this address will not work until you make it public (Make Public…)."
    return (
        f"{private:,} of the {len(public):,} files are private: their addresses will not work "
        "until you make them public (Make Public…)."
    )


def amount_in(amount: int, unit_s: int, new_unit_s: int) -> int:
    """`amount` of `unit_s` in `new_unit_s`, rounded, at least 1: 7 days are 168 hours."""
    return max(1, round(amount * unit_s / new_unit_s))


def duration_text(seconds: int) -> str:
    """A duration in its largest units: “1 hour 30 minutes”, “45 seconds”; from 2 days on,
    whole days (“400 days”: a date picked on a calendar is a few seconds less from now)."""
    if seconds < MINUTE_S:
        return human_count(max(seconds, 0), "second")
    if seconds >= 2 * DAY_S:
        return human_count(round(seconds / DAY_S), "day")
    parts = []
    days, rest = divmod(seconds, DAY_S)
    hours, rest = divmod(rest, HOUR_S)
    minutes = rest // MINUTE_S
    for amount, unit in ((days, "day"), (hours, "hour"), (minutes, "minute")):
        if amount:
            parts.append(human_count(amount, unit))
    return " ".join(parts[:2])


def moment_text(when: datetime, now: datetime) -> str:
    """A moment as people read it: “today at 15:04”, “tomorrow at 09:00”, “Tue 21 Jan 2026 at 15:04”."""
    clock = when.strftime("%H:%M")
    days = (when.date() - now.date()).days
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    return f"{when:%a} {when.day} {when:%b %Y} at {clock}"


def expiry_text(expires_s: int, now: datetime) -> str:
    """When a link made at `now` to live `expires_s` stops working, in words."""
    when = now + timedelta(seconds=expires_s)
    return f"Valid until {moment_text(when, now)} ({duration_text(expires_s)} from now)."


def copied_text(kinds: Sequence[LinkKind], expires_s: int, now: datetime, *, name: str = "") -> str:
    """What the banner says after Copy Link: “Copied links to 3 files, one a line, valid until …”.

    `kinds` has one entry per file copied, in order; `name` names the file when there is one.
    """
    if not kinds:
        return "No link was copied: choose one or more files."
    what = f"“{name}”" if len(kinds) == 1 and name else human_count(len(kinds), "file")
    lines = ", one a line" if len(kinds) > 1 else ""
    until = moment_text(now + timedelta(seconds=expires_s), now)
    counts = Counter(kinds)
    if set(counts) == {LinkKind.PUBLIC}:
        address, they = (
            ("the public address", "it is") if len(kinds) == 1 else ("the public addresses", "they are")
        )
        return f"Copied {address} of {what}{lines} ({they} public: no expiry)."
    if set(counts) == {LinkKind.SIGNED}:
        link = "a link" if len(kinds) == 1 else "links"
        return f"Copied {link} to {what}{lines}, valid until {until}."
    public, signed = counts[LinkKind.PUBLIC], counts[LinkKind.SIGNED]
    addresses = "1 public address" if public == 1 else f"{public:,} public addresses"
    return (
        f"Copied links to {what}{lines}: {addresses} (no expiry) and "
        f"{human_count(signed, 'signed link')} valid until {until}."
    )
