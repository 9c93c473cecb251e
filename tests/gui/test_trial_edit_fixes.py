"""Fixes from the new-user trial: what Delete, Rename and the banners tell the user."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.history import Place
from tests.gui.conftest import wait_listed
from tests.gui.test_object_operations import click_in_box, edit_actions, keys_in, select, wait_done

Browse = Callable[[Iterable[str]], App]


def open_folder(qtbot: QtBot, app: App, prefix: str) -> None:
    place = app.window.place
    assert place is not None
    app.window.navigate(Place(place.account_id, place.bucket, prefix))
    wait_listed(qtbot, app)


def test_the_delete_confirmation_names_the_open_folder_and_no_ellipsis_when_all_are_listed(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["trips/lisbon/keep.png", "trips/lisbon/sunset.png", "trips/lisbon/holiday/a.png",
                       "trips/lisbon/holiday/b.png"])  # fmt: skip
    open_folder(qtbot, app, "trips/lisbon/")
    select(app, "trips/lisbon/sunset.png", "trips/lisbon/holiday/")
    edit_actions(app).delete_action.trigger()
    box = click_in_box(qtbot, edit_actions(app), "Delete")
    assert box.informativeText().startswith(f"From s3://{moto_bucket}/trips/lisbon/: sunset.png, holiday/\n")
    assert "…" not in box.informativeText()
    wait_done(qtbot, app, 3)
    assert keys_in(moto_store, moto_bucket) == {"trips/lisbon/keep.png"}
