"""`spacesgui --demo`: an S3-compatible server inside the app, on 127.0.0.1, with sample Spaces.

Use::

    server = DemoServer()
    endpoint = server.start()              # fast; the window may open now
    account = demo_account(endpoint)
    server.seed(on_bucket_ready=callback)  # blocking: call it on a worker thread
    server.stop()

moto keeps one object store per process, so only one DemoServer may run at a time.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.s3.models import FakeKey, s3_backends

from spacesgui.adapters.s3_client import make_client
from spacesgui.core.accounts import Account, AddressingStyle, Credentials
from spacesgui.demo import big_space, moto_fixes, samples
from spacesgui.demo.http_server import DemoMotoServer

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

logger = logging.getLogger(__name__)

fast_listing: ModuleType | None
try:  # leans on moto internals; without it the demo still works, only lists slowly
    from spacesgui.demo import fast_listing
except Exception:  # pragma: no cover - depends on the installed moto
    logger.warning("Fast demo listing unavailable; the big demo Space will list slowly", exc_info=True)
    fast_listing = None

# Fake on purpose: the local server checks no signature.
DEMO_CREDENTIALS = Credentials("DEMO-KEY-NOT-A-SECRET", "demo-secret-not-a-real-secret")
DEMO_REGION = "us-east-1"
DEMO_ACCOUNT_ID = "demo-local"  # the demo Account.id: stable, so the app can recognise it
DEFAULT_BIG_KEYS = 100_000
BIG_SPACE = "big-space"
# In the order they are filled: small Spaces first, the big one last.
SPACES = ("website", "photos", "backups", BIG_SPACE)
FALLBACK_BIG_KEYS = 2_000  # uploaded one by one if moto's store cannot be filled directly

_active_lock = threading.Lock()
_active: DemoServer | None = None


def demo_account(endpoint: str) -> Account:
    """Return the account that opens the demo server at `endpoint`."""
    return Account(
        name="Demo (local)",
        provider="custom",
        endpoint_url=endpoint,
        region=DEMO_REGION,
        access_key_id=DEMO_CREDENTIALS.access_key_id,
        addressing=AddressingStyle.PATH,
        id=DEMO_ACCOUNT_ID,
    )


class DemoServer:
    """moto's S3 server on a free port of 127.0.0.1, and the sample data it serves.

    `start()` and `stop()` may be called from any thread; `seed()` blocks and belongs on a
    worker thread. `stop()` may come while `seed()` runs: seeding then ends early, quietly.
    """

    def __init__(self, *, big_keys: int = DEFAULT_BIG_KEYS) -> None:
        self.big_keys = big_keys
        self._endpoint = ""
        self._server: DemoMotoServer | None = None
        self._fast = False
        self._templates: list[FakeKey] = []
        self._lock = threading.Lock()  # guards start/stop and moto's store against each other
        self._seeding = threading.Lock()
        self._stopped = threading.Event()

    @property
    def endpoint(self) -> str:
        """ "http://127.0.0.1:PORT" once started, else ""."""
        return self._endpoint

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> str:
        """Start serving (no data yet) and return the endpoint. Takes well under a second."""
        with self._lock:
            if self._stopped.is_set():
                raise RuntimeError("This demo server was stopped; create a new DemoServer.")
            if self._endpoint:
                return self._endpoint
            _claim(self)
            try:
                server = DemoMotoServer("127.0.0.1", 0)
                server.start()
                if server.start_error is not None:
                    raise RuntimeError("The demo server could not start.") from server.start_error
                host, port = server.get_host_and_port()
            except BaseException:
                _release(self)
                raise
            self._fast = fast_listing.install() if fast_listing is not None else False
            moto_fixes.install()
            self._server = server
            self._endpoint = f"http://{host}:{port}"
            logger.info("Demo server listening on %s", self._endpoint)
            return self._endpoint

    def seed(self, on_bucket_ready: Callable[[str], None] | None = None) -> None:
        """Create and fill the sample Spaces; call `on_bucket_ready(name)` as each is complete.

        Blocking (about 2 s, plus ~1 s per 100,000 big-Space keys); run it on a worker thread.
        The callback runs on this thread. All Spaces are created (empty) first, so they show
        up at once; then website, photos and backups are filled, and the big Space last.
        """
        if not self._endpoint:
            raise RuntimeError("start() the demo server before seeding it.")
        fills: dict[str, Callable[[S3Client], None]] = {
            "website": lambda c: self._upload(c, "website", samples.website()),
            "photos": lambda c: self._upload(c, "photos", samples.photos()),
            "backups": lambda c: self._upload(c, "backups", samples.backups()),
            BIG_SPACE: self._fill_big_space,
        }
        with self._seeding:
            client = make_client(demo_account(self._endpoint), DEMO_CREDENTIALS)
            try:
                for name in SPACES:
                    self._create_bucket(client, name)
                for name in SPACES:
                    started = time.perf_counter()
                    fills[name](client)
                    if self._stopped.is_set():
                        return
                    logger.info("Demo Space %s ready in %.2f s", name, time.perf_counter() - started)
                    _notify(on_bucket_ready, name)
            except Exception:
                if self._stopped.is_set():
                    logger.debug("Demo seeding ended by stop()", exc_info=True)
                    return
                raise
            finally:
                client.close()

    def stop(self) -> None:
        """Stop the server, free its port and threads, and drop the sample data. Idempotent."""
        with self._lock:
            if self._stopped.is_set():
                return
            self._stopped.set()
            server, self._server = self._server, None
            was_started = bool(self._endpoint)
        if server is not None:
            server.stop()
        if not was_started:
            return
        with self._lock:
            self._drop_sample_data()
        if self._fast and fast_listing is not None:
            fast_listing.uninstall()
        _release(self)
        logger.info("Demo server stopped")

    # -- seeding helpers (seeding thread) ------------------------------------------------------

    def _upload(self, client: S3Client, bucket: str, objects: list[samples.SampleObject]) -> None:
        samples.upload(client, bucket, objects, cancelled=self._stopped.is_set)

    def _create_bucket(self, client: S3Client, name: str) -> None:
        try:
            client.create_bucket(Bucket=name)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise
        if self._fast and fast_listing is not None:
            with self._lock:
                bucket = _moto_bucket(name)
                if bucket is not None:
                    fast_listing.use_sorted_store(bucket)

    def _fill_big_space(self, client: S3Client) -> None:
        layout = big_space.plan(self.big_keys)
        try:
            self._insert_big_space_keys()
        except Exception:
            logger.warning(
                "Could not fill moto's store directly; uploading %d keys instead",
                FALLBACK_BIG_KEYS,
                exc_info=True,
            )
            self._upload(client, BIG_SPACE, _fallback_big_keys(FALLBACK_BIG_KEYS))
        readme = samples.big_space_readme(layout.logs, layout.assets)
        self._upload(client, BIG_SPACE, [readme])

    def _insert_big_space_keys(self) -> None:
        """Put the big Space's keys straight into moto's in-process store (see big_space)."""
        bucket = _moto_bucket(BIG_SPACE)
        if bucket is None:
            raise LookupError(f"moto has no bucket {BIG_SPACE!r}")
        keys, templates = big_space.build_keys(
            bucket.account_id, bucket.region_name, BIG_SPACE, self.big_keys
        )
        with self._lock:
            self._templates.extend(templates)
            if self._stopped.is_set():
                return
            store: Any = bucket.keys
            if hasattr(store, "bulk_load"):
                store.bulk_load(keys)
            else:
                for key in keys:
                    store.setlist(key.name, [key])
        # The new keys are ~100,000 long-lived objects; sweep them into the oldest generation
        # now, on this thread, rather than in the middle of the user's first listing.
        gc.collect()

    # -- teardown ------------------------------------------------------------------------------

    def _drop_sample_data(self) -> None:
        """Remove the sample buckets from moto's process-wide store, closing their objects."""
        for name in SPACES:
            try:
                bucket = _moto_bucket(name)
                if bucket is None:
                    continue
                for versions in list(dict.values(bucket.keys)):
                    for version in versions:
                        if isinstance(version, FakeKey):
                            version.dispose()
                for part in list(bucket.multiparts.values()):
                    part.dispose()
                partition, account_id = s3_backends.bucket_accounts.pop(name, ("aws", ""))
                if account_id:
                    s3_backends[account_id][partition].buckets.pop(name, None)
            except Exception:
                logger.warning("Could not drop demo Space %s", name, exc_info=True)
        for template in self._templates:
            template.dispose()
        self._templates.clear()


def _moto_bucket(name: str) -> Any:
    """Return moto's bucket object for `name`, or None."""
    partition, account_id = s3_backends.bucket_accounts.get(name, ("aws", DEFAULT_ACCOUNT_ID))
    return s3_backends[account_id][partition].buckets.get(name)


def _fallback_big_keys(count: int) -> list[samples.SampleObject]:
    return [
        samples.SampleObject(f"logs/fallback-{i:06d}.log", "text/plain", lambda: b"demo\n")
        for i in range(count)
    ]


def _notify(callback: Callable[[str], None] | None, name: str) -> None:
    if callback is None:
        return
    try:
        callback(name)
    except Exception:
        logger.exception("on_bucket_ready(%r) raised; seeding goes on", name)


def _claim(server: DemoServer) -> None:
    global _active
    with _active_lock:
        if _active is not None and _active is not server:
            raise RuntimeError(
                "Another DemoServer is running in this process; stop it first "
                "(moto keeps one object store per process)."
            )
        _active = server


def _release(server: DemoServer) -> None:
    global _active
    with _active_lock:
        if _active is server:
            _active = None
