"""An account's client uses only the account: a hostile AWS_* shell and ~/.aws change nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account
from tests.fault_proxy import FaultProxy, Match

HOSTILE_CONFIG = """\
[default]
region = eu-central-1
endpoint_url = http://127.0.0.1:9
s3 =
    addressing_style = virtual
max_attempts = 1
[profile broken
this line is not ini at all
"""


@pytest.fixture
def hostile_aws_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Everything in a user's shell and ~/.aws that botocore would read, set to break or mislead."""
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text(HOSTILE_CONFIG)
    (home / ".aws" / "credentials").write_text("[default]\naws_access_key_id = from-file\n[oops\n")
    monkeypatch.setenv("HOME", str(home))
    for name, value in {
        "AWS_PROFILE": "no-such-profile",
        "AWS_DEFAULT_PROFILE": "no-such-profile",
        "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
        "AWS_ACCESS_KEY_ID": "from-environment",
        "AWS_SECRET_ACCESS_KEY": "environment-secret",
        "AWS_SESSION_TOKEN": "hostile-session-token",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9",
        "AWS_REGION": "ap-southeast-2",
        "AWS_DEFAULT_REGION": "ap-southeast-2",
        "AWS_CA_BUNDLE": str(tmp_path / "no-such-bundle.pem"),
        "AWS_MAX_ATTEMPTS": "not-a-number",
        "AWS_RETRY_MODE": "no-such-mode",
        "AWS_USE_FIPS_ENDPOINT": "true",
        "AWS_USE_DUALSTACK_ENDPOINT": "true",
        "AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS": "maybe",
        "AWS_REQUEST_CHECKSUM_CALCULATION": "when_supported",
    }.items():
        monkeypatch.setenv(name, value)


@pytest.mark.usefixtures("hostile_aws_environment")
def test_an_account_lists_and_signs_with_only_its_own_keys_region_and_endpoint(
    fault_proxy: FaultProxy,
    moto_account: Account,
    moto_store: S3Store,
    unique_bucket: str,
    make_store: Callable[..., S3Store],
) -> None:
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint, region="nyc3")
    moto_store.client.create_bucket(Bucket=unique_bucket)
    moto_store.client.put_object(Bucket=unique_bucket, Key="hello.txt", Body=b"hi")

    store = make_store(account)
    names = [b.name for b in store.list_buckets()]
    store.client.put_object(Bucket=unique_bucket, Key="sent.txt", Body=b"x")

    assert unique_bucket in names
    (request,) = [r for r in fault_proxy.requests if Match.list_buckets().matches(r)]
    authorization = request.header("Authorization") or ""
    assert f"Credential={account.access_key_id}/" in authorization
    assert "/nyc3/s3/aws4_request" in authorization  # the account's region, not AWS_REGION
    assert request.header("X-Amz-Security-Token") is None
    (put,) = [r for r in fault_proxy.requests if Match.put_object(unique_bucket).matches(r)]
    assert put.path.startswith(f"/{unique_bucket}/")  # path style, as the account says
    assert not {h for h in put.header_names() if h.startswith("x-amz-checksum-")}
