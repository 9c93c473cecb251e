"""An edited copy whose object someone replaced since it was opened is not uploaded over it
without asking: Replace Anyway, Save as a New Name, or Cancel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from tests.gui.test_open_files import NOTE, Opening, opening  # noqa: F401  # the fixture

THEIRS = b"a colleague's newer version\n"
MINE = b"my edit of the old version\n"


def edit_after_someone_replaced_it(opening: Opening, qtbot: QtBot) -> QMessageBox:  # noqa: F811
    """Open the note, let the server's copy change, edit ours and ask to upload it."""
    opening.double_click(NOTE)
    qtbot.waitUntil(lambda: len(opening.launched) == 1, timeout=30_000)
    opening.store.client.put_object(Bucket=opening.bucket, Key=NOTE, Body=THEIRS)
    Path(opening.launched[0]).write_bytes(MINE)
    qtbot.waitUntil(lambda: "changed" in opening.banner_text(), timeout=30_000)
    opening.app.window.banner.findChild(QPushButton, "messageAction").click()

    def shown() -> bool:
        box = opening.opener.server_changed_box
        return box is not None and box.isVisible()

    # Uploading over their version must not happen: that ends the wait and fails the line after.
    qtbot.waitUntil(lambda: opening.server_bytes(NOTE) != THEIRS or shown(), timeout=30_000)
    assert opening.server_bytes(NOTE) == THEIRS  # nothing was uploaded before asking
    box = opening.opener.server_changed_box
    assert box is not None
    assert "changed on the server since you opened it" in box.text() + box.informativeText()
    return box


def test_saving_as_a_new_name_keeps_the_newer_version_and_uploads_the_edit_beside_it(
    opening: Opening,  # noqa: F811
    qtbot: QtBot,
) -> None:
    box = edit_after_someone_replaced_it(opening, qtbot)
    box.findChild(QPushButton, "saveAsNewButton").click()
    qtbot.waitUntil(lambda: "Uploaded the new version" in opening.banner_text(), timeout=30_000)
    assert opening.server_bytes("notes/todo (1).txt") == MINE
    assert opening.server_bytes(NOTE) == THEIRS


def test_replace_anyway_uploads_and_the_next_edit_needs_no_question(
    opening: Opening,  # noqa: F811
    qtbot: QtBot,
) -> None:
    box = edit_after_someone_replaced_it(opening, qtbot)
    box.findChild(QPushButton, "replaceAnywayButton").click()
    qtbot.waitUntil(lambda: opening.server_bytes(NOTE) == MINE, timeout=30_000)
    qtbot.waitUntil(lambda: "Uploaded the new version" in opening.banner_text(), timeout=30_000)
    # The baseline now holds the ETag of what we uploaded: our next edit is not "changed on the server".
    head = opening.store.client.head_object(Bucket=opening.bucket, Key=NOTE)
    [opened] = opening.opener.service.opened_files()
    assert opened.etag == head["ETag"].strip('"')
    again = b"my second edit\n"
    Path(opening.launched[0]).write_bytes(again)
    qtbot.waitUntil(lambda: "Upload the new version?" in opening.banner_text(), timeout=30_000)
    opening.app.window.banner.findChild(QPushButton, "messageAction").click()
    qtbot.waitUntil(lambda: opening.server_bytes(NOTE) == again, timeout=30_000)
    assert not box.isVisible()


def test_cancel_uploads_nothing_and_the_banner_can_ask_again(opening: Opening, qtbot: QtBot) -> None:  # noqa: F811
    box = edit_after_someone_replaced_it(opening, qtbot)
    box.reject()
    qtbot.waitUntil(lambda: "was not uploaded" in opening.banner_text(), timeout=30_000)
    assert opening.server_bytes(NOTE) == THEIRS
    assert Path(opening.launched[0]).read_bytes() == MINE
    opening.app.window.banner.findChild(QPushButton, "messageAction").click()
    qtbot.waitUntil(lambda: opening.opener.server_changed_box is not box, timeout=30_000)
    assert opening.server_bytes(NOTE) == THEIRS
