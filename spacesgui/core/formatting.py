"""Human-readable sizes, counts and dates for display."""

from __future__ import annotations

from datetime import datetime

_UNITS = ("bytes", "KB", "MB", "GB", "TB", "PB")


def human_size(size: int) -> str:
    """Format a byte count the way file managers do (decimal units)."""
    if size < 1000:
        return "1 byte" if size == 1 else f"{size} bytes"
    value = float(size)
    for unit in _UNITS[1:]:
        value /= 1000
        # Round first, so 999,950 bytes reads "1.0 MB" rather than "1000.0 KB".
        shown = round(value, 1) if value < 99.95 else round(value)
        if shown < 1000 or unit == _UNITS[-1]:
            return f"{shown:.1f} {unit}" if value < 99.95 else f"{shown:.0f} {unit}"
    raise AssertionError("unreachable")


def human_count(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def storage_class_text(name: str) -> str:
    """A storage class as the object list shows it: “STANDARD_IA” → “Standard Ia”."""
    return name.replace("_", " ").title()


def human_time(timestamp: float) -> str:
    """Format a POSIX timestamp in local time, to the minute."""
    if not timestamp:
        return ""
    try:
        return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")
    except (ValueError, OverflowError, OSError):
        return ""  # a date no calendar here can show (servers print year 1 for "unknown")


def folder_summary(objects: int, folders: int, size: int) -> str:
    """Describe a folder's contents for the status bar: “2 folders, 12 objects · 4.5 MB”."""
    parts = []
    if folders:
        parts.append(human_count(folders, "folder"))
    if objects:
        parts.append(human_count(objects, "object"))
    if not parts:
        return "Empty folder"
    text = ", ".join(parts)
    return f"{text} · {human_size(size)}" if objects else text


def listed_names(names: list[str], shown: int = 5, longest: int = 44) -> str:
    """Up to `shown` of `names`, one a line, each longer than `longest` characters cut in its
    middle (the extension stays), then how many more: joined with commas, long names made
    a wall of text in a confirmation."""
    lines = [
        name if len(name) <= longest else f"{name[: longest // 2 - 1]}…{name[-(longest // 2) :]}"
        for name in names[:shown]
    ]
    if len(names) > shown:
        lines.append(f"and {len(names) - shown:,} more")
    return "\n".join(lines)
