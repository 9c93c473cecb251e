"""A private certificate authority and a server certificate for 127.0.0.1, made at test time.

`make_private_ca(folder)` writes `ca.pem` (the authority: what an account's CA bundle
points at), `server.pem` (the server's certificate followed by the authority's, as
`rclone serve s3 --cert` takes it) and `server-key.pem`. Nothing is trusted by the
system: only a client given `ca.pem` accepts the server. The benches use it too
(bench/bench_tls.py), so it imports nothing from pytest.
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from spacesgui.core.accounts import Account, AddressingStyle

VALID_FOR = datetime.timedelta(days=2)
TEST_ACCESS_KEY = "test-access"  # tests/conftest.py's; imported by the benches too, so not from there


@dataclass(frozen=True, slots=True)
class PrivateCa:
    ca: Path  # the authority's certificate (PEM)
    cert: Path  # the server's certificate chain (PEM)
    key: Path  # the server's private key (PEM)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_private_ca(folder: Path, host: str = "127.0.0.1") -> PrivateCa:
    """Write a new authority and a server certificate it signed for `host` (an IP or a name)."""
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("spacesgui test CA"))
        .issuer_name(_name("spacesgui test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + VALID_FOR)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    try:
        alt: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        alt = x509.DNSName(host)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(host))
        .issuer_name(ca_cert.subject)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + VALID_FOR)
        .add_extension(x509.SubjectAlternativeName([alt]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    paths = PrivateCa(folder / "ca.pem", folder / "server.pem", folder / "server-key.pem")
    paths.ca.write_bytes(ca_cert.public_bytes(pem))
    paths.cert.write_bytes(server_cert.public_bytes(pem) + ca_cert.public_bytes(pem))
    paths.key.write_bytes(
        server_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


def tls_account(endpoint: str, ca_bundle: str = "") -> Account:
    """An account on an https test server, trusting the PEM file `ca_bundle` when given."""
    return Account(
        "private-ca",
        "minio",
        endpoint,
        "us-east-1",
        TEST_ACCESS_KEY,
        AddressingStyle.PATH,
        ca_bundle=ca_bundle,
    )
