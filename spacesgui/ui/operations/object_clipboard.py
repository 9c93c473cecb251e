"""Objects on the clipboard: Copy and Cut put them there (with their paths as text), Paste reads them.

The text is what Copy Path always gave (one s3:// path per line), so pasting into a
terminal or a chat still works; the objects ride along in a format of our own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QMimeData

from spacesgui.core.keys import Location
from spacesgui.core.listing import ObjectRef
from spacesgui.ui.mime_types import OBJECTS_MIME


@dataclass(frozen=True, slots=True)
class ClippedObjects:
    """What Copy or Cut put on the clipboard: objects of one Space of one account."""

    account_id: str
    bucket: str
    refs: tuple[ObjectRef, ...]
    cut: bool


def objects_mime(clipped: ClippedObjects) -> QMimeData:
    mime = QMimeData()
    mime.setText("\n".join(Location(clipped.bucket, "").url() + ref.key for ref in clipped.refs))
    payload = {
        "account": clipped.account_id,
        "bucket": clipped.bucket,
        "cut": clipped.cut,
        "objects": [
            {"key": r.key, "folder": r.is_folder, "size": r.size, "etag": r.etag, "mtime": r.last_modified}
            for r in clipped.refs
        ],
    }
    mime.setData(OBJECTS_MIME, QByteArray(json.dumps(payload).encode("utf-8")))
    return mime


def clipped_objects(mime: QMimeData | None) -> ClippedObjects | None:
    """The objects `mime` carries, or None (no objects of ours, or unreadable)."""
    if mime is None or not mime.hasFormat(OBJECTS_MIME):
        return None
    try:
        payload = json.loads(bytes(mime.data(OBJECTS_MIME).data()).decode("utf-8"))
        refs = tuple(
            ObjectRef(str(o["key"]), bool(o["folder"]), int(o["size"]), str(o["etag"]), float(o["mtime"]))
            for o in payload["objects"]
        )
        return ClippedObjects(str(payload["account"]), str(payload["bucket"]), refs, bool(payload["cut"]))
    except (ValueError, KeyError, TypeError):
        return None
