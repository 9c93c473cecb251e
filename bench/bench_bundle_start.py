"""Start-up of the packaged app: seconds from launch to a shown main window, and what fills the bundle.

    uv run python bench/bench_bundle_start.py build/linux/dist/spacesgui [runs]

Runs the bundled binary with --smoke (offscreen) several times; the first run after a build
is the coldest this machine offers without dropping the page cache. Prints each run's time
to the shown window (from the app's own log line), the time until the demo's Spaces are
listed, and the ten largest files of the bundle. Prints figures; it is not a test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

SHOWN = re.compile(r"main window shown at ([0-9.]+)")


def run_once(binary: Path) -> tuple[float, float]:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    started = time.time()
    result = subprocess.run(
        [str(binary), "--smoke"], capture_output=True, text=True, env=env, timeout=240, check=False
    )
    ended = time.time()
    if result.returncode != 0:
        raise SystemExit(f"smoke run failed: {result.stderr[-2000:]}")
    match = SHOWN.search(result.stderr)
    if match is None:
        raise SystemExit("the app did not log when its window was shown")
    return float(match.group(1)) - started, ended - started


def _files(folder: Path) -> list[Path]:
    """Regular files only: PyInstaller links libraries into place, and a link takes no room."""
    return [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]


def largest_files(folder: Path, count: int = 10) -> list[tuple[int, str]]:
    sizes = [(p.stat().st_size, str(p.relative_to(folder))) for p in _files(folder)]
    return sorted(sizes, reverse=True)[:count]


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("build/linux/dist/spacesgui")
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    binary = folder / ("spacesgui.exe" if sys.platform == "win32" else "spacesgui")
    files = _files(folder)
    total = sum(p.stat().st_size for p in files)
    print(f"bundle: {total / 1e6:.1f} MB in {len(files)} files")
    for size, name in largest_files(folder):
        print(f"  {size / 1e6:7.1f} MB  {name}")
    shown_times = []
    for n in range(runs):
        shown, whole = run_once(binary)
        shown_times.append(shown)
        print(f"run {n + 1}: window shown {shown:.2f} s after launch; smoke check done in {whole:.2f} s")
    ordered = sorted(shown_times)
    print(
        f"window shown: first {shown_times[0]:.2f} s, median {ordered[len(ordered) // 2]:.2f} s, "
        f"best {ordered[0]:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
