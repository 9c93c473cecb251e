"""One asyncio event loop on a thread of its own, for blocking callers on worker threads.

The transfer process's fast data path (s3_fast_data.py) runs every PutObject, UploadPart
and GetObject on this loop: one thread drives all the connections, so a small request
costs a fraction of what a thread of its own in botocore costs. The engine's worker
threads hand it coroutines with `run` and wait for the answer without holding the GIL.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")

STOP_TIMEOUT_S = 5.0


class EventLoopThread:
    """A running event loop; `submit`/`run` from any other thread, `close` once at the end."""

    def __init__(self, name: str = "spacesgui-data") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        """Schedule `coro` on the loop (any thread but the loop's); its future."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run `coro` on the loop and wait for its result (any thread but the loop's)."""
        return self.submit(coro).result()

    @property
    def on_loop(self) -> bool:
        return threading.current_thread() is self._thread

    def close(self) -> None:
        """Stop the loop after what is scheduled on it now; cancel tasks still running."""
        if not self._thread.is_alive():
            return

        async def cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks(self.loop) if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        with contextlib.suppress(Exception):  # stopping anyway; nothing is left to report it to
            self.submit(cancel_all()).result(STOP_TIMEOUT_S)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(STOP_TIMEOUT_S)
        if not self._thread.is_alive():
            self.loop.close()
