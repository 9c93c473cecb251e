"""Conflict policy: what to do when the target exists, and free “name (N)” names."""

from __future__ import annotations

import pytest

from spacesgui.core.conflicts import (
    ConflictPolicy,
    Resolution,
    Side,
    renamed,
    renamed_key,
    resolve,
    split_name,
)


@pytest.mark.parametrize(
    ("policy", "label"),
    [
        (ConflictPolicy.ASK, "Ask each time"),
        (ConflictPolicy.OVERWRITE, "Overwrite"),
        (ConflictPolicy.SKIP, "Skip"),
        (ConflictPolicy.RENAME, "Keep both (rename)"),
        (ConflictPolicy.OVERWRITE_IF_DIFFERENT, "Overwrite only if different"),
    ],
)
def test_every_policy_has_a_human_label(policy: ConflictPolicy, label: str) -> None:
    assert policy.label == label


def test_policies_round_trip_through_their_stored_values() -> None:
    assert ConflictPolicy("overwrite-if-different") is ConflictPolicy.OVERWRITE_IF_DIFFERENT


@pytest.mark.parametrize("policy", list(ConflictPolicy))
def test_a_missing_target_is_just_written_whatever_the_policy(policy: ConflictPolicy) -> None:
    assert resolve(policy, Side(10), None) is Resolution.OVERWRITE


@pytest.mark.parametrize(
    ("policy", "resolution"),
    [
        (ConflictPolicy.ASK, Resolution.ASK),
        (ConflictPolicy.OVERWRITE, Resolution.OVERWRITE),
        (ConflictPolicy.SKIP, Resolution.SKIP),
        (ConflictPolicy.RENAME, Resolution.RENAME),
    ],
)
def test_plain_policies_map_directly_to_their_resolution(
    policy: ConflictPolicy, resolution: Resolution
) -> None:
    assert resolve(policy, Side(10, 5.0, "a" * 32), Side(10, 5.0, "a" * 32)) is resolution


IF_DIFFERENT = ConflictPolicy.OVERWRITE_IF_DIFFERENT


def test_if_different_overwrites_when_sizes_differ_even_with_equal_md5s() -> None:
    assert (
        resolve(IF_DIFFERENT, Side(10, md5_hex="a" * 32), Side(11, md5_hex="a" * 32)) is Resolution.OVERWRITE
    )


def test_if_different_skips_when_md5s_match_even_if_the_source_is_newer() -> None:
    source = Side(10, mtime=1000.0, md5_hex="ab" * 16)
    target = Side(10, mtime=1.0, md5_hex="AB" * 16)
    assert resolve(IF_DIFFERENT, source, target) is Resolution.SKIP


def test_if_different_overwrites_when_md5s_differ_even_if_the_target_is_newer() -> None:
    source = Side(10, mtime=1.0, md5_hex="a" * 32)
    target = Side(10, mtime=1000.0, md5_hex="b" * 32)
    assert resolve(IF_DIFFERENT, source, target) is Resolution.OVERWRITE


def test_if_different_falls_back_to_mtime_when_one_md5_is_unknown() -> None:
    source = Side(10, mtime=100.0, md5_hex="a" * 32)
    target = Side(10, mtime=100.0)
    assert resolve(IF_DIFFERENT, source, target) is Resolution.SKIP


def test_if_different_overwrites_a_same_size_target_older_by_more_than_two_seconds() -> None:
    assert resolve(IF_DIFFERENT, Side(10, mtime=102.5), Side(10, mtime=100.0)) is Resolution.OVERWRITE


def test_if_different_skips_a_same_size_target_within_two_seconds() -> None:
    assert resolve(IF_DIFFERENT, Side(10, mtime=102.0), Side(10, mtime=100.0)) is Resolution.SKIP


def test_if_different_skips_a_same_size_target_that_is_newer() -> None:
    assert resolve(IF_DIFFERENT, Side(10, mtime=100.0), Side(10, mtime=500.0)) is Resolution.SKIP


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("photo.jpg", ("photo", ".jpg")),
        ("README", ("README", "")),
        (".env", (".env", "")),
        (".env.local", (".env", ".local")),
        ("backup.tar.gz", ("backup", ".tar.gz")),
        ("backup.TAR.ZST", ("backup", ".TAR.ZST")),
        (".tar.gz", (".tar", ".gz")),
        ("notes.2024.txt", ("notes.2024", ".txt")),
        ("odd.", ("odd.", "")),
    ],
)
def test_split_name_keeps_tarball_extensions_and_dotfiles_whole(name: str, parts: tuple[str, str]) -> None:
    assert split_name(name) == parts


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("photo.jpg", {"photo.jpg"}, "photo (1).jpg"),
        ("photo.jpg", {"photo.jpg", "photo (1).jpg", "photo (2).jpg"}, "photo (3).jpg"),
        ("photo (1).jpg", {"photo (1).jpg"}, "photo (2).jpg"),
        ("photo (9).jpg", set(), "photo (10).jpg"),
        ("README", {"README"}, "README (1)"),
        (".env", {".env"}, ".env (1)"),
        ("backup.tar.gz", {"backup.tar.gz"}, "backup (1).tar.gz"),
        ("(1).txt", set(), "(1) (1).txt"),
        ("a b (x).txt", set(), "a b (x) (1).txt"),
    ],
)
def test_renamed_gives_the_first_free_counter(name: str, taken: set[str], expected: str) -> None:
    assert renamed(name, taken) == expected


def test_renamed_accepts_a_predicate_for_what_is_taken() -> None:
    asked: list[str] = []

    def taken(name: str) -> bool:
        asked.append(name)
        return name == "a (1).txt"

    assert renamed("a.txt", taken) == "a (2).txt"
    assert asked == ["a (1).txt", "a (2).txt"]


def test_renamed_key_renames_only_the_last_segment() -> None:
    assert renamed_key("photos/2024/a.jpg", {"photos/2024/a.jpg"}) == "photos/2024/a (1).jpg"


def test_renamed_key_checks_whole_keys_against_taken() -> None:
    taken = {"photos/a (1).jpg", "a (2).jpg"}
    assert renamed_key("photos/a.jpg", taken) == "photos/a (2).jpg"


def test_renamed_key_of_a_folder_keeps_dots_and_the_trailing_slash() -> None:
    assert renamed_key("site/v1.2/", {"site/v1.2 (1)/"}) == "site/v1.2 (2)/"


def test_renamed_key_without_a_folder_part_renames_the_name() -> None:
    assert renamed_key("a.txt", set()) == "a (1).txt"
