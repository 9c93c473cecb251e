"""Small downloads commit in batches: many files per flush, none reported before its batch ends."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from spacesgui.adapters.local_files import OsLocalFiles
from spacesgui.core.errors import LocalWriteFailed, SpacesError
from spacesgui.engine.part_commits import PartCommits


class _Batches(OsLocalFiles):
    """Real files; each batch waits at `gate` so the next one gathers meanwhile."""

    def __init__(self, watch_writes: int = 0) -> None:
        self.batches: list[list[str]] = []
        self.gate = threading.Event()
        self.entered = threading.Event()
        self._writes = 0
        self._watch_writes = watch_writes
        self.written = threading.Event()  # set once `watch_writes` .part files are on disk

    def write_part(self, path: str, data: bytes, tag: str = "") -> None:
        super().write_part(path, data, tag)
        self._writes += 1  # one writer at a time (the stage's batch)
        if self._writes == self._watch_writes:
            self.written.set()

    def commit_parts(self, parts: Sequence[tuple[str, float, str]]) -> list[SpacesError | None]:
        self.entered.set()
        self.gate.wait(60)
        self.batches.append([Path(path).name for path, _mtime, _tag in parts])
        return super().commit_parts(parts)


def test_files_come_in_while_a_batch_commits_are_written_meanwhile_and_committed_together_next(
    tmp_path: Path,
) -> None:
    local = _Batches(watch_writes=40)

    async def main() -> None:
        with ThreadPoolExecutor(2) as pool:
            commits = PartCommits(local, pool)
            first = asyncio.ensure_future(commits.commit(str(tmp_path / "f00"), b"0", 0.0, "t0"))
            # Its batch of one is being committed, held at the gate (as a flush waiting for the disk).
            assert await asyncio.to_thread(local.entered.wait, 60)
            rest = [
                asyncio.ensure_future(commits.commit(str(tmp_path / f"f{i:02d}"), b"%d" % i, 0.0, f"t{i}"))
                for i in range(1, 40)
            ]
            # Their .part files are written while the first batch's commit still waits…
            assert await asyncio.to_thread(local.written.wait, 60)
            assert len(await asyncio.to_thread(lambda: list(tmp_path.glob("f*.part")))) == 40
            assert not any(f.done() for f in [first, *rest])  # …but nothing is done before its commit
            assert not (tmp_path / "f00").exists()
            local.gate.set()
            await asyncio.gather(first, *rest)

    # Its own thread: after the GUI tests the session's qasync loop counts as running here.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, main()).result(timeout=120)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert local.batches[0] == ["f00"]
    # Written while the first one waited, they are committed together after it (a last
    # one may still have been finishing its write when the gate opened).
    assert 2 <= len(local.batches) <= 3
    assert sorted(name for batch in local.batches[1:] for name in batch) == [
        f"f{i:02d}" for i in range(1, 40)
    ]
    assert names == [f"f{i:02d}" for i in range(40)]
    assert (tmp_path / "f07").read_bytes() == b"7"


def test_a_file_that_cannot_be_written_fails_alone_and_the_rest_of_its_batch_lands(tmp_path: Path) -> None:
    (tmp_path / "blocked").write_bytes(b"a file where a folder should be")
    local = _Batches()
    local.gate.set()

    async def main() -> list[BaseException | str]:
        with ThreadPoolExecutor(2) as pool:
            commits = PartCommits(local, pool)
            paths = [tmp_path / "a", tmp_path / "blocked" / "b", tmp_path / "sub" / "c"]
            jobs = [commits.commit(str(p), p.name.encode(), 0.0, f"t{i}") for i, p in enumerate(paths)]
            return list(await asyncio.gather(*jobs, return_exceptions=True))

    with ThreadPoolExecutor(1) as thread:
        outcomes = thread.submit(asyncio.run, main()).result(timeout=120)
    assert outcomes[0] == ""  # written (no check asked for)
    assert outcomes[2] == ""
    assert isinstance(outcomes[1], LocalWriteFailed)
    assert "“blocked”" in outcomes[1].message
    assert "in the way" in outcomes[1].message
    assert (tmp_path / "a").read_bytes() == b"a"
    assert (tmp_path / "sub" / "c").read_bytes() == b"c"
    assert (tmp_path / "blocked").read_bytes() == b"a file where a folder should be"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "blocked", "c", "sub"]  # no .part left
