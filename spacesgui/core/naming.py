"""Bucket (Space) naming rules, with a message that names the rule broken."""

from __future__ import annotations

import re

from spacesgui.core.errors import InvalidBucketName

_ALLOWED = re.compile(r"^[a-z0-9.-]+$")
_IP_ADDRESS = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


def bucket_name_problem(name: str) -> str | None:
    """Return the first S3 naming rule `name` breaks, in plain words, or None if valid."""
    if not name:
        return "Enter a name for the Space."
    if len(name) < 3:
        return "A Space name needs at least 3 characters."
    if len(name) > 63:
        return f"A Space name can have at most 63 characters (this one has {len(name)})."
    capitals = any(ch.isupper() for ch in name)
    bad = sorted({ch for ch in name if not _ALLOWED.match(ch) and not ch.isupper()})
    if capitals and not bad:
        return "A Space name cannot contain capital letters."
    if bad:
        shown = " ".join("space" if ch == " " else ch for ch in bad)
        also = "capital letters and " if capitals else ""
        return f"A Space name can use only lowercase letters, digits, dots and hyphens (not: {also}{shown})."
    if not (name[0].isalnum() and name[-1].isalnum()):
        return "A Space name must start and end with a letter or a digit."
    if ".." in name or ".-" in name or "-." in name:
        return "A Space name cannot have two dots in a row, or a dot next to a hyphen."
    if _IP_ADDRESS.match(name):
        return "A Space name cannot look like an IP address."
    if name.startswith("xn--") or name.endswith("-s3alias"):
        return "A Space name cannot start with “xn--” or end with “-s3alias”."
    return None


def check_bucket_name(name: str) -> str:
    """Return `name` if valid, else raise InvalidBucketName saying which rule it breaks."""
    problem = bucket_name_problem(name)
    if problem:
        raise InvalidBucketName(problem)
    return name
