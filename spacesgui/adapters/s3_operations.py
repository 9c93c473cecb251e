"""ObjectOperations over boto3: new folder, properties, access (ACL) and delete. S3Store mixes it in.

Blocking and thread-safe; call from worker threads. Copies, and property edits (a copy
onto itself), are in s3_copy.S3CopyOps.

Server differences, checked against moto and `rclone serve s3`: rclone keeps no ACLs (it
answers GetObjectAcl with 500 and treats PutObjectAcl as an empty PutObject, truncating
the file), so no object ACL call goes to a server whose bucket ACL answer is not an ACL;
rclone stores a "name/" marker as a file "name", so a new folder is checked in a listing.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from spacesgui.adapters.s3_details import acl_from_response, details_from_head, is_acl_response
from spacesgui.core.errors import (
    AccessDenied,
    AlreadyExists,
    InvalidInput,
    NoSuchBucket,
    NotFound,
    NotSupported,
    ServerError,
    SpacesError,
)
from spacesgui.core.multipart import md5_b64
from spacesgui.core.object_names import check_name, folder_key
from spacesgui.core.operations import (
    DeleteFailure,
    DeleteResult,
    ObjectAcl,
    ObjectDetails,
    delete_batches,
)
from spacesgui.core.transfers import CANNED_ACLS

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

log = logging.getLogger(__name__)

NO_ACLS = (
    "This server does not keep access lists (ACLs) for files, so a file's access cannot be read "
    "or changed here; the server decides who may read it."
)
NO_EMPTY_FOLDERS = (
    "This server cannot keep empty folders: it stored the new folder as an empty file, which "
    "was removed again. Upload a file into a new folder instead (drop a folder onto the list)."
)
DeleteTarget = tuple[str, str]  # a key and a version id ("": the current object)
UNCONFIRMED = "The server did not confirm that it deleted this file; it may still be there."


# What XML 1.0 cannot carry: control characters but tab and line feed (a parser turns a
# carriage return into a line feed), lone surrogates, U+FFFE and U+FFFF. One regex search a
# key: a Python loop over the characters, run twice a key, took 77 ms of CPU (under the GIL)
# for a 10,000-key delete of 30-character keys; this takes 3 ms.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(key: str) -> bool:
    """Whether `key` survives an XML body (DeleteObjects): XML 1.0 cannot carry most control
    characters, and parsers turn a carriage return into a line feed."""
    return _NOT_IN_XML.search(key) is None


class S3ObjectOps:
    """The ObjectOperations calls but copies, for a class with `_client`, `endpoint` and `_call`.

    `_acls` is the account's answer to "does the server keep ACLs" (None: ask it once per
    bucket); `_acl_support` caches the answers under `_state_lock`.
    """

    _client: S3Client
    endpoint: str
    _acls: bool | None
    _acl_support: dict[str, bool]
    _state_lock: threading.Lock

    if TYPE_CHECKING:

        def _call(self, operation: str, bucket: str, call: Callable[[], Any]) -> Any: ...

    # -- access ---------------------------------------------------------------------------

    def acl_support(self, bucket: str) -> bool:
        """Whether the server keeps object ACLs in `bucket`; asks it once (GetBucketAcl).

        GetBucketAcl only reads, on every server. A reply that is not an ACL (rclone's),
        NotImplemented or a server error means no: then no object ACL call is ever sent.
        A refusal (keys that may not read the bucket's ACL) means yes: the object calls
        will say for themselves. Network errors are raised and not remembered.
        """
        if self._acls is not None:
            return self._acls
        with self._state_lock:
            known = self._acl_support.get(bucket)
        if known is not None:
            return known
        try:
            response = self._call("GetBucketAcl", bucket, partial(self._client.get_bucket_acl, Bucket=bucket))
            supported = is_acl_response(response)
        except NoSuchBucket:
            raise
        except (NotSupported, ServerError) as exc:
            log.debug("no ACLs in %s: %s", bucket, exc.detail)
            supported = False
        except AccessDenied:
            supported = True
        self._remember_acl_support(bucket, supported)
        return supported

    def acl_support_known(self, bucket: str) -> bool | None:
        """acl_support's answer when it needs no request; None when it would ask the server."""
        if self._acls is not None:
            return self._acls
        with self._state_lock:
            return self._acl_support.get(bucket)

    def _remember_acl_support(self, bucket: str, supported: bool) -> None:
        with self._state_lock:
            self._acl_support[bucket] = supported

    def get_acl(self, bucket: str, key: str) -> ObjectAcl:
        """Who may read `key`: public-read or private, and grants a canned ACL cannot carry.

        Raises NotSupported, without a request, when the server keeps no ACLs.
        """
        if not self.acl_support(bucket):
            raise NotSupported(NO_ACLS)
        call = partial(self._client.get_object_acl, Bucket=bucket, Key=key)
        try:
            return acl_from_response(self._object_call("GetObjectAcl", bucket, key, call))
        except NotSupported:
            self._remember_acl_support(bucket, False)
            raise NotSupported(NO_ACLS) from None

    def put_canned_acl(self, bucket: str, key: str, acl: str) -> None:
        """Make `key` "private" or "public-read"; NotSupported, without a request, on servers without ACLs."""
        if acl not in CANNED_ACLS:
            raise InvalidInput(f"Files can be made private or public-read, not “{acl}”.")
        if not self.acl_support(bucket):
            raise NotSupported(NO_ACLS)
        call = partial(self._client.put_object_acl, Bucket=bucket, Key=key, ACL=acl)  # type: ignore[arg-type]
        self._object_call("PutObjectAcl", bucket, key, call)

    # -- properties -----------------------------------------------------------------------

    def head_details(self, bucket: str, key: str) -> ObjectDetails:
        """Everything HeadObject says about `key`; NotFound naming it when it is not there."""
        call = partial(self._client.head_object, Bucket=bucket, Key=key)
        return details_from_head(key, self._object_call("HeadObject", bucket, key, call))

    def _object_call(self, operation: str, bucket: str, key: str, call: Callable[[], Any]) -> Any:
        """`_call` for a request on the object `key`: when it is not there, NotFound names it
        in plain words (“a.png” is not in photos (any more)), not by the request's name."""
        try:
            return self._call(operation, bucket, call)
        except NoSuchBucket:
            raise
        except NotFound as exc:
            raise NotFound(f"“{key}” is not in {bucket} (any more).", detail=exc.detail) from None

    def _exists(self, bucket: str, key: str) -> bool:
        try:
            self.head_details(bucket, key)
        except NoSuchBucket:
            raise
        except NotFound:
            return False
        return True

    def has_under(self, bucket: str, prefix: str) -> bool:
        """Whether any object's key starts with `prefix` (a folder exists, marker or not)."""
        call = partial(self._client.list_objects_v2, Bucket=bucket, Prefix=prefix, MaxKeys=1)
        response = self._call("ListObjectsV2", bucket, call)
        return any(str(item.get("Key", "")).startswith(prefix) for item in response.get("Contents", ()))

    # -- new folder -----------------------------------------------------------------------

    def create_folder(self, bucket: str, prefix: str, name: str) -> str:
        """Make folder `name` in `prefix` as a zero-byte "name/" marker; return its key.

        Checks the name (core rules), then the server: a file called `name` or anything
        under "name/" already there raises AlreadyExists. After the PUT the marker must be
        listed; a server that stored it as something else (rclone: a file "name") gets that
        file removed and raises NotSupported.
        """
        check_name(name, prefix=prefix, folder=True)
        key = folder_key(prefix, name)
        if self._exists(bucket, key[:-1]):
            raise AlreadyExists(f"A file named “{name}” is already here.")
        if self.has_under(bucket, key):
            raise AlreadyExists(f"A folder named “{name}” is already here.")
        put = partial(
            self._client.put_object,
            Bucket=bucket,
            Key=key,
            Body=b"",
            ContentLength=0,
            ContentMD5=md5_b64(b""),
        )
        self._call("PutObject", bucket, put)
        if self.has_under(bucket, key):
            return key
        if self._exists(bucket, key[:-1]):  # checked absent above: the server made it from the marker
            self._call(
                "DeleteObject", bucket, partial(self._client.delete_object, Bucket=bucket, Key=key[:-1])
            )
        raise NotSupported(NO_EMPTY_FOLDERS)

    # -- delete ---------------------------------------------------------------------------

    def delete_objects(self, bucket: str, keys: Sequence[str]) -> DeleteResult:
        """Delete `keys` with DeleteObjects, 1,000 a request; return what the server confirmed.

        Keys go in the request body (never the URL), with Content-MD5 (s3_client), and
        Quiet off, so the server names every key it deleted and every one it did not. A
        key named in neither is reported as not confirmed. A request that fails as a
        whole (keys refused, network down) ends the delete: its keys and the rest are
        reported failed with its message. Keys XML cannot carry go one by one (DeleteObject).
        """
        return self.delete_targets(bucket, [(key, "") for key in keys])

    def delete_targets(self, bucket: str, targets: Sequence[DeleteTarget]) -> DeleteResult:
        """Delete each (key, version id) ("": the current object) as `delete_objects` does;
        a version counts as deleted only when the server names that key and version."""
        batches = list(delete_batches(targets))
        deleted: list[str] = []
        failed: list[DeleteFailure] = []
        for index, batch in enumerate(batches):
            try:
                done = self._delete_batch(bucket, batch)
            except SpacesError as error:
                failed += [
                    DeleteFailure(key, "", error.message) for later in batches[index:] for key, _ in later
                ]
                break
            deleted += done.deleted
            failed += done.failed
        return DeleteResult(tuple(deleted), tuple(failed))

    def _delete_batch(self, bucket: str, batch: list[DeleteTarget]) -> DeleteResult:
        """Raises only before anything in `batch` was deleted (the DeleteObjects request comes first)."""
        in_xml: list[DeleteTarget] = []
        by_one: list[DeleteTarget] = []
        for target in batch:
            (in_xml if xml_safe(target[0]) else by_one).append(target)
        result = DeleteResult()
        if in_xml:
            if any(version for _, version in in_xml):
                answer = self._delete_versions_request(bucket, in_xml)
            else:  # the transfer process's fast store sends these its own way
                answer = self._delete_request(bucket, [key for key, _ in in_xml])
            result += delete_result(in_xml, answer)
        for key, version in by_one:
            result += self._delete_one(bucket, key, version)
        return result

    def _delete_request(self, bucket: str, keys: list[str]) -> Any:
        """One DeleteObjects request (Quiet off) for `keys`; its answer as boto3 shapes it."""
        objects: Any = [{"Key": key} for key in keys]
        call = partial(
            self._client.delete_objects, Bucket=bucket, Delete={"Objects": objects, "Quiet": False}
        )
        return self._call("DeleteObjects", bucket, call)

    def _delete_versions_request(self, bucket: str, targets: list[DeleteTarget]) -> Any:
        """One DeleteObjects request (Quiet off) naming each key's version; its answer as boto3 shapes it."""
        objects: Any = [
            {"Key": key, "VersionId": version} if version else {"Key": key} for key, version in targets
        ]
        call = partial(
            self._client.delete_objects, Bucket=bucket, Delete={"Objects": objects, "Quiet": False}
        )
        return self._call("DeleteObjects", bucket, call)

    def _delete_one(self, bucket: str, key: str, version: str = "") -> DeleteResult:
        extra: dict[str, Any] = {"VersionId": version} if version else {}
        call = partial(self._client.delete_object, Bucket=bucket, Key=key, **extra)
        try:
            self._call("DeleteObject", bucket, call)
        except SpacesError as error:
            return DeleteResult(failed=(DeleteFailure(key, "", error.message),))
        return DeleteResult(deleted=(key,))


def _answered(item: Any) -> list[DeleteTarget]:
    """The targets a DeleteObjects <Deleted> or <Error> entry speaks for: its key and version,
    and its key alone (a delete without a version may be answered with one)."""
    key, version = str(item.get("Key", "")), str(item.get("VersionId") or "")
    return [(key, version), (key, "")] if version else [(key, "")]


def delete_result(asked: list[DeleteTarget], response: Any) -> DeleteResult:
    """Sort `asked` by a DeleteObjects answer: confirmed, refused (with the reason), or unconfirmed."""
    refused: dict[DeleteTarget, DeleteFailure] = {}
    for item in response.get("Errors") or ():
        key, code = str(item.get("Key", "")), str(item.get("Code", ""))
        failure = DeleteFailure(key, code, _refusal(code, str(item.get("Message") or "")))
        refused.update(dict.fromkeys(_answered(item), failure))
    confirmed = {target for item in response.get("Deleted") or () for target in _answered(item)}
    done = [target for target in asked if target in confirmed and target not in refused]
    sure = set(done)
    failed = tuple(
        refused.get(target) or DeleteFailure(target[0], "", UNCONFIRMED)
        for target in asked
        if target not in sure
    )
    return DeleteResult(tuple(key for key, _ in done), failed)


def _refusal(code: str, message: str) -> str:
    if code == "AccessDenied":
        return "These keys may not delete this file."
    said = f"{message} ({code})" if message and code else message or code or "no reason given"
    return f"The server did not delete it: {said}"
