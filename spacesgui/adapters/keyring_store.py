"""SecretStore over the OS keyring; secrets never touch a file or a log."""

from __future__ import annotations

import logging

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

from spacesgui.core.errors import KeyringUnavailable

log = logging.getLogger(__name__)

SERVICE_NAME = "spacesgui"


class KeyringSecretStore:
    """Secrets keyed by account id in the OS keyring (Secret Service, Keychain, Credential Locker)."""

    def __init__(self, service_name: str = SERVICE_NAME) -> None:
        self._service = service_name

    def get_secret(self, account_id: str) -> str | None:
        try:
            return keyring.get_password(self._service, account_id)
        except KeyringError as exc:
            log.warning("keyring read failed: %s", type(exc).__name__)
            raise KeyringUnavailable(
                "The system keyring could not be read, so the secret key is unavailable. "
                "Unlock your keyring (or install one) and try again."
            ) from exc

    def set_secret(self, account_id: str, secret: str) -> None:
        try:
            keyring.set_password(self._service, account_id, secret)
        except KeyringError as exc:
            log.warning("keyring write failed: %s", type(exc).__name__)
            raise KeyringUnavailable(
                "The secret key could not be saved in the system keyring, and spacesgui never "
                "stores secrets in plain files. Unlock or install a keyring, or untick “Remember "
                "in keyring” to use the account until you quit."
            ) from exc

    def delete_secret(self, account_id: str) -> None:
        try:
            keyring.delete_password(self._service, account_id)
        except PasswordDeleteError:
            pass
        except KeyringError as exc:
            log.warning("keyring delete failed: %s", type(exc).__name__)


class MemorySecretStore:
    """Secrets held only for this run (command-line and demo accounts)."""

    def __init__(self) -> None:
        self._secrets: dict[str, str] = {}

    def get_secret(self, account_id: str) -> str | None:
        return self._secrets.get(account_id)

    def set_secret(self, account_id: str, secret: str) -> None:
        self._secrets[account_id] = secret

    def delete_secret(self, account_id: str) -> None:
        self._secrets.pop(account_id, None)
