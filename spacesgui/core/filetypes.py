"""What a file is, from its name: a short label for the Type column and a kind for its icon."""

from __future__ import annotations

from enum import StrEnum

_LABELS = {
    "jpg": "JPEG image", "jpeg": "JPEG image", "png": "PNG image", "gif": "GIF image",
    "webp": "WebP image", "svg": "SVG image", "heic": "HEIC image", "tif": "TIFF image",
    "tiff": "TIFF image", "bmp": "Bitmap image", "ico": "Icon", "avif": "AVIF image",
    "mp4": "MPEG-4 video", "mov": "QuickTime video", "mkv": "Matroska video", "webm": "WebM video",
    "avi": "AVI video", "mp3": "MP3 audio", "wav": "WAV audio", "flac": "FLAC audio",
    "m4a": "AAC audio", "ogg": "Ogg audio", "pdf": "PDF document", "txt": "Plain text",
    "md": "Markdown", "csv": "CSV table", "json": "JSON", "xml": "XML", "yaml": "YAML",
    "yml": "YAML", "html": "HTML page", "htm": "HTML page", "css": "Stylesheet",
    "js": "JavaScript", "mjs": "JavaScript", "ts": "TypeScript", "py": "Python source",
    "zip": "ZIP archive", "gz": "Gzip archive", "tgz": "Gzip archive", "tar": "Tar archive",
    "bz2": "Bzip2 archive", "xz": "XZ archive", "zst": "Zstandard archive", "7z": "7-Zip archive",
    "sql": "SQL script", "log": "Log file", "bin": "Binary file", "iso": "Disk image",
    "dmg": "Disk image", "woff": "Web font", "woff2": "Web font", "ttf": "Font", "otf": "Font",
    "doc": "Word document", "docx": "Word document", "xls": "Excel sheet", "xlsx": "Excel sheet",
    "ppt": "PowerPoint", "pptx": "PowerPoint", "parquet": "Parquet table",
}  # fmt: skip

FOLDER_LABEL = "Folder"


class FileKind(StrEnum):
    """The families a file icon tells apart; each value is the name of its icon."""

    FOLDER = "folder"
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    TEXT = "text"  # prose and documents: plain text, Markdown, Word, logs
    CODE = "code"  # source, markup and data formats people read as code
    ARCHIVE = "archive"
    PDF = "pdf"
    SPREADSHEET = "spreadsheet"
    FILE = "file"  # anything else


_KIND_EXTENSIONS = {
    FileKind.IMAGE: "jpg jpeg jpe png gif webp svg heic heif tif tiff bmp ico avif jxl psd "
    "raw dng cr2 cr3 nef arw orf rw2",
    FileKind.VIDEO: "mp4 m4v mov mkv webm avi wmv flv mpg mpeg m2ts mts 3gp ogv",
    FileKind.AUDIO: "mp3 wav flac m4a aac ogg oga opus wma aif aiff mid midi",
    FileKind.TEXT: "txt text md markdown rst log doc docx odt rtf pages tex nfo",
    # ".ts" is TypeScript here (as in the Type column), though HLS video segments use it too.
    FileKind.CODE: "py pyi js mjs cjs jsx ts tsx json jsonl xml yaml yml toml ini cfg conf "
    "html htm xhtml css scss sass less c h cc cpp cxx hpp cs java kt kts go rs rb php sh "
    "bash zsh fish ps1 bat cmd sql swift lua pl r ipynb vue svelte dart scala hs ex exs",
    FileKind.ARCHIVE: "zip gz tgz tar bz2 tbz2 xz txz zst 7z rar lz lzma lz4 br cab jar war apk deb rpm",
    FileKind.PDF: "pdf",
    FileKind.SPREADSHEET: "csv tsv xls xlsx xlsm ods numbers parquet",
}
_KINDS = {ext: kind for kind, exts in _KIND_EXTENSIONS.items() for ext in exts.split()}


def _extension(name: str) -> str:
    """The lower-case text after the last dot, or "" (none, a leading dot only, or a trailing dot)."""
    dot = name.rfind(".")
    if dot <= 0 or dot == len(name) - 1:
        return ""
    return name[dot + 1 :].lower()


def type_label(name: str) -> str:
    """Return a label such as “PNG image”, “Gzip archive” or “XYZ file”."""
    ext = _extension(name)
    if not ext:
        return "File"
    return _LABELS.get(ext) or f"{ext.upper()[:8]} file"


def file_kind(name: str) -> FileKind:
    """The kind of the file called `name` (a bare name or a whole key; "…/" is a folder)."""
    if name.endswith("/"):
        return FileKind.FOLDER
    return _KINDS.get(_extension(name[name.rfind("/") + 1 :]), FileKind.FILE)
