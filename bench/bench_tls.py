"""HTTPS for the benches: a private CA made at bench start, `rclone serve s3 --cert/--key`,
each peer told to trust that CA, and a count of the TCP connections a run opens.

Each peer trusts the CA its own way: spacesgui through the account's CA bundle (the
setting users have), rclone with `--ca-cert` (as RCLONE_CA_CERT), the AWS CLI with
`--ca-bundle` (as AWS_CA_BUNDLE), s3cmd with `--ca-certs`, s5cmd with AWS_CA_BUNDLE (its
AWS SDK reads it; s5cmd has no flag for a CA file, only `--no-verify-ssl`, which this
bench does not use: every tool verifies the certificate).

Connections are counted by a loopback TCP proxy (tests/tcp_fault_proxy.py, with no
faults) that the counted run goes through: every TLS connection is one TCP connection,
so the count says how many handshakes the run paid. Counted runs are not timed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from bench_server import Server

if TYPE_CHECKING:
    from bench_transfer_peers import Run
    from bench_transfer_report import Results

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # the certificate maker and the proxy live with the tests
    sys.path.insert(0, str(REPO))

from tests.tcp_fault_proxy import TcpFaultProxy  # noqa: E402
from tests.tls_certs import PrivateCa, make_private_ca  # noqa: E402

__all__ = [
    "PrivateCa",
    "aws_env",
    "counted",
    "make_tls_files",
    "rclone_env",
    "s3cmd_flags",
    "s5cmd_env",
    "side_by_side",
]


def make_tls_files(folder: Path) -> PrivateCa:
    """A new private CA and a certificate it signed for 127.0.0.1, written under `folder`."""
    return make_private_ca(folder)


def rclone_env(server: Server) -> dict[str, str]:
    """rclone's `--ca-cert`, as the environment variable every rclone command reads."""
    return {"RCLONE_CA_CERT": server.ca_bundle} if server.ca_bundle else {}


def aws_env(server: Server) -> dict[str, str]:
    """The AWS CLI's `--ca-bundle`, as the environment variable every aws command reads.

    Over https the CLI sends bodies aws-chunked with a trailing CRC32, which rclone serve
    s3 refuses (MissingContentLength); checksums only when required makes it send plain
    bodies, as it does over http.
    """
    if not server.ca_bundle:
        return {}
    return {"AWS_CA_BUNDLE": server.ca_bundle, "AWS_REQUEST_CHECKSUM_CALCULATION": "when_required"}


def s5cmd_env(server: Server) -> dict[str, str]:
    """s5cmd has no CA flag (only --no-verify-ssl); its AWS SDK reads AWS_CA_BUNDLE."""
    return {"AWS_CA_BUNDLE": server.ca_bundle} if server.ca_bundle else {}


def s3cmd_flags(server: Server) -> list[str]:
    return ["--ssl", f"--ca-certs={server.ca_bundle}"] if server.ca_bundle else ["--no-ssl"]


@contextlib.contextmanager
def counted(server: Server) -> Iterator[tuple[Server, TcpFaultProxy]]:
    """`server` as reached through a counting proxy; read `proxy.connections` after the run."""
    proxy = TcpFaultProxy(f"127.0.0.1:{server.port}").start()
    try:
        scheme = server.endpoint.partition("://")[0]
        yield dataclasses.replace(server, endpoint=f"{scheme}://127.0.0.1:{proxy.port}"), proxy
    finally:
        proxy.close()


def _seconds(run: Run | None) -> float | None:
    return run.seconds if run is not None and run.ok else None


def _cell(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:.2f} s"


def side_by_side(plain: Results, https: Results) -> None:
    """Print every run's best time over http and over https, and spacesgui's ratios to rclone and s5cmd."""
    print("\nPlain http and https side by side (best run of each; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):")  # fmt: skip
    print(f"  {'tool':20} {'run':13} {'http':>9} {'https':>9} {'https/http':>11}")
    for tool, what in dict.fromkeys((r.tool, r.what) for r in [*plain.runs, *https.runs]):
        a, b = _seconds(plain.best(tool, what)), _seconds(https.best(tool, what))
        ratio = f"{b / a:10.2f}×" if a and b else ""
        print(f"  {tool:20} {what:13} {_cell(a):>9} {_cell(b):>9} {ratio:>11}")
    from bench_transfer_peers import BIG_DOWN, BIG_UP, SMALL_UP  # it imports this module
    from bench_transfer_report import RCLONE, S5CMD, SPACESGUI

    for what in (SMALL_UP, BIG_UP, BIG_DOWN):
        for peer in (RCLONE, S5CMD):
            cells = []
            for mode, res in (("http", plain), ("https", https)):
                ours, theirs = _seconds(res.best(SPACESGUI, what)), _seconds(res.best(peer, what))
                cells.append(f"{mode} {ours / theirs:.2f}×" if ours and theirs else f"{mode} –")
            print(f"  {what}: spacesgui ÷ {peer.split()[0]}: {', '.join(cells)}")
    for mode, res in (("http", plain), ("https", https)):
        if res.gui is not None:
            print(f"  window over {mode}: longest GUI stall {res.gui.stall_max_s * 1000:.0f} ms; "
                  + ", ".join(f"{p.name} {p.seconds:.2f} s" for p in res.gui.phases))  # fmt: skip
