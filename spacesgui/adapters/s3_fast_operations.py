"""CopyObject and DeleteObjects on the transfer process's fast path (aiohttp, botocore's signer).

A folder rename is a CopyObject per key, then DeleteObjects of the sources; through boto3
each request costs ~2 ms of Python, which on two CPUs made a 1,000-key rename take twice
as long as s5cmd's (bench/operations.py). Here the request is built and its small XML
answer parsed directly (ElementTree's C parser), signed as every fast-path request is
(s3_fast_data.py): the same headers boto3 sends, the same answers, the same errors.

- DeleteObjects: the keys in the XML body (never the URL), Quiet off so the server names
  every key it deleted, Content-MD5 of the body. Keys XML cannot carry never come here
  (s3_operations deletes them one by one).
- CopyObject: `x-amz-copy-source` quoted as botocore quotes it, MetadataDirective COPY, only
  while the source has the listed ETag (`x-amz-copy-source-if-match`), a canned ACL only to
  make the copy public. S3 may answer 200 with an <Error> document; that is an error.
- GetObjectAcl of a copy's source, where the server keeps ACLs (CopyObject copies none).

Threads: the engine's workers call the blocking methods and wait on the event loop;
`copy_small` is a coroutine the engine runs on the loop itself (engine/loop_jobs.py), so a
folder of small objects is copied with no worker thread per object.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from spacesgui.adapters.s3_copy import (
    acl_to_copy,
    acl_unreadable,
    answer_checks_copy,
    listed_copy_result,
    not_onto_itself,
)
from spacesgui.adapters.s3_details import acl_from_response
from spacesgui.adapters.s3_operations import NO_ACLS
from spacesgui.core.errors import AccessDenied, NotSupported, ServerError
from spacesgui.core.multipart import strip_etag
from spacesgui.core.operations import MAX_COPY_OBJECT_SIZE, CopyResult, ObjectDetails
from spacesgui.core.transfers import PRIVATE

if TYPE_CHECKING:
    from spacesgui.adapters.event_loop import EventLoopThread
    from spacesgui.adapters.s3_fast_answers import Answer
    from spacesgui.core.errors import SpacesError

_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"


def delete_body(keys: list[str]) -> bytes:
    """The DeleteObjects XML body for `keys` (each XML-safe), Quiet off."""
    objects = "".join(f"<Object><Key>{escape(key)}</Key></Object>" for key in keys)
    return f'<Delete xmlns="{_XMLNS}">{objects}<Quiet>false</Quiet></Delete>'.encode()


def copy_source(bucket: str, key: str) -> str:
    """The x-amz-copy-source header as botocore writes it for {"Bucket": …, "Key": …}."""
    return f"{bucket}/{quote(key, safe='/~')}"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(root: ElementTree.Element) -> Iterator[tuple[str, dict[str, str]]]:
    """(local tag, {child's local tag: its text}) of each child of `root`."""
    for element in root:
        yield _local(element.tag), {_local(child.tag): child.text or "" for child in element}


def parse_delete_answer(body: bytes) -> dict[str, Any]:
    """A DeleteObjects answer in boto3's shape ({"Deleted": [...], "Errors": [...]}).

    Raises ValueError when the body is not a DeleteResult (an <Error> document included).
    """
    root = ElementTree.fromstring(body)
    if _local(root.tag) != "DeleteResult":
        raise ValueError(f"a <{_local(root.tag)}> document where <DeleteResult> was expected")
    deleted: list[dict[str, str]] = []
    errors: list[dict[str, str]] = []
    for tag, fields in _children(root):
        if tag == "Deleted":
            deleted.append({"Key": fields.get("Key", "")})
        elif tag == "Error":
            errors.append(
                {
                    "Key": fields.get("Key", ""),
                    "Code": fields.get("Code", ""),
                    "Message": fields.get("Message", ""),
                }
            )
    return {"Deleted": deleted, "Errors": errors}


def parse_copy_answer(body: bytes) -> str:
    """The ETag of a CopyObject answer ("" when it names none).

    Raises ValueError when the body is not a CopyObjectResult (S3 answers some failed copies
    with 200 and an <Error> document).
    """
    root = ElementTree.fromstring(body)
    if _local(root.tag) != "CopyObjectResult":
        raise ValueError(f"a <{_local(root.tag)}> document where <CopyObjectResult> was expected")
    for element in root:
        if _local(element.tag) == "ETag":
            return (element.text or "").strip().strip('"')
    return ""


def parse_acl_answer(body: bytes) -> dict[str, Any]:
    """A GetObjectAcl answer in boto3's shape ({"Owner": {...}, "Grants": [{"Grantee", "Permission"}]}).

    Raises ValueError when the body is not an AccessControlPolicy.
    """
    root = ElementTree.fromstring(body)
    if _local(root.tag) != "AccessControlPolicy":
        raise ValueError(f"a <{_local(root.tag)}> document where <AccessControlPolicy> was expected")
    owner: dict[str, str] = {}
    grants: list[dict[str, Any]] = []
    for element in root:
        tag = _local(element.tag)
        if tag == "Owner":
            owner = {_local(child.tag): child.text or "" for child in element}
        elif tag == "AccessControlList":
            for grant in element:
                fields = {_local(part.tag): part for part in grant}
                grantee = fields.get("Grantee")
                permission = fields.get("Permission")
                grants.append(
                    {
                        "Grantee": {} if grantee is None else {_local(c.tag): c.text or "" for c in grantee},
                        "Permission": "" if permission is None else permission.text or "",
                    }
                )
    return {"Owner": owner, "Grants": grants}


def bucket_url(object_url: str) -> str:
    """The bucket's own URL from the URL of its key "": path style loses its last "/"."""
    path = urlsplit(object_url).path
    return object_url[:-1] if path not in ("", "/") and object_url.endswith("/") else object_url


class FastOperations:
    """DeleteObjects and CopyObject requests for FastS3Store (which provides the rest)."""

    if TYPE_CHECKING:
        _loop: EventLoopThread
        endpoint: str

        def url(self, bucket: str, key: str) -> str: ...

        async def _send(
            self, operation: str, bucket: str, method: str, url: str, headers: dict[str, str], data: Any
        ) -> Answer: ...

        def _error(self, operation: str, bucket: str, status: int, body: bytes) -> SpacesError: ...

        def acl_support(self, bucket: str) -> bool: ...

        def acl_support_known(self, bucket: str) -> bool | None: ...

        def _remember_acl_support(self, bucket: str, supported: bool) -> None: ...

        def _acl_for_copy_unread(
            self, bucket: str, wanted: str | None
        ) -> tuple[str, tuple[str, ...]] | None: ...

        def head_details(self, bucket: str, key: str) -> ObjectDetails: ...

        def copy_listed(
            self, source_bucket: str, source_key: str, bucket: str, key: str, *, size: int, etag: str,
            acl: str | None = None, multipart_threshold: int = MAX_COPY_OBJECT_SIZE,
        ) -> CopyResult: ...  # fmt: skip

    def _delete_request(self, bucket: str, keys: list[str]) -> Any:
        """One DeleteObjects request for `keys`; its answer as boto3 shapes it (see s3_operations)."""
        body = delete_body(keys)
        headers = {
            "Content-MD5": base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode(),
            "Content-Length": str(len(body)),
        }
        url = bucket_url(self.url(bucket, "")) + "?delete"
        answer = self._loop.run(self._send("DeleteObjects", bucket, "POST", url, headers, body))
        try:
            return parse_delete_answer(answer.body)
        except (ValueError, ElementTree.ParseError) as exc:
            raise self._unreadable("DeleteObjects", bucket, answer.body, exc) from exc

    def _copy_request(
        self, source_bucket: str, source_key: str, bucket: str, key: str, *, if_match: str, acl: str
    ) -> str:
        """One CopyObject request, as S3CopyOps._copy_request sends it through boto3; the new ETag."""
        return self._loop.run(
            self._copy_send(source_bucket, source_key, bucket, key, if_match=if_match, acl=acl)
        )

    async def _copy_send(
        self, source_bucket: str, source_key: str, bucket: str, key: str, *, if_match: str, acl: str
    ) -> str:
        headers = {
            "x-amz-copy-source": copy_source(source_bucket, source_key),
            "x-amz-metadata-directive": "COPY",
            "x-amz-copy-source-if-match": f'"{strip_etag(if_match)}"',
            "Content-Length": "0",
        }
        if acl and acl != PRIVATE:  # as header_params: private is the default without a header
            headers["x-amz-acl"] = acl
        answer = await self._send("CopyObject", bucket, "PUT", self.url(bucket, key), headers, b"")
        try:
            return parse_copy_answer(answer.body)
        except (ValueError, ElementTree.ParseError) as exc:
            raise self._unreadable("CopyObject", bucket, answer.body, exc) from exc

    async def copy_small(
        self, source_bucket: str, source_key: str, bucket: str, key: str, *, size: int, etag: str
    ) -> CopyResult:
        """copy_listed (keeping the source's access) as a coroutine on the loop.

        What would block the loop goes to a thread: asking once whether a bucket keeps
        ACLs, a HeadObject where the answer cannot check the copy, and objects CopyObject
        cannot copy in one request (copy_listed's parts).
        """
        if size > MAX_COPY_OBJECT_SIZE or not etag:
            return await asyncio.to_thread(
                self.copy_listed, source_bucket, source_key, bucket, key, size=size, etag=etag
            )
        not_onto_itself(source_bucket, source_key, bucket, key)
        if self.acl_support_known(bucket) is None:
            await asyncio.to_thread(self.acl_support, bucket)  # one GetBucketAcl, then remembered
        known = self._acl_for_copy_unread(bucket, None)  # answered from memory now
        canned, notes = known if known is not None else await self._source_acl(source_bucket, source_key)
        copied = await self._copy_send(source_bucket, source_key, bucket, key, if_match=etag, acl=canned)
        target = None
        if not answer_checks_copy(etag, copied):
            target = await asyncio.to_thread(self.head_details, bucket, key)
        return listed_copy_result(
            source_bucket, source_key, bucket, key, size=size, etag=etag, copied=copied, canned=canned,
            notes=notes, target=target,
        )  # fmt: skip

    async def _source_acl(self, bucket: str, key: str) -> tuple[str, tuple[str, ...]]:
        """S3CopyOps._acl_for_copy's reading of the source's ACL: one GetObjectAcl on the loop."""
        supported = self.acl_support_known(bucket)
        if supported is None:
            supported = await asyncio.to_thread(self.acl_support, bucket)
        if not supported:  # as get_acl: no ACL call to a bucket that keeps none
            return acl_unreadable(bucket, key, NotSupported(NO_ACLS))
        try:
            answer = await self._send("GetObjectAcl", bucket, "GET", self.url(bucket, key) + "?acl", {}, None)
        except NotSupported:
            self._remember_acl_support(bucket, False)
            return acl_unreadable(bucket, key, NotSupported(NO_ACLS))
        except (AccessDenied, ServerError) as exc:
            return acl_unreadable(bucket, key, exc)
        try:
            return acl_to_copy(acl_from_response(parse_acl_answer(answer.body)))
        except (ValueError, ElementTree.ParseError) as exc:
            return acl_unreadable(bucket, key, self._unreadable("GetObjectAcl", bucket, answer.body, exc))

    def _unreadable(self, operation: str, bucket: str, body: bytes, exc: Exception) -> SpacesError:
        """The error for a 200 answer that is not the result: an <Error> document, or garbage."""
        if b"<Error" in body[:512]:
            return self._error(operation, bucket, 200, body)
        return ServerError(
            f"{self.endpoint} answered {operation} with something that is not S3's answer; "
            "nothing was assumed done. Try again.",
            detail=f"{operation} on {self.endpoint}: {exc}: {body[:200]!r}",
        )


__all__ = [
    "FastOperations",
    "bucket_url",
    "copy_source",
    "delete_body",
    "parse_acl_answer",
    "parse_copy_answer",
    "parse_delete_answer",
]
