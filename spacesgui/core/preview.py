"""What a preview shows of an object, and how many of its bytes that takes. Pure Python.

The preview pane asks `plan_preview` what to do with the selected object: fetch the
first bytes of a text file (one Range request), the whole of a not-too-large image, or
nothing at all (a details card from HEAD). The decisions and the byte caps live here so
they are tested without a server or a GUI.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
from dataclasses import dataclass, field
from enum import Enum

from spacesgui.core.filetypes import FileKind, file_kind
from spacesgui.core.formatting import human_size
from spacesgui.core.svg_safety import SVG_MAX_BYTES

# Text, code, JSON, CSV and Markdown: the first 256 KiB, fetched with `Range: bytes=0-262143`.
TEXT_MAX_BYTES = 256 * 1024
# A picture is decoded whole; bigger ones get a details card instead of a 200 MB download.
IMAGE_MAX_BYTES = 20 * 1024 * 1024
# Thumbnails read a smaller share: a grid of 5,000 cells must not pull gigabytes.
THUMBNAIL_MAX_BYTES = 8 * 1024 * 1024
THUMBNAIL_SIZE = 128  # pixels, the longer side
# Part of every thumbnail's cache name: raise it when thumbnails must be drawn again. 2: SVG
# thumbnails drawn before the SVG sanitiser was rewritten may show files of this computer.
THUMBNAIL_DRAWING = 2
PREVIEW_IMAGE_SIZE = 2048  # a preview is scaled down to this while decoded, bounding memory
CSV_MAX_ROWS = 500
CSV_MAX_COLUMNS = 50
# A file whose first bytes hold a NUL (or too many control bytes) is not shown as text.
_BINARY_CONTROL_SHARE = 0.1

# Formats Qt's image plugins decode; SVG is drawn by QtSvg, its outside references cut first
# (core/svg_safety.py). A gzipped .svgz stays a details card: its size says nothing of what
# it holds once inflated.
_DECODED_IMAGES = frozenset(["png", "jpg", "jpeg", "jpe", "gif", "bmp", "webp", "ico", "tif", "tiff", "svg"])
_MARKDOWN = frozenset(["md", "markdown"])
_JSON = frozenset(["json", "ipynb"])
_CSV = frozenset(["csv", "tsv"])
_PLAIN = frozenset(["txt", "text", "log", "rst", "nfo", "tex"])


class PreviewKind(Enum):
    IMAGE = "image"
    TEXT = "text"
    CODE = "code"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"
    DETAILS = "details"  # audio, video, archives, too big, or empty: size, type, dates, metadata
    FOLDER = "folder"


@dataclass(frozen=True, slots=True)
class PreviewPlan:
    """What to fetch for a preview: `max_bytes` of the object (0: nothing but HEAD)."""

    kind: PreviewKind
    max_bytes: int = 0
    note: str = ""  # why the preview is less than the file (too big, empty…)


@dataclass(frozen=True, slots=True)
class ObjectStart:
    """The first bytes of an object, and what the GET said about the whole object."""

    key: str
    data: bytes
    size: int  # the whole object's
    etag: str = ""
    content_type: str = ""
    last_modified: float = 0.0
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def truncated(self) -> bool:
        return len(self.data) < self.size


def _extension(key: str) -> str:
    name = key[key.rfind("/") + 1 :]
    dot = name.rfind(".")
    return name[dot + 1 :].lower() if 0 < dot < len(name) - 1 else ""


def preview_kind(key: str, content_type: str = "") -> PreviewKind:
    """The kind of preview for `key`, from its extension, else from its Content-Type."""
    if key.endswith("/"):
        return PreviewKind.FOLDER
    ext = _extension(key)
    if ext in _DECODED_IMAGES:
        return PreviewKind.IMAGE
    if ext in _MARKDOWN:
        return PreviewKind.MARKDOWN
    if ext in _JSON:
        return PreviewKind.JSON
    if ext in _CSV:
        return PreviewKind.CSV
    if ext in _PLAIN:
        return PreviewKind.TEXT
    kind = file_kind(key)
    if kind == FileKind.CODE:
        return PreviewKind.CODE
    mime = content_type.split(";", 1)[0].strip().lower()
    if not ext and mime:
        return _kind_of_mime(mime)
    return PreviewKind.DETAILS


def _kind_of_mime(mime: str) -> PreviewKind:
    if mime in ("image/png", "image/jpeg", "image/gif", "image/bmp", "image/webp", "image/svg+xml"):
        return PreviewKind.IMAGE
    if mime == "application/json":
        return PreviewKind.JSON
    if mime == "text/markdown":
        return PreviewKind.MARKDOWN
    if mime == "text/csv":
        return PreviewKind.CSV
    if mime.startswith("text/"):
        return PreviewKind.TEXT
    return PreviewKind.DETAILS


def plan_preview(key: str, size: int, content_type: str = "") -> PreviewPlan:
    """What to fetch to preview `key` of `size` bytes."""
    kind = preview_kind(key, content_type)
    if kind in (PreviewKind.FOLDER, PreviewKind.DETAILS):
        return PreviewPlan(kind)
    if size <= 0:
        return PreviewPlan(PreviewKind.DETAILS, note="This file is empty.")
    if kind == PreviewKind.IMAGE:
        if is_svg(key, content_type) and size > SVG_MAX_BYTES:
            return PreviewPlan(
                PreviewKind.DETAILS,
                note=f"This drawing is larger than {SVG_MAX_BYTES // (1024 * 1024)} MB, "
                "so it is not drawn for a preview.",
            )
        if size > IMAGE_MAX_BYTES:
            return PreviewPlan(
                PreviewKind.DETAILS,
                note=f"This picture is larger than {IMAGE_MAX_BYTES // (1024 * 1024)} MB, "
                "so it is not downloaded for a preview.",
            )
        return PreviewPlan(kind, size)
    return PreviewPlan(kind, min(size, TEXT_MAX_BYTES))


def is_svg(key: str, content_type: str = "") -> bool:
    """Whether `key` is an SVG drawing, by its extension or else its Content-Type."""
    ext = _extension(key)
    return ext == "svg" or (not ext and content_type.split(";", 1)[0].strip().lower() == "image/svg+xml")


def looks_binary(data: bytes) -> bool:
    """Whether `data` (a file's first bytes) is not text: a NUL, or many control bytes."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(sample) and controls / len(sample) > _BINARY_CONTROL_SHARE


def decode_text(data: bytes, *, truncated: bool = False) -> str:
    """The text of a file's first bytes: UTF-8 (a cut character at the end dropped), else
    UTF-16 with a byte-order mark, else Latin-1, which decodes anything."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        decoder = codecs.getincrementaldecoder("utf-8")()
        # final=False keeps a character the range cut in half out of the text.
        return decoder.decode(data, final=not truncated)
    except UnicodeDecodeError:
        return data.decode("latin-1")


def pretty_json(text: str) -> tuple[str, bool]:
    """`text` indented, and whether it parsed (a cut or broken JSON is shown as it is)."""
    try:
        value = json.loads(text)
    except ValueError:
        return text, False
    return json.dumps(value, indent=2, ensure_ascii=False), True


def parse_csv(text: str, *, tab: bool = False) -> list[list[str]]:
    """Up to CSV_MAX_ROWS rows of CSV_MAX_COLUMNS cells; the delimiter is sniffed."""
    if tab:
        delimiter = "\t"
    else:
        try:
            delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    rows: list[list[str]] = []
    lines = text.splitlines()
    for row in csv.reader(lines, delimiter=delimiter):
        rows.append(row[:CSV_MAX_COLUMNS])
        if len(rows) >= CSV_MAX_ROWS:
            break
    return rows


def thumbnail_key(endpoint: str, bucket: str, key: str, etag: str) -> str:
    """The disk-cache name of a thumbnail: a new ETag (new bytes) is a new entry."""
    text = "\n".join((endpoint.rstrip("/"), bucket, key, etag, str(THUMBNAIL_SIZE), str(THUMBNAIL_DRAWING)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def can_thumbnail(key: str, size: int) -> bool:
    """Whether the icons view fetches a thumbnail of `key` (a decodable image, small enough)."""
    cap = SVG_MAX_BYTES if is_svg(key) else THUMBNAIL_MAX_BYTES
    return preview_kind(key) == PreviewKind.IMAGE and 0 < size <= cap


def size_text(size: int) -> str:
    """“1.6 MB (1,572,864 bytes)”, or “12 bytes”."""
    return human_size(size) if size < 1000 else f"{human_size(size)} ({size:,} bytes)"
