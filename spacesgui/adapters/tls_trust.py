"""Which certificates an account's connections trust, for boto3 and for aiohttp alike.

An account with a CA certificate bundle (Account.ca_bundle) trusts only the authorities
in that PEM file, as boto3 does with `verify=PATH`; without one, the authorities botocore
ships (certifi's when installed). The environment (AWS_CA_BUNDLE) is not read: an
account's connections depend on the account alone (see isolated_session.py).
Verification is never turned off. Any thread.
"""

from __future__ import annotations

import os
import ssl

from botocore.httpsession import get_cert_path

from spacesgui.core.accounts import Account
from spacesgui.core.errors import InvalidInput
from spacesgui.core.tls import ca_bundle_message, ca_path_problem


def _default_bundle() -> str | None:
    path = get_cert_path(True)
    return path if isinstance(path, str) else None


def _context(cafile: str | None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=cafile)


def check_ca_bundle(path: str) -> ssl.SSLContext:
    """Return a verifying context trusting the PEM file `path`; InvalidInput saying why it cannot."""
    try:
        return _context(path)
    except FileNotFoundError as exc:
        raise InvalidInput(ca_bundle_message(path, "there is no such file"), detail=repr(exc)) from exc
    except IsADirectoryError as exc:
        raise InvalidInput(ca_bundle_message(path, "it is a folder, not a file"), detail=repr(exc)) from exc
    except PermissionError as exc:
        raise InvalidInput(ca_bundle_message(path, "this user may not read it"), detail=repr(exc)) from exc
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise InvalidInput(
            ca_bundle_message(path, "it holds no certificate in PEM form (-----BEGIN CERTIFICATE-----)"),
            detail=repr(exc),
        ) from exc


def _bundle_path(account: Account) -> str:
    """The account's CA bundle as a path ('~' expanded: imported AWS profiles may use it); '' for none."""
    path = account.ca_bundle.strip()
    if problem := ca_path_problem(path):  # never read from whatever folder the app started in
        raise InvalidInput(ca_bundle_message(path, problem))
    return os.path.expanduser(path) if path else ""


def botocore_verify(account: Account) -> str | bool:
    """boto3's `verify=` for `account`: its CA bundle path once checked, else True (the default)."""
    path = _bundle_path(account)
    if not path:
        return True
    check_ca_bundle(path)
    return path


def ssl_context(account: Account) -> ssl.SSLContext:
    """A verifying SSL context for `account`'s server (aiohttp's connector takes it)."""
    path = _bundle_path(account)
    return check_ca_bundle(path) if path else _context(_default_bundle())
