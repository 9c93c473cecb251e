"""SVG drawings get a rendered preview and a thumbnail, and never draw a file they point to."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.history import Place
from spacesgui.services.image_decode import decode_image
from tests.fault_proxy import FaultProxy
from tests.gui.conftest import wait_listed
from tests.gui.test_preview_pane import gets_of, open_through_proxy, show_pane, wait_shown

RED, BLUE = QColor("#dc1414"), QColor("#1414dc")
# A 200 × 100 drawing: red left half, blue right half.
DRAWING = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">'
    b'<rect x="0" y="0" width="100" height="100" fill="#dc1414"/>'
    b'<rect x="100" y="0" width="100" height="100" fill="#1414dc"/></svg>'
)


def test_an_svg_shows_as_its_drawing_in_the_preview(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    moto_store.client.put_object(Bucket=moto_bucket, Key="logo.svg", Body=DRAWING)
    app = open_through_proxy(build_window, open_account, moto_account, moto_bucket, fault_proxy, qtbot)
    show_pane(qtbot, app, "logo.svg")
    wait_shown(qtbot, app, "logo.svg", "previewImage")
    image = app.window.preview.pane.image_label.pixmap().toImage()
    assert image.width() == 2 * image.height()
    assert image.pixelColor(image.width() // 4, image.height() // 2) == RED
    assert image.pixelColor(image.width() * 3 // 4, image.height() // 2) == BLUE
    assert gets_of(fault_proxy, moto_bucket, "logo.svg") == [f"bytes=0-{len(DRAWING) - 1}"]


def test_an_svg_gets_a_thumbnail_in_the_icons_view(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, qtbot: QtBot,
) -> None:  # fmt: skip
    moto_store.client.put_object(Bucket=moto_bucket, Key="art/logo.svg", Body=DRAWING)
    app = build_window()
    open_account(app, moto_account)
    app.window.navigate(Place(moto_account.id, moto_bucket, "art/"))
    wait_listed(qtbot, app)
    app.window.preview.icons_action.trigger()
    thumbnails = app.window.preview._thumbnails
    qtbot.waitUntil(lambda: thumbnails.thumbnail("art/logo.svg") is not None, timeout=30_000)
    thumbnail = thumbnails.thumbnail("art/logo.svg")
    assert thumbnail is not None
    assert max(thumbnail.width(), thumbnail.height()) <= 128
    assert thumbnail.pixelColor(4, thumbnail.height() // 2) == RED


def test_a_drawing_never_draws_a_file_of_this_computer_it_points_to(qapp: object, tmp_path: Path) -> None:
    green = QImage(10, 10, QImage.Format.Format_RGB32)
    green.fill(QColor("#00ff00"))
    picture = tmp_path / "on-this-computer.png"
    assert green.save(str(picture))
    for href in (str(picture), picture.as_uri()):
        drawing = (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            b'width="100" height="100"><rect width="100" height="100" fill="#dc1414"/>'
            b'<image x="0" y="0" width="100" height="100" xlink:href="' + href.encode() + b'"/></svg>'
        )
        image, why = decode_image(drawing, 100)
        assert why == ""
        assert image.pixelColor(50, 50) == RED, href  # Qt alone would draw the green file here


def test_a_drawing_that_cannot_be_checked_is_a_card_saying_why(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    bomb = b'<!DOCTYPE svg [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><svg>&b;</svg>'
    moto_store.client.put_object(Bucket=moto_bucket, Key="bomb.svg", Body=bomb)
    app = open_through_proxy(build_window, open_account, moto_account, moto_bucket, fault_proxy, qtbot)
    caplog.set_level(logging.INFO, logger="spacesgui.services.preview_service")
    show_pane(qtbot, app, "bomb.svg")
    wait_shown(qtbot, app, "bomb.svg", "previewDetails")
    note = app.window.preview.pane.note.text()
    assert "not drawn, for safety" in note
    assert "declares its own XML entities" in note
    assert "bomb.svg" in caplog.text
    assert "declares its own XML entities" in caplog.text
