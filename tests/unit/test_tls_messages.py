"""What a failed secure connection is told as: the reason, and where to fix it."""

from __future__ import annotations

import pytest

from spacesgui.core.tls import ca_bundle_message, is_certificate_problem, tls_failure_message

ENDPOINT = "https://minio.example.lan:9000"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "SSL validation failed for https://minio.example.lan:9000/ [SSL: CERTIFICATE_VERIFY_FAILED] "
            "certificate verify failed: self-signed certificate in certificate chain (_ssl.c:1006)",
            (
                "not trusted: self-signed certificate in certificate chain.",
                "CA certificate",
                "minio.example.lan",
            ),
        ),
        (
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer "
            "certificate (_ssl.c:1006)",
            ("not trusted: unable to get local issuer certificate.", "account settings"),
        ),
        (
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate "
            "is not valid for 'minio.example.lan'. (_ssl.c:1006)",
            ("issued for another name than minio.example.lan",),
        ),
        (
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)",
            ("it has expired", "clock"),
        ),
        ("[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)", ("does not seem to speak https",)),
    ],
)
def test_each_kind_of_tls_failure_is_told_with_what_to_do(text: str, words: tuple[str, ...]) -> None:
    message = tls_failure_message(ENDPOINT, text)
    for word in words:
        assert word in message


def test_only_certificate_failures_count_as_untrusted() -> None:
    assert is_certificate_problem("certificate verify failed: self-signed certificate")
    assert not is_certificate_problem("[SSL: WRONG_VERSION_NUMBER] wrong version number")


def test_a_ca_bundle_problem_names_the_file_the_reason_and_the_setting() -> None:
    message = ca_bundle_message("/srv/minio/ca.pem", "there is no such file")
    assert "“/srv/minio/ca.pem”" in message
    assert "there is no such file" in message
    assert "CA certificate" in message
