"""Space settings values (core/bucket_settings.py) and the Overview's sentences (core/space_overview.py)."""

from __future__ import annotations

from spacesgui.core.bucket_settings import (
    BucketAccess,
    BucketAcl,
    LoggingConfig,
    VersioningState,
    bucket_acl_from_grants,
    logging_problems,
    versioning_state,
)
from spacesgui.core.lifecycle import LifecycleRule
from spacesgui.core.operations import ALL_USERS, Grant
from spacesgui.core.space_overview import (
    ANYONE_CAN_LIST,
    ONLY_THIS_ACCOUNT,
    access_sentence,
    cors_sentence,
    lifecycle_sentence,
    logging_sentence,
    policy_sentence,
    versioning_sentence,
)

OWNER = "owner-id"


def test_a_bucket_acl_reads_as_private_public_read_or_custom() -> None:
    owner = Grant(OWNER, "FULL_CONTROL")
    assert bucket_acl_from_grants(OWNER, [owner]).access is BucketAccess.PRIVATE
    public = bucket_acl_from_grants(OWNER, [owner, Grant(ALL_USERS, "READ")])
    assert public.access is BucketAccess.PUBLIC_READ
    writable = bucket_acl_from_grants(OWNER, [owner, Grant(ALL_USERS, "READ"), Grant(ALL_USERS, "WRITE")])
    assert writable.access is BucketAccess.CUSTOM
    assert writable.other_grants == ("everyone: WRITE",)


def test_the_overview_says_who_can_list_in_plain_words() -> None:
    assert (
        access_sentence(BucketAcl(public_read=True)) == "Anyone on the internet can list this Space's files."
    )
    assert access_sentence(BucketAcl(public_read=False)) == "Only keys of this account can list it."
    custom = access_sentence(BucketAcl(public_read=False, other_grants=("partner: READ",)))
    assert custom == f"{ONLY_THIS_ACCOUNT} Also allowed: partner: READ."
    assert access_sentence(BucketAcl(True, ("everyone: WRITE",))).startswith(ANYONE_CAN_LIST)


def test_versioning_status_reads_the_three_states() -> None:
    assert versioning_state("Enabled") is VersioningState.ENABLED
    assert versioning_state("Suspended") is VersioningState.SUSPENDED
    assert versioning_state("") is VersioningState.UNVERSIONED
    assert versioning_state("Bogus") is VersioningState.UNVERSIONED
    assert "keeps its old version" in versioning_sentence(VersioningState.ENABLED)
    assert "old versions kept so far stay" in versioning_sentence(VersioningState.SUSPENDED)
    assert versioning_sentence(VersioningState.UNVERSIONED).startswith("Versioning is off")


def test_logging_into_the_space_itself_is_refused_with_the_reason() -> None:
    problems = logging_problems(LoggingConfig("photos", "logs/"), "photos")
    assert len(problems) == 1
    assert "cannot be written into “photos” itself" in problems[0]
    assert "Choose another Space" in problems[0]


def test_logging_to_another_space_or_off_passes() -> None:
    assert logging_problems(LoggingConfig("photo-logs", "photos/"), "photos") == []
    assert logging_problems(LoggingConfig(), "photos") == []


def test_a_log_target_must_be_a_valid_space_name_without_spaces_around_it() -> None:
    assert logging_problems(LoggingConfig("Bad_Name", ""), "photos") == [
        "Target Space: A Space name can use only lowercase letters, digits, dots and hyphens "
        "(not: capital letters and _)."
    ]
    assert logging_problems(LoggingConfig(" logs", ""), "photos") == [
        "The target Space name has spaces around it."
    ]
    assert "512 bytes" in logging_problems(LoggingConfig("logs", "p" * 513), "photos")[0]


def test_the_other_overview_lines_count_and_name_things() -> None:
    assert cors_sentence(()).startswith("No CORS rules")
    assert cors_sentence([["https://www.mysite.com"]]) == (
        "1 CORS rule lets scripts on https://www.mysite.com read its files."
    )
    assert cors_sentence([["https://a.example", "https://b.example"], ["https://a.example"]]) == (
        "2 CORS rules let scripts on https://a.example and https://b.example read its files."
    )
    assert cors_sentence([["https://a.example"], ["*"]]).endswith("scripts on any website read its files.")
    many = [[f"https://{n}.example"] for n in "abcde"]
    assert cors_sentence(many) == (
        "5 CORS rules let scripts on https://a.example, https://b.example, https://c.example and 2 more "
        "read its files."
    )
    assert lifecycle_sentence(()) == "No lifecycle rules: nothing is deleted by itself."
    rules = (LifecycleRule("a", expire_days=1), LifecycleRule("b", abort_days=1, enabled=False))
    assert lifecycle_sentence(rules) == "2 lifecycle rules (1 disabled)."
    assert policy_sentence("") == "No bucket policy."
    assert policy_sentence('{"Statement": [{}, {}]}') == "A bucket policy is set (2 statements)."
    assert logging_sentence(LoggingConfig()) == "Access logging is off."
    assert (
        logging_sentence(LoggingConfig("logs", "photos/")) == "Access logs are written to s3://logs/photos/."
    )
