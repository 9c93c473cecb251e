"""Command line: parse arguments, set up logging, start the Qt + asyncio loop."""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from spacesgui import __version__

log = logging.getLogger("spacesgui")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="spacesgui",
        description="A file browser for DigitalOcean Spaces and S3-compatible storage.",
        epilog="Keys for --endpoint-url come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
    )
    parser.add_argument("location", nargs="?", help="open this place, e.g. s3://my-space/photos/")
    parser.add_argument("--demo", action="store_true", help="open sample Spaces served by a local S3 server")
    parser.add_argument("--endpoint-url", help="S3 endpoint, e.g. https://nyc3.digitaloceanspaces.com")
    parser.add_argument(
        "--region", help="region for --endpoint-url (default: taken from the endpoint, or us-east-1)"
    )
    parser.add_argument("--settings", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--quit-after", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--screenshot", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="check the install: start offscreen with the demo, list its Spaces, exit 0 (or non-zero with the reason)",
    )
    parser.add_argument("--smoke-deadline", type=float, default=60.0, help=argparse.SUPPRESS)
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    parser.add_argument("--version", action="version", version=f"spacesgui {__version__}")
    return parser.parse_args(argv)


def setup_logging(verbose: bool) -> None:
    import platformdirs

    log_dir = Path(platformdirs.user_log_dir("spacesgui", appauthor=False))
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_dir / "spacesgui.log", encoding="utf-8"))
    except OSError:
        pass
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
    )
    from spacesgui.core.log_redaction import install_crash_redaction, install_redaction

    install_redaction()  # no known secret or DigitalOcean token reaches a handler
    install_crash_redaction()  # nor the text of an uncaught exception
    for noisy in ("botocore", "urllib3", "werkzeug", "moto", "boto3", "s3transfer", "qasync"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    # A packaged (frozen) app starts its transfer process by running itself again.
    multiprocessing.freeze_support()
    args = parse_args(argv)
    setup_logging(args.verbose)
    log.info("spacesgui %s starting", __version__)
    os.environ.setdefault("QT_API", "pyside6")
    if args.smoke:
        from spacesgui.smoke import prepare_environment

        prepare_environment()
        if args.settings is not None and not args.settings.parent.is_dir():
            print(
                f"spacesgui smoke test failed: the settings folder {args.settings.parent} does not exist",
                file=sys.stderr,
            )
            return 1
    import qasync
    from PySide6.QtWidgets import QApplication  # before qasync, so it picks PySide6

    from spacesgui.startup import Startup

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("spacesgui")
    app.setOrganizationName("spacesgui")
    app.setApplicationVersion(__version__)
    from spacesgui.qtmodels.app_icon import app_icon

    QApplication.setDesktopFileName(
        "io.github.spacesgui.spacesgui"
    )  # the .desktop entry, so docks group the window under it
    QApplication.setWindowIcon(app_icon())  # the window and every dialog
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    startup = Startup(args)
    try:
        with loop:
            try:
                startup.start()
            except Exception as exc:
                if not args.smoke:
                    raise
                log.exception("start-up failed")
                print(f"spacesgui smoke test failed: the app did not start: {exc}", file=sys.stderr)
                return 1
            loop.run_until_complete(startup.closed())
    finally:
        startup.stop()
        leftovers = [
            t.name for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon
        ]
        if leftovers:
            log.debug("threads still running at exit: %s", leftovers)
    return startup.exit_code


if __name__ == "__main__":
    sys.exit(main())
