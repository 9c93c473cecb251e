from __future__ import annotations

from spacesgui.core.history import History, Place


def test_back_and_forward_walk_the_visited_places() -> None:
    history = History()
    for prefix in ("", "a/", "a/b/"):
        history.visit(Place("acct", "space", prefix))
    assert history.back() == Place("acct", "space", "a/")
    assert history.back() == Place("acct", "space", "")
    assert history.back() is None
    assert history.forward() == Place("acct", "space", "a/")


def test_visiting_after_going_back_drops_the_forward_places() -> None:
    history = History()
    history.visit(Place("acct", "s", ""))
    history.visit(Place("acct", "s", "x/"))
    history.back()
    history.visit(Place("acct", "s", "y/"))
    assert not history.can_go_forward()


def test_visiting_the_current_place_again_adds_nothing() -> None:
    history = History()
    history.visit(Place("acct", "s", ""))
    history.visit(Place("acct", "s", ""))
    assert not history.can_go_back()


def test_forgetting_an_account_removes_its_places() -> None:
    history = History()
    history.visit(Place("gone", "s", ""))
    history.visit(Place("kept", "s", ""))
    history.forget_account("gone")
    assert not history.can_go_back()


def test_came_from_names_the_child_folder_that_leads_back_when_going_up() -> None:
    from spacesgui.core.history import came_from

    assert came_from(Place("a", "s", "x/y/z/"), Place("a", "s", "x/")) == "x/y/"
    assert came_from(Place("a", "s", "x/"), Place("a", "s", "")) == "x/"
    assert came_from(Place("a", "s", ""), Place("a", "s", "x/")) == ""
    assert came_from(Place("a", "s", "x/"), Place("a", "other", "")) == ""


def test_back_and_forward_remember_the_key_selected_in_each_place_as_it_was_left() -> None:
    history = History()
    root, docs, guide = Place("a", "s", ""), Place("a", "s", "docs/"), Place("a", "s", "docs/guide/")
    history.visit(root)
    history.visit(docs, leaving_on="zeta.txt")
    history.visit(guide, leaving_on="docs/readme.txt")
    assert history.back(leaving_on="") == docs
    assert history.selected_when_left(docs) == "docs/readme.txt"
    assert history.back(leaving_on="docs/guide/") == root
    assert history.selected_when_left(root) == "zeta.txt"
    assert history.forward() == docs
    assert history.selected_when_left(docs) == "docs/guide/"  # changed on the way back
    assert history.selected_when_left(guide) == ""  # left with nothing selected


def test_forgetting_an_account_forgets_what_was_selected_in_its_places() -> None:
    history = History()
    history.visit(Place("gone", "s", ""))
    history.visit(Place("kept", "s", ""), leaving_on="x.txt")
    history.forget_account("gone")
    assert history.selected_when_left(Place("gone", "s", "")) == ""
