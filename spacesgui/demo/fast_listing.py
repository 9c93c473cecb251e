"""Answer ListObjects and ListObjectsV2 quickly for the demo's buckets.

Why this patch exists: in moto 5 a 1000-key page of a 100,000-key bucket costs ~0.5 s in
two places. `S3Backend.list_objects` copies, filters and sorts every key of the bucket for
each page (fixed by `SortedKeyStore`), and the generic response serializer then turns each
key's LastModified text back into a datetime through dateutil before writing it out again
(~0.35 s per 1000 keys on its own). So while a `DemoServer` runs, `S3Response.list_objects`
and `list_objects_v2` are replaced by versions that, for buckets whose key store is a
`SortedKeyStore`, read one page from the index and write the ListBucketResult XML directly.
Every other bucket, and any unexpected failure, goes to moto's own code unchanged. The patch
is installed by `DemoServer.start()` and removed by `stop()`; importing spacesgui changes
nothing.
"""

from __future__ import annotations

import base64
import binascii
import logging
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

from moto import settings
from moto.s3.exceptions import InvalidContinuationToken, S3ClientError
from moto.s3.models import FakeKey
from moto.s3.responses import S3Response
from moto.s3.utils import _VersionedKeyStore

from spacesgui.demo.sorted_store import SortedKeyStore

logger = logging.getLogger(__name__)

_Handler = Callable[[Any], Any]

_TOKEN_PREFIX = "demo1."
_XML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
)
# The owner moto reports for every object.
_OWNER = (
    "<Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>"
    "<DisplayName>webfile</DisplayName></Owner>"
)

_lock = threading.Lock()
_installs = 0
_originals: dict[str, _Handler] = {}
_owned: set[str] = set()  # patched names that S3Response defined itself (not inherited)


def install() -> bool:
    """Route S3 listings of `SortedKeyStore` buckets to the fast path; say whether it is active.

    Counted: each successful call needs one `uninstall()`. Runs on the caller's thread.
    """
    global _installs
    with _lock:
        if _installs == 0:
            missing = [n for n in _PATCHES if not callable(getattr(S3Response, n, None))]
            if missing:
                logger.warning(
                    "moto's S3Response has no %s; the demo lists with moto's own (slower) code",
                    ", ".join(missing),
                )
                return False
            for name, handler in _PATCHES.items():
                _originals[name] = getattr(S3Response, name)
                if name in vars(S3Response):
                    _owned.add(name)
                setattr(S3Response, name, handler)
        _installs += 1
        return True


def uninstall() -> None:
    """Undo one `install()`; the last one puts moto's methods back."""
    global _installs
    with _lock:
        if _installs == 0:
            return
        _installs -= 1
        if _installs:
            return
        for name, original in _originals.items():
            if name in _owned:
                setattr(S3Response, name, original)
            else:
                delattr(S3Response, name)
        # _originals stays filled: a request of another in-process moto server that looked up
        # a patched method just before this still needs the original to fall back to.
        _owned.clear()


def use_sorted_store(bucket: Any) -> bool:
    """Give a moto bucket a `SortedKeyStore` (keeping its objects); say whether it has one.

    Call it right after creating the bucket: a write racing with the swap could be lost.
    """
    keys = getattr(bucket, "keys", None)
    if isinstance(keys, SortedKeyStore):
        return True
    if not isinstance(keys, _VersionedKeyStore):
        logger.warning("moto bucket has an unexpected key store %r; not indexing it", type(keys))
        return False
    bucket.keys = SortedKeyStore.adopt(keys)
    return True


# -- the patched handlers (they run on moto's request threads) ------------------------------


def _list_objects_v2(self: Any) -> Any:
    return _dispatch(self, "list_objects_v2", _render_v2)


def _list_objects(self: Any) -> Any:
    return _dispatch(self, "list_objects", _render_v1)


_PATCHES: dict[str, _Handler] = {
    "list_objects_v2": _list_objects_v2,
    "list_objects": _list_objects,
}


def _dispatch(response: Any, name: str, render: Callable[[Any, Any, SortedKeyStore], str]) -> Any:
    original = _originals[name]
    bucket = response.backend.get_bucket(response.bucket_name)
    store = getattr(bucket, "keys", None)
    if not isinstance(store, SortedKeyStore):
        return original(response)
    try:
        body = render(response, bucket, store)
    except S3ClientError:
        raise
    except Exception:
        logger.warning("Fast demo listing failed; answering with moto's own code", exc_info=True)
        return original(response)
    response.data["Action"] = "ListObjectsV2" if name == "list_objects_v2" else "ListObjects"
    return 200, {"Content-Type": "application/xml"}, body


