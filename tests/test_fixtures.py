"""The few promises of the test helpers that no product test would notice breaking.

Only what lets other tests fail, or keeps a fake as strict as the real thing, is
checked here: the thread-leak guard must fail a leaking test, the in-memory keyring
must refuse to delete a missing password as real keyrings do, and the fault proxy
must never forward beyond this machine. Helper behaviour that product tests already
depend on (the keyring being installed, the proxy stopping cleanly) is left to them.
"""

from __future__ import annotations

from pathlib import Path

import keyring
import keyring.errors
import pytest

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


def test_deleting_a_missing_password_raises_like_a_real_keyring() -> None:
    with pytest.raises(keyring.errors.PasswordDeleteError):
        keyring.delete_password("spacesgui", "no-such-account")


def test_fault_proxy_refuses_an_upstream_that_is_not_loopback() -> None:
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        FaultProxy("http://example.com:80")
