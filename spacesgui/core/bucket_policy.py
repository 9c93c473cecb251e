"""Bucket policies as JSON text: syntax checks that point at the line and column, formatting,
and templates for what people most often want.

The server is the judge of what a policy means; these checks catch what every S3-compatible
server refuses (bad JSON, a statement without Effect, Action, Resource or Principal) before
anything is sent, and say where.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from spacesgui.core.errors import InvalidInput

POLICY_VERSIONS = ("2012-10-17", "2008-10-17")
NO_POLICY = ""

# json's messages, in words people read; the rest are shown as json says them.
_JSON_MESSAGES = (
    ("Expecting property name enclosed in double quotes", "a name in double quotes was expected here (JSON allows no comma before “}” and no single quotes)"),
    ("Expecting ',' delimiter", "a comma is missing here"),
    ("Expecting ':' delimiter", "a colon is missing here"),
    ("Expecting value", "a value is missing here (JSON allows no comma before “]”)"),
    ("Unterminated string starting at", "this text in quotes is not closed"),
    ("Invalid control character at", "a line break or tab inside quotes must be written as \\n or \\t"),
    ("Extra data", "there is more text after the end of the policy"),
    ("Invalid \\escape", "this backslash escape is not valid JSON"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PolicyProblem:
    """What is wrong with a policy; `line` and `column` (from 1) point at it, 0 when nowhere in particular."""

    message: str
    line: int = 0
    column: int = 0


def policy_problem(text: str) -> PolicyProblem | None:
    """The first thing wrong with the policy `text`, or None when it may be sent."""
    if not text.strip():
        return PolicyProblem("The policy is empty. Write one, or use Delete Policy to remove it.")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        said = _said_at(error) or _plain(error.msg)
        return PolicyProblem(f"Line {error.lineno}, column {error.colno}: {said}.", error.lineno, error.colno)
    return _structure_problem(document, text)


def _plain(message: str) -> str:
    return next((said for raw, said in _JSON_MESSAGES if message.startswith(raw)), message)


_CLOSERS = {"[": "]", "{": "}"}


def _said_at(error: json.JSONDecodeError) -> str:
    """A message that names what is really at the error's place, or "" for json's own.

    json says "Expecting value" for `[,]`, `[}` and a policy cut short alike; only the
    first is a comma before "]", so look at the character there and the one before it.
    """
    text, pos = error.doc, error.pos
    expecting_value = error.msg.startswith("Expecting value")
    expecting_name = error.msg.startswith("Expecting property name")
    if not (expecting_value or expecting_name):
        return ""
    if pos >= len(text):
        return "the policy ends too early: something is missing at the end"
    here = text[pos]
    before = text[:pos].rstrip()[-1:]
    if here in "]}" and before == ",":
        return f"JSON allows no comma before “{here}”: remove the comma"
    opened = _innermost_open(text[:pos])
    if here in "]}" and opened and _CLOSERS[opened] != here:
        return f"“{here}” does not close the “{opened}” before it: “{_CLOSERS[opened]}” was expected"
    if expecting_name:
        if here == "'":
            return "names must be in double quotes, not single quotes"
        return f"a name in double quotes was expected here, not “{here}”"
    if here == "'":
        return "text must be in double quotes, not single quotes"
    return f"a value was expected here, not “{here}”"


def _innermost_open(text: str) -> str:
    """The bracket ("[" or "{") still open at the end of `text`; strings are skipped."""
    stack: list[str] = []
    in_string = escaped = False
    for char in text:
        if in_string:
            escaped = not escaped and char == "\\"
            if char == '"' and not escaped:
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "[{":
            stack.append(char)
        elif char in "]}" and stack:
            stack.pop()
    return stack[-1] if stack else ""


def _structure_problem(document: Any, text: str) -> PolicyProblem | None:
    if not isinstance(document, dict):
        return PolicyProblem("A policy is one JSON object: it starts with “{” and ends with “}”.", 1, 1)
    version = document.get("Version")
    if version is not None and version not in POLICY_VERSIONS:
        return _at(text, '"Version"', f"“Version” must be “{POLICY_VERSIONS[0]}” (or left out).")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        return _at(text, '"Statement"', "A policy needs a “Statement”: a list of at least one statement.")
    for number, statement in enumerate(statements, start=1):
        problem = _statement_problem(statement)
        if problem:
            return _at(text, '"Statement"', f"Statement {number}: {problem}")
    return None


def _statement_problem(statement: Any) -> str:
    if not isinstance(statement, dict):
        return "each statement is a JSON object: { … }."
    if statement.get("Effect") not in ("Allow", "Deny"):
        return "“Effect” must be “Allow” or “Deny”."
    for names in (("Principal", "NotPrincipal"), ("Action", "NotAction"), ("Resource", "NotResource")):
        if not any(name in statement for name in names):
            return f"it needs a “{names[0]}” (or “{names[1]}”)."
    return ""


def _at(text: str, needle: str, message: str) -> PolicyProblem:
    """A problem pointing at the first `needle` in `text` (line 0 when it is not there)."""
    index = text.find(needle)
    if index < 0:
        return PolicyProblem(message)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return PolicyProblem(f"Line {line}: {message}", line, column)


def format_policy(text: str) -> str:
    """`text` pretty-printed (2-space indents, keys in their order); InvalidInput if it is not JSON."""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except json.JSONDecodeError as error:
        raise InvalidInput(f"Line {error.lineno}, column {error.colno}: {_plain(error.msg)}.") from None


def same_policy(first: str, second: str) -> bool:
    """Whether two policy texts say the same (equal JSON; equal text when either is not JSON)."""
    try:
        return bool(json.loads(first) == json.loads(second))
    except json.JSONDecodeError:
        return first.strip() == second.strip()


def statement_count(text: str) -> int:
    """How many statements the policy `text` has (0 when it is not a readable policy)."""
    try:
        statements = json.loads(text).get("Statement")
    except (json.JSONDecodeError, AttributeError):
        return 0
    if isinstance(statements, dict):
        return 1
    return len(statements) if isinstance(statements, list) else 0


# -- templates ------------------------------------------------------------------------------

_RESOURCE_UNSAFE = re.compile(r"[*?]")


def public_read_template(bucket: str, prefix: str) -> str:
    """A policy that lets anyone read (not list) the files under `prefix` ("" is every file)."""
    if _RESOURCE_UNSAFE.search(prefix):
        raise InvalidInput("The folder cannot contain “*” or “?”: they are wildcards in a policy.")
    statement = {
        "Sid": "PublicReadOf" + (_sid(prefix) or "AllFiles"),
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/{prefix}*",
    }
    return _document([statement])


def referrer_template(bucket: str, referrers: list[str]) -> str:
    """A policy that refuses to serve files unless the request says it came from `referrers`.

    Each referrer is a page address pattern ("https://example.com/*"). The Referer header
    can be forged: this stops casual hot-linking, not a determined copier, and files must
    still be readable (public, or allowed by another statement) to be served at all.
    """
    patterns = [r.strip() for r in referrers if r.strip()]
    if not patterns:
        raise InvalidInput("Enter at least one site, for example https://example.com/*.")
    statement = {
        "Sid": "DenyUnlessFromReferrer",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
        "Condition": {"StringNotLike": {"aws:Referer": patterns}},
    }
    return _document([statement])


def add_statements(current: str, template: str) -> str:
    """`template`'s statements added to the policy `current` (formatted); `template` alone when
    `current` is empty or not a policy that can take more statements."""
    try:
        document = json.loads(current)
        statements = document.get("Statement")
    except (json.JSONDecodeError, AttributeError):
        return template
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return template
    document["Statement"] = [*statements, *json.loads(template)["Statement"]]
    return json.dumps(document, indent=2, ensure_ascii=False)


def _document(statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": POLICY_VERSIONS[0], "Statement": statements}, indent=2, ensure_ascii=False)


def _sid(prefix: str) -> str:
    """A statement id from a prefix: letters and digits only, as S3 requires."""
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", prefix) if part)
