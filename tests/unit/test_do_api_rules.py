"""The DigitalOcean API's rules as data: purge paths and batches, key requests, TTLs, origins."""

from __future__ import annotations

import pytest

from spacesgui.core.do_api import (
    FULL_ACCESS,
    PURGE_BATCH,
    CdnEndpoint,
    CreatedKey,
    KeyGrant,
    Permission,
    SpacesKey,
    check_key_request,
    check_ttl,
    origin_for,
    purge_batches,
    purge_paths,
)
from spacesgui.core.errors import InvalidInput


def test_a_folder_is_purged_with_a_wildcard_and_duplicates_go() -> None:
    assert purge_paths(["a.txt", "img/", "a.txt", "img/x/"]) == ["a.txt", "img/*", "img/x/*"]


def test_purge_batches_hold_at_most_what_the_api_allows_in_order() -> None:
    paths = [f"{n}.css" for n in range(PURGE_BATCH * 2 + 1)]
    batches = purge_batches(paths)
    assert [len(b) for b in batches] == [PURGE_BATCH, PURGE_BATCH, 1]
    assert [p for b in batches for p in b] == paths


@pytest.mark.parametrize(
    ("name", "grants", "problem"),
    [
        ("", FULL_ACCESS, "name"),
        ("k", [], "at least one Space"),
        ("k", [*FULL_ACCESS, KeyGrant("a", Permission.READ)], "not both"),
        ("k", [KeyGrant("a", Permission.READ), KeyGrant("a", Permission.READWRITE)], "only once"),
    ],
)
def test_a_key_request_that_will_not_do_says_why(name: str, grants: list[KeyGrant], problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        check_key_request(name, grants)


def test_a_good_key_request_passes() -> None:
    check_key_request("k", [KeyGrant("a", Permission.READ), KeyGrant("b", Permission.FULLACCESS)])


@pytest.mark.parametrize("ttl", [60, 600, 3600, 86400, 604800])
def test_the_offered_ttls_pass(ttl: int) -> None:
    assert check_ttl(ttl) == ttl


def test_a_ttl_not_offered_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not offered"):
        check_ttl(120)


def test_the_origin_and_cdn_address_of_a_space() -> None:
    endpoint = CdnEndpoint("id", origin_for("site", "ams3"), "site.ams3.cdn.digitaloceanspaces.com", 3600)
    assert endpoint.origin == "site.ams3.digitaloceanspaces.com"
    assert endpoint.url("a b/ü.txt") == "https://site.ams3.cdn.digitaloceanspaces.com/a%20b/%C3%BC.txt"
    custom = CdnEndpoint("id", endpoint.origin, endpoint.endpoint, 60, custom_domain="cdn.example.com")
    assert custom.url("x") == "https://cdn.example.com/x"


def test_a_created_keys_secret_never_shows_in_its_repr() -> None:
    created = CreatedKey(SpacesKey("k", "DO123"), "very-secret")
    assert "very-secret" not in repr(created)
    assert "very-secret" not in str(created)
