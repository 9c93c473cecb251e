"""A replacing upload: new bytes for an existing key, keeping what the object had besides them.

Blocking; runs on a worker thread. Used by Edit and re-upload (an opened file changed).
"""

from __future__ import annotations

import logging

from spacesgui.core.accounts import Account
from spacesgui.core.conflicts import renamed_key
from spacesgui.core.errors import NotFound, ObjectChanged, SpacesError
from spacesgui.core.local_ports import LocalFiles
from spacesgui.core.multipart import strip_etag
from spacesgui.core.ports import ObjectOperations, ObjectStore
from spacesgui.core.transfers import ENGINE_METADATA, OPENED_COPY, Direction, Transfer

log = logging.getLogger(__name__)

# Metadata the engine writes itself at every upload (checksums), never carried over.


def replacing_upload(
    store: ObjectStore,
    local: LocalFiles,
    account: Account,
    bucket: str,
    key: str,
    local_path: str,
    expected_etag: str = "",
) -> Transfer:
    """An upload of `local_path` to `key` carrying the object's Content-Type, Cache-Control,
    user metadata and (canned) access, as the server reports them now.

    With `expected_etag`, an object whose ETag is another raises ObjectChanged: someone
    replaced it since the copy was opened, and uploading would overwrite their version.
    An object gone from the server meanwhile gets the account's upload defaults: the
    user's edit is still uploaded, never dropped.
    """
    stat = local.stat(local_path)
    transfer = Transfer(
        Direction.UPLOAD, account.id, bucket, key, local_path, stat.size, local_mtime_ns=stat.mtime_ns,
        acl=account.upload_acl, cache_control=account.cache_control, account_ref=account.ref(),
        phase=OPENED_COPY,
    )  # fmt: skip
    if not isinstance(store, ObjectOperations):
        return transfer
    try:
        details = store.head_details(bucket, key)
    except NotFound:
        log.info("s3://%s/%s is gone; its new version gets the account's upload settings", bucket, key)
        return transfer
    if expected_etag and strip_etag(details.etag) != strip_etag(expected_etag):
        raise ObjectChanged(
            f"“{key.rsplit('/', 1)[-1]}” changed on the server since you opened it: uploading "
            "your copy would replace that newer version.",
            detail=f"s3://{bucket}/{key}: opened ETag {expected_etag}, now {details.etag}",
        )
    headers = details.headers
    transfer.content_type = headers.content_type
    transfer.cache_control = headers.cache_control
    transfer.metadata = {k: v for k, v in headers.metadata.items() if k not in ENGINE_METADATA}
    if store.acl_support(bucket):
        try:
            transfer.acl = store.get_acl(bucket, key).canned
        except SpacesError as exc:  # keep the account's default and say why in the log
            log.info("access of s3://%s/%s unreadable (%s); uploading as %s", bucket, key, exc, transfer.acl)
    return transfer


def free_key(store: ObjectStore, bucket: str, key: str) -> str:
    """The first "name (N).ext" beside `key` that no object has yet (HEAD each)."""
    return renamed_key(key, lambda k: store.head_object(bucket, k) is not None)
