"""Accounts, provider presets, endpoint checks and credentials."""

from __future__ import annotations

import pytest

from spacesgui.core.accounts import (
    DIGITALOCEAN_REGIONS,
    PROVIDERS,
    Account,
    AddressingStyle,
    Credentials,
    check_endpoint_url,
    provider,
)
from spacesgui.core.errors import InvalidEndpoint

ALL_DO_REGIONS = ("nyc3", "ams3", "sfo2", "sfo3", "sgp1", "lon1", "fra1", "tor1", "blr1", "syd1", "atl1")  # fmt: skip


def _do_account(region: str) -> Account:
    spaces = provider("digitalocean")
    return Account("Work", "digitalocean", spaces.endpoint_for(region), region, "DO00EXAMPLE")


# -- endpoints ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("https://nyc3.digitaloceanspaces.com", "https://nyc3.digitaloceanspaces.com"),
        ("https://nyc3.digitaloceanspaces.com/", "https://nyc3.digitaloceanspaces.com"),
        ("  https://nyc3.digitaloceanspaces.com  ", "https://nyc3.digitaloceanspaces.com"),
        ("HTTPS://NYC3.DigitalOceanSpaces.com", "https://nyc3.digitaloceanspaces.com"),
        ("http://127.0.0.1:9000", "http://127.0.0.1:9000"),
        ("http://localhost:9000/", "http://localhost:9000"),
    ],
)
def test_check_endpoint_url_normalises_a_server_address(typed: str, normalised: str) -> None:
    assert check_endpoint_url(typed) == normalised


def test_ipv6_endpoint_keeps_its_brackets() -> None:
    assert check_endpoint_url("http://[::1]:9000") == "http://[::1]:9000"


@pytest.mark.parametrize(
    ("typed", "advice"),
    [
        ("", "Enter the server address"),
        ("   ", "Enter the server address"),
        ("nyc3.digitaloceanspaces.com", "has no scheme"),
        ("nyc3.digitaloceanspaces.com", "https://"),
        ("ftp://nyc3.digitaloceanspaces.com", "“ftp://” is not supported"),
        ("s3://my-space", "“s3://” is not supported"),
        ("HTTPS2://host", "“HTTPS2://” is not supported"),
        ("ht!tp://::bad", "“ht!tp://::bad” does not start with https:// or http://"),
        ("://host", "“://host” does not start with https:// or http://"),
        ("https://nyc3.digitaloceanspaces.com/my-space", "without a path"),
        ("https://nyc3.digitaloceanspaces.com/my-space", "Open this Space"),
        ("https://nyc3.digitaloceanspaces.com?x=1", "without a path"),
        ("https://", "no valid host name"),
        ("http://exa mple.com", "no valid host name"),
        ("http://[::1", "not a valid address"),
        ("http://127.0.0.1:99999", "not a valid address"),
    ],
)
def test_check_endpoint_url_says_what_is_wrong(typed: str, advice: str) -> None:
    with pytest.raises(InvalidEndpoint) as caught:
        check_endpoint_url(typed)

    assert advice in caught.value.message


# -- providers ---------------------------------------------------------------------------


def test_digitalocean_offers_every_spaces_region() -> None:
    assert set(provider("digitalocean").regions) == set(ALL_DO_REGIONS)
    assert set(DIGITALOCEAN_REGIONS) == set(ALL_DO_REGIONS)


@pytest.mark.parametrize("region", ALL_DO_REGIONS)
def test_digitalocean_endpoint_for_each_region(region: str) -> None:
    endpoint = provider("digitalocean").endpoint_for(region)

    assert endpoint == f"https://{region}.digitaloceanspaces.com"
    assert check_endpoint_url(endpoint) == endpoint


@pytest.mark.parametrize("region", ALL_DO_REGIONS)
def test_digitalocean_cdn_url_for_each_region(region: str) -> None:
    url = _do_account(region).cdn_url("my-space", "photos/cat.jpg")

    assert url == f"https://my-space.{region}.cdn.digitaloceanspaces.com/photos/cat.jpg"


def test_digitalocean_cdn_url_of_the_space_itself() -> None:
    assert _do_account("ams3").cdn_url("my-space") == "https://my-space.ams3.cdn.digitaloceanspaces.com/"


@pytest.mark.parametrize(
    ("key", "encoded"),
    [
        ("photos/a b.png", "photos/a%20b.png"),
        ("photos/#1.png", "photos/%231.png"),
        ("photos/100%.png", "photos/100%25.png"),
        ("photos/café?.png", "photos/caf%C3%A9%3F.png"),
    ],
)
def test_cdn_url_percent_encodes_the_key(key: str, encoded: str) -> None:
    url = _do_account("nyc3").cdn_url("my-space", key)

    assert url == f"https://my-space.nyc3.cdn.digitaloceanspaces.com/{encoded}"


def test_providers_without_a_cdn_give_no_cdn_url() -> None:
    account = Account("Local", "minio", "http://127.0.0.1:9000", "us-east-1", "minio")

    assert account.cdn_url("my-space", "a.txt") == ""


def test_digitalocean_preset_uses_virtual_hosted_addressing() -> None:
    assert provider("digitalocean").addressing is AddressingStyle.VIRTUAL


def test_unknown_provider_falls_back_to_custom() -> None:
    assert provider("no-such-provider") is provider("custom")


def test_custom_provider_has_no_endpoint_to_derive() -> None:
    assert provider("custom").endpoint_for("us-east-1") == ""


@pytest.mark.parametrize("preset", [p for p in PROVIDERS if p.regions], ids=lambda p: p.key)
def test_every_preset_default_region_is_one_it_offers(preset: object) -> None:
    assert preset.default_region in preset.regions  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "preset", [p for p in PROVIDERS if "{region}" in p.endpoint_template], ids=lambda p: p.key
)
def test_every_preset_endpoint_passes_the_endpoint_check(preset: object) -> None:
    for region in preset.regions:  # type: ignore[attr-defined]
        endpoint = preset.endpoint_for(region)  # type: ignore[attr-defined]
        assert check_endpoint_url(endpoint) == endpoint


# -- accounts and credentials ------------------------------------------------------------


def test_account_with_changes_keeps_its_id() -> None:
    account = _do_account("nyc3")

    changed = account.with_changes(name="Home")

    assert (changed.id, changed.name) == (account.id, "Home")


def test_new_accounts_get_distinct_ids() -> None:
    assert _do_account("nyc3").id != _do_account("nyc3").id


def test_account_holds_no_secret() -> None:
    assert not any("secret" in name for name in Account.__slots__)


SECRET = "s3cr3t-Value/With+Chars"


def test_credentials_repr_never_shows_the_secret() -> None:
    credentials = Credentials("DO00EXAMPLE", SECRET)

    assert SECRET not in repr(credentials)
    assert "DO00EXAMPLE" in repr(credentials)


def test_credentials_in_a_formatted_message_never_show_the_secret() -> None:
    credentials = Credentials("DO00EXAMPLE", SECRET)

    shown = f"{credentials} {[credentials]} {{'c': {credentials!r}}} {credentials!s}"

    assert SECRET not in shown
