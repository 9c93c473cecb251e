"""Open, Open With… and edit-and-re-upload, against moto, through the real window and engine."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from spacesgui.adapters.desktop_apps import XdgDesktopApps
from spacesgui.adapters.opened_copies import TempCopies
from spacesgui.app import App
from spacesgui.core.opened_files import ChangedCopy
from spacesgui.ui.open.file_opener import FileOpener
from tests.gui.conftest import wait_listed
from tests.gui.operations_helpers import press, row_of, select

NOTE = "notes/todo.txt"
BODY = b"first line\nsecond line\n"


@dataclass
class Opening:
    app: App
    opener: FileOpener
    root: Path
    store: Any
    bucket: str
    launched: list[str] = field(default_factory=list)
    programs: list[list[str]] = field(default_factory=list)

    def server_bytes(self, key: str) -> bytes:
        return bytes(self.store.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())

    def banner_text(self) -> str:
        label = self.app.window.banner.findChild(QLabel, "messageText")
        return label.text() if self.app.window.banner.isVisible() else ""

    def double_click(self, key: str) -> None:
        view = self.app.window.object_view
        index = view.flat.index(row_of(self.app, key), 0)
        assert index.isValid(), f"{key} is not shown"
        center = view.visualRect(index).center()
        # QTest's double-click sends only the double-click event; a real one follows a
        # press and release, which the view needs to know which row it is on.
        self.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
        self.qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)

    qtbot: QtBot = field(default=None)  # type: ignore[assignment]


@pytest.fixture
def opening(
    browse_moto: Callable[[Iterable[str]], App],
    moto_store: Any,
    moto_bucket: str,
    tmp_path: Path,
    qtbot: QtBot,
) -> Opening:
    """A window on a moto Space holding notes/todo.txt (with headers, metadata, public-read);
    opened copies go under tmp_path and programs are recorded, not started."""
    moto_store.client.put_object(
        Bucket=moto_bucket, Key=NOTE, Body=BODY, ContentType="text/plain; charset=utf-8",
        CacheControl="max-age=60", Metadata={"owner": "ana", "project": "x1"}, ACL="public-read",
    )  # fmt: skip
    app = browse_moto([])
    app.window.open_folder("notes/")
    wait_listed(qtbot, app)
    opener = app.window.file_opener
    assert opener is not None
    opener.service.copies = TempCopies(str(tmp_path / "open"))
    state = Opening(app, opener, tmp_path / "open", moto_store, moto_bucket, qtbot=qtbot)
    opener.launch_default = lambda path: state.launched.append(path) is None
    opener.launch_program = lambda argv: state.programs.append(argv) is None
    return state


def test_double_clicking_a_file_opens_a_verified_copy_with_the_default_program(
    opening: Opening, qtbot: QtBot
) -> None:
    opening.double_click(NOTE)
    qtbot.waitUntil(lambda: len(opening.launched) == 1, timeout=30_000)
    path = Path(opening.launched[0])
    assert path.name == "todo.txt"
    assert path.is_relative_to(opening.root)
    assert path.read_bytes() == opening.server_bytes(NOTE)
    [opened] = opening.opener.service.opened_files()
    assert opened.local_path == str(path)
    assert opened.verified  # the engine checked the bytes it wrote against the server's
    assert "Opened “todo.txt”" in opening.banner_text()


def test_enter_on_a_file_opens_it(opening: Opening, qtbot: QtBot) -> None:
    select(opening.app, NOTE)
    press(qtbot, opening.app, "Return")
    qtbot.waitUntil(lambda: len(opening.launched) == 1, timeout=30_000)
    assert Path(opening.launched[0]).read_bytes() == BODY


def test_double_clicking_a_folder_still_opens_the_folder(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, tmp_path: Path
) -> None:
    app = browse_moto(["docs/readme.md"])
    opener = app.window.file_opener
    assert opener is not None
    launched: list[str] = []
    opener.launch_default = lambda path: launched.append(path) is None
    state = Opening(app, opener, tmp_path, None, "", qtbot=qtbot)
    state.double_click("docs/")
    qtbot.waitUntil(
        lambda: app.window.place is not None and app.window.place.prefix == "docs/", timeout=30_000
    )
    wait_listed(qtbot, app)
    assert row_of(app, "docs/readme.md") >= 0
    assert launched == []


def test_an_edited_copy_is_offered_and_uploaded_keeping_headers_metadata_and_access(
    opening: Opening, qtbot: QtBot
) -> None:
    opening.double_click(NOTE)
    qtbot.waitUntil(lambda: len(opening.launched) == 1, timeout=30_000)
    edited = b"first line\nsecond line, edited\nthird line\n"
    Path(opening.launched[0]).write_bytes(edited)
    qtbot.waitUntil(lambda: "changed" in opening.banner_text(), timeout=30_000)
    assert "Upload the new version?" in opening.banner_text()
    button = opening.app.window.banner.findChild(QPushButton, "messageAction")
    assert button.isVisible()
    assert button.text() == "Upload"
    button.click()
    qtbot.waitUntil(lambda: opening.server_bytes(NOTE) == edited, timeout=30_000)
    head = opening.store.client.head_object(Bucket=opening.bucket, Key=NOTE)
    assert head["ContentType"] == "text/plain; charset=utf-8"
    assert head["CacheControl"] == "max-age=60"
    assert {k: v for k, v in head["Metadata"].items() if not k.startswith("spacesgui-")} == {
        "owner": "ana", "project": "x1",
    }  # fmt: skip
    grants = opening.store.client.get_object_acl(Bucket=opening.bucket, Key=NOTE)["Grants"]
    assert any(g["Grantee"].get("URI", "").endswith("/global/AllUsers") for g in grants)
    qtbot.waitUntil(lambda: "Uploaded the new version" in opening.banner_text(), timeout=30_000)


def test_the_same_edit_is_offered_only_once(opening: Opening, qtbot: QtBot) -> None:
    offers: list[ChangedCopy] = []
    opening.opener.service.copy_changed.connect(offers.append)
    opening.double_click(NOTE)
    qtbot.waitUntil(lambda: len(opening.launched) == 1, timeout=30_000)
    copy = Path(opening.launched[0])
    copy.write_bytes(b"changed once\n")
    qtbot.waitUntil(lambda: len(offers) == 1, timeout=30_000)
    copy.write_bytes(b"changed twice\n")
    qtbot.waitUntil(lambda: len(offers) == 2, timeout=30_000)
    copy.write_bytes(b"changed once\n")  # an MD5 already offered: not offered again
    os.utime(copy, ns=(1, 1))  # a state no check has seen, whatever the clock's resolution
    check = opening.app.runner.spawn(opening.opener.service.check_copy(str(copy)))
    qtbot.waitUntil(check.done, timeout=30_000)
    assert check.result() is None
    assert len(offers) == 2
    copy.write_bytes(b"changed at last\n")
    qtbot.waitUntil(lambda: len(offers) >= 3, timeout=30_000)
    assert [o.md5 for o in offers[2:]] == [hashlib.md5(b"changed at last\n").hexdigest()]


def test_open_with_lists_a_program_of_the_files_type_and_launches_its_command(
    opening: Opening, qtbot: QtBot, tmp_path: Path
) -> None:
    apps = tmp_path / "xdg" / "applications"
    apps.mkdir(parents=True)
    (apps / "fake-editor.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=Fake Editor\n"
        'Exec="/opt/fake editor/bin/fe" --edit %f\nMimeType=text/plain;\n'
    )
    (apps / "fake-viewer.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=A Picture Viewer\nExec=viewer %U\nMimeType=image/png;\n"
    )
    opening.opener.service.apps = XdgDesktopApps([str(tmp_path / "xdg")], [str(tmp_path / "config")])
    select(opening.app, NOTE)
    press(qtbot, opening.app, "Ctrl+Shift+O")
    qtbot.waitUntil(lambda: opening.opener.last_dialog is not None, timeout=30_000)
    dialog = opening.opener.last_dialog
    assert dialog is not None
    assert dialog.objectName() == "openWithDialog"
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    assert dialog.app_names() == ["Fake Editor", "A Picture Viewer"]  # the text/plain program first
    assert dialog.select_app("Fake Editor")
    dialog.open_button.click()
    qtbot.waitUntil(lambda: len(opening.programs) == 1, timeout=30_000)
    argv = opening.programs[0]
    assert argv[:2] == ["/opt/fake editor/bin/fe", "--edit"]
    assert Path(argv[2]).read_bytes() == BODY
    assert opening.launched == []


def test_opening_an_object_deleted_on_the_server_says_so_and_launches_nothing(
    opening: Opening, qtbot: QtBot
) -> None:
    opening.store.client.delete_object(Bucket=opening.bucket, Key=NOTE)
    opening.double_click(NOTE)
    qtbot.waitUntil(lambda: "Could not open “todo.txt”" in opening.banner_text(), timeout=60_000)
    assert opening.app.window.banner._level == "error"
    assert opening.launched == []
    assert not any(p.is_file() for p in opening.root.rglob("*"))


def test_an_upload_that_fails_says_why_and_offers_to_try_again(opening: Opening, qtbot: QtBot) -> None:
    opening.double_click(NOTE)
    qtbot.waitUntil(lambda: len(opening.launched) == 1, timeout=30_000)
    copy = Path(opening.launched[0])
    copy.write_bytes(b"an edit the server cannot take\n")
    qtbot.waitUntil(lambda: "changed" in opening.banner_text(), timeout=30_000)
    opening.store.client.delete_object(Bucket=opening.bucket, Key=NOTE)
    opening.store.client.delete_bucket(Bucket=opening.bucket)
    opening.app.window.banner.findChild(QPushButton, "messageAction").click()
    qtbot.waitUntil(lambda: "was not uploaded" in opening.banner_text(), timeout=60_000)
    assert "“todo.txt”" in opening.banner_text()
    assert opening.app.window.banner._level == "error"
    assert opening.app.window.banner.findChild(QPushButton, "messageAction").text() == "Try Again"
    assert copy.read_bytes() == b"an edit the server cannot take\n"  # the edit is kept


def test_open_with_another_program_by_path_runs_it_on_the_copy(
    opening: Opening, qtbot: QtBot, tmp_path: Path
) -> None:
    opening.opener.service.apps = XdgDesktopApps([str(tmp_path / "none")], [str(tmp_path / "none")])
    select(opening.app, NOTE)
    opening.opener.open_with_action.trigger()
    qtbot.waitUntil(lambda: opening.opener.last_dialog is not None, timeout=30_000)
    dialog = opening.opener.last_dialog
    assert dialog is not None
    assert dialog.app_names() == []
    assert not dialog.open_button.isEnabled()
    assert dialog.findChild(QLabel, "openWithEmpty") is not None
    dialog.choose_program(str(tmp_path / "my tools" / "edit'it"))
    qtbot.waitUntil(lambda: len(opening.programs) == 1, timeout=30_000)
    program, copy = opening.programs[0]
    assert program == str(tmp_path / "my tools" / "edit'it")
    assert Path(copy).read_bytes() == BODY
