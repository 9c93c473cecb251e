"""Benchmark: how fast the embedded demo server starts, seeds, and pages its 100,000-key Space.

Run `uv run python bench/demo_listing.py`. It prints figures next to the targets the
tests once asserted (start under 1 s, seeding under 30 s, a page of 1,000 keys in well
under 0.1 s); a miss is reported, never failed: a loaded machine is not a slow product.
"""

from __future__ import annotations

import statistics
import time

from spacesgui.adapters.s3_client import make_client
from spacesgui.demo.server import DEMO_CREDENTIALS, DemoServer, demo_account

PAGES = 20
TARGETS_S = {"start": 1.0, "seed": 30.0, "median page": 0.1, "slowest page": 0.5}


def main() -> None:
    server = DemoServer()
    started = time.perf_counter()
    endpoint = server.start()
    figures = {"start": time.perf_counter() - started}
    try:
        started = time.perf_counter()
        server.seed()
        figures["seed"] = time.perf_counter() - started
        client = make_client(demo_account(endpoint), DEMO_CREDENTIALS)
        try:
            timings: list[float] = []
            token: dict[str, str] = {}
            for _ in range(PAGES):
                started = time.perf_counter()
                page = client.list_objects_v2(
                    Bucket="big-space", Prefix="logs/", Delimiter="/", MaxKeys=1000, **token
                )
                timings.append(time.perf_counter() - started)
                token = {"ContinuationToken": page["NextContinuationToken"]}
        finally:
            client.close()
    finally:
        server.stop()
    figures["median page"] = statistics.median(timings)
    figures["slowest page"] = max(timings)
    for name, seconds in figures.items():
        target = TARGETS_S[name]
        verdict = "ok" if seconds <= target else "MISSED"
        print(f"{name:>13}: {seconds * 1000:9.1f} ms   target {target * 1000:7.0f} ms   {verdict}")


if __name__ == "__main__":
    main()
