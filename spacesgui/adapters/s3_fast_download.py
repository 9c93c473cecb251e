"""An open GET of the fast path (s3_fast_data.py), read by the engine's worker that opened it.

The response lives on the data event loop; the worker asks the loop for each chunk and, when
done, hands the response back: to the connection pool when it was read to its end, closed
otherwise (bytes left unread make a connection unusable). Either way the store is told, so
the request's place under its adaptive limit is freed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import aiohttp

from spacesgui.adapters.event_loop import EventLoopThread
from spacesgui.adapters.s3_fast_answers import connection_error
from spacesgui.adapters.s3_transfer_ops import S3DownloadStream
from spacesgui.core.transfers import RemoteObject


class FastDownloadStream(S3DownloadStream):
    """An open GET on the fast path; the worker that opened it reads it, then closes it.

    An S3DownloadStream by type only (its context manager is used as it is): the bytes
    come from the event loop, not from a botocore body. A small answer comes whole as
    `body`, with no response left open.
    """

    def __init__(
        self,
        remote: RemoteObject,
        response: aiohttp.ClientResponse | None,
        body: bytes | None,
        *,
        loop: EventLoopThread,
        endpoint: str,
        ended: Callable[[bool], None],  # on the loop, once: whether it was read to its end
    ) -> None:
        self.remote = remote  # size is the whole object's, not the range's
        self._response = response
        self._data = body
        self._finished = response is None
        self._loop = loop
        self._endpoint = endpoint
        self._ended = ended

    def chunks(self, chunk_size: int) -> Iterator[bytes]:
        if self._data is not None:
            view = memoryview(self._data)
            for offset in range(0, len(view), chunk_size):
                yield bytes(view[offset : offset + chunk_size])
            return
        if self._response is None:
            return
        while True:
            chunk = self._loop.run(self._read_chunk(self._response, chunk_size))
            if not chunk:
                self._finished = True
                return
            yield chunk

    def close(self) -> None:
        response, self._response = self._response, None
        if response is not None:
            self._loop.submit(self._close(response, self._finished))

    async def _read_chunk(self, response: aiohttp.ClientResponse, size: int) -> bytes:
        pieces: list[bytes] = []
        have = 0
        try:
            while have < size:
                piece = await response.content.read(size - have)
                if not piece:
                    break
                pieces.append(piece)
                have += len(piece)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise connection_error(exc, "GetObject", self._endpoint) from exc
        return b"".join(pieces)

    async def _close(self, response: aiohttp.ClientResponse, finished: bool) -> None:
        if finished:
            response.release()  # back to the pool for the next request
        else:
            response.close()  # bytes left unread: this connection cannot be reused
        self._ended(finished)
