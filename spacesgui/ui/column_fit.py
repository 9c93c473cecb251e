"""Columns that give way, in order, so a view's name column keeps its room in a narrow window.

The object list and the Transfers panel both hide their least needed columns first while
the name would get less than it needs, and show them again when there is room. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from PySide6.QtWidgets import QHeaderView

C = TypeVar("C", bound=int)  # a view's column (an IntEnum member, or a plain index)


def yield_columns(
    header: QHeaderView, widths: dict[C, int], yielding: Sequence[C], width: int, name_needs: int
) -> int:
    """Hide the columns of `yielding`, in order, while the name would get under `name_needs` of
    `width`; show the others again. `widths` holds every column's width but the name's: the
    shown ones are read from `header` first, the hidden ones kept from when they showed.
    Returns the width the shown columns take."""
    for column in widths:
        if not header.isSectionHidden(column):
            widths[column] = header.sectionSize(column)
    others = sum(widths.values())
    hide: set[C] = set()
    for column in yielding:
        if width - others >= name_needs:
            break
        hide.add(column)
        others -= widths[column]
    for column in yielding:
        if header.isSectionHidden(column) != (column in hide):
            header.setSectionHidden(column, column in hide)
    return others
