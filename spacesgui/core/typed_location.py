"""What people type or paste into the path bar, turned into a place to open.

An `s3://space/folder/` path (or `space/folder`, `/space/folder`) is taken literally: keys
may hold `%`, `#`, `?`, `+`, spaces or `//`, and the path bar shows keys as they are, so
what it shows must open the same place when typed back. Percent-decoding happens only
where a URL was really given: an object's or folder's https:// address at DigitalOcean
Spaces (its CDN included), Amazon S3, or the account's own endpoint. Pure string work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from spacesgui.core.errors import InvalidInput
from spacesgui.core.keys import DELIMITER, Location, parent

_S3 = "s3://"
# BUCKET.REGION(.cdn).digitaloceanspaces.com, BUCKET.s3(.REGION|-REGION).amazonaws.com
_VIRTUAL_HOSTS = (
    re.compile(r"^(?P<bucket>[^.]+(?:\.[^.]+)*?)\.[a-z]{3}\d(?:\.cdn)?\.digitaloceanspaces\.com$"),
    re.compile(r"^(?P<bucket>.+?)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$"),
)
# REGION.digitaloceanspaces.com/BUCKET/…, s3(.REGION).amazonaws.com/BUCKET/…
_PATH_HOSTS = (
    re.compile(r"^[a-z]{3}\d\.digitaloceanspaces\.com$"),
    re.compile(r"^s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$"),
)


@dataclass(frozen=True, slots=True)
class TypedLocation:
    """A place to open, and the object to select in it ("" for none)."""

    location: Location
    select: str = ""
    # A path typed without a final slash: the key of an object that, if it exists, is
    # opened in its folder and selected instead (Copy puts s3:// paths of files on the
    # clipboard, so one pasted back must find the file, not an empty folder).
    or_object: str = ""


def parse_location(text: str) -> Location:
    """Parse `s3://bucket/prefix`, `bucket/prefix` or `/bucket/prefix` into a folder Location.

    Taken literally, never percent-decoded. A path ending without a slash is taken as a
    folder, the way a person types one.
    """
    text = text.strip()
    if text.lower().startswith(_S3):
        text = text[len(_S3) :]
    elif "://" in text:
        scheme = text.split("://", 1)[0]
        raise InvalidInput(f"“{scheme}://” is not a storage path. Type s3://space-name/folder/.")
    else:
        text = text.lstrip(DELIMITER)  # "/space/folder": the slash is not part of a key
    bucket, _, rest = text.partition(DELIMITER)
    if not bucket:
        return Location()
    return Location(bucket, _folder(rest))


def parse_typed(text: str, endpoint_url: str = "") -> TypedLocation:
    """Parse an s3:// path (see parse_location) or a storage URL into a place to open.

    A path without a final slash may name a file: `or_object` is then its key.

    A URL (http:// or https://) is percent-decoded. It names its Space by its host
    (virtual-hosted: `space.nyc3.digitaloceanspaces.com`, its CDN, `space.s3.amazonaws.com`,
    or `space.` before the host of `endpoint_url`) or by its first path segment
    (path-style, at a known host or at `endpoint_url` itself). A URL that ends without a
    slash names an object: its folder opens with the object selected.
    """
    stripped = text.strip()
    scheme = stripped.split("://", 1)[0].lower() if "://" in stripped else ""
    if scheme not in ("http", "https"):
        location = parse_location(stripped)
        bare = stripped[len(_S3) :] if stripped.lower().startswith(_S3) else stripped.lstrip(DELIMITER)
        key = bare.partition(DELIMITER)[2]
        return TypedLocation(location, or_object=key if key and not key.endswith(DELIMITER) else "")
    parts = urlsplit(stripped)
    host = (parts.hostname or "").lower()
    path = unquote(parts.path)
    bucket = _virtual_bucket(host, endpoint_url)
    if not bucket:
        if not _is_path_style_host(host, parts.netloc.lower(), endpoint_url):
            raise InvalidInput(
                f"“{stripped}” is not an address of DigitalOcean Spaces, Amazon S3 or this "
                "account's server. Type s3://space-name/folder/, or paste the URL of an object."
            )
        bucket, _, path = path.lstrip(DELIMITER).partition(DELIMITER)
        if not bucket:
            return TypedLocation(Location())
    else:
        path = path[1:] if path.startswith(DELIMITER) else path
    if not path or path.endswith(DELIMITER):
        return TypedLocation(Location(bucket, path))
    return TypedLocation(Location(bucket, parent(path)), path)


def _folder(rest: str) -> str:
    """A typed folder path as a prefix: as it is, with one trailing slash added if missing."""
    return rest if not rest or rest.endswith(DELIMITER) else rest + DELIMITER


def _endpoint_host(endpoint_url: str) -> tuple[str, str]:
    """(host, host:port) of the account's endpoint, lower case; empty when none."""
    if not endpoint_url:
        return "", ""
    parts = urlsplit(endpoint_url)
    return (parts.hostname or "").lower(), parts.netloc.lower()


def _virtual_bucket(host: str, endpoint_url: str) -> str:
    for pattern in _VIRTUAL_HOSTS:
        match = pattern.match(host)
        if match:
            return match["bucket"]
    own_host, _ = _endpoint_host(endpoint_url)
    if own_host and host.endswith("." + own_host) and not _is_ip(own_host):
        return host[: -len(own_host) - 1]
    return ""


def _is_path_style_host(host: str, netloc: str, endpoint_url: str) -> bool:
    if any(pattern.match(host) for pattern in _PATH_HOSTS):
        return True
    own_host, own_netloc = _endpoint_host(endpoint_url)
    return bool(own_host) and netloc == own_netloc


def _is_ip(host: str) -> bool:
    return bool(re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host))
