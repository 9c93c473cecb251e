"""Share… and Copy Link through the real window against moto (issue 8, item 8).

Links are fetched with urllib, as a browser or curl would; moto accepts any signature,
so these check the links' shape, keys and expiry, and tests/integration/test_s3_links.py
checks signatures against rclone.
"""

from __future__ import annotations

import subprocess
import urllib.request
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account, AddressingStyle
from spacesgui.core.history import Place
from spacesgui.core.share_links import DAY_S
from spacesgui.core.sharing import HOUR_S, LinkKind, moment_text
from spacesgui.core.transfers import MD5_METADATA
from spacesgui.ui.operations.share_dialog import ShareDialog
from tests.fake_do_api import TOKEN, serve_fake_do_api
from tests.fault_proxy import FaultProxy, Match
from tests.gui.conftest import open_space, wait_listed
from tests.gui.operations_helpers import press, row_of, select
from tests.integration.object_helpers import is_public, md5_hex, read

TIMEOUT_S = 30
KEYS = ("with space/odd #?%+&=;.txt", "with space/ünï 写真.txt")  # in the order the view lists them


def fetch(url: str, *, method: str = "GET", data: bytes | None = None) -> bytes:
    headers = {"Content-Type": "application/octet-stream"} if data is not None else {}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        return bytes(response.read())


def seed(store: S3Store, bucket: str, keys: Iterable[str], **params: object) -> None:
    for key in keys:
        store.client.put_object(Bucket=bucket, Key=key, Body=key.encode(), **params)  # type: ignore[arg-type]


def browse_folder(app: App, qtbot: QtBot, prefix: str, keys: Iterable[str]) -> None:
    app.window.open_folder(prefix)
    qtbot.waitUntil(lambda: all(row_of(app, k) >= 0 for k in keys), timeout=30_000)


def open_share(qtbot: QtBot, app: App, *keys: str) -> ShareDialog:
    select(app, *keys)
    app.window.object_actions.share_action.trigger()
    dialog = app.window.object_actions.last_dialog
    assert isinstance(dialog, ShareDialog)
    wait_links(qtbot, dialog, len(keys))
    return dialog


