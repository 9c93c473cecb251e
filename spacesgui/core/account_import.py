"""Accounts found in other tools' settings: what an import would add, and what is wrong.

Text in, candidates and problems out: no file is read here (adapters/import_sources.py
finds and reads them). Each parser returns every good entry as an `ImportCandidate` and
a plain-words `ImportProblem` per bad one, so one broken profile never hides the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

from spacesgui.core.accounts import Account, AddressingStyle, check_endpoint_url, provider
from spacesgui.core.errors import InvalidEndpoint


class SourceKind(StrEnum):
    AWS = "aws"
    S3CMD = "s3cmd"
    RCLONE = "rclone"
    ENVIRONMENT = "environment"
    EXPORT = "export"  # a spacesgui export file

    @property
    def label(self) -> str:
        return _SOURCE_LABELS[self]


_SOURCE_LABELS = {
    SourceKind.AWS: "AWS CLI",
    SourceKind.S3CMD: "s3cmd",
    SourceKind.RCLONE: "rclone",
    SourceKind.ENVIRONMENT: "Environment",
    SourceKind.EXPORT: "spacesgui export",
}


@dataclass(frozen=True, slots=True)
class ImportCandidate:
    """An account another tool knows about. The secret is never shown by repr()."""

    source: SourceKind
    entry: str  # where in the source: "profile work", "remote spaces", "AWS_ACCESS_KEY_ID"
    name: str
    provider: str
    endpoint_url: str
    region: str
    access_key_id: str
    secret: str = field(default="", repr=False)
    addressing: AddressingStyle = AddressingStyle.AUTO
    bucket: str = ""
    upload_acl: str = "private"
    cache_control: str = ""
    ca_bundle: str = ""  # the PEM file of a private certificate authority (Account.ca_bundle)

    def ref(self) -> str:
        """Same form as Account.ref(): two with equal refs are the same keys on one server."""
        return f"{self.access_key_id}@{self.endpoint_url}"

    def to_account(self) -> Account:
        return Account(
            name=self.name, provider=self.provider, endpoint_url=self.endpoint_url, region=self.region,
            access_key_id=self.access_key_id, addressing=self.addressing, bucket=self.bucket,
            upload_acl=self.upload_acl, cache_control=self.cache_control, ca_bundle=self.ca_bundle,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class ImportProblem:
    source: SourceKind
    where: str  # the file or entry it is about
    message: str

    def text(self) -> str:
        return f"{self.source.label}, {self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class ImportResult:
    candidates: tuple[ImportCandidate, ...] = ()
    problems: tuple[ImportProblem, ...] = ()

    def __add__(self, other: ImportResult) -> ImportResult:
        return ImportResult(self.candidates + other.candidates, self.problems + other.problems)


def already_present(candidate: ImportCandidate, accounts: Iterable[Account]) -> Account | None:
    """The saved account with the same key id on the same server, if there is one."""
    return next((a for a in accounts if a.ref() == candidate.ref()), None)


# -- endpoints and providers --------------------------------------------------------------

_HOST_PROVIDERS = (  # (host suffix, provider key)
    ("digitaloceanspaces.com", "digitalocean"),
    ("amazonaws.com", "aws"),
    ("r2.cloudflarestorage.com", "r2"),
    ("backblazeb2.com", "b2"),
    ("wasabisys.com", "wasabi"),
)


@dataclass(frozen=True, slots=True)
class Place:
    """Where an imported account's storage is, worked out from what the source said."""

    provider: str
    endpoint_url: str
    region: str
    addressing: AddressingStyle
    bucket: str = ""  # named by the host (my-space.nyc3.digitaloceanspaces.com)


