"""Group commit of small downloads: many `.part` files renamed into place per folder flush.

A download is done only when its bytes and its name survive a power cut: the `.part` file
flushed (fsync), renamed, the folder flushed. A flush per file cost more than the 4 KiB
download itself, and so did waking a thread per file. Here each file is written on the loop
and waits for the next batch: one job on the commit pool flushes the whole batch (one syncfs
on Linux), renames it and flushes each folder once; while one batch is committed, the next
gathers. Nothing is reported done before its batch has ended.

Loop only: `commit` is awaited by loop_jobs on the event loop thread.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor, Future

from spacesgui.core.errors import SpacesError
from spacesgui.core.local_ports import LocalFiles

Part = tuple[str, float, str]  # final path, modification time to set, tag of its .part file


class PartCommits:
    """See the module docstring."""

    def __init__(self, local: LocalFiles, pool: Executor) -> None:
        self._local = local
        self._pool = pool
        self._gathering: list[tuple[Part, asyncio.Future[None]]] = []
        self._renaming = False

    async def commit(self, path: str, data: bytes, mtime: float, tag: str) -> None:
        """Write `data` as `path` (checked bytes), durable under its name when this returns."""
        # Written here, on the loop: a few system calls for at most 1 MiB (SMALL_DOWNLOAD),
        # cheaper than waking a thread for it; the flush to disk is the batch's.
        self._local.write_part(path, data, tag)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._gathering.append(((path, mtime, tag), done))
        if not self._renaming:
            self._rename_batch()
        await done

    def _rename_batch(self) -> None:
        batch, self._gathering = self._gathering, []
        self._renaming = True
        loop = asyncio.get_running_loop()
        renamed = self._pool.submit(self._local.commit_parts, [part for part, _done in batch])

        def ended(future: Future[list[SpacesError | None]]) -> None:
            loop.call_soon_threadsafe(self._batch_ended, batch, future)

        renamed.add_done_callback(ended)

    def _batch_ended(
        self, batch: list[tuple[Part, asyncio.Future[None]]], renamed: Future[list[SpacesError | None]]
    ) -> None:
        self._renaming = False
        error = renamed.exception()
        outcomes: list[BaseException | None] = [error] * len(batch) if error else list(renamed.result())
        for (_part, done), outcome in zip(batch, outcomes, strict=True):
            if done.done():  # its job was cancelled (the engine is closing)
                continue
            if outcome is None:
                done.set_result(None)
            else:
                done.set_exception(outcome)
        if self._gathering:
            self._rename_batch()
