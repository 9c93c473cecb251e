"""A fix to moto, the demo's S3 server, for what the app does and moto gets wrong.

moto gives an object completed from a multipart upload started without an x-amz-acl header
no ACL at all (None), and then answers 500 to GetObjectAcl: a big file uploaded in the demo
showed its Access as "Unknown". S3 gives such an object the default, private: so does the
demo now. Only the demo's in-process server is patched; the app itself is not touched.
"""

from __future__ import annotations

from typing import Any

from moto.s3.models import FakeKey, get_canned_acl

_installed = False


def install() -> None:
    """Patch moto once per process (idempotent)."""
    global _installed
    if _installed:
        return
    original = FakeKey.set_acl

    def set_acl(self: FakeKey, acl: Any) -> None:
        original(self, acl if acl is not None else get_canned_acl("private"))

    FakeKey.set_acl = set_acl  # type: ignore[method-assign]
    _installed = True
