"""What a failed secure connection means, in words a person can act on.

Every connection of an account is verified: against the account's own CA certificate
bundle when it has one (a MinIO or Ceph server with a private certificate authority),
else against the usual public authorities. There is no switch that turns verification
off. The adapters (adapters/tls_trust.py, s3_errors, s3_fast_data) build their messages
here, so boto3 calls and the transfer process's fast path say the same thing.
"""

from __future__ import annotations

import ntpath
import posixpath
import re
from urllib.parse import urlsplit

# Where the user fixes it, named as the account dialog names it.
SETTING = "“CA certificate” in the account settings (Keys Manager → Edit)"

_VERIFY_REASON = re.compile(r"certificate verify failed:\s*([^(\]\n]+)", re.IGNORECASE)
_NOT_TLS_MARKERS = ("wrong version number", "record layer failure", "packet length too long",
                    "unknown protocol", "http request")  # fmt: skip


def _host(endpoint: str) -> str:
    try:
        return urlsplit(endpoint).hostname or endpoint
    except ValueError:
        return endpoint


def is_certificate_problem(text: str) -> bool:
    """Whether an error's text says the server's certificate was not accepted."""
    lowered = text.lower()
    return "certificate" in lowered or "hostname mismatch" in lowered


def tls_failure_message(endpoint: str, text: str) -> str:
    """The message for a secure connection to `endpoint` that failed with error text `text`."""
    lowered = text.lower()
    host = _host(endpoint)
    if "hostname mismatch" in lowered or "doesn't match" in lowered or "does not match" in lowered:
        return (
            f"The server's certificate is not trusted: it was issued for another name than {host}. "
            "Check the server address in the account settings, or ask the server's administrator "
            "for a certificate that names it."
        )
    if "certificate has expired" in lowered or "expired" in lowered:
        return (
            f"The server's certificate is not trusted: it has expired. Ask the administrator of {host} "
            "to renew it, and check that this computer's clock is right."
        )
    found = _VERIFY_REASON.search(text)
    if found or "certificate verify failed" in lowered or "certificate_verify_failed" in lowered:
        reason = (
            found.group(1).strip().rstrip(".")
            if found
            else "it is not signed by an authority this computer trusts"
        )
        return (
            f"The server's certificate is not trusted: {reason}. If {host} uses its own certificate "
            f"authority (MinIO, Ceph and other private servers often do), add that authority's "
            f"certificate as the {SETTING}."
        )
    if any(marker in lowered for marker in _NOT_TLS_MARKERS):
        return (
            f"The secure connection to {endpoint} failed: the server does not seem to speak https "
            "there. Check whether the address should start with http://, or its port."
        )
    short = text.strip().splitlines()[0][:200] if text.strip() else "no reason given"
    return f"The secure connection to {endpoint} failed: {short}"


def ca_bundle_message(path: str, reason: str) -> str:
    """The message for an account whose CA certificate bundle file cannot be used."""
    return (
        f"The CA certificate file “{path}” set for this account cannot be used: {reason}. "
        f"Choose the file again as the {SETTING}: a PEM file holding the certificate of the "
        "authority that signed the server's certificate."
    )


def ca_path_problem(path: str) -> str:
    """Why `path`, as written, cannot name a CA certificate file ("" when it can, or is empty).

    A relative path would be read from whatever folder spacesgui happens to start in, so
    only a full path (or one from the home folder, "~/…") is taken, as the account dialog does.
    """
    text = path.strip()
    if not text or text.startswith("~") or posixpath.isabs(text) or ntpath.isabs(text):
        return ""
    return "it is not a full path (it would depend on the folder spacesgui starts in): give the full path of the file"
