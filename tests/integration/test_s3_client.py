"""The client's settings as seen on the wire, recorded by the fault proxy in front of moto.

The checksum trap: botocore >= 1.36 sends CRC32 checksum headers that Spaces and other
S3-compatible servers reject. Our client must send none on uploads, and Content-MD5
(not CRC32) on the calls S3 requires an integrity header for.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import botocore
import pytest
from botocore.config import Config

from spacesgui.adapters.s3_store import S3Store
from tests.fault_proxy import FaultProxy, Match, RecordedRequest

CHECKSUM_HEADER_PREFIXES = ("x-amz-checksum-", "x-amz-sdk-checksum-")


def _checksum_headers(request: RecordedRequest) -> set[str]:
    return {h for h in request.header_names() if h.startswith(CHECKSUM_HEADER_PREFIXES)}


def _only(proxy: FaultProxy, match: Match) -> RecordedRequest:
    (request,) = [r for r in proxy.requests if match.matches(r)]
    return request


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:2])


def test_botocore_is_recent_enough_for_the_checksum_trap_to_exist() -> None:
    # If this fails, the tests below prove nothing: older botocore never sent CRC32.
    assert _version(botocore.__version__) >= (1, 36)


@pytest.fixture
def default_boto3_client(fault_proxy: FaultProxy) -> Iterator[Any]:
    """A boto3 client with botocore's defaults: the one the trap catches."""
    client = boto3.client(
        "s3",
        endpoint_url=fault_proxy.endpoint,
        region_name="us-east-1",
        aws_access_key_id="test-access",
        aws_secret_access_key="test-secret",
        config=Config(s3={"addressing_style": "path"}),
    )
    yield client
    client.close()


def test_the_proxy_sees_crc32_from_a_client_with_botocore_defaults(
    fault_proxy: FaultProxy, default_boto3_client: Any, moto_bucket: str
) -> None:
    default_boto3_client.put_object(Bucket=moto_bucket, Key="k.txt", Body=b"hello")

    request = _only(fault_proxy, Match.put_object(moto_bucket))
    assert "x-amz-checksum-crc32" in _checksum_headers(request)


def test_put_object_sends_no_checksum_headers(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    proxy_store.client.put_object(Bucket=moto_bucket, Key="k.txt", Body=b"hello")

    request = _only(fault_proxy, Match.put_object(moto_bucket))
    assert _checksum_headers(request) == set()
    assert request.header("x-amz-trailer") is None


def _delete_objects(client: Any, bucket: str) -> None:
    client.put_object(Bucket=bucket, Key="gone.txt", Body=b"x")
    client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "gone.txt"}]})


def _put_bucket_cors(client: Any, bucket: str) -> None:
    rule = {"AllowedMethods": ["GET"], "AllowedOrigins": ["https://example.com"]}
    client.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [rule]})


def _put_bucket_policy(client: Any, bucket: str) -> None:
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))


def _put_bucket_acl(client: Any, bucket: str) -> None:
    client.put_bucket_acl(Bucket=bucket, ACL="public-read")


def _put_object_acl(client: Any, bucket: str) -> None:
    client.put_object(Bucket=bucket, Key="shared.txt", Body=b"x")
    client.put_object_acl(Bucket=bucket, Key="shared.txt", ACL="public-read")


def _put_bucket_lifecycle(client: Any, bucket: str) -> None:
    rule = {
        "ID": "abort-uploads",
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
    }
    client.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})


INTEGRITY_CALLS: dict[str, tuple[Callable[[Any, str], None], Callable[[str], Match]]] = {
    "DeleteObjects": (_delete_objects, Match.delete_objects),
    "PutBucketCors": (_put_bucket_cors, Match.put_bucket_cors),
    "PutBucketPolicy": (
        _put_bucket_policy,
        lambda b: Match(method="PUT", path=f"/{b}/?", query={"policy": None}),
    ),
    "PutBucketAcl": (
        _put_bucket_acl,
        lambda b: Match(method="PUT", path=f"/{b}/?", query={"acl": None}),
    ),
    "PutObjectAcl": (
        _put_object_acl,
        lambda b: Match(method="PUT", path=f"/{b}/.+", query={"acl": None}),
    ),
    "PutBucketLifecycleConfiguration": (
        _put_bucket_lifecycle,
        lambda b: Match(method="PUT", path=f"/{b}/?", query={"lifecycle": None}),
    ),
}


@pytest.mark.parametrize("operation", list(INTEGRITY_CALLS))
def test_calls_that_need_an_integrity_header_send_content_md5_instead_of_crc32(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str, operation: str
) -> None:
    call, match = INTEGRITY_CALLS[operation]

    call(proxy_store.client, moto_bucket)

    request = _only(fault_proxy, match(moto_bucket))
    expected_md5 = base64.b64encode(hashlib.md5(request.body).digest()).decode()
    assert _checksum_headers(request) == set()
    assert request.header("Content-MD5") == expected_md5
