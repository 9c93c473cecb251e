"""The demo server with a big Space of N keys, in a process of its own, for bench/search.py.

Run by search.py as `python bench/bench_search_server.py N`: it seeds the demo Spaces (the big
one with N keys, put straight into moto's store: ~1 s per 100,000) and prints
`READY <endpoint>`, then serves until its stdin closes. A process of its own, so the server's
threads and its million keys count neither against the window's GUI thread nor its memory.
"""

from __future__ import annotations

import logging
import sys
import time

from spacesgui.demo.server import DemoServer


def main() -> None:
    keys = int(sys.argv[1])
    logging.basicConfig(level=logging.WARNING)
    server = DemoServer(big_keys=keys)
    endpoint = server.start()
    started = time.perf_counter()
    try:
        server.seed()
        print(f"READY {endpoint} {time.perf_counter() - started:.1f}", flush=True)
        sys.stdin.read()  # until search.py closes the pipe (or exits)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
