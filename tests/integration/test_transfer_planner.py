"""Planning uploads and downloads against a real server."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from spacesgui.adapters.local_files import OsLocalFiles
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account
from spacesgui.core.errors import Cancelled
from spacesgui.core.upload_plan import DEFAULT_SKIP_PATTERNS
from spacesgui.services.transfer_planner import DownloadItem, plan_download, plan_upload


def test_planning_stops_when_the_app_quits(
    moto_account: Account, moto_store: S3Store, moto_bucket: str, tmp_path: Path
) -> None:
    for i in range(3):
        moto_store.client.put_object(Bucket=moto_bucket, Key=f"site/{i}.txt", Body=b"x")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.txt").write_text("a")
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        plan_upload(
            moto_store, OsLocalFiles(), moto_account, moto_bucket, "", [str(tmp_path / "site")],
            DEFAULT_SKIP_PATTERNS, stop,
        )  # fmt: skip
    with pytest.raises(Cancelled):
        plan_download(
            moto_store, OsLocalFiles(), moto_account, moto_bucket, [DownloadItem("site/", is_folder=True)],
            str(tmp_path / "out"), stop,
        )  # fmt: skip


def test_a_plan_without_a_stop_lists_what_exists_as_conflicts(
    moto_account: Account, moto_store: S3Store, moto_bucket: str, tmp_path: Path
) -> None:
    moto_store.client.put_object(Bucket=moto_bucket, Key="site/a.txt", Body=b"old")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.txt").write_text("new")
    (tmp_path / "site" / "b.txt").write_text("b")
    plan = plan_upload(
        moto_store,
        OsLocalFiles(),
        moto_account,
        moto_bucket,
        "",
        [str(tmp_path / "site")],
        DEFAULT_SKIP_PATTERNS,
    )
    assert sorted(t.key for t in plan.transfers) == ["site/a.txt", "site/b.txt"]
    assert [c.transfer.key for c in plan.conflicts] == ["site/a.txt"]
    assert plan.conflicts[0].target.size == 3
