"""The Content-Type an uploaded file gets: from its name, else from its first bytes."""

from __future__ import annotations

import codecs
import mimetypes

OCTET_STREAM = "application/octet-stream"
UTF8_TEXT = "text/plain; charset=utf-8"
SNIFF_BYTES = 512  # how much of the file's start callers should pass as `head`

# Types that Python's built-in table lacks, or gives differently from one version to the
# next; checked before it. Kept here rather than in mimetypes' global registry, which the
# whole process shares.
_EXTRAS = {
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".heic": "image/heic",
    ".mkv": "video/x-matroska",
    ".webm": "video/webm",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".ogv": "video/ogg",
    ".m4a": "audio/mp4",
    ".flac": "audio/flac",
    ".apng": "image/apng",
    ".jxl": "image/jxl",
    ".map": "application/json",  # source maps
    ".jsonld": "application/ld+json",
    ".gltf": "model/gltf+json",
    ".glb": "model/gltf-binary",
    ".ics": "text/calendar",
    ".yaml": "application/yaml",  # RFC 9512
    ".yml": "application/yaml",
    ".toml": "application/toml",
    ".md": "text/markdown",
    ".js": "text/javascript",  # RFC 9239; Python 3.11 says application/javascript
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
}

# A file with a compression suffix is stored compressed (no Content-Encoding is sent),
# so "logs.tar.gz" is served as the gzip file it is.
_ENCODINGS = {
    "gzip": "application/gzip",
    "bzip2": "application/x-bzip2",
    "xz": "application/x-xz",
    "compress": "application/x-compress",
    "br": "application/x-brotli",
}

# Python's built-in table only: the process-wide one reads the Windows registry, where
# other software sometimes maps ".js" to text/plain (python/cpython#88141), and
# /etc/mime.types, which differs from one machine to the next.
_BUILTIN = mimetypes.MimeTypes()

# Controls that never occur in text files; tab, newlines, form feed and escape do.
_BINARY_CONTROLS = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}


def guess_content_type(name: str, head: bytes) -> str:
    """Return a Content-Type for a file called `name` whose first bytes are `head`.

    The name decides when it has a known extension; otherwise the bytes are sniffed.
    Text types get "; charset=utf-8": a browser shown a text file from a Space without a
    charset guesses Latin-1 and garbles every accented letter.
    """
    by_name = _by_name(name)
    if name.lower().endswith(".ts") and _is_mpeg_ts(head):
        by_name = MPEG_TS  # an HLS stream's segment; otherwise .ts is TypeScript, sniffed as text
    found = by_name if by_name and by_name != OCTET_STREAM else _sniff(head)
    if found.startswith("text/") and "charset=" not in found:
        return found + "; charset=utf-8"
    return found


MPEG_TS = "video/mp2t"
_TS_PACKET = 188  # MPEG transport stream packets, each starting with the sync byte 0x47


def _is_mpeg_ts(head: bytes) -> bool:
    return len(head) > _TS_PACKET and head[0] == head[_TS_PACKET] == 0x47


def _by_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    dot = base.find(".", 1)  # a leading dot starts a hidden name, not an extension
    if dot < 0:
        return ""
    last = base[base.rfind(".") :]
    if last in _EXTRAS:
        return _EXTRAS[last]
    # Only the suffixes go to mimetypes, so a name such as "data:x.txt" is never read as a URL.
    kind, encoding = _BUILTIN.guess_type("file" + base[dot:], strict=False)
    if encoding:
        return _ENCODINGS.get(encoding, OCTET_STREAM)
    return kind or ""


def _sniff(head: bytes) -> str:
    """Recognise a file by its first bytes."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(head[8:12], "video/mp4")
    if head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"  # an MP3 frame without an ID3 tag
    return _sniff_text(head)


_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"PK\x05\x06", "application/zip"),  # an empty archive
    (b"\x1f\x8b", "application/gzip"),
    (b"ID3", "audio/mpeg"),
    (b"OggS", "audio/ogg"),
)

_FTYP_BRANDS = {
    b"qt  ": "video/quicktime",
    b"M4A ": "audio/mp4",
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"mif1": "image/heic",
    b"avif": "image/avif",
}


def _sniff_text(head: bytes) -> str:
    if not head or any(byte in _BINARY_CONTROLS for byte in head):
        return OCTET_STREAM
    # Not final: `head` may end in the middle of a multi-byte character.
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return OCTET_STREAM
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith("<svg") or (start.startswith("<?xml") and "<svg" in start):
        return "image/svg+xml"
    if start.startswith(("<!doctype html", "<html")):
        return "text/html; charset=utf-8"
    return UTF8_TEXT
