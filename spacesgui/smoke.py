"""`spacesgui --smoke`: start the whole app offscreen with the demo, check it, and exit.

Every package (bundle, .deb, installers) is checked with it on a machine without a screen:
the main window opens, the transfer process answers, and the demo's Spaces are listed in
the sidebar. Success prints one line on stdout, then a line saying where a normal run would
keep secret keys (the system keyring, or why there is none), and exits 0; a failure, or no success within
the deadline, prints the reason on stderr and exits non-zero. Runs on the GUI thread, except
the watchdog, which ends the process should the event loop itself hang.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from spacesgui import __version__
from spacesgui.core.errors import SpacesError

if TYPE_CHECKING:
    from spacesgui.startup import Startup

log = logging.getLogger(__name__)

DEADLINE_S = 60.0
# Past the deadline the Qt timer should have ended the run; if the loop is stuck, this does.
WATCHDOG_SLACK_S = 20.0
SMOKE_FAILED = 1
SMOKE_HUNG = 3
KEYRING_ENV = "PYTHON_KEYRING_BACKEND"
# The keyring backend the user chose in the environment before the smoke run replaced it.
_user_keyring_backend: list[str] = []


def prepare_environment() -> None:
    """Choose the offscreen platform unless one is set; keep the user's keyring out of it."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _user_keyring_backend[:] = [os.environ.get(KEYRING_ENV, "")]
    # The smoke run uses throw-away settings and the demo's fake keys: no keyring is needed,
    # and a headless machine's Secret Service may be absent or prompt.
    os.environ.setdefault(KEYRING_ENV, "keyring.backends.null.Keyring")


def where_secrets_go() -> str:
    """One line: where a normal run would keep secret keys on this machine.

    The smoke run itself uses no keyring, so this asks keyring what it would pick without
    the smoke run's choice: the user's PYTHON_KEYRING_BACKEND, keyringrc.cfg, or the best
    backend that answers (on Linux the Secret Service over D-Bus, absent on a bare system).
    """
    import keyring.core
    from keyring.backends.chainer import ChainerBackend

    from spacesgui.adapters.keyring_store import backend_name, keyring_problem

    chosen = _user_keyring_backend[0] if _user_keyring_backend else os.environ.get(KEYRING_ENV, "")
    try:
        backend = keyring.core.load_keyring(chosen) if chosen else keyring.core.load_config()
        if backend is None:
            backend = ChainerBackend()  # type: ignore[no-untyped-call]
        problem = keyring_problem(backend)
    except Exception as exc:  # a broken keyring setup must not fail the smoke check
        return (
            f"secrets: the system keyring could not be probed ({type(exc).__name__}); "
            "secret keys can be kept for a session only, never in a file"
        )
    if problem:
        return f"secrets: {problem}"
    inner = getattr(backend, "backends", None) or [backend]
    names = ", ".join(backend_name(b) for b in inner)
    return f"secrets: secret keys are kept in the system keyring ({names}), never in a file"


class SmokeCheck:
    """Watch one Startup until the demo's Spaces are listed, then close the window."""

    def __init__(self, startup: Startup, deadline_s: float = DEADLINE_S) -> None:
        self._startup = startup
        self._deadline_s = deadline_s
        self._started = time.perf_counter()
        self._done = False
        self._engine_ok = False
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._watchdog = threading.Timer(deadline_s + WATCHDOG_SLACK_S, self._hung)
        self._watchdog.daemon = True

    def start(self) -> None:
        """Call after `startup.start()`: hook the sidebar and start the deadline."""
        app = self._startup.app
        if app is None:
            self.fail("the app was not built")
            return
        self._timer.start(int(self._deadline_s * 1000))
        self._watchdog.start()
        if not app.window.isVisible():
            self.fail("the main window is not shown")
            return
        # bench/bench_bundle_start.py reads this line: the moment the window is up.
        log.info("main window shown at %.3f (epoch s)", time.time())
        if app.window.windowIcon().isNull():
            self.fail("the app icon (resources/app) was not found")
            return
        self._check_engine()
        app.window.account_panel.buckets_loaded.connect(self._on_account_panel_buckets_loaded)
        app.window.account_panel.failed.connect(self._on_account_panel_failed)
        self._startup.demo_failed.append(self._on_demo_failed)

    def _check_engine(self) -> None:
        """The transfer process must answer a call over its pipe."""
        app = self._startup.app
        assert app is not None
        try:
            app.transfers.engine.active_count()
        except Exception as exc:
            self.fail(f"the transfer process did not answer: {exc}")
            return
        self._engine_ok = True

    def _on_account_panel_buckets_loaded(self, account_id: str) -> None:
        from spacesgui.demo.server import DEMO_ACCOUNT_ID, SPACES

        app = self._startup.app
        if self._done or app is None or account_id != DEMO_ACCOUNT_ID:
            return
        listed = app.window.account_panel.bucket_names(account_id)
        if not set(SPACES) <= set(listed):
            return  # seeding goes on; the sidebar is listed again as each Space fills
        seconds = time.perf_counter() - self._started
        self._finish(
            0,
            f"spacesgui {__version__} smoke test passed: main window shown, transfer process "
            f"answered, demo Spaces listed: {', '.join(listed)} ({seconds:.1f} s)",
        )

    def _on_account_panel_failed(self, account_id: str, error: object) -> None:
        from spacesgui.demo.server import DEMO_ACCOUNT_ID

        if account_id == DEMO_ACCOUNT_ID:
            self.fail(f"the demo's Spaces could not be listed: {error}")

    def _on_demo_failed(self, error: SpacesError) -> None:
        self.fail(str(error))

    def _on_timer_timeout(self) -> None:
        self.fail(f"the demo's Spaces were not listed within {self._deadline_s:g} s")

    def fail(self, reason: str) -> None:
        self._finish(SMOKE_FAILED, f"spacesgui smoke test failed: {reason}")

    def _finish(self, code: int, line: str) -> None:
        if self._done:
            return
        self._done = True
        self._timer.stop()
        self._watchdog.cancel()
        stream = sys.stdout if code == 0 else sys.stderr
        print(line, file=stream, flush=True)
        (log.info if code == 0 else log.error)("%s", line)
        if code == 0:
            secrets = where_secrets_go()
            print(secrets, flush=True)
            log.info("%s", secrets)
        self._startup.exit_code = code
        app = self._startup.app
        if app is not None:
            QTimer.singleShot(0, app.window.close)

    def _hung(self) -> None:  # watchdog thread
        print(
            f"spacesgui smoke test failed: the app stopped responding (no result within "
            f"{self._deadline_s + WATCHDOG_SLACK_S:g} s)",
            file=sys.stderr,
            flush=True,
        )
        os._exit(SMOKE_HUNG)
