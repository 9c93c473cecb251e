"""Each way a connection can go wrong reaches the caller as the right core error.

Messages are for people, so each test checks the words that tell someone what to do.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account, Credentials
from spacesgui.core.errors import (
    AuthError,
    ClockSkew,
    ConnectionRefused,
    InvalidEndpoint,
    ListBucketsDenied,
    MissingCredentials,
    NoSuchBucket,
    Throttled,
    TlsError,
    UnknownHost,
)
from tests.fault_proxy import FaultProxy, Match

# -- credentials -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "credentials",
    [Credentials("test-access", "wrong-secret"), Credentials("wrong-access", "test-secret")],
    ids=["wrong-secret", "wrong-access-key"],
)
def test_keys_the_server_rejects_are_reported_as_auth_error(
    rclone_account: Account,
    make_store: Callable[..., S3Store],
    rclone_bucket: str,
    credentials: Credentials,
) -> None:
    store = make_store(rclone_account, credentials)

    with pytest.raises(AuthError) as caught:
        store.check_bucket(rclone_bucket)

    assert "secret key" in caught.value.message
    assert "access key" in caught.value.message


def test_wrong_secret_on_list_buckets_is_reported_as_auth_error(
    rclone_account: Account, make_store: Callable[..., S3Store]
) -> None:
    store = make_store(rclone_account, Credentials("test-access", "wrong-secret"))

    with pytest.raises(AuthError):
        store.list_buckets()


@pytest.mark.parametrize(
    ("access_key", "secret_key"),
    [("", ""), ("test-access", ""), ("", "test-secret"), ("   ", "\t")],
    ids=["both-empty", "no-secret", "no-access-key", "whitespace"],
)
def test_empty_keys_are_refused_before_any_request(
    fault_proxy: FaultProxy, moto_account: Account, access_key: str, secret_key: str
) -> None:
    account = moto_account.with_changes(endpoint_url=fault_proxy.endpoint)

    with pytest.raises(MissingCredentials) as caught:
        S3Store(account, Credentials(access_key, secret_key))

    assert "access key" in caught.value.message
    assert "secret key" in caught.value.message
    assert fault_proxy.count() == 0


# -- addresses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "advice"),
    [
        ("nyc3.digitaloceanspaces.com", "https://"),
        ("ftp://nyc3.digitaloceanspaces.com", "not supported"),
        ("https://nyc3.digitaloceanspaces.com/my-space", "without a path"),
        ("https://nyc3.digitaloceanspaces.com/?x=1", "without a path"),
        ("http://exa mple.com", "no valid host name"),
        ("http://[::1", "not a valid address"),
        ("http://127.0.0.1:99999", "not a valid address"),
        ("https://", "no valid host name"),
        ("", "Enter the server address"),
    ],
    ids=[
        "no-scheme", "ftp", "with-path", "with-query", "space-in-host", "broken-ipv6",
        "port-out-of-range", "no-host", "empty",
    ],
)  # fmt: skip
def test_malformed_endpoint_is_reported_as_invalid_endpoint(
    moto_account: Account, server_credentials: Credentials, endpoint: str, advice: str
) -> None:
    account = moto_account.with_changes(endpoint_url=endpoint)

    with pytest.raises(InvalidEndpoint) as caught:
        S3Store(account, server_credentials)

    assert advice in caught.value.message


@pytest.fixture
def refusing_port() -> Iterator[int]:
    """A loopback port that refuses connections: bound, never listening, held to the end."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_closed_port_is_reported_as_connection_refused(
    moto_account: Account, make_store: Callable[..., S3Store], refusing_port: int
) -> None:
    store = make_store(moto_account.with_changes(endpoint_url=f"http://127.0.0.1:{refusing_port}"))

    with pytest.raises(ConnectionRefused) as caught:
        store.list_buckets()

    assert "refused the connection" in caught.value.message
    assert str(refusing_port) in caught.value.message


def test_unknown_host_is_reported_as_unknown_host(
    moto_account: Account, make_store: Callable[..., S3Store]
) -> None:
    store = make_store(moto_account.with_changes(endpoint_url="http://does-not-exist.invalid"))

    with pytest.raises(UnknownHost) as caught:
        store.list_buckets()

    assert "could not be found" in caught.value.message
    assert "does-not-exist.invalid" in caught.value.message


def test_https_to_a_plain_http_server_is_reported_as_tls_error(
    moto_account: Account, make_store: Callable[..., S3Store], moto_endpoint: str
) -> None:
    https_endpoint = moto_endpoint.replace("http://", "https://", 1)
    store = make_store(moto_account.with_changes(endpoint_url=https_endpoint))

    with pytest.raises(TlsError) as caught:
        store.list_buckets()

    assert "secure connection" in caught.value.message
    assert "https" in caught.value.message


