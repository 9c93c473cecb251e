"""The Access column (issue 9, item 2): read for the rows on screen only, counted at the server.

moto behind the fault proxy answers; every GetObjectAcl the window sends is recorded there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.access import AccessState
from spacesgui.core.accounts import Account
from spacesgui.core.folder_node import Column
from spacesgui.core.history import Place
from spacesgui.qtmodels.roles import ObjectRole
from spacesgui.ui.browser.access_column import ACCESS_READS, NO_ACLS_NOTE
from tests.fault_proxy import FaultProxy, Match
from tests.gui.conftest import wait_listed
from tests.gui.operations_helpers import row_of, select

FILES = 300
AUTHENTICATED = 'uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"'


def open_wide(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], account: Account,
    bucket: str, qtbot: QtBot,
) -> App:  # fmt: skip
    """A window wide enough for the Access column, showing `bucket`."""
    app = build_window()
    app.window.resize(1600, 640)
    open_account(app, account)
    app.window.navigate(Place(account.id, bucket, ""))
    wait_listed(qtbot, app)
    assert not app.window.object_view.isColumnHidden(Column.ACCESS)
    return app


def on_screen(app: App) -> list[str]:
    """The keys of the rows the view shows now, top to bottom."""
    view = app.window.object_view
    first, last = view.rowAt(0), view.rowAt(view.viewport().height() - 1)
    last = view.flat.rowCount() - 1 if last < 0 else last
    return [view.flat.index(row, 0).data(ObjectRole.KEY) for row in range(first, last + 1)]


def access_text(app: App, key: str) -> str:
    return str(app.window.object_view.flat.index(row_of(app, key), Column.ACCESS).data() or "")


def wait_known(qtbot: QtBot, app: App) -> None:
    """Wait until every file on screen shows its access."""

    def known() -> None:
        assert all(access_text(app, key) for key in on_screen(app) if not key.endswith("/"))

    qtbot.waitUntil(known, timeout=30_000)


def acl_reads(proxy: FaultProxy, bucket: str) -> list[str]:
    """The keys of every GetObjectAcl the proxy saw, in order."""
    match = Match(method="GET", path=f"/{bucket}/.+", query={"acl": None})
    return [r.path.removeprefix(f"/{bucket}/") for r in proxy.requests if match.matches(r)]


def seed(store: S3Store, bucket: str, keys: Iterable[str]) -> None:
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: store.client.put_object(Bucket=bucket, Key=k, Body=b"x"), keys))


def test_only_the_files_on_screen_are_read_and_scrolling_reads_the_ones_that_come_into_view(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    keys = [f"file-{i:03d}.txt" for i in range(FILES)]
    seed(moto_store, moto_bucket, keys)
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    app = open_wide(build_window, open_account, account, moto_bucket, qtbot)

    wait_known(qtbot, app)
    shown = on_screen(app)
    read = acl_reads(fault_proxy, moto_bucket)
    assert 10 <= len(shown) < 60
    assert set(read) <= set(shown)  # nothing off screen was asked for
    assert len(read) == len(set(read))  # and nothing twice
    assert {access_text(app, k) for k in shown} == {"Private"}

    app.window.object_view.scrollToBottom()
    wait_known(qtbot, app)
    bottom = on_screen(app)
    read = acl_reads(fault_proxy, moto_bucket)
    assert keys[-1] in bottom
    assert keys[-1] in read
    assert set(read) <= set(shown) | set(bottom)
    assert keys[FILES // 2] not in read  # the middle was never on screen
    assert len(read) <= len(shown) + len(bottom)


def test_reads_run_a_few_at_a_time(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    seed(moto_store, moto_bucket, [f"f-{i:02d}.txt" for i in range(40)])
    acl_gets = Match(method="GET", path=f"/{moto_bucket}/.+", query={"acl": None})
    held = fault_proxy.hold(acl_gets)
    watch = fault_proxy.watch(acl_gets)
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    app = open_wide(build_window, open_account, account, moto_bucket, qtbot)

    qtbot.waitUntil(lambda: held.waiting == ACCESS_READS, timeout=30_000)
    assert watch.now == ACCESS_READS  # the rest wait in the window, not at the server
    held.release()
    wait_known(qtbot, app)
    assert watch.peak == ACCESS_READS


def test_public_private_and_custom_files_say_so_and_sort_by_what_is_known(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    client = moto_store.client
    client.put_object(Bucket=moto_bucket, Key="b-public.html", Body=b"x", ACL="public-read")
    client.put_object(Bucket=moto_bucket, Key="c-custom.pdf", Body=b"x", GrantRead=AUTHENTICATED)
    app = browse_moto(["a-private.txt", "folder/inside.txt"])
    app.window.resize(1600, 640)

    wait_known(qtbot, app)
    assert access_text(app, "a-private.txt") == "Private"
    assert access_text(app, "b-public.html") == "Public"
    assert access_text(app, "c-custom.pdf") == "Custom"
    assert access_text(app, "folder/") == ""  # folders show nothing
    flat = app.window.object_view.flat
    tip = flat.index(row_of(app, "b-public.html"), Column.ACCESS).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Anyone on the internet")

    app.window.object_view.sortByColumn(Column.ACCESS, Qt.SortOrder.DescendingOrder)
    files = [flat.index(r, 0).data(ObjectRole.KEY) for r in range(flat.rowCount())][1:]
    assert files == ["c-custom.pdf", "b-public.html", "a-private.txt"]


def test_a_server_without_acls_gets_no_file_acl_request_and_the_column_says_why(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, fault_proxy: FaultProxy, qtbot: QtBot,
) -> None:  # fmt: skip
    seed(moto_store, moto_bucket, ["a.txt", "b.txt"])
    # What rclone serve s3 does: it answers GET bucket?acl with the bucket's listing.
    fault_proxy.reroute(Match(method="GET", path=f"/{moto_bucket}/?", query={"acl": None}), "list-type=2")
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)
    app = open_wide(build_window, open_account, account, moto_bucket, qtbot)

    qtbot.waitUntil(lambda: access_text(app, "a.txt") == "—", timeout=30_000)
    flat = app.window.object_view.flat
    assert flat.index(row_of(app, "b.txt"), Column.ACCESS).data(Qt.ItemDataRole.ToolTipRole) == NO_ACLS_NOTE
    app.window.refresh()  # F5 asks the store again; it remembers the answer and sends nothing
    qtbot.waitUntil(lambda: access_text(app, "a.txt") == "—", timeout=30_000)
    assert acl_reads(fault_proxy, moto_bucket) == []


def test_a_file_made_public_shows_public_once_the_queue_has_done_it(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot
) -> None:
    app = browse_moto(["notes.txt", "other.txt"])
    app.window.resize(1600, 640)
    qtbot.waitUntil(lambda: access_text(app, "notes.txt") == "Private", timeout=30_000)

    select(app, "notes.txt")
    actions = app.window.access_actions
    assert actions is not None
    actions.make_public_action.trigger()
    qtbot.waitUntil(lambda: actions.last_box is not None and actions.last_box.isVisible(), timeout=20_000)
    box = actions.last_box
    assert isinstance(box, QMessageBox)
    next(b for b in box.buttons() if b.text() == "Make Public").click()

    qtbot.waitUntil(lambda: access_text(app, "notes.txt") == "Public", timeout=60_000)
    assert access_text(app, "other.txt") == "Private"


def test_f5_shows_a_change_made_by_another_tool_and_repaints_only_that_file(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    app = browse_moto(["a.txt", "b.txt", "c.txt"])
    app.window.resize(1600, 640)
    wait_known(qtbot, app)
    model = app.window.model
    repainted: list[int] = []
    model.dataChanged.connect(lambda first, last, *_: repainted.extend(range(first.row(), last.row() + 1)))
    moto_store.client.put_object_acl(Bucket=moto_bucket, Key="b.txt", ACL="public-read")  # another tool

    app.window.refresh_action.trigger()
    qtbot.waitUntil(lambda: access_text(app, "b.txt") == "Public", timeout=30_000)
    qtbot.waitUntil(lambda: not model.is_refreshing(), timeout=30_000)
    assert access_text(app, "a.txt") == access_text(app, "c.txt") == "Private"
    assert set(repainted) == {row_of(app, "b.txt")}  # the others never went blank


def test_make_private_on_a_custom_file_asks_first_and_cancel_keeps_its_grants(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """Before, the grant to other accounts went without a word."""
    client = moto_store.client
    client.put_object(Bucket=moto_bucket, Key="shared.pdf", Body=b"x", GrantRead=AUTHENTICATED)
    app = browse_moto(["plain.txt"])
    app.window.resize(1600, 640)
    wait_known(qtbot, app)
    actions = app.window.access_actions
    assert actions is not None

    def grantees() -> set[str]:
        grants = client.get_object_acl(Bucket=moto_bucket, Key="shared.pdf")["Grants"]
        return {g["Grantee"].get("URI", "owner") for g in grants}

    select(app, "shared.pdf", "plain.txt")
    actions.make_private_action.trigger()
    qtbot.waitUntil(lambda: actions.last_box is not None and actions.last_box.isVisible(), timeout=20_000)
    box = actions.last_box
    assert isinstance(box, QMessageBox)
    assert box.text() == "“shared.pdf” also gives access to other accounts or groups (Custom)."
    box.reject()
    qtbot.waitUntil(lambda: "Nothing was made private" in app.window.banner.text(), timeout=20_000)
    assert "http://acs.amazonaws.com/groups/global/AuthenticatedUsers" in grantees()

    actions.make_private_action.trigger()
    qtbot.waitUntil(lambda: actions.last_box is not box and actions.last_box.isVisible(), timeout=20_000)  # type: ignore[union-attr]
    next(b for b in actions.last_box.buttons() if b.text() == "Make Private").click()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: grantees() == {"owner"}, timeout=60_000)


def test_make_private_reads_the_access_the_column_has_not_read_yet(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str, qtbot: QtBot
) -> None:
    """A narrow window hides the Access column, so nothing has read the file's grants yet."""
    moto_store.client.put_object(Bucket=moto_bucket, Key="shared.pdf", Body=b"x", GrantRead=AUTHENTICATED)
    app = browse_moto([])
    app.window.resize(640, 600)
    qtbot.waitUntil(lambda: app.window.object_view.isColumnHidden(Column.ACCESS), timeout=20_000)
    app.window.access_column.forget_all()
    assert app.window.known_access("shared.pdf") == AccessState.UNKNOWN
    actions = app.window.access_actions
    assert actions is not None
    select(app, "shared.pdf")
    actions.make_private_action.trigger()
    qtbot.waitUntil(lambda: actions.last_box is not None and actions.last_box.isVisible(), timeout=20_000)
    assert actions.last_box.text().startswith("“shared.pdf” also gives access")  # type: ignore[union-attr]
    actions.last_box.reject()  # type: ignore[union-attr]
