"""Keys to safe local paths: nothing escapes the download folder, nothing is unstorable."""

from __future__ import annotations

import os
import unicodedata

import pytest

from spacesgui.core.local_files import part_path
from spacesgui.core.local_paths import (
    NAME_LIMIT,
    LocalName,
    is_inside,
    local_relative_path,
    plan_local_names,
    shorten,
)


def test_an_ordinary_key_maps_unchanged_without_a_note() -> None:
    assert local_relative_path("a/b c/d.txt") == LocalName("a/b c/d.txt", "a/b c/d.txt", "", False)


def test_the_downloaded_folders_prefix_is_stripped() -> None:
    assert local_relative_path("photos/a/b.jpg", "photos/").relative == "a/b.jpg"


def test_a_key_outside_the_prefix_keeps_its_whole_path() -> None:
    assert local_relative_path("other/b.jpg", "photos/").relative == "other/b.jpg"


@pytest.mark.parametrize(
    ("key", "relative", "note"),
    [
        ("../../etc/passwd", "__/__/etc/passwd", "“..” folder renamed"),
        ("a/../../b", "a/__/__/b", "“..” folder renamed"),
        ("/abs/file", "abs/file", "leading “/” removed"),
        ("///abs", "abs", "leading “/” removed"),
        ("\\abs\\file", "abs/file", "leading “\\” removed; “\\” read as a folder separator"),
        ("a\\b.txt", "a/b.txt", "“\\” read as a folder separator"),
        ("C:\\x", "x", "“\\” read as a folder separator; drive letter removed"),
        ("C:/Windows/x", "Windows/x", "drive letter removed"),
        ("C:", "C_", "characters not allowed in file names replaced"),
        ("a/./b", "a/b", "“.” folder removed"),
        ("a//b", "a/b", "empty folder name removed"),
        ("a\x00b", "a_b", "NUL character replaced"),
        ("a\x01b\x1f", "a_b_", "characters not allowed in file names replaced"),
        ('w<h>a:t"|?*.txt', "w_h_a_t____.txt", "characters not allowed in file names replaced"),
        ("a./b ", "a/b", "trailing dots or spaces removed"),
        ("x/...", "x/_", "trailing dots or spaces removed"),
        ("con.txt", "_con.txt", "reserved name CON renamed"),
        ("dir/Lpt9", "dir/_Lpt9", "reserved name LPT9 renamed"),
        ("nul", "_nul", "reserved name NUL renamed"),
        ("aux.tar.gz", "_aux.tar.gz", "reserved name AUX renamed"),
        ("COM1 .txt", "_COM1 .txt", "reserved name COM1 renamed"),
        ("COM0.txt", "COM0.txt", ""),
        ("console.txt", "console.txt", ""),
        (".", "_", "“.” folder removed; empty name replaced"),
    ],
)
def test_unsafe_keys_are_made_safe_and_the_change_is_noted(key: str, relative: str, note: str) -> None:
    name = local_relative_path(key)
    assert (name.relative, name.note) == (relative, note)


def test_a_folder_marker_with_a_trailing_backslash_is_a_marker_too() -> None:
    name = local_relative_path("a\\b\\")
    assert (name.relative, name.note, name.is_folder_marker) == (
        "a/b",
        "“\\” read as a folder separator",
        True,
    )


def test_the_root_marker_slash_alone_maps_to_the_root() -> None:
    assert local_relative_path("/") == LocalName("/", "", "", True)


def test_every_note_is_listed_once_even_when_it_applies_twice() -> None:
    assert local_relative_path("../a/../b").note == "“..” folder renamed"


def test_different_changes_are_all_noted_in_order() -> None:
    name = local_relative_path("/../con")
    assert name.relative == "__/_con"
    assert name.note == "leading “/” removed; “..” folder renamed; reserved name CON renamed"


def test_names_are_nfc_normalized() -> None:
    decomposed = unicodedata.normalize("NFD", "café/é.txt")
    assert local_relative_path(decomposed).relative == "café/é.txt"


