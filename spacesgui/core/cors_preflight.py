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
        if not self.ok or not self.allows_origin(request.origin):
            return False
        methods = {m.strip().upper() for m in self.header("access-control-allow-methods").split(",")}
        if request.method not in SAFELISTED_METHODS and request.method not in methods and "*" not in methods:
            return False
        allowed = {h.strip().lower() for h in self.header("access-control-allow-headers").split(",")}
        return "*" in allowed or all(h in allowed for h in request.headers)

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
        f"They disagree: the server refused {what} ({_refusal(answer)}), but {local.reason} "
        "The server may hold other rules than these (reload them), or evaluate CORS its own way.",
    )


def compare_simple(answer: CorsAnswer, local: LocalMatch, origin: str) -> Agreement:
    """Whether a plain GET's Access-Control-Allow-Origin is what the local rules expect."""
    readable = answer.allows_origin(origin)
    if readable and local.allows:
        return Agreement(True, f"They agree: a page from {origin} may read the answer.")
    if not readable and not local.allows:
        return Agreement(True, f"They agree: a page from {origin} may not read the answer.")
    if readable:
        return Agreement(
            False, f"They disagree: the server lets {origin} read the answer, but no rule allows GET from it."
        )
    return Agreement(
        False,
        f"They disagree: the answer has no Access-Control-Allow-Origin for {origin} "
        f"({_refusal(answer)}), but {local.reason}",
    )


def _refusal(answer: CorsAnswer) -> str:
    if not answer.ok:
        return f"status {answer.status}" + (f" {answer.error_code}" if answer.error_code else "")
    allowed = answer.header("access-control-allow-origin")
    return f"Access-Control-Allow-Origin: {allowed}" if allowed else "no Access-Control-Allow-Origin"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))
