"""core.access: reading an ACL as private / public / custom, in plain words, and checking new grants."""

from __future__ import annotations

import pytest

from spacesgui.adapters.s3_access import grant_params, policy_from_response
from spacesgui.core.access import (
    LISTING_PRIVATE,
    LISTING_PUBLIC,
    AccessPolicy,
    AccessState,
    AclGrant,
    GranteeKind,
    Permission,
    add_grant,
    canned_policy,
    grantee_kind,
    listing_summary,
    make_grant,
    owner_warning,
    policy_problems,
    sort_rank,
    summary,
)
from spacesgui.core.errors import InvalidInput
from spacesgui.core.folder_node import Column, FolderNode, SortSpec
from spacesgui.core.listing import ListingPage
from spacesgui.core.operations import ALL_USERS, AUTHENTICATED_USERS

OWNER = "0wner"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"


def grant(kind: GranteeKind, permission: Permission, identity: str = "", name: str = "") -> AclGrant:
    if kind is GranteeKind.OWNER:
        identity = identity or OWNER
    return AclGrant(kind, permission, identity, name)


def policy(*grants: AclGrant) -> AccessPolicy:
    return AccessPolicy(OWNER, grants, "me")


OWNER_FULL = grant(GranteeKind.OWNER, Permission.FULL_CONTROL)
EVERYONE_READ = grant(GranteeKind.EVERYONE, Permission.READ)


@pytest.mark.parametrize(
    ("grants", "state"),
    [
        ((OWNER_FULL,), AccessState.PRIVATE),
        ((), AccessState.PRIVATE),
        ((OWNER_FULL, EVERYONE_READ), AccessState.PUBLIC),
        ((EVERYONE_READ, OWNER_FULL), AccessState.PUBLIC),
        ((OWNER_FULL, grant(GranteeKind.AUTHENTICATED, Permission.READ)), AccessState.CUSTOM),
        ((OWNER_FULL, EVERYONE_READ, grant(GranteeKind.EVERYONE, Permission.WRITE)), AccessState.CUSTOM),
        ((EVERYONE_READ,), AccessState.CUSTOM),  # the owner's own grant taken away
        ((OWNER_FULL, grant(GranteeKind.CANONICAL, Permission.READ, "other")), AccessState.CUSTOM),
    ],
)
def test_an_acl_is_private_public_or_custom(grants: tuple[AclGrant, ...], state: AccessState) -> None:
    assert policy(*grants).state is state


def test_only_private_and_public_have_a_canned_name() -> None:
    assert policy(OWNER_FULL).canned == "private"
    assert policy(OWNER_FULL, EVERYONE_READ).canned == "public-read"
    assert policy(OWNER_FULL, grant(GranteeKind.AUTHENTICATED, Permission.READ)).canned == ""
    assert canned_policy(OWNER, "public-read").same_grants(policy(OWNER_FULL, EVERYONE_READ))
    with pytest.raises(InvalidInput):
        canned_policy(OWNER, "authenticated-read")


@pytest.mark.parametrize(
    ("grants", "words"),
    [
        ((OWNER_FULL,), "Only the owner can read this file; only the owner can change who may."),
        (
            (OWNER_FULL, EVERYONE_READ),
            "Anyone on the internet can read this file; only the owner can change who may.",
        ),
        (
            (OWNER_FULL, grant(GranteeKind.AUTHENTICATED, Permission.READ)),
            "Anyone signed in to the service (any account, not only yours) can read this file; "
            "only the owner can change who may.",
        ),
        (
            (OWNER_FULL, grant(GranteeKind.CANONICAL, Permission.READ, "abc", "ada")),
            "The owner and ada can read this file; only the owner can change who may.",
        ),
        (
            (OWNER_FULL, grant(GranteeKind.EVERYONE, Permission.FULL_CONTROL)),
            "Anyone on the internet can read this file; anyone on the internet can change who may.",
        ),
        (
            (
                grant(GranteeKind.EMAIL, Permission.READ, "a@b.io"),
                grant(GranteeKind.EMAIL, Permission.READ, "c@d.io"),
            ),
            "Only 2 other accounts can read this file; only the owner can change who may.",
        ),
        (
            (grant(GranteeKind.OWNER, Permission.READ_ACP),),
            "Nobody can read this file; only the owner can change who may.",
        ),
    ],
)
def test_the_summary_says_who_may_read_and_who_may_change_that(
    grants: tuple[AclGrant, ...], words: str
) -> None:
    assert summary(policy(*grants)) == words