def test_a_folder_marker_names_the_folder_and_is_flagged_not_noted() -> None:
    name = local_relative_path("photos/2024/", "photos/")
    assert name == LocalName("photos/2024/", "2024", "", True)


def test_the_marker_of_the_downloaded_folder_itself_is_its_root() -> None:
    assert local_relative_path("photos/", "photos/") == LocalName("photos/", "", "", True)


def test_a_folder_marker_is_sanitized_like_any_path() -> None:
    name = local_relative_path("../x/")
    assert (name.relative, name.is_folder_marker) == ("__/x", True)
    assert name.note == "“..” folder renamed"


def test_a_name_over_the_limit_is_shortened_keeping_its_extension_and_room_for_the_part_suffix() -> None:
    name = local_relative_path("d/" + "a" * 300 + ".jpg")
    last = name.relative.split("/")[-1]
    assert len(last.encode()) == NAME_LIMIT
    assert len(part_path(last, "0123456789abcdef").encode()) == 255
    assert last.startswith("a" * 200)
    assert last.endswith(".jpg")
    assert name.note == "name too long, shortened"


def test_shortened_names_that_share_their_start_stay_distinct() -> None:
    one = local_relative_path("a" * 300 + "1.txt").relative
    two = local_relative_path("a" * 300 + "2.txt").relative
    assert one != two


def test_shortening_never_cuts_a_multibyte_character_in_half() -> None:
    short = shorten("é" * 200 + ".txt")
    assert len(short.encode()) <= 255
    assert short.encode().decode("utf-8") == short
    assert short.startswith("é" * 100)


def test_a_name_that_fits_with_its_part_suffix_is_kept() -> None:
    name = "b" * (NAME_LIMIT - 4) + ".txt"
    assert local_relative_path(name).relative == name
    longer = "b" * (NAME_LIMIT - 3) + ".txt"
    assert local_relative_path(longer).relative != longer


def test_a_huge_extension_is_not_kept_whole() -> None:
    short = shorten("a." + "x" * 300)
    assert len(short.encode()) == 255
    assert short.startswith("a.xxx")


def test_plan_keeps_order_and_unchanged_names() -> None:
    planned = plan_local_names(["b.txt", "a/c.txt", "a.txt"])
    assert [n.relative for n in planned] == ["b.txt", "a/c.txt", "a.txt"]
    assert all(n.note == "" for n in planned)


def test_plan_renames_a_second_key_that_sanitizes_to_the_same_path() -> None:
    planned = plan_local_names(["a:b.txt", "a?b.txt", "a_b.txt"])
    assert [n.relative for n in planned] == ["a_b.txt", "a_b (1).txt", "a_b (2).txt"]
    assert planned[1].note == "characters not allowed in file names replaced; name already used, renamed"
    assert planned[2].note == "name already used, renamed"


def test_plan_renames_a_file_that_has_the_name_of_a_folder_whatever_the_order() -> None:
    for keys in (["a", "a/b"], ["a/b", "a"]):
        planned = {n.key: n for n in plan_local_names(keys)}
        assert planned["a"].relative == "a (1)"
        assert planned["a"].note == "a folder has the same name, renamed"
        assert planned["a/b"].relative == "a/b"


def test_plan_renames_a_file_with_the_name_of_a_folder_marker() -> None:
    planned = plan_local_names(["x", "x/"])
    assert [n.relative for n in planned] == ["x (1)", "x"]


def test_plan_renamed_files_never_take_a_name_another_key_has() -> None:
    planned = plan_local_names(["a", "a/b", "a (1)"])
    assert [n.relative for n in planned] == ["a (2)", "a/b", "a (1)"]


def test_plan_renamed_files_never_take_a_folders_name() -> None:
    planned = plan_local_names(["a", "a/x", "a (1)/y"])
    assert planned[0].relative == "a (2)"


