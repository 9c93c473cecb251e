"""BucketCors against real servers: moto for the stored rules, s3rver for preflight answers.

moto answers every OPTIONS with 403 whatever the rules, so preflights are tested on
s3rver, which answers them from the rules it stores. rclone is never sent a CORS call.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from botocore.exceptions import ClientError

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.cors import CorsRule
from spacesgui.core.cors_preflight import PreflightRequest
from spacesgui.core.errors import InvalidInput, NotSupported
from tests.fault_proxy import FaultProxy, Match

UPLOADS = CorsRule(
    "uploads", ("https://app.example.com",), ("PUT", "POST"), ("content-type", "x-amz-*"), ("ETag",), "3000"
)
READS = CorsRule("", ("*",), ("GET", "HEAD"))
ALLOWED = "https://app.example.com"


def _raw_cors(store: S3Store, bucket: str) -> Any:
    return store.client.get_bucket_cors(Bucket=bucket)


def test_a_space_without_cors_reads_as_no_rules(moto_store: S3Store, moto_bucket: str) -> None:
    assert moto_store.get_cors(moto_bucket) == ()


def test_rules_put_are_read_back_equal_and_in_order(moto_store: S3Store, moto_bucket: str) -> None:
    moto_store.put_cors(moto_bucket, [UPLOADS, READS])

    assert moto_store.get_cors(moto_bucket) == (UPLOADS, READS)
    stored = _raw_cors(moto_store, moto_bucket)["CORSRules"]
    assert stored[0]["AllowedOrigins"] == ["https://app.example.com"]
    assert stored[0]["MaxAgeSeconds"] == 3000
    assert stored[1]["AllowedMethods"] == ["GET", "HEAD"]


def test_put_replaces_every_rule_the_space_had(moto_store: S3Store, moto_bucket: str) -> None:
    moto_store.put_cors(moto_bucket, [UPLOADS, READS])

    moto_store.put_cors(moto_bucket, [READS])

    assert moto_store.get_cors(moto_bucket) == (READS,)


def test_delete_leaves_no_cors_configuration_on_the_server(moto_store: S3Store, moto_bucket: str) -> None:
    moto_store.put_cors(moto_bucket, [UPLOADS])

    moto_store.delete_cors(moto_bucket)

    with pytest.raises(ClientError) as caught:
        _raw_cors(moto_store, moto_bucket)
    assert caught.value.response["Error"]["Code"] == "NoSuchCORSConfiguration"
    assert moto_store.get_cors(moto_bucket) == ()


def test_put_cors_sends_content_md5_of_the_xml_it_sends(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    proxy_store.put_cors(moto_bucket, [UPLOADS])

    (request,) = [r for r in fault_proxy.requests if Match.put_bucket_cors(moto_bucket).matches(r)]
    assert request.header("Content-MD5") == base64.b64encode(hashlib.md5(request.body).digest()).decode()
    assert b"<AllowedOrigin>https://app.example.com</AllowedOrigin>" in request.body
    assert not {h for h in request.header_names() if h.startswith("x-amz-checksum-")}


def test_invalid_rules_are_refused_before_any_request(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    bad = CorsRule("", ("https://*.*.example.com",), ("GET",))

    with pytest.raises(InvalidInput, match="at most one"):
        proxy_store.put_cors(moto_bucket, [bad])
    with pytest.raises(InvalidInput, match="at least one rule"):
        proxy_store.put_cors(moto_bucket, [])

    assert fault_proxy.count(Match(query={"cors": None})) == 0


@pytest.mark.parametrize(
    ("operation", "call"),
    [
        ("GET", lambda store, bucket: store.get_cors(bucket)),
        ("PUT", lambda store, bucket: store.put_cors(bucket, [READS])),
        ("DELETE", lambda store, bucket: store.delete_cors(bucket)),
    ],
)
def test_a_server_without_cors_support_says_so(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str, operation: str, call: Any
) -> None:
    fault_proxy.fail(Match(method=operation, query={"cors": None}), status=501, code="NotImplemented")

    with pytest.raises(NotSupported, match="does not support"):
        call(proxy_store, moto_bucket)


def test_s3rver_keeps_rules_like_moto(s3rver_store: S3Store, s3rver_bucket: str) -> None:
    s3rver_store.put_cors(s3rver_bucket, [UPLOADS, READS])

    assert s3rver_store.get_cors(s3rver_bucket) == (UPLOADS, READS)


def test_a_preflight_a_rule_allows_is_answered_200_with_allow_origin(
    s3rver_store: S3Store, s3rver_bucket: str
) -> None:
    s3rver_store.put_cors(s3rver_bucket, [UPLOADS])

    answer = s3rver_store.preflight(s3rver_bucket, PreflightRequest(ALLOWED, "PUT", ("content-type",)))

    assert answer.status == 200
    assert answer.header("access-control-allow-origin") in (ALLOWED, "*")
    assert "PUT" in answer.header("access-control-allow-methods")
    assert answer.lets_browser_send(PreflightRequest(ALLOWED, "PUT", ("content-type",)))
    assert answer.url.endswith(f"/{s3rver_bucket}")


def test_a_preflight_from_another_origin_is_refused_403(s3rver_store: S3Store, s3rver_bucket: str) -> None:
    s3rver_store.put_cors(s3rver_bucket, [UPLOADS])
    request = PreflightRequest("https://evil.example.net", "PUT", ("content-type",))

    answer = s3rver_store.preflight(s3rver_bucket, request)

    assert answer.status == 403
    assert answer.error_code == "CORSResponse"
    assert answer.header("access-control-allow-origin") == ""
    assert not answer.lets_browser_send(request)


def test_a_get_with_an_allowed_origin_carries_the_rules_headers(
    s3rver_store: S3Store, s3rver_bucket: str
) -> None:
    s3rver_store.put_cors(s3rver_bucket, [CorsRule("", (ALLOWED,), ("GET",), (), ("ETag",), "60")])

    allowed = s3rver_store.get_with_origin(s3rver_bucket, ALLOWED)
    other = s3rver_store.get_with_origin(s3rver_bucket, "https://evil.example.net")

    assert allowed.status == 200
    assert allowed.header("access-control-allow-origin") == ALLOWED
    assert allowed.header("access-control-expose-headers") == "ETag"
    assert "?" not in allowed.url  # the signed query is a credential: never kept
    assert other.status == 200
    assert other.header("access-control-allow-origin") == ""


def test_a_preflight_to_a_space_without_rules_is_refused(s3rver_store: S3Store, s3rver_bucket: str) -> None:
    answer = s3rver_store.preflight(s3rver_bucket, PreflightRequest(ALLOWED, "GET"))

    assert answer.status == 403
    assert not answer.lets_browser_send(PreflightRequest(ALLOWED, "GET"))
