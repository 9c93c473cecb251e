"""Small downloads commit in batches: many files per flush, none reported before its batch ends."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from spacesgui.adapters.local_files import OsLocalFiles
from spacesgui.core.errors import SpacesError
from spacesgui.engine.part_commits import PartCommits


class _Batches(OsLocalFiles):
    """Real files; each batch waits at `gate` so the next one gathers meanwhile."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.gate = threading.Event()
        self.entered = threading.Event()

    def commit_parts(self, parts: Sequence[tuple[str, float, str]]) -> list[SpacesError | None]:
        self.entered.set()
        self.gate.wait(60)
        self.batches.append([Path(path).name for path, _mtime, _tag in parts])
        return super().commit_parts(parts)


def test_files_written_while_a_batch_commits_go_together_in_the_next(tmp_path: Path) -> None:
    local = _Batches()

    async def main() -> None:
        with ThreadPoolExecutor(2) as pool:
            commits = PartCommits(local, pool)
            first = asyncio.ensure_future(commits.commit(str(tmp_path / "f00"), b"0", 0.0, "t0"))
            # Its batch of one is being committed, held at the gate.
            assert await asyncio.to_thread(local.entered.wait, 60)
            rest = [
                asyncio.ensure_future(commits.commit(str(tmp_path / f"f{i:02d}"), b"%d" % i, 0.0, f"t{i}"))
                for i in range(1, 40)
            ]
            await asyncio.sleep(0.05)
            assert not any(f.done() for f in [first, *rest])  # nothing done before its batch is
            assert not (tmp_path / "f00").exists()
            local.gate.set()
            await asyncio.gather(first, *rest)

    # Its own thread: after the GUI tests the session's qasync loop counts as running here.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, main()).result(timeout=120)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert local.batches == [["f00"], [f"f{i:02d}" for i in range(1, 40)]]
    assert names == [f"f{i:02d}" for i in range(40)]
    assert (tmp_path / "f07").read_bytes() == b"7"
