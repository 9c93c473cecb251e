"""Benchmark: the icons grid over a folder of N pictures (default 5,000), scrolled end to end.

Run `uv run python bench/thumbnails.py [--pictures N]`. It writes N small PNGs on disk,
serves them with `rclone serve s3` on loopback, opens the folder in spacesgui's real
window (offscreen, qasync) as icons, then scrolls the grid a page at a time, top to
bottom, staying on each page until its thumbnails are drawn, and prints:
the GUI thread's longest stall (a 5 ms timer), how many pictures were fetched (against
how many cells were ever on screen), the peak number of GETs at once, and the same walk
again in a new window (thumbnails from the disk cache: no GET expected).
Figures only; the exit code is non-zero only when something could not be measured.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import bench_server

PAUSE_S = 0.05
IDLE_S = 5.0
STALL_TARGET_S = 0.05


def use_offscreen_qt() -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ.setdefault("QT_API", "pyside6")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"


def seed(root: Path, count: int) -> int:
    """`bucket/flat/pic-NNNNNN.png` × count, each a small distinct PNG; return their total size."""
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QColor, QImage

    folder = root / bench_server.BUCKET / bench_server.PREFIX.rstrip("/")
    folder.mkdir(parents=True)
    total = 0
    for index in range(count):
        image = QImage(96, 64, QImage.Format.Format_RGB32)
        image.fill(QColor.fromHsv(index * 37 % 360, 160, 220))
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]
        data = bytes(buffer.data().data())
        (folder / f"pic-{index:06d}.png").write_bytes(data)
        total += len(data)
    return total


class GetCounter:
    """Counts GetObject calls (and the most at once) through botocore's events. Any thread."""

    def __init__(self) -> None:
        self.total = 0
        self.now = 0
        self.peak = 0
        self._lock = threading.Lock()

    def attach(self, client: Any) -> None:
        client.meta.events.register("before-call.s3.GetObject", self._before)
        client.meta.events.register("after-call.s3.GetObject", self._after)

    def _before(self, **_: Any) -> None:
        with self._lock:
            self.total += 1
            self.now += 1
            self.peak = max(self.peak, self.now)

    def _after(self, **_: Any) -> None:
        with self._lock:
            self.now -= 1


async def walk(app: Any, server: bench_server.Server, count: int, timeout_s: float) -> dict[str, float]:
    """Open the folder as icons, page down to the end; return the figures."""
    from bench_qt import GcProbe, StallProbe, StallSampler, stalls

    from spacesgui.core.accounts import Account, AddressingStyle
    from spacesgui.core.folder_node import LoadState
    from spacesgui.core.history import Place
    from spacesgui.qtmodels.roles import ObjectRole

    account = Account(
        name="bench", provider="custom", endpoint_url=server.endpoint, region="us-east-1",
        access_key_id=server.access_key, addressing=AddressingStyle.PATH,
    )  # fmt: skip
    app.accounts.add_account(account, server.secret_key, remember=False)
    window = app.window
    window.resize(1200, 800)
    store = await app.accounts.store(account.id)
    counter = GetCounter()
    counter.attach(store.client)
    window.navigate(Place(account.id, bench_server.BUCKET, bench_server.PREFIX))
    deadline = time.monotonic() + timeout_s
    while window.model.root.state != LoadState.LOADED or window.flat_model.rowCount() < count:
        if time.monotonic() > deadline:
            raise bench_server.BenchError("the folder did not finish listing")
        await asyncio.sleep(0.01)
    window.preview.icons_action.trigger()
    view = window.preview.icons_view
    thumbnails = window.preview._thumbnails
    seen: set[str] = set()
    probe = StallProbe()
    probe.start()  # first the machine's own noise: the GUI thread idle for IDLE_S
    await asyncio.sleep(IDLE_S)
    probe.stop()
    idle_gaps = [b - a for a, b in zip(probe.ticks, probe.ticks[1:], strict=False)]
    probe.start()
    sampler = StallSampler(probe)
    sampler.start()
    collections = GcProbe()
    collections.start()
    started = time.perf_counter()
    bar = view.verticalScrollBar()
    while True:
        await asyncio.sleep(PAUSE_S)
        while thumbnails.busy:  # a person looks at each page until its pictures are there
            if time.monotonic() > deadline:
                raise bench_server.BenchError("thumbnails were still being fetched at the timeout")
            await asyncio.sleep(0.005)
        seen.update(_on_screen(view, window.flat_model, ObjectRole.KEY))
        if bar.value() >= bar.maximum():
            break
        bar.setValue(bar.value() + bar.pageStep())
    while thumbnails.busy:
        if time.monotonic() > deadline:
            raise bench_server.BenchError("thumbnails were still being fetched at the timeout")
        await asyncio.sleep(0.01)
    probe.stop()
    sampler.stop()
    collections.stop()
    gaps = [b - a for a, b in zip(probe.ticks, probe.ticks[1:], strict=False)]
    summary = stalls(probe, STALL_TARGET_S, sampler)
    print(f"  {summary.line()}")
    print("\n".join(summary.details()))
    print(f"  {collections.line(started)}")
    repaints = []
    for _ in range(15):  # one whole page drawn again: what each page turn costs the GUI thread
        began = time.perf_counter()
        view.viewport().repaint()
        repaints.append(time.perf_counter() - began)
    worst = sorted(
        ((b - a, a - started) for a, b in zip(probe.ticks, probe.ticks[1:], strict=False)), reverse=True
    )
    print("worst gaps (s, at s):", [(round(g, 3), round(t, 1)) for g, t in worst[:8]])
    return {
        "walk_s": time.perf_counter() - started,
        "stall_max_s": max(gaps, default=0.0),
        "cpu_stall_max_s": summary.cpu_max_s,
        "busy_stall_max_s": summary.busy_max_s,
        "idle_stall_max_s": max(idle_gaps, default=0.0),
        "stalls_over_target": sum(1 for g in gaps if g > STALL_TARGET_S),
        "gets": counter.total,
        "peak_gets": counter.peak,
        "cells_seen": len(seen),
        "repaint_s": statistics.median(repaints),
    }


