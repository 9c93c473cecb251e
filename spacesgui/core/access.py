"""Who may do what with a file or a Space, as data and in plain words.

An S3 access list (ACL) is an owner and grants: a grantee (the owner, everyone, any
signed-in user of the service, one account by canonical id or e-mail) and a permission
(READ, WRITE, READ_ACP, WRITE_ACP, FULL_CONTROL). The Access column reduces it to private,
public or custom; the grant editor shows and edits every grant; the Space's Permissions
section chooses whether anyone may list the Space. Pure values; the S3 adapter fills them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from spacesgui.core.errors import InvalidInput
from spacesgui.core.formatting import human_count
from spacesgui.core.operations import ALL_USERS, AUTHENTICATED_USERS
from spacesgui.core.transfers import PRIVATE, PUBLIC_READ

# A canonical user id is 64 hex digits on AWS; other servers use other shapes (Ceph:
# the user's name, DigitalOcean: a number), so only what no id can hold is refused.
_ID_PATTERN = re.compile(r"^[^\s\"',]{1,256}$")
# The address part of an e-mail grantee: enough to catch a typo, not RFC 5322.
_EMAIL_PATTERN = re.compile(r"^[^\s@\"',]+@[^\s@\"',]+\.[^\s@\"',]+$")


class GranteeKind(StrEnum):
    """Who a grant is for. GROUP is any other group URI a server reported (log delivery)."""

    OWNER = "owner"
    EVERYONE = "everyone"
    AUTHENTICATED = "authenticated"
    CANONICAL = "canonical"
    EMAIL = "email"
    GROUP = "group"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def needs_identity(self) -> bool:
        """Whether the user types who it is (an id or an address)."""
        return self in (GranteeKind.CANONICAL, GranteeKind.EMAIL)


_KIND_LABELS = {
    GranteeKind.OWNER: "Owner",
    GranteeKind.EVERYONE: "Everyone on the internet",
    GranteeKind.AUTHENTICATED: "Any signed-in user of the service",
    GranteeKind.CANONICAL: "An account (canonical id)",
    GranteeKind.EMAIL: "An account (e-mail address)",
    GranteeKind.GROUP: "A group",
}
# What the grant editor offers to add (GROUP is only ever read from a server).
ADDABLE_KINDS = (
    GranteeKind.EVERYONE, GranteeKind.AUTHENTICATED, GranteeKind.CANONICAL, GranteeKind.EMAIL,
    GranteeKind.OWNER,
)  # fmt: skip


class Permission(StrEnum):
    READ = "READ"
    WRITE = "WRITE"
    READ_ACP = "READ_ACP"
    WRITE_ACP = "WRITE_ACP"
    FULL_CONTROL = "FULL_CONTROL"

    @property
    def label(self) -> str:
        """What it lets a grantee do with a file, in words."""
        return _PERMISSION_LABELS[self]

    def covers(self, other: Permission) -> bool:
        """Whether holding this permission gives `other` too (FULL_CONTROL gives all)."""
        return self is other or self is Permission.FULL_CONTROL


_PERMISSION_LABELS = {
    Permission.READ: "Read the file",
    Permission.WRITE: "Write (no effect on one file)",
    Permission.READ_ACP: "See who may access it",
    Permission.WRITE_ACP: "Change who may access it",
    Permission.FULL_CONTROL: "Full control (all of these)",
}


class AccessState(IntEnum):
    """One file's access reduced to what the Access column says. Stored in a byte per file.

    UNKNOWN is 0 so a new listing column starts unknown; sorting puts it last (see sort_rank).
    """

    UNKNOWN = 0
    PRIVATE = 1
    PUBLIC = 2
    CUSTOM = 3  # grants a canned ACL cannot express
    UNREADABLE = 4  # the server would not say (keys without READ_ACP)

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]

    @property
    def explanation(self) -> str:
        """The Access column's tooltip."""
        return _STATE_EXPLANATIONS[self]


_STATE_LABELS = {
    AccessState.UNKNOWN: "",
    AccessState.PRIVATE: "Private",
    AccessState.PUBLIC: "Public",
    AccessState.CUSTOM: "Custom",
    AccessState.UNREADABLE: "?",
}
_STATE_EXPLANATIONS = {
    AccessState.UNKNOWN: "",
    AccessState.PRIVATE: "Only this account's keys can read this file.",
    AccessState.PUBLIC: "Anyone on the internet who has its address can read this file.",
    AccessState.CUSTOM: (
        "This file has permissions beyond private or public (other accounts or groups). "
        "Permissions… shows them."
    ),
    AccessState.UNREADABLE: "The server would not say who may read this file (these keys may not see it).",
}
UNKNOWN_LAST = 255


def sort_rank(state: int) -> int:
    """Sort key of a stored state: known states in their order, unknown ones after them."""
    return state or UNKNOWN_LAST


