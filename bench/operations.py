"""Benchmark: deleting and renaming folders with spacesgui next to s5cmd, rclone and the AWS CLI.

Run `uv run python bench/operations.py` (delete a folder of 10,000 keys, rename a folder of
1,000; a few minutes on 2 CPUs), or `--delete-keys 1000 --rename-keys 100` for a quick
run. Everything goes through one `rclone serve s3` on loopback whose data lives in a temp
dir that is removed afterwards. Before each timed run the folder is written straight into
the server's directory, in a bucket of its own, and checked to be served; after it, the
end state is checked over S3 (nothing left, or every key at its new name with its own
bytes). spacesgui runs through its planner and TransferEngine in this process; each peer
is a fresh process. Misses are reported, not failed: the exit code is non-zero only when
something could not be measured at all.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import bench_server
from bench_ops_data import Folder, seed
from bench_ops_engine import TOOL, OpsEngineRuns
from bench_ops_peers import DELETE, PEERS, RAW, RENAME, OpsPeers
from bench_ops_report import Results, report
from bench_report import fmt_s
from bench_server import BenchError, Server
from bench_transfer_cpu import CpuClock, find_server_pid
from bench_transfer_peers import Run, app_client

from spacesgui.core.transfer_settings import EngineSettings
from spacesgui.engine import run_queue

OLD_NAME, NEW_NAME = "old-name/", "new-name/"
DELETED = "doomed/"
TIMEOUT_S = 900.0


def _say(run: Run) -> Run:
    took = fmt_s(run.seconds) if run.ok else "FAILED"
    detail = run.error or run.checked
    print(f"  {run.tool:19} {run.what:7} {took:>9}  {detail}", flush=True)
    return run


class Bench:
    """One server, and every tool deleting and renaming a freshly seeded folder on it."""

    def __init__(self, server: Server, scratch: Path, args: argparse.Namespace, res: Results) -> None:
        pid = find_server_pid(server.port)
        if pid is None:
            res.notes.append("the rclone server's process was not found: its CPU use is shown as '?'")
        self.clock = CpuClock(pid)
        self.server = server
        self.args = args
        self.res = res
        settings = EngineSettings()
        if args.parallel_operations:
            settings = EngineSettings(parallel_operations=args.parallel_operations)
        self.engine = OpsEngineRuns(server, scratch, self.clock, settings.checked(), TIMEOUT_S)
        self.peers: OpsPeers | None = None if args.skip_peers else OpsPeers(server, scratch, self.clock)
        self.client = app_client(server)
        self._buckets = 0

    def _bucket(self, what: str, tool: str) -> str:
        self._buckets += 1
        return f"{what}-{tool.split()[0].lower()}-{self._buckets}"

    def warm_up(self) -> None:
        """The first requests after start are slower: make a few before anything is timed."""
        bucket = self._bucket("warmup", "all")
        self.client.create_bucket(Bucket=bucket)
        for index in range(20):
            self.client.put_object(Bucket=bucket, Key=f"warm/{index}", Body=b"x" * 100)
        self.client.list_objects_v2(Bucket=bucket)
        self.client.copy_object(
            Bucket=bucket, Key="warm/copy", CopySource={"Bucket": bucket, "Key": "warm/0"}
        )
        self.client.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": f"warm/{i}"} for i in range(20)]}
        )
        self.engine.warm_up(bucket)

    def seeded(self, what: str, tool: str, prefix: str, count: int) -> Folder:
        started = time.perf_counter()
        folder = seed(self.client, self.server.root, self._bucket(what, tool), prefix, count)
        self.res.seed_s.append(time.perf_counter() - started)
        return folder

    def tools(self) -> list[tuple[str, Callable[[Folder], Run], Callable[[Folder, str], Run]]]:
        """(tool, delete, rename) for every tool in this run."""
        plan: list[tuple[str, Callable[[Folder], Run], Callable[[Folder, str], Run]]] = [
            (TOOL, self.engine.delete, self.engine.rename)
        ]
        peers = self.peers
        if peers is not None:
            threads = self.engine.settings.parallel_operations
            plan.append(
                (RAW, lambda f: peers.raw_delete(f, threads), lambda f, p: peers.raw_rename(f, p, threads))
            )
            for tool in PEERS:
                plan.append(
                    (
                        tool,
                        lambda f, t=tool: peers.run(t, DELETE, f),
                        lambda f, p, t=tool: peers.run(t, RENAME, f, p),
                    )
                )
        return plan

    def round(self, number: int) -> None:
        """Every tool once; the order turns each round, so that no tool always goes first."""
        tools = self.tools()
        shift = (number - 1) % len(tools)
        for tool, delete, rename in tools[shift:] + tools[:shift]:
            doomed = self.seeded("del", tool, DELETED, self.args.delete_keys)
            os.sync()  # the seeding's writes go to disk now, not during the run
            self.res.runs.append(_say(delete(doomed)))
            old = self.seeded("mv", tool, OLD_NAME, self.args.rename_keys)
            os.sync()
            self.res.runs.append(_say(rename(old, NEW_NAME)))

    def close(self) -> None:
        self.res.profiles = self.engine.profiles
        self.res.settings = self.engine.settings
        if self.peers is not None:
            self.res.startup = dict(self.peers.startup)
            self.res.s5cmd_how = self.peers.s5cmd_how
            self.peers.close()
        self.engine.close()
        self.client.close()


def measure(args: argparse.Namespace, scratch: Path) -> Results:
    res = Results(
        args.delete_keys, args.rename_keys, os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    )
    root = scratch / "root"
    root.mkdir()
    with bench_server.serve(root, scratch / "rclone.log") as server:
        print(f"rclone serve s3 answers on {server.endpoint}.", flush=True)
        bench = Bench(server, scratch, args, res)
        try:
            bench.warm_up()
            for number in range(1, args.repeat + 1):
                print(f"Round {number} of {args.repeat}:", flush=True)
                bench.round(number)
        finally:
            bench.close()
    if args.skip_peers:
        res.notes.append("the peers were skipped (--skip-peers): their figures and the ratios are missing")
    return res


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--delete-keys", type=int, default=10_000, help="keys in the deleted folder (default 10000)"
    )
    parser.add_argument(
        "--rename-keys", type=int, default=1_000, help="keys in the renamed folder (default 1000)"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds of every run; the best of each is used (default 1)"
    )
    parser.add_argument(
        "--skip-peers", action="store_true", help="time spacesgui only (no peers, no raw boto3)"
    )
    parser.add_argument(
        "--delete-batch", type=int, default=0,
        help="for tuning: keys per DeleteObjects request in spacesgui's engine (default: run_queue.MAX_BATCH)",
    )  # fmt: skip
    parser.add_argument(
        "--parallel-operations", type=int, default=0,
        help="EngineSettings.parallel_operations for spacesgui and the raw boto3 threads (default: the app's)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.delete_keys < 1 or args.rename_keys < 1 or args.repeat < 1:
        parser.error("key counts and --repeat must be at least 1")
    if args.parallel_operations < 0 or not 0 <= args.delete_batch <= 1000:
        parser.error("--parallel-operations must be positive, --delete-batch 1 to 1000")
    if max(args.delete_keys, args.rename_keys) > 100_000:
        parser.error("at most 100,000 keys a folder (names have five digits)")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.delete_batch:
        run_queue.MAX_BATCH = args.delete_batch  # read at each batch: this process's engines use it
    scratch = Path(tempfile.mkdtemp(prefix="spacesgui-bench-ops-"))
    try:
        res = measure(args, scratch)
        report(res)
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
