"""Lifecycle rules as values: what the server deletes by itself, for which prefix, after how long.

Three kinds of action, the ones S3-compatible providers share: expire (delete) objects N
days after they were written, expire noncurrent (old) versions N days after they were
replaced, and abort multipart uploads left unfinished N days after they began. Rules the
server holds with anything else (transitions, dates, tag filters) are kept as they are
(`LifecycleRule.kept`) and shown, not edited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

MAX_RULES = 1000  # S3's limit per Space
MAX_ID_LENGTH = 255
MAX_PREFIX_BYTES = 1024  # the longest S3 key
MAX_DAYS = 2**31 - 1  # S3 keeps days as a 32-bit integer

DIGITALOCEAN = "digitalocean"
DIGITALOCEAN_LIFECYCLE = (
    "DigitalOcean Spaces supports two kinds of lifecycle rule: expiring objects and aborting "
    "unfinished multipart uploads. It cannot expire old versions, so that choice is off for "
    "this account."
)


@dataclass(frozen=True, slots=True)
class LifecycleRule:
    """One rule: for keys under `prefix` ("" is the whole Space), the actions that are set.

    A day count of None means that action is not part of the rule. `kept` is the
    server's rule (JSON text) when it holds more than these fields: such a rule is sent
    back unchanged, and `notes` say in words what it holds that cannot be edited here.
    """

    id: str = ""
    prefix: str = ""
    enabled: bool = True
    expire_days: int | None = None
    noncurrent_days: int | None = None
    abort_days: int | None = None
    kept: str = ""
    notes: tuple[str, ...] = ()

    @property
    def editable(self) -> bool:
        return not self.kept

    @property
    def actions(self) -> list[str]:
        """The rule's actions in words, in the order the editor shows them."""
        said = []
        if self.expire_days is not None:
            said.append(f"delete objects {_days(self.expire_days)} after they are written")
        if self.noncurrent_days is not None:
            said.append(f"delete old versions {_days(self.noncurrent_days)} after they are replaced")
        if self.abort_days is not None:
            said.append(f"abort unfinished uploads {_days(self.abort_days)} after they start")
        return said

    def summary(self) -> str:
        """“Under logs/: delete objects 30 days after they are written.”"""
        where = f"Under “{self.prefix}”" if self.prefix else "Whole Space"
        what = "; ".join([*self.actions, *self.notes]) or "no action"
        off = " (disabled)" if not self.enabled else ""
        return f"{where}{off}: {what}."


def new_deletions(before: Sequence[LifecycleRule], after: Sequence[LifecycleRule], space: str) -> list[str]:
    """What `after` will delete by itself that `before` did not, a sentence per rule action.

    An action is new when no plain rule of `before` already did it for the same prefix in as
    few days or fewer: a rule turned on, another prefix, or sooner. A rule kept as the
    server gave it (a filter on tags, say) excuses nothing, since it deletes less than a
    plain rule of its prefix; and it is sent back unchanged, so it is not said either.
    Aborting unfinished uploads deletes no file anyone sees, so it is not said.
    """
    done: dict[tuple[str, str], int] = {}  # (prefix, action) → the fewest days a plain rule had
    for rule in before:
        if rule.enabled and not rule.kept:
            for action, days in (("expire", rule.expire_days), ("noncurrent", rule.noncurrent_days)):
                if days is not None:
                    done[rule.prefix, action] = min(days, done.get((rule.prefix, action), days))
    said = []
    for rule in after:
        if not rule.enabled or rule.kept:
            continue
        where = f"under “{rule.prefix}”" if rule.prefix else f"in “{space}”, the whole Space,"
        if _sooner(rule.expire_days, done.get((rule.prefix, "expire"))):
            said.append(
                f"Every file {where} will be deleted {_days(rule.expire_days or 0)} after it was written."
            )
        if _sooner(rule.noncurrent_days, done.get((rule.prefix, "noncurrent"))):
            said.append(
                f"Every old version {where} will be deleted {_days(rule.noncurrent_days or 0)} after it was replaced."
            )
    return said