@dataclass(frozen=True, slots=True)
class AclGrant:
    """One grant. `identity` is the canonical id (OWNER, CANONICAL), the e-mail address
    (EMAIL) or the group URI (GROUP); "" for EVERYONE and AUTHENTICATED."""

    kind: GranteeKind
    permission: Permission
    identity: str = ""
    display_name: str = ""

    def same_grant(self, other: AclGrant) -> bool:
        """Whether both give the same grantee the same permission (names aside)."""
        return (self.kind, self.permission, self.identity) == (other.kind, other.permission, other.identity)

    @property
    def who(self) -> str:
        """The grantee in words, as the editor's table shows it (an id shortened: the tooltip has it whole)."""
        if self.kind in (GranteeKind.EVERYONE, GranteeKind.AUTHENTICATED):
            return self.kind.label
        name = self.display_name or _short(self.identity)
        if self.kind is GranteeKind.OWNER:
            return f"Owner ({name})" if name else "Owner"
        if self.kind is GranteeKind.EMAIL:
            return f"{self.identity} (e-mail)"
        if self.kind is GranteeKind.GROUP:
            return f"{self.identity.rstrip('/').rsplit('/', 1)[-1]} (group)"
        return f"{name} (account)"


def _short(identity: str) -> str:
    """A 64-digit canonical id as its first and last digits, the way people compare them."""
    return f"{identity[:8]}…{identity[-4:]}" if len(identity) > 16 else identity


@dataclass(frozen=True, slots=True)
class AccessPolicy:
    """A file's or a Space's whole ACL: its owner and every grant, in the server's order."""

    owner_id: str
    grants: tuple[AclGrant, ...] = ()
    owner_name: str = ""

    @property
    def state(self) -> AccessState:
        """PRIVATE: only the owner's full control; PUBLIC: that and everyone's READ; else CUSTOM."""
        kinds = {(g.kind, g.permission) for g in self.grants}
        owner = (GranteeKind.OWNER, Permission.FULL_CONTROL)
        everyone_reads = (GranteeKind.EVERYONE, Permission.READ)
        if kinds <= {owner}:
            return AccessState.PRIVATE
        if kinds == {owner, everyone_reads}:
            return AccessState.PUBLIC
        return AccessState.CUSTOM

    @property
    def canned(self) -> str:
        """The canned ACL this policy is ("private", "public-read"), or "" when none is."""
        return {AccessState.PRIVATE: PRIVATE, AccessState.PUBLIC: PUBLIC_READ}.get(self.state, "")

    def with_grants(self, grants: Iterable[AclGrant]) -> AccessPolicy:
        return AccessPolicy(self.owner_id, tuple(grants), self.owner_name)

    def same_grants(self, other: AccessPolicy) -> bool:
        """Whether both hold the same grants, whatever their order and display names."""
        return _grant_set(self.grants) == _grant_set(other.grants)

    def holders(self, permission: Permission) -> list[AclGrant]:
        """The grants that give `permission` (directly or through FULL_CONTROL)."""
        return [g for g in self.grants if g.permission.covers(permission)]


def _grant_set(grants: Iterable[AclGrant]) -> set[tuple[GranteeKind, Permission, str]]:
    return {(g.kind, g.permission, g.identity) for g in grants}


def canned_policy(owner_id: str, acl: str, owner_name: str = "") -> AccessPolicy:
    """The policy a canned ACL ("private" or "public-read") sets."""
    if acl not in (PRIVATE, PUBLIC_READ):
        raise InvalidInput(f"Choose private or public-read, not “{acl}”.")
    grants = [AclGrant(GranteeKind.OWNER, Permission.FULL_CONTROL, owner_id, owner_name)]
    if acl == PUBLIC_READ:
        grants.append(AclGrant(GranteeKind.EVERYONE, Permission.READ))
    return AccessPolicy(owner_id, tuple(grants), owner_name)


def grantee_kind(*, owner_id: str, type_: str, identity: str) -> GranteeKind:
    """Which kind a grantee of S3 type `type_` ("CanonicalUser", "Group", "AmazonCustomerByEmail") is."""
    if type_ == "Group" or identity.startswith("http://acs.amazonaws.com/groups/"):
        return {ALL_USERS: GranteeKind.EVERYONE, AUTHENTICATED_USERS: GranteeKind.AUTHENTICATED}.get(
            identity, GranteeKind.GROUP
        )
    if type_ == "AmazonCustomerByEmail":
        return GranteeKind.EMAIL
    return GranteeKind.OWNER if identity and identity == owner_id else GranteeKind.CANONICAL


def group_uri(kind: GranteeKind) -> str:
    """The URI of an EVERYONE or AUTHENTICATED grantee ("" for the other kinds)."""
    return {GranteeKind.EVERYONE: ALL_USERS, GranteeKind.AUTHENTICATED: AUTHENTICATED_USERS}.get(kind, "")


# -- validation -----------------------------------------------------------------------------


