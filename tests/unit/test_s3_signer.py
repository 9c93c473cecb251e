"""The fast path's own SigV4 signer gives every header botocore's S3SigV4Auth gives, byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from botocore import auth as botocore_auth
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from spacesgui.adapters.s3_signer import S3Signer

NOW = datetime(2026, 12, 4, 17, 5, 9, tzinfo=UTC)
KEYS = [
    "plain.txt",
    "with space/and more.txt",
    "ünïcødé 写真 📷.jpg",
    "odd #?%+&=;@$,'!.bin",
    "a//b/../c/",
    "~tilde",
]


def _botocore(
    method: str, url: str, headers: dict[str, str], token: str, region: str, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """What the fast path's requests carried when signed by botocore (s3_fast_data, before)."""
    monkeypatch.setattr(botocore_auth, "get_current_datetime", lambda: NOW.replace(tzinfo=None))
    request = AWSRequest(method=method, url=url, headers=headers)
    request.context["client_config"] = Config(s3={"payload_signing_enabled": False})
    S3SigV4Auth(
        Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token or None), "s3", region
    ).add_auth(request)
    return dict(request.headers.items())


@pytest.mark.parametrize("token", ["", "FwoGZXIvYXdzEXAMPLE/session+token=="])
@pytest.mark.parametrize(
    "base",
    [
        "http://127.0.0.1:9000/bucket/",
        "https://bucket.nyc3.digitaloceanspaces.com/",
        "https://s3.example.com:443/b/",
    ],
)
@pytest.mark.parametrize("key", KEYS)
def test_every_request_of_the_fast_path_is_signed_as_botocore_signs_it(
    monkeypatch: pytest.MonkeyPatch, token: str, base: str, key: str
) -> None:
    url = base + quote(key, safe="/~")
    requests = [
        ("PUT", url, {"Content-Length": "5", "Content-MD5": "XUFAKrxLKna5cZ2REBfFkg==", "Content-Type": "text/plain",
                      "x-amz-meta-md5": "abc", "Cache-Control": "max-age=300,  public", "x-amz-acl": "public-read"}),
        ("PUT", f"{url}?partNumber=3&uploadId={quote('2~abc/def+ghi=', safe='-_.~')}", {"Content-Length": "5", "Content-MD5": "x=="}),
        ("GET", url, {"Range": "bytes=0-99", "If-Match": '"0123abcd"'}),
        ("PUT", url, {"x-amz-copy-source": f"bucket/{quote(key, safe='/~')}", "x-amz-metadata-directive": "COPY",
                      "x-amz-copy-source-if-match": '"0123abcd"', "Content-Length": "0"}),
        ("POST", base.rstrip("/") + "?delete", {"Content-MD5": "x==", "Content-Length": "120"}),
    ]  # fmt: skip
    signer = S3Signer("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token, "nyc3")
    for method, target, headers in requests:
        expected = _botocore(method, target, dict(headers), token, "nyc3", monkeypatch)

        assert signer.sign(method, target, headers, now=NOW) == expected, (method, target)


def test_the_signing_key_of_a_new_day_is_made_anew() -> None:
    signer = S3Signer("AK", "SECRET", "", "us-east-1")
    today = signer.sign("GET", "http://127.0.0.1:9/b/k", {}, now=NOW)["Authorization"]
    tomorrow = signer.sign("GET", "http://127.0.0.1:9/b/k", {}, now=NOW.replace(day=5))["Authorization"]

    assert "/20261204/" in today
    assert "/20261205/" in tomorrow
    assert today.rsplit("=", 1)[1] != tomorrow.rsplit("=", 1)[1]
