"""A short, human file-type label from a name, for the Type column."""

from __future__ import annotations

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


def type_label(name: str) -> str:
    """Return a label such as “PNG image”, “Gzip archive” or “XYZ file”."""
    dot = name.rfind(".")
    if dot <= 0 or dot == len(name) - 1:
        return "File"
    ext = name[dot + 1 :].lower()
    return _LABELS.get(ext) or f"{ext.upper()[:8]} file"
