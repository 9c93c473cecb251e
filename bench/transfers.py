"""Benchmark: spacesgui's transfers next to rclone, s5cmd, the AWS CLI, s3cmd and one raw PutObject.

Run `uv run python bench/transfers.py` (1,000 × 4 KiB files and one 1 GiB file; several
minutes on 2 CPUs), or `--small-count 50 --big-size 64MiB` for a quick run. `--tls both`
runs everything once over plain http and once over https (a private CA made at start,
every tool verifying it) and prints the two side by side; `--tls https` only the latter. Everything
goes through one `rclone serve s3` on loopback whose data lives in a temp dir that is
removed afterwards. Each tool uploads into a fresh bucket and is checked by listing it;
downloads are checked by size and MD5. Then the real window (offscreen, qasync) uploads
the same files while a 5 ms timer measures how long the GUI thread stalls. Misses are
reported, not failed: the exit code is non-zero only when something could not be
measured at all (a peer that fails is reported as failed).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import bench_server
import bench_tls
from bench_offscreen import use_offscreen_qt
from bench_report import fmt_s
from bench_server import BenchError, Server
from bench_transfer_cpu import CpuClock, find_server_pid
from bench_transfer_data import (
    BigFile,
    MiB,
    SmallTree,
    human,
    make_big_file,
    make_small_tree,
    parse_size,
    warm_memory,
)
from bench_transfer_peers import Run
from bench_transfer_report import Machine, Results, report

from spacesgui.core.multipart import choose_part_size

if TYPE_CHECKING:
    from bench_transfer_engine import EngineRuns
    from bench_transfer_peers import Peers

DISK_PROBE = 256 * MiB
MD5_PROBE = 64 * MiB
HEADROOM = 512 * MiB


def probe_machine(scratch: Path) -> Machine:
    """One core's MD5 speed and the scratch disk's write speed (with fsync), for the notes."""
    data = os.urandom(MD5_PROBE)
    start = time.perf_counter()
    hashlib.md5(data, usedforsecurity=False).digest()
    md5_mb_s = MD5_PROBE / 1e6 / (time.perf_counter() - start)
    start = time.perf_counter()
    warm_memory(scratch, DISK_PROBE)  # written, flushed to disk and deleted: a timed write
    disk_mb_s = DISK_PROBE / 1e6 / (time.perf_counter() - start)
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return Machine(os.cpu_count() or 1, md5_mb_s, disk_mb_s, load, str(scratch))


def check_room(scratch: Path, args: argparse.Namespace, tools: int) -> None:
    """Fail early when the scratch disk cannot hold the source, the server's copies and a download."""
    # The source, each tool's upload on the server (deleted after its download) and one
    # download at a time; the small files are rounded up to 4 KiB blocks.
    small = args.small_count * max(4096, args.small_size) * (tools + 2)
    needed = args.big_size * 3 + small + HEADROOM
    free = shutil.disk_usage(scratch).free
    if free < needed:
        raise BenchError(f"{scratch} has {human(free)} free; this run needs about {human(needed)}")


def _say(run: Run) -> Run:
    took = fmt_s(run.seconds) if run.ok else "FAILED"
    detail = run.error or run.checked
    print(f"  {run.tool:20} {run.what:13} {took:>9}  {detail}", flush=True)
    return run