def locate(endpoint: str, region: str, addressing: str = "", *, https: bool = True) -> Place:
    """Recognise the provider of `endpoint` (REGION.digitaloceanspaces.com → DigitalOcean in
    REGION); an empty endpoint means Amazon S3 in `region`. InvalidEndpoint when unusable.

    `addressing` is the source's own choice ("path", "virtual", "auto"); otherwise the
    provider's preset. A host without a scheme gets https (or http when `https` is False).
    """
    endpoint = endpoint.strip()
    if not endpoint:
        aws = provider("aws")
        region = region or aws.default_region
        endpoint = aws.endpoint_for(region)
    elif "://" not in endpoint:
        endpoint = f"{'https' if https else 'http'}://{endpoint}"
    endpoint = check_endpoint_url(endpoint)
    host = (urlsplit(endpoint).hostname or "").lower()
    key = next(
        (k for suffix, k in _HOST_PROVIDERS if host == suffix or host.endswith("." + suffix)), "custom"
    )
    labels = host.split(".")
    bucket = ""
    if key == "digitalocean" and len(labels) >= 3:
        # REGION.digitaloceanspaces.com says the region; SPACE.REGION.(cdn.)… a Space too,
        # and then the account's endpoint is the region's.
        before = labels[: labels.index("digitaloceanspaces")]
        before = before[:-1] if before and before[-1] == "cdn" else before
        if before:
            region, bucket = before[-1], ".".join(before[:-1])
            endpoint = f"{urlsplit(endpoint).scheme}://{region}.digitaloceanspaces.com"
    elif key == "aws" and len(labels) >= 4 and labels[0] == "s3" and labels[1] != "amazonaws":
        region = labels[1]
    preset = provider(key)
    style = _style(addressing) or preset.addressing
    return Place(key, endpoint, region or preset.default_region or "us-east-1", style, bucket)


def _style(text: str) -> AddressingStyle | None:
    try:
        return AddressingStyle(text.strip().lower()) if text.strip() else None
    except ValueError:
        return None


def bad_addressing(text: str) -> str:
    """A message when `text` is set but is no addressing style; "" when it is fine."""
    if text.strip() and _style(text) is None:
        return f"addressing_style “{text}” is not auto, path or virtual; the provider's default is used."
    return ""


def yes(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on")


# -- the environment --------------------------------------------------------------------


def parse_environment(env: Mapping[str, str]) -> ImportResult:
    """AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY with AWS_ENDPOINT_URL(_S3) and AWS_REGION."""
    kind = SourceKind.ENVIRONMENT
    key_id = env.get("AWS_ACCESS_KEY_ID", "").strip()
    secret = env.get("AWS_SECRET_ACCESS_KEY", "").strip()
    if not key_id:
        if secret:
            return ImportResult(problems=(ImportProblem(
                kind, "AWS_SECRET_ACCESS_KEY", "is set but AWS_ACCESS_KEY_ID is not; nothing to import.",
            ),))  # fmt: skip
        return ImportResult()
    if env.get("AWS_SESSION_TOKEN", "").strip():
        return ImportResult(problems=(ImportProblem(kind, "AWS_SESSION_TOKEN", TEMPORARY_KEYS),))
    endpoint = env.get("AWS_ENDPOINT_URL_S3", "") or env.get("AWS_ENDPOINT_URL", "")
    region = env.get("AWS_REGION", "") or env.get("AWS_DEFAULT_REGION", "")
    try:
        place = locate(endpoint, region)
    except InvalidEndpoint as exc:
        return ImportResult(problems=(ImportProblem(kind, "AWS_ENDPOINT_URL", exc.message),))
    host = urlsplit(place.endpoint_url).hostname or place.endpoint_url
    candidate = ImportCandidate(
        kind, "AWS_ACCESS_KEY_ID", f"{host} (environment)", place.provider, place.endpoint_url,
        place.region, key_id, secret, place.addressing, place.bucket,
    )  # fmt: skip
    return ImportResult((candidate,))


TEMPORARY_KEYS = (
    "these are temporary keys (they come with a session token), which stop working when the "
    "session ends; spacesgui keeps only long-lived keys. Create an access key and add it instead."
)


@dataclass(frozen=True, slots=True)
class FoundSource:
    """A source of accounts present on this machine, and where (a path, or "environment")."""

    kind: SourceKind
    where: str


def unique_name(name: str, taken: Iterable[str]) -> str:
    """`name`, or `name (2)`, `name (3)`… when an account is already called that."""
    names = set(taken)
    if name not in names:
        return name
    number = 2
    while f"{name} ({number})" in names:
        number += 1
    return f"{name} ({number})"
