"""View → Show Deleted Files on moto: deleted rows greyed, a folder of deleted files, Restore (issue 12, item 5)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.bucket_settings import VersioningState
from spacesgui.core.deleted import DELETED_LABEL
from spacesgui.core.folder_node import Column, LoadState
from spacesgui.core.history import Place
from spacesgui.qtmodels.roles import ObjectRole
from spacesgui.ui.browser.deleted_files import UNVERSIONED_TIP
from tests.gui.operations_helpers import painted_text, row_of, select
from tests.gui.test_object_operations import edit_actions

Browse = Callable[[Iterable[str]], App]
AA = 4.5


@pytest.fixture
def s3_folders(moto_endpoint: str) -> Iterator[None]:
    """Make moto list folders as S3 and Spaces do: not one whose every key is deleted.

    moto 5 (S3Backend.list_objects) adds the folder of every key, a delete marker's too, so a
    folder of deleted files would show as a live one; AWS and Ceph RGW (Spaces) list no such
    folder (seaweedfs/seaweedfs#10416 compares them). moto's server runs in this process.
    """
    from moto.s3.models import FakeDeleteMarker, S3Backend

    original = S3Backend.list_objects

    def list_objects(self: Any, bucket: Any, prefix: Any, delimiter: Any, *args: Any, **kwargs: Any) -> Any:
        keys, folders, *rest = original(self, bucket, prefix, delimiter, *args, **kwargs)
        live = [
            f for f in folders
            if any(n.startswith(f) and not isinstance(k, FakeDeleteMarker) for n, k in bucket.keys.items())
        ]  # fmt: skip
        return (keys, live, *rest)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(S3Backend, "list_objects", list_objects)
        yield


def put_and_delete(store: S3Store, bucket: str, live: list[str], deleted: list[str]) -> None:
    client = store.client
    client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for key in live + deleted:
        client.put_object(Bucket=bucket, Key=key, Body=f"bytes of {key}".encode())
    for key in deleted:
        client.delete_object(Bucket=bucket, Key=key)


def show_deleted(qtbot: QtBot, app: App, *expected: str) -> None:
    """Turn the toggle on once the Space is known to keep versions; wait for `expected` rows."""
    toggle = app.window.deleted_files.toggle_action
    qtbot.waitUntil(toggle.isEnabled, timeout=30_000)
    toggle.trigger()
    qtbot.waitUntil(
        lambda: all(row_of(app, key) >= 0 for key in expected) and not app.window.model.is_refreshing(),
        timeout=30_000,
    )


def deleted_rows(app: App) -> dict[str, bool]:
    """Every row's key → whether it shows deleted."""
    flat = app.window.object_view.flat
    return {
        flat.index(r, 0).data(ObjectRole.KEY): bool(flat.index(r, 0).data(ObjectRole.DELETED))
        for r in range(flat.rowCount())
    }


def test_the_toggle_shows_exactly_the_deleted_files_greyed_sorted_and_filtered_with_the_others_across_pages(
    browse_moto: Browse,
    moto_store: S3Store,
    moto_bucket: str,
    qtbot: QtBot,
    s3_folders: None,
    qtmodeltester: Any,
) -> None:
    put_and_delete(
        moto_store, moto_bucket,
        live=["a.txt", "c.txt", "docs/keep.txt"],
        deleted=["b.txt", "d0.txt", "d1.txt", "d2.txt", "trash/x.txt", "trash/y.txt"],
    )  # fmt: skip
    app = browse_moto([])
    app.browser.deleted_page_size = 2  # the versions listing crosses pages
    assert set(deleted_rows(app)) == {"a.txt", "c.txt", "docs/"}

    show_deleted(qtbot, app, "b.txt", "trash/")

    assert deleted_rows(app) == {
        "docs/": False, "trash/": True,
        "a.txt": False, "b.txt": True, "c.txt": False, "d0.txt": True, "d1.txt": True, "d2.txt": True,
    }  # fmt: skip
    assert list(deleted_rows(app)) == [
        "docs/",
        "trash/",
        "a.txt",
        "b.txt",
        "c.txt",
        "d0.txt",
        "d1.txt",
        "d2.txt",
    ]
    flat = app.window.object_view.flat
    gone, kept = flat.index(row_of(app, "b.txt"), Column.NAME), flat.index(row_of(app, "a.txt"), Column.NAME)
    colour = gone.data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(colour, QColor)
    assert colour != QApplication.palette().color(QApplication.palette().ColorRole.Text)
    font = gone.data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont)
    assert font.italic()
    assert gone.siblingAtColumn(Column.ACCESS).data() == DELETED_LABEL  # said in words, not only in grey
    assert gone.data(Qt.ItemDataRole.AccessibleDescriptionRole) == DELETED_LABEL  # and to a screen reader
    assert gone.siblingAtColumn(Column.SIZE).data(ObjectRole.SORT) == len(b"bytes of b.txt")
    assert app.window.status_label.text().endswith(" · 5 deleted")  # counted apart: four files and a folder
    assert kept.data(Qt.ItemDataRole.ForegroundRole) is None
    assert kept.data(Qt.ItemDataRole.FontRole) is None
    trash = flat.index(row_of(app, "trash/"), Column.NAME)
    assert trash.data(Qt.ItemDataRole.FontRole) is not None
    qtmodeltester.check(flat, force_py=True)  # the roles deleted rows add are of Qt's types

    app.window.filter_edit.setText("d*")
    qtbot.waitUntil(
        lambda: list(deleted_rows(app)) == ["docs/", "d0.txt", "d1.txt", "d2.txt"], timeout=10_000
    )
    app.window.filter_edit.setText("")

    app.window.deleted_files.toggle_action.trigger()  # off: the deleted rows go
    qtbot.waitUntil(lambda: set(deleted_rows(app)) == {"a.txt", "c.txt", "docs/"}, timeout=30_000)