def test_the_listing_summary_says_who_may_list_and_what_else_is_granted() -> None:
    assert listing_summary(policy(OWNER_FULL)) == LISTING_PRIVATE
    assert listing_summary(policy(OWNER_FULL, EVERYONE_READ)) == LISTING_PUBLIC
    read_write = policy(OWNER_FULL, EVERYONE_READ, grant(GranteeKind.EVERYONE, Permission.WRITE))
    assert listing_summary(read_write) == (
        LISTING_PUBLIC + " Anyone on the internet can also add, overwrite and delete its files."
    )
    logs = policy(OWNER_FULL, grant(GranteeKind.GROUP, Permission.READ_ACP, LOG_DELIVERY))
    assert listing_summary(logs) == LISTING_PRIVATE + " It grants 1 other permission as well."


def test_new_grants_are_checked_in_words() -> None:
    owner = policy(OWNER_FULL)
    with pytest.raises(InvalidInput, match="not an e-mail address"):
        make_grant(GranteeKind.EMAIL, Permission.READ, "ada at example.com", owner)
    with pytest.raises(InvalidInput, match="Enter the account's e-mail address"):
        make_grant(GranteeKind.EMAIL, Permission.READ, "  ", owner)
    with pytest.raises(InvalidInput, match="canonical id"):
        make_grant(GranteeKind.CANONICAL, Permission.READ, "", owner)
    with pytest.raises(InvalidInput, match="no spaces"):
        make_grant(GranteeKind.CANONICAL, Permission.READ, "two words", owner)
    with pytest.raises(InvalidInput, match="Groups"):
        make_grant(GranteeKind.GROUP, Permission.READ, LOG_DELIVERY, owner)
    assert (
        make_grant(GranteeKind.EMAIL, Permission.READ, " ada@example.com ", owner).identity
        == "ada@example.com"
    )
    assert make_grant(GranteeKind.EVERYONE, Permission.READ, "ignored", owner) == EVERYONE_READ
    assert make_grant(GranteeKind.CANONICAL, Permission.READ, OWNER, owner).kind is GranteeKind.OWNER
    assert make_grant(GranteeKind.OWNER, Permission.READ, "", owner) == AclGrant(
        GranteeKind.OWNER, Permission.READ, OWNER, "me"
    )


def test_a_grant_is_added_once_and_an_empty_acl_is_refused() -> None:
    once = add_grant(policy(OWNER_FULL), EVERYONE_READ)
    assert add_grant(once, EVERYONE_READ) is once
    assert policy_problems(once) == []
    assert policy_problems(policy()) == [
        "Keep at least one permission: with none, not even the owner could read the file."
    ]


def test_grantees_are_told_apart_by_type_and_uri() -> None:
    assert grantee_kind(owner_id=OWNER, type_="Group", identity=ALL_USERS) is GranteeKind.EVERYONE
    assert (
        grantee_kind(owner_id=OWNER, type_="Group", identity=AUTHENTICATED_USERS) is GranteeKind.AUTHENTICATED
    )
    assert grantee_kind(owner_id=OWNER, type_="Group", identity=LOG_DELIVERY) is GranteeKind.GROUP
    assert grantee_kind(owner_id=OWNER, type_="CanonicalUser", identity=OWNER) is GranteeKind.OWNER
    assert grantee_kind(owner_id=OWNER, type_="CanonicalUser", identity="x") is GranteeKind.CANONICAL
    assert grantee_kind(owner_id=OWNER, type_="AmazonCustomerByEmail", identity="a@b.io") is GranteeKind.EMAIL