def test_plan_is_case_sensitive_by_default() -> None:
    planned = plan_local_names(["Read.me", "read.ME"])
    assert [n.relative for n in planned] == ["Read.me", "read.ME"]


def test_plan_renames_names_differing_only_in_case_when_asked() -> None:
    planned = plan_local_names(["Read.me", "read.ME", "READ (1).me"], case_insensitive=True)
    assert [n.relative for n in planned] == ["Read.me", "read (2).ME", "READ (1).me"]
    assert planned[1].note == "name already used, renamed"


def test_plan_case_insensitive_files_and_folders_collide() -> None:
    planned = plan_local_names(["Docs", "docs/a.txt"], case_insensitive=True)
    assert planned[0].relative == "Docs (1)"


def test_plan_lets_folders_differing_in_case_merge() -> None:
    planned = plan_local_names(["A/x", "a/y"], case_insensitive=True)
    assert [n.relative for n in planned] == ["A/x", "a/y"]
    assert all(n.note == "" for n in planned)


def test_plan_never_renames_folder_markers() -> None:
    planned = plan_local_names(["a/", "a/", "A/"], case_insensitive=True)
    assert [n.relative for n in planned] == ["a", "a", "A"]


def test_plan_renames_long_duplicates_within_255_bytes() -> None:
    long = "x" * 300
    planned = plan_local_names([long + "?.bin", long + "*.bin", long + "_.bin"])
    names = [n.relative for n in planned]
    assert len(set(names)) == 3
    assert all(len(n.encode()) <= 255 for n in names)
    assert names[1].endswith(" (1).bin")
    assert names[2].endswith(" (2).bin")


def test_plan_is_deterministic() -> None:
    keys = ["a", "a/b", "a:b", "a?b", "con", "_con"]
    assert plan_local_names(keys) == plan_local_names(keys)


def test_plan_of_many_copies_of_one_name_numbers_every_copy() -> None:
    # How long this takes is measured in bench/, not here: no test may depend on speed.
    keys = ["d/a\\x.txt"] * 20_000
    planned = plan_local_names(keys)
    assert planned[-1].relative == "d/a/x (19999).txt"
    assert len({p.relative for p in planned}) == 20_000


def test_plan_of_100k_keys_keeps_each_key_under_its_folder() -> None:
    keys = [f"photos/{i // 1000}/img {i}.jpg" for i in range(100_000)]
    planned = plan_local_names(keys, "photos/")
    assert planned[12_345].relative == "12/img 12345.jpg"
    assert len({p.relative for p in planned}) == 100_000


@pytest.mark.parametrize(
    ("path", "inside"),
    [
        ("a/b.txt", True),
        ("a/../b.txt", True),
        ("", True),
        ("../x", False),
        ("a/../../x", False),
        ("../root-sibling/x", False),
    ],
)
def test_is_inside_is_a_lexical_check_against_the_root(path: str, inside: bool) -> None:
    root = os.path.join(os.sep, "tmp", "root")
    assert is_inside(root, path) is inside


def test_is_inside_refuses_a_sibling_sharing_the_roots_name_as_prefix() -> None:
    root = os.path.join(os.sep, "tmp", "root")
    assert is_inside(root, os.path.join(os.sep, "tmp", "root2", "x")) is False


def test_is_inside_accepts_an_absolute_path_under_the_root() -> None:
    root = os.path.join(os.sep, "tmp", "root")
    assert is_inside(root, os.path.join(root, "a", "b")) is True


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "/abs",
        "C:\\x",
        "a\x00b",
        "con.txt",
        "a/./b",
        "..",
        "\\\\server\\share\\x",
        "a/../..",
    ],
)
def test_every_sanitized_key_stays_inside_the_root(key: str) -> None:
    root = os.path.join(os.sep, "tmp", "root")
    relative = local_relative_path(key).relative
    assert is_inside(root, relative)
    assert ".." not in relative.split("/")
