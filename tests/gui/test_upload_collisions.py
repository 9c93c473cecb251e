"""Two local files that map to one key: never one silently overwriting the other (issue 7, item 1)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.conflicts import ConflictPolicy
from spacesgui.core.transfers import TransferState
from tests.gui.test_transfers_window import drop, wait_transfers_done

COMPOSED = unicodedata.normalize("NFC", "café.txt")
DECOMPOSED = unicodedata.normalize("NFD", "café.txt")


def body(store: S3Store, bucket: str, key: str) -> bytes:
    return bytes(store.client.get_object(Bucket=bucket, Key=key)["Body"].read())


def keys_in(store: S3Store, bucket: str) -> set[str]:
    return {e.key for e in store.iter_objects(bucket, "")}


@pytest.fixture
def accented(tmp_path: Path) -> Path:
    """menu/ holding the same accented name twice: composed and decomposed, different bytes."""
    folder = tmp_path / "menu"
    folder.mkdir()
    (folder / COMPOSED).write_bytes(b"composed")
    (folder / DECOMPOSED).write_bytes(b"decomposed!")
    assert len(list(folder.iterdir())) == 2  # the file system keeps both names apart
    return folder


def states(app: App) -> dict[str, tuple[TransferState, str]]:
    return {t.local_path: (t.state, t.error) for t in app.transfers.engine.transfers()}


def test_two_names_differing_only_in_unicode_normalization_ask_and_keep_both_keeps_both(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    accented: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto([])
    drop(app, [accented])
    asker = app.window.transfer_actions.ask_conflict  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: asker.last_dialog is not None and asker.last_dialog.isVisible(), timeout=10_000)
    dialog = asker.last_dialog
    assert dialog is not None
    assert dialog.windowTitle() == "Two files, one name"
    button = dialog.findChild(QPushButton, f"conflict-{ConflictPolicy.RENAME.value}")
    assert button is not None
    button.click()
    wait_transfers_done(qtbot, app, 2)
    assert keys_in(moto_store, moto_bucket) == {f"menu/{COMPOSED}", "menu/café (1).txt"}
    contents = {body(moto_store, moto_bucket, key) for key in keys_in(moto_store, moto_bucket)}
    assert contents == {b"composed", b"decomposed!"}  # nothing lost
    banner = app.window.banner
    qtbot.waitUntil(lambda: "café (1).txt" in banner.text(), timeout=10_000)
    assert "Unicode normalization" in banner.text()


def test_with_skip_set_the_second_file_is_skipped_and_says_why(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    accented: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    app = browse_moto([])
    app.transfers.conflict_policy = ConflictPolicy.SKIP
    drop(app, [accented])
    wait_transfers_done(qtbot, app, 2)
    assert keys_in(moto_store, moto_bucket) == {f"menu/{COMPOSED}"}
    skipped = [t for t in app.transfers.engine.transfers() if t.state == TransferState.SKIPPED]
    assert len(skipped) == 1
    kept = body(moto_store, moto_bucket, f"menu/{COMPOSED}")
    skipped_bytes = Path(skipped[0].local_path).read_bytes()
    assert kept != skipped_bytes  # the row that says Skipped is the one whose bytes are not there
    assert "uploads to the same key" in skipped[0].error
    qtbot.waitUntil(lambda: "was skipped" in app.window.banner.text(), timeout=10_000)


def test_with_overwrite_set_the_later_file_wins_and_the_earlier_row_says_it_was_replaced(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    tmp_path: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    folder = tmp_path / "docs"
    (folder / "a").mkdir(parents=True)
    (folder / "a" / "b.txt").write_bytes(b"in a folder")
    (folder / "a\\b.txt").write_bytes(b"backslash name")  # becomes the key docs/a/b.txt too
    app = browse_moto([])
    app.transfers.conflict_policy = ConflictPolicy.OVERWRITE
    drop(app, [folder])
    wait_transfers_done(qtbot, app, 2)
    finished = app.transfers.engine.transfers()
    done = [t for t in finished if t.state == TransferState.DONE]
    skipped = [t for t in finished if t.state == TransferState.SKIPPED]
    assert len(done) == 1
    assert len(skipped) == 1
    assert body(moto_store, moto_bucket, "docs/a/b.txt") == Path(done[0].local_path).read_bytes()
    assert "uploads to the same key" in skipped[0].error
    qtbot.waitUntil(lambda: "backslash" in app.window.banner.text(), timeout=10_000)


def test_identical_files_under_one_key_upload_once_with_overwrite_if_different(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    tmp_path: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    folder = tmp_path / "menu"
    folder.mkdir()
    (folder / COMPOSED).write_bytes(b"same bytes")
    (folder / DECOMPOSED).write_bytes(b"same bytes")
    app = browse_moto([])
    app.transfers.conflict_policy = ConflictPolicy.OVERWRITE_IF_DIFFERENT
    drop(app, [folder])
    wait_transfers_done(qtbot, app, 2)
    assert keys_in(moto_store, moto_bucket) == {f"menu/{COMPOSED}"}
    skipped = [t for t in app.transfers.engine.transfers() if t.state == TransferState.SKIPPED]
    assert [t.error.split(" to ")[0] for t in skipped] == ["Skipped: identical"]


def test_two_dropped_folders_of_one_name_conflict_file_by_file(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    tmp_path: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    for side in ("left", "right"):
        (tmp_path / side / "photos").mkdir(parents=True)
        (tmp_path / side / "photos" / "cat.jpg").write_bytes(side.encode())
    app = browse_moto([])
    app.transfers.conflict_policy = ConflictPolicy.RENAME
    drop(app, [tmp_path / "left" / "photos", tmp_path / "right" / "photos"])
    wait_transfers_done(qtbot, app, 2)
    assert keys_in(moto_store, moto_bucket) == {"photos/cat.jpg", "photos/cat (1).jpg"}
    assert body(moto_store, moto_bucket, "photos/cat.jpg") == b"left"
    assert body(moto_store, moto_bucket, "photos/cat (1).jpg") == b"right"


def test_overwrite_if_different_says_identical_for_an_identical_existing_object(
    browse_moto: Callable[[Iterable[str]], App], moto_store: S3Store, moto_bucket: str,
    tmp_path: Path, qtbot: QtBot,
) -> None:  # fmt: skip
    (tmp_path / "readme.md").write_bytes(b"# hi")
    app = browse_moto([])
    moto_store.client.put_object(Bucket=moto_bucket, Key="readme.md", Body=b"# hi")
    app.transfers.conflict_policy = ConflictPolicy.OVERWRITE_IF_DIFFERENT
    drop(app, [tmp_path / "readme.md"])
    wait_transfers_done(qtbot, app, 1)
    (transfer,) = app.transfers.engine.transfers()
    assert (transfer.state, transfer.error) == (TransferState.SKIPPED, "Skipped: identical")
