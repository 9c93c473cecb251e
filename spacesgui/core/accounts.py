"""Accounts and provider presets: where an account's storage lives and how to address it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from enum import StrEnum
from urllib.parse import quote, urlsplit

from spacesgui.core.errors import InvalidEndpoint

DIGITALOCEAN_REGIONS: tuple[str, ...] = (
    "nyc3", "ams3", "sfo2", "sfo3", "sgp1", "lon1", "fra1", "tor1", "blr1", "syd1", "atl1",
)  # fmt: skip


class AddressingStyle(StrEnum):
    AUTO = "auto"
    PATH = "path"
    VIRTUAL = "virtual"


@dataclass(frozen=True, slots=True)
class Provider:
    """A kind of S3-compatible service, with how to derive its endpoint from a region."""

    key: str
    label: str
    endpoint_template: str  # "{region}" is substituted; empty means the user types it
    regions: tuple[str, ...] = ()
    default_region: str = ""
    addressing: AddressingStyle = AddressingStyle.AUTO
    cdn_template: str = ""  # "{bucket}" and "{region}" are substituted

    def endpoint_for(self, region: str) -> str:
        return self.endpoint_template.format(region=region) if self.endpoint_template else ""


PROVIDERS: tuple[Provider, ...] = (
    Provider(
        "digitalocean", "DigitalOcean Spaces", "https://{region}.digitaloceanspaces.com",
        DIGITALOCEAN_REGIONS, "nyc3", AddressingStyle.VIRTUAL,
        "https://{bucket}.{region}.cdn.digitaloceanspaces.com",
    ),
    Provider(
        "aws", "Amazon S3", "https://s3.{region}.amazonaws.com",
        ("us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1",
         "ap-southeast-1", "ap-northeast-1"),
        "us-east-1", AddressingStyle.VIRTUAL,
    ),
    Provider("minio", "MinIO", "", (), "us-east-1", AddressingStyle.PATH),
    Provider(
        "r2", "Cloudflare R2", "https://ACCOUNT_ID.r2.cloudflarestorage.com", (), "auto",
        AddressingStyle.PATH,
    ),
    Provider(
        "b2", "Backblaze B2", "https://s3.{region}.backblazeb2.com",
        ("us-west-001", "us-west-002", "us-west-004", "us-east-005", "eu-central-003"),
        "us-west-004", AddressingStyle.PATH,
    ),
    Provider(
        "wasabi", "Wasabi", "https://s3.{region}.wasabisys.com",
        ("us-east-1", "us-east-2", "us-central-1", "us-west-1", "eu-central-1", "eu-west-1",
         "ap-northeast-1", "ap-southeast-1"),
        "us-east-1", AddressingStyle.PATH,
    ),
    Provider("custom", "Other S3-compatible", "", (), "us-east-1", AddressingStyle.PATH),
)  # fmt: skip

_PROVIDERS_BY_KEY = {p.key: p for p in PROVIDERS}


def provider(key: str) -> Provider:
    """Return the preset named `key`, falling back to the custom one."""
    return _PROVIDERS_BY_KEY.get(key, _PROVIDERS_BY_KEY["custom"])


def check_endpoint_url(url: str) -> str:
    """Return a normalised endpoint URL or raise InvalidEndpoint saying what is wrong."""
    url = url.strip()
    if not url:
        raise InvalidEndpoint("Enter the server address, for example https://nyc3.digitaloceanspaces.com.")
    if "://" not in url:
        raise InvalidEndpoint(
            f"“{url}” has no scheme. Start it with https:// (or http:// for a local server)."
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        reason = "its port is not a number from 0 to 65535" if "port" in str(exc).lower() else str(exc)
        raise InvalidEndpoint(f"“{url}” is not a valid address: {reason}.") from exc
    if parts.scheme not in ("http", "https"):
        given = url.split("://", 1)[0]
        if parts.scheme and parts.scheme == given.lower():
            raise InvalidEndpoint(f"“{given}://” is not supported; use https:// or http://.")
        # Not a scheme at all ("ht!tp://…" was said to be "“://” is not supported").
        raise InvalidEndpoint(f"“{url}” does not start with https:// or http://.")
    host = parts.hostname or ""
    if not host or " " in parts.netloc:
        raise InvalidEndpoint(f"“{url}” has no valid host name.")
    if parts.path not in ("", "/") or parts.query:
        raise InvalidEndpoint(
            f"“{url}” should be just the server address, without a path. "
            "Put the Space name in the account's “Open this Space” field instead."
        )
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    return f"{parts.scheme}://{netloc}"


@dataclass(frozen=True, slots=True)
class Account:
    """One set of keys on one service. The secret is never stored here, only in the keyring."""

    name: str
    provider: str
    endpoint_url: str
    region: str
    access_key_id: str
    addressing: AddressingStyle = AddressingStyle.AUTO
    bucket: str = ""  # open this bucket directly (bucket-scoped keys cannot ListBuckets)
    upload_acl: str = "private"  # canned ACL sent with every upload: "private" or "public-read"
    cache_control: str = ""  # Cache-Control sent with every upload, e.g. "max-age=86400"
    # False: its secret key is kept only until the app quits, and asked for at first use after.
    in_keyring: bool = True
    last_connected: float = 0.0  # time.time() when a listing last worked with these keys; 0: never
    # A PEM file of the certificate authorities this account's server is checked against
    # (a private CA of a MinIO or Ceph server); empty: the usual public authorities.
    ca_bundle: str = ""
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def with_changes(self, **changes: object) -> Account:
        return replace(self, **changes)  # type: ignore[arg-type]

    def ref(self) -> str:
        """Who this account is on the server, whatever its id: `access key id @ endpoint`.

        Transfers keep it, so one started with keys from the command line can be resumed
        by any account with the same keys for the same server.
        """
        return f"{self.access_key_id}@{self.endpoint_url}"

    def cdn_url(self, bucket: str, key: str = "") -> str:
        """Return the CDN address of an object, where the provider has one."""
        template = provider(self.provider).cdn_template
        if not template:
            return ""
        return template.format(bucket=bucket, region=self.region) + "/" + quote(key, safe="/~")


@dataclass(frozen=True, slots=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str = ""  # temporary keys (STS) come with one; sent as X-Amz-Security-Token

    def __repr__(self) -> str:  # never let a secret reach a log through repr()
        return f"Credentials(access_key_id={self.access_key_id!r}, secret_access_key='***')"
