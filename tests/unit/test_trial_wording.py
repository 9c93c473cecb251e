"""Wording found wrong by the new-user trial: what the user reads must say what happened."""

from __future__ import annotations

from spacesgui.core.formatting import storage_class_text
from spacesgui.core.versions import NULL_VERSION, version_words


def test_the_null_version_is_named_in_words_and_others_by_id() -> None:
    assert version_words(NULL_VERSION) == "the version stored before versioning was on"
    assert version_words("3HL4kqtJ") == "version 3HL4kqtJ"


def test_storage_classes_read_as_the_object_list_shows_them() -> None:
    assert storage_class_text("STANDARD") == "Standard"
