"""The MIME types of our own drags and clipboard contents, shared by the rooms that make and read them."""

from __future__ import annotations

KEYS_MIME = "application/x-spacesgui-keys"  # keys of the dragged rows, one per line
OBJECTS_MIME = "application/x-spacesgui-objects"  # copied or cut objects (JSON; see object_clipboard)
