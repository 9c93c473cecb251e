"""Uploads whose sources map to one key: finding them, saying why, and what became of each.

Two local files can become the same key: names that differ only in Unicode normalization
(upload keys are NFC), a backslash in a name that becomes a folder separator and meets a
real folder, two dropped folders of the same name. Uploaded as they are, the later file
would replace the earlier one and both rows would say Done: silent data loss. So every
such key is a conflict between sources, resolved with the same policy as a key that
already exists on the server, and always listed for the user.

Pure values and string work; the transfer service asks and applies.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from spacesgui.core.conflicts import ConflictPolicy, Resolution, Side, resolve


class SharedKeyOutcome(StrEnum):
    """What happened to a source that maps to a key an earlier source of the upload has."""

    REPLACES = "replaces"  # this file is uploaded; the earlier one is skipped
    RENAMED = "renamed"  # this file goes to a free "name (1).ext" beside the other
    SKIPPED = "skipped"  # this file is not uploaded; the earlier one is
    IDENTICAL = "identical"  # same bytes as the earlier one: uploaded once


@dataclass(frozen=True, slots=True)
class Source:
    """One local file of an upload, as the shared-key check sees it."""

    id: str  # the transfer's id
    key: str
    local_path: str
    relative: str  # the path the user sees, relative to what was dropped
    side: Side


def shared_keys(sources: Iterable[Source]) -> list[list[Source]]:
    """Groups of two or more sources that map to one key, each in upload order."""
    by_key: dict[str, list[Source]] = {}
    for source in sources:
        by_key.setdefault(source.key, []).append(source)
    return [group for group in by_key.values() if len(group) > 1]


def why_shared(a: str, b: str) -> str:
    """Why the relative paths `a` and `b` map to one key, in words (a clause, no full stop)."""
    if a != b and unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b):
        return "their names differ only in how accented letters are encoded (Unicode normalization)"
    if "\\" in a or "\\" in b:
        return "a backslash in a name becomes a folder separator in a key"
    if a == b:
        return "two dropped items have the same name"
    return "their names give the same key"


def decide(policy: ConflictPolicy, later: Source, holder: Source) -> Resolution:
    """What to do with `later`, whose key `holder` (an earlier source) will write.

    The policy reads as it does for an existing object: Overwrite means `later` replaces
    `holder`; Overwrite only if different compares the two local files (MD5 when both
    are known, see conflicts.resolve); Keep both renames `later`; Skip leaves it out.
    """
    return resolve(policy, later.side, holder.side)


def outcome_of(resolution: Resolution, later: Source, holder: Source) -> SharedKeyOutcome:
    """The outcome a resolution gives `later` (never ASK)."""
    if resolution == Resolution.RENAME:
        return SharedKeyOutcome.RENAMED
    if resolution == Resolution.OVERWRITE:
        return SharedKeyOutcome.REPLACES
    if later.side.md5_hex and later.side.md5_hex == holder.side.md5_hex:
        return SharedKeyOutcome.IDENTICAL
    return SharedKeyOutcome.SKIPPED


def skip_reason(outcome: SharedKeyOutcome, other: Source) -> str:
    """The Status text of a source left out because of `other` (prefix "Skipped:" included)."""
    if outcome == SharedKeyOutcome.IDENTICAL:
        return f"Skipped: identical to “{other.relative}”, which uploads to the same key"
    return f"Skipped: “{other.relative}” uploads to the same key"


def note(later: Source, holder: Source, outcome: SharedKeyOutcome, bucket: str, renamed_to: str = "") -> str:
    """One line for the user and the log: the two files, the key, why, and what was done."""
    head = (
        f"“{holder.relative}” and “{later.relative}” would both be uploaded as "
        f"s3://{bucket}/{holder.key} ({why_shared(holder.relative, later.relative)})"
    )
    done = {
        SharedKeyOutcome.REPLACES: f"“{later.relative}” was uploaded and “{holder.relative}” skipped",
        SharedKeyOutcome.RENAMED: f"“{later.relative}” was uploaded as “{renamed_to or 'a new name'}”",
        SharedKeyOutcome.SKIPPED: f"“{later.relative}” was skipped",
        SharedKeyOutcome.IDENTICAL: f"they are identical, so “{later.relative}” was skipped",
    }[outcome]
    return f"{head}: {done}."
