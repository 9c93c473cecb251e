"""Benchmark: list a flat prefix of N keys in spacesgui, next to rclone, the AWS CLI and s3cmd.

Run `uv run python bench/listing.py [--keys N]` (default 100,000). It seeds N files on
disk, serves them with `rclone serve s3` on loopback, opens the prefix in spacesgui's
real window (offscreen, qasync), then lists the same prefix with the peer tools, and
prints each figure against its target. Misses are reported, not failed: the exit code
is non-zero only when something could not be measured at all.
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import bench_parallel
import bench_server
from bench_offscreen import use_offscreen_qt
from bench_parallel import ParallelResult
from bench_peers import PageTiming, PeerResult, aws_ls, boto3_listing, page_timing, rclone_lsf, s3cmd_ls
from bench_report import fmt_s, report
from bench_server import BUCKET, PREFIX, BenchError, Server

from spacesgui.demo.big_space import LOGS_SHARE, plan
from spacesgui.demo.server import BIG_SPACE

if TYPE_CHECKING:
    from bench_gui import GuiResult


def run_gui(server: Server, count: int, scratch: Path, timeout_s: float) -> GuiResult:
    import bench_gui  # imports Qt: only after use_offscreen_qt()

    return bench_gui.run(server, count, scratch, timeout_s)


def demo_parallel(count: int, scratch: Path) -> ParallelResult:
    """The parallel section on the demo's moto, whose `logs/` folder holds `count` keys."""
    big_keys = math.ceil(count / LOGS_SHARE)
    process, endpoint = bench_parallel.start_demo_server(big_keys)
    try:
        logs = plan(big_keys).logs
        server = Server(endpoint, 0, scratch)
        target = bench_parallel.Target(
            "the demo's moto (one index seek a request)", server, BIG_SPACE, "logs/", logs
        )
        return bench_parallel.run(target, scratch)
    finally:
        bench_parallel.stop_demo_server(process)


def measure_parallel(count: int, scratch: Path) -> None:
    """Seed, serve, time and print only the parallel listing sections (`--only-parallel`)."""
    bench_parallel.report(demo_parallel(count, scratch))
    sys.stdout.flush()
    root = scratch / "root"
    root.mkdir()
    bench_server.seed(root, count)
    with bench_server.serve(root, scratch / "rclone.log") as server:
        boto3_listing(server, count, "boto3 paginator, cold (warm-up)")
        bench_parallel.report(bench_parallel.run(_rclone_target(server, count), scratch))


def _rclone_target(server: Server, count: int) -> bench_parallel.Target:
    return bench_parallel.Target(
        "rclone serve s3 (a directory scan a request)", server, BUCKET, PREFIX, count
    )


def measure(
    count: int, scratch: Path, skip_peers: bool = False
) -> tuple[GuiResult, PageTiming, list[PeerResult], list[ParallelResult]]:
    """Seed, serve, and time spacesgui and its peers on the same server, in that order."""
    root = scratch / "root"
    root.mkdir()
    started = time.perf_counter()
    total = bench_server.seed(root, count)
    print(
        f"Seeded {count:,} sparse files ({total / 1e6:.1f} MB apparent) in {fmt_s(time.perf_counter() - started)}."
    )
    with bench_server.serve(root, scratch / "rclone.log") as server:
        print(f"rclone serve s3 answers on {server.endpoint}.", flush=True)
        # The first requests after start are slower (rclone fills its directory cache), so the
        # raw pages and one whole listing go first: every timed tool after them sees the
        # same warm server.
        pages = page_timing(server, count)
        print(
            f"One raw ListObjectsV2 page: {fmt_s(pages.typical_s)} (server part {fmt_s(pages.server_s)}).",
            flush=True,
        )
        warmup = boto3_listing(server, count, "boto3 paginator, cold (warm-up)")
        print(f"Warm-up, a whole listing with boto3: {fmt_s(warmup.seconds)}.", flush=True)
        timeout = 120 + math.ceil(count / 1000) * max(5.0, 10 * pages.typical_s)
        gui = run_gui(server, count, scratch, timeout)
        print(f"spacesgui: {gui.load.rows:,} rows in {fmt_s(gui.load.all_rows_s)}.", flush=True)
        peers = []
        for run in (
            ()
            if skip_peers
            else (
                partial(rclone_lsf, server, count),
                partial(aws_ls, server, count, scratch),
                partial(s3cmd_ls, server, count, scratch),
                partial(boto3_listing, server, count),
            )
        ):
            result = run()
            took = fmt_s(result.seconds)
            print(f"{result.name}: {took}, {result.lines:,} lines {result.note}".rstrip(), flush=True)
            peers.append(result)
        peers.append(warmup)
        print("Parallel listing, through a 100 ms proxy and directly…", flush=True)
        parallel = [bench_parallel.run(_rclone_target(server, count), scratch)]
    parallel.insert(0, demo_parallel(count, scratch))
    return gui, pages, peers, parallel


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--keys", type=int, default=100_000, help="objects in the prefix (default 100000)")
    parser.add_argument("--skip-peers", action="store_true", help="spacesgui only (no rclone, aws, s3cmd)")
    parser.add_argument(
        "--only-parallel",
        action="store_true",
        help="only the parallel-listing section: spacesgui, rclone lsf and aws s3 ls through a 100 ms proxy",
    )
    args = parser.parse_args(argv)
    if args.keys < 1:
        parser.error("--keys must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    use_offscreen_qt()
    scratch = Path(tempfile.mkdtemp(prefix="spacesgui-bench-"))
    try:
        if args.only_parallel:
            measure_parallel(args.keys, scratch)
            return 0
        gui, pages, peers, parallel = measure(args.keys, scratch, args.skip_peers)
        report(args.keys, gui, pages, peers)
        for result in parallel:
            bench_parallel.report(result)
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
