from __future__ import annotations

import shlex

from spacesgui.core.object_headers import ObjectHeaders
from spacesgui.core.transfers import MD5_METADATA
from spacesgui.core.upload_links import headers_to_keep, upload_command


def test_the_headers_kept_are_the_files_own_with_its_access_and_without_the_engines_checksum() -> None:
    headers = ObjectHeaders(
        content_type="font/woff2", cache_control="max-age=31536000, immutable", content_encoding="",
        metadata={"owner": "ana", MD5_METADATA: "0" * 32, "build": "7"},
    )  # fmt: skip
    assert headers_to_keep(headers, public=True) == (
        ("Content-Type", "font/woff2"),
        ("Cache-Control", "max-age=31536000, immutable"),
        ("x-amz-acl", "public-read"),
        ("x-amz-meta-build", "7"),
        ("x-amz-meta-owner", "ana"),
    )
    assert ("x-amz-acl", "public-read") not in headers_to_keep(headers, public=False)
    assert ("x-amz-acl", "public-read") not in headers_to_keep(headers, public=None)


def test_the_command_quotes_every_word_so_a_shell_gives_curl_them_as_they_are() -> None:
    url = "https://s.example/b/it's here.css?X-Amz-Signature=ab&X-Amz-Date=1"
    command = upload_command(url, (("Cache-Control", "max-age=60, public"),), "it's here.css")
    assert shlex.split(command) == [
        "curl", "--fail", "-T", "it's here.css", "-H", "Cache-Control: max-age=60, public", url,
    ]  # fmt: skip
