"""The fast path's signer gives the very headers botocore's S3SigV4Auth gives (issue 11)."""

from __future__ import annotations

import datetime
from urllib.parse import quote

import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from spacesgui.adapters.s3_sigv4 import S3Signer

KEYS = ["plain.txt", "with space/ünïcødé ✓.txt", "odd #?%+&=;,@$!'()*", "a//b/../c/./d", "k" * 1024]
BASES = [
    "http://127.0.0.1:9000/bucket/",
    "https://Bucket.NYC3.DigitalOceanSpaces.com/",
    "https://nyc3.digitaloceanspaces.com:443/bucket/",
    "http://[::1]:8080/bucket/",
]
HEADERS = {
    "Content-Length": "4096",
    "Content-MD5": "1B2M2Y8AsgTpgAmY7PhCfg==",
    "Content-Type": "text/plain;  charset=utf-8 ",
    "x-amz-acl": "public-read",
    "Cache-Control": "max-age=60",
    "x-amz-meta-md5": "d41d8cd98f00b204e9800998ecf8427e",
    "Expect": "100-continue",
}


def _botocore(method: str, url: str, headers: dict[str, str], token: str | None) -> dict[str, str]:
    signer = S3SigV4Auth(Credentials("AKIDEXAMPLE", "secret/key+example", token), "s3", "nyc3")
    request = AWSRequest(method=method, url=url, headers=headers)
    request.context["client_config"] = Config(s3={"payload_signing_enabled": False})
    signer.add_auth(request)
    return dict(request.headers.items())


@pytest.mark.parametrize("token", [None, "FwoGZXIvYXdzEXAMPLE/session+token=="])
@pytest.mark.parametrize("base", BASES)
def test_signatures_match_botocores(base: str, token: str | None) -> None:
    ours = S3Signer("AKIDEXAMPLE", "secret/key+example", token, "nyc3")
    for key in KEYS:
        for method, url, headers in [
            ("PUT", base + quote(key, safe="/~"), HEADERS),
            ("GET", base + quote(key, safe="/~"), {"Range": "bytes=0-99", "If-Match": '"abc"'}),
            (
                "PUT",
                base + quote(key, safe="/~") + "?uploadId=2~x%2By&partNumber=10",
                {"Content-Length": "5"},
            ),
        ]:
            expected = _botocore(method, url, dict(headers), token)
            now = datetime.datetime.strptime(expected["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(
                tzinfo=datetime.UTC
            )
            assert ours.sign(method, url, headers, now=now) == expected, (method, url)


def test_the_clock_skew_moves_the_signed_time() -> None:
    signer = S3Signer("AK", "SK", None, "us-east-1")
    signer.skew_s = 3600.0
    stamp = signer.sign("GET", "http://127.0.0.1/b/k", {})["X-Amz-Date"]
    signed_at = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
    assert abs((signed_at - datetime.datetime.now(datetime.UTC)).total_seconds() - 3600) < 60
