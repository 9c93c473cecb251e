"""The first bytes of an object, with one ranged GET: what previews and thumbnails read."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from spacesgui.core.errors import Cancelled
from spacesgui.core.preview import ObjectStart

if TYPE_CHECKING:
    from spacesgui.adapters.s3_transfer_ops import S3DownloadStream

CHUNK_BYTES = 64 * 1024


class S3ReaderOps:
    """ObjectReader, for a class that has S3TransferOps.open_download. Blocking; thread-safe."""

    if TYPE_CHECKING:

        def open_download(
            self, bucket: str, key: str, *, start: int = 0, end: int | None = None, if_match: str = ""
        ) -> S3DownloadStream: ...

    def read_start(
        self, bucket: str, key: str, max_bytes: int, *, stop: Callable[[], bool] | None = None
    ) -> ObjectStart:
        """GET `key` with `Range: bytes=0-(max_bytes - 1)`; never more than `max_bytes` read.

        Raises the core error of a failed GET (NotFound, AccessDenied, NetworkError…).
        An empty range (max_bytes 0) is not sent: ask HEAD instead. `stop` is asked
        between chunks: a preview the user moved away from stops reading (Cancelled).
        """
        if max_bytes <= 0:
            raise ValueError("read_start needs at least one byte")
        with self.open_download(bucket, key, start=0, end=max_bytes - 1) as stream:
            parts: list[bytes] = []
            got = 0
            for chunk in stream.chunks(min(CHUNK_BYTES, max_bytes)):
                if stop is not None and stop():
                    raise Cancelled(f"Stopped reading “{key}”.")
                parts.append(chunk[: max_bytes - got])
                got += len(parts[-1])
                if got >= max_bytes:  # a server that ignored the range: stop reading here
                    break
            remote = stream.remote
        return ObjectStart(
            key=key,
            data=b"".join(parts),
            size=remote.size,
            etag=remote.etag,
            content_type=remote.content_type,
            last_modified=remote.last_modified,
            metadata=dict(remote.metadata),
        )
