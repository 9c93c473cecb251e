"""Upload links that keep what the file had: its type, caching, metadata and public access.

A PUT through a presigned link makes a new object from the request alone: sent with no
headers, a public `text/css` file came back private and `binary/octet-stream`, and the
site lost its stylesheet (a new-user pass did exactly what the Share dialog said). So the
link signs the headers that keep the file as it was, and the Share dialog gives the command
that sends them; a server that checks signatures refuses an upload without them.

One line per file: the curl command, for a POSIX shell or for PowerShell (where `curl` is
another program, so `curl.exe`), with a `#` comment after it for what it cannot keep, or
only a comment when the file's settings could not be read (a link that would lose them
is not given).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class KeptHeaders:
    """What an upload in a file's place must send, what it cannot, or why nobody knows."""

    headers: tuple[Header, ...] = ()
    left_out: tuple[str, ...] = ()  # in words: "metadata “author” (not plain ASCII)"
    unreadable: str = ""  # why the file's settings could not be read ("" when they were)


def headers_to_keep(headers: ObjectHeaders, public: bool | None) -> KeptHeaders:
    """What an upload in the file's place must send so that only its bytes change.

    The engine's own checksums are left out: they describe the old bytes. `public` None
    (the server keeps no ACLs, or would not say) sends no access: the server's default.
    A value that is not plain printable ASCII cannot travel in a signed header as it is
    (botocore refuses such metadata): it is left out, and said.
    """
    wanted = [(name, str(getattr(headers, attribute))) for name, attribute in KEPT]
    wanted = [(name, value) for name, value in wanted if value]
    if public:
        wanted.append((ACL_HEADER, PUBLIC_READ))
    wanted += [
        (META_PREFIX + name, value)
        for name, value in sorted(headers.metadata.items())
        if name not in ENGINE_METADATA
    ]
    sent = tuple((name, value) for name, value in wanted if _plain(name) and _plain(value))
    left_out = tuple(
        f"metadata “{name.removeprefix(META_PREFIX)}” (not plain ASCII)"
        if name.startswith(META_PREFIX)
        else f"{name} (not plain ASCII)"
        for name, value in wanted
        if (name, value) not in sent
    )
    return KeptHeaders(sent, left_out)


def _plain(text: str) -> bool:
    return all(" " <= c <= "~" for c in text)


def upload_line(url: str, kept: KeptHeaders, file_name: str, *, powershell: bool = False) -> str:
    """The command that uploads a local `file_name` through `url` sending `kept`'s headers,
    with a comment for what it does not keep."""
    quote: Callable[[str], str] = _powershell_quote if powershell else shlex.quote
    words = ["curl.exe" if powershell else "curl", "--fail", "-T", quote(file_name)]
    for name, value in kept.headers:
        # curl leaves out a header given as "Name: " with nothing after it; "Name;" sends it
        # empty, as it was signed.
        words += ["-H", quote(f"{name}: {value}" if value else f"{name};")]
    words.append(quote(url))
    if kept.left_out:
        words.append(f"# not kept: {', '.join(kept.left_out)}")
    return " ".join(words)


def unreadable_line(file_name: str, why: str) -> str:
    """The line given instead of a command when a file's settings could not be read."""
    return f"# “{file_name}”: no upload link, since what it has could not be read to keep it ({why})"


def _powershell_quote(text: str) -> str:
    """A PowerShell literal: single quotes, a quote inside doubled."""
    return "'" + text.replace("'", "''") + "'"
