"""CORS rules of a Space as values, their validation in words, and ready-made templates.

A rule says which web pages (origins) may call the Space from a browser, with which
methods and request headers, which response headers the page may read, and how long
the browser may cache the answer to its preflight. S3 evaluates the rules in order and
the first that matches answers (core/cors_preflight.py); the XML form is in
core/cors_xml.py.

Every field keeps what was typed (the max age too, as text), so a bad value can be
shown on the cell it was typed in; `validate_rules` says what is wrong, field by field.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from urllib.parse import urlsplit

# The methods a CORS rule may allow: S3 refuses any other in a CORS configuration.
METHODS: tuple[str, ...] = ("GET", "PUT", "POST", "DELETE", "HEAD")
# S3 refuses a configuration with more rules than this.
MAX_RULES = 100
# S3's limit on a rule's ID.
MAX_ID_LENGTH = 255
# MaxAgeSeconds is an integer on the wire; S3 refuses what does not fit in 32 bits.
MAX_AGE_LIMIT_S = 2**31 - 1
# A header name (RFC 9110 token); "*" is one of its characters, which S3 takes as a wildcard.
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_HOST = re.compile(r"(\[[0-9A-Fa-f:.*]+\]|[A-Za-z0-9*]([A-Za-z0-9*.-]*[A-Za-z0-9*])?)")


class CorsField(Enum):
    """A field of a rule, with the label the editor's column and messages use."""

    ID = "ID"
    ORIGINS = "Allowed origins"
    METHODS = "Methods"
    ALLOWED_HEADERS = "Allowed headers"
    EXPOSE_HEADERS = "Expose headers"
    MAX_AGE = "Max age (s)"

    @property
    def label(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class CorsRule:
    """One CORSRule. `max_age` is the MaxAgeSeconds text as typed ("" for none)."""

    rule_id: str = ""
    origins: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    allowed_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: str = ""

    @property
    def max_age_seconds(self) -> int | None:
        """The max age as a number; None when there is none. Call after `validate_rules`."""
        text = self.max_age.strip()
        return int(text) if text else None

    def allows_method(self, method: str) -> bool:
        return method in self.methods


@dataclass(frozen=True, slots=True)
class CorsProblem:
    """What is wrong with rule number `rule` (0-based), in `field` (None: the rule as a whole).

    `item` is the one origin or header at fault, when there is one.
    """

    rule: int
    field: CorsField | None
    message: str
    item: str = ""

    def describe(self) -> str:
        """The message with where it is, for a list of problems: "Rule 2, allowed origins: …"."""
        where = f"Rule {self.rule + 1}" + (f", {self.field.label.lower()}" if self.field else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class CorsTemplate:
    """A ready-made rule; `needs_origin`: the user must still type the site it is for."""

    label: str
    description: str
    rule: CorsRule
    needs_origin: bool = False


TEMPLATES: tuple[CorsTemplate, ...] = (
    CorsTemplate(
        "Allow GET from any origin",
        "Any web page may read files of this Space from a browser (GET and HEAD). "
        "The files must still be public, or the page must use signed links.",
        CorsRule("allow-get-from-anywhere", ("*",), ("GET", "HEAD"), ("*",), (), "3000"),
    ),
    CorsTemplate(
        "Allow browser uploads from an origin",
        "Pages of one site may upload with signed links (PUT, or a POST form) and read the "
        "result. Type the site's address (https://app.example.com) in Allowed origins.",
        # ETag exposed: a browser that uploads in parts must read each part's ETag to finish.
        CorsRule("browser-uploads", (), ("GET", "PUT", "POST", "HEAD"), ("*",), ("ETag",), "3000"),
        needs_origin=True,
    ),
)


@dataclass(slots=True)
class _Problems:
    rule: int
    found: list[CorsProblem] = field(default_factory=list)

    def add(self, which: CorsField | None, message: str, item: str = "") -> None:
        self.found.append(CorsProblem(self.rule, which, message, item))


def validate_rules(rules: Sequence[CorsRule]) -> list[CorsProblem]:
    """Every problem S3 would refuse (or that could never match), rule by rule, in order."""
    problems: list[CorsProblem] = []
    for index, rule in enumerate(rules):
        problems.extend(validate_rule(rule, index))
    if len(rules) > MAX_RULES:
        problems.append(
            CorsProblem(
                MAX_RULES,
                None,
                f"A Space holds at most {MAX_RULES} CORS rules; this list has {len(rules)}. "
                f"Remove {len(rules) - MAX_RULES}, or merge rules that allow the same methods.",
            )
        )
    return problems


def validate_rule(rule: CorsRule, index: int = 0) -> list[CorsProblem]:
    """The problems of one rule (number `index`, 0-based), field by field."""
    problems = _Problems(index)
    if len(rule.rule_id) > MAX_ID_LENGTH:
        problems.add(
            CorsField.ID, f"An ID is at most {MAX_ID_LENGTH} characters; this one has {len(rule.rule_id)}."
        )
    _check_origins(rule.origins, problems)
    _check_methods(rule.methods, problems)
    for header in rule.allowed_headers:
        _check_header(header, CorsField.ALLOWED_HEADERS, problems)
    for header in rule.expose_headers:
        _check_header(header, CorsField.EXPOSE_HEADERS, problems)
    message = max_age_problem(rule.max_age)
    if message:
        problems.add(CorsField.MAX_AGE, message)
    return problems.found


def origin_problem(origin: str) -> str:
    """Why `origin` is not a valid AllowedOrigin, in words; "" when it is."""
    if not origin:
        return "An origin is empty."
    if any(c.isspace() for c in origin):
        return f"“{origin}” holds a space. Separate origins with commas, one site each."
    if ";" in origin:
        return f"“{origin}” holds a “;”. Separate origins with commas, one site each."
    if origin != origin.lower():
        # A browser sends the scheme and host in lower case, and origins match exactly.
        return (
            f"“{origin}” has capital letters, but a browser's Origin never does, so it would "
            f"never match: use “{origin.lower()}”."
        )
    stars = origin.count("*")
    if stars > 1:
        return f"“{origin}” has {stars} wildcards (*); an origin may have at most one."
    if origin == "*":
        return ""
    if "://" not in origin and origin.startswith("*"):
        # "*.example.com": the wildcard stands for the scheme and the start of the host.
        host, port = _split_port(origin)
        if _HOST.fullmatch(host) and (port is None or _is_number(port)):
            return ""
        return f"“{origin}” is not an origin: after the wildcard, give the rest of a host name."
    if "://" not in origin:
        return (
            f"“{origin}” needs its scheme, as in https://{origin.lstrip('/')}: a browser's "
            "Origin always starts with http:// or https://."
        )
    scheme, _, rest = origin.partition("://")
    if scheme != "*" and not _SCHEME.fullmatch(scheme):
        return f"“{origin}” does not start with a scheme such as https://."
    parts = urlsplit("http://" + rest.replace("*", "x"))
    if not rest:
        return f"“{origin}” has no host name after {scheme}://."
    if parts.path or parts.query or parts.fragment or rest.endswith(("?", "#")):
        bare = f"{scheme}://{rest.split('/')[0].split('?')[0].split('#')[0]}"
        return (
            f"“{origin}” has a path after the host. A browser's Origin is only scheme://host[:port], "
            f"so it would never match: use “{bare}”."
        )
    if "@" in rest:
        return f"“{origin}” holds a user name (@); an Origin never does."
    host, port = _split_port(rest)
    if port is not None and port != "*" and not (_is_number(port) and 0 < int(port) < 65536):
        return f"“{origin}” has port “{port}”; a port is a number from 1 to 65535."
    if not _HOST.fullmatch(host):
        return f"“{origin}” has an invalid host name “{host}”: use letters, digits, dots and dashes."
    return ""


def _is_number(text: str) -> bool:
    """Plain digits 0-9 (str.isdigit also takes full-width and superscript digits, which no
    server reads as a number)."""
    return text.isascii() and text.isdigit()


def _split_port(netloc: str) -> tuple[str, str | None]:
    if netloc.startswith("["):  # an IPv6 literal: [::1]:8080
        end = netloc.find("]")
        tail = netloc[end + 1 :]
        return netloc[: end + 1], (tail[1:] if tail.startswith(":") else None)
    host, colon, port = netloc.partition(":")
    return host, (port if colon else None)


def _check_origins(origins: Sequence[str], problems: _Problems) -> None:
    if not origins:
        problems.add(
            CorsField.ORIGINS,
            "Add at least one origin: the site the pages come from (https://www.example.com), "
            "or * for any site.",
        )
    for origin in origins:
        message = origin_problem(origin)
        if message:
            problems.add(CorsField.ORIGINS, message, origin)


def _check_methods(methods: Sequence[str], problems: _Problems) -> None:
    if not methods:
        problems.add(CorsField.METHODS, "Tick at least one method: GET, PUT, POST, DELETE or HEAD.")
    for method in methods:
        if method not in METHODS:
            problems.add(CorsField.METHODS, method_problem(method), method)


def method_problem(method: str) -> str:
    """Why `method` cannot be in a CORS rule; "" when it can."""
    if method in METHODS:
        return ""
    if method.upper() in METHODS:
        return f"“{method}” must be written in capitals: {method.upper()}."
    return f"“{method}” is not a method a CORS rule may allow; use GET, PUT, POST, DELETE or HEAD."


def _check_header(header: str, which: CorsField, problems: _Problems) -> None:
    if not _HEADER_NAME.fullmatch(header):
        problems.add(
            which,
            f"“{header}” is not a header name: use letters, digits and dashes, without spaces "
            "(separate several names with commas).",
            header,
        )
    elif which is CorsField.ALLOWED_HEADERS and header.count("*") > 1:
        problems.add(
            which, f"“{header}” has {header.count('*')} wildcards (*); a header may have at most one.", header
        )


def max_age_problem(text: str) -> str:
    """Why `text` is not a max age in seconds; "" when it is (or is empty: no max age)."""
    value = text.strip()
    if not value:
        return ""
    if re.fullmatch(r"[+-]?[0-9]+", value) is None:  # not \d: full-width digits would be sent as they are
        return f"The max age is a whole number of seconds, such as 3000; “{value}” is not."
    seconds = int(value)
    if seconds < 0:
        return f"The max age cannot be negative ({seconds}); use 0 or more seconds."
    if seconds > MAX_AGE_LIMIT_S:
        return f"The max age {seconds} is too large; S3 takes at most {MAX_AGE_LIMIT_S} seconds."
    return ""


def split_list(text: str) -> tuple[str, ...]:
    """Origins or header names typed in one cell: separated by commas or new lines."""
    return tuple(item.strip() for item in re.split(r"[,\n]", text) if item.strip())


def join_list(items: Sequence[str]) -> str:
    return ", ".join(items)


def duplicate_id(rule_id: str, taken: Sequence[str]) -> str:
    """An ID for a copy of a rule: "uploads-copy", "uploads-copy-2", … not in `taken`."""
    if not rule_id:
        return ""
    stem = f"{rule_id}-copy"
    candidate, number = stem, 2
    while candidate in taken:
        candidate, number = f"{stem}-{number}", number + 1
    return candidate


def summary(rules: Sequence[CorsRule]) -> str:
    """One line on what the rules allow: "2 rules: GET from any origin; PUT, POST from 1 origin"."""
    if not rules:
        return "No CORS rules: browsers may not call this Space from other sites."
    parts = []
    for rule in rules:
        methods = ", ".join(rule.methods) or "nothing"
        where = "any origin" if "*" in rule.origins else _count(len(rule.origins), "origin")
        parts.append(f"{methods} from {where}")
    return f"{_count(len(rules), 'rule')}: " + "; ".join(parts)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