def test_restore_brings_a_file_and_a_folders_files_back_and_their_rows_turn_normal(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot, s3_folders: None
) -> None:
    put_and_delete(
        moto_store, moto_bucket, live=["a.txt"], deleted=["b.txt", "trash/x.txt", "trash/in/y.txt"]
    )
    app = browse_moto([])
    show_deleted(qtbot, app, "b.txt", "trash/")
    window = app.window

    select(app, "b.txt")
    window.deleted_files.update_enabled()
    edit_actions(app).update_enabled()
    window.object_actions.update_enabled()
    assert window.deleted_files.restore_action.isEnabled()
    assert not edit_actions(app).delete_action.isEnabled()  # nothing that needs the bytes
    assert not edit_actions(app).rename_action.isEnabled()
    assert not window.object_actions.share_action.isEnabled()
    window.versions.update_enabled()
    assert window.versions.action.isEnabled()
    index = window.object_view.flat.index(row_of(app, "b.txt"), Column.NAME)
    assert not index.flags() & Qt.ItemFlag.ItemIsEditable

    window.deleted_files.restore_action.trigger()
    qtbot.waitUntil(lambda: deleted_rows(app).get("b.txt") is False, timeout=30_000)  # no manual refresh
    qtbot.waitUntil(lambda: window.banner.text() == "Restored 1 file.", timeout=10_000)
    body = moto_store.client.get_object(Bucket=moto_bucket, Key="b.txt")["Body"].read()
    assert body == b"bytes of b.txt"

    select(app, "trash/")
    window.deleted_files.restore_action.trigger()
    qtbot.waitUntil(lambda: deleted_rows(app).get("trash/") is False, timeout=30_000)
    qtbot.waitUntil(lambda: window.banner.text() == "Restored 2 files.", timeout=10_000)
    for key in ("trash/x.txt", "trash/in/y.txt"):
        assert (
            moto_store.client.get_object(Bucket=moto_bucket, Key=key)["Body"].read()
            == f"bytes of {key}".encode()
        )
    assert not any(deleted_rows(app).values())


