"""Run blocking adapter calls off the GUI thread, and keep the tasks that do it alive."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def loop_stopped() -> bool:
    """True when no asyncio loop runs on this thread: the app is quitting.

    qasync runs callbacks from Qt's event loop; while the app shuts down Qt may still
    process events after the asyncio loop has stopped, and a task resumed then gets
    "RuntimeError: no running event loop" from its next `await`. That is quitting, not a bug.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return True
    return False


class TaskRunner:
    """Owns the worker threads and every asyncio task the services start.

    `run` is awaited on the GUI thread's event loop (qasync); the callable runs on a
    worker thread and must not touch Qt objects.
    """

    def __init__(self, max_workers: int = 8) -> None:
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="spacesgui-io")
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False

    @property
    def executor(self) -> ThreadPoolExecutor:
        return self._executor

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """Run `func(*args)` on a worker thread and return its result.

        Once `shutdown` began the workers are gone: the awaiting task is cancelled, as the
        pending ones were, instead of failing with "cannot schedule new futures".
        """
        if self._closed:
            raise asyncio.CancelledError("the app is quitting")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, func, *args)

    def spawn(self, coro: Coroutine[Any, Any, T], *, name: str = "") -> asyncio.Task[T]:
        """Start `coro` as a task and hold a reference until it ends (asyncio keeps only weak ones)."""
        task = asyncio.ensure_future(coro)
        if name:
            task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._forget)
        return task

    def _forget(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())

    @property
    def closing(self) -> bool:
        """True once `shutdown` began, or when the event loop has stopped (quitting)."""
        return self._closed or loop_stopped()

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def shutdown(self) -> None:
        """Cancel pending tasks and stop the workers (waits for running calls to return)."""
        if self._closed:
            return
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        self._executor.shutdown(wait=True, cancel_futures=True)
