"""Bucket policies (core/bucket_policy.py): where a mistake is, formatting, templates."""

from __future__ import annotations

import json

import pytest

from spacesgui.core.bucket_policy import (
    add_statements,
    format_policy,
    policy_problem,
    public_read_template,
    referrer_template,
    same_policy,
    statement_count,
)
from spacesgui.core.errors import InvalidInput

GOOD = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
        ],
    }
)


def test_a_complete_policy_has_no_problem() -> None:
    assert policy_problem(GOOD) is None
    assert policy_problem(format_policy(GOOD)) is None


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        (
            '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",}\n  ]\n}',
            4,
            24,
            "no comma before “}”",
        ),
        ('{\n  "Version": "2012-10-17"\n  "Statement": []\n}', 3, 3, "a comma is missing"),
        ('{"Statement": [1, ]}', 1, 19, "no comma before “]”"),
        # The trial's: no comma anywhere; the fault is the "}" where "]" belongs.
        ('{"Version": "2012-10-17", "Statement": [}', 1, 41, "“}” does not close the “[” before it"),
        ('{"Statement": [', 1, 16, "ends too early"),
        ('{"Version": }', 1, 13, "a value was expected here, not “}”"),
        ('{"Version": "2012-10-17}', 1, 13, "not closed"),
        ("{'Version': 1}", 1, 2, "double quotes, not single quotes"),
        (GOOD + "\n}", 2, 1, "more text after the end"),
    ],
)
def test_a_json_mistake_is_pointed_at_by_line_and_column_in_words(
    text: str, line: int, column: int, words: str
) -> None:
    problem = policy_problem(text)
    assert problem is not None
    assert (problem.line, problem.column) == (line, column)
    assert problem.message.startswith(f"Line {line}, column {column}: ")
    assert words in problem.message


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ([], "one JSON object"),
        ({"Version": "2020-01-01", "Statement": []}, "“Version” must be “2012-10-17”"),
        ({"Version": "2012-10-17"}, "needs a “Statement”"),
        ({"Statement": []}, "needs a “Statement”"),
        ({"Statement": [{"Effect": "Maybe"}]}, "Statement 1: “Effect” must be “Allow” or “Deny”"),
        (
            {"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]},
            "Statement 1: it needs a “Principal”",
        ),
        (
            {"Statement": {"Effect": "Allow", "Principal": "*", "Resource": "*"}},
            "Statement 1: it needs a “Action”",
        ),
    ],
)
def test_a_policy_that_is_json_but_not_a_policy_says_what_is_missing(document: object, words: str) -> None:
    problem = policy_problem(json.dumps(document, indent=2))
    assert problem is not None
    assert words in problem.message


def test_an_empty_policy_is_a_problem_that_points_at_delete() -> None:
    problem = policy_problem("  \n")
    assert problem is not None
    assert "Delete Policy" in problem.message


def test_formatting_indents_and_keeps_the_meaning() -> None:
    formatted = format_policy(GOOD)
    assert formatted.splitlines()[1] == '  "Version": "2012-10-17",'
    assert json.loads(formatted) == json.loads(GOOD)
    with pytest.raises(InvalidInput, match="Line 1, column 2"):
        format_policy("{nope")


def test_same_policy_compares_meaning_not_spacing() -> None:
    assert same_policy(GOOD, format_policy(GOOD))
    assert not same_policy(GOOD, GOOD.replace("Allow", "Deny"))
    assert same_policy("{bad ", "{bad")
    assert not same_policy("", GOOD)


def test_public_read_of_one_folder_allows_get_object_under_it_only() -> None:
    policy = json.loads(public_read_template("my-space", "public/"))
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == "*"
    assert statement["Action"] == "s3:GetObject"
    assert statement["Resource"] == "arn:aws:s3:::my-space/public/*"
    assert statement["Sid"] == "PublicReadOfPublic"
    assert policy_problem(json.dumps(policy)) is None
    assert json.loads(public_read_template("s", ""))["Statement"][0]["Resource"] == "arn:aws:s3:::s/*"
    with pytest.raises(InvalidInput, match="wildcards"):
        public_read_template("s", "a*")


def test_the_referrer_template_denies_reads_from_other_pages() -> None:
    policy = json.loads(
        referrer_template("my-space", ["https://example.com/*", " ", "https://www.example.com/*"])
    )
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {
        "StringNotLike": {"aws:Referer": ["https://example.com/*", "https://www.example.com/*"]}
    }
    assert policy_problem(json.dumps(policy)) is None
    with pytest.raises(InvalidInput, match="at least one site"):
        referrer_template("my-space", ["  "])


def test_a_template_is_added_to_a_policy_already_there() -> None:
    merged = add_statements(GOOD, referrer_template("b", ["https://a.example/*"]))
    assert statement_count(merged) == 2
    assert policy_problem(merged) is None
    assert add_statements("", GOOD) == GOOD
    assert add_statements("{broken", GOOD) == GOOD


def test_statements_are_counted_as_a_list_or_a_single_object() -> None:
    assert statement_count(GOOD) == 1
    assert statement_count('{"Statement": {"Effect": "Allow"}}') == 1
    assert statement_count("{oops") == 0
    assert statement_count("[]") == 0