@pytest.fixture
def one_file_shared(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> ShareDialog:
    """The Share dialog, open on one file (KEYS[0]) alone in its folder."""
    app = browse_moto([])
    seed(moto_store, moto_bucket, KEYS[:1])
    browse_folder(app, qtbot, "with space/", KEYS[:1])
    return open_share(qtbot, app, KEYS[0])


def wait_links(qtbot: QtBot, dialog: ShareDialog, count: int) -> None:
    qtbot.waitUntil(lambda: len(dialog.links()) == count and dialog.copy_button.isEnabled(), timeout=30_000)


def test_the_share_dialogs_signed_links_return_each_files_bytes_and_say_when_they_expire(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto([])
    seed(moto_store, moto_bucket, KEYS)
    browse_folder(app, qtbot, "with space/", KEYS)
    before = datetime.now()

    dialog = open_share(qtbot, app, *KEYS)

    assert dialog.kind() is LinkKind.SIGNED
    links = dialog.links()
    assert [fetch(url) for url in links] == [key.encode() for key in KEYS]  # one a line, in order
    assert {parse_qs(urlsplit(url).query)["X-Amz-Expires"][0] for url in links} == {str(7 * DAY_S)}
    until = before + timedelta(days=7)
    assert moment_text(until, before).rsplit(":", 1)[0] in dialog.expiry_label.text()
    assert "(7 days from now)" in dialog.expiry_label.text()

    dialog.set_expiry(2, HOUR_S)
    qtbot.waitUntil(lambda: "(2 hours from now)" in dialog.expiry_label.text(), timeout=30_000)
    wait_links(qtbot, dialog, 2)
    assert parse_qs(urlsplit(dialog.links()[0]).query)["X-Amz-Expires"] == [str(2 * HOUR_S)]
    assert "today" in dialog.expiry_label.text() or "tomorrow" in dialog.expiry_label.text()
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == "\n".join(dialog.links())
    dialog.reject()


def test_a_v2_link_lives_past_seven_days_fetches_the_bytes_and_is_called_legacy(
    one_file_shared: ShareDialog, qtbot: QtBot
) -> None:
    dialog = one_file_shared

    dialog.set_kind(LinkKind.SIGNED_V2)
    dialog.until_edit.setDateTime(QDateTime.currentDateTime().addDays(400))
    qtbot.waitUntil(lambda: "AWSAccessKeyId=" in "".join(dialog.links()), timeout=30_000)

    (url,) = dialog.links()
    query = parse_qs(urlsplit(url).query)
    assert set(query) == {"AWSAccessKeyId", "Signature", "Expires"}
    assert int(query["Expires"][0]) - int(datetime.now().timestamp()) > 399 * DAY_S
    assert fetch(url) == KEYS[0].encode()
    assert dialog.warning_label.isVisible()
    assert dialog.warning_label.text().startswith("Legacy:")
    assert "(400 days from now)" in dialog.expiry_label.text()
    dialog.reject()


def run_upload_command(command: str, name: str, data: bytes, folder: Path) -> None:
    """Run the Share dialog's command as a user does: with bash, where the new `name` is."""
    (folder / name).write_bytes(data)
    done = subprocess.run(["bash", "-c", command], cwd=folder, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_upload_command_puts_new_bytes_in_the_files_place_and_keeps_the_rest_of_it(
    browse_moto: Callable[[Iterable[str]], App],
    moto_store: S3Store,
    moto_bucket: str,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    # Before: the link signed no header, and the PUT the dialog described turned a public
    # stylesheet into a private binary/octet-stream file with no caching (a new-user pass).
    app = browse_moto([])
    seed(moto_store, moto_bucket, KEYS[1:], ACL="public-read", ContentType="text/css", CacheControl="max-age=60",
         Metadata={"owner": "ana", MD5_METADATA: md5_hex(KEYS[1].encode())})  # fmt: skip
    browse_folder(app, qtbot, "with space/", KEYS[1:])
    dialog = open_share(qtbot, app, KEYS[1])

    kinds = [dialog.kind_combo.itemData(i) for i in range(dialog.kind_combo.count())]
    assert kinds[-1] == LinkKind.UPLOAD.value  # last, apart from the links that only read
    dialog.set_kind(LinkKind.UPLOAD)
    qtbot.waitUntil(
        lambda: "X-Amz-Signature" in dialog.links()[0] and dialog.copy_button.isEnabled(), timeout=30_000
    )
    assert dialog.warning_label.isVisible()  # in red, as the legacy link's is
    assert dialog.warning_label.text().startswith("Anyone who has this link can replace the file")
    [command] = dialog.links()
    assert command.startswith("curl --fail -T 'ünï 写真.txt' -H 'Content-Type: text/css'")
    run_upload_command(command, "ünï 写真.txt", b"body { color: red }", tmp_path)

    assert read(moto_store, moto_bucket, KEYS[1]) == b"body { color: red }"
    details = moto_store.head_details(moto_bucket, KEYS[1])
    assert (details.headers.content_type, details.headers.cache_control) == ("text/css", "max-age=60")
    assert details.headers.metadata == {"owner": "ana"}  # the old checksum is not carried over
    assert is_public(moto_store, moto_bucket, KEYS[1])
    assert "(7 days from now)" in dialog.expiry_label.text()
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == command
    assert dialog.copied_label.text() == "Copied the command."
    dialog.reject()


def test_the_public_address_works_for_a_public_file_and_says_once_that_it_never_expires(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto([])
    seed(moto_store, moto_bucket, KEYS[:1], ACL="public-read")
    browse_folder(app, qtbot, "with space/", KEYS[:1])
    dialog = open_share(qtbot, app, KEYS[0])

    dialog.set_kind(LinkKind.PUBLIC)
    expected = f"{moto_store.endpoint}/{moto_bucket}/{quote(KEYS[0], safe='/~')}"
    qtbot.waitUntil(lambda: dialog.links() == [expected], timeout=30_000)

    assert "Works only if the file is public" in dialog.hint_label.text()
    never = dialog.expiry_choice.currentWidget()
    assert isinstance(never, QLabel)
    assert never.text() == "Never"
    shown = [w.text() for w in dialog.findChildren(QLabel) if w.isVisible()]
    assert sum("never" in text.lower() for text in shown) == 1, shown
    assert fetch(expected) == KEYS[0].encode()
    kinds = [dialog.kind_combo.itemData(i) for i in range(dialog.kind_combo.count())]
    assert LinkKind.CDN.value not in kinds  # a plain S3 server has no CDN
    assert not dialog.access_label.isVisible()  # the file is public: nothing to warn of
    dialog.reject()


def test_the_public_address_of_a_private_file_warns_that_it_will_not_work(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto([])
    seed(moto_store, moto_bucket, KEYS[:1], ACL="public-read")
    seed(moto_store, moto_bucket, KEYS[1:])  # private
    browse_folder(app, qtbot, "with space/", KEYS)
    dialog = open_share(qtbot, app, *KEYS)

    dialog.set_kind(LinkKind.PUBLIC)

    qtbot.waitUntil(dialog.access_label.isVisible, timeout=30_000)
    assert dialog.access_label.text().startswith("1 of the 2 files are private")
    assert "Make Public" in dialog.access_label.text()
    dialog.set_kind(LinkKind.SIGNED)  # a signed link works for private files
    assert not dialog.access_label.isVisible()
    dialog.reject()


def test_thirty_days_is_refused_with_the_reason_not_cut_to_seven(
    one_file_shared: ShareDialog, qtbot: QtBot
) -> None:
    dialog = one_file_shared

    dialog.amount_spin.clear()
    qtbot.keyClicks(dialog.amount_spin, "30")

    assert dialog.amount_spin.value() == 30
    assert "at most 7 days" in dialog.problem_label.text()
    assert dialog.problem_label.isVisible()
    assert dialog.links() == []
    assert not dialog.copy_button.isEnabled()
    dialog.amount_spin.setValue(3)
    wait_links(qtbot, dialog, 1)
    assert parse_qs(urlsplit(dialog.links()[0]).query)["X-Amz-Expires"] == [str(3 * DAY_S)]
    assert not dialog.problem_label.isVisible()
    dialog.reject()


def test_changing_the_unit_keeps_the_links_lifetime(one_file_shared: ShareDialog, qtbot: QtBot) -> None:
    dialog = one_file_shared

    dialog.unit_combo.setCurrentIndex(dialog.unit_combo.findData(HOUR_S))

    assert dialog.amount_spin.value() == 7 * 24
    wait_links(qtbot, dialog, 1)
    assert parse_qs(urlsplit(dialog.links()[0]).query)["X-Amz-Expires"] == [str(7 * DAY_S)]
    assert "(7 days from now)" in dialog.expiry_label.text()
    dialog.reject()


def test_the_links_box_stays_in_place_whichever_kind_is_chosen(
    one_file_shared: ShareDialog, qtbot: QtBot
) -> None:
    dialog = one_file_shared
    tops: dict[str, int] = {}

    for index in range(dialog.kind_combo.count()):
        dialog.kind_combo.setCurrentIndex(index)
        layout = dialog.layout()
        assert layout is not None
        layout.activate()
        tops[dialog.kind().value] = dialog.links_edit.geometry().top()

    assert len(set(tops.values())) == 1, tops
    dialog.reject()


def test_a_digitalocean_space_with_a_cdn_endpoint_offers_the_cdn_address(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    moto_endpoint: str,
    moto_store: S3Store,
    moto_bucket: str,
    qtbot: QtBot,
) -> None:
    seed(moto_store, moto_bucket, ["logo.png"])
    account = Account(
        name="do", provider="digitalocean", endpoint_url=moto_endpoint, region="nyc3",
        access_key_id="test-access", addressing=AddressingStyle.PATH,
    )  # fmt: skip
    app = build_window()
    with serve_fake_do_api() as api:
        api.add_endpoint(f"{moto_bucket}.nyc3.digitaloceanspaces.com")
        assert app.window.cdn is not None
        service = app.window.cdn.service
        service.set_api_url(api.url)
        service.set_token(TOKEN)
        open_account(app, account)
        app.window.navigate(Place(account.id, moto_bucket, ""))
        wait_listed(qtbot, app)
        qtbot.waitUntil(
            lambda: app.window.cdn is not None and app.window.cdn.has_endpoint(account.id, moto_bucket),
            timeout=30_000,
        )
    dialog = open_share(qtbot, app, "logo.png")

    dialog.set_kind(LinkKind.CDN)

    expected = f"https://{moto_bucket}.nyc3.cdn.digitaloceanspaces.com/logo.png"
    qtbot.waitUntil(lambda: dialog.links() == [expected], timeout=30_000)
    assert "Works only if the file is public" in dialog.hint_label.text()
    dialog.reject()


def test_a_digitalocean_space_without_a_known_cdn_endpoint_offers_no_cdn_address(
    build_window: Callable[[], App],
    open_account: Callable[[App, Account], None],
    moto_endpoint: str,
    moto_store: S3Store,
    moto_bucket: str,
    qtbot: QtBot,
) -> None:
    seed(moto_store, moto_bucket, ["logo.png"])
    account = Account(
        name="do", provider="digitalocean", endpoint_url=moto_endpoint, region="nyc3",
        access_key_id="test-access", addressing=AddressingStyle.PATH,
    )  # fmt: skip
    app = build_window()  # no API token: whether it has an endpoint is unknown
    open_account(app, account)
    app.window.navigate(Place(account.id, moto_bucket, ""))
    wait_listed(qtbot, app)

    dialog = open_share(qtbot, app, "logo.png")

    kinds = [dialog.kind_combo.itemData(i) for i in range(dialog.kind_combo.count())]
    assert LinkKind.CDN.value not in kinds
    assert LinkKind.PUBLIC.value in kinds
    dialog.reject()


def test_ctrl_shift_c_copies_one_link_per_selected_file_and_says_what_it_copied(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto([])
    seed(moto_store, moto_bucket, KEYS)
    seed(moto_store, moto_bucket, ["with space/public +1.txt"], ACL="public-read")
    keys = [*KEYS, "with space/public +1.txt"]
    browse_folder(app, qtbot, "with space/", keys)
    select(app, *keys)
    QApplication.clipboard().setText("")

    press(qtbot, app, "Ctrl+Shift+C")

    qtbot.waitUntil(lambda: len(QApplication.clipboard().text().split("\n")) == 3, timeout=30_000)
    lines = QApplication.clipboard().text().split("\n")
    by_key = dict(zip(sorted(keys, key=lambda k: row_of(app, k)), lines, strict=True))
    public = by_key["with space/public +1.txt"]
    assert public == f"{moto_store.endpoint}/{moto_bucket}/{quote('with space/public +1.txt', safe='/~')}"
    for key in KEYS:
        assert parse_qs(urlsplit(by_key[key]).query)["X-Amz-Expires"] == [str(7 * DAY_S)]
    assert [fetch(by_key[key]) for key in keys] == [key.encode() for key in keys]
    qtbot.waitUntil(lambda: "Copied links to 3 files" in app.window.banner.text(), timeout=10_000)
    assert "1 public address" in app.window.banner.text()
    assert "2 signed links valid until" in app.window.banner.text()


def test_ctrl_c_still_copies_the_path(
    browse_moto: Callable[[Iterable[str]], App], moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["a b.txt"])
    select(app, "a b.txt")

    press(qtbot, app, "Ctrl+C")

    assert QApplication.clipboard().text() == f"s3://{moto_bucket}/a b.txt"


def test_upload_commands_read_each_file_once_and_one_that_cannot_be_read_says_why_alone(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    # Before: every step of the expiry read every file again, and one file the server would
    # not describe left the whole selection without a link (a review of the change).
    seed(moto_store, moto_bucket, ["site/a.css", "site/b.css"], ContentType="text/css")
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    app = open_space(qtbot, build_window, open_account, account, moto_bucket)
    browse_folder(app, qtbot, "site/", ["site/a.css", "site/b.css"])
    fault_proxy.fail(Match(method="HEAD", path=f"/{moto_bucket}/site/b.css"), status=403, code="AccessDenied")
    dialog = open_share(qtbot, app, "site/a.css", "site/b.css")
    heads = Match(method="HEAD", path=f"/{moto_bucket}/site/.*")

    dialog.set_kind(LinkKind.UPLOAD)
    qtbot.waitUntil(lambda: dialog.links()[:1] != [] and dialog.links()[0].startswith("curl"), timeout=30_000)
    [a, b] = dialog.links()
    assert "-H 'Content-Type: text/css'" in a
    assert b.startswith("# “b.css”: no upload link, since what it has could not be read")
    read_once = fault_proxy.count(heads)
    assert read_once == 2
    dialog.set_expiry(2, HOUR_S)
    qtbot.waitUntil(lambda: "X-Amz-Expires=7200" in dialog.links()[0], timeout=30_000)
    assert fault_proxy.count(heads) == read_once  # signed again, not read again
    dialog.reject()
