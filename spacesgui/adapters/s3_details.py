"""Between boto3's dictionaries and the core's object values: details, headers, ACLs.

Pure functions over response dicts; no requests.
"""

from __future__ import annotations

from typing import Any

from spacesgui.adapters.s3_client import parse_timestamp
from spacesgui.adapters.s3_transfer_ops import strip_etag
from spacesgui.core.object_headers import META_PREFIX, ObjectHeaders
from spacesgui.core.operations import Grant, ObjectAcl, ObjectDetails, acl_from_grants
from spacesgui.core.transfers import PRIVATE

# ObjectHeaders field -> the boto3 parameter (and response field) it travels as.
_HEADER_PARAMS = {
    "content_type": "ContentType",
    "cache_control": "CacheControl",
    "content_disposition": "ContentDisposition",
    "content_encoding": "ContentEncoding",
    "content_language": "ContentLanguage",
}


def headers_from_response(response: Any) -> ObjectHeaders:
    """The headers and user metadata of a HeadObject (or GetObject) response."""
    values = {field: str(response.get(param) or "") for field, param in _HEADER_PARAMS.items()}
    # botocore gives Expires as ExpiresString (raw text) next to a parsed Expires.
    expires = response.get("ExpiresString") or response.get("Expires") or ""
    metadata = {
        str(name).lower().removeprefix(META_PREFIX): str(value)
        for name, value in dict(response.get("Metadata") or {}).items()
    }
    return ObjectHeaders(**values, expires=str(expires), metadata=metadata)


def details_from_head(key: str, response: Any) -> ObjectDetails:
    """ObjectDetails from a HeadObject response for `key`."""
    return ObjectDetails(
        key=key,
        size=int(response.get("ContentLength", 0) or 0),
        last_modified=parse_timestamp(response.get("LastModified")),
        etag=strip_etag(response.get("ETag")),
        # HeadObject names the storage class only when it is not STANDARD.
        storage_class=str(response.get("StorageClass") or "STANDARD"),
        version_id=str(response.get("VersionId") or ""),
        encryption=str(response.get("ServerSideEncryption") or response.get("SSECustomerAlgorithm") or ""),
        headers=headers_from_response(response),
    )


def header_params(headers: ObjectHeaders, *, acl: str = "", storage_class: str = "") -> dict[str, Any]:
    """boto3 parameters that give a new object (a PUT, a copy, a multipart upload) `headers`.

    Headers that are "" are left out. The ACL is sent only to make the object public:
    private is every server's default, and buckets with ACLs turned off refuse the header.
    STANDARD storage is the default and is left out too.
    """
    params: dict[str, Any] = {"Metadata": dict(headers.metadata)}
    for field, param in _HEADER_PARAMS.items():
        value = getattr(headers, field)
        if value:
            params[param] = value
    if headers.expires:
        params["Expires"] = headers.expires
    if acl and acl != PRIVATE:
        params["ACL"] = acl
    if storage_class and storage_class != "STANDARD":
        params["StorageClass"] = storage_class
    return params


def grants_from_response(response: Any) -> tuple[str, list[Grant]]:
    """The owner's id and the grants of a GetObjectAcl or GetBucketAcl response."""
    owner = str((response.get("Owner") or {}).get("ID") or "")
    grants = []
    for item in response.get("Grants") or ():
        grantee = item.get("Grantee") or {}
        who = grantee.get("URI") or grantee.get("ID") or grantee.get("EmailAddress") or ""
        grants.append(
            Grant(str(who), str(item.get("Permission") or ""), str(grantee.get("DisplayName") or ""))
        )
    return owner, grants


def acl_from_response(response: Any) -> ObjectAcl:
    """An ObjectAcl from a GetObjectAcl response."""
    return acl_from_grants(*grants_from_response(response))


def is_acl_response(response: Any) -> bool:
    """Whether a GetBucketAcl answer is an ACL: an owner and at least one grant.

    rclone serve s3 has no ACLs and answers GET ?acl on a bucket with the bucket's listing,
    which botocore parses into neither.
    """
    return bool((response.get("Owner") or {}).get("ID")) and bool(response.get("Grants"))
