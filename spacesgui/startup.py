"""What happens between parsing the command line and the first window: demo, location, exit."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from spacesgui.app import App, build_app
from spacesgui.core.accounts import Account, AddressingStyle, check_endpoint_url
from spacesgui.core.errors import NoAccountYet, SpacesError
from spacesgui.core.history import Place
from spacesgui.core.keys import Location
from spacesgui.core.typed_location import parse_location

log = logging.getLogger(__name__)


def region_from_endpoint(endpoint: str) -> str:
    """Guess the region from hosts like nyc3.digitaloceanspaces.com or s3.eu-west-1.amazonaws.com."""
    host = urlsplit(endpoint).hostname or ""
    parts = host.split(".")
    if host.endswith("digitaloceanspaces.com") and len(parts) >= 3:
        return parts[-3]
    if host.endswith("amazonaws.com") and len(parts) >= 4 and parts[-4] == "s3":
        return parts[-3]
    return "us-east-1"


class Startup:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.exit_code = 0
        self.app: App | None = None
        self._demo: Any = None
        self._seeder: threading.Thread | None = None
        self._closed: asyncio.Future[None] | None = None
        self._demo_place = Location()
        self._demo_lock = threading.Lock()
        self._stopping = False
        self.demo_failed: list[Callable[[SpacesError], None]] = []  # e.g. the --smoke check
        self._smoke: Any = None

    async def closed(self) -> None:
        loop = asyncio.get_running_loop()
        self._closed = loop.create_future()
        qt_app = QApplication.instance()
        assert qt_app is not None
        qt_app.lastWindowClosed.connect(self._on_last_window_closed)  # type: ignore[attr-defined]
        await self._closed

    def _on_last_window_closed(self) -> None:
        if self._closed is not None and not self._closed.done():
            self._closed.set_result(None)

    def start(self) -> None:
        args = self.args
        journal = None
        if getattr(args, "smoke", False):
            args.demo = True
            if args.settings is None:  # the smoke run neither reads nor changes the user's settings
                args.settings = Path(tempfile.mkdtemp(prefix="spacesgui-smoke-")) / "settings.json"
        if args.demo and args.settings is None:
            # The demo's transfers must not come back as "paused" in the real app.
            journal = Path(tempfile.mkdtemp(prefix="spacesgui-demo-")) / "transfers.sqlite3"
        self.app = build_app(settings_path=args.settings, journal_path=journal)
        window = self.app.window
        if journal is not None and window.quit_guard is not None:
            # The demo's queue is kept in a folder of its own, never read again (with
            # --settings it is kept beside them, and does come back): the quit question
            # must not promise paused transfers back.
            window.quit_guard.queue_kept = False
        if window.import_actions is not None:  # the first-run panel's “Open the Demo”
            window.import_actions.first_run.set_demo_opener(self.open_demo)
        window.show()
        try:
            place = self._initial_place()
        except SpacesError as exc:
            window.show_error(exc)
            place = None
        if place is not None:
            window.navigate(place)
        if getattr(args, "smoke", False):
            from spacesgui.smoke import SmokeCheck

            self._smoke = SmokeCheck(self, args.smoke_deadline)
            self._smoke.start()
        if args.screenshot:
            QTimer.singleShot(int((args.quit_after or 3) * 1000) - 300, self._take_screenshot)
        if args.quit_after:
            QTimer.singleShot(int(args.quit_after * 1000), window.close)

    def _initial_place(self) -> Place | None:
        assert self.app is not None
        args = self.args
        location = parse_location(args.location) if args.location else None
        if args.demo:
            # The demo opens its first Space once seeding has filled it.
            self._demo_place = location or Location("photos")
            self._start_demo()
            return None
        endpoint = (
            args.endpoint_url or os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
        )
        if endpoint:
            account_id = self._command_line_account(endpoint, location)
            return Place(account_id, location.bucket if location else "", location.prefix if location else "")
        accounts = self.app.accounts.accounts
        if accounts:
            first = accounts[0]
            if location:
                return Place(first.id, location.bucket, location.prefix)
            return Place(first.id, first.bucket, "")
        if location:
            raise NoAccountYet(
                "To open an s3:// path, add an account first, or pass --endpoint-url with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set."
            )
        return None

    def _command_line_account(self, endpoint: str, location: Location | None) -> str:
        assert self.app is not None
        endpoint = check_endpoint_url(endpoint)
        key = os.environ.get("AWS_ACCESS_KEY_ID", "")
        secret = os.environ.get("AWS_SECRET_ACCESS_KEY", "")
        if not key or not secret:
            raise SpacesError(
                "--endpoint-url needs keys: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment."
            )
        host = urlsplit(endpoint).hostname or endpoint
        region = (
            self.args.region
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
            or region_from_endpoint(endpoint)
        )
        account = Account(
            name=f"{host} (command line)",
            provider="digitalocean" if host.endswith("digitaloceanspaces.com") else "custom",
            endpoint_url=endpoint,
            region=region,
            access_key_id=key,
            addressing=AddressingStyle.AUTO
            if host.endswith(("digitaloceanspaces.com", "amazonaws.com"))
            else AddressingStyle.PATH,
            bucket=location.bucket if location else "",
        )
        self.app.accounts.add_account(account, secret, remember=False, persist=False)
        return account.id

    def open_demo(self) -> None:
        """Start the demo beside the accounts there are (once), and open its photos Space."""
        if (self._seeder is None or not self._seeder.is_alive()) and self._demo is None:
            self._demo_place = Location("photos")
            self._start_demo()

    def _start_demo(self) -> None:
        """Start the demo server and seed it on a thread of its own, beside the window.

        Importing moto alone takes seconds, so even that happens off the GUI thread; the
        account appears as soon as the server listens, each Space as soon as it is filled.
        """
        assert self.app is not None
        loop = asyncio.get_event_loop()
        self.app.window.set_hint("Starting the demo server…")

        def run() -> None:  # demo thread
            try:
                from spacesgui.demo.server import DEMO_CREDENTIALS, DemoServer, demo_account

                server = DemoServer()
                endpoint = server.start()
                with self._demo_lock:
                    if self._stopping:
                        server.stop()
                        return
                    self._demo = server
                account = demo_account(endpoint)
                loop.call_soon_threadsafe(self._on_demo_started, account, DEMO_CREDENTIALS.secret_access_key)

                def on_bucket_ready(bucket: str) -> None:  # demo thread
                    loop.call_soon_threadsafe(self._on_demo_bucket_ready, account.id, bucket)

                server.seed(on_bucket_ready=on_bucket_ready)
            except Exception as exc:
                log.exception("the demo failed")
                message = SpacesError(f"The demo server could not start: {exc}")
                loop.call_soon_threadsafe(self._on_demo_failed, message)

        self._seeder = threading.Thread(target=run, name="demo", daemon=True)
        self._seeder.start()

    def _on_demo_started(self, account: Account, secret: str) -> None:
        if self.app is None:
            return
        self.app.accounts.add_account(account, secret, remember=False, persist=False)
        self.app.window.set_hint("Preparing the sample Spaces…")

    def _on_demo_failed(self, error: SpacesError) -> None:
        if self.app is not None:
            self.app.window.set_hint("")
            self.app.window.show_error(error)
        for listener in self.demo_failed:
            listener(error)

    def _on_demo_bucket_ready(self, account_id: str, bucket: str) -> None:
        if self.app is None:
            return
        window = self.app.window
        window.account_panel.reload_buckets(account_id)
        place = window.place
        # Only while the user has gone nowhere: an account's row, Up or Back is a choice
        # too, and a sample Space filled late must not take them away from it.
        if place is None and bucket == self._demo_place.bucket:
            window.navigate(Place(account_id, bucket, self._demo_place.prefix))
        elif place is not None and place.bucket == bucket:
            window.refresh()

    def _take_screenshot(self) -> None:
        if self.app is not None and self.args.screenshot:
            self.app.window.grab().save(str(self.args.screenshot))
            log.info("screenshot saved")

    def stop(self) -> None:
        if self.app is not None:
            self.app.shutdown()
            self.app = None
        with self._demo_lock:
            self._stopping = True
            demo, self._demo = self._demo, None
        if demo is not None:
            demo.stop()
        if self._seeder is not None:
            self._seeder.join(timeout=10)  # seeding notices the stop and returns
