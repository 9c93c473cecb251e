"""Properties of a selection: shared values, "(mixed)", and edits that leave untouched fields alone."""

from __future__ import annotations

import pytest

from spacesgui.core.object_headers import ObjectHeaders
from spacesgui.core.property_edits import MIXED, HeaderEdit, Shared, edit_problems, shared, summarize

HTML = ObjectHeaders(
    content_type="text/html", cache_control="max-age=60", metadata={"author": "ada", "team": "a"}
)
CSS = ObjectHeaders(
    content_type="text/css", cache_control="max-age=60", metadata={"author": "ada", "team": "b"}
)
BARE = ObjectHeaders(content_type="text/plain", cache_control="max-age=60", metadata={"team": "a"})


def test_one_value_is_shared_and_differing_values_are_mixed() -> None:
    assert shared(["a", "a"]) == Shared("a")
    assert shared(["a", "b"]) == Shared(mixed=True)
    assert shared([]) == Shared("")
    assert Shared(mixed=True).shown == MIXED


def test_a_selection_shows_what_its_objects_share_and_mixed_where_they_differ() -> None:
    summary = summarize([HTML, CSS, BARE])

    assert summary.fields["cache_control"] == Shared("max-age=60")
    assert summary.fields["content_type"].mixed
    assert summary.fields["content_disposition"] == Shared("")
    assert summary.metadata["team"].mixed
    assert summary.metadata["author"].mixed  # BARE has no author


def test_an_edit_changes_only_what_was_typed_and_each_object_keeps_the_rest() -> None:
    edit = HeaderEdit(fields={"cache_control": " no-cache "})

    assert edit.apply(HTML) == HTML.with_changes(cache_control="no-cache")
    assert edit.apply(CSS).content_type == "text/css"
    assert edit.apply(CSS).metadata == {"author": "ada", "team": "b"}


def test_metadata_renames_move_each_objects_own_value_then_removals_then_values() -> None:
    edit = HeaderEdit(
        renamed={"team": "X-Amz-Meta-Group"}, removed=frozenset({"author"}), set_metadata={"new": " 1 "}
    )

    assert edit.apply(HTML).metadata == {"group": "a", "new": "1"}
    assert edit.apply(CSS).metadata == {"group": "b", "new": "1"}
    assert edit.apply(ObjectHeaders()).metadata == {"new": "1"}


def test_an_edit_that_changes_nothing_is_empty() -> None:
    assert HeaderEdit().empty
    assert not HeaderEdit(removed=frozenset({"a"})).empty


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (HeaderEdit(fields={"cache_control": "café"}), "Cache-Control can hold only plain printable ASCII"),
        (HeaderEdit(fields={"content_type": "html"}), "names a type and a subtype"),
        (HeaderEdit(set_metadata={"": "value"}), "needs a name"),
        (HeaderEdit(renamed={"team": "bad name"}), "can use only letters"),
        (HeaderEdit(set_metadata={"a": "x" * 3000}), "at most 2,048 bytes"),
    ],
)
def test_values_that_cannot_be_sent_are_named_in_words(edit: HeaderEdit, problem: str) -> None:
    assert any(problem in p for p in edit_problems(edit)), edit_problems(edit)


def test_good_values_have_no_problems() -> None:
    edit = HeaderEdit(fields={"content_type": "text/html", "expires": ""}, set_metadata={"Author": "Ada"})

    assert edit_problems(edit) == []
