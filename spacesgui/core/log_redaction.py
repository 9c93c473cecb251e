"""A logging filter that hides known secrets and DigitalOcean tokens in every log record.

Installed once at startup (`install_redaction`), in the GUI process and in the transfer
process. A filter on a logger only sees records logged on that very logger, not those
that propagate up from its children (Python's logging docs, “Filter Objects”), so the
filter is put on the root logger, on each of its handlers, and into the record factory:
every record is redacted when it is made, whichever logger made it and whichever
handler (a file, the console, a test's capture) writes it.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any

from spacesgui.core.redaction import REDACTOR, Redactor


class RedactingFilter(logging.Filter):
    """Rewrite a record's message, arguments, exception and stack text without secrets.

    The message is formatted with its arguments first (a secret may be split between
    the two), so a redacted record has `args == ()`. Never drops a record.
    """

    def __init__(self, redactor: Redactor = REDACTOR) -> None:
        super().__init__()
        self._redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        redact = self._redactor.redact
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the parts apart, each redacted
            message = f"{record.msg} {record.args!r}"
        clean = redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class _RedactingFactory:
    """A LogRecord factory that redacts each record as it is made, over the previous factory."""

    def __init__(self, previous: Callable[..., logging.LogRecord], redacting: RedactingFilter) -> None:
        self.previous = previous
        self.redacting = redacting

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.previous(*args, **kwargs)
        self.redacting.filter(record)
        return record


def install_redaction(logger: logging.Logger | None = None) -> RedactingFilter:
    """Put the filter on `logger` (the root logger by default), its handlers and the record factory.

    Idempotent: calling it again adds nothing twice. Call after the handlers are set up.
    """
    logger = logger or logging.getLogger()
    existing = next((f for f in logger.filters if isinstance(f, RedactingFilter)), None)
    redacting = existing or RedactingFilter()
    if existing is None:
        logger.addFilter(redacting)
    for handler in logger.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(redacting)
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _RedactingFactory):
        logging.setLogRecordFactory(_RedactingFactory(factory, redacting))
    return redacting


crash_log = logging.getLogger("spacesgui.crash")


def log_uncaught(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """sys.excepthook: an uncaught exception goes through logging (so redacted), not raw to stderr."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    crash_log.critical("uncaught exception", exc_info=(exc_type, exc, tb))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None:
        return
    name = args.thread.name if args.thread is not None else "?"
    crash_log.critical(
        "uncaught exception in thread %s", name, exc_info=(args.exc_type, args.exc_value, args.exc_traceback)
    )


def install_crash_redaction() -> None:
    """Crash output (uncaught exceptions, in any thread) is logged, and so redacted like any record."""
    sys.excepthook = log_uncaught
    threading.excepthook = _log_uncaught_in_thread
