"""Names for new folders and renamed files: each refusal says why, in words."""

from __future__ import annotations

import pytest

from spacesgui.core.errors import AlreadyExists, InvalidInput
from spacesgui.core.object_names import MAX_KEY_BYTES, check_name, folder_key, name_problem, rename_problem


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "Enter a name for the folder"),
        ("   ", "Enter a name for the folder"),
        (" photos", "cannot start or end with a space"),
        ("photos ", "cannot start or end with a space"),
        ("a/b", "cannot contain “/”"),
        ("/", "cannot contain “/”"),
        (".", "“.” and “..” cannot be names"),
        ("..", "“.” and “..” cannot be names"),
        ("tab\there", "control characters"),
        ("line\nbreak", "control characters"),
        ("nul\x00", "control characters"),
    ],
)
def test_a_name_that_will_not_do_is_refused_with_the_reason(name: str, reason: str) -> None:
    problem = name_problem(name)

    assert problem is not None
    assert reason in problem


@pytest.mark.parametrize(
    "name", ["photos", "a b", "ünïcødé 写真", "#?%+&", "...", ".hidden", "a.b.c", "x" * 100]
)
def test_names_s3_and_downloads_handle_are_accepted(name: str) -> None:
    assert name_problem(name) is None
    assert check_name(name) == name


def test_a_file_rename_is_pointed_at_move_for_a_slash() -> None:
    problem = name_problem("a/b", folder=False)

    assert problem is not None
    assert "drag it there, or Cut and Paste it" in problem


def test_the_whole_key_is_limited_to_1024_utf8_bytes_counting_the_prefix() -> None:
    prefix = "p" * 1000 + "/"
    room = MAX_KEY_BYTES - len(prefix) - 1  # the folder's trailing "/"

    assert name_problem("n" * room, prefix=prefix) is None
    problem = name_problem("n" * (room + 1), prefix=prefix)
    assert problem is not None
    assert "1,025 bytes" in problem
    # Non-ASCII letters count in UTF-8 bytes: "é" takes 2.
    assert name_problem("é" * (room // 2 + 1), prefix=prefix) is not None


@pytest.mark.parametrize(
    ("existing", "reason"),
    [
        (["photos/"], "A folder named “photos” is already here."),
        (["photos"], "A file named “photos” is already here."),
        (["docs/photos/"], "A folder named “photos” is already here."),  # full keys work too
        (["docs/photos"], "A file named “photos” is already here."),
    ],
)
def test_a_name_already_in_the_folder_is_refused(existing: list[str], reason: str) -> None:
    assert name_problem("photos", prefix="docs/", existing=existing) == reason
    with pytest.raises(AlreadyExists, match=reason):
        check_name("photos", prefix="docs/", existing=existing)


def test_names_compare_case_sensitively_as_s3_keys_do() -> None:
    assert name_problem("Photos", existing=["photos/", "photos"]) is None


def test_check_name_raises_invalid_input_for_a_broken_rule() -> None:
    with pytest.raises(InvalidInput, match="cannot contain “/”") as caught:
        check_name("a/b")

    assert not isinstance(caught.value, AlreadyExists)


def test_a_folder_key_is_the_prefix_the_name_and_a_slash() -> None:
    assert folder_key("", "new") == "new/"
    assert folder_key("a/b/", "new") == "a/b/new/"
    assert folder_key("a/b", "new") == "a/b/new/"


NFD_CAFE = "cafe\u0301"  # "café" as macOS hands it out: "e" and a combining accent
NFC_CAFE = "caf\u00e9"


def test_a_name_that_only_looks_like_one_already_there_is_refused() -> None:
    problem = name_problem(NFD_CAFE, existing=[NFC_CAFE + "/"])
    assert problem is not None
    assert "looks the same" in problem
    assert "accented letters are encoded" in problem
    assert name_problem(NFD_CAFE + ".txt", existing=[NFC_CAFE + ".txt"], folder=False) is not None


@pytest.mark.parametrize(
    ("old_key", "new_name", "existing", "reason"),
    [
        ("a/notes.txt", "dirA", ["a/notes.txt", "a/dirA/"], "A folder named “dirA” is already here"),
        ("a/dirB/", "notes.txt", ["a/dirB/", "a/notes.txt"], "A file named “notes.txt” is already here"),
        ("a/x.txt", NFD_CAFE + ".txt", ["a/x.txt", "a/" + NFC_CAFE + ".txt"], "looks the same"),
        ("a/x.txt", "a/b", ["a/x.txt"], "cannot contain “/”"),
    ],
)
def test_a_rename_onto_another_kind_of_entry_or_a_look_alike_is_refused(
    old_key: str, new_name: str, existing: list[str], reason: str
) -> None:
    problem = rename_problem(new_name, old_key, existing)
    assert problem is not None
    assert reason in problem


@pytest.mark.parametrize(
    ("old_key", "new_name", "existing"),
    [
        ("a/x.txt", "y.txt", ["a/x.txt", "a/y.txt"]),  # the move asks whether to overwrite
        ("a/old/", "new", ["a/old/", "a/new/"]),  # the move asks Merge or Replace
        ("a/" + NFD_CAFE + ".txt", NFC_CAFE + ".txt", ["a/" + NFD_CAFE + ".txt"]),  # its own name, re-encoded
        ("a/Photo.jpg", "photo.jpg", ["a/Photo.jpg"]),
    ],
)
def test_a_rename_onto_its_own_kind_or_its_own_name_is_left_to_the_move(
    old_key: str, new_name: str, existing: list[str]
) -> None:
    assert rename_problem(new_name, old_key, existing) is None


def test_a_folder_with_an_empty_name_is_no_namesake() -> None:
    """ "photos//" is the empty-named folder a key such as "photos//x.jpg" makes, not "photos"."""
    assert name_problem("photos", prefix="photos/", existing=["photos//"]) is None
