"""Redaction: replace known secrets and DigitalOcean tokens in any text with `[redacted]`.

Pure string work. The app registers every secret it loads or is given (`register_secret`),
and `redact` is applied to log records (adapters/log_redaction.py) and to the messages of
SpacesError, so neither a log line nor an error shown in the window can carry one.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

REDACTED = "[redacted]"
# A DigitalOcean personal access token: "dop_v1_" and 64 hex digits. Any length of hex is
# matched, so a token cut short in a message is hidden too.
DO_TOKEN = re.compile(r"dop_v1_[0-9a-fA-F]+")
# Shorter values are not registered: redacting a 3-letter "secret" would blank out common
# words in every log line. Real S3 secrets are 40 characters, DigitalOcean's 43.
MIN_SECRET_LENGTH = 8


class Redactor:
    """The set of known secrets and the rule that hides them. Any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: frozenset[str] = frozenset()
        self._pattern: re.Pattern[str] | None = None

    def register(self, secret: str | None) -> None:
        """Remember `secret` so it is redacted from now on (short or empty values are ignored)."""
        value = (secret or "").strip()
        if len(value) < MIN_SECRET_LENGTH or value in self._secrets:
            return
        with self._lock:
            self._secrets = self._secrets | {value}
            # Longest first, so a secret that contains another is hidden whole.
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(s) for s in ordered))

    @property
    def secrets(self) -> frozenset[str]:
        return self._secrets

    def redact(self, text: str) -> str:
        """`text` with every known secret and every DigitalOcean token replaced by REDACTED."""
        if not text:
            return text
        pattern = self._pattern
        if pattern is not None:
            text = pattern.sub(REDACTED, text)
        return DO_TOKEN.sub(REDACTED, text)

    def contains_secret(self, text: str) -> bool:
        return self.redact(text) != text


# The process's one redactor: secrets registered anywhere are hidden everywhere.
REDACTOR = Redactor()


def register_secret(secret: str | None) -> None:
    REDACTOR.register(secret)


def redact(text: str) -> str:
    return REDACTOR.redact(text)


# For kept text, also: a DigitalOcean API token of any letters, and key-like runs: 32+ characters of base64 with letters
# and digits mixed (an S3 secret is 40, a Spaces secret 43). Access key ids are 20.
_TOKEN = re.compile(r"dop_v1_[0-9A-Za-z]+")
_KEYLIKE = re.compile(r"(?<![0-9A-Za-z/+=_-])[0-9A-Za-z/+=_-]{32,}(?![0-9A-Za-z/+=_-])")
_NAMED = re.compile(
    r"(?i)\b(secret(?:[_ -]?access)?[_ -]?key|secret|password|token|authorization)(\s*[=:]\s*)(\S+)"
)
# Secrets handed in with the text are trusted further than registered ones: only shorter
# values than this would blank common words out of every message.
MIN_KNOWN_SECRET = 4


def _looks_like_key(text: str) -> bool:
    """Base64 secrets mix digits, capitals and small letters; hex ETags and words do not."""
    return (
        any(c.isdigit() for c in text) and any(c.isupper() for c in text) and any(c.islower() for c in text)
    )


def redact_thoroughly(text: str, known_secrets: Iterable[str] = (), *, keylike: bool = True) -> str:
    """`text` with every secret replaced by "[redacted]", for text that is kept (the activity
    record): the registered secrets and `known_secrets`, API tokens, anything named a secret
    and (`keylike`) long key-like runs of characters.

    Object keys and paths pass with `keylike=False`: a long file name is not a secret.
    """
    text = REDACTOR.redact(text)
    for secret in sorted({s for s in known_secrets if len(s) >= MIN_KNOWN_SECRET}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _TOKEN.sub(REDACTED, text)
    if not keylike:
        return text
    text = _NAMED.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    return _KEYLIKE.sub(lambda m: REDACTED if _looks_like_key(m.group(0)) else m.group(0), text)