# -- what the server says ----------------------------------------------------------------


def test_access_denied_on_list_buckets_suggests_opening_the_space_directly(
    fault_proxy: FaultProxy, proxy_store: S3Store
) -> None:
    fault_proxy.fail(Match.list_buckets(), status=403, code="AccessDenied", message="Denied.")

    with pytest.raises(ListBucketsDenied) as caught:
        proxy_store.list_buckets()

    assert "Open this Space" in caught.value.message


def test_keys_denied_list_buckets_can_still_open_a_named_space(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    fault_proxy.fail(Match.list_buckets(), status=403, code="AccessDenied", message="Denied.")
    with pytest.raises(ListBucketsDenied):
        proxy_store.list_buckets()

    proxy_store.check_bucket(moto_bucket)  # raises if the Space cannot be opened


def test_missing_bucket_is_reported_as_no_such_bucket(moto_store: S3Store, unique_bucket: str) -> None:
    with pytest.raises(NoSuchBucket) as caught:
        moto_store.check_bucket(unique_bucket)

    assert unique_bucket in caught.value.message
    assert "does not exist" in caught.value.message


def test_listing_a_missing_bucket_is_reported_as_no_such_bucket(
    moto_store: S3Store, unique_bucket: str
) -> None:
    with pytest.raises(NoSuchBucket):
        list(moto_store.iter_listing(unique_bucket, ""))


def test_store_still_works_after_a_missing_bucket(
    moto_store: S3Store, unique_bucket: str, moto_bucket: str
) -> None:
    with pytest.raises(NoSuchBucket):
        moto_store.check_bucket(unique_bucket + "-missing")

    assert moto_bucket in [b.name for b in moto_store.list_buckets()]


def test_slow_down_every_time_is_reported_as_throttled_after_retries(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    listing = Match.list_objects_v2(moto_bucket)
    fault_proxy.fail(listing, status=503, code="SlowDown", message="Please reduce your rate.")

    with pytest.raises(Throttled) as caught:
        proxy_store.check_bucket(moto_bucket)

    # Retried, but a bounded number of times: the failure reaches the user soon. (Counted
    # at the server, not timed: a loaded machine is slow, not wrong.)
    assert 1 < fault_proxy.count(listing) <= 10
    assert "Wait" in caught.value.message


def test_store_works_again_once_the_server_stops_throttling(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    fault_proxy.fail(Match.list_objects_v2(moto_bucket), status=503, code="SlowDown")
    with pytest.raises(Throttled):
        proxy_store.check_bucket(moto_bucket)
    fault_proxy.clear()

    proxy_store.check_bucket(moto_bucket)  # raises if the store is still failing


def test_slow_down_once_is_retried_and_the_call_succeeds(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    listing = Match.list_objects_v2(moto_bucket)
    fault = fault_proxy.fail(listing, status=503, code="SlowDown", times=1)

    proxy_store.check_bucket(moto_bucket)

    assert fault.hits == 1
    assert fault_proxy.count(listing) == 2


def test_service_unavailable_once_during_a_listing_is_retried(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_store: S3Store, moto_bucket: str
) -> None:
    moto_store.client.put_object(Bucket=moto_bucket, Key="one.txt", Body=b"1")
    fault_proxy.fail(Match.list_objects_v2(moto_bucket), status=503, code="ServiceUnavailable", times=1)

    (page,) = list(proxy_store.iter_listing(moto_bucket, ""))

    assert page.keys == ["one.txt"]


def test_request_time_too_skewed_is_reported_as_clock_skew(
    fault_proxy: FaultProxy, proxy_store: S3Store
) -> None:
    fault_proxy.fail(
        Match.list_buckets(),
        status=403,
        code="RequestTimeTooSkewed",
        message="The difference between the request time and the current time is too large.",
    )

    with pytest.raises(ClockSkew) as caught:
        proxy_store.list_buckets()

    assert "clock" in caught.value.message


def test_error_detail_keeps_the_server_message_for_the_log(
    fault_proxy: FaultProxy, proxy_store: S3Store
) -> None:
    fault_proxy.fail(Match.list_buckets(), status=403, code="AccessDenied", message="Nope 42.")

    with pytest.raises(ListBucketsDenied) as caught:
        proxy_store.list_buckets()

    assert "Nope 42." in caught.value.detail
    assert "ListBuckets" in caught.value.detail
