"""An object's HTTP headers and user metadata as a value, and the checks before sending them.

S3 stores these with the object and sends them back on every GET. They travel as HTTP
request headers, so values must be plain printable ASCII and metadata names must be
header tokens; S3 keeps at most 2 KB of user metadata. Each check says what is wrong in
words, like core/naming.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime

from spacesgui.core.errors import InvalidInput

# S3: "the size of user-defined metadata is measured by taking the sum of the number of
# bytes in the UTF-8 encoding of each key and value"; PUT refuses more than 2 KB.
MAX_METADATA_BYTES = 2048
META_PREFIX = "x-amz-meta-"
# RFC 9110 token characters: what a header name may be made of.
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


@dataclass(frozen=True, slots=True)
class ObjectHeaders:
    """What S3 keeps with an object besides its bytes; "" means "not set".

    `metadata` names are lower-case and without the "x-amz-meta-" prefix (S3 lower-cases
    them). `expires` is the HTTP date text as the server gave it.
    """

    content_type: str = ""
    cache_control: str = ""
    content_disposition: str = ""
    content_encoding: str = ""
    content_language: str = ""
    expires: str = ""
    metadata: dict[str, str] = field(default_factory=dict)

    def with_changes(self, **changes: object) -> ObjectHeaders:
        return replace(self, **changes)  # type: ignore[arg-type]


# (field, label shown in messages)
HEADER_FIELDS: tuple[tuple[str, str], ...] = (
    ("content_type", "Content-Type"),
    ("cache_control", "Cache-Control"),
    ("content_disposition", "Content-Disposition"),
    ("content_encoding", "Content-Encoding"),
    ("content_language", "Content-Language"),
    ("expires", "Expires"),
)


def header_value_problem(label: str, value: str) -> str | None:
    """Return why `value` cannot be sent as header `label`, or None if it can."""
    bad = sorted({ch for ch in value if not " " <= ch <= "~"})
    if not bad:
        return None
    shown = " ".join(_show(ch) for ch in bad[:5])
    hint = ""
    if label == "Content-Disposition" and any(ord(ch) > 127 for ch in bad):
        hint = " For a file name with other letters, use filename*=UTF-8''name-percent-encoded."
    return f"{label} can hold only plain printable ASCII text (not: {shown}).{hint}"


def metadata_name_problem(name: str) -> str | None:
    """Return why `name` cannot be a user metadata name, or None if it can."""
    if not name:
        return "A metadata entry needs a name."
    if not _TOKEN.match(name):
        bad = sorted({ch for ch in name if not _TOKEN.match(ch)})
        return (
            f"The metadata name “{name}” can use only letters, digits and ! # $ % & ' * + - . ^ _ ` | ~ "
            f"(not: {' '.join(_show(ch) for ch in bad[:5])})."
        )
    return None


def metadata_size(metadata: Mapping[str, str]) -> int:
    """User metadata's size as S3 counts it: UTF-8 bytes of every name and value."""
    return sum(len(k.encode("utf-8")) + len(v.encode("utf-8")) for k, v in metadata.items())


def _normal_name(name: str) -> str:
    name = name.strip().lower()
    return name[len(META_PREFIX) :] if name.startswith(META_PREFIX) else name


def metadata_problems(metadata: Mapping[str, str]) -> list[str]:
    """Every reason `metadata` cannot be sent, in words (empty when it can)."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for name, value in metadata.items():
        normal = _normal_name(name)
        problem = metadata_name_problem(normal)
        if problem:
            problems.append(problem)
        elif normal in seen:
            problems.append(
                f"The metadata names “{seen[normal]}” and “{name}” are the same to S3, which "
                "ignores case in them; keep one."
            )
        seen.setdefault(normal, name)
        value_problem = header_value_problem(f"The value of “{name}”", value.strip())
        if value_problem:
            problems.append(value_problem)
    size = metadata_size({_normal_name(k): v.strip() for k, v in metadata.items()})
    if size > MAX_METADATA_BYTES:
        problems.append(
            f"Metadata can hold at most {MAX_METADATA_BYTES:,} bytes in all (names and values "
            f"together); this has {size:,}."
        )
    return problems


def object_headers_problems(headers: ObjectHeaders) -> list[str]:
    """Every reason `headers` cannot be sent, in words (empty when they can)."""
    problems: list[str] = []
    for attribute, label in HEADER_FIELDS:
        problem = header_value_problem(label, getattr(headers, attribute).strip())
        if problem:
            problems.append(problem)
    content_type = headers.content_type.strip()
    if content_type and "/" not in content_type:
        problems.append(
            f"A Content-Type names a type and a subtype, such as “text/html” (not “{content_type}”)."
        )
    expires = headers.expires.strip()
    if expires and not any(p.startswith("Expires") for p in problems) and not _is_http_date(expires):
        problems.append(f"Expires must be a date such as “Thu, 01 Dec 2026 16:00:00 GMT” (not “{expires}”).")
    problems.extend(metadata_problems(headers.metadata))
    return problems


def _is_http_date(text: str) -> bool:
    try:
        parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
    return True


def check_object_headers(headers: ObjectHeaders) -> ObjectHeaders:
    """Return `headers` trimmed, metadata names lower-case without a prefix; else raise InvalidInput.

    The error's message lists every problem, one a line.
    """
    problems = object_headers_problems(headers)
    if problems:
        raise InvalidInput("\n".join(problems))
    trimmed = {attribute: getattr(headers, attribute).strip() for attribute, _ in HEADER_FIELDS}
    metadata = {_normal_name(k): v.strip() for k, v in headers.metadata.items()}
    return ObjectHeaders(**trimmed, metadata=metadata)


def _show(ch: str) -> str:
    if ch == " ":
        return "space"
    if not ch.isprintable():
        return f"U+{ord(ch):04X}"
    return ch
