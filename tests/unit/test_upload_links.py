from __future__ import annotations

import shlex

from spacesgui.core.object_headers import ObjectHeaders
from spacesgui.core.transfers import MD5_METADATA
from spacesgui.core.upload_links import KeptHeaders, headers_to_keep, unreadable_line, upload_line


def test_the_headers_kept_are_the_files_own_with_its_access_and_without_the_engines_checksum() -> None:
    headers = ObjectHeaders(
        content_type="font/woff2", cache_control="max-age=31536000, immutable", content_encoding="",
        metadata={"owner": "ana", MD5_METADATA: "0" * 32, "build": "7"},
    )  # fmt: skip
    assert headers_to_keep(headers, public=True) == KeptHeaders((
        ("Content-Type", "font/woff2"),
        ("Cache-Control", "max-age=31536000, immutable"),
        ("x-amz-acl", "public-read"),
        ("x-amz-meta-build", "7"),
        ("x-amz-meta-owner", "ana"),
    ))  # fmt: skip
    assert ("x-amz-acl", "public-read") not in headers_to_keep(headers, public=False).headers
    assert ("x-amz-acl", "public-read") not in headers_to_keep(headers, public=None).headers


def test_values_that_cannot_travel_in_a_signed_header_are_left_out_and_said() -> None:
    headers = ObjectHeaders(
        content_type="text/css", content_disposition='attachment; filename="café.css"',
        metadata={"author": "José", "empty": ""},
    )  # fmt: skip
    kept = headers_to_keep(headers, public=None)
    assert kept.headers == (("Content-Type", "text/css"), ("x-amz-meta-empty", ""))
    assert kept.left_out == ("Content-Disposition (not plain ASCII)", "metadata “author” (not plain ASCII)")
    line = upload_line("https://s.example/b/k?X-Amz-Signature=ab", kept, "site.css")
    command, _, comment = line.partition(" # ")
    assert comment == "not kept: Content-Disposition (not plain ASCII), metadata “author” (not plain ASCII)"
    # An empty value is written "Name;": curl leaves out "Name: " with nothing after it.
    assert shlex.split(command) == [
        "curl", "--fail", "-T", "site.css", "-H", "Content-Type: text/css", "-H", "x-amz-meta-empty;",
        "https://s.example/b/k?X-Amz-Signature=ab",
    ]  # fmt: skip


def test_the_command_quotes_every_word_for_a_posix_shell_or_for_powershell() -> None:
    url = "https://s.example/b/it's here.css?X-Amz-Signature=ab&X-Amz-Date=1"
    kept = KeptHeaders((("Cache-Control", "max-age=60, public"),))
    assert shlex.split(upload_line(url, kept, "it's here.css")) == [
        "curl", "--fail", "-T", "it's here.css", "-H", "Cache-Control: max-age=60, public", url,
    ]  # fmt: skip
    # PowerShell: curl is Invoke-WebRequest there; a quote inside a literal is doubled.
    assert upload_line(url, kept, "it's here.css", powershell=True) == (
        "curl.exe --fail -T 'it''s here.css' -H 'Cache-Control: max-age=60, public' "
        "'https://s.example/b/it''s here.css?X-Amz-Signature=ab&X-Amz-Date=1'"
    )


def test_a_file_whose_settings_could_not_be_read_gets_a_comment_not_a_link() -> None:
    line = unreadable_line("logo.svg", "Access denied")
    assert line.startswith("# “logo.svg”: no upload link")
    assert shlex.split(line, comments=True) == []  # a shell runs nothing of it