def make_grant(kind: GranteeKind, permission: Permission, identity: str, owner: AccessPolicy) -> AclGrant:
    """A grant the editor may add, or InvalidInput saying what is wrong with `identity`."""
    identity = identity.strip()
    if kind is GranteeKind.OWNER:
        return AclGrant(kind, permission, owner.owner_id, owner.owner_name)
    if kind is GranteeKind.CANONICAL:
        if not identity:
            raise InvalidInput("Enter the account's canonical id.")
        if not _ID_PATTERN.match(identity):
            raise InvalidInput("A canonical id has no spaces, quotes or commas.")
        if identity == owner.owner_id:
            return AclGrant(GranteeKind.OWNER, permission, identity, owner.owner_name)
    elif kind is GranteeKind.EMAIL:
        if not identity:
            raise InvalidInput("Enter the account's e-mail address.")
        if not _EMAIL_PATTERN.match(identity):
            raise InvalidInput(f"“{identity}” is not an e-mail address (name@example.com).")
    elif kind is GranteeKind.GROUP:
        raise InvalidInput("Groups other than everyone and signed-in users cannot be added here.")
    else:
        identity = ""
    return AclGrant(kind, permission, identity)


def add_grant(policy: AccessPolicy, grant: AclGrant) -> AccessPolicy:
    """`policy` with `grant` added at the end, unless it already holds it."""
    if any(g.same_grant(grant) for g in policy.grants):
        return policy
    return policy.with_grants([*policy.grants, grant])


def policy_problems(policy: AccessPolicy) -> list[str]:
    """What keeps `policy` from being applied, in words ([] when it may be)."""
    if not policy.grants:
        return ["Keep at least one permission: with none, not even the owner could read the file."]
    return []


def owner_warning(policy: AccessPolicy, *, thing: str = "this file") -> str:
    """A warning when nothing lets the owner read any more (its own row removed, say); "".

    The owner can always change who may (S3 gives that without a grant), but not read
    without a grant that covers it: its own, or one to everyone or to anyone signed in
    (the owner signs its requests too). Nothing else in the summary would say so.
    """
    covering = (GranteeKind.OWNER, GranteeKind.EVERYONE, GranteeKind.AUTHENTICATED)
    for g in policy.holders(Permission.READ):
        if g.kind in covering or (g.kind is GranteeKind.CANONICAL and g.identity == policy.owner_id):
            return ""
    return f"The owner will no longer be able to read {thing} (until a permission gives that back)."


# -- in plain words -------------------------------------------------------------------------


def summary(policy: AccessPolicy, *, thing: str = "this file") -> str:
    """Who may read `thing` and who may change who may, in one sentence of two halves.

    "Anyone on the internet can read this file; only the owner can change who may."
    """
    read = _who(policy, Permission.READ, owner_word="only the owner")
    change = _who(policy, Permission.WRITE_ACP, owner_word="only the owner")
    first = f"{read} can read {thing}" if read != "nobody" else f"nobody can read {thing}"
    second = f"{change} can change who may" if change != "nobody" else "only the owner can change who may"
    sentence = f"{first}; {second}."
    return sentence[0].upper() + sentence[1:]


def listing_summary(policy: AccessPolicy) -> str:
    """Who may list a Space's files, and more when more is granted on the Space."""
    parts = [LISTING_PUBLIC if _public(policy, Permission.READ) else LISTING_PRIVATE]
    writers = [g for g in policy.holders(Permission.WRITE) if g.kind is not GranteeKind.OWNER]
    if writers:
        who = _who(policy.with_grants(writers), Permission.WRITE, owner_word="")
        who = who.removeprefix("only ")
        parts.append(f"{who[0].upper() + who[1:]} can also add, overwrite and delete its files.")
    others = [
        g for g in policy.grants
        if g.kind is not GranteeKind.OWNER and g not in writers
        and (g.kind, g.permission) != (GranteeKind.EVERYONE, Permission.READ)
    ]  # fmt: skip
    if others:
        parts.append(f"It grants {human_count(len(others), 'other permission')} as well.")
    return " ".join(parts)


LISTING_PUBLIC = "Anyone on the internet can list this Space's files: their names, sizes and dates."
LISTING_PRIVATE = "Only keys of this account can list it."


def _public(policy: AccessPolicy, permission: Permission) -> bool:
    return any(g.kind is GranteeKind.EVERYONE for g in policy.holders(permission))


def _who(policy: AccessPolicy, permission: Permission, *, owner_word: str) -> str:
    """The widest set of grantees holding `permission`, in words (lower case)."""
    holders = policy.holders(permission)
    kinds = {g.kind for g in holders}
    if GranteeKind.EVERYONE in kinds:
        return "anyone on the internet"
    if GranteeKind.AUTHENTICATED in kinds:
        return "anyone signed in to the service (any account, not only yours)"
    others = [g for g in holders if g.kind is not GranteeKind.OWNER]
    owner = GranteeKind.OWNER in kinds
    if others:
        accounts = _accounts(others)
        return f"the owner and {accounts}" if owner else f"only {accounts}"
    if owner:
        return owner_word or "the owner"
    return "nobody"


def _accounts(grants: Sequence[AclGrant]) -> str:
    names = list(dict.fromkeys(g.display_name or g.identity for g in grants))
    if len(names) == 1:
        return names[0]
    return human_count(len(names), "other account")
