from __future__ import annotations

from spacesgui.ui.access_keys import with_access_letter


def test_a_words_first_letter_is_chosen_where_free_else_any_letter_of_the_text() -> None:
    taken: set[str] = set()
    texts = ["Upload Files…", "Upload Folder…", "Download", "Download To…", "Quit", "Query"]
    lettered = [with_access_letter(text, taken) for text in texts]
    assert lettered == ["&Upload Files…", "Upload &Folder…", "&Download", "Download &To…", "&Quit", "Qu&ery"]
    assert taken == {"u", "f", "d", "t", "q", "e"}


def test_a_text_with_an_ampersand_or_no_free_letter_stays_as_it_is() -> None:
    assert with_access_letter("R&D", set()) == "R&D"
    assert with_access_letter("Save && Quit", set()) == "Save && Quit"
    assert with_access_letter("ab", {"a", "b"}) == "ab"
    assert with_access_letter("…", set()) == "…"
