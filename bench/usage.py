"""Benchmark: Space Usage's listing, in pieces out of key order (now) vs one page after another.

Run `uv run python bench/usage.py --keys 200000 --latency-ms 100`. The demo server with its
big Space made `--keys` large runs in a process of its own (bench_search_server.py, as for
search.py), behind a proxy holding each request `--latency-ms` (a distant Space). Each round
totals the whole Space twice with the same store: through `iter_objects` (the ordered
listing Space Usage used before) and through the tree lister Space Usage uses now, and
prints both times and their ratio; the two tallies must agree.
"""

from __future__ import annotations

import argparse
import sys
import time

from search import BUCKET, start_server, stop_server

from spacesgui.adapters.s3_store import S3Store
from spacesgui.core.usage import UsageTally
from spacesgui.demo.server import DEMO_CREDENTIALS, demo_account
from spacesgui.services.tree_listers import default_lister


def one_round(store: S3Store) -> tuple[float, float, int]:
    started = time.perf_counter()
    ordered = UsageTally()
    for entry in store.iter_objects(BUCKET, ""):
        ordered.add(entry)
    ordered_s = time.perf_counter() - started
    started = time.perf_counter()
    pieces = UsageTally()
    for page in default_lister(store).iter_tree(BUCKET, ""):
        pieces.add_page(page)
    pieces_s = time.perf_counter() - started
    if (ordered.count, ordered.size) != (pieces.count, pieces.size):
        raise SystemExit(f"the tallies differ: {ordered.count:,} vs {pieces.count:,} objects")
    return ordered_s, pieces_s, pieces.count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--keys", type=int, default=200_000)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    server, endpoint = start_server(args.keys, args.latency_ms / 1000)
    try:
        store = S3Store(demo_account(endpoint), DEMO_CREDENTIALS)
        for _ in range(args.rounds):
            ordered_s, pieces_s, count = one_round(store)
            print(
                f"{count:,} objects, {args.latency_ms:.0f} ms a request: one page after another "
                f"{ordered_s:.2f} s, pieces out of order {pieces_s:.2f} s ({pieces_s / ordered_s:.2f}x)",
                flush=True,
            )
    finally:
        stop_server(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
