"""Object operation values: copy part ranges, ACL reduction, delete batches, expiry checks."""

from __future__ import annotations

import pytest

from spacesgui.core.errors import IntegrityError, InvalidInput
from spacesgui.core.multipart import GiB, MiB
from spacesgui.core.operations import (
    ALL_USERS,
    AUTHENTICATED_USERS,
    MAX_COPY_PART_SIZE,
    ByteRange,
    DeleteFailure,
    DeleteResult,
    Grant,
    ObjectDetails,
    acl_from_grants,
    delete_batches,
    plan_copy_ranges,
    verify_copy,
)
from spacesgui.core.share_links import MAX_V4_EXPIRY_S, Signature, check_expiry, expiry_problem

TiB = 1024 * GiB

# -- copy ranges ------------------------------------------------------------------------------


def _covers(size: int, ranges: list[ByteRange]) -> bool:
    """Contiguous, inclusive, from 0 to size - 1."""
    expected_start = 0
    for byte_range in ranges:
        if byte_range.start != expected_start or byte_range.end < byte_range.start:
            return False
        expected_start = byte_range.end + 1
    return expected_start == size


@pytest.mark.parametrize(
    ("size", "part_size", "count"),
    [
        (6 * MiB, 5 * MiB, 2),
        (10 * MiB, 5 * MiB, 2),
        (10 * MiB + 1, 5 * MiB, 3),
        (6 * GiB, 128 * MiB, 48),
        (1, 5 * MiB, 1),
    ],
)
def test_copy_ranges_cover_the_object_exactly(size: int, part_size: int, count: int) -> None:
    ranges = plan_copy_ranges(size, part_size)

    assert len(ranges) == count
    assert _covers(size, ranges)
    assert all(r.size == ranges[0].size for r in ranges[:-1])


def test_copy_ranges_grow_to_fit_10000_parts_and_stay_at_most_5_gib() -> None:
    ranges = plan_copy_ranges(5 * TiB, 128 * MiB)

    assert len(ranges) <= 10_000
    assert _covers(5 * TiB, ranges)
    assert max(r.size for r in ranges) <= MAX_COPY_PART_SIZE


def test_a_part_size_below_5_mib_is_raised_to_5_mib() -> None:
    assert plan_copy_ranges(12 * MiB, 1024)[0].size == 5 * MiB


def test_an_object_10000_parts_of_5_gib_cannot_hold_is_refused_in_words() -> None:
    with pytest.raises(InvalidInput, match="too large to copy"):
        plan_copy_ranges(10_000 * 5 * GiB + 1)


def test_a_range_header_is_inclusive() -> None:
    assert ByteRange(0, 5 * MiB - 1).header() == "bytes=0-5242879"
    assert ByteRange(10, 10).size == 1


# -- ACLs -------------------------------------------------------------------------------------

OWNER = "owner-id"


def test_everyone_read_makes_public_read_and_the_owner_grant_is_not_mentioned() -> None:
    acl = acl_from_grants(OWNER, [Grant(OWNER, "FULL_CONTROL"), Grant(ALL_USERS, "READ")])

    assert acl.canned == "public-read"
    assert acl.other_grants == ()


def test_owner_only_is_private() -> None:
    acl = acl_from_grants(OWNER, [Grant(OWNER, "FULL_CONTROL")])

    assert acl.canned == "private"
    assert acl.other_grants == ()


def test_grants_a_canned_acl_cannot_carry_are_named_in_words() -> None:
    grants = [
        Grant(OWNER, "FULL_CONTROL"),
        Grant(AUTHENTICATED_USERS, "READ"),
        Grant("someone-else", "READ", "Bob"),
        Grant(ALL_USERS, "WRITE"),
    ]

    acl = acl_from_grants(OWNER, grants)

    assert acl.canned == "private"
    assert acl.other_grants == ("any signed-in user of the service: READ", "Bob: READ", "everyone: WRITE")


