"""Lifecycle rules (core/lifecycle.py): the checks and their words, typed days, made-up names."""

from __future__ import annotations

from dataclasses import replace

import pytest

from spacesgui.core.lifecycle import (
    DIGITALOCEAN_LIFECYCLE,
    MAX_RULES,
    LifecycleRule,
    lifecycle_problems,
    new_deletions,
    noncurrent_supported,
    parse_days,
    with_ids,
)


def test_rules_with_an_action_each_pass() -> None:
    rules = [
        LifecycleRule("logs", "logs/", expire_days=30),
        LifecycleRule("uploads", "", abort_days=7),
        LifecycleRule("old", "docs/", noncurrent_days=90, enabled=False),
    ]
    assert lifecycle_problems(rules) == []


def test_a_rule_without_any_action_is_named_by_its_number() -> None:
    problems = lifecycle_problems([LifecycleRule("a", expire_days=1), LifecycleRule("b", "tmp/")])
    assert problems == [
        "Rule 2: choose at least one action: delete objects, delete old versions, or abort unfinished uploads."
    ]


@pytest.mark.parametrize("days", [0, -3, 2**31])
def test_days_must_be_a_whole_number_of_at_least_one(days: int) -> None:
    assert lifecycle_problems([LifecycleRule("a", abort_days=days)]) == [
        "Rule 1: days must be a whole number, at least 1."
    ]


def test_two_rules_may_not_share_a_name() -> None:
    rules = [
        LifecycleRule("same", expire_days=1),
        LifecycleRule("x", abort_days=1),
        LifecycleRule("same", abort_days=2),
    ]
    assert lifecycle_problems(rules) == ["Rules 1 and 3 are both named “same”: each rule needs its own name."]


def test_names_and_prefixes_have_s3s_limits() -> None:
    problems = lifecycle_problems([LifecycleRule("n" * 256, "p" * 1025, expire_days=1)])
    assert problems == [
        "Rule 1: its name can have at most 255 characters.",
        "Rule 1: its prefix can be at most 1,024 bytes long.",
    ]


def test_digitalocean_cannot_expire_old_versions_and_the_message_says_what_it_can() -> None:
    rule = LifecycleRule("old", noncurrent_days=30)
    assert lifecycle_problems([rule]) == []
    assert lifecycle_problems([rule], noncurrent_supported=False) == [f"Rule 1: {DIGITALOCEAN_LIFECYCLE}"]
    assert "expiring objects and aborting unfinished multipart uploads" in DIGITALOCEAN_LIFECYCLE
    assert not noncurrent_supported("digitalocean")
    assert noncurrent_supported("minio")
    assert noncurrent_supported("custom")


def test_a_kept_rule_is_not_checked_it_goes_back_as_the_server_gave_it() -> None:
    kept = LifecycleRule(
        "glacier", kept='{"ID": "glacier"}', notes=("moves objects to another storage class",)
    )
    assert lifecycle_problems([kept]) == []
    assert not kept.editable


def test_more_rules_than_s3_allows_is_a_problem() -> None:
    rules = [LifecycleRule(f"r{n}", expire_days=1) for n in range(MAX_RULES + 1)]
    assert lifecycle_problems(rules)[0] == "A Space can have at most 1,000 lifecycle rules (these are 1,001)."


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("", None),
        ("   ", None),
        ("30", 30),
        (" 7 ", 7),
        ("1,000", 1000),
        ("x", 0),
        ("3.5", 0),
        ("-2", 0),
        ("٣", 0),
    ],
)
def test_typed_days_are_read_as_people_type_them(text: str, days: int | None) -> None:
    assert parse_days(text) == days


def test_rules_without_a_name_get_a_readable_unique_one() -> None:
    rules = with_ids(
        [
            LifecycleRule("", "Logs/2024 old/", expire_days=30, abort_days=2),
            LifecycleRule("kept-name", abort_days=1),
            LifecycleRule("", "logs/2024-old", expire_days=30, abort_days=2),
            LifecycleRule("", "", noncurrent_days=9),
        ]
    )
    assert [rule.id for rule in rules] == [
        "logs-2024-old-expire-30d-abort-uploads-2d",
        "kept-name",
        "logs-2024-old-expire-30d-abort-uploads-2d-2",
        "whole-space-old-versions-9d",
    ]
    assert lifecycle_problems(rules) == []


def test_a_rule_says_what_it_does_in_words() -> None:
    rule = LifecycleRule("a", "logs/", enabled=False, expire_days=1, abort_days=7)
    assert rule.summary() == (
        "Under “logs/” (disabled): delete objects 1 day after they are written; "
        "abort unfinished uploads 7 days after they start."
    )
    assert LifecycleRule(noncurrent_days=2).summary() == (
        "Whole Space: delete old versions 2 days after they are replaced."
    )
    typed = LifecycleRule(prefix="logs/", expire_days=parse_days("abc"))  # before: “0 days after”
    assert typed.summary() == (
        "Under “logs/”: delete objects some days (not yet a whole number) after they are written."
    )


def test_new_deletions_say_what_a_rule_will_start_deleting_and_not_what_it_already_did() -> None:
    logs = LifecycleRule(prefix="logs/", expire_days=30)
    assert new_deletions((), (logs,), "site") == [
        "Every file under “logs/” will be deleted 30 days after it was written."
    ]
    assert new_deletions((logs,), (logs,), "site") == []  # applied before: nothing new
    assert new_deletions((logs,), (replace(logs, expire_days=7),), "site") != []  # sooner is new
    whole = LifecycleRule(noncurrent_days=1)
    assert new_deletions((), (whole,), "site") == [
        "Every old version in “site”, the whole Space, will be deleted 1 day after it was replaced."
    ]
    assert new_deletions((), (LifecycleRule(abort_days=2),), "site") == []  # no file anyone sees
    assert new_deletions((), (LifecycleRule(expire_days=5, enabled=False),), "site") == []
    assert new_deletions((logs,), (replace(logs, expire_days=60),), "site") == []  # later: deletes less
    tagged = LifecycleRule(expire_days=7, kept='{"Filter": {"Tag": {"Key": "tmp", "Value": "true"}}}')
    plain = LifecycleRule(expire_days=7)
    assert new_deletions((tagged,), (tagged, plain), "site") == [  # the tagged rule excuses nothing
        "Every file in “site”, the whole Space, will be deleted 7 days after it was written."
    ]
