"""The Space settings Overview in plain words: one sentence per setting, from its value."""

from __future__ import annotations

from collections.abc import Sequence

from spacesgui.core.bucket_policy import statement_count
from spacesgui.core.bucket_settings import BucketAccess, BucketAcl, LoggingConfig, VersioningState
from spacesgui.core.lifecycle import LifecycleRule

ANYONE_CAN_LIST = "Anyone on the internet can list this Space's files."
ONLY_THIS_ACCOUNT = "Only keys of this account can list it."


def access_sentence(acl: BucketAcl) -> str:
    """Who may list the Space's files, and any grant beyond that."""
    if acl.access is BucketAccess.PUBLIC_READ:
        return ANYONE_CAN_LIST
    if acl.access is BucketAccess.PRIVATE:
        return ONLY_THIS_ACCOUNT
    first = ANYONE_CAN_LIST if acl.public_read else ONLY_THIS_ACCOUNT
    return f"{first} Also allowed: {'; '.join(acl.other_grants)}."


SITES_NAMED = 3  # the sites a CORS line names before "and N more"


def cors_sentence(origins: Sequence[Sequence[str]]) -> str:
    """The CORS rules (each rule's allowed origins) in a line that says which sites they let in:
    "1 CORS rule lets scripts on other websites" read as any website (a new-user pass)."""
    if not origins:
        return "No CORS rules: scripts on other websites cannot read its files."
    rules = "1 CORS rule lets" if len(origins) == 1 else f"{len(origins):,} CORS rules let"
    sites = list(dict.fromkeys(origin for rule in origins for origin in rule))
    if "*" in sites:
        return f"{rules} scripts on any website read its files."
    if not sites:
        return f"{rules} no website's scripts read its files: no origin is allowed."
    named = sites[:SITES_NAMED]
    more = len(sites) - len(named)
    if more:
        listed = f"{', '.join(named)} and {more:,} more"
    elif len(named) == 1:
        listed = named[0]
    else:
        listed = f"{', '.join(named[:-1])} and {named[-1]}"
    return f"{rules} scripts on {listed} read its files."


def versioning_sentence(state: VersioningState) -> str:
    if state is VersioningState.ENABLED:
        return "Versioning is on: overwriting or deleting a file keeps its old version."
    if state is VersioningState.SUSPENDED:
        return "Versioning is suspended: old versions kept so far stay; new changes keep none."
    return "Versioning is off: an overwritten or deleted file is gone."


def lifecycle_sentence(rules: Sequence[LifecycleRule]) -> str:
    if not rules:
        return "No lifecycle rules: nothing is deleted by itself."
    disabled = sum(1 for rule in rules if not rule.enabled)
    count = "1 lifecycle rule" if len(rules) == 1 else f"{len(rules):,} lifecycle rules"
    return f"{count}" + (f" ({disabled:,} disabled)." if disabled else ".")


def policy_sentence(policy: str) -> str:
    if not policy.strip():
        return "No bucket policy."
    count = statement_count(policy)
    statements = "1 statement" if count == 1 else f"{count:,} statements"
    return f"A bucket policy is set ({statements})."


def logging_sentence(config: LoggingConfig) -> str:
    if not config.enabled:
        return "Access logging is off."
    return f"Access logs are written to s3://{config.target_bucket}/{config.target_prefix}."
