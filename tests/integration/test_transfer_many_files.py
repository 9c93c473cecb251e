"""Ten thousand files in a nested folder: every one arrives (the early Spaces panel lost some)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from spacesgui.adapters.local_files import OsLocalFiles
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account
from spacesgui.core.transfers import TransferState
from spacesgui.core.upload_plan import DEFAULT_SKIP_PATTERNS
from spacesgui.engine.transfer_engine import TransferEngine
from spacesgui.services.transfer_planner import plan_upload

FOLDERS, PER_FOLDER = 100, 100


@pytest.mark.slow
@pytest.mark.timeout(1800)  # heavy, and a loaded machine may take many times longer
def test_ten_thousand_files_in_a_nested_folder_all_upload(
    rclone_account: Account,
    rclone_store: S3Store,
    rclone_bucket: str,
    make_engine: Callable[..., TransferEngine],
    tmp_path: Path,
) -> None:
    root = tmp_path / "site"
    expected = set()
    for f in range(FOLDERS):
        folder = root / f"section-{f // 10}" / f"page-{f:03d}"
        folder.mkdir(parents=True)
        for i in range(PER_FOLDER):
            (folder / f"asset-{i:03d}.txt").write_text(f"{f}/{i}")
            expected.add(f"site/section-{f // 10}/page-{f:03d}/asset-{i:03d}.txt")
    plan = plan_upload(
        rclone_store, OsLocalFiles(), rclone_account, rclone_bucket, "", [str(root)], DEFAULT_SKIP_PATTERNS
    )
    assert len(plan.transfers) == FOLDERS * PER_FOLDER
    assert plan.notes == []
    engine = make_engine(rclone_store)
    engine.add(plan.groups, plan.transfers)
    assert engine.wait_idle(1500)
    transfers = engine.transfers()
    assert [t.key for t in transfers if t.state != TransferState.DONE] == []
    assert {e.key for e in rclone_store.iter_objects(rclone_bucket, "")} == expected
