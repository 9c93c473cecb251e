"""The test helpers' own behaviour: the thread-leak check, the in-memory keyring, the proxy."""

from __future__ import annotations

import http.client
from pathlib import Path
from urllib.parse import urlsplit

import keyring
import keyring.errors
import pytest

from tests.conftest import MemoryKeyring
from tests.fault_proxy import FaultProxy

CONFTEST = Path(__file__).with_name("conftest.py")
REPO_ROOT = Path(__file__).resolve().parent.parent

INNER_TESTS = """
import threading

import pytest


def test_leaks_a_thread():
    stop = threading.Event()
    threading.Thread(target=stop.wait, name="deliberate-leak", daemon=True).start()


def test_thread_released_at_teardown_is_not_a_leak(request):
    release = threading.Event()
    threading.Thread(target=release.wait, name="released", daemon=True).start()
    request.addfinalizer(release.set)


@pytest.fixture(scope="session")
def session_service():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="session-service", daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join()


def test_session_thread_started_in_the_middle_of_a_test_is_not_a_leak(request):
    request.getfixturevalue("session_service")


def test_session_thread_started_before_the_test_is_not_a_leak(session_service):
    pass
"""


@pytest.fixture
def inner_run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.RunResult:
    """Run INNER_TESTS in a fresh pytest process that uses this suite's conftest."""
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))  # the conftest imports tests.fault_proxy
    pytester.makeconftest(CONFTEST.read_text())
    pytester.makepyfile(test_inner=INNER_TESTS)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider")


def test_only_a_test_that_leaks_a_thread_fails_and_the_thread_is_named(
    inner_run: pytest.RunResult,
) -> None:
    # Four tests pass; the leaking one passes its call and errors at teardown.
    inner_run.assert_outcomes(passed=4, errors=1)
    inner_run.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_leaks_a_thread*",
            "*left 1 thread(s) running: 'deliberate-leak'*",
        ]
    )


def test_memory_keyring_is_installed_for_each_test(memory_keyring: MemoryKeyring) -> None:
    keyring.set_password("spacesgui", "account-1", "test-secret")

    assert keyring.get_keyring() is memory_keyring
    assert memory_keyring.passwords == {("spacesgui", "account-1"): "test-secret"}


def test_memory_keyring_starts_empty_in_every_test() -> None:
    assert keyring.get_password("spacesgui", "account-1") is None


def test_deleting_a_missing_password_raises_like_a_real_keyring() -> None:
    with pytest.raises(keyring.errors.PasswordDeleteError):
        keyring.delete_password("spacesgui", "no-such-account")


def test_fault_proxy_stops_cleanly_while_a_client_keeps_its_connection_open(moto_endpoint: str) -> None:
    proxy = FaultProxy(moto_endpoint).start()
    address = urlsplit(proxy.endpoint)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
    try:
        connection.request("GET", "/")  # keep-alive: the proxy's connection thread waits on
        assert connection.getresponse().read()

        proxy.stop()  # raises if a proxy thread is left; the autouse check would also fail
    finally:
        connection.close()


def test_fault_proxy_refuses_an_upstream_that_is_not_loopback() -> None:
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        FaultProxy("http://example.com:80")
