"""Transfer.copy(), written out field by field for speed, must still copy every field."""

from __future__ import annotations

from dataclasses import fields

from spacesgui.core.transfers import Direction, Transfer, TransferState


def _unlike_the_default(value: object) -> object:
    """A value of the same type as `value` that differs from it."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, Direction):
        return Direction.MOVE if value != Direction.MOVE else Direction.COPY
    if isinstance(value, TransferState):
        return TransferState.PAUSED if value != TransferState.PAUSED else TransferState.DONE
    if isinstance(value, int | float):
        return value + 7
    if isinstance(value, str):
        return value + "-changed"
    if isinstance(value, dict):
        return {**value, "author": "ada"}
    raise AssertionError(f"no other value for {value!r}: extend this test")


def test_a_copy_has_every_field_and_its_own_metadata() -> None:
    original = Transfer(Direction.UPLOAD, "acct", "bucket", "key", "/tmp/file", 10)
    for item in fields(Transfer):
        setattr(original, item.name, _unlike_the_default(getattr(original, item.name)))

    copy = original.copy()

    assert copy is not original
    for item in fields(Transfer):
        assert getattr(copy, item.name) == getattr(original, item.name), item.name
    assert copy.metadata is not original.metadata
    copy.metadata["author"] = "someone else"
    assert original.metadata["author"] == "ada"
