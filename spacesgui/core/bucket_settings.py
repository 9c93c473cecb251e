"""A Space's own settings as values: who may list it, versioning, access logging.

Lifecycle rules are in core/lifecycle.py and the bucket policy in core/bucket_policy.py;
the sentences the Overview shows are in core/space_overview.py. Pure values and checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from spacesgui.core.naming import bucket_name_problem
from spacesgui.core.operations import Grant, acl_from_grants

# S3 keys (and so log prefixes) are at most 1,024 bytes; a log key adds a date and an id.
MAX_LOG_PREFIX_BYTES = 512


class BucketAccess(StrEnum):
    """A bucket ACL reduced to the canned ACLs every provider knows, or "custom"."""

    PRIVATE = "private"
    PUBLIC_READ = "public-read"
    CUSTOM = "custom"  # grants a canned ACL cannot say (another account, everyone may WRITE)


@dataclass(frozen=True, slots=True)
class BucketAcl:
    """Who may list a Space: everyone (`public_read`) or only its owner, and any other grant.

    `other_grants` names, in words, each grant beyond the owner's full control and
    everyone's read ("everyone: WRITE").
    """

    public_read: bool
    other_grants: tuple[str, ...] = ()

    @property
    def access(self) -> BucketAccess:
        if self.other_grants:
            return BucketAccess.CUSTOM
        return BucketAccess.PUBLIC_READ if self.public_read else BucketAccess.PRIVATE


def bucket_acl_from_grants(owner_id: str, grants: Sequence[Grant]) -> BucketAcl:
    """Reduce a bucket's ACL to a BucketAcl (the same reading as an object's)."""
    acl = acl_from_grants(owner_id, grants)
    return BucketAcl(acl.public_read, acl.other_grants)


class VersioningState(StrEnum):
    """A Space's versioning, as S3 says it: never turned on, on, or suspended."""

    UNVERSIONED = ""  # never enabled: S3 answers with no Status at all
    ENABLED = "Enabled"
    SUSPENDED = "Suspended"

    @property
    def label(self) -> str:
        return _VERSIONING_LABELS[self]


_VERSIONING_LABELS = {
    VersioningState.UNVERSIONED: "Off (never turned on)",
    VersioningState.ENABLED: "On",
    VersioningState.SUSPENDED: "Suspended",
}


def versioning_state(status: str) -> VersioningState:
    """The state a GetBucketVersioning Status means; anything unknown counts as never turned on."""
    try:
        return VersioningState(status)
    except ValueError:
        return VersioningState.UNVERSIONED


@dataclass(frozen=True, slots=True)
class LoggingConfig:
    """Access logging: off (no target), or logs written to `target_bucket` under `target_prefix`.

    `kept` carries, as JSON text, what the server's logging setting holds beyond the
    target and prefix (target grants, say): an adapter sends it back unchanged.
    """

    target_bucket: str = ""
    target_prefix: str = ""
    kept: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.target_bucket)


def logging_problems(config: LoggingConfig, source_bucket: str) -> list[str]:
    """What is wrong with `config` for the Space `source_bucket`, in words; [] when it will do."""
    if not config.enabled:
        return []
    problems: list[str] = []
    target = config.target_bucket
    if target.strip() != target:
        problems.append("The target Space name has spaces around it.")
    elif target == source_bucket:
        problems.append(
            f"Logs cannot be written into “{source_bucket}” itself: every log written would be logged "
            "again. Choose another Space as the target."
        )
    else:
        problem = bucket_name_problem(target)
        if problem:
            problems.append(f"Target Space: {problem}")
    if len(config.target_prefix.encode()) > MAX_LOG_PREFIX_BYTES:
        problems.append(f"The log prefix can be at most {MAX_LOG_PREFIX_BYTES} bytes long.")
    return problems
