"""S3Store's AccessControl against moto: every grant of a file, a Space's listing permission.

rclone keeps no ACLs and must never receive an ACL call, so these run on moto; what a
server without ACLs gets (nothing) is checked behind the fault proxy, rerouting GET
bucket?acl to a listing as rclone answers it.
"""

from __future__ import annotations

import base64
import hashlib
import urllib.error
import urllib.request

import pytest

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.access import AccessPolicy, AccessState, AclGrant, GranteeKind, Permission, add_grant
from spacesgui.core.errors import InvalidInput, NotSupported
from tests.fault_proxy import FaultProxy, Match
from tests.integration.object_helpers import acl_requests

EMPTY_MD5 = base64.b64encode(hashlib.md5(b"").digest()).decode()
OTHER_ACCOUNT = "f" * 64


def anonymous_list_status(endpoint: str, bucket: str) -> int:
    """The HTTP status of a ListObjects without keys (what anyone on the internet gets)."""
    try:
        with urllib.request.urlopen(f"{endpoint}/{bucket}?list-type=2", timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_every_grant_round_trips_on_a_file(moto_store: S3Store, moto_bucket: str) -> None:
    moto_store.client.put_object(Bucket=moto_bucket, Key="report.pdf", Body=b"x")
    before = moto_store.get_object_grants(moto_bucket, "report.pdf")
    assert before.state is AccessState.PRIVATE
    assert [g.kind for g in before.grants] == [GranteeKind.OWNER]

    wanted = add_grant(before, AclGrant(GranteeKind.AUTHENTICATED, Permission.READ))
    wanted = add_grant(wanted, AclGrant(GranteeKind.CANONICAL, Permission.READ_ACP, OTHER_ACCOUNT))
    moto_store.put_object_grants(moto_bucket, "report.pdf", wanted)

    after = moto_store.get_object_grants(moto_bucket, "report.pdf")
    assert after.same_grants(wanted)
    assert after.state is AccessState.CUSTOM
    raw = moto_store.client.get_object_acl(Bucket=moto_bucket, Key="report.pdf")["Grants"]
    assert {
        "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},
        "Permission": "READ",
    } in raw


def test_removing_every_other_grant_makes_the_file_private_again(
    moto_store: S3Store, moto_bucket: str
) -> None:
    moto_store.client.put_object(Bucket=moto_bucket, Key="a.txt", Body=b"x", ACL="public-read")
    policy = moto_store.get_object_grants(moto_bucket, "a.txt")
    assert policy.state is AccessState.PUBLIC
    owner_only = policy.with_grants(g for g in policy.grants if g.kind is GranteeKind.OWNER)
    moto_store.put_object_grants(moto_bucket, "a.txt", owner_only)
    assert moto_store.get_object_grants(moto_bucket, "a.txt").state is AccessState.PRIVATE


def test_writing_grants_sends_content_md5_and_every_grant_in_its_header(
    proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str, moto_store: S3Store
) -> None:
    moto_store.client.put_object(Bucket=moto_bucket, Key="a.txt", Body=b"x")
    policy = proxy_store.get_object_grants(moto_bucket, "a.txt")
    wanted = add_grant(policy, AclGrant(GranteeKind.EVERYONE, Permission.READ))
    wanted = add_grant(wanted, AclGrant(GranteeKind.EMAIL, Permission.READ, "ada@example.com"))
    proxy_store.put_object_grants(moto_bucket, "a.txt", wanted)

    (put,) = [r for r in acl_requests(fault_proxy.requests) if r.method == "PUT"]
    assert put.header("Content-MD5") == base64.b64encode(hashlib.md5(put.body).digest()).decode()
    assert put.header("x-amz-grant-read") == (
        'uri="http://acs.amazonaws.com/groups/global/AllUsers", emailAddress="ada@example.com"'
    )
    assert put.header("x-amz-grant-full-control") == f'id="{policy.owner_id}"'
    assert not any(name.startswith("x-amz-checksum-") for name in put.header_names())


def test_an_empty_acl_is_refused_before_any_request(
    proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str
) -> None:
    with pytest.raises(InvalidInput, match="at least one permission"):
        proxy_store.put_object_grants(moto_bucket, "a.txt", AccessPolicy("owner"))
    assert fault_proxy.requests == []


def test_a_public_listing_lets_anyone_list_and_private_takes_the_grant_away(
    moto_store: S3Store, moto_bucket: str, moto_endpoint: str
) -> None:
    assert moto_store.get_bucket_grants(moto_bucket).state is AccessState.PRIVATE
    moto_store.put_bucket_canned_acl(moto_bucket, "public-read")
    assert moto_store.get_bucket_grants(moto_bucket).state is AccessState.PUBLIC
    assert anonymous_list_status(moto_endpoint, moto_bucket) == 200
    moto_store.put_bucket_canned_acl(moto_bucket, "private")
    # moto lists a private Space to anyone too, so the grant itself is what is checked here.
    raw = moto_store.client.get_bucket_acl(Bucket=moto_bucket)["Grants"]
    assert [g["Permission"] for g in raw] == ["FULL_CONTROL"]


def test_the_listing_permission_is_written_with_content_md5(
    proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str
) -> None:
    proxy_store.put_bucket_canned_acl(moto_bucket, "public-read")
    (put,) = [r for r in acl_requests(fault_proxy.requests) if r.method == "PUT"]
    assert put.path == f"/{moto_bucket}"
    assert put.header("x-amz-acl") == "public-read"
    assert put.header("Content-MD5") == EMPTY_MD5


def test_a_server_without_acls_gets_no_grant_call(
    proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str
) -> None:
    # What rclone serve s3 does: it answers GET bucket?acl with the bucket's listing.
    fault_proxy.reroute(Match(method="GET", path=f"/{moto_bucket}/?", query={"acl": None}), "list-type=2")
    with pytest.raises(NotSupported):
        proxy_store.get_bucket_grants(moto_bucket)
    with pytest.raises(NotSupported):
        proxy_store.get_object_grants(moto_bucket, "a.txt")
    with pytest.raises(NotSupported):
        proxy_store.put_object_grants(
            moto_bucket, "a.txt", AccessPolicy("o", (AclGrant(GranteeKind.OWNER, Permission.READ, "o"),))
        )
    with pytest.raises(NotSupported):
        proxy_store.put_bucket_canned_acl(moto_bucket, "public-read")
    assert [(r.method, r.path) for r in acl_requests(fault_proxy.requests)] == [("GET", f"/{moto_bucket}")]


def test_not_implemented_for_a_files_acl_is_not_supported(
    proxy_store: S3Store, fault_proxy: FaultProxy, moto_bucket: str
) -> None:
    fault_proxy.fail(
        Match(method="GET", path=f"/{moto_bucket}/a.txt", query={"acl": None}),
        status=501,
        code="NotImplemented",
    )
    with pytest.raises(NotSupported):
        proxy_store.get_object_grants(moto_bucket, "a.txt")
    assert proxy_store.acl_support(moto_bucket) is False
