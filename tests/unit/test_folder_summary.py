from __future__ import annotations

import pytest

from spacesgui.core.formatting import folder_summary


@pytest.mark.parametrize(
    ("objects", "folders", "size", "text"),
    [
        (0, 0, 0, "Empty folder"),
        (0, 3, 0, "3 folders"),
        (1, 0, 1_200_000, "1 object · 1.2 MB"),
        (65_000, 2, 3_900_000_000, "2 folders, 65,000 objects · 3.9 GB"),
    ],
)
def test_folder_summary_names_only_what_the_folder_holds(
    objects: int, folders: int, size: int, text: str
) -> None:
    assert folder_summary(objects, folders, size) == text