def _sooner(days: int | None, before: int | None) -> bool:
    return days is not None and (before is None or days < before)


def _days(count: int) -> str:
    if count < 1:  # parse_days' “not a whole number”: lifecycle_problems says why
        return "some days (not yet a whole number)"
    return "1 day" if count == 1 else f"{count:,} days"


def parse_days(text: str) -> int | None:
    """A typed day count: None when blank (the action is off), 0 when it is not a whole number
    (lifecycle_problems says so), else the number ("1,000" and " 30 " read as numbers)."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    if not cleaned:
        return None
    return int(cleaned) if cleaned.isascii() and cleaned.isdigit() else 0


def noncurrent_supported(provider: str) -> bool:
    """Whether the account's provider can expire noncurrent versions (DigitalOcean cannot)."""
    return provider != DIGITALOCEAN


def lifecycle_problems(rules: Sequence[LifecycleRule], *, noncurrent_supported: bool = True) -> list[str]:
    """What is wrong with `rules`, one sentence per problem naming the rule; [] when they will do."""
    problems: list[str] = []
    if len(rules) > MAX_RULES:
        problems.append(f"A Space can have at most {MAX_RULES:,} lifecycle rules (these are {len(rules):,}).")
    seen: dict[str, int] = {}
    for number, rule in enumerate(rules, start=1):
        problems += [f"Rule {number}: {problem}" for problem in _rule_problems(rule, noncurrent_supported)]
        if rule.id:
            if rule.id in seen:
                problems.append(
                    f"Rules {seen[rule.id]} and {number} are both named “{rule.id}”: each rule needs its own name."
                )
            seen.setdefault(rule.id, number)
    return problems


def _rule_problems(rule: LifecycleRule, noncurrent_ok: bool) -> list[str]:
    if not rule.editable:
        return []  # sent back as the server gave it
    problems = []
    if len(rule.id) > MAX_ID_LENGTH:
        problems.append(f"its name can have at most {MAX_ID_LENGTH} characters.")
    if len(rule.prefix.encode()) > MAX_PREFIX_BYTES:
        problems.append(f"its prefix can be at most {MAX_PREFIX_BYTES:,} bytes long.")
    days = (rule.expire_days, rule.noncurrent_days, rule.abort_days)
    if all(value is None for value in days):
        problems.append(
            "choose at least one action: delete objects, delete old versions, or abort unfinished uploads."
        )
    if any(value is not None and not 1 <= value <= MAX_DAYS for value in days):
        problems.append("days must be a whole number, at least 1.")
    if rule.noncurrent_days is not None and not noncurrent_ok:
        problems.append(DIGITALOCEAN_LIFECYCLE)
    return problems


_SLUG = re.compile(r"[^A-Za-z0-9]+")


def with_ids(rules: Iterable[LifecycleRule]) -> tuple[LifecycleRule, ...]:
    """`rules` with a readable, unique name for each rule that has none ("logs-expire-30d")."""
    rules = tuple(rules)
    taken = {rule.id for rule in rules if rule.id}
    named: list[LifecycleRule] = []
    for rule in rules:
        if rule.id:
            named.append(rule)
            continue
        stem = _generated_id(rule)
        name, counter = stem, 2
        while name in taken:
            name, counter = f"{stem}-{counter}", counter + 1
        taken.add(name)
        named.append(replace(rule, id=name))
    return tuple(named)


def _generated_id(rule: LifecycleRule) -> str:
    parts = [_SLUG.sub("-", rule.prefix).strip("-").lower() or "whole-space"]
    if rule.expire_days is not None:
        parts.append(f"expire-{rule.expire_days}d")
    if rule.noncurrent_days is not None:
        parts.append(f"old-versions-{rule.noncurrent_days}d")
    if rule.abort_days is not None:
        parts.append(f"abort-uploads-{rule.abort_days}d")
    return "-".join(parts)[: MAX_ID_LENGTH - 4]  # room for a "-NNN" counter
