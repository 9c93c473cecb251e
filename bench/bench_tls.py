"""HTTPS for the benches: a private CA made at bench start, `rclone serve s3 --cert/--key`,
each peer told to trust that CA, and a count of the TCP connections a run opens.

Each peer trusts the CA its own way: spacesgui through the account's CA bundle (the
setting users have), rclone with `--ca-cert`, the AWS CLI with `--ca-bundle`, s5cmd with
AWS_CA_BUNDLE (its AWS SDK reads it; it has no flag for a CA file, only
`--no-verify-ssl`, which this bench does not use).

Connections are counted by a loopback TCP proxy (tests/tcp_fault_proxy.py, with no
faults) that the counted run goes through: every TLS connection is one TCP connection,
so the count says how many handshakes the run paid. Counted runs are not timed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections.abc import Iterator
from pathlib import Path

from bench_server import Server

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # the certificate maker and the proxy live with the tests
    sys.path.insert(0, str(REPO))

from tests.tcp_fault_proxy import TcpFaultProxy  # noqa: E402
from tests.tls_certs import PrivateCa, make_private_ca  # noqa: E402

__all__ = ["PrivateCa", "aws_flags", "counted", "make_tls_files", "rclone_flags", "s5cmd_env"]


def make_tls_files(folder: Path) -> PrivateCa:
    """A new private CA and a certificate it signed for 127.0.0.1, written under `folder`."""
    return make_private_ca(folder)


def rclone_flags(server: Server) -> list[str]:
    return ["--ca-cert", server.ca_bundle] if server.ca_bundle else []


def aws_flags(server: Server) -> list[str]:
    return ["--ca-bundle", server.ca_bundle] if server.ca_bundle else []


def s5cmd_env(server: Server) -> dict[str, str]:
    return {"AWS_CA_BUNDLE": server.ca_bundle} if server.ca_bundle else {}


@contextlib.contextmanager
def counted(server: Server) -> Iterator[tuple[Server, TcpFaultProxy]]:
    """`server` as reached through a counting proxy; read `proxy.connections` after the run."""
    proxy = TcpFaultProxy(f"127.0.0.1:{server.port}").start()
    try:
        scheme = server.endpoint.partition("://")[0]
        yield dataclasses.replace(server, endpoint=f"{scheme}://127.0.0.1:{proxy.port}"), proxy
    finally:
        proxy.close()
