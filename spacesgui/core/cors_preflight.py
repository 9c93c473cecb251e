"""Which CORS rule should answer a browser's request, what the server did answer, and whether they agree.

S3 evaluates a preflight (OPTIONS with Origin, Access-Control-Request-Method and
Access-Control-Request-Headers) against the rules in order: the first rule whose
origins, methods and allowed headers all admit the request answers it; when none does,
the preflight is refused (403). An AllowedOrigin or AllowedHeader may hold one "*" that
stands for any run of characters; header names compare without regard to case.

A server's answer is judged as a browser judges it: the request may go ahead when the
answer is a success whose Access-Control-Allow-Origin is the origin (or "*"), whose
Allow-Methods lists the method (GET, HEAD and POST need not be listed), and whose
Allow-Headers lists every requested header.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from spacesgui.core.cors import CorsRule, split_list

# Methods a browser sends without needing them listed in Access-Control-Allow-Methods.
SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})


@dataclass(frozen=True, slots=True)
class PreflightRequest:
    """What a browser asks before a cross-origin request: who, which method, which headers."""

    origin: str
    method: str
    headers: tuple[str, ...] = ()  # lower-case names

    @classmethod
    def typed(cls, origin: str, method: str, headers: str) -> PreflightRequest:
        """From what a person typed: headers separated by commas, any case."""
        return cls(origin.strip(), method.strip().upper(), tuple(h.lower() for h in split_list(headers)))


@dataclass(frozen=True, slots=True)
class CorsAnswer:
    """What the server answered one request: status, Access-Control-* headers, error code."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()  # lower-case names, as sent
    error_code: str = ""  # from an S3 XML error body (CORSResponse, AccessForbidden, ...)
    url: str = ""

    def header(self, name: str) -> str:
        lowered = name.lower()
        return next((value for key, value in self.headers if key == lowered), "")

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def lets_browser_send(self, request: PreflightRequest) -> bool:
        """Whether a browser would go ahead with `request` after this preflight answer."""
        return not self.refusal(request)

    def refusal(self, request: PreflightRequest) -> str:
        """Why a browser would not go ahead with `request` after this answer; "" when it would."""
        if not self.ok:
            return f"status {self.status}" + (f" {self.error_code}" if self.error_code else "")
        allow_origin = self.header("access-control-allow-origin")
        if not self.allows_origin(request.origin):
            return (
                f"Access-Control-Allow-Origin is {allow_origin}, not this origin"
                if allow_origin
                else "no Access-Control-Allow-Origin"
            )
        listed = self.header("access-control-allow-methods")
        methods = {m.strip().upper() for m in listed.split(",")}
        if request.method not in SAFELISTED_METHODS and request.method not in methods and "*" not in methods:
            return f"Access-Control-Allow-Methods ({listed or 'none'}) does not list {request.method}"
        headers = self.header("access-control-allow-headers")
        allowed = {h.strip().lower() for h in headers.split(",")}
        missing = [h for h in request.headers if h not in allowed]
        if "*" not in allowed and missing:
            return f"Access-Control-Allow-Headers ({headers or 'none'}) does not list {', '.join(missing)}"
        return ""

    def allows_origin(self, origin: str) -> bool:
        """Whether a page from `origin` may read this answer (Access-Control-Allow-Origin)."""
        return self.header("access-control-allow-origin") in (origin, "*")

    def describe(self) -> str:
        """The status and its CORS headers, one a line."""
        status = f"{self.status}" + (f" {self.error_code}" if self.error_code else "")
        cors = [
            f"{_title(name)}: {value}" for name, value in self.headers if name.startswith("access-control-")
        ]
        return "\n".join([status, *cors] if cors else [status, "(no Access-Control headers)"])


@dataclass(frozen=True, slots=True)
class LocalMatch:
    """Which rule (0-based index) should answer a request, or None, and why, in words."""

    rule: int | None
    reason: str

    @property
    def allows(self) -> bool:
        return self.rule is not None


@dataclass(frozen=True, slots=True)
class Agreement:
    agree: bool
    text: str


def match_preflight(rules: Sequence[CorsRule], request: PreflightRequest) -> LocalMatch:
    """The first rule that admits `request`, as S3 picks it, or why none does."""
    if not rules:
        return LocalMatch(None, "The Space has no CORS rules, so the server should refuse every preflight.")
    for index, rule in enumerate(rules):
        if _admits(rule, request):
            return LocalMatch(index, f"{rule_name(rules, index)} allows it.")
    return LocalMatch(None, _why_none(rules, request))