def test_an_acl_answer_is_read_whole_and_unknown_permissions_are_left_out() -> None:
    answer = {
        "Owner": {"ID": OWNER, "DisplayName": "me"},
        "Grants": [
            {
                "Grantee": {"Type": "CanonicalUser", "ID": OWNER, "DisplayName": "me"},
                "Permission": "FULL_CONTROL",
            },
            {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"},
            {
                "Grantee": {"Type": "AmazonCustomerByEmail", "EmailAddress": "a@b.io"},
                "Permission": "WRITE_ACP",
            },
            {"Grantee": {"Type": "Group", "URI": LOG_DELIVERY}, "Permission": "READ_ACP"},
            {"Grantee": {"Type": "CanonicalUser", "ID": "x"}, "Permission": "SOMETHING_NEW"},
        ],
    }
    read = policy_from_response(answer)
    assert read.owner_id == OWNER
    assert read.owner_name == "me"
    assert read.grants == (
        AclGrant(GranteeKind.OWNER, Permission.FULL_CONTROL, OWNER, "me"),
        EVERYONE_READ,
        AclGrant(GranteeKind.EMAIL, Permission.WRITE_ACP, "a@b.io"),
        AclGrant(GranteeKind.GROUP, Permission.READ_ACP, LOG_DELIVERY),
    )
    assert [g.who for g in read.grants] == [
        "Owner (me)",
        "Everyone on the internet",
        "a@b.io (e-mail)",
        "LogDelivery (group)",
    ]
    assert AclGrant(GranteeKind.CANONICAL, Permission.READ, "75aa57f09aa0c8caeab4f8c24e99d10f").who == (
        "75aa57f0…d10f (account)"
    )


def test_grant_headers_name_each_grantee_once_per_permission() -> None:
    acl = policy(
        OWNER_FULL,
        grant(GranteeKind.AUTHENTICATED, Permission.READ),
        grant(GranteeKind.CANONICAL, Permission.READ, "other"),
        grant(GranteeKind.CANONICAL, Permission.READ, "other"),
        grant(GranteeKind.EMAIL, Permission.WRITE_ACP, "a@b.io"),
        grant(GranteeKind.GROUP, Permission.READ_ACP, LOG_DELIVERY),
    )
    assert grant_params(acl) == {
        "GrantFullControl": f'id="{OWNER}"',
        "GrantRead": f'uri="{AUTHENTICATED_USERS}", id="other"',
        "GrantWriteACP": 'emailAddress="a@b.io"',
        "GrantReadACP": f'uri="{LOG_DELIVERY}"',
    }
    with pytest.raises(InvalidInput):
        grant_params(policy())


def test_sorting_by_access_puts_what_is_known_first_in_its_order() -> None:
    assert sorted([0, 3, 1, 2], key=sort_rank) == [1, 2, 3, 0]
    node = FolderNode("")
    page = ListingPage()
    page.keys, page.sizes, page.mtimes = ["a", "b", "c", "d"], [1, 1, 1, 1], [0.0] * 4
    page.etags, page.storage_classes = [""] * 4, ["STANDARD"] * 4
    node.append_page(page)
    assert node.access == bytearray(4)  # unknown until read
    node.access[1], node.access[2] = AccessState.PUBLIC, AccessState.PRIVATE
    ordered = node.sorted_objects(SortSpec(Column.ACCESS))
    assert [node.names[i] for i in ordered] == ["c", "b", "a", "d"]


def test_a_policy_the_owner_cannot_read_under_is_warned_of() -> None:
    """Before, removing the owner's row applied with "only the owner can change who may" alone."""
    assert owner_warning(policy(OWNER_FULL, EVERYONE_READ)) == ""
    assert owner_warning(policy(grant(GranteeKind.OWNER, Permission.READ))) == ""
    assert owner_warning(policy(EVERYONE_READ)) == ""  # everyone includes the owner
    assert owner_warning(policy(grant(GranteeKind.AUTHENTICATED, Permission.READ))) == ""
    assert owner_warning(policy(grant(GranteeKind.CANONICAL, Permission.READ, OWNER))) == ""
    warning = owner_warning(policy(grant(GranteeKind.AUTHENTICATED, Permission.WRITE_ACP)))
    assert warning.startswith("The owner will no longer be able to read this file")