class Bench:
    """One server, the data, and every run against it, in a fixed order."""

    def __init__(self, server: Server, scratch: Path, args: argparse.Namespace, res: Results) -> None:
        from bench_transfer_engine import EngineRuns  # imports spacesgui.app, so Qt: after use_offscreen_qt()
        from bench_transfer_peers import Peers

        pid = find_server_pid(server.port)
        if pid is None:
            res.notes.append("the rclone server's process was not found: its CPU use is shown as '?'")
        self.clock = CpuClock(pid)
        self.server = server
        self.scratch = scratch
        self.args = args
        self.res = res
        timeout = 300 + args.big_size / (2 * MiB) + args.small_count / 5
        self.engine: EngineRuns = EngineRuns(server, scratch, self.clock, timeout)
        self.peers: Peers | None = None if args.skip_peers else Peers(server, scratch, self.clock)
        self.client = self.engine.store.client
        self._buckets = 0

    def bucket(self, kind: str, tool: str) -> str:
        """A fresh bucket for one run: small-rclone-1, big-spacesgui-2, ..."""
        self._buckets += 1
        name = f"{kind}-{tool.split()[0].split(',')[0].lower()}-{self._buckets}"
        self.client.create_bucket(Bucket=name)
        return name

    def downloads(self) -> Path:
        folder = self.scratch / "downloads"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        return folder

    def warm_up(self) -> None:
        """The first requests after start are slower: make a few before anything is timed."""
        bucket = self.bucket("warmup", "all")
        for index in range(20):
            self.client.put_object(Bucket=bucket, Key=f"warm-{index}", Body=b"x" * 4096)
        self.client.list_objects_v2(Bucket=bucket)

    def small_round(self, tree: SmallTree) -> None:
        runs: list[tuple[str, Callable[[SmallTree, str], Run]]] = [("spacesgui", self.engine.small)]
        peers = self.peers
        if peers is not None:
            # boto3 alone, as many threads as the engine runs files: the floor for a boto3 client.
            raw = partial(peers.raw_small, parallel=self.engine.settings.checked().parallel_files)
            runs += [("raw", raw), ("rclone", peers.rclone_small)]
            runs += [(name, partial(peers.cli_small, name)) for name in peers.CLIS]
        for tool, run in runs:
            self.res.runs.append(_say(run(tree, self.bucket("small", tool))))

    def big_round(self, big: BigFile) -> None:
        """Each tool uploads the big file, downloads it back, and its copies are deleted."""
        plan: list[tuple[str, Callable[[BigFile, str], Run], Callable[[BigFile, str, Path], Run] | None]] = []
        peers = self.peers
        if peers is not None:
            plan.append(("raw", peers.raw_put, peers.raw_get))
        plan.append(("spacesgui", self.engine.big_up, self.engine.big_down))
        if peers is not None:
            plan.append(("rclone", peers.rclone_big_up, peers.rclone_big_down))
            plan += [(name, partial(peers.cli_big_up, name), partial(peers.cli_big_down, name))
                     for name in peers.CLIS]  # fmt: skip
        for tool, up, down in plan:
            if tool == "spacesgui" and peers is not None:
                # The server's own cost of a multipart upload, with the engine's part size and
                # parallelism but nothing else the engine does (MD5s, journal, progress, checks).
                # Then once more with Content-MD5 on each part, which the engine always sends.
                settings = self.engine.settings.checked()
                part_size = choose_part_size(big.size, settings.part_size)
                for md5 in (False, True):
                    bucket = self.bucket("big", "multipart")
                    self.res.runs.append(
                        _say(peers.raw_multipart(big, bucket, part_size, settings.parts_per_file, md5))
                    )
                    self.client.delete_object(Bucket=bucket, Key=big.path.name)
            bucket = self.bucket("big", tool)
            uploaded = _say(up(big, bucket))
            self.res.runs.append(uploaded)
            if down is None:
                continue
            if not uploaded.ok:
                self.res.runs.append(_say(Run(uploaded.tool, "big download", error="its upload failed")))
                continue
            folder = self.downloads()
            warm_memory(folder, big.size)  # every download starts alike (see warm_memory)
            self.res.runs.append(_say(down(big, bucket, folder)))
            shutil.rmtree(folder, ignore_errors=True)
            self.client.delete_object(Bucket=bucket, Key=big.path.name)

    def close(self) -> None:
        if self.peers is not None:
            self.peers.close()
        self.engine.close()


def measure(
    args: argparse.Namespace, scratch: Path, tls: bool = False, made: Results | None = None
) -> Results:
    """Every run against one fresh server (https with a private CA when `tls`); `made`: reuse its files."""
    if made is not None:
        return _measure_on_server(args, scratch, Results(made.tree, made.big, made.machine), tls)
    started = time.perf_counter()
    machine = probe_machine(scratch)
    print(
        f"{machine.cpus} CPUs; one core hashes MD5 at {machine.md5_mb_s:.0f} MB/s; the scratch disk "
        f"({scratch}) writes {machine.disk_mb_s:.0f} MB/s with fsync; load average {machine.load[0]:.2f}.",
        flush=True,
    )
    tree = make_small_tree(scratch / "src" / "small", args.small_count, args.small_size)
    big = make_big_file(scratch / "src" / "big.bin", args.big_size)
    print(
        f"Wrote {tree.count:,} files of {human(tree.size)} in {tree.folders} folder{'s' if tree.folders != 1 else ''} and one {human(big.size)} file "
        f"in {fmt_s(time.perf_counter() - started)}.",
        flush=True,
    )
    return _measure_on_server(args, scratch, Results(tree, big, machine), tls)


