"""Parallel listing: spacesgui's lister through a simulated internet round trip and directly.

The fault proxy of the test suite (tests/fault_proxy.py) sits in front of a server and
holds every request `LATENCY_S` before forwarding it. Through it, and directly, this times
spacesgui's folder listing as the window runs it (`S3Store.iter_listing`, parallel) and
the same store one page after another (`listing_parallelism = 1`, what spacesgui did
before), then `rclone lsf` and `aws s3 ls` through the same proxy. Each run must list
exactly N objects.

Two servers: the demo's moto (`bench_search_server.py`, its `logs/` folder), which like S3
and Spaces costs one index seek and one page per request, and `rclone serve s3`, which
reads the whole directory for every request (~0.5 s of its CPU per request at 100,000
keys): on 2 cores no client can list that faster than its CPU allows.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass, replace
from pathlib import Path

from bench_peers import PeerResult, _peer, _uvx_tool
from bench_server import BenchError, Server, clean_env, rclone_binary

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root: tests.fault_proxy

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.accounts import Account, AddressingStyle, Credentials
from tests.fault_proxy import FaultProxy, Match

LATENCY_S = 0.1  # a round trip to a Space from across a continent


@dataclass(frozen=True, slots=True)
class ListingRun:
    """One listing of the prefix by spacesgui's store."""

    name: str
    seconds: float
    first_page_s: float  # from the call until the first page was handed on
    objects: int
    requests: int  # listing requests the server (proxy) saw; 0 when not counted
    peak_in_flight: int  # the most listing requests at once at the proxy; 0 when not counted
    lister_peak_bytes: int = 0  # tracemalloc peak while listing (pages dropped as they come)


@dataclass(frozen=True, slots=True)
class Target:
    """A prefix of `count` objects on a server."""

    name: str
    server: Server
    bucket: str
    prefix: str
    count: int


@dataclass(frozen=True, slots=True)
class ParallelResult:
    target: str
    count: int
    latency_s: float
    via_proxy: list[ListingRun]
    direct: list[ListingRun]
    peers_via_proxy: list[PeerResult]
    loadavg: tuple[float, float, float]
    direct_peers: list[PeerResult]


def _store(server: Server) -> S3Store:
    account = Account(
        name="bench",
        provider="custom",
        endpoint_url=server.endpoint,
        region="us-east-1",
        access_key_id=server.access_key,
        addressing=AddressingStyle.PATH,
    )
    return S3Store(account, Credentials(server.access_key, server.secret_key), acls=False)


def _list(
    target: Target,
    server: Server,
    name: str,
    *,
    parallel: bool,
    proxy: FaultProxy | None,
    trace: bool = False,
) -> ListingRun:
    bucket, expected = target.bucket, target.count
    store = _store(server)
    if not parallel:
        store.listing_parallelism = 1
    watch = proxy.watch(Match.list_objects_v2(bucket)) if proxy else None
    before = proxy.count(Match.list_objects_v2(bucket)) if proxy else 0
    objects = 0
    first = 0.0
    try:
        if trace:
            tracemalloc.start(1)
        start = time.perf_counter()
        for page in store.iter_listing(bucket, target.prefix):
            if not first:
                first = time.perf_counter() - start
            objects += len(page.keys)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
    finally:
        if trace:
            tracemalloc.stop()
        store.close()
    if objects != expected:
        raise BenchError(f"{name}: listed {objects:,} objects, expected {expected:,}")
    requests = proxy.count(Match.list_objects_v2(bucket)) - before if proxy else 0
    return ListingRun(name, seconds, first, objects, requests, watch.peak if watch else 0, peak)