def test_the_toggle_is_disabled_on_a_space_without_versioning_says_why_and_follows_the_setting(
    browse_moto: Browse, qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt"])
    toggle = app.window.deleted_files.toggle_action
    qtbot.waitUntil(lambda: toggle.toolTip() == UNVERSIONED_TIP, timeout=30_000)
    assert not toggle.isEnabled()
    assert not toggle.isChecked()

    service = app.window.space_settings._service  # turned on in Space Settings: the toggle follows
    place = app.window.place
    assert place is not None
    app.window.spawn(service.set_versioning(place.account_id, place.bucket, VersioningState.ENABLED))
    qtbot.waitUntil(toggle.isEnabled, timeout=30_000)


def test_delete_s_question_in_a_space_that_keeps_versions_says_the_files_can_be_restored(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """Before, it said “This cannot be undone.” where Show Deleted Files → Restore brings
    the file back (the new-user pass)."""
    put_and_delete(moto_store, moto_bucket, live=["about.html"], deleted=[])
    app = browse_moto([])
    toggle = app.window.deleted_files.toggle_action
    qtbot.waitUntil(toggle.isEnabled, timeout=30_000)  # the Space is known to keep versions
    select(app, "about.html")
    edit = edit_actions(app)
    edit.delete_action.trigger()
    qtbot.waitUntil(lambda: edit.last_box is not None and edit.last_box.isVisible(), timeout=30_000)
    box = edit.last_box
    assert box is not None
    assert box.informativeText().endswith(
        "This Space keeps versions: deleted files can be restored from View → Show Deleted Files."
    )
    next(b for b in box.buttons() if b.text() == "Delete").click()
    qtbot.waitUntil(
        lambda: not moto_store.client.list_objects_v2(Bucket=moto_bucket).get("Contents"), timeout=30_000
    )
    show_deleted(qtbot, app)  # as it says
    qtbot.waitUntil(lambda: deleted_rows(app) == {"about.html": True}, timeout=30_000)


def test_deleted_rows_are_painted_greyed_yet_legible(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot, palette: str
) -> None:
    put_and_delete(moto_store, moto_bucket, live=["alive-and-well.txt"], deleted=["deleted-file.txt"])
    app = browse_moto([])
    show_deleted(qtbot, app, "deleted-file.txt")

    def painted(key: str) -> tuple[float, tuple[int, int, int]]:
        return painted_text(app, key, Column.SIZE)  # text only, no icon

    live_contrast, live_colour = painted("alive-and-well.txt")
    gone_contrast, gone_colour = painted("deleted-file.txt")
    assert gone_colour != live_colour  # greyed
    assert gone_contrast < live_contrast
    assert gone_contrast >= AA  # yet legible


def test_versions_the_key_may_not_list_are_said_in_the_banner_and_the_live_files_stay(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    from moto.s3.exceptions import AccessDeniedByLock
    from moto.s3.models import S3Backend

    put_and_delete(moto_store, moto_bucket, live=["a.txt"], deleted=["b.txt"])
    app = browse_moto([])

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AccessDeniedByLock  # as a key without s3:ListBucketVersions is answered

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(S3Backend, "list_object_versions", refuse)
        toggle = app.window.deleted_files.toggle_action
        qtbot.waitUntil(toggle.isEnabled, timeout=30_000)
        toggle.trigger()
        qtbot.waitUntil(lambda: "could not all be listed" in app.window.banner.text(), timeout=30_000)
    assert deleted_rows(app) == {"a.txt": False}
    assert app.window.model.root.state == LoadState.LOADED


def test_opening_another_versioned_space_with_the_toggle_on_does_not_list_it_without_then_with_deleted(
    browse_moto: Browse, moto_store: S3Store, moto_bucket: str, moto_account: Any, qtbot: QtBot
) -> None:
    put_and_delete(moto_store, moto_bucket, ["a.txt"], ["gone.txt"])
    other = f"{moto_bucket}-other"
    moto_store.client.create_bucket(Bucket=other)
    put_and_delete(moto_store, other, ["b.txt"], ["gone-too.txt"])
    app = browse_moto([])
    show_deleted(qtbot, app, "gone.txt")
    model = app.window.model
    asked: list[bool] = []
    original = model.set_show_deleted
    model.set_show_deleted = lambda on: (asked.append(on), original(on))[1]  # type: ignore[method-assign]

    app.window.navigate(Place(moto_account.id, other, ""))

    qtbot.waitUntil(lambda: row_of(app, "gone-too.txt") >= 0 and not model.is_refreshing(), timeout=30_000)
    assert False not in asked  # "Checking…" no longer turns the listing off and on again
    # The listing may end before the answer to "does it keep versions?" (a loaded machine:
    # a full suite run saw it); the toggle shows on once that answer is in.
    toggle = app.window.deleted_files.toggle_action
    qtbot.waitUntil(toggle.isEnabled, timeout=30_000)
    assert toggle.isChecked()
    assert False not in asked


@pytest.fixture
def versions_listed(moto_endpoint: str) -> Iterator[list[str]]:
    """The prefix of every ListObjectVersions request moto's server (in this process) answers."""
    from moto.s3.models import S3Backend

    original = S3Backend.list_object_versions
    prefixes: list[str] = []

    def list_object_versions(self: Any, bucket_name: str, *args: Any, **kwargs: Any) -> Any:
        prefixes.append(kwargs.get("prefix") or "")
        return original(self, bucket_name, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(S3Backend, "list_object_versions", list_object_versions)
        yield prefixes


def auto_refreshed(qtbot: QtBot, app: App) -> None:
    """Let the auto-refresh timer fire once and wait for its listing to be applied."""
    app.window.auto_refresh.timeout.emit()
    assert app.window.model.is_refreshing()  # it started (and was not skipped)
    qtbot.waitUntil(lambda: not app.window.model.is_refreshing(), timeout=30_000)


def test_auto_refresh_lists_the_versions_again_only_when_a_live_file_went_away_and_f5_always_does(
    browse_moto: Browse,
    moto_store: S3Store,
    moto_bucket: str,
    qtbot: QtBot,
    s3_folders: None,
    versions_listed: list[str],
) -> None:
    put_and_delete(moto_store, moto_bucket, live=["a.txt", "c.txt"], deleted=["b.txt"])
    app = browse_moto([])
    show_deleted(qtbot, app, "b.txt")
    client = moto_store.client
    listed = len(versions_listed)
    assert listed >= 1

    # Another tool uploads a file: the timer's refresh shows it, from the live listing alone.
    client.put_object(Bucket=moto_bucket, Key="new.txt", Body=b"new")
    auto_refreshed(qtbot, app)
    assert deleted_rows(app) == {"a.txt": False, "b.txt": True, "c.txt": False, "new.txt": False}
    assert len(versions_listed) == listed

    # Another tool deletes a file: it went away from the live listing, so the versions are
    # listed again and it shows deleted.
    client.delete_object(Bucket=moto_bucket, Key="a.txt")
    auto_refreshed(qtbot, app)
    assert deleted_rows(app) == {"a.txt": True, "b.txt": True, "c.txt": False, "new.txt": False}
    assert len(versions_listed) == listed + 1

    # Another tool removes b.txt's every version for good: the timer cannot know, F5 does.
    history = client.list_object_versions(Bucket=moto_bucket, Prefix="b.txt")
    for version in history.get("Versions", []) + history.get("DeleteMarkers", []):
        client.delete_object(Bucket=moto_bucket, Key="b.txt", VersionId=version["VersionId"])
    listed = len(versions_listed)  # with this test's own request
    auto_refreshed(qtbot, app)
    assert len(versions_listed) == listed
    assert deleted_rows(app)["b.txt"] is True
    app.window.refresh()
    qtbot.waitUntil(lambda: "b.txt" not in deleted_rows(app), timeout=30_000)
    assert deleted_rows(app) == {"a.txt": True, "c.txt": False, "new.txt": False}
    assert len(versions_listed) == listed + 1
