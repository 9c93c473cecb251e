"""Sources of one upload that map to one key: found, explained, and settled by the policy."""

from __future__ import annotations

import unicodedata

from spacesgui.core.conflicts import ConflictPolicy, Resolution, Side
from spacesgui.core.shared_keys import (
    SharedKeyOutcome,
    Source,
    decide,
    note,
    outcome_of,
    shared_keys,
    skip_reason,
    why_shared,
)

COMPOSED = unicodedata.normalize("NFC", "café.txt")
DECOMPOSED = unicodedata.normalize("NFD", "café.txt")


def source(id_: str, key: str, relative: str, size: int = 3, md5: str = "") -> Source:
    return Source(id_, key, f"/local/{relative}", relative, Side(size, 0.0, md5))


def test_only_keys_two_sources_map_to_are_reported_in_upload_order() -> None:
    a, b, c = source("a", "k", "x/k"), source("b", "other", "other"), source("c", "k", "y/k")
    assert shared_keys([a, b, c]) == [[a, c]]


def test_the_reason_names_unicode_normalization_for_composed_and_decomposed_names() -> None:
    assert "Unicode normalization" in why_shared(COMPOSED, DECOMPOSED)


def test_the_reason_names_the_backslash() -> None:
    assert "backslash" in why_shared("docs\\a.txt", "docs/a.txt")


def test_overwrite_hands_the_key_to_the_later_source() -> None:
    later, holder = source("b", "k", "b"), source("a", "k", "a")
    resolution = decide(ConflictPolicy.OVERWRITE, later, holder)
    assert outcome_of(resolution, later, holder) == SharedKeyOutcome.REPLACES


def test_overwrite_if_different_skips_a_later_source_with_the_same_bytes() -> None:
    later, holder = source("b", "k", "b", md5="aa"), source("a", "k", "a", md5="aa")
    resolution = decide(ConflictPolicy.OVERWRITE_IF_DIFFERENT, later, holder)
    assert resolution == Resolution.SKIP
    outcome = outcome_of(resolution, later, holder)
    assert outcome == SharedKeyOutcome.IDENTICAL
    assert skip_reason(outcome, holder) == "Skipped: identical to “a”, which uploads to the same key"


def test_overwrite_if_different_uploads_a_later_source_with_other_bytes_instead() -> None:
    later, holder = source("b", "k", "b", md5="bb"), source("a", "k", "a", md5="aa")
    resolution = decide(ConflictPolicy.OVERWRITE_IF_DIFFERENT, later, holder)
    assert outcome_of(resolution, later, holder) == SharedKeyOutcome.REPLACES


def test_ask_is_passed_on_to_the_caller() -> None:
    assert decide(ConflictPolicy.ASK, source("b", "k", "b"), source("a", "k", "a")) == Resolution.ASK


def test_the_note_names_both_files_the_key_and_the_new_name() -> None:
    later, holder = source("b", "k", DECOMPOSED), source("a", "k", COMPOSED)
    text = note(later, holder, SharedKeyOutcome.RENAMED, "photos", "café (1).txt")
    assert "s3://photos/k" in text
    assert "café (1).txt" in text
    assert "Unicode normalization" in text