def start_demo_server(big_keys: int) -> tuple[subprocess.Popen[str], str]:
    """The demo's moto in a process of its own (bench_search_server.py); its endpoint."""
    script = Path(__file__).with_name("bench_search_server.py")
    process = subprocess.Popen(
        [sys.executable, str(script), str(big_keys)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    line = process.stdout.readline().split()
    if len(line) < 3 or line[0] != "READY":
        process.kill()
        raise BenchError(f"the demo server did not start (it said {' '.join(line)!r})")
    return process, line[1]


def stop_demo_server(process: subprocess.Popen[str]) -> None:
    if process.stdin is not None:
        process.stdin.close()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def rclone_lsf(target: Target, server: Server) -> PeerResult:
    """`rclone lsf -R` through an on-the-fly :s3: remote (no config file)."""
    rclone = str(rclone_binary())
    command = [
        rclone, "lsf", "-R", f":s3:{target.bucket}/{target.prefix.rstrip('/')}",
        "--s3-provider", "Other",
        "--s3-endpoint", server.endpoint,
        "--s3-access-key-id", server.access_key,
        "--s3-secret-access-key", server.secret_key,
        "--config", "",
    ]  # fmt: skip
    return _peer(
        "rclone lsf -R",
        command,
        [rclone, "version"],
        clean_env(),
        lambda line: bool(line.strip()),
        target.count,
    )


def aws_ls(target: Target, server: Server, scratch: Path) -> PeerResult:
    """`aws s3 ls --recursive`, keys in the environment, path-style addressing, no user config."""
    name = "aws s3 ls --recursive"
    launcher = _uvx_tool("awscli", "aws")
    if launcher is None:
        return PeerResult(name, note="skipped: neither uvx nor aws is on PATH")
    config = scratch / "aws-config-parallel"
    config.write_text("[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n")
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": server.access_key,
        "AWS_SECRET_ACCESS_KEY": server.secret_key,
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(scratch / "aws-credentials-none"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    for variable in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        env.pop(variable, None)
    command = [
        *launcher, "s3", "ls", "--recursive", f"s3://{target.bucket}/{target.prefix}",
        "--endpoint-url", server.endpoint,
    ]  # fmt: skip
    return _peer(name, command, [*launcher, "--version"], env, lambda line: bool(line.strip()), target.count)


def run(target: Target, scratch: Path) -> ParallelResult:
    """Time spacesgui (parallel and one page at a time) and the peers, through the proxy and directly."""
    server = target.server
    direct = [
        _list(target, server, "spacesgui parallel", parallel=True, proxy=None),
        _list(target, server, "spacesgui one page at a time", parallel=False, proxy=None),
        _list(target, server, "spacesgui parallel (memory traced)", parallel=True, proxy=None, trace=True),
    ]
    with FaultProxy(server.endpoint) as proxy:
        proxy.add_latency(LATENCY_S)
        via = replace(server, endpoint=proxy.endpoint)
        via_proxy = [
            _list(target, via, "spacesgui parallel", parallel=True, proxy=proxy),
            _list(target, via, "spacesgui one page at a time", parallel=False, proxy=proxy),
        ]
        peers = [rclone_lsf(target, via), aws_ls(target, via, scratch)]
    direct_peers = [rclone_lsf(target, server)]
    return ParallelResult(
        target.name, target.count, LATENCY_S, via_proxy, direct, [*peers], os.getloadavg(), direct_peers
    )


def report(result: ParallelResult) -> None:
    """Print the parallel-listing figures against their targets."""
    count, direct_peers = result.count, result.direct_peers
    load = " ".join(f"{x:.2f}" for x in result.loadavg)
    print(f"\nParallel listing of {count:,} keys on {result.target} (load average {load})")
    ours_proxy = result.via_proxy[0]
    ours_direct = result.direct[0]
    print(f"  through the proxy (+{result.latency_s * 1000:.0f} ms a request):")
    for run in result.via_proxy:
        print(
            f"    {run.name:<34} {run.seconds:8.2f} s  first page {run.first_page_s:.2f} s  "
            f"{run.requests:,} requests, {run.peak_in_flight} at once at most"
        )
    for peer in result.peers_via_proxy:
        took = f"{peer.seconds:8.2f} s" if peer.seconds is not None else "       -"
        print(f"    {peer.name:<34} {took}  {peer.note}".rstrip())
    print("  directly:")
    for run in result.direct:
        print(f"    {run.name:<34} {run.seconds:8.2f} s  first page {run.first_page_s:.2f} s")
    for peer in direct_peers:
        if peer.seconds is not None:
            print(f"    {peer.name:<34} {peer.seconds:8.2f} s  {peer.note}".rstrip())
    rclone = next((p for p in result.peers_via_proxy if p.name.startswith("rclone") and p.ok), None)
    sequential_direct = result.direct[1]
    traced = result.direct[2]
    print("  targets:")
    if rclone is not None and rclone.seconds:
        speedup = rclone.seconds / ours_proxy.seconds
        print(
            f"    through the proxy, rclone ÷ spacesgui  {speedup:6.1f}×  (target ≥ 4×)  {_verdict(speedup >= 4)}"
        )
    ratio = ours_direct.seconds / sequential_direct.seconds
    print(
        f"    directly, parallel ÷ one page at a time {ratio:5.2f}   (target ≤ 1.0)  {_verdict(ratio <= 1.05)}"
    )
    per_key = traced.lister_peak_bytes / max(count, 1)
    print(
        f"    lister's peak memory                {per_key:6.0f} B/key (pages dropped as they come; target ≤ 400)"
    )
    gap = ours_proxy.first_page_s - result.via_proxy[1].first_page_s
    print(
        f"    first page, parallel minus one at a time {gap:+6.2f} s through the proxy (the first page is asked for alone)"
    )


def _verdict(passed: bool) -> str:
    return "ok" if passed else "MISSED"
