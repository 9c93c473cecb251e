"""The CORS table keeps Allowed origins readable at any width (trial item 10)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from spacesgui.core.cors import CorsRule
from spacesgui.qtmodels.cors_rule_model import CorsColumn, CorsRuleModel
from spacesgui.ui.settings.cors_rules_panel import CorsRulesPanel

TEXT_COLUMNS = (CorsColumn.ID, CorsColumn.ALLOWED_HEADERS, CorsColumn.EXPOSE_HEADERS, CorsColumn.MAX_AGE)


@pytest.mark.parametrize("width", [560, 735, 900, 1400])
def test_allowed_origins_is_never_cut_and_is_the_widest_text_column(qtbot: QtBot, width: int) -> None:
    model = CorsRuleModel()
    model.set_rules(
        [CorsRule(rule_id="allow-get-from-anywhere", origins=("https://example.com",), methods=("GET",))]
    )
    panel = CorsRulesPanel(model)
    qtbot.addWidget(panel)
    panel.resize(width, 400)
    panel.show()
    qtbot.waitExposed(panel)
    header = panel.table.horizontalHeader()

    def size(column: CorsColumn) -> int:
        return header.sectionSize(column)

    title = model.headerData(CorsColumn.ORIGINS, Qt.Orientation.Horizontal)
    assert size(CorsColumn.ORIGINS) > header.fontMetrics().horizontalAdvance(str(title)) + 12
    assert size(CorsColumn.ORIGINS) >= max(size(c) for c in TEXT_COLUMNS)
    for column in TEXT_COLUMNS:  # each title still readable
        text = str(model.headerData(column, Qt.Orientation.Horizontal))
        assert size(column) >= header.fontMetrics().horizontalAdvance(text)
    used = sum(size(c) for c in CorsColumn)
    if width >= 900:  # wide enough: the table is filled, no horizontal scrolling
        assert used <= panel.table.viewport().width()
        assert used >= panel.table.viewport().width() - 2
