"""The Share dialog's upload command, run as a user runs it (bash and curl), against a
server that checks signatures: it uploads, and keeps what the file had."""

from __future__ import annotations

import subprocess
from pathlib import Path

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.upload_links import KeptHeaders, headers_to_keep, upload_line
from tests.integration.object_helpers import read

HOUR_S = 3600


def run(line: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """`line` run by bash in `folder`, where the new version of the file is."""
    return subprocess.run(["bash", "-c", line], cwd=folder, capture_output=True, text=True, timeout=120)


def test_the_command_run_by_bash_and_curl_uploads_the_new_version_and_keeps_its_type_and_metadata(
    rclone_store: S3Store, rclone_bucket: str, tmp_path: Path
) -> None:
    rclone_store.client.put_object(
        Bucket=rclone_bucket, Key="css/site.css", Body=b"old", ContentType="text/css",
        Metadata={"owner": "ana"},
    )  # fmt: skip
    kept = headers_to_keep(rclone_store.head_details(rclone_bucket, "css/site.css").headers, public=None)
    url = rclone_store.presign_put(rclone_bucket, "css/site.css", HOUR_S, headers=kept.headers)
    (tmp_path / "site.css").write_bytes(b"body { color: red }")

    done = run(upload_line(url, kept, "site.css"), tmp_path)

    assert done.returncode == 0, done.stderr
    assert read(rclone_store, rclone_bucket, "css/site.css") == b"body { color: red }"
    headers = rclone_store.head_details(rclone_bucket, "css/site.css").headers
    assert headers.content_type.startswith("text/css")
    assert headers.metadata.get("owner") == "ana"


def test_an_empty_header_is_sent_as_signed_and_a_header_left_out_is_refused(
    rclone_store: S3Store, rclone_bucket: str, tmp_path: Path
) -> None:
    # Before: curl left out a header written "Name: " with no value, which the link had
    # signed, so the server refused every upload of a file with an empty metadata value.
    kept = KeptHeaders((("Content-Type", "text/plain"), ("x-amz-meta-note", "")))
    url = rclone_store.presign_put(rclone_bucket, "notes.txt", HOUR_S, headers=kept.headers)
    (tmp_path / "notes.txt").write_bytes(b"new notes")

    short = run(upload_line(url, KeptHeaders(kept.headers[:1]), "notes.txt"), tmp_path)
    assert short.returncode != 0  # --fail: the 403 is an error, not a page of XML
    assert rclone_store.head_object(rclone_bucket, "notes.txt") is None

    done = run(upload_line(url, kept, "notes.txt"), tmp_path)
    assert done.returncode == 0, done.stderr
    assert read(rclone_store, rclone_bucket, "notes.txt") == b"new notes"
