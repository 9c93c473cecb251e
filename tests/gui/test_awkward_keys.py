"""Keys with spaces, unicode, `#?%+&`, `//`, a trailing `/` and 1,024 bytes through delete,
rename, move, copy and paste in the window: each arrives byte for byte, never re-encoded (issue 8)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.history import Place
from spacesgui.core.transfers import TransferState
from tests.gui.bulk_helpers import answer, bodies, edit_actions, keys_in, seed, wait_all_finished
from tests.gui.conftest import wait_listed
from tests.gui.operations_helpers import row_of, select

Browse = Callable[[Iterable[str]], App]
LONG = "L" * 1020 + ".txt"  # a whole key of 1,024 bytes, S3's longest
LONG_RENAMED = "M" * 1020 + ".txt"
FILES = {
    "two  spaces .txt": b"spaces",
    "ünïcödé 日本語 ✓.txt": "ünïcödé".encode(),
    "#?%+&=;.txt": b"symbols",
    LONG: b"long",
}
FOLDER = {
    "odd/": b"",  # the folder's marker
    "odd/double//slash.txt": b"two slashes",
    "odd/trailing/": b"bytes in a key that ends in a slash",
    "odd/trailing/inner #?.txt": b"inner",
    "odd/ü ✓ %2F+&.txt": b"a percent-escape that is not one",
}
ALL = {**FILES, **FOLDER}
SELECTED = [*FILES, "odd/"]  # the rows a user selects: the four files and the folder


def test_the_long_key_is_1024_bytes() -> None:
    assert len(LONG.encode()) == len(LONG_RENAMED.encode()) == 1024


def open_awkward(browse_moto: Browse, store: S3Store, bucket: str, qtbot: QtBot) -> App:
    seed(store, bucket, {**ALL, "keep.txt": b"keep"})
    app = browse_moto([])
    app.window.refresh()
    qtbot.waitUntil(lambda: all(row_of(app, key) >= 0 for key in SELECTED), timeout=20_000)
    return app


def states(app: App) -> set[TransferState]:
    return {t.state for t in app.transfers.engine.transfers()}


def other_space(store: S3Store, unique_bucket: str) -> str:
    name = f"{unique_bucket[:45]}-other"
    store.client.create_bucket(Bucket=name)
    return name


def open_space(app: App, qtbot: QtBot, bucket: str, prefix: str = "") -> None:
    place = app.window.place
    assert place is not None
    app.window.navigate(Place(place.account_id, bucket, prefix))
    wait_listed(qtbot, app)


def rename_in_place(app: App, qtbot: QtBot, key: str, name: str) -> None:
    """Select `key`, press F2's action, type `name` and Enter, as a user renames."""
    qtbot.waitUntil(lambda: row_of(app, key) >= 0, timeout=20_000)
    select(app, key)
    edit_actions(app).rename_action.trigger()
    editors = [e for e in app.window.object_view.findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1
    editors[0].setText(name)
    qtbot.keyClick(editors[0], Qt.Key.Key_Return)


def test_deleting_awkward_keys_deletes_exactly_them(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = open_awkward(browse_moto, moto_store, moto_bucket, qtbot)
    select(app, *SELECTED)
    edit_actions(app).delete_action.trigger()
    box = answer(qtbot, edit_actions(app), "Delete")
    assert box.text().startswith("Delete 9 objects, ")
    wait_all_finished(qtbot, app, len(ALL))
    assert states(app) == {TransferState.DONE}
    assert keys_in(moto_store, moto_bucket) == {"keep.txt"}


def test_renaming_awkward_files_and_a_folder_of_awkward_keys_keeps_every_byte(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = open_awkward(browse_moto, moto_store, moto_bucket, qtbot)
    renames = [
        ("#?%+&=;.txt", "renamed #?%+&=; ü.txt"),
        (LONG, LONG_RENAMED),  # 1,024 bytes to 1,024 bytes
        ("odd/", "odd ✓ #?%+& 2"),  # a folder, renamed with Enter
    ]
    for count, (key, name) in enumerate(renames, start=1):
        rename_in_place(app, qtbot, key, name)
        wait_all_finished(qtbot, app, sum(len(FOLDER) if k == "odd/" else 1 for k, _n in renames[:count]))
    assert states(app) == {TransferState.DONE}
    expected = {
        "two  spaces .txt": FILES["two  spaces .txt"],
        "ünïcödé 日本語 ✓.txt": FILES["ünïcödé 日本語 ✓.txt"],
        "renamed #?%+&=; ü.txt": FILES["#?%+&=;.txt"],
        LONG_RENAMED: FILES[LONG],
        **{"odd ✓ #?%+& 2/" + key[len("odd/") :]: body for key, body in FOLDER.items()},
        "keep.txt": b"keep",
    }
    assert keys_in(moto_store, moto_bucket) == set(expected)
    assert bodies(moto_store, moto_bucket, expected) == expected


def test_cutting_awkward_keys_and_pasting_them_into_another_space_moves_each_byte_for_byte(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, unique_bucket: str, qtbot: QtBot
) -> None:
    other = other_space(moto_store, unique_bucket)
    app = open_awkward(browse_moto, moto_store, moto_bucket, qtbot)
    select(app, *SELECTED)
    edit_actions(app).cut_action.trigger()
    open_space(app, qtbot, other)
    edit_actions(app).paste_action.trigger()
    wait_all_finished(qtbot, app, len(ALL))
    assert states(app) == {TransferState.DONE}
    assert keys_in(moto_store, other) == set(ALL)
    assert bodies(moto_store, other, ALL) == ALL
    assert keys_in(moto_store, moto_bucket) == {"keep.txt"}


def test_copying_awkward_keys_and_pasting_them_elsewhere_copies_each_byte_for_byte(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, unique_bucket: str, qtbot: QtBot
) -> None:
    other = other_space(moto_store, unique_bucket)
    app = open_awkward(browse_moto, moto_store, moto_bucket, qtbot)
    select(app, *SELECTED)
    edit_actions(app).copy_action.trigger()
    open_space(app, qtbot, other)  # into another Space: every key as it was, the 1,024-byte one too
    edit_actions(app).paste_action.trigger()
    wait_all_finished(qtbot, app, len(ALL))
    open_space(app, qtbot, moto_bucket)  # and the folder into a folder of its own Space
    select(app, "odd/")
    edit_actions(app).copy_action.trigger()
    open_space(app, qtbot, moto_bucket, "dest/")
    edit_actions(app).paste_action.trigger()
    wait_all_finished(qtbot, app, len(ALL) + len(FOLDER))

    assert states(app) == {TransferState.DONE}
    assert keys_in(moto_store, other) == set(ALL)
    assert bodies(moto_store, other, ALL) == ALL
    copied = {"dest/" + key: body for key, body in FOLDER.items()}
    originals = {**ALL, "keep.txt": b"keep"}
    assert keys_in(moto_store, moto_bucket) == set(originals) | set(copied)
    assert bodies(moto_store, moto_bucket, {**originals, **copied}) == {**originals, **copied}
