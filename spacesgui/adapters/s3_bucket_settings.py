"""BucketSettings over boto3: a Space's access (read), CORS rule count (read), versioning,
lifecycle, policy and access logging. S3Store mixes it in.

Blocking and thread-safe; call from worker threads. Every write carries Content-MD5
(s3_client.MD5_OPERATIONS): DigitalOcean, MinIO and Ceph refuse these calls without it.
A setting that is not set (NoSuchBucketPolicy, ...) reads as "none". Lifecycle rules
that hold more than core.lifecycle edits are sent back exactly as the server gave them.

Servers that ignore sub-resources (rclone serve s3 answers GET ?acl with the bucket's
listing) would read every settings request as another call: get_bucket_acl says so
(NoSettingsApi), and the settings window then sends nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from spacesgui.adapters.s3_details import grants_from_response, is_acl_response
from spacesgui.core.accounts import Account
from spacesgui.core.bucket_settings import (
    BucketAcl,
    LoggingConfig,
    VersioningState,
    bucket_acl_from_grants,
    versioning_state,
)
from spacesgui.core.errors import InvalidInput, NoSettingsApi, NotConfigured, NotSupported
from spacesgui.core.lifecycle import DIGITALOCEAN, LifecycleRule

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

NO_BUCKET_ACLS = "This server keeps no access lists (ACLs), so who may list a Space cannot be read here."
IGNORES_SETTINGS = (
    "This server does not support Space settings: it answered a request for the Space's access "
    "list with something else (a list of files), so no setting is read or changed here."
)

# What a lifecycle rule holds beyond what core.lifecycle edits, in words.
_RULE_EXTRAS = {
    "Transitions": "moves objects to another storage class",
    "Transition": "moves objects to another storage class",
    "NoncurrentVersionTransitions": "moves old versions to another storage class",
    "NoncurrentVersionTransition": "moves old versions to another storage class",
    "Date": "deletes objects on a set date",
    "ExpiredObjectDeleteMarker": "removes delete markers left alone",
    "NewerNoncurrentVersions": "keeps a number of newer old versions",
    "Filter": "applies only to objects with some tags or sizes",
}
_PLAIN_RULE_KEYS = {
    "ID", "Status", "Prefix", "Filter", "Expiration", "NoncurrentVersionExpiration",
    "AbortIncompleteMultipartUpload",
}  # fmt: skip


class S3BucketSettingsOps:
    """The BucketSettings calls, for a class with `_client`, `account`, `_acls` and `_call`."""

    _client: S3Client
    account: Account
    _acls: bool | None

    if TYPE_CHECKING:

        def _call(self, operation: str, bucket: str, call: Callable[[], Any]) -> Any: ...

    # -- access and CORS (read only here) -------------------------------------------------

    def get_bucket_acl(self, bucket: str) -> BucketAcl:
        """Who may list `bucket`. NoSettingsApi when the answer is not an ACL at all."""
        if self._acls is False:
            raise NotSupported(NO_BUCKET_ACLS)
        response = self._call("GetBucketAcl", bucket, partial(self._client.get_bucket_acl, Bucket=bucket))
        if not is_acl_response(response):
            raise NoSettingsApi(IGNORES_SETTINGS)
        return bucket_acl_from_grants(*grants_from_response(response))

    def get_cors_origins(self, bucket: str) -> tuple[tuple[str, ...], ...]:
        try:
            response = self._call(
                "GetBucketCors", bucket, partial(self._client.get_bucket_cors, Bucket=bucket)
            )
        except NotConfigured:
            return ()
        return tuple(tuple(rule.get("AllowedOrigins") or ()) for rule in response.get("CORSRules") or ())

    # -- versioning -----------------------------------------------------------------------

    def get_versioning(self, bucket: str) -> VersioningState:
        call = partial(self._client.get_bucket_versioning, Bucket=bucket)
        return versioning_state(str(self._call("GetBucketVersioning", bucket, call).get("Status") or ""))

    def put_versioning(self, bucket: str, state: VersioningState) -> None:
        if state is VersioningState.UNVERSIONED:
            raise InvalidInput("Versioning cannot be turned off once it was on; it can only be suspended.")
        call = partial(
            self._client.put_bucket_versioning,
            Bucket=bucket,
            VersioningConfiguration={"Status": state.value},  # type: ignore[typeddict-item]
        )
        self._call("PutBucketVersioning", bucket, call)

    # -- lifecycle ------------------------------------------------------------------------

    def get_lifecycle(self, bucket: str) -> tuple[LifecycleRule, ...]:
        call = partial(self._client.get_bucket_lifecycle_configuration, Bucket=bucket)
        try:
            response = self._call("GetBucketLifecycleConfiguration", bucket, call)
        except NotConfigured:
            return ()
        return tuple(_rule_from_server(dict(raw)) for raw in response.get("Rules") or ())

    def put_lifecycle(self, bucket: str, rules: Sequence[LifecycleRule]) -> None:
        if not rules:
            raise InvalidInput("There are no rules to write; delete the lifecycle configuration instead.")
        # DigitalOcean's documented form names the prefix on the rule itself; others take a Filter.
        legacy = self.account.provider == DIGITALOCEAN
        body: Any = {"Rules": [_rule_to_server(rule, legacy_prefix=legacy) for rule in rules]}
        call = partial(
            self._client.put_bucket_lifecycle_configuration, Bucket=bucket, LifecycleConfiguration=body
        )
        self._call("PutBucketLifecycleConfiguration", bucket, call)

    def delete_lifecycle(self, bucket: str) -> None:
        call = partial(self._client.delete_bucket_lifecycle, Bucket=bucket)
        self._call("DeleteBucketLifecycle", bucket, call)

    # -- policy ---------------------------------------------------------------------------

    def get_policy(self, bucket: str) -> str:
        try:
            response = self._call(
                "GetBucketPolicy", bucket, partial(self._client.get_bucket_policy, Bucket=bucket)
            )
        except NotConfigured:
            return ""
        return str(response.get("Policy") or "")

    def put_policy(self, bucket: str, policy: str) -> None:
        call = partial(self._client.put_bucket_policy, Bucket=bucket, Policy=policy)
        self._call("PutBucketPolicy", bucket, call)

    def delete_policy(self, bucket: str) -> None:
        self._call("DeleteBucketPolicy", bucket, partial(self._client.delete_bucket_policy, Bucket=bucket))

    # -- logging --------------------------------------------------------------------------

    def get_logging(self, bucket: str) -> LoggingConfig:
        response = self._call(
            "GetBucketLogging", bucket, partial(self._client.get_bucket_logging, Bucket=bucket)
        )
        enabled = dict(response.get("LoggingEnabled") or {})
        target = str(enabled.pop("TargetBucket", "") or "")
        prefix = str(enabled.pop("TargetPrefix", "") or "")
        if not target:
            return LoggingConfig()
        return LoggingConfig(target, prefix, json.dumps(enabled, default=str) if enabled else "")

    def put_logging(self, bucket: str, config: LoggingConfig) -> None:
        status: Any = {}
        if config.enabled:
            kept = json.loads(config.kept) if config.kept else {}
            status = {
                "LoggingEnabled": {
                    **kept,
                    "TargetBucket": config.target_bucket,
                    "TargetPrefix": config.target_prefix,
                }
            }
        call = partial(self._client.put_bucket_logging, Bucket=bucket, BucketLoggingStatus=status)
        self._call("PutBucketLogging", bucket, call)


def _rule_from_server(raw: dict[str, Any]) -> LifecycleRule:
    """A LifecycleRule from one rule of a GetBucketLifecycleConfiguration answer."""
    rule_filter = dict(raw.get("Filter") or {})
    expiration = dict(raw.get("Expiration") or {})
    noncurrent = dict(raw.get("NoncurrentVersionExpiration") or {})
    extras = [key for key in raw if key not in _PLAIN_RULE_KEYS]
    extras += [key for key in expiration if key != "Days"]
    extras += [key for key in noncurrent if key != "NoncurrentDays"]
    if set(rule_filter) - {"Prefix"}:
        extras.append("Filter")
    prefix = str(rule_filter.get("Prefix") if "Prefix" in rule_filter else raw.get("Prefix") or "")
    notes = tuple(dict.fromkeys(_RULE_EXTRAS.get(key, f"has “{key}”") for key in extras))
    return LifecycleRule(
        id=str(raw.get("ID") or ""),
        prefix=prefix or "",
        enabled=raw.get("Status") == "Enabled",
        expire_days=_days(expiration.get("Days")),
        noncurrent_days=_days(noncurrent.get("NoncurrentDays")),
        abort_days=_days((raw.get("AbortIncompleteMultipartUpload") or {}).get("DaysAfterInitiation")),
        kept=json.dumps(raw, default=str) if extras else "",
        notes=notes,
    )


def _days(value: Any) -> int | None:
    return None if value is None else int(value)


def _rule_to_server(rule: LifecycleRule, *, legacy_prefix: bool) -> dict[str, Any]:
    """One rule of a PutBucketLifecycleConfiguration request; a kept rule goes back as it came."""
    if rule.kept:
        kept: dict[str, Any] = json.loads(rule.kept)
        return kept
    out: dict[str, Any] = {"ID": rule.id, "Status": "Enabled" if rule.enabled else "Disabled"}
    if legacy_prefix:
        out["Prefix"] = rule.prefix
    else:
        out["Filter"] = {"Prefix": rule.prefix}
    if rule.expire_days is not None:
        out["Expiration"] = {"Days": rule.expire_days}
    if rule.noncurrent_days is not None:
        out["NoncurrentVersionExpiration"] = {"NoncurrentDays": rule.noncurrent_days}
    if rule.abort_days is not None:
        out["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": rule.abort_days}
    return out
