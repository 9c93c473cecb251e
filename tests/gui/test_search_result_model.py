"""The search's result rows after a rename or move: one row per key."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from spacesgui.core.search import SearchHits
from spacesgui.qtmodels.search_result_model import SearchResultModel


def test_moving_a_match_onto_another_match_leaves_one_row_for_that_key(
    qtbot: QtBot, qtmodeltester: Any
) -> None:
    model = SearchResultModel()
    model.append(SearchHits(["a.txt", "b.txt", "c.txt"], [1, 2, 3], [10.0, 20.0, 30.0], ["e1", "e2", "e3"]))

    assert model.move_keys({"a.txt": ("c.txt", 1, 40.0)}) == 1  # a.txt renamed over c.txt

    keys = [model.key(row) for row in range(model.rowCount())]
    assert sorted(keys) == ["b.txt", "c.txt"]
    row = model.row_of("c.txt")
    assert model.ref(row).size == 1  # the moved file's, not the replaced one's
    qtmodeltester.check(model)


def test_sorted_rows_stay_sorted_after_moves_and_deletes(qtbot: QtBot, qtmodeltester: Any) -> None:
    model = SearchResultModel()
    model.append(SearchHits(["d.txt", "b.txt", "a.txt"], [4, 2, 1], [1.0, 2.0, 3.0], ["", "", ""]))
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert [model.key(row) for row in range(3)] == ["a.txt", "b.txt", "d.txt"]

    assert model.move_keys({"a.txt": ("z.txt", 1, 4.0), "b.txt": ("c.txt", 2, 4.0)}) == 2
    assert model.remove_keys({"d.txt"}) == 1

    assert [model.key(row) for row in range(model.rowCount())] == ["c.txt", "z.txt"]
    qtmodeltester.check(model)