def _measure_on_server(args: argparse.Namespace, scratch: Path, res: Results, tls: bool) -> Results:
    tree, big = res.tree, res.big
    scratch = scratch / ("https" if tls else "plain")  # journals, downloads, settings: one set a mode
    root = scratch / "root"
    root.mkdir(parents=True)
    tls_files = bench_tls.make_tls_files(scratch / "tls") if tls else None
    with bench_server.serve(root, scratch / "rclone.log", tls_files) as server:
        print(f"rclone serve s3 answers on {server.endpoint}.", flush=True)
        if tls:
            res.notes.append("https: rclone serve s3 with a certificate from a private CA made at start; "
                             "every tool verifies it (see bench_tls.py)")  # fmt: skip
        bench = Bench(server, scratch, args, res)
        try:
            bench.warm_up()
            for round_number in range(1, args.repeat + 1):
                print(f"Round {round_number} of {args.repeat}:", flush=True)
                bench.small_round(tree)
                bench.big_round(big)
        finally:
            bench.close()
        if args.skip_gui:
            res.notes.append("the GUI run was skipped (--skip-gui)")
        else:
            run_gui(server, tree, big, scratch, res)
    if args.skip_peers:
        res.notes.append("the peers were skipped (--skip-peers): their figures and the ratios are missing")
    return res


def run_gui(server: Server, tree: SmallTree, big: BigFile, scratch: Path, res: Results) -> None:
    import bench_transfer_gui  # imports Qt: only after use_offscreen_qt()

    timeout = 300 + big.size / (2 * MiB) + tree.count / 5
    print("The window uploads the same files …", flush=True)
    clock = CpuClock(find_server_pid(server.port))
    clock.start()
    try:
        res.gui = bench_transfer_gui.run(server, tree, big, scratch, timeout)
    except BenchError as exc:
        res.gui_error = str(exc)
        print(f"  GUI run failed: {exc}", flush=True)
        return
    finally:
        res.gui_cpu = clock.stop()
    gui = res.gui
    print(
        f"  spacesgui window: longest GUI stall {fmt_s(gui.stall_max_s)}, p99 {fmt_s(gui.stall_p99_s)}; "
        + ", ".join(f"{p.name} {fmt_s(p.seconds)}" for p in gui.phases),
        flush=True,
    )


def _size(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--small-count", type=int, default=1000, help="small files to upload (default 1000)")
    parser.add_argument(
        "--small-size", type=_size, default=4096, help="size of each small file (default 4KiB)"
    )
    parser.add_argument(
        "--big-size", type=_size, default=1024 * MiB, help="size of the big file (default 1GiB)"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds of every run; the best of each is used (default 1)"
    )
    parser.add_argument(
        "--skip-peers",
        action="store_true",
        help="time spacesgui only (no rclone, s5cmd, aws, s3cmd, raw boto3)",
    )
    parser.add_argument(
        "--skip-gui", action="store_true", help="do not build the window (no GUI stall figure)"
    )
    parser.add_argument(
        "--tls", choices=("plain", "https", "both"), default="plain",
        help="plain http (default), https with a private CA made at start, or both side by side",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.small_count < 1 or args.small_size < 1 or args.big_size < 1 or args.repeat < 1:
        parser.error("counts, sizes and --repeat must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    use_offscreen_qt()
    scratch = Path(tempfile.mkdtemp(prefix="spacesgui-bench-"))
    try:
        check_room(scratch, args, tools=6)
        results: dict[str, Results] = {}
        for mode in ("plain", "https") if args.tls == "both" else (args.tls,):
            print(f"== {mode} ==", flush=True)
            results[mode] = measure(
                args, scratch, tls=mode == "https", made=next(iter(results.values()), None)
            )
            report(results[mode])
        if len(results) == 2:
            bench_tls.side_by_side(results["plain"], results["https"])
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
