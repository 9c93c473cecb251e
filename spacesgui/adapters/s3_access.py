"""AccessControl over boto3: every grant of a file's ACL, and a Space's listing permission. S3Store mixes it in.

Blocking and thread-safe; call from worker threads.

A whole ACL is written as x-amz-grant-* headers (one per permission, naming every
grantee), not as an AccessControlPolicy body: S3, Ceph and Wasabi take either, but moto
(the demo's server and the tests') reads only the headers of PutObjectAcl and silently
puts the Space's ACL on the file instead. The headers replace every grant, as a body
would, and keep the owner. The request still carries Content-MD5 (of its empty body;
see s3_client.MD5_OPERATIONS), which DigitalOcean, MinIO and Ceph require.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from spacesgui.adapters.s3_details import is_acl_response
from spacesgui.adapters.s3_operations import NO_ACLS, S3ObjectOps
from spacesgui.core.access import (
    AccessPolicy,
    AclGrant,
    GranteeKind,
    Permission,
    grantee_kind,
    group_uri,
    policy_problems,
)
from spacesgui.core.errors import InvalidInput, NotSupported
from spacesgui.core.transfers import CANNED_ACLS

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

NO_BUCKET_ACLS = (
    "This server keeps no access lists (ACLs) for Spaces, so who may list this Space "
    "cannot be read or changed here."
)
# boto3's parameter for each permission's x-amz-grant-* header.
_GRANT_PARAMS = {
    Permission.READ: "GrantRead",
    Permission.WRITE: "GrantWrite",
    Permission.READ_ACP: "GrantReadACP",
    Permission.WRITE_ACP: "GrantWriteACP",
    Permission.FULL_CONTROL: "GrantFullControl",
}


def policy_from_response(response: Any) -> AccessPolicy:
    """An AccessPolicy from a GetObjectAcl or GetBucketAcl answer; unknown permissions are left out."""
    owner = response.get("Owner") or {}
    owner_id = str(owner.get("ID") or "")
    grants: list[AclGrant] = []
    for item in response.get("Grants") or ():
        grantee = item.get("Grantee") or {}
        try:
            permission = Permission(str(item.get("Permission") or ""))
        except ValueError:
            continue
        identity = str(grantee.get("URI") or grantee.get("ID") or grantee.get("EmailAddress") or "")
        kind = grantee_kind(owner_id=owner_id, type_=str(grantee.get("Type") or ""), identity=identity)
        if kind in (GranteeKind.EVERYONE, GranteeKind.AUTHENTICATED):
            identity = ""
        name = str(grantee.get("DisplayName") or "")
        if kind is GranteeKind.OWNER and not name:
            name = str(owner.get("DisplayName") or "")  # some servers name the owner only once
        grants.append(AclGrant(kind, permission, identity, name))
    return AccessPolicy(owner_id, tuple(grants), str(owner.get("DisplayName") or ""))


def grant_params(policy: AccessPolicy) -> dict[str, str]:
    """The Grant* parameters (x-amz-grant-* headers) that set exactly `policy`'s grants."""
    problems = policy_problems(policy)
    if problems:
        raise InvalidInput(" ".join(problems))
    by_permission: dict[Permission, list[str]] = defaultdict(list)
    for grant in policy.grants:
        target = _grantee(grant)
        if target not in by_permission[grant.permission]:
            by_permission[grant.permission].append(target)
    return {_GRANT_PARAMS[p]: ", ".join(targets) for p, targets in by_permission.items()}


def _grantee(grant: AclGrant) -> str:
    if grant.kind in (GranteeKind.EVERYONE, GranteeKind.AUTHENTICATED):
        return f'uri="{group_uri(grant.kind)}"'
    if grant.kind is GranteeKind.GROUP:
        return f'uri="{grant.identity}"'
    if grant.kind is GranteeKind.EMAIL:
        return f'emailAddress="{grant.identity}"'
    if not grant.identity:
        raise InvalidInput("The owner's id is not known; read the permissions again first.")
    return f'id="{grant.identity}"'


class S3AccessOps(S3ObjectOps):
    """The AccessControl calls, for a class with `_client`, `endpoint` and `_call` (S3Store)."""

    _client: S3Client

    if TYPE_CHECKING:

        def _call(self, operation: str, bucket: str, call: Callable[[], Any]) -> Any: ...

    def get_object_grants(self, bucket: str, key: str) -> AccessPolicy:
        """Every grant of `key`; NotSupported, without a request, when the server keeps no ACLs."""
        if not self.acl_support(bucket):
            raise NotSupported(NO_ACLS)
        call = partial(self._client.get_object_acl, Bucket=bucket, Key=key)
        try:
            return policy_from_response(self._object_call("GetObjectAcl", bucket, key, call))
        except NotSupported:
            self._remember_acl_support(bucket, False)
            raise NotSupported(NO_ACLS) from None

    def put_object_grants(self, bucket: str, key: str, policy: AccessPolicy) -> None:
        """Replace every grant of `key` with `policy`'s (PutObjectAcl, with Content-MD5)."""
        params: dict[str, Any] = dict(grant_params(policy))
        if not self.acl_support(bucket):
            raise NotSupported(NO_ACLS)
        call = partial(self._client.put_object_acl, Bucket=bucket, Key=key, **params)
        self._object_call("PutObjectAcl", bucket, key, call)

    def get_bucket_grants(self, bucket: str) -> AccessPolicy:
        """The Space's ACL (GetBucketAcl). A server whose answer is not an ACL (rclone) keeps none:
        NotSupported, remembered, so no ACL call follows."""
        with self._state_lock:
            known = self._acl_support.get(bucket, self._acls)
        if known is False:
            raise NotSupported(NO_BUCKET_ACLS)
        call = partial(self._client.get_bucket_acl, Bucket=bucket)
        try:
            response = self._call("GetBucketAcl", bucket, call)
        except NotSupported:
            self._remember_acl_support(bucket, False)
            raise NotSupported(NO_BUCKET_ACLS) from None
        if not is_acl_response(response):
            self._remember_acl_support(bucket, False)
            raise NotSupported(NO_BUCKET_ACLS)
        return policy_from_response(response)

    def put_bucket_canned_acl(self, bucket: str, acl: str) -> None:
        """Make the Space "private" or "public-read" to list (PutBucketAcl, with Content-MD5)."""
        if acl not in CANNED_ACLS:
            raise InvalidInput(f"A Space can be private or public-read, not “{acl}”.")
        if not self.acl_support(bucket):
            raise NotSupported(NO_BUCKET_ACLS)
        call = partial(self._client.put_bucket_acl, Bucket=bucket, ACL=acl)  # type: ignore[arg-type]
        self._call("PutBucketAcl", bucket, call)
