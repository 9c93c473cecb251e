"""The DigitalOcean API as the app sees it: Spaces keys, CDN endpoints, and what can go wrong.

Pure values and rules (shapes follow DigitalOcean's public OpenAPI for /v2/spaces/keys and
/v2/cdn/endpoints); the HTTP client lives in adapters/do_api.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote

from spacesgui.core.errors import AccessDenied, AuthError, InvalidInput, ServerError, SpacesError

# The keyring entry (service "spacesgui") that holds the personal access token.
TOKEN_SECRET_ID = "digitalocean-api-token"
DEFAULT_API_URL = "https://api.digitalocean.com"

# The TTLs the control panel offers, in seconds: 1 minute to 1 week.
TTL_CHOICES: tuple[tuple[int, str], ...] = (
    (60, "1 minute"),
    (600, "10 minutes"),
    (3600, "1 hour"),
    (86400, "1 day"),
    (604800, "1 week"),
)
DEFAULT_TTL = 3600
# DigitalOcean purges at most 50 files per 20 seconds; a wildcard path counts as one.
PURGE_BATCH = 50


class Permission(StrEnum):
    READ = "read"
    READWRITE = "readwrite"
    FULLACCESS = "fullaccess"


PERMISSION_LABELS = {
    Permission.READ: "Read",
    Permission.READWRITE: "Read and write",
    Permission.FULLACCESS: "Full access",
}


@dataclass(frozen=True, slots=True)
class KeyGrant:
    """What a key may do in one Space; bucket "" with FULLACCESS: every Space of the account."""

    bucket: str
    permission: Permission

    def describe(self) -> str:
        if not self.bucket:
            return "Full access to every Space"
        return f"{PERMISSION_LABELS[self.permission]}: {self.bucket}"


FULL_ACCESS = (KeyGrant("", Permission.FULLACCESS),)


@dataclass(frozen=True, slots=True)
class SpacesKey:
    """A Spaces access key as the API lists it (never with its secret)."""

    name: str
    access_key: str
    grants: tuple[KeyGrant, ...] = ()
    created_at: str = ""

    def describe_grants(self) -> str:
        return "; ".join(g.describe() for g in self.grants) or "No access"


@dataclass(frozen=True, slots=True)
class CreatedKey:
    """A key just created: the only moment its secret is known."""

    key: SpacesKey
    secret_key: str

    def __repr__(self) -> str:  # never let the secret reach a log through repr()
        return f"CreatedKey(key={self.key!r}, secret_key='***')"


@dataclass(frozen=True, slots=True)
class CdnEndpoint:
    """A CDN endpoint in front of one Space's origin."""

    id: str
    origin: str
    endpoint: str
    ttl: int
    custom_domain: str = ""
    created_at: str = ""

    def host(self) -> str:
        """Where the CDN serves files: the custom domain when there is one."""
        return self.custom_domain or self.endpoint

    def url(self, key: str) -> str:
        return f"https://{self.host()}/" + quote(key, safe="/~")


def origin_for(bucket: str, region: str) -> str:
    """The origin a Space's CDN endpoint names: BUCKET.REGION.digitaloceanspaces.com."""
    return f"{bucket}.{region}.digitaloceanspaces.com"


def endpoint_for_origin(endpoints: Iterable[CdnEndpoint], origin: str) -> CdnEndpoint | None:
    return next((e for e in endpoints if e.origin.lower() == origin.lower()), None)


def check_ttl(ttl: int) -> int:
    if ttl not in dict(TTL_CHOICES):
        choices = ", ".join(str(t) for t, _ in TTL_CHOICES)
        raise InvalidInput(f"A CDN cache time of {ttl} s is not offered; choose one of {choices} s.")
    return ttl


def ttl_label(ttl: int) -> str:
    return dict(TTL_CHOICES).get(ttl, f"{ttl} s")


def purge_paths(keys: Iterable[str]) -> list[str]:
    """The paths to purge for `keys`: a folder ("a/b/") becomes "a/b/*"; duplicates go."""
    paths: list[str] = []
    for key in keys:
        path = f"{key}*" if key.endswith("/") else key
        if path not in paths:
            paths.append(path)
    return paths


def purge_batches(paths: Sequence[str]) -> list[list[str]]:
    """`paths` in requests of PURGE_BATCH at most, in order."""
    return [list(paths[i : i + PURGE_BATCH]) for i in range(0, len(paths), PURGE_BATCH)]


def check_key_request(name: str, grants: Sequence[KeyGrant]) -> None:
    """Raise InvalidInput when a new key's name or grants will not do."""
    if not name.strip():
        raise InvalidInput("Give the key a name, so you can tell it apart later.")
    if not grants:
        raise InvalidInput("Choose full access, or at least one Space the key may use.")
    scoped = [g for g in grants if g.bucket]
    if scoped and any(not g.bucket for g in grants):
        raise InvalidInput("A key has either full access or per-Space grants, not both.")
    buckets = [g.bucket for g in scoped]
    if len(set(buckets)) != len(buckets):
        raise InvalidInput("Each Space may appear only once in a key's grants.")


# -- errors, in plain words ---------------------------------------------------------------
class ApiTokenMissing(AuthError):
    title = "No DigitalOcean API token"


class ApiTokenInvalid(AuthError):
    title = "API token not accepted"


class ApiScopeMissing(AccessDenied):
    title = "API token lacks a permission"


class ApiRateLimited(SpacesError):
    title = "Too many requests"


class ApiServerError(ServerError):
    title = "DigitalOcean API unavailable"


class ApiUnreachable(SpacesError):
    title = "DigitalOcean API unreachable"
