"""The preview pane (issue 12, item 1): what it shows, what it fetched, and never a stale result.

moto behind the fault proxy answers; every GET the window sends is recorded there, with
the Range header it carried.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable

import pytest
from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtGui import QColor, QFont, QImage, QTextDocument
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.history import Place
from spacesgui.core.preview import TEXT_MAX_BYTES
from spacesgui.core.transfers import MD5_METADATA
from spacesgui.ui.preview.preview_pane import ZERO_WIDTH_SPACE, _breakable
from tests.fault_proxy import FaultProxy, Match
from tests.gui.conftest import open_space, wait_listed
from tests.gui.operations_helpers import press, press_in, row_of, select


def png_bytes(width: int, height: int, left: QColor, right: QColor) -> bytes:
    """A PNG whose left half is `left` and right half `right`."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(left)
    for x in range(width // 2, width):
        for y in range(height):
            image.setPixelColor(x, y, right)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub says bytes; PySide6 takes str
    return bytes(buffer.data().data())


def open_through_proxy(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> App:  # fmt: skip
    proxied = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    return open_space(qtbot, build_window, open_account, proxied, moto_bucket)


def gets_of(proxy: FaultProxy, bucket: str, key: str) -> list[str | None]:
    """The Range header of every GET of `key` the server saw (None: no range)."""
    match = Match(method="GET", path=f"/{bucket}/{key}")
    return [r.header("Range") for r in proxy.requests if match.matches(r)]


def bold_runs(document: QTextDocument, near: str) -> list[str]:
    """The bold pieces of text in the paragraph holding `near`."""
    block = document.findBlock(document.toPlainText().index(near))
    runs, it = [], block.begin()
    while not it.atEnd():
        fragment = it.fragment()
        if fragment.charFormat().fontWeight() >= QFont.Weight.Bold:
            runs.append(fragment.text())
        it += 1
    return runs


def show_pane(qtbot: QtBot, app: App, key: str) -> None:
    """Select `key` and open the preview with the Space bar, as a user does."""
    select(app, key)
    press(qtbot, app, "Space")
    assert app.window.preview.pane.isVisible()


def wait_shown(qtbot: QtBot, app: App, key: str, page: str) -> None:
    pane = app.window.preview.pane

    def shown() -> None:
        assert pane.key == key
        assert pane.stack.currentWidget().objectName() == page

    qtbot.waitUntil(shown, timeout=30_000)


def test_a_png_shows_as_its_picture(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    red, blue = QColor(220, 20, 20), QColor(20, 20, 220)
    picture = png_bytes(200, 100, red, blue)
    moto_store.client.put_object(Bucket=moto_bucket, Key="photo.png", Body=picture)
    app = open_through_proxy(build_window, open_account, moto_account, moto_bucket, fault_proxy, qtbot)

    show_pane(qtbot, app, "photo.png")
    wait_shown(qtbot, app, "photo.png", "previewImage")

    pixmap = app.window.preview.pane.image_label.pixmap()
    assert not pixmap.isNull()
    image = pixmap.toImage()
    assert image.width() == 2 * image.height()  # the picture's shape, scaled or not
    assert image.pixelColor(image.width() // 4, image.height() // 2) == red
    assert image.pixelColor(image.width() * 3 // 4, image.height() // 2) == blue
    assert "PNG image" in app.window.preview.pane.caption.text()
    assert gets_of(fault_proxy, moto_bucket, "photo.png") == [f"bytes=0-{len(picture) - 1}"]  # once


def test_a_large_text_file_is_read_with_one_range_request_of_256_kib(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    line = b"the quick brown fox jumps over the lazy dog 0123456789\n"
    body = line * (1024 * 1024 // len(line) + 1)
    moto_store.client.put_object(Bucket=moto_bucket, Key="big.log", Body=body)
    app = open_through_proxy(build_window, open_account, moto_account, moto_bucket, fault_proxy, qtbot)

    show_pane(qtbot, app, "big.log")
    wait_shown(qtbot, app, "big.log", "previewText")

    assert gets_of(fault_proxy, moto_bucket, "big.log") == ["bytes=0-262143"]
    text = app.window.preview.pane.text.toPlainText()
    assert len(text.encode()) == TEXT_MAX_BYTES
    assert body.decode().startswith(text)
    assert "Showing the first 262 KB of 1.0 MB." in app.window.preview.pane.note.text()


def test_json_is_pretty_printed_and_markdown_rendered(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    data = {"name": "spaces", "tags": [1, 2]}
    moto_store.client.put_object(Bucket=moto_bucket, Key="data.json", Body=json.dumps(data).encode())
    markdown = b"# Release notes\n\nSome **bold** words.\n\n- one\n- two\n"
    moto_store.client.put_object(Bucket=moto_bucket, Key="README.md", Body=markdown)
    app = open_through_proxy(build_window, open_account, moto_account, moto_bucket, fault_proxy, qtbot)
    pane = app.window.preview.pane

    show_pane(qtbot, app, "data.json")
    wait_shown(qtbot, app, "data.json", "previewText")
    assert pane.text.toPlainText() == json.dumps(data, indent=2)

    select(app, "README.md")
    wait_shown(qtbot, app, "README.md", "previewMarkdown")
    document = pane.markdown.document()
    assert document.toPlainText().splitlines()[0] == "Release notes"  # no "#": rendered
    first = document.firstBlock()
    assert first.blockFormat().headingLevel() == 1
    assert bold_runs(document, "Some") == ["bold"]  # the stars became bold, not text
    assert "**" not in document.toPlainText()
    assert document.findBlock(document.toPlainText().index("one")).textList() is not None


def test_quick_selection_changes_end_on_the_last_selected_object_never_a_stale_one(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    for name in ("a.txt", "b.txt", "c.txt"):
        moto_store.client.put_object(Bucket=moto_bucket, Key=name, Body=f"contents of {name}".encode())
    app = open_through_proxy(build_window, open_account, moto_account, moto_bucket, fault_proxy, qtbot)
    received: list[str] = []
    app.window.preview._previews.preview_ready.connect(lambda p: received.append(p.key))
    slow = fault_proxy.hold(Match(method="GET", path=f"/{moto_bucket}/a.txt"))

    show_pane(qtbot, app, "a.txt")
    qtbot.waitUntil(lambda: slow.waiting == 1, timeout=30_000)  # a.txt is on its way, held
    select(app, "b.txt")
    select(app, "c.txt")
    wait_shown(qtbot, app, "c.txt", "previewText")
    slow.release()
    qtbot.waitUntil(lambda: not app.window.preview._previews.busy, timeout=30_000)
    qtbot.waitUntil(lambda: not app.runner.busy, timeout=30_000)

    assert app.window.preview.pane.text.toPlainText() == "contents of c.txt"
    assert received == ["c.txt"]  # a.txt's late answer was dropped, b.txt was never fetched
    assert gets_of(fault_proxy, moto_bucket, "b.txt") == []


def test_space_toggles_the_pane_without_breaking_type_to_select_or_the_filter(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    for name in ("my file.txt", "my other.txt", "zebra.txt"):
        moto_store.client.put_object(Bucket=moto_bucket, Key=name, Body=b"x")
    app = open_through_proxy(build_window, open_account, moto_account, moto_bucket, fault_proxy, qtbot)
    window, view, pane = app.window, app.window.object_view, app.window.preview.pane
    select(app, "zebra.txt")

    press(qtbot, app, "Space")
    assert pane.isVisible()
    wait_shown(qtbot, app, "zebra.txt", "previewText")
    press(qtbot, app, "Space")
    assert not pane.isVisible()

    qtbot.keyClicks(view, "my o")  # the space is part of the name typed
    assert not pane.isVisible()
    assert view.currentIndex().row() == row_of(app, "my other.txt")

    window.filter_edit.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.keyClicks(window.filter_edit, "my f")
    assert window.filter_edit.text() == "my f"
    assert not pane.isVisible()

    window.preview.preview_action.trigger()  # View → Preview
    assert pane.isVisible()


def test_a_video_gets_a_details_card_from_head_without_a_get(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    moto_store.client.put_object(
        Bucket=moto_bucket, Key="clip.mp4", Body=b"\x00" * 5000, ContentType="video/mp4",
        Metadata={"camera": "pocket"},
    )  # fmt: skip
    app = open_through_proxy(build_window, open_account, moto_account, moto_bucket, fault_proxy, qtbot)

    show_pane(qtbot, app, "clip.mp4")
    wait_shown(qtbot, app, "clip.mp4", "previewDetails")

    card = app.window.preview.pane.details.text()
    assert "video/mp4" in card
    assert "5,000 bytes" in card
    assert "pocket" in card
    assert gets_of(fault_proxy, moto_bucket, "clip.mp4") == []


def test_a_file_changed_on_the_server_is_previewed_again_when_the_list_shows_the_change(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    # Before: after F5 (or Properties → Save) the list showed the new date while the card
    # kept the old type and date, as if the change had not been made (a new-user pass).
    moto_store.client.put_object(Bucket=moto_bucket, Key="clip.mp4", Body=b"\x00" * 5000)
    app = open_through_proxy(build_window, open_account, moto_account, moto_bucket, fault_proxy, qtbot)
    show_pane(qtbot, app, "clip.mp4")
    wait_shown(qtbot, app, "clip.mp4", "previewDetails")
    pane = app.window.preview.pane
    assert "5,000 bytes" in pane.details.text()

    moto_store.client.put_object(
        Bucket=moto_bucket, Key="clip.mp4", Body=b"\x00" * 6000, ContentType="video/mp4",
        CacheControl="public, max-age=31536000", Metadata={MD5_METADATA: "0" * 32, "camera": "pocket"},
    )  # fmt: skip
    app.window.refresh()
    qtbot.waitUntil(lambda: "6,000 bytes" in pane.details.text() and "video/mp4" in pane.details.text(),
                    timeout=30_000)  # fmt: skip
    assert "public, max-age=31536000" in pane.details.text()  # what Properties would have set
    assert "pocket" in pane.details.text()
    assert MD5_METADATA not in pane.details.text()  # the engine's checksum, not the user's
    heads = len(fault_proxy.requests)
    app.window.refresh()  # nothing changed: no new preview
    settle = app.window.preview._settle  # a change would start it once the listing is in
    qtbot.waitUntil(  # the new listing has come (a request went out) and been taken in
        lambda: len(fault_proxy.requests) > heads and not app.runner.busy and not settle.isActive(),
        timeout=30_000,
    )
    assert not [r for r in fault_proxy.requests[heads:] if r.method == "HEAD"]


def test_in_a_narrow_window_the_details_card_fits_the_pane_so_no_value_runs_off_its_edge(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    # Before: a table as wide as its longest value; at 700 px the values showed as "Fo", "76".
    moto_store.client.put_object(
        Bucket=moto_bucket, Key="DejaVuSans.ttf", Body=b"\x00" * 5000, ContentType="application/octet-stream",
        CacheControl="public, max-age=31536000, immutable", ContentDisposition='attachment; filename="DejaVuSans.ttf"',
    )  # fmt: skip
    app = open_through_proxy(build_window, open_account, moto_account, moto_bucket, fault_proxy, qtbot)
    app.window.resize(700, 700)
    show_pane(qtbot, app, "DejaVuSans.ttf")
    wait_shown(qtbot, app, "DejaVuSans.ttf", "previewDetails")
    pane = app.window.preview.pane
    qtbot.waitUntil(lambda: pane.width() < 300, timeout=10_000)
    assert pane.details.minimumSizeHint().width() <= pane.stack.width()
    assert pane.details.heightForWidth(pane.stack.width()) > 0

    # The places to break are invisible, and do not come along when the card is copied.
    shown = QTextDocument()
    shown.setHtml(pane.details.text())
    pane.details.setSelection(0, len(shown.toPlainText()))  # as a drag over it selects
    assert pane.details.hasSelectedText()
    press_in(qtbot, app.window, pane.details, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QApplication.clipboard().text()
    assert moto_store.head_details(moto_bucket, "DejaVuSans.ttf").etag in copied
    assert "\u200b" not in copied


def test_a_long_value_is_never_broken_between_a_letter_and_its_accent() -> None:
    name = (
        "photo-abcdee\u0301-re\u0301sume\u0301-2024.jpg"  # decomposed, as macOS stores names; an accent 13th
    )
    for piece in _breakable(name).split(ZERO_WIDTH_SPACE)[1:]:
        assert not unicodedata.combining(piece[0])


def test_csv_shows_as_a_table_and_a_vanished_file_says_why(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    moto_store.client.put_object(Bucket=moto_bucket, Key="people.csv", Body=b"name;age\nAda;36\nLin;41\n")
    moto_store.client.put_object(Bucket=moto_bucket, Key="gone.txt", Body=b"soon deleted")
    app = open_through_proxy(build_window, open_account, moto_account, moto_bucket, fault_proxy, qtbot)
    pane = app.window.preview.pane

    show_pane(qtbot, app, "people.csv")
    wait_shown(qtbot, app, "people.csv", "previewTable")
    assert [pane.table.horizontalHeaderItem(c).text() for c in range(2)] == ["name", "age"]
    assert [pane.table.item(1, c).text() for c in range(2)] == ["Lin", "41"]

    moto_store.client.delete_object(Bucket=moto_bucket, Key="gone.txt")  # another tool deleted it
    select(app, "gone.txt")
    wait_shown(qtbot, app, "gone.txt", "previewMessage")
    qtbot.waitUntil(lambda: pane.message.text().startswith("No preview."), timeout=30_000)
    assert "no longer on the server" in pane.message.text()
    assert "gone.txt" in caplog.text  # and the log says which file
    # The list was out of date: the row goes without F5 (timed refresh is off here), and the
    # pane keeps saying why instead of "Select a file".
    qtbot.waitUntil(lambda: row_of(app, "gone.txt") == -1, timeout=30_000)
    # The emptied selection is previewed after a short settle: let it run before looking.
    qtbot.waitUntil(lambda: not app.window.preview._settle.isActive(), timeout=30_000)
    assert row_of(app, "people.csv") >= 0
    assert "no longer on the server" in pane.message.text()
    assert "F5" not in pane.message.text()
    place = app.window.place
    assert place is not None
    app.window.navigate(Place(place.account_id, moto_bucket, "elsewhere/"))  # said of that folder only
    wait_listed(qtbot, app)
    qtbot.waitUntil(lambda: pane.message.text() == "Select a file to preview it.", timeout=30_000)
