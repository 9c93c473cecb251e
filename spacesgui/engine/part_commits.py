"""Group commit of small downloads: many `.part` files renamed into place per folder flush.

A download is done only when its bytes and its name survive a power cut: the `.part` file
flushed (fsync), renamed, the folder flushed. A flush per file cost more than the 4 KiB
download itself, and so did waking a thread per file. Here each file's checked bytes wait
for the next batch: one job on the commit pool writes the whole batch's `.part` files,
flushes them (one syncfs on Linux), renames them and flushes each folder once; while one
batch is committed, the next gathers. Nothing is reported done before its batch has ended.

The bytes are checked (a caller's check: the MD5) and written by the batch, not on the
loop: hashing and creating a file are work the loop thread, the busiest thread of a run of
small downloads, would do instead of sending the next requests (a quarter of its time in
a profile of 1,000 × 4 KiB); on the pool they run beside it (both release the GIL).

Loop only: `commit` is awaited by loop_jobs on the event loop thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor, Future

from spacesgui.core.errors import SpacesError
from spacesgui.core.local_ports import LocalFiles

Part = tuple[str, float, str]  # final path, modification time to set, tag of its .part file
Check = Callable[[bytes], str]  # raises a SpacesError for bytes not to write; else says how checked
Pending = tuple[Part, bytes, Check, "asyncio.Future[str]"]  # what to write, and who waits for it
Outcome = SpacesError | str  # why a file failed, or how its bytes were checked


def _unchecked(_data: bytes) -> str:
    return ""


class PartCommits:
    """See the module docstring."""

    def __init__(self, local: LocalFiles, pool: Executor) -> None:
        self._local = local
        self._pool = pool
        self._gathering: list[Pending] = []
        self._renaming = False

    async def commit(self, path: str, data: bytes, mtime: float, tag: str, check: Check = _unchecked) -> str:
        """Write `data` as `path` once `check(data)` passed (on the commit pool), durable under
        its name when this returns what the check said; what the check raised otherwise."""
        done: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._gathering.append(((path, mtime, tag), data, check, done))
        if not self._renaming:
            self._rename_batch()
        return await done

    def _rename_batch(self) -> None:
        batch, self._gathering = self._gathering, []
        self._renaming = True
        loop = asyncio.get_running_loop()
        work = [(part, data, check) for part, data, check, _done in batch]
        renamed = self._pool.submit(self._write_and_rename, work)

        def ended(future: Future[list[Outcome]]) -> None:
            loop.call_soon_threadsafe(self._batch_ended, batch, future)

        renamed.add_done_callback(ended)

    def _write_and_rename(self, batch: list[tuple[Part, bytes, Check]]) -> list[Outcome]:
        """(commit pool) Each part checked and its `.part` file written; the written ones committed."""
        outcomes: list[Outcome] = [""] * len(batch)
        written: list[int] = []
        for index, ((path, _mtime, tag), data, check) in enumerate(batch):
            try:
                outcomes[index] = check(data)
                self._local.write_part(path, data, tag)
            except SpacesError as exc:  # damaged bytes, or a file in the way of its folder: this one
                outcomes[index] = exc
            else:
                written.append(index)
        committed = self._local.commit_parts([batch[index][0] for index in written])
        for index, error in zip(written, committed, strict=True):
            if error is not None:
                outcomes[index] = error
        return outcomes

    def _batch_ended(self, batch: list[Pending], renamed: Future[list[Outcome]]) -> None:
        self._renaming = False
        error = renamed.exception()
        outcomes: list[BaseException | str] = [error] * len(batch) if error else list(renamed.result())
        for (_part, _data, _check, done), outcome in zip(batch, outcomes, strict=True):
            if done.done():  # its job was cancelled (the engine is closing)
                continue
            if isinstance(outcome, str):
                done.set_result(outcome)
            else:
                done.set_exception(outcome)
        if self._gathering:
            self._rename_batch()
