"""Which search results a finished delete, rename or move takes away or moves."""

from __future__ import annotations

from spacesgui.core.search import SearchCriteria, SearchFilter
from spacesgui.core.search_follow import MovedTo, result_changes, row_runs
from spacesgui.core.transfers import Direction, Transfer, TransferState


def done(direction: Direction, bucket: str, key: str, **kw: str) -> Transfer:
    return Transfer(direction, "acc", bucket, key, "", 5, state=TransferState.DONE, **kw)  # type: ignore[arg-type]


def test_a_done_delete_takes_its_key_away_and_an_unfinished_one_does_not() -> None:
    running = done(Direction.DELETE, "b", "x.txt")
    running.state = TransferState.RUNNING
    changes = result_changes([done(Direction.DELETE, "b", "a.txt"), running], "acc", "b")
    assert changes.gone == {"a.txt"}
    assert not changes.moved


def test_a_move_in_the_space_moves_the_key_and_one_to_another_space_takes_it_away() -> None:
    inside = done(Direction.MOVE, "b", "new/a.txt", source_bucket="b", source_key="a.txt")
    away = done(Direction.MOVE, "other", "c.txt", source_bucket="b", source_key="c.txt")
    elsewhere = done(Direction.DELETE, "other", "d.txt")
    copied = done(Direction.COPY, "b", "e2.txt", source_bucket="b", source_key="e.txt")
    changes = result_changes([inside, away, elsewhere, copied], "acc", "b")
    assert changes.moved == {"a.txt": MovedTo("new/a.txt", 5)}
    assert changes.gone == {"c.txt"}


def test_another_accounts_space_of_the_same_name_is_left_alone() -> None:
    assert not result_changes([done(Direction.DELETE, "b", "a.txt")], "someone-else", "b")


def test_rows_group_into_runs_of_neighbours() -> None:
    assert row_runs([7, 1, 3, 2]) == [(1, 3), (7, 7)]
    assert row_runs([]) == []


def test_one_object_is_judged_by_the_same_terms_as_a_listing() -> None:
    still = SearchFilter(SearchCriteria(pattern="old-*"), "logs/")
    assert still.matches_one("logs/old-9.log", 5, 0.0)
    assert not still.matches_one("logs/new.log", 5, 0.0)
