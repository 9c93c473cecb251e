"""Group commit of small downloads: many `.part` files renamed into place per folder flush.

A download is done only when its bytes and its name survive a power cut: the `.part` file
flushed (fsync), renamed, the folder flushed. A flush per file cost more than the 4 KiB
download itself, and so did waking a thread per file. Here each file's checked bytes wait
for the next batch, in two stages on the commit pool:

1. write: the batch's bytes are checked and its `.part` files written;
2. commit: the written files are flushed (one syncfs on Linux), renamed, and each folder
   flushed once.

One batch is in each stage at a time, so the next batch's files are written while the
last one's flush waits for the disk (a third of a commit's time in a profile of 1,000 ×
4 KiB), and files written meanwhile are committed together. Two writers at once only made
file creation slower. Nothing is reported done before its commit has ended.

The bytes are checked (a caller's check: the MD5) and written on the pool, not on the
loop: hashing and creating a file are work the loop thread, the busiest thread of a run of
small downloads, would do instead of sending the next requests (a quarter of its time in
a profile of 1,000 × 4 KiB); on the pool they run beside it (both release the GIL).

Loop only: `commit` is awaited by loop_jobs on the event loop thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, TypeVar

from spacesgui.core.errors import SpacesError
from spacesgui.core.local_ports import LocalFiles

Part = tuple[str, float, str]  # final path, modification time to set, tag of its .part file
Check = Callable[[bytes], str]  # raises a SpacesError for bytes not to write; else says how checked
Pending = tuple[Part, bytes, Check, "asyncio.Future[str]"]  # what to write, and who waits for it
Written = tuple[Part, str, "asyncio.Future[str]"]  # on disk as .part: how it was checked, who waits
Outcome = SpacesError | str  # why a file failed, or how its bytes were checked
A = TypeVar("A")  # what a stage's work is given
R = TypeVar("R")  # what it gives for each file
B = TypeVar("B")  # a file of the batch, as the stage's end takes it


def _unchecked(_data: bytes) -> str:
    return ""


class PartCommits:
    """See the module docstring."""

    def __init__(self, local: LocalFiles, pool: Executor) -> None:
        self._local = local
        self._pool = pool
        self._gathering: list[Pending] = []  # waiting to be written
        self._written: list[Written] = []  # waiting to be committed
        self._writing = False
        self._committing = False

    async def commit(self, path: str, data: bytes, mtime: float, tag: str, check: Check = _unchecked) -> str:
        """Write `data` as `path` once `check(data)` passed (on the commit pool), durable under
        its name when this returns what the check said; what the check raised otherwise."""
        done: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._gathering.append(((path, mtime, tag), data, check, done))
        if not self._writing:
            self._write_batch()
        return await done

    def _write_batch(self) -> None:
        batch, self._gathering = self._gathering, []
        self._writing = True
        work = [(part, data, check) for part, data, check, _done in batch]
        self._on_pool(self._write, work, self._batch_written, batch)

    def _commit_batch(self) -> None:
        batch, self._written = self._written, []
        self._committing = True
        self._on_pool(
            self._local.commit_parts, [part for part, _how, _done in batch], self._batch_committed, batch
        )

    def _on_pool(
        self, work: Callable[[A], list[R]], arg: A,
        ended: Callable[[list[B], list[R] | BaseException], None], batch: list[B],
    ) -> None:  # fmt: skip
        """Run `work(arg)` on the pool; `ended(batch, its list, or what it raised)` on the loop."""
        loop = asyncio.get_running_loop()

        def finished(future: Future[list[R]]) -> None:
            error = future.exception()
            loop.call_soon_threadsafe(ended, batch, error if error is not None else future.result())

        self._pool.submit(work, arg).add_done_callback(finished)

    def _write(self, batch: list[tuple[Part, bytes, Check]]) -> list[Outcome]:
        """(commit pool) Each part checked and its `.part` file written: how it was checked, or why not."""
        outcomes: list[Outcome] = [""] * len(batch)
        for index, ((path, _mtime, tag), data, check) in enumerate(batch):
            try:
                outcomes[index] = check(data)
                self._local.write_part(path, data, tag)
            except SpacesError as exc:  # damaged bytes, or a file in the way of its folder: this one
                outcomes[index] = exc
        return outcomes

    def _batch_written(self, batch: list[Pending], outcomes: list[Outcome] | BaseException) -> None:
        self._writing = False
        for (part, _data, _check, done), outcome in zip(batch, _each(outcomes, len(batch)), strict=True):
            if isinstance(outcome, str):
                self._written.append((part, outcome, done))
            else:
                _settle(done, outcome)
        if self._written and not self._committing:
            self._commit_batch()
        if self._gathering:
            self._write_batch()

    def _batch_committed(
        self, batch: list[Written], errors: list[SpacesError | None] | BaseException
    ) -> None:
        self._committing = False
        for (_part, how, done), error in zip(batch, _each(errors, len(batch)), strict=True):
            _settle(done, error if error is not None else how)
        if self._written:
            self._commit_batch()


def _each(outcomes: list[Any] | BaseException, count: int) -> list[Any]:
    """A stage's outcome per file: its own, or for all what the whole stage raised."""
    return [outcomes] * count if isinstance(outcomes, BaseException) else outcomes


def _settle(done: asyncio.Future[str], outcome: BaseException | str) -> None:
    if done.done():  # its job was cancelled (the engine is closing)
        return
    if isinstance(outcome, str):
        done.set_result(outcome)
    else:
        done.set_exception(outcome)
