"""The DigitalOcean API client against a local server that follows the published shapes."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from spacesgui.adapters.do_api import DoApiClient
from spacesgui.core.do_api import (
    FULL_ACCESS,
    ApiRateLimited,
    ApiScopeMissing,
    ApiServerError,
    ApiTokenInvalid,
    KeyGrant,
    Permission,
    purge_paths,
)
from spacesgui.core.errors import InvalidInput
from tests.fake_do_api import TOKEN, FakeDoApi, serve_fake_do_api


@pytest.fixture
def api() -> Iterator[FakeDoApi]:
    with serve_fake_do_api() as server:
        yield server


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def client(api: FakeDoApi, waits: list[float]) -> Iterator[DoApiClient]:
    made = DoApiClient(TOKEN, api.url, backoff_s=(0.01, 0.02, 0.03), sleep=waits.append)
    try:
        yield made
    finally:
        made.close()


def test_listing_keys_follows_every_page(api: FakeDoApi, client: DoApiClient) -> None:
    made = [api.add_key(f"key {n}") for n in range(5)]
    api.page_size = 2

    keys = client.list_keys()

    assert [k.access_key for k in keys] == made
    pages = api.requests_to("GET", "/v2/spaces/keys")
    assert [r.query.get("page", ["1"])[0] for r in pages] == ["1", "2", "3"]
    assert all(r.authorization == f"Bearer {TOKEN}" for r in pages)


def test_creating_a_full_access_key_returns_its_secret_once(api: FakeDoApi, client: DoApiClient) -> None:
    created = client.create_key("deploy", FULL_ACCESS)

    (post,) = api.requests_to("POST", "/v2/spaces/keys")
    assert post.body == {"name": "deploy", "grants": [{"bucket": "", "permission": "fullaccess"}]}
    assert created.secret_key.startswith("secret-")
    assert created.key.access_key in api.keys
    assert "secret_key" not in api.keys[created.key.access_key]
    assert created.secret_key not in repr(created)
    (listed,) = client.list_keys()
    assert listed == created.key


def test_creating_a_key_with_per_space_grants_sends_each(api: FakeDoApi, client: DoApiClient) -> None:
    grants = [KeyGrant("photos", Permission.READ), KeyGrant("site", Permission.READWRITE)]

    created = client.create_key("web", grants)

    (post,) = api.requests_to("POST", "/v2/spaces/keys")
    assert post.body["grants"] == [
        {"bucket": "photos", "permission": "read"},
        {"bucket": "site", "permission": "readwrite"},
    ]
    assert created.key.grants == tuple(grants)


def test_a_key_mixing_full_access_and_grants_is_refused_before_any_request(
    api: FakeDoApi, client: DoApiClient
) -> None:
    with pytest.raises(InvalidInput, match="not both"):
        client.create_key("x", [*FULL_ACCESS, KeyGrant("site", Permission.READ)])
    assert api.requests == []


def test_renaming_and_deleting_a_key(api: FakeDoApi, client: DoApiClient) -> None:
    access_key = api.add_key("old")

    renamed = client.rename_key(access_key, "new")
    client.delete_key(access_key)

    assert renamed.name == "new"
    (put,) = api.requests_to("PUT", f"/v2/spaces/keys/{access_key}")
    assert put.body == {"name": "new"}
    assert api.requests_to("DELETE", f"/v2/spaces/keys/{access_key}")
    assert access_key not in api.keys


def test_a_bad_token_is_said_in_plain_words_without_the_token(
    api: FakeDoApi, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "dop_v1_" + "f" * 64
    client = DoApiClient(wrong, api.url, sleep=lambda _s: None)
    caplog.set_level(logging.DEBUG)
    try:
        with pytest.raises(ApiTokenInvalid) as raised:
            client.list_keys()
    finally:
        client.close()
    assert "did not accept the API token" in raised.value.message
    assert wrong not in raised.value.message + raised.value.detail
    assert wrong not in caplog.text


def test_a_token_without_the_scope_says_which_is_missing(api: FakeDoApi, client: DoApiClient) -> None:
    api.scopes = {"spaces_key"}

    with pytest.raises(ApiScopeMissing, match="cdn"):
        client.list_endpoints()


def test_rate_limits_are_waited_out_as_retry_after_says(
    api: FakeDoApi, client: DoApiClient, waits: list[float]
) -> None:
    api.add_key("one")
    api.fail(429, times=2, retry_after="2")

    keys = client.list_keys()

    assert [k.name for k in keys] == ["one"]
    assert len(api.requests_to("GET", "/v2/spaces/keys")) == 3
    assert waits == [2.0, 2.0]


def test_a_retry_after_beyond_the_bound_is_reported_not_waited(
    api: FakeDoApi, client: DoApiClient, waits: list[float]
) -> None:
    api.fail(429, times=1, retry_after="3600")

    with pytest.raises(ApiRateLimited, match="3600 seconds"):
        client.list_keys()

    assert len(api.requests) == 1
    assert waits == []


def test_server_errors_are_retried_with_backoff_then_succeed(
    api: FakeDoApi, client: DoApiClient, waits: list[float]
) -> None:
    api.fail(503, times=2)

    assert client.list_endpoints() == []
    assert len(api.requests_to("GET", "/v2/cdn/endpoints")) == 3
    assert waits == [0.01, 0.02]


def test_server_errors_that_last_are_reported_after_the_retries(
    api: FakeDoApi, client: DoApiClient, waits: list[float]
) -> None:
    api.fail(500, times=10)

    with pytest.raises(ApiServerError, match="server error"):
        client.create_key("k", FULL_ACCESS)

    assert len(api.requests) == 4  # the first try and three retries
    assert api.keys == {}


def test_cdn_endpoint_life_cycle(api: FakeDoApi, client: DoApiClient) -> None:
    origin = "site.nyc3.digitaloceanspaces.com"

    created = client.create_endpoint(origin, 600)
    changed = client.update_endpoint_ttl(created.id, 86400)
    listed = client.list_endpoints()
    client.delete_endpoint(created.id)

    (post,) = api.requests_to("POST", "/v2/cdn/endpoints")
    assert post.body == {"origin": origin, "ttl": 600}
    assert created.endpoint == "site.nyc3.cdn.digitaloceanspaces.com"
    assert changed.ttl == 86400
    assert [e.id for e in listed] == [created.id]
    assert api.endpoints == {}


def test_purging_many_paths_is_batched_as_the_api_allows(api: FakeDoApi, client: DoApiClient) -> None:
    endpoint_id = api.add_endpoint("site.nyc3.digitaloceanspaces.com")
    keys = [f"img/{n}.png" for n in range(120)] + ["css/"]

    client.purge_cache(endpoint_id, purge_paths(keys))

    assert [len(batch) for batch in api.purged] == [50, 50, 21]
    assert api.purged[-1][-1] == "css/*"
    assert [p for batch in api.purged for p in batch] == [*keys[:-1], "css/*"]


def test_a_ttl_not_offered_is_refused_before_any_request(api: FakeDoApi, client: DoApiClient) -> None:
    with pytest.raises(InvalidInput, match="not offered"):
        client.create_endpoint("site.nyc3.digitaloceanspaces.com", 5)
    assert api.requests == []
