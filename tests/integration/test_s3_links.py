"""Share links: presigned GET (SigV4, SigV2) and PUT links, public and CDN addresses.

Links are fetched with urllib, as a browser or curl would, from moto (which accepts any
signature) and from `rclone serve s3` (which checks SigV4 signatures, so a tampered link
must fail there). rclone does not accept SigV2 links at all, so those run on moto only.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from urllib.error import HTTPError
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account, AddressingStyle, Credentials
from spacesgui.core.errors import InvalidInput
from spacesgui.core.share_links import DAY_S
from tests.conftest import RcloneServer
from tests.fault_proxy import FaultProxy
from tests.integration.object_helpers import AWKWARD_KEYS, Server, open_server, put_raw, read

HOUR_S = 3600
TIMEOUT_S = 30


@pytest.fixture(params=["moto", "rclone"])
def server(
    request: pytest.FixtureRequest, moto_endpoint: str, rclone_server: RcloneServer, unique_bucket: str
) -> Server:
    """Each test that takes it runs on moto and on rclone, in a fresh bucket."""
    return open_server(request, unique_bucket)


def fetch(
    url: str, *, method: str = "GET", data: bytes | None = None, headers: dict[str, str] | None = None
) -> bytes:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        return bytes(response.read())


def refused_status(url: str) -> int:
    with pytest.raises(HTTPError) as caught:
        fetch(url)
    caught.value.close()
    return caught.value.code


# -- GET links ------------------------------------------------------------------------------------


def test_a_v4_get_link_returns_the_bytes_of_awkward_keys(server: Server) -> None:
    for key in server.awkward_keys:
        put_raw(server.store, server.bucket, key, key.encode())

    for key in server.awkward_keys:
        url = server.store.presign_get_v4(server.bucket, key, HOUR_S)
        assert fetch(url) == key.encode(), key


def test_a_v4_link_carries_its_expiry_and_the_accounts_region(moto_store: S3Store, moto_bucket: str) -> None:
    query = parse_qs(urlsplit(moto_store.presign_get_v4(moto_bucket, "a.txt", 7 * DAY_S)).query)

    assert query["X-Amz-Expires"] == [str(7 * DAY_S)]
    assert "/us-east-1/s3/aws4_request" in query["X-Amz-Credential"][0]


def test_a_v2_get_link_returns_the_bytes_of_awkward_keys(moto_store: S3Store, moto_bucket: str) -> None:
    for key in AWKWARD_KEYS:
        put_raw(moto_store, moto_bucket, key, key.encode())

    for key in AWKWARD_KEYS:
        url = moto_store.presign_get_v2(moto_bucket, key, 400 * DAY_S)  # v2 has no 7-day limit
        assert set(parse_qs(urlsplit(url).query)) == {"AWSAccessKeyId", "Signature", "Expires"}, key
        assert fetch(url) == key.encode(), key


@pytest.mark.parametrize(
    ("part", "change"),
    [
        ("signature", lambda url: url.replace("X-Amz-Signature=", "X-Amz-Signature=0", 1)[:-1]),
        ("expiry", lambda url: url.replace("X-Amz-Expires=3600", "X-Amz-Expires=3601", 1)),
        ("key", lambda url: url.replace("/secret.txt?", "/other.txt?", 1)),
    ],
)
def test_rclone_refuses_a_tampered_v4_link_and_serves_the_untampered_one(
    rclone_store: S3Store, rclone_bucket: str, part: str, change: Callable[[str], str]
) -> None:
    put_raw(rclone_store, rclone_bucket, "secret.txt", b"for your eyes")
    put_raw(rclone_store, rclone_bucket, "other.txt", b"not this one")
    url = rclone_store.presign_get_v4(rclone_bucket, "secret.txt", HOUR_S)
    tampered = change(url)
    assert tampered != url, part

    assert refused_status(tampered) == 403
    assert fetch(url) == b"for your eyes"


# -- PUT links ------------------------------------------------------------------------------------


def test_a_put_link_uploads_the_bytes(server: Server) -> None:
    url = server.store.presign_put(server.bucket, "drop box/upload ü.bin", HOUR_S)

    # urllib would say the body is a form, which moto (Flask) then parses away; a file is octets.
    fetch(
        url, method="PUT", data=b"sent by someone else", headers={"Content-Type": "application/octet-stream"}
    )

    assert read(server.store, server.bucket, "drop box/upload ü.bin") == b"sent by someone else"


def test_a_put_link_signs_the_headers_to_keep_and_refuses_an_upload_without_one(
    rclone_store: S3Store, rclone_bucket: str
) -> None:
    kept = (("Content-Type", "text/html"), ("Cache-Control", "max-age=60"), ("x-amz-meta-owner", "ana"))
    url = rclone_store.presign_put(rclone_bucket, "page.html", HOUR_S, headers=kept)

    for left_out in kept:  # a header left out, or another value, breaks the signature
        with pytest.raises(HTTPError) as caught:
            fetch(url, method="PUT", data=b"<p>x</p>", headers=dict(h for h in kept if h != left_out))
        caught.value.close()
        assert caught.value.code == 403, left_out
    with pytest.raises(HTTPError) as caught:
        fetch(url, method="PUT", data=b"<p>x</p>", headers={**dict(kept), "Content-Type": "image/png"})
    caught.value.close()
    assert caught.value.code == 403
    assert rclone_store.head_object(rclone_bucket, "page.html") is None
    fetch(url, method="PUT", data=b"<p>hi</p>", headers=dict(kept))

    assert read(rclone_store, rclone_bucket, "page.html") == b"<p>hi</p>"
    headers = rclone_store.head_details(rclone_bucket, "page.html").headers
    assert headers.content_type.startswith("text/html")
    assert headers.metadata.get("owner") == "ana"


# -- addresses ------------------------------------------------------------------------------------


def test_the_public_address_is_the_path_style_url_of_the_key(moto_store: S3Store, moto_bucket: str) -> None:
    for key in AWKWARD_KEYS:
        put_raw(moto_store, moto_bucket, key, key.encode(), ACL="public-read")

    for key in AWKWARD_KEYS:
        url = moto_store.public_url(moto_bucket, key)
        assert url == f"{moto_store.endpoint}/{moto_bucket}/{quote(key, safe='/~')}", key
        assert fetch(url) == key.encode(), key


@pytest.fixture
def spaces_store(make_store: Callable[..., S3Store]) -> S3Store:
    """A DigitalOcean account in Frankfurt: virtual-hosted addressing. Only signs; never connects."""
    account = Account(
        name="do", provider="digitalocean", endpoint_url="https://fra1.digitaloceanspaces.com",
        region="fra1", access_key_id="DO00EXAMPLE", addressing=AddressingStyle.VIRTUAL,
    )  # fmt: skip
    return make_store(account, Credentials("DO00EXAMPLE", "example-secret"))


def test_spaces_links_use_the_space_as_host_and_the_accounts_region(spaces_store: S3Store) -> None:
    key = "a b/ü #1.txt"
    encoded = "a%20b/%C3%BC%20%231.txt"

    public = spaces_store.public_url("my-space", key)
    v4 = urlsplit(spaces_store.presign_get_v4("my-space", key, HOUR_S))
    v2 = urlsplit(spaces_store.presign_get_v2("my-space", key, HOUR_S))
    upload = urlsplit(spaces_store.presign_put("my-space", key, HOUR_S))

    assert public == f"https://my-space.fra1.digitaloceanspaces.com/{encoded}"
    for url in (v4, v2, upload):
        assert (url.scheme, url.netloc, url.path) == (
            "https",
            "my-space.fra1.digitaloceanspaces.com",
            f"/{encoded}",
        )
    assert "/fra1/s3/aws4_request" in parse_qs(v4.query)["X-Amz-Credential"][0]
    assert parse_qs(v2.query)["AWSAccessKeyId"] == ["DO00EXAMPLE"]


def test_spaces_have_a_cdn_address_and_other_servers_none(spaces_store: S3Store, moto_store: S3Store) -> None:
    assert (
        spaces_store.cdn_url("my-space", "a b/ü.txt")
        == "https://my-space.fra1.cdn.digitaloceanspaces.com/a%20b/%C3%BC.txt"
    )
    assert moto_store.cdn_url("bucket", "a.txt") == ""


# -- limits ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("expires_s", [30, 7 * DAY_S + 1])
def test_v4_links_outside_a_minute_to_7_days_are_refused(
    moto_store: S3Store, moto_bucket: str, expires_s: int
) -> None:
    with pytest.raises(InvalidInput, match=r"at least a minute|at most 7 days"):
        moto_store.presign_get_v4(moto_bucket, "a.txt", expires_s)
    with pytest.raises(InvalidInput, match=r"at least a minute|at most 7 days"):
        moto_store.presign_put(moto_bucket, "a.txt", expires_s)


def test_signing_links_sends_no_request(
    fault_proxy: FaultProxy, proxy_store: S3Store, moto_bucket: str
) -> None:
    fault_proxy.clear()

    proxy_store.presign_get_v4(moto_bucket, "a.txt", HOUR_S)
    proxy_store.presign_get_v2(moto_bucket, "a.txt", HOUR_S)
    proxy_store.presign_put(moto_bucket, "a.txt", HOUR_S)
    proxy_store.public_url(moto_bucket, "a.txt")

    assert fault_proxy.count() == 0
