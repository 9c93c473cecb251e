"""Account definitions as JSON (never a secret), and reading such a file back for import."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from spacesgui.core.account_import import (
    ImportCandidate,
    ImportProblem,
    ImportResult,
    SourceKind,
    bad_addressing,
    locate,
)
from spacesgui.core.accounts import Account, AddressingStyle, provider
from spacesgui.core.errors import InvalidEndpoint
from spacesgui.core.tls import ca_path_problem

FORMAT = "spacesgui-accounts"
VERSION = 1
# What an exported account keeps: where it is and how it is used, and no secret. The CA
# bundle is a path on the exporting computer; on another one, pick the file again.
FIELDS = ("name", "provider", "endpoint_url", "region", "access_key_id", "addressing",
          "bucket", "upload_acl", "cache_control", "ca_bundle")  # fmt: skip
REQUIRED = ("endpoint_url", "access_key_id")
UPLOAD_ACLS = ("private", "public-read")


def export_accounts(accounts: Iterable[Account]) -> str:
    """The JSON text of an export file: the accounts' definitions, without their secrets."""
    entries = [
        {name: str(getattr(account, name)) for name in FIELDS} | {"addressing": account.addressing.value}
        for account in accounts
    ]
    return json.dumps({"format": FORMAT, "version": VERSION, "accounts": entries}, indent=2) + "\n"


def parse_export(text: str, where: str = "export file") -> ImportResult:
    """The accounts of an export file; a problem per entry that cannot be one."""
    kind = SourceKind.EXPORT
    try:
        data = json.loads(text)
    except ValueError as exc:
        return _fail(where, f"it is not JSON ({exc}).")
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return _fail(where, "it is not a spacesgui accounts export (no “format”: “spacesgui-accounts”).")
    if not isinstance(data.get("version"), int) or data["version"] > VERSION:
        return _fail(where, f"it is version {data.get('version')!r}; this spacesgui reads version {VERSION}.")
    entries = data.get("accounts")
    if not isinstance(entries, list):
        return _fail(where, "it has no “accounts” list.")
    candidates: list[ImportCandidate] = []
    problems: list[ImportProblem] = []
    for number, entry in enumerate(entries, start=1):
        found = _entry(entry, f"account {number}")
        if isinstance(found, ImportProblem):
            problems.append(found)
            continue
        candidates.append(found)
        if note := bad_addressing(str(entry.get("addressing", ""))):
            problems.append(ImportProblem(kind, found.entry, note))
    return ImportResult(tuple(candidates), tuple(problems))


def _entry(entry: Any, where: str) -> ImportCandidate | ImportProblem:
    kind = SourceKind.EXPORT
    if not isinstance(entry, dict):
        return ImportProblem(kind, where, "it is not an object with the account's fields.")
    if not all(isinstance(entry.get(name, ""), str) for name in FIELDS):
        wrong = next(name for name in FIELDS if not isinstance(entry.get(name, ""), str))
        return ImportProblem(kind, where, f"“{wrong}” should be text.")
    missing = [name for name in REQUIRED if not entry.get(name, "").strip()]
    if missing:
        return ImportProblem(kind, where, f"{' and '.join(missing)} missing.")
    name = entry.get("name", "").strip() or entry["access_key_id"]
    where = f"{where} ({name})"
    try:
        place = locate(entry["endpoint_url"], entry.get("region", ""), entry.get("addressing", ""))
    except InvalidEndpoint as exc:
        return ImportProblem(kind, where, exc.message)
    acl = entry.get("upload_acl", "") or "private"
    if acl not in UPLOAD_ACLS:
        return ImportProblem(kind, where, f"upload_acl “{acl}” is not private or public-read.")
    ca_bundle = entry.get("ca_bundle", "").strip()
    if problem := ca_path_problem(ca_bundle):
        return ImportProblem(kind, where, f"ca_bundle “{ca_bundle}”: {problem}.")
    return ImportCandidate(
        kind, where, name, _provider(entry.get("provider", ""), place.provider), place.endpoint_url,
        entry.get("region", "") or place.region, entry["access_key_id"].strip(), "",
        _addressing(entry.get("addressing", ""), place.addressing), entry.get("bucket", "").strip() or place.bucket,
        acl, entry.get("cache_control", "").strip(), ca_bundle,
    )  # fmt: skip


def _provider(key: str, found: str) -> str:
    """The entry's provider when it is one spacesgui knows; else the one its endpoint says."""
    return provider(key).key if key and provider(key).key == key else found


def _addressing(text: str, fallback: AddressingStyle) -> AddressingStyle:
    try:
        return AddressingStyle(text) if text else fallback
    except ValueError:
        return fallback


def _fail(where: str, message: str) -> ImportResult:
    return ImportResult(problems=(ImportProblem(SourceKind.EXPORT, where, message),))
