"""Upload planning: skip patterns and the key each local file gets."""

from __future__ import annotations

import unicodedata

import pytest

from spacesgui.core.errors import InvalidInput
from spacesgui.core.upload_plan import (
    DEFAULT_SKIP_PATTERNS,
    folders_left_out,
    is_skipped,
    parse_skip_patterns,
    upload_key,
)


def test_skip_patterns_split_on_commas_and_newlines_trimmed() -> None:
    assert parse_skip_patterns(" *.tmp, .git\n\n node_modules ,\r\nbuild/*.o ") == (
        "*.tmp",
        ".git",
        "node_modules",
        "build/*.o",
    )


def test_skip_patterns_drop_empties_and_duplicates() -> None:
    assert parse_skip_patterns(",, *.tmp,*.tmp ,\n") == ("*.tmp",)


def test_no_skip_patterns_from_blank_text() -> None:
    assert parse_skip_patterns("  \n , ") == ()


@pytest.mark.parametrize(
    "relative", [".DS_Store", "a/b/.DS_Store", "Thumbs.db", "x/THUMBS.DB", "desktop.ini"]
)
def test_default_patterns_skip_os_litter_anywhere(relative: str) -> None:
    assert is_skipped(relative, DEFAULT_SKIP_PATTERNS) is True


def test_default_patterns_keep_ordinary_files() -> None:
    assert is_skipped("photos/Thumbs.db.jpg", DEFAULT_SKIP_PATTERNS) is False


def test_a_wildcard_pattern_matches_the_file_name_case_insensitively() -> None:
    assert is_skipped("logs/Today.TMP", ["*.tmp"]) is True


def test_a_pattern_without_slash_skips_everything_under_a_folder_of_that_name() -> None:
    assert is_skipped("web/node_modules/x/index.js", ["node_modules"]) is True


def test_a_pattern_without_slash_does_not_match_part_of_a_name() -> None:
    assert is_skipped("my_node_modules.txt", ["node_modules"]) is False


def test_a_pattern_with_slash_matches_the_whole_relative_path() -> None:
    assert is_skipped("build/main.o", ["build/*.o"]) is True
    assert is_skipped("src/main.o", ["build/*.o"]) is False


def test_backslashes_in_the_relative_path_count_as_separators() -> None:
    assert is_skipped("build\\main.o", ["build/*.o"]) is True


def test_no_patterns_skip_nothing() -> None:
    assert is_skipped(".DS_Store", ()) is False


@pytest.mark.parametrize(
    ("prefix", "relative", "key"),
    [
        ("", "a.txt", "a.txt"),
        ("photos/", "2024/a.jpg", "photos/2024/a.jpg"),
        ("photos", "a.jpg", "photos/a.jpg"),
        ("p/", "sub\\dir\\a.txt", "p/sub/dir/a.txt"),
        ("p/", "./a/./b.txt", "p/a/b.txt"),
        ("p/", "a//b.txt", "p/a/b.txt"),
        ("p/", "a..b/c.txt", "p/a..b/c.txt"),
        ("p/", "x:y.txt", "p/x:y.txt"),
    ],
)
def test_upload_key_joins_prefix_and_relative_path(prefix: str, relative: str, key: str) -> None:
    assert upload_key(prefix, relative) == key


def test_upload_key_nfc_normalizes_the_relative_path() -> None:
    key = upload_key("", unicodedata.normalize("NFD", "café/été.txt"))
    assert key == unicodedata.normalize("NFC", "café/été.txt")
    assert key != unicodedata.normalize("NFD", "café/été.txt")


def test_upload_key_leaves_the_prefix_as_given() -> None:
    prefix = unicodedata.normalize("NFD", "é/")
    assert upload_key(prefix, "a").startswith(prefix)


@pytest.mark.parametrize("relative", ["../a.txt", "a/../../b", "a\\..\\b"])
def test_upload_key_refuses_parent_folder_segments(relative: str) -> None:
    with pytest.raises(InvalidInput, match="leads out of the chosen folder"):
        upload_key("p/", relative)


@pytest.mark.parametrize("relative", ["/etc/passwd", "\\\\server\\share\\a", "C:\\x.txt", "c:/x", "C:"])
def test_upload_key_refuses_absolute_paths(relative: str) -> None:
    with pytest.raises(InvalidInput, match="absolute path"):
        upload_key("p/", relative)


@pytest.mark.parametrize("relative", ["", ".", "./", ".//."])
def test_upload_key_refuses_a_path_naming_no_file(relative: str) -> None:
    with pytest.raises(InvalidInput, match="names no file"):
        upload_key("p/", relative)


def test_folders_left_out_are_the_outermost_that_upload_nothing() -> None:
    uploaded = ["a.png", "trip/day1/b.png"]
    skipped = ["trip/.DS_Store", "mac/.DS_Store", "mac/deep/Thumbs.db", "trip/day2/.DS_Store"]
    assert folders_left_out(uploaded, skipped, ["empty", "empty/inner", "trip/day3"]) == [
        "empty", "mac", "trip/day2", "trip/day3",
    ]  # fmt: skip
    assert folders_left_out([], ["x/.DS_Store"], []) == [""]  # the dropped folder itself
    assert folders_left_out(["x/a.png"], [".DS_Store"], []) == []  # the top still gets a file