def _params(response: Any) -> tuple[str, str, int, str | None]:
    """Read prefix, delimiter, max-keys and encoding-type the way moto's handlers do."""
    raw = response._get_querystring(response.request, response.uri)
    prefix = raw.get("prefix", [None])[0] or ""
    if isinstance(prefix, bytes):
        prefix = prefix.decode("utf-8")
    query = response.querystring
    delimiter = query.get("delimiter", [None])[0] or ""
    max_keys = int(query.get("max-keys", [settings.get_s3_default_max_keys()])[0])
    encoding = query.get("encoding-type", [None])[0]
    return prefix, delimiter, max_keys, encoding


def _render_v2(response: Any, bucket: Any, store: SortedKeyStore) -> str:
    prefix, delimiter, max_keys, encoding = _params(response)
    query = response.querystring
    token = query.get("continuation-token", [None])[0]
    start_after = query.get("start-after", [None])[0]
    fetch_owner = str(query.get("fetch-owner", ["false"])[0]).lower() == "true"
    if token is not None:
        after: str | None = _decode_token(response.backend, token)
    else:
        after = start_after
    entries, truncated = store.page(prefix, delimiter, after, max_keys)
    text = _encoder(encoding)
    out = [_XML_HEAD, _element("Name", escape(bucket.name)), _element("Prefix", text(prefix))]
    if token is not None:
        out.append(_element("ContinuationToken", escape(token)))
    if start_after is not None:
        out.append(_element("StartAfter", text(start_after)))
    out.append(f"<KeyCount>{len(entries)}</KeyCount><MaxKeys>{max_keys}</MaxKeys>")
    if delimiter:
        out.append(_element("Delimiter", text(delimiter)))
    out.append(f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>")
    if truncated:
        out.append(_element("NextContinuationToken", _encode_token(_name(entries[-1]))))
    if encoding:
        out.append(_element("EncodingType", escape(encoding)))
    _append_entries(out, entries, text, owner=fetch_owner)
    out.append("</ListBucketResult>")
    return "".join(out)


def _render_v1(response: Any, bucket: Any, store: SortedKeyStore) -> str:
    prefix, delimiter, max_keys, encoding = _params(response)
    marker = response.querystring.get("marker", [None])[0]
    # moto hands out hashed markers and maps them back; accept those as well as key names.
    after = (getattr(response.backend, "_pagination_tokens", {}).get(marker) or marker) or None
    entries, truncated = store.page(prefix, delimiter, after, max_keys)
    text = _encoder(encoding)
    out = [
        _XML_HEAD,
        _element("Name", escape(bucket.name)),
        _element("Prefix", text(prefix)),
        _element("Marker", text(marker or "")),
        f"<MaxKeys>{max_keys}</MaxKeys>",
    ]
    if delimiter:
        out.append(_element("Delimiter", text(delimiter)))
    out.append(f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>")
    if truncated:
        out.append(_element("NextMarker", text(_name(entries[-1]))))
    if encoding:
        out.append(_element("EncodingType", escape(encoding)))
    _append_entries(out, entries, text, owner=True)
    out.append("</ListBucketResult>")
    return "".join(out)


def _append_entries(
    out: list[str], entries: list[FakeKey | str], text: Callable[[str], str], *, owner: bool
) -> None:
    folders: list[str] = []
    for entry in entries:
        if isinstance(entry, str):
            folders.append(f"<CommonPrefixes><Prefix>{text(entry)}</Prefix></CommonPrefixes>")
            continue
        checksum = entry.checksum_algorithm
        out.append(
            f"<Contents><Key>{text(entry.name)}</Key>"
            f"<LastModified>{entry.last_modified_ISO8601}</LastModified>"
            f"<ETag>{escape(entry.etag)}</ETag><Size>{entry.size}</Size>"
            f"<StorageClass>{escape(entry.storage_class or 'STANDARD')}</StorageClass>"
            + (_OWNER if owner else "")
            + (f"<ChecksumAlgorithm>{escape(checksum)}</ChecksumAlgorithm>" if checksum else "")
            + "</Contents>"
        )
    out.extend(folders)


def _element(tag: str, text: str) -> str:
    return f"<{tag}>{text}</{tag}>"


def _encoder(encoding: str | None) -> Callable[[str], str]:
    """Return how names are written: URL-encoded when asked (boto3 always asks), else escaped."""
    if encoding == "url":
        return lambda value: quote(value, safe="/")
    return escape


def _name(entry: FakeKey | str) -> str:
    return entry if isinstance(entry, str) else str(entry.name)


def _encode_token(name: str) -> str:
    return _TOKEN_PREFIX + base64.urlsafe_b64encode(name.encode("utf-8")).decode("ascii")


def _decode_token(backend: Any, token: str) -> str:
    """Return the name a continuation token continues after, or raise InvalidContinuationToken."""
    known = getattr(backend, "_pagination_tokens", {}).get(token)
    if known is not None:
        return str(known)
    if token.startswith(_TOKEN_PREFIX):
        try:
            return base64.urlsafe_b64decode(token[len(_TOKEN_PREFIX) :]).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            pass
    raise InvalidContinuationToken()
