"""Account descriptions and preferences in a small JSON file in the user's config dir.

Secrets are never written here; they live in the keyring.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import platformdirs

from spacesgui.core.accounts import Account, AddressingStyle

log = logging.getLogger(__name__)

APP_NAME = "spacesgui"


def default_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


class JsonSettings:
    """Accounts and preferences, saved atomically (write a temp file, then rename)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_config_dir() / "settings.json"

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("settings file %s is unreadable (%s); starting fresh", self.path.name, exc)
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".settings-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
        os.replace(tmp, self.path)

    def load_accounts(self) -> list[Account]:
        accounts = []
        for raw in self._read().get("accounts", []):
            try:
                raw["addressing"] = AddressingStyle(raw.get("addressing", "auto"))
                accounts.append(Account(**raw))
            except (TypeError, ValueError) as exc:
                log.warning("skipping an unreadable account entry in settings: %s", exc)
        return accounts

    def save_accounts(self, accounts: list[Account]) -> None:
        data = self._read()
        data["accounts"] = [{**asdict(a), "addressing": a.addressing.value} for a in accounts]
        self._write(data)

    def get_preference(self, name: str, default: Any) -> Any:
        return self._read().get("preferences", {}).get(name, default)

    def set_preference(self, name: str, value: Any) -> None:
        data = self._read()
        data.setdefault("preferences", {})[name] = value
        self._write(data)