def _on_screen(view: Any, model: Any, role: int) -> list[str]:
    """The keys of the cells on screen, from the top-left one until a cell starts below the viewport.

    Only the cells on screen: the bottom-right corner often falls in the empty part of the
    last row, and counting from there to the model's end once made this bench's own
    bookkeeping the GUI thread's longest stall (data() for thousands of rows).
    """
    area = view.viewport().rect()
    top = view.indexAt(area.topLeft())
    row, keys = (top.row() if top.isValid() else 0), []
    while row < model.rowCount():
        index = model.index(row, 0)
        if view.visualRect(index).top() > area.bottom():
            break
        keys.append(index.data(role))
        row += 1
    return keys


def run(server: bench_server.Server, count: int, scratch: Path, timeout_s: float) -> list[dict[str, float]]:
    import qasync
    from bench_qt import quiet_qt
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from spacesgui.app import build_app

    qInstallMessageHandler(quiet_qt)
    qt_app = QApplication.instance() or QApplication(["spacesgui-bench"])
    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    results = []
    try:
        for _ in range(2):  # the second window finds every thumbnail in the disk cache
            app = build_app(settings_path=scratch / "settings.json", refresh_interval_s=0, use_keyring=False)
            app.window.show()
            try:
                results.append(loop.run_until_complete(walk(app, server, count, timeout_s)))
            finally:
                app.window.close()
                app.shutdown()
                app.window.deleteLater()
                QApplication.processEvents()
    finally:
        loop.close()
        asyncio.set_event_loop(None)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pictures", type=int, default=5000)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args(argv)
    use_offscreen_qt()
    from PySide6.QtWidgets import QApplication

    _qt = QApplication.instance() or QApplication(["spacesgui-bench"])
    with tempfile.TemporaryDirectory(prefix="spacesgui-thumbs-") as tmp:
        scratch = Path(tmp)
        root = scratch / "root"
        root.mkdir()
        total = seed(root, args.pictures)
        print(f"Seeded {args.pictures:,} PNGs ({total / 1e6:.1f} MB).")
        with bench_server.serve(root, scratch / "rclone.log") as server:
            try:
                first, second = run(server, args.pictures, scratch, args.timeout)
            except bench_server.BenchError as exc:
                print(f"could not measure: {exc}", file=sys.stderr)
                return 1
    for name, result in (("first walk (cold cache)", first), ("second window (disk cache)", second)):
        stall = result["stall_max_s"]
        print(
            f"{name}: {result['walk_s']:.1f} s end to end; longest GUI stall {stall * 1000:.0f} ms wall, "
            f"{result['cpu_stall_max_s'] * 1000:.0f} ms on the GUI thread's CPU, "
            f"{result['busy_stall_max_s'] * 1000:.0f} ms wall while the process had a CPU "
            f"(target ≤ {STALL_TARGET_S * 1000:.0f} ms"
            f"{'' if result['cpu_stall_max_s'] <= STALL_TARGET_S else ', MISSED'}); "
            f"{result['gets']:,} GETs for {result['cells_seen']:,} cells seen of {args.pictures:,}; "
            f"at most {result['peak_gets']} GETs at once; {result['stalls_over_target']} stalls over "
            f"{STALL_TARGET_S * 1000:.0f} ms; the idle GUI thread's longest gap on this machine: "
            f"{result['idle_stall_max_s'] * 1000:.0f} ms; one page repainted: "
            f"{result['repaint_s'] * 1000:.1f} ms (median)"
        )
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
