"""The search's result rows after a rename or move: one row per key."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from spacesgui.core.search import SearchHits
from spacesgui.qtmodels.search_result_model import SearchResultModel


def test_moving_a_match_onto_another_match_leaves_one_row_for_that_key(
    qtbot: QtBot, qtmodeltester: Any
) -> None:
    model = SearchResultModel()
    model.append(SearchHits(["a.txt", "b.txt", "c.txt"], [1, 2, 3], [10.0, 20.0, 30.0], ["e1", "e2", "e3"]))

    assert model.move_key("a.txt", "c.txt", 1, 40.0)  # a.txt renamed over c.txt

    keys = [model.key(row) for row in range(model.rowCount())]
    assert sorted(keys) == ["b.txt", "c.txt"]
    row = model.row_of("c.txt")
    assert model.ref(row).size == 1  # the moved file's, not the replaced one's
    qtmodeltester.check(model)
