"""A fast parser for ListObjects(V2) responses, hooked into botocore.

botocore's generic XML parser costs ~30 ms per 1,000-key page, which alone would make a
100,000-key folder take seconds to list. ElementTree's C parser does the same page in a
few milliseconds. The hook fills botocore's `customized_response_dict` with the same
shape botocore would produce (less each object's Owner, which nothing reads) and hands botocore an empty result to parse, so every other
handler (URL-decoding of keys, retries, errors) still runs as usual. Anything unexpected
leaves the response untouched for botocore to parse.
"""

from __future__ import annotations

import gc
import logging
import threading
from typing import Any
from xml.etree import ElementTree

from botocore import handlers as _botocore_handlers

# botocore's own check, skipped for listings (see _handle_200_error_unless_listing); None
# on a botocore without it: then nothing is skipped.
_handle_200_error: Any = getattr(_botocore_handlers, "_handle_200_error", None)

log = logging.getLogger(__name__)

_INT_FIELDS = {"MaxKeys", "KeyCount", "Size"}
_BOOL_FIELDS = {"IsTruncated"}
FEED_SLICE = 16 * 1024
_EMPTY_RESULT = b'<?xml version="1.0" encoding="UTF-8"?><ListBucketResult></ListBucketResult>'


class _ErrorDocument(ValueError):
    """The body is an S3 <Error> document, though the status was 200."""


_LOCAL_NAMES: dict[str, str] = {}  # "{namespace}Key" → "Key": a page has ~10 distinct tags


def _local(tag: str) -> str:
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = tag.rpartition("}")[2]
        if len(_LOCAL_NAMES) < 256:  # bounded: a server's tags are few, but never trust a body
            _LOCAL_NAMES[tag] = name
    return name


def _scalar(name: str, text: str | None) -> Any:
    text = text or ""
    if name in _INT_FIELDS:
        return int(text or 0)
    if name in _BOOL_FIELDS:
        return text.strip().lower() == "true"
    return text


class _CollectorPause:
    """Holds off CPython's cyclic garbage collector while a page is parsed, from any thread.

    A 1,000-key page is ~7,000 ElementTree elements, each a container the collector tracks.
    Collections that run while they are alive promote them to older generations, so a
    million-key listing set off a full collection every second or so (~100 ms with the GIL
    held: a frozen window). With the collector held off for the few milliseconds a page
    takes, the elements are freed by reference counting before any collection sees them.
    Counted, so overlapping listings on several threads leave it enabled exactly when the
    last one ends; it never turns on a collector someone else had turned off.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._disabled_here = False

    def __enter__(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._disabled_here = gc.isenabled()
                gc.disable()
            self._depth += 1

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._disabled_here:
                gc.enable()


_collector_pause = _CollectorPause()


def parse_listing(body: bytes) -> dict[str, Any]:
    """Parse a ListBucketResult document into botocore's response shape."""
    with _collector_pause:
        return _parse_listing(body)


def _parse_listing(body: bytes) -> dict[str, Any]:
    parser = ElementTree.XMLParser()
    # In slices: the C parser holds the GIL for a whole feed() call, and a 1,000-key page
    # in one call would keep the GUI thread waiting for its ~10-20 ms.
    for start in range(0, len(body), FEED_SLICE):
        parser.feed(body[start : start + FEED_SLICE])
    root = parser.close()
    if _local(root.tag) == "Error":
        raise _ErrorDocument("an S3 error document")
    if _local(root.tag) != "ListBucketResult":
        raise ValueError(f"unexpected root element {root.tag!r}")
    result: dict[str, Any] = {}
    contents: list[dict[str, Any]] = []
    prefixes: list[dict[str, str]] = []
    names = _LOCAL_NAMES
    for child in root:
        name = _local(child.tag)
        if name == "Contents":  # ~1,000 a page: the hot loop, so _scalar is inlined
            item: dict[str, Any] = {}
            for field in child:
                field_name = names.get(field.tag) or _local(field.tag)
                if field_name == "Size":
                    item["Size"] = int(field.text or 0)
                elif field_name == "Owner":
                    # Left out on purpose: nothing reads a listing's owner, and a nested dict
                    # would make every item a container the garbage collector must track. With
                    # only strings and ints in it CPython leaves an item untracked, so a
                    # million-key listing never makes full collections (GUI stalls) longer.
                    continue
                elif field_name == "ChecksumAlgorithm":
                    item.setdefault("ChecksumAlgorithm", []).append(field.text or "")
                else:
                    item[field_name] = field.text or ""
            contents.append(item)
        elif name == "CommonPrefixes":
            for field in child:
                if _local(field.tag) == "Prefix":
                    prefixes.append({"Prefix": field.text or ""})
        else:
            result[name] = _scalar(name, child.text)
    if contents:
        result["Contents"] = contents
    if prefixes:
        result["CommonPrefixes"] = prefixes
    return result


def before_parse_listing(
    response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any
) -> None:
    """botocore `before-parse.s3.ListObjects*` handler; runs on the calling thread."""
    if response_dict.get("status_code") != 200:
        return
    body = response_dict.get("body")
    if not isinstance(body, bytes) or not body:
        return
    try:
        parsed = parse_listing(body)
    except ElementTree.ParseError as exc:
        # A body cut short by the network: a 500, so botocore retries (as its own check does).
        log.debug("listing body unreadable, retrying: %s", exc)
        response_dict["status_code"] = 500
        return
    except _ErrorDocument:
        response_dict["status_code"] = 500  # S3's "200 with an error inside": botocore retries
        return
    except ValueError as exc:
        log.debug("fast listing parse skipped: %s", exc)
        return
    customized_response_dict.update(parsed)
    response_dict["body"] = _EMPTY_RESULT


_LISTINGS = frozenset({"ListObjectsV2", "ListObjects"})


def _handle_200_error_unless_listing(operation_model: Any, response_dict: Any, **kwargs: Any) -> None:
    """botocore's check for S3's "200 with an error inside", except on listings.

    botocore parses every 200 body of every S3 call once more just to look at its root
    element; on a 1,000-key listing page that is as costly as reading the page. Listings
    get the same check from `before_parse_listing`, which parses the body anyway.
    """
    if getattr(operation_model, "name", "") in _LISTINGS:
        return
    _handle_200_error(operation_model, response_dict, **kwargs)


def install(events: Any) -> None:
    """Register the fast parser on a client's event system."""
    for operation in _LISTINGS:
        events.register(f"before-parse.s3.{operation}", before_parse_listing)
    if _handle_200_error is not None:
        events.unregister("before-parse.s3.*", _handle_200_error)
        events.register_first("before-parse.s3.*", _handle_200_error_unless_listing)
