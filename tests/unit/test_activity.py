"""The activity record's rules: redaction, what a transfer is called, filters, CSV."""

from __future__ import annotations

import csv
import io

import pytest

from spacesgui.core.activity import (
    ActivityAction,
    ActivityEntry,
    ActivityFilter,
    ActivityResult,
    to_csv,
    transfer_action,
    transfer_message,
    transfer_result,
    transfer_target,
)
from spacesgui.core.redaction import REDACTED, redact_thoroughly
from spacesgui.core.transfers import Direction, Transfer, TransferState

SPACES_SECRET = (
    "Xk3vQ9pL2mN7rT5wY8zB1cD4fG6hJ0kL3nP5sV7xZ9A"  # the shape of a Spaces secret: 43 base64 characters
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"auth failed for {SPACES_SECRET}", f"auth failed for {REDACTED}"),
        (f"token dop_v1_{'0a1b' * 16} refused", f"token {REDACTED} refused"),
        ("secret_key=hunter2 was sent", f"secret_key={REDACTED} was sent"),
        ("Password: hunter2", f"Password: {REDACTED}"),
        ("ETag d41d8cd98f00b204e9800998ecf8427e differs", "ETag d41d8cd98f00b204e9800998ecf8427e differs"),
        ("The server said: Access Denied", "The server said: Access Denied"),
    ],
)
def test_redact_hides_secrets_and_tokens_but_keeps_ordinary_words(text: str, expected: str) -> None:
    assert redact_thoroughly(text) == expected


def test_redact_hides_every_known_secret_even_a_short_one() -> None:
    assert (
        redact_thoroughly("used test-secret twice: test-secret", ["test-secret"])
        == f"used {REDACTED} twice: {REDACTED}"
    )
    assert redact_thoroughly("a b", ["a"]) == "a b"  # too short to be told from words


def test_object_names_keep_long_names_but_not_known_secrets() -> None:
    name = "IMG_20240101_Holiday_Beach_Panorama_0001.jpg"
    assert redact_thoroughly(name, keylike=False) == name
    assert (
        redact_thoroughly(f"notes/{SPACES_SECRET}.txt", [SPACES_SECRET], keylike=False)
        == f"notes/{REDACTED}.txt"
    )


def _t(direction: Direction, key: str, **kw: object) -> Transfer:
    return Transfer(direction, "acc", "b", key, "", 1, **kw)  # type: ignore[arg-type]


def test_a_move_within_its_folder_is_a_rename_and_elsewhere_a_move() -> None:
    assert transfer_action(_t(Direction.MOVE, "docs/b.txt", source_bucket="b", source_key="docs/a.txt")) is (
        ActivityAction.RENAME
    )
    assert transfer_action(_t(Direction.MOVE, "b.txt", source_bucket="b", source_key="docs/b.txt")) is (
        ActivityAction.MOVE
    )
    assert transfer_action(_t(Direction.MOVE, "a.txt", source_bucket="other", source_key="a.txt")) is (
        ActivityAction.MOVE
    )
    assert transfer_action(_t(Direction.ACCESS, "a.txt")) is ActivityAction.ACL


def test_transfer_results_targets_and_messages() -> None:
    failed = _t(Direction.UPLOAD, "a.txt", state=TransferState.FAILED, error="Disk full")
    assert (transfer_result(failed), transfer_target(failed), transfer_message(failed)) == (
        ActivityResult.FAILED, "a.txt", "Disk full",
    )  # fmt: skip
    assert transfer_result(_t(Direction.UPLOAD, "a", state=TransferState.SKIPPED)) is None
    assert transfer_result(_t(Direction.UPLOAD, "a", state=TransferState.RUNNING)) is None
    copy = _t(Direction.COPY, "x/a.txt", source_bucket="src", source_key="a.txt", state=TransferState.DONE)
    assert transfer_target(copy) == "src/a.txt → x/a.txt"


def _upload(local: str, key: str) -> Transfer:
    return Transfer(Direction.UPLOAD, "acc", "b", key, local, 1, state=TransferState.DONE, verified="MD5")


def test_an_upload_kept_beside_an_existing_name_says_which_name_was_there() -> None:
    assert transfer_message(_upload("/home/ada/photo.jpg", "trips/photo (1).jpg")) == (
        "verified: MD5; kept both: “photo.jpg” was there already"
    )
    assert transfer_message(_upload("C:\\Users\\ada\\backup.tar.gz", "backup (12).tar.gz")).endswith(
        "kept both: “backup.tar.gz” was there already"
    )
    # Counting on from a counter the name had.
    assert transfer_message(_upload("/home/ada/photo (1).jpg", "photo (2).jpg")).endswith(
        "kept both: “photo (1).jpg” was there already"
    )
    # Its own name, even one with a counter: nothing to explain.
    assert transfer_message(_upload("/home/ada/photo (1).jpg", "photo (1).jpg")) == "verified: MD5"
    assert transfer_message(_upload("/home/ada/photo.jpg", "photo.jpg")) == "verified: MD5"
    assert transfer_message(_upload("/home/ada/photo.jpg", "photo (x).jpg")) == "verified: MD5"


ENTRY = ActivityEntry(0.0, "Work", "photos", "a,b.jpg", ActivityAction.UPLOAD, ActivityResult.OK, 'say "hi"')


def test_filter_matches_text_in_any_field_and_each_choice() -> None:
    assert ActivityFilter("PHOTOS").matches(ENTRY)
    assert ActivityFilter(
        "hi", account="Work", action=ActivityAction.UPLOAD, result=ActivityResult.OK
    ).matches(ENTRY)
    assert not ActivityFilter(account="Home").matches(ENTRY)
    assert not ActivityFilter(action=ActivityAction.DELETE).matches(ENTRY)
    assert not ActivityFilter(result=ActivityResult.FAILED).matches(ENTRY)
    assert not ActivityFilter("nothing like it").matches(ENTRY)


def test_csv_quotes_commas_and_quotes_and_gives_utc_times() -> None:
    text = to_csv([ENTRY])
    assert '"a,b.jpg"' in text
    assert '"say ""hi"""' in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["1970-01-01T00:00:00Z", "Work", "photos", "a,b.jpg", "Upload", "ok", 'say "hi"']
