"""S3Store's Space settings (BucketSettings) against moto: each setting applied, read back, equal.

rclone serve s3 never receives a settings call in these tests: it has none, and reads
them as other calls. Its answer to GET ?acl (a listing) is played by moto behind the
fault proxy, rerouted. Content-MD5 on every write is checked as the server receives it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable

import pytest

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account
from spacesgui.core.bucket_settings import BucketAccess, LoggingConfig, VersioningState
from spacesgui.core.errors import InvalidInput, NoSettingsApi, NotSupported
from spacesgui.core.lifecycle import LifecycleRule, with_ids
from tests.fault_proxy import FaultProxy, Match
from tests.integration.settings_helpers import log_target

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "PublicReadOfPublic",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::BUCKET/public/*",
        }
    ],
}
SUBRESOURCES = ("acl", "cors", "versioning", "lifecycle", "policy", "logging")


def policy_for(bucket: str) -> str:
    return json.dumps(POLICY).replace("BUCKET", bucket)


def md5_b64(body: bytes) -> str:
    return base64.b64encode(hashlib.md5(body).digest()).decode()


# -- access and CORS count ----------------------------------------------------------------------


def test_bucket_access_reads_private_then_public_read(moto_store: S3Store, moto_bucket: str) -> None:
    assert moto_store.get_bucket_acl(moto_bucket).access is BucketAccess.PRIVATE
    moto_store.client.put_bucket_acl(Bucket=moto_bucket, ACL="public-read")
    acl = moto_store.get_bucket_acl(moto_bucket)
    assert acl.access is BucketAccess.PUBLIC_READ
    assert acl.public_read


def test_each_cors_rules_origins_are_read_and_none_is_no_rule(moto_store: S3Store, moto_bucket: str) -> None:
    assert moto_store.get_cors_origins(moto_bucket) == ()
    rules = [
        {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]},
        {"AllowedMethods": ["PUT"], "AllowedOrigins": ["https://example.com"]},
    ]
    moto_store.client.put_bucket_cors(Bucket=moto_bucket, CORSConfiguration={"CORSRules": rules})  # type: ignore[typeddict-item]
    assert moto_store.get_cors_origins(moto_bucket) == (("*",), ("https://example.com",))


# -- versioning ---------------------------------------------------------------------------------


def test_versioning_round_trips_from_never_to_on_to_suspended(moto_store: S3Store, moto_bucket: str) -> None:
    assert moto_store.get_versioning(moto_bucket) is VersioningState.UNVERSIONED
    moto_store.put_versioning(moto_bucket, VersioningState.ENABLED)
    assert moto_store.get_versioning(moto_bucket) is VersioningState.ENABLED
    assert moto_store.client.get_bucket_versioning(Bucket=moto_bucket)["Status"] == "Enabled"
    moto_store.put_versioning(moto_bucket, VersioningState.SUSPENDED)
    assert moto_store.get_versioning(moto_bucket) is VersioningState.SUSPENDED
    with pytest.raises(InvalidInput, match="only be suspended"):
        moto_store.put_versioning(moto_bucket, VersioningState.UNVERSIONED)


# -- lifecycle ----------------------------------------------------------------------------------

RULES = with_ids(
    [
        LifecycleRule("", "logs/", expire_days=30, abort_days=2),
        LifecycleRule("old versions", "docs/ünï #1/", enabled=False, noncurrent_days=90),
        LifecycleRule("uploads", "", abort_days=7),
    ]
)


def test_lifecycle_rules_round_trip_and_delete(moto_store: S3Store, moto_bucket: str) -> None:
    assert moto_store.get_lifecycle(moto_bucket) == ()
    moto_store.put_lifecycle(moto_bucket, RULES)
    assert moto_store.get_lifecycle(moto_bucket) == RULES
    sent = moto_store.client.get_bucket_lifecycle_configuration(Bucket=moto_bucket)["Rules"]
    assert sent[0]["Filter"] == {"Prefix": "logs/"}
    moto_store.delete_lifecycle(moto_bucket)
    assert moto_store.get_lifecycle(moto_bucket) == ()


def test_a_digitalocean_account_names_the_prefix_on_the_rule_and_it_round_trips(
    moto_account: Account, make_store: Callable[..., S3Store], moto_bucket: str
) -> None:
    store = make_store(moto_account.with_changes(provider="digitalocean"))
    rules = with_ids([LifecycleRule("", "logs/", expire_days=3), LifecycleRule("mp", "", abort_days=1)])
    store.put_lifecycle(moto_bucket, rules)
    assert store.get_lifecycle(moto_bucket) == rules
    sent = store.client.get_bucket_lifecycle_configuration(Bucket=moto_bucket)["Rules"]
    assert sent[0].get("Prefix") == "logs/"
    assert "Filter" not in sent[0]


def test_a_rule_with_more_than_the_window_edits_is_kept_exactly(
    moto_store: S3Store, moto_bucket: str
) -> None:
    glacier = {
        "ID": "to-glacier",
        "Status": "Enabled",
        "Filter": {"Prefix": "archive/"},
        "Transitions": [{"Days": 60, "StorageClass": "GLACIER"}],
        "Expiration": {"Days": 365},
    }
    moto_store.client.put_bucket_lifecycle_configuration(
        Bucket=moto_bucket,
        LifecycleConfiguration={"Rules": [glacier]},  # type: ignore[typeddict-item]
    )
    (kept,) = moto_store.get_lifecycle(moto_bucket)
    assert not kept.editable
    assert kept.expire_days == 365
    assert kept.notes == ("moves objects to another storage class",)

    moto_store.put_lifecycle(moto_bucket, (kept, LifecycleRule("new", "tmp/", expire_days=1)))

    rules = moto_store.client.get_bucket_lifecycle_configuration(Bucket=moto_bucket)["Rules"]
    by_id = {rule["ID"]: rule for rule in rules}
    assert by_id["to-glacier"]["Transitions"] == [{"Days": 60, "StorageClass": "GLACIER"}]
    assert by_id["to-glacier"]["Expiration"] == {"Days": 365}
    assert by_id["new"]["Expiration"] == {"Days": 1}


# -- policy -------------------------------------------------------------------------------------


def test_a_policy_round_trips_and_delete_leaves_none(moto_store: S3Store, moto_bucket: str) -> None:
    assert moto_store.get_policy(moto_bucket) == ""
    moto_store.put_policy(moto_bucket, policy_for(moto_bucket))
    assert json.loads(moto_store.get_policy(moto_bucket)) == json.loads(policy_for(moto_bucket))
    moto_store.delete_policy(moto_bucket)
    assert moto_store.get_policy(moto_bucket) == ""
    with pytest.raises(moto_store.client.exceptions.ClientError, match="NoSuchBucketPolicy"):
        moto_store.client.get_bucket_policy(Bucket=moto_bucket)


# -- logging ------------------------------------------------------------------------------------


def test_logging_round_trips_and_turns_off(moto_store: S3Store, moto_bucket: str) -> None:
    target = log_target(moto_store, moto_bucket)
    assert moto_store.get_logging(moto_bucket) == LoggingConfig()
    config = LoggingConfig(target, f"logs/{moto_bucket}/")
    moto_store.put_logging(moto_bucket, config)
    assert moto_store.get_logging(moto_bucket) == config
    moto_store.put_logging(moto_bucket, LoggingConfig())
    assert moto_store.get_logging(moto_bucket) == LoggingConfig()
    assert "LoggingEnabled" not in moto_store.client.get_bucket_logging(Bucket=moto_bucket)


def test_a_log_target_the_server_refuses_is_said_in_words(moto_store: S3Store, moto_bucket: str) -> None:
    other = f"{moto_bucket[:50]}-nolog"
    moto_store.client.create_bucket(Bucket=other)  # no log-delivery grant
    with pytest.raises(InvalidInput, match="will not write logs into that Space"):
        moto_store.put_logging(moto_bucket, LoggingConfig(other, "x/"))


# -- what the server receives ------------------------------------------------------------------


def test_every_settings_write_sends_content_md5_and_no_crc_checksum(
    proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str
) -> None:
    target = log_target(proxy_store, moto_bucket)
    fault_proxy.clear()
    proxy_store.put_versioning(moto_bucket, VersioningState.ENABLED)
    proxy_store.put_lifecycle(moto_bucket, RULES)
    proxy_store.delete_lifecycle(moto_bucket)
    proxy_store.put_policy(moto_bucket, policy_for(moto_bucket))
    proxy_store.delete_policy(moto_bucket)
    proxy_store.put_logging(moto_bucket, LoggingConfig(target, "logs/"))
    proxy_store.put_logging(moto_bucket, LoggingConfig())

    writes = [r for r in fault_proxy.requests if r.method in ("PUT", "DELETE")]
    seen = sorted((r.method, next(q for q in SUBRESOURCES if q in r.query)) for r in writes)
    assert seen == sorted(
        [("PUT", "versioning"), ("PUT", "lifecycle"), ("DELETE", "lifecycle"), ("PUT", "policy"),
         ("DELETE", "policy"), ("PUT", "logging"), ("PUT", "logging")]
    )  # fmt: skip
    for request in writes:
        assert request.header("Content-MD5") == md5_b64(request.body), request.raw_target
        assert not {h for h in request.header_names() if h.startswith("x-amz-checksum-")}, request.raw_target


@pytest.mark.parametrize(
    ("query", "read"),
    [
        ("versioning", lambda s, b: s.get_versioning(b)),
        ("lifecycle", lambda s, b: s.get_lifecycle(b)),
        ("policy", lambda s, b: s.get_policy(b)),
        ("logging", lambda s, b: s.get_logging(b)),
        ("cors", lambda s, b: s.get_cors_origins(b)),
        ("acl", lambda s, b: s.get_bucket_acl(b)),
    ],
)
def test_a_not_implemented_answer_is_not_supported(
    proxy_store: S3Store,
    fault_proxy: FaultProxy,
    moto_bucket: str,
    query: str,
    read: Callable[[S3Store, str], object],
) -> None:
    fault_proxy.fail(Match(query={query: None}), status=501, code="NotImplemented")
    with pytest.raises(NotSupported):
        read(proxy_store, moto_bucket)


def test_a_method_not_allowed_answer_to_a_settings_write_is_not_supported(
    proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str
) -> None:
    fault_proxy.fail(Match(method="PUT", query={"logging": None}), status=405, code="MethodNotAllowed")
    with pytest.raises(NotSupported, match="PutBucketLogging"):
        proxy_store.put_logging(moto_bucket, LoggingConfig())


def test_a_server_that_answers_the_acl_request_with_a_listing_has_no_settings_api(
    proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str
) -> None:
    # rclone serve s3 answers GET ?acl with the bucket's listing; moto does the same here.
    fault_proxy.reroute(Match(method="GET", query={"acl": None}), "list-type=2")
    with pytest.raises(NoSettingsApi, match="does not support Space settings"):
        proxy_store.get_bucket_acl(moto_bucket)


def test_a_store_that_knows_the_server_keeps_no_acls_sends_no_acl_request(
    moto_account: Account, make_store: Callable[..., S3Store], fault_proxy: FaultProxy, moto_bucket: str
) -> None:
    store = make_store(moto_account.with_changes(endpoint_url=fault_proxy.endpoint), acls=False)
    with pytest.raises(NotSupported):
        store.get_bucket_acl(moto_bucket)
    assert fault_proxy.count(Match(query={"acl": None})) == 0
