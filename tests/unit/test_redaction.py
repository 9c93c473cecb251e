"""Known secrets and DigitalOcean tokens never reach a log line or an error text (issue 10, item 2)."""

from __future__ import annotations

import io
import logging
import sys
import threading
from collections.abc import Iterator

import pytest

from spacesgui.core.errors import AuthError, SpacesError
from spacesgui.core.key_status import SecretPlace, copy_name, last_connected_text
from spacesgui.core.log_redaction import (
    RedactingFilter,
    install_crash_redaction,
    install_redaction,
    log_uncaught,
)
from spacesgui.core.redaction import REDACTED, Redactor, redact, register_secret

DO_TOKEN = "dop_v1_" + "0123456789abcdef" * 4
SECRET = "unit-secret-Zq8wLx3vN1"


def test_a_registered_secret_is_replaced_wherever_it_appears() -> None:
    redactor = Redactor()
    redactor.register(SECRET)
    assert redactor.redact(f"key={SECRET}; again {SECRET}!") == f"key={REDACTED}; again {REDACTED}!"


def test_a_digitalocean_token_is_replaced_without_being_registered() -> None:
    assert Redactor().redact(f"Authorization: Bearer {DO_TOKEN}") == f"Authorization: Bearer {REDACTED}"


def test_text_without_secrets_is_left_alone() -> None:
    redactor = Redactor()
    redactor.register(SECRET)
    assert redactor.redact("listing photos/ took 2 s") == "listing photos/ took 2 s"


def test_short_values_are_not_registered_so_common_words_survive() -> None:
    redactor = Redactor()
    redactor.register("abc")
    redactor.register("")
    redactor.register(None)
    assert redactor.secrets == frozenset()
    assert redactor.redact("abc") == "abc"


def test_a_secret_containing_another_is_hidden_whole() -> None:
    redactor = Redactor()
    redactor.register("secret-one")
    redactor.register("secret-one-and-more")
    assert redactor.redact("x secret-one-and-more y") == f"x {REDACTED} y"


def test_regex_characters_in_a_secret_are_taken_literally() -> None:
    redactor = Redactor()
    redactor.register("a+b*c(d)e[f]")
    assert redactor.redact("aab*c(d)e[f] a+b*c(d)e[f]") == f"aab*c(d)e[f] {REDACTED}"


def test_a_spaces_error_never_carries_a_secret_in_its_message_or_detail() -> None:
    register_secret(SECRET)
    error = AuthError(f"The server refused {SECRET}", detail=f"signature for {DO_TOKEN}")
    assert SECRET not in error.message
    assert SECRET not in str(error)
    assert DO_TOKEN not in error.detail
    assert REDACTED in error.message
    assert REDACTED in error.detail


@pytest.fixture
def captured_root() -> Iterator[io.StringIO]:
    """The root logger writes to a string, with redaction installed as the app does at startup."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    install_redaction(root)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def test_a_child_loggers_message_args_and_exception_are_redacted(captured_root: io.StringIO) -> None:
    register_secret(SECRET)
    log = logging.getLogger("spacesgui.somewhere.deep")
    log.info("keys %s and token %s", SECRET, DO_TOKEN)
    try:
        raise ValueError(f"bad secret {SECRET}")
    except ValueError:
        log.exception("failed with %s", DO_TOKEN)
    log.warning("stack", stack_info=True, extra={"unused": SECRET})
    text = captured_root.getvalue()
    assert SECRET not in text
    assert DO_TOKEN not in text
    assert text.count(REDACTED) >= 4  # two in the info line, one in the message, one in the traceback
    assert "ValueError: bad secret [redacted]" in text


def test_the_secret_split_between_format_and_args_is_hidden(captured_root: io.StringIO) -> None:
    register_secret(SECRET)
    logging.getLogger("spacesgui.x").info(SECRET[:5] + "%s", SECRET[5:])
    assert SECRET not in captured_root.getvalue()


def test_installing_twice_filters_once() -> None:
    root = logging.getLogger()
    first = install_redaction(root)
    second = install_redaction(root)
    assert first is second
    assert sum(isinstance(f, RedactingFilter) for f in root.filters) == 1


def test_a_record_with_a_broken_format_is_still_logged_and_redacted() -> None:
    register_secret(SECRET)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d items " + SECRET, ("many",), None)
    assert RedactingFilter().filter(record)
    assert SECRET not in record.getMessage()


def test_module_level_redact_uses_the_process_registry() -> None:
    register_secret("process-wide-secret-1")
    assert redact("x process-wide-secret-1") == f"x {REDACTED}"
    assert isinstance(SpacesError("process-wide-secret-1").message, str)


def test_secret_places_read_as_plain_words_and_never_show_a_secret() -> None:
    assert SecretPlace.KEYRING.masked.endswith("in keyring")
    assert SecretPlace.SESSION.masked.endswith("this session only")
    assert SecretPlace.MISSING.masked == "missing"


def test_a_copy_takes_the_first_free_copy_name() -> None:
    assert copy_name("Work", ["Work"]) == "Work (copy)"
    assert copy_name("Work", ["Work", "Work (copy)", "Work (copy 2)"]) == "Work (copy 3)"


def test_an_account_that_never_connected_says_never() -> None:
    assert last_connected_text(0) == "never"
    assert last_connected_text(1_700_000_000).startswith("2023-11-")


def test_an_uncaught_exception_is_written_through_the_log_with_its_secret_redacted(
    captured_root: io.StringIO,
) -> None:
    register_secret(SECRET)
    try:
        raise RuntimeError(f"crashed holding {SECRET}")
    except RuntimeError as exc:
        log_uncaught(type(exc), exc, exc.__traceback__)
    text = captured_root.getvalue()
    assert "RuntimeError: crashed holding [redacted]" in text
    assert SECRET not in text


def test_crash_redaction_replaces_the_hooks_of_the_process_and_its_threads() -> None:
    before = (sys.excepthook, threading.excepthook)
    try:
        install_crash_redaction()
        assert sys.excepthook is log_uncaught
        assert threading.excepthook is not before[1]
    finally:
        sys.excepthook, threading.excepthook = before
