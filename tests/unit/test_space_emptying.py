"""The words and the tally of emptying a Space before Delete Space deletes it."""

from __future__ import annotations

from spacesgui.core.space_emptying import (
    EmptyingTally,
    Leftover,
    empty_space_question,
    not_deleted_text,
    uploads_choice,
)
from spacesgui.core.transfers import Direction, Transfer, TransferState

State = TransferState


def delete(key: str) -> Transfer:
    return Transfer(Direction.DELETE, "acct", "photos", key, "", 1)


def ended(t: Transfer, state: TransferState, error: str = "") -> Transfer:
    copy = t.copy()
    copy.state, copy.error = state, error
    return copy


def test_the_question_states_count_and_size_as_the_issue_words_it() -> None:
    assert (
        empty_space_question("photos", 12_408, 3_100_000_000)
        == "“photos” holds 12,408 objects, 3.1 GB. Delete them all and then the Space?"
    )
    assert empty_space_question("p", 1, 1) == "“p” holds 1 object, 1 byte. Delete it and then the Space?"
    assert uploads_choice(2).startswith("Also abort its 2 incomplete uploads")


def test_the_tally_finishes_only_when_every_delete_has_and_a_retried_one_is_waited_for_again() -> None:
    a, b = delete("a"), delete("b")
    tally = EmptyingTally([a, b])
    assert not tally.finished
    tally.update(ended(a, State.DONE))
    tally.update(ended(b, State.FAILED, "Not deleted: Access Denied"))
    assert tally.finished
    assert tally.leftovers() == [Leftover("b", State.FAILED, "Not deleted: Access Denied")]
    tally.update(ended(b, State.QUEUED))  # Retry
    assert not tally.finished
    tally.update(ended(b, State.DONE))
    assert tally.finished
    assert tally.leftovers() == []


def test_a_delete_removed_from_the_queue_unfinished_is_a_leftover_and_others_are_ignored() -> None:
    a, b = delete("a"), delete("b")
    tally = EmptyingTally([a, b])
    tally.update(ended(delete("elsewhere"), State.FAILED))  # not one of ours
    tally.update(ended(a, State.DONE))
    tally.removed(a.id)  # Clear Finished: a stays done
    tally.removed(b.id)
    assert tally.finished
    assert [(left.key, left.state) for left in tally.leftovers()] == [("b", State.CANCELLED)]


def test_the_refusal_text_names_a_few_keys_with_their_reasons_and_counts_the_rest() -> None:
    leftovers = [Leftover(f"k{i}", State.FAILED, "Not deleted: Access Denied.") for i in range(5)]
    title, message = not_deleted_text("photos", leftovers, 12_408)
    assert title == "The Space “photos” was not deleted"
    assert message.startswith(
        "5 of its 12,408 objects could not be deleted: “k0”, “k1”, “k2” (Access Denied) and 2 more. "
    )
    _title, mixed = not_deleted_text("p", [leftovers[0], Leftover("x", State.CANCELLED, "")], 2)
    assert "“k0” (Access Denied); “x” (cancelled)." in mixed