# -- details ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("etag", "encryption", "is_md5", "parts"),
    [
        ("0" * 32, "", True, 0),
        ("0" * 32, "AES256", True, 0),
        ("0" * 32, "aws:kms", False, 0),
        ("0" * 32 + "-3", "", False, 3),
        ("", "", False, 0),
    ],
)
def test_the_etag_is_an_md5_only_for_one_put_without_kms(
    etag: str, encryption: str, is_md5: bool, parts: int
) -> None:
    details = ObjectDetails("k", 1, 0.0, etag, encryption=encryption)

    assert details.etag_is_md5 is is_md5
    assert details.part_count == parts


# -- checking a copy ----------------------------------------------------------------------------


def _details(size: int, etag: str, encryption: str = "") -> ObjectDetails:
    return ObjectDetails("k", size, 0.0, etag, encryption=encryption)


def test_a_copy_of_another_size_is_an_integrity_error() -> None:
    with pytest.raises(IntegrityError, match="has 9 bytes on the server, the original 10"):
        verify_copy(_details(10, "a" * 32), _details(9, "a" * 32), single_request=True)


def test_a_one_request_copy_with_another_etag_is_an_integrity_error() -> None:
    with pytest.raises(IntegrityError, match="checksums differ"):
        verify_copy(_details(10, "a" * 32), _details(10, "b" * 32), single_request=True)


@pytest.mark.parametrize(
    ("source", "target", "single"),
    [
        (_details(10, "a" * 32 + "-2"), _details(10, "b" * 32), True),  # a multipart source
        (_details(10, "a" * 32, "aws:kms"), _details(10, "b" * 32, "aws:kms"), True),  # KMS ETags are no MD5s
        (_details(10, "a" * 32), _details(10, "b" * 32 + "-2"), False),  # copied in parts
    ],
)
def test_etags_that_cannot_match_are_not_compared(
    source: ObjectDetails, target: ObjectDetails, single: bool
) -> None:
    assert verify_copy(source, target, single_request=single) == "size"


# -- delete -----------------------------------------------------------------------------------


def test_2500_keys_make_three_batches_of_at_most_1000_in_order() -> None:
    keys = [f"k{i:04}" for i in range(2500)]

    batches = list(delete_batches(keys))

    assert [len(b) for b in batches] == [1000, 1000, 500]
    assert [k for b in batches for k in b] == keys


def test_a_key_given_twice_is_deleted_once() -> None:
    assert list(delete_batches(["a", "b", "a"])) == [["a", "b"]]


def test_a_batch_larger_than_s3_allows_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="1 to 1000"):
        list(delete_batches(["a"], 1001))


def test_delete_results_add_up() -> None:
    first = DeleteResult(("a",), (DeleteFailure("b", "AccessDenied", "no"),))
    second = DeleteResult(("c",))

    total = first + second

    assert total.deleted == ("a", "c")
    assert [f.key for f in total.failed] == ["b"]
    assert not total.complete
    assert second.complete


# -- link expiry ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "signature", "reason"),
    [
        (0, Signature.V4, "some time"),
        (-5, Signature.V2, "in the past"),
        (59, Signature.V4, "at least a minute"),
        (MAX_V4_EXPIRY_S + 1, Signature.V4, "at most 7 days"),
    ],
)
def test_a_link_expiry_out_of_range_is_refused_in_words(
    seconds: int, signature: Signature, reason: str
) -> None:
    problem = expiry_problem(seconds, signature)

    assert problem is not None
    assert reason in problem
    with pytest.raises(InvalidInput, match=reason):
        check_expiry(seconds, signature)


@pytest.mark.parametrize(
    ("seconds", "signature"),
    [
        (60, Signature.V4),
        (MAX_V4_EXPIRY_S, Signature.V4),
        (1, Signature.V2),
        (10 * 365 * 86_400, Signature.V2),
    ],
)
def test_v4_links_live_a_minute_to_7_days_and_v2_links_any_time(seconds: int, signature: Signature) -> None:
    assert expiry_problem(seconds, signature) is None
