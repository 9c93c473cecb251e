"""The transfer process's data calls (PutObject, UploadPart, GetObject) over aiohttp.

(GetObject of a range of megabytes, a part of a big download, goes through boto3 on its
worker thread: see open_download.)

(CopyObject and DeleteObjects too, for folder operations: s3_fast_operations.py.)

(The GET or PUT of a whole small file, the engine's loop jobs, goes on connections of this
store's own instead of aiohttp's, read by httptools: s3_small_requests.py says why.)

boto3 spends ~1.6 ms of Python per small request in its generic machinery (event hooks,
user agent, endpoint rules, an `Expect: 100-continue` wait on every PUT); botocore's
signature alone is ~0.15 ms. FastS3Store keeps boto3 for every control call and sends the three
data calls itself: one event loop thread (event_loop.py), a keep-alive pool per
account, no `Expect: 100-continue`, signed with SigV4 (session tokens included) and
UNSIGNED-PAYLOAD, as the boto3 client is configured, by s3_signer.py, which gives the
same headers as botocore's S3SigV4Auth for a fraction of its CPU; every body
carries Content-MD5, which the server checks. Answers and errors are read by
s3_fast_answers.py as boto3's are, so a refused signature reads the same as anywhere else
in the app.

Addressing (path or virtual host) is botocore's: the URL of a bucket is taken once from
a presigned URL the boto3 client builds. Keys are quoted as botocore quotes them and sent
exactly so (yarl `encoded=True`), so `//`, `..`, `#?%+&` and unicode reach the server
and the signature as the same bytes.

How many requests run at once adapts (core/adaptive_limit.py): a 503 Slow Down or a
connection error halves it, clean answers bring it back one by one.

Threads: the engine's workers call the public methods and wait on the loop; request
bodies are read on the worker (the engine's reader applies pause, cancel, the bandwidth
limit and progress as it is read), big ones streamed to the loop through a short queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Coroutine
from concurrent.futures import FIRST_COMPLETED, Future, wait
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import aiohttp
from yarl import URL

from spacesgui.adapters.event_loop import EventLoopThread
from spacesgui.adapters.s3_client import CONNECT_TIMEOUT_S, READ_TIMEOUT_S
from spacesgui.adapters.s3_errors import translate
from spacesgui.adapters.s3_fast_answers import (
    META,
    Answer,
    answer_error,
    answer_meta,
    connection_error,
    read_to_end,
    whole_object,
)
from spacesgui.adapters.s3_fast_download import FastDownloadStream
from spacesgui.adapters.s3_fast_operations import FastOperations
from spacesgui.adapters.s3_signer import S3Signer, split_url
from spacesgui.adapters.s3_small_requests import KEEPALIVE_S, SmallAnswer, SmallRequests
from spacesgui.adapters.s3_store import S3Store
from spacesgui.adapters.s3_transfer_ops import (
    S3DownloadStream,
    _range_header,
    _remote,
    _whole_size,
    strip_etag,
)
from spacesgui.adapters.tls_trust import ssl_context
from spacesgui.core.accounts import Account, Credentials
from spacesgui.core.adaptive_limit import AdaptiveLimit
from spacesgui.core.errors import (
    ClockSkew,
    InvalidInput,
    ObjectChanged,
    SpacesError,
    Throttled,
)
from spacesgui.core.ports import Body
from spacesgui.core.transfers import CANNED_ACLS, PRIVATE, RemoteObject

log = logging.getLogger(__name__)

# Bytes handed from a worker to the loop at a time: each hand-over costs a wake-up of the
# loop (256 KiB cost a 1 GiB upload 0.4 CPU-s more than 2 MiB); under a bandwidth limit
# the engine's body gives smaller reads (transfer_body.LIMITED_READ).
CHUNK = 2 * 1024 * 1024
INLINE_BYTES = 1024 * 1024  # bodies up to this go (and come) in one piece
THREAD_STREAM_BYTES = 4 * 1024 * 1024  # ranges this big come through boto3 (see open_download)
ERROR_BODY_LIMIT = 64 * 1024
ANSWER_LIMIT = 1024 * 1024  # a PUT's answer read on our own connections (CopyObject's is XML)
DEFAULT_CONNECTIONS = 64


def object_headers(
    content_type: str, acl: str, cache_control: str, metadata: dict[str, str]
) -> dict[str, str]:
    """The headers of a new object, as s3_transfer_ops._object_headers sends them through boto3."""
    if acl not in ("", *CANNED_ACLS):
        raise InvalidInput(f"Uploads can be private or public-read, not “{acl}”.")
    headers = {META + name: value for name, value in metadata.items()}
    if content_type:
        headers["Content-Type"] = content_type
    if acl and acl != PRIVATE:  # see _object_headers: private is the default without a header
        headers["x-amz-acl"] = acl
    if cache_control:
        headers["Cache-Control"] = cache_control
    return headers


class FastS3Store(FastOperations, S3Store):
    """S3Store whose data calls go through aiohttp on `loop`; see the module docstring.

    CopyObject and DeleteObjects, the requests of folder renames and deletes, go the same
    way (s3_fast_operations.py).
    """

    def __init__(
        self,
        account: Account,
        credentials: Credentials,
        *,
        loop: EventLoopThread,
        connections: int = DEFAULT_CONNECTIONS,
        own_connections: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(account, credentials, **kwargs)
        self._timeouts = (
            float(kwargs.get("connect_timeout", CONNECT_TIMEOUT_S)),
            float(kwargs.get("read_timeout", READ_TIMEOUT_S)),
        )
        self._loop = loop
        self._connections = max(1, connections)
        self._signer = S3Signer(
            credentials.access_key_id, credentials.secret_access_key, credentials.session_token,
            account.region or "us-east-1",
        )  # fmt: skip
        self._bases: dict[str, str] = {}
        self._session: aiohttp.ClientSession | None = None  # made on the loop, on first use
        self.limit = AdaptiveLimit(self._connections)
        self._in_flight = 0
        self._waiters: list[asyncio.Future[None]] = []
        self._jobs: set[asyncio.Task[None]] = set()
        # Small files' GETs and PUTs on connections of our own (s3_small_requests.py), one
        # set per origin; False sends them through aiohttp as every other request (the bench
        # compares the two).
        self._own_connections = own_connections
        self._small_requests: dict[str, SmallRequests] = {}

    # -- the three data calls -----------------------------------------------------------

    def put_object(
        self, bucket: str, key: str, body: Body, *, size: int, md5_b64: str, content_type: str,
        acl: str, cache_control: str, metadata: dict[str, str],
    ) -> str:  # fmt: skip
        """PutObject with Content-MD5; the ETag (no quotes)."""
        headers = {
            "Content-Length": str(size), "Content-MD5": md5_b64,
            **object_headers(content_type, acl, cache_control, metadata),
        }  # fmt: skip
        answer = self._upload("PutObject", bucket, self.url(bucket, key), headers, body, size)
        return strip_etag(answer.headers.get("ETag"))

    def upload_part(
        self, bucket: str, key: str, upload_id: str, number: int, body: Body, *, size: int, md5_b64: str
    ) -> str:
        """UploadPart `number` with Content-MD5; its ETag (no quotes)."""
        url = f"{self.url(bucket, key)}?partNumber={number}&uploadId={quote(upload_id, safe='-_.~')}"
        headers = {"Content-Length": str(size), "Content-MD5": md5_b64}
        answer = self._upload("UploadPart", bucket, url, headers, body, size)
        return strip_etag(answer.headers.get("ETag"))

    def open_download(
        self, bucket: str, key: str, *, start: int = 0, end: int | None = None, if_match: str = ""
    ) -> S3DownloadStream:
        """GetObject of bytes `start`..`end` (inclusive); as S3TransferOps.open_download.

        A range of THREAD_STREAM_BYTES or more is fetched through boto3 on the calling worker
        thread instead: on the loop, one thread decrypted every byte of every range of an
        https download (1 GiB in 4.5–6.9 s, against 4.1–4.9 s with each range decrypted on
        its own worker; boto3's cost per request is nothing next to a range of megabytes).
        """
        if end is not None and end - start + 1 >= THREAD_STREAM_BYTES:
            return super().open_download(bucket, key, start=start, end=end, if_match=if_match)
        headers: dict[str, str] = {}
        byte_range = _range_header(start, end)
        if byte_range:
            headers["Range"] = byte_range
        if if_match:
            headers["If-Match"] = f'"{strip_etag(if_match)}"'
        response, meta, body = self._loop.run(self._open_get(bucket, self.url(bucket, key), headers))
        stream = FastDownloadStream(
            RemoteObject(key, 0, "", 0.0), response, body, loop=self._loop, endpoint=self.endpoint,
            ended=self._get_ended,
        )  # fmt: skip
        try:
            stream.remote = _remote(key, meta, _whole_size(meta, start, end))
            expected = strip_etag(if_match)
            if expected and stream.remote.etag and stream.remote.etag != expected:
                raise ObjectChanged(
                    f"“{key}” changed on the server since the download started.",
                    detail=f"GetObject on {self.endpoint}: ETag {stream.remote.etag}, expected {expected}",
                )
        except BaseException:
            stream.close()
            raise
        return stream

    # -- small files as coroutines (core LoopDataStore; the engine runs them on the loop) --

    def run_soon(self, job: Coroutine[Any, Any, None]) -> None:
        """Start `job` on the loop (any thread; on the loop itself without waking it)."""
        if self._loop.on_loop:
            task = asyncio.get_running_loop().create_task(job)
            self._jobs.add(task)  # the loop keeps only a weak reference to its tasks
            task.add_done_callback(self._jobs.discard)
        else:
            self._loop.submit(job)

    async def put_small(
        self, bucket: str, key: str, data: bytes, *, md5_b64: str, content_type: str, acl: str,
        cache_control: str, metadata: dict[str, str],
    ) -> str:  # fmt: skip
        """PutObject of `data` with Content-MD5 (on the loop); the ETag (no quotes)."""
        headers = {
            "Content-Length": str(len(data)), "Content-MD5": md5_b64,
            **object_headers(content_type, acl, cache_control, metadata),
        }  # fmt: skip
        answer = await self._send("PutObject", bucket, "PUT", self.url(bucket, key), headers, data)
        return strip_etag(answer.headers.get("ETag"))

    async def get_small(self, bucket: str, key: str, *, limit: int) -> tuple[RemoteObject, bytes | None]:
        """GetObject (on the loop): the object and its bytes; None for them when over `limit`.

        Sent on connections of our own (s3_small_requests.py), unless made with
        own_connections=False; so are the PUTs of bytes in memory (_send).
        """
        url = self.url(bucket, key)
        started = await self._acquire()
        try:
            if self._own_connections:
                answer = await self._send_own("GetObject", bucket, "GET", url, {}, b"", limit, started)
                received = len(answer.body) if answer.body is not None else None
                return whole_object(key, answer.headers, received), answer.body
            response = await self._request("GetObject", bucket, "GET", url, {}, None, started)
            remote = whole_object(key, response.headers)
            if response.content_length is None or response.content_length > limit:
                response.close()  # the caller takes the long way; this connection is not reused
                return remote, None
            async with response:
                body = await read_to_end(response, self.endpoint)
            self.limit.succeeded()
            return remote, body
        finally:
            self._release()

    async def _send_own(
        self, operation: str, bucket: str, method: str, url: str, headers: dict[str, str], data: bytes,
        limit: int, started: int,
    ) -> SmallAnswer:  # fmt: skip
        """One request on connections of our own (gate held by the caller); an error answer
        raised as a core error, as _request raises aiohttp's."""
        origin, path, query = split_url(url)
        pool = self._small_requests.get(origin)
        if pool is None:
            connect_s, read_s = self._timeouts
            tls = ssl_context(self.account) if origin.startswith("https:") else None
            pool = SmallRequests(origin, tls=tls, connect_s=connect_s, read_s=read_s)
            self._small_requests[origin] = pool
        target = f"{path}?{query}" if query else path
        for attempt in range(2):
            signed = self._sign_headers(method, url, headers)
            try:
                answer = await pool.send(method, target, signed, data, limit=limit)
            except (OSError, TimeoutError) as exc:  # ssl.SSLError is an OSError
                self._throttled(started, operation)
                raise self._network_error(exc, operation) from exc
            if answer.status < 300:
                if answer.body is not None:  # read whole, its connection kept: a clean answer
                    self.limit.succeeded()
                return answer
            said = Answer(answer.status, answer.headers, answer.body or b"")
            error = self._refusal(operation, bucket, said, started, resendable=attempt == 0)
            if error is not None:
                raise error
        raise AssertionError("unreachable")

    def close(self) -> None:
        super().close()
        pools, self._small_requests = self._small_requests, {}
        for pool in pools.values():
            if self._loop.on_loop:
                pool.close()
            else:
                with contextlib.suppress(RuntimeError):  # the loop has stopped: nothing to close
                    self._loop.loop.call_soon_threadsafe(pool.close)
        session, self._session = self._session, None
        if session is not None and not self._loop.on_loop:
            try:
                self._loop.submit(session.close()).result(5)
            except Exception as exc:
                log.debug("closing the data connections: %s", exc)

    # -- addresses and signatures -------------------------------------------------------

    def url(self, bucket: str, key: str) -> str:
        """The object's URL as botocore addresses it, the key quoted as botocore quotes it."""
        base = self._bases.get(bucket)
        if base is None:
            try:
                presigned = self._client.generate_presigned_url(
                    "get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60
                )
            except Exception as exc:
                raise translate(exc, operation="GetObject", endpoint=self.endpoint, bucket=bucket) from exc
            base = presigned.split("?", 1)[0].removesuffix("k")
            self._bases[bucket] = base
        return base + quote(key, safe="/~")

    def _sign_headers(self, method: str, url: str, headers: dict[str, str]) -> dict[str, str]:
        return self._signer.sign(method, url, headers)  # UNSIGNED-PAYLOAD, as boto3 is set up

    # -- uploads ------------------------------------------------------------------------

    def _upload(
        self, operation: str, bucket: str, url: str, headers: dict[str, str], body: Body, size: int
    ) -> Answer:
        """Send `size` bytes of `body` (read on this worker thread) and wait for the answer."""
        if size <= INLINE_BYTES:
            data = _read(body, size)
            return self._loop.run(self._send(operation, bucket, "PUT", url, headers, data))
        queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=2)

        async def source() -> AsyncIterator[bytes]:
            while (chunk := await queue.get()) is not None:
                yield chunk

        request = self._loop.submit(self._send(operation, bucket, "PUT", url, headers, source()))
        try:
            sent = 0
            while sent < size and not request.done():
                chunk = body.read(min(CHUNK, size - sent))
                if not chunk:
                    raise InvalidInput(f"The body of {operation} ended {size - sent:,} bytes early.")
                sent += len(chunk)
                self._hand_over(queue, chunk, request)
            if not request.done():
                self._hand_over(queue, None, request)
            return request.result()
        except BaseException:
            request.cancel()
            raise

    def _hand_over(
        self, queue: asyncio.Queue[bytes | None], chunk: bytes | None, request: Future[Answer]
    ) -> None:
        """Put `chunk` on the loop's queue, unless the request ends (an early error) first."""
        put: Future[Any] = self._loop.submit(queue.put(chunk))
        wait([put, request], return_when=FIRST_COMPLETED)
        if not put.done():
            put.cancel()

    async def _send(
        self, operation: str, bucket: str, method: str, url: str, headers: dict[str, str], data: Any
    ) -> Answer:
        started = await self._acquire()
        try:
            if self._own_connections and method == "PUT" and isinstance(data, bytes):
                own = await self._send_own(
                    operation, bucket, method, url, headers, data, ANSWER_LIMIT, started
                )
                if own.body is not None:
                    return Answer(own.status, own.headers, own.body)
                # An answer body our connections do not read (no length, or too long): once
                # more through aiohttp, which does (a PUT of the same bytes, or the same copy).
            response = await self._request(operation, bucket, method, url, headers, data, started)
            async with response:
                body = await response.read()
            self.limit.succeeded()
            return Answer(response.status, response.headers, body)
        finally:
            self._release()

    async def _request(
        self, operation: str, bucket: str, method: str, url: str, headers: dict[str, str], data: Any,
        started: int,
    ) -> aiohttp.ClientResponse:  # fmt: skip
        """One signed request; an error status is raised as a core error (gate held by the caller).

        A request refused for a clock too far from the server's is signed again with the
        server's time and sent once more when its body can be (bytes, not a stream).
        """
        session = self._session_now()
        for attempt in range(2):
            signed = self._sign_headers(method, url, headers)
            try:
                response = await session.request(method, URL(url, encoded=True), headers=signed, data=data)
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                self._throttled(started, operation)
                raise self._network_error(exc, operation) from exc
            if response.status < 300:
                return response
            async with response:
                try:
                    body = await response.content.read(ERROR_BODY_LIMIT)
                except (aiohttp.ClientError, TimeoutError, OSError):
                    body = b""
            resendable = attempt == 0 and (data is None or isinstance(data, bytes))
            error = self._refusal(
                operation, bucket, Answer(response.status, response.headers, body), started,
                resendable=resendable,
            )  # fmt: skip
            if error is not None:
                raise error
        raise AssertionError("unreachable")

    def _refusal(
        self, operation: str, bucket: str, answer: Answer, started: int, *, resendable: bool
    ) -> SpacesError | None:
        """The error an error answer is; None when the request should go once more, signed with
        the server's time (it refused this computer's clock) and `resendable`."""
        error = self._error(operation, bucket, answer.status, answer.body)
        if (
            isinstance(error, ClockSkew)
            and self._correct_clock(answer.headers.get("Date", ""))
            and resendable
        ):
            return None
        if isinstance(error, Throttled) or answer.status == 503:
            self._throttled(started, operation)
        return error

    def _correct_clock(self, server_date: str) -> bool:
        """Sign from now on with the server's time (its Date header); False when it says none
        or it changes nothing (as botocore corrects its own requests' skew)."""
        try:
            server = parsedate_to_datetime(server_date).timestamp()
        except (TypeError, ValueError):
            return False
        skew = server - time.time()
        if abs(skew - self._signer.skew_s) < 1.0:
            return False
        log.info("%s: the clock here is %.0f s off the server's; signing with the server's time",
                 self.endpoint, -skew)  # fmt: skip
        self._signer.skew_s = skew
        return True

    # -- downloads ----------------------------------------------------------------------

    async def _open_get(
        self, bucket: str, url: str, headers: dict[str, str]
    ) -> tuple[aiohttp.ClientResponse | None, dict[str, Any], bytes | None]:
        """Start a GET: (open response or None, its headers as boto3 names them, whole body if small)."""
        started = await self._acquire()
        keep = False
        try:
            response = await self._request("GetObject", bucket, "GET", url, headers, None, started)
            meta = answer_meta(response.headers)
            if response.content_length is not None and response.content_length <= INLINE_BYTES:
                async with response:
                    body = await read_to_end(response, self.endpoint)
                self.limit.succeeded()
                return None, meta, body
            keep = True  # the stream holds its place in the gate until it is closed
            return response, meta, None
        finally:
            if not keep:
                self._release()

    def _get_ended(self, finished: bool) -> None:
        """An open GET's stream was closed (on the loop): read to its end, or given up."""
        if finished:
            self.limit.succeeded()
        self._release()

    # -- the gate -----------------------------------------------------------------------

    async def _acquire(self) -> int:
        """Wait for a place under the adaptive limit; the limit's generation at the start."""
        while self._in_flight >= self.limit.limit:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        self._in_flight += 1
        return self.limit.generation

    def _release(self) -> None:
        self._in_flight -= 1
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def _throttled(self, started: int, operation: str) -> None:
        if self.limit.throttled(started):
            log.info("%s on %s: the server asks for fewer requests; %d at once now",
                     operation, self.endpoint, self.limit.limit)  # fmt: skip

    # -- connections and errors ---------------------------------------------------------

    def _session_now(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self._connections,
                ssl=ssl_context(self.account),
                keepalive_timeout=KEEPALIVE_S,
                ttl_dns_cache=300,
            )
            connect_s, read_s = self._timeouts  # as boto3's: a stalled answer is given up on
            timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect_s, sock_read=read_s)
            # No Expect: 100-continue (aiohttp sends it only when asked); bodies are not
            # compressed, so the bytes hashed are the bytes the server holds.
            # No cookie jar: S3 needs none (boto3 keeps none), and a load balancer's cookies
            # would otherwise be kept and sent back on every request.
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=timeout, auto_decompress=False, raise_for_status=False,
                cookie_jar=aiohttp.DummyCookieJar(),
            )  # fmt: skip
        return self._session

    def _network_error(self, exc: BaseException, operation: str) -> SpacesError:
        return connection_error(exc, operation, self.endpoint)

    def _error(self, operation: str, bucket: str, status: int, body: bytes) -> SpacesError:
        """The core error for an S3 error answer (s3_fast_answers), as boto3's is translated."""
        return answer_error(operation, self.endpoint, bucket, status, body)


def _read(body: Body, size: int) -> bytes:
    """`size` bytes of `body`, read in CHUNKs (each passes the engine's pause and limit checks)."""
    pieces: list[bytes] = []
    have = 0
    while have < size:
        piece = body.read(min(CHUNK, size - have))
        if not piece:
            raise InvalidInput(f"The upload body ended {size - have:,} bytes early.")
        pieces.append(piece)
        have += len(piece)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)
