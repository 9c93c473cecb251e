"""Cut rows are greyed, as a file manager greys cut files, until the cut is pasted or replaced."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.core.folder_node import Column
from tests.gui.conftest import wait_listed
from tests.gui.operations_helpers import painted_text, row_of, select
from tests.gui.test_object_operations import edit_actions, wait_done

Browse = Callable[[Iterable[str]], App]
AA = 4.5  # WCAG's contrast for body text


def painted(app: App, key: str) -> tuple[float, tuple[int, int, int]]:
    return painted_text(app, key, Column.TYPE)  # text only, no icon


def test_cut_rows_are_greyed_until_something_else_is_copied_and_a_paste_ungreys_them(
    browse_moto: Browse, qtbot: QtBot, palette: str
) -> None:
    app = browse_moto(["docs/a.md", "notes.txt", "zebra.txt", "target/x.txt"])
    view = app.window.object_view
    assert not view.isColumnHidden(Column.TYPE)
    plain_contrast, plain = painted(app, "zebra.txt")
    assert painted(app, "notes.txt")[1] == plain
    assert painted(app, "docs/")[1] == plain

    select(app, "notes.txt", "docs/")
    edit_actions(app).cut_action.trigger()
    for key in ("notes.txt", "docs/"):
        contrast, colour = painted(app, key)
        assert colour != plain  # greyed
        assert AA <= contrast < plain_contrast  # yet legible
    assert painted(app, "zebra.txt")[1] == plain  # not cut
    view.expand_folder(view.node_at("docs/"))  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: row_of(app, "docs/a.md") >= 0, timeout=30_000)
    assert painted(app, "docs/a.md")[1] != plain  # inside a cut folder: it moves too

    select(app, "zebra.txt")
    edit_actions(app).copy_action.trigger()  # a copy replaces the cut on the clipboard
    assert painted(app, "notes.txt")[1] == plain
    assert painted(app, "docs/")[1] == plain

    select(app, "notes.txt")
    edit_actions(app).cut_action.trigger()
    assert painted(app, "notes.txt")[1] != plain
    app.window.open_folder("target/")
    wait_listed(qtbot, app)
    edit_actions(app).paste_action.trigger()
    wait_done(qtbot, app)
    app.window.open_folder("")
    wait_listed(qtbot, app)
    qtbot.waitUntil(lambda: row_of(app, "zebra.txt") >= 0 and row_of(app, "notes.txt") < 0, timeout=30_000)
    assert QApplication.clipboard().text() == ""  # the cut was pasted: nothing is left greyed
    assert not app.window.object_view.flat.tree.is_cut("notes.txt")
