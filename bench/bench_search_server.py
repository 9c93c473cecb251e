"""The demo server with a big Space of N keys, in a process of its own, for bench/search.py.

Run by search.py as `python bench/bench_search_server.py N [LATENCY_S]`: it seeds the demo
Spaces (the big one with N keys, put straight into moto's store: ~1 s per 100,000) and prints
`READY <endpoint>`, then serves until its stdin closes. With LATENCY_S > 0 the endpoint is
the tests' fault proxy in front of the server, holding every request that long (a round
trip to a distant Space), in this same process. A process of its own, so the server's
threads and its million keys count neither against the window's GUI thread nor its memory.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from pathlib import Path

from spacesgui.demo.server import DemoServer


def main() -> None:
    keys = int(sys.argv[1])
    latency_s = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    logging.basicConfig(level=logging.WARNING)
    server = DemoServer(big_keys=keys)
    endpoint = server.start()
    started = time.perf_counter()
    try:
        server.seed()
        with contextlib.ExitStack() as stack:
            if latency_s > 0:
                sys.path.insert(
                    0, str(Path(__file__).resolve().parent.parent)
                )  # the repo root: tests.fault_proxy
                from tests.fault_proxy import FaultProxy

                proxy = stack.enter_context(FaultProxy(endpoint))
                proxy.add_latency(latency_s)
                endpoint = proxy.endpoint
            print(f"READY {endpoint} {time.perf_counter() - started:.1f}", flush=True)
            sys.stdin.read()  # until search.py closes the pipe (or exits)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
