"""Upload links that keep what the file had: its type, caching, metadata and public access.

A PUT through a presigned link makes a new object from the request alone: sent with no
headers, a public `text/css` file came back private and `binary/octet-stream`, and the
site lost its stylesheet (a new-user pass did exactly what the Share dialog said). So the
link signs the headers that keep the file as it was, and the Share dialog gives the command
that sends them; a server that checks signatures refuses an upload without them.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from spacesgui.core.object_headers import META_PREFIX, ObjectHeaders
from spacesgui.core.transfers import ENGINE_METADATA, PUBLIC_READ

Header = tuple[str, str]  # (name, value), as sent

ACL_HEADER = "x-amz-acl"
# The headers S3 keeps with an object that a PUT must send again to keep them.
KEPT = (
    ("Content-Type", "content_type"),
    ("Cache-Control", "cache_control"),
    ("Content-Disposition", "content_disposition"),
    ("Content-Encoding", "content_encoding"),
    ("Content-Language", "content_language"),
)


def headers_to_keep(headers: ObjectHeaders, public: bool | None) -> tuple[Header, ...]:
    """What an upload in the file's place must send so that only its bytes change.

    The engine's own checksums are left out: they describe the old bytes. `public` None
    (the server keeps no ACLs, or would not say) sends no access: the server's default.
    """
    kept = [(name, str(getattr(headers, attribute))) for name, attribute in KEPT]
    sent = [(name, value) for name, value in kept if value]
    if public:
        sent.append((ACL_HEADER, PUBLIC_READ))
    sent += [
        (META_PREFIX + name, value)
        for name, value in sorted(headers.metadata.items())
        if name not in ENGINE_METADATA
    ]
    return tuple(sent)


def upload_command(url: str, headers: Sequence[Header], file_name: str) -> str:
    """The curl command that uploads a local `file_name` through `url` with `headers`."""
    words = ["curl", "--fail", "-T", shlex.quote(file_name)]
    for name, value in headers:
        words += ["-H", shlex.quote(f"{name}: {value}")]
    return " ".join([*words, shlex.quote(url)])