def match_simple(rules: Sequence[CorsRule], origin: str, method: str = "GET") -> LocalMatch:
    """The rule that should answer a plain (non-preflight) request with an Origin header."""
    return match_preflight(rules, PreflightRequest(origin, method))


def _admits(rule: CorsRule, request: PreflightRequest) -> bool:
    return (
        any(wildcard_match(pattern, request.origin) for pattern in rule.origins)
        and request.method in rule.methods
        and all(any(wildcard_match(p, h, fold=True) for p in rule.allowed_headers) for h in request.headers)
    )


def _why_none(rules: Sequence[CorsRule], request: PreflightRequest) -> str:
    """The nearest miss: a rule with this origin that lacks the method, or the headers."""
    for index, rule in enumerate(rules):
        if not any(wildcard_match(p, request.origin) for p in rule.origins):
            continue
        if request.method not in rule.methods:
            return (
                f"No rule allows it: {rule_name(rules, index)} covers this origin, but not the "
                f"method {request.method}."
            )
        missing = [
            h
            for h in request.headers
            if not any(wildcard_match(p, h, fold=True) for p in rule.allowed_headers)
        ]
        return (
            f"No rule allows it: {rule_name(rules, index)} covers this origin and {request.method}, "
            f"but not the header{'s' if len(missing) > 1 else ''} {', '.join(missing)}."
        )
    return f"No rule allows it: no rule lists the origin {request.origin or '(none)'}."


def rule_name(rules: Sequence[CorsRule], index: int) -> str:
    rule_id = rules[index].rule_id
    return f"rule {index + 1}" + (f" (“{rule_id}”)" if rule_id else "")


def wildcard_match(pattern: str, value: str, *, fold: bool = False) -> bool:
    """Whether `value` matches `pattern`, where each "*" stands for any run of characters."""
    return _compiled(pattern, fold).fullmatch(value) is not None


@lru_cache(maxsize=512)
def _compiled(pattern: str, fold: bool) -> re.Pattern[str]:
    body = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.compile(body, (re.IGNORECASE | re.DOTALL) if fold else re.DOTALL)


def compare_preflight(answer: CorsAnswer, local: LocalMatch, request: PreflightRequest) -> Agreement:
    """Whether the server's preflight answer and the local rules agree, in a sentence."""
    server_allows = answer.lets_browser_send(request)
    what = f"a {request.method} from {request.origin}"
    if server_allows and local.allows:
        return Agreement(True, f"They agree: the browser may send {what}. {_capital(local.reason)}")
    if not server_allows and not local.allows:
        return Agreement(True, f"They agree: the browser may not send {what}. {local.reason}")
    if server_allows:
        return Agreement(
            False,
            f"They disagree: the server allows {what}, but the rules shown say: {local.reason} "
            "The server may hold other rules than these (reload them), or evaluate CORS its own way.",
        )
    return Agreement(
        False,
        f"They disagree: after the server's answer a browser would not send {what} "
        f"({answer.refusal(request)}), but {local.reason} "
        "The server may hold other rules than these (reload them), or evaluate CORS its own way.",
    )


def compare_simple(
    answer: CorsAnswer, local: LocalMatch, origin: str, expose: Sequence[str] = ()
) -> Agreement:
    """Whether a plain GET's Access-Control-* headers are what the local rules expect.

    `expose` is the matching rule's ExposeHeader list: a page can read only those headers.
    """
    readable = answer.allows_origin(origin)
    if readable and local.allows:
        listed = {h.strip().lower() for h in answer.header("access-control-expose-headers").split(",")}
        missing = [h for h in expose if h.lower() not in listed and "*" not in listed]
        if missing:
            return Agreement(
                False,
                f"They disagree on a detail: a page from {origin} may read the answer, but not the "
                f"header{'s' if len(missing) > 1 else ''} {', '.join(missing)} the rule exposes "
                "(no Access-Control-Expose-Headers lists it).",
            )
        return Agreement(True, f"They agree: a page from {origin} may read the answer.")
    if not readable and not local.allows:
        return Agreement(True, f"They agree: a page from {origin} may not read the answer.")
    if readable:
        return Agreement(
            False, f"They disagree: the server lets {origin} read the answer, but no rule allows GET from it."
        )
    reason = answer.refusal(PreflightRequest(origin, "GET"))
    return Agreement(
        False, f"They disagree: a page from {origin} may not read the answer ({reason}), but {local.reason}"
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))
