"""SecretStore over the OS keyring; secrets never touch a file or a log."""

from __future__ import annotations

import logging

import keyring
import keyring.backend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringError, PasswordDeleteError

from spacesgui.core.errors import KeyringUnavailable
from spacesgui.core.redaction import register_secret

log = logging.getLogger(__name__)

SERVICE_NAME = "spacesgui"

WHAT_TO_DO = (
    "To remember secret keys, install and unlock a Secret Service such as gnome-keyring or "
    "KWallet (on Debian or Ubuntu: sudo apt install gnome-keyring, then log in again), or "
    "use the account for this session only (untick “Remember the secret key in the system "
    "keyring”): its secret key is then kept in memory until you quit."
)


def backend_name(backend: keyring.backend.KeyringBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__name__}"


def keyring_problem(backend: keyring.backend.KeyringBackend | None = None) -> str:
    """'' when the OS keyring can keep secrets; otherwise what is wrong and what to do.

    keyring's `fail` backend refuses every call, and its `null` backend pretends to store
    and forgets: both mean there is no keyring. A chainer over no backend is the same.
    """
    backend = backend or keyring.get_keyring()
    useless = isinstance(backend, fail.Keyring | null.Keyring) or (
        isinstance(backend, chainer.ChainerBackend) and not backend.backends
    )
    if not useless:
        return ""
    return (
        f"No usable system keyring was found (keyring backend: {backend_name(backend)}), so "
        f"spacesgui cannot remember secret keys; it never writes them to a file. {WHAT_TO_DO}"
    )


class KeyringSecretStore:
    """Secrets keyed by account id in the OS keyring (Secret Service, Keychain, Credential Locker).

    Blocking (a Secret Service answers over D-Bus, and may ask to be unlocked): call it
    off the GUI thread where it can wait.
    """

    def __init__(self, service_name: str = SERVICE_NAME) -> None:
        self._service = service_name

    def problem(self) -> str:
        return keyring_problem()

    def get_secret(self, account_id: str) -> str | None:
        if keyring_problem():
            return None  # nothing can be in a keyring that is not there
        try:
            secret = keyring.get_password(self._service, account_id)
        except KeyringError as exc:
            log.warning("keyring read failed: %s", type(exc).__name__)
            raise KeyringUnavailable(
                "The system keyring could not be read, so the secret key is unavailable. "
                "Unlock your keyring (or install one) and try again."
            ) from exc
        register_secret(secret)
        return secret

    def set_secret(self, account_id: str, secret: str) -> None:
        """Store `secret` and read it back: a keyring that does not return it has not kept it."""
        register_secret(secret)
        problem = keyring_problem()
        if problem:
            log.warning("no usable keyring: %s", backend_name(keyring.get_keyring()))
            raise KeyringUnavailable(problem)
        try:
            keyring.set_password(self._service, account_id, secret)
            kept = keyring.get_password(self._service, account_id)
        except KeyringError as exc:
            log.warning("keyring write failed: %s", type(exc).__name__)
            raise KeyringUnavailable(
                "The secret key could not be saved in the system keyring, and spacesgui never "
                f"stores secrets in plain files. {WHAT_TO_DO}"
            ) from exc
        if kept != secret:
            log.warning("the keyring did not keep a secret (%s)", backend_name(keyring.get_keyring()))
            raise KeyringUnavailable(
                f"The system keyring accepted the secret key but does not give it back. {WHAT_TO_DO}"
            )

    def delete_secret(self, account_id: str) -> None:
        """Delete the secret and check it is gone; KeyringUnavailable when it is still there."""
        if keyring_problem():
            return
        try:
            keyring.delete_password(self._service, account_id)
        except PasswordDeleteError:
            pass
        except KeyringError as exc:
            log.warning("keyring delete failed: %s", type(exc).__name__)
        try:
            left = keyring.get_password(self._service, account_id)
        except KeyringError as exc:
            log.warning("keyring read after delete failed: %s", type(exc).__name__)
            left = None  # the keyring cannot be read: nothing can be read from it either
        if left is not None:
            raise KeyringUnavailable(
                "The secret key could not be deleted from the system keyring. Unlock the keyring "
                "and try again, or delete the “spacesgui” entry with your keyring's own tool "
                "(for example Passwords and Keys / Seahorse)."
            )


class MemorySecretStore:
    """Secrets held only for this run (command-line and demo accounts)."""

    def __init__(self) -> None:
        self._secrets: dict[str, str] = {}

    def problem(self) -> str:
        return ""

    def get_secret(self, account_id: str) -> str | None:
        return self._secrets.get(account_id)

    def set_secret(self, account_id: str, secret: str) -> None:
        register_secret(secret)
        self._secrets[account_id] = secret

    def delete_secret(self, account_id: str) -> None:
        self._secrets.pop(account_id, None)
