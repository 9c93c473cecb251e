"""Benchmark: Find in Space over a big Space, next to `rclone lsf -R | grep` and `aws s3 ls --recursive | grep`.

Run `uv run python bench/search.py` (1,000,000 keys: a few minutes on 2 CPUs, ~1 GB of RAM
for the server) or `--keys 100000` for a quick run. The demo server, with its big Space made
`--keys` large, runs in a process of its own (bench_search_server.py); spacesgui's real
window (offscreen, qasync) searches the whole Space for a name substring (`--needle`, by
default "77.", about 1% of the names, but none before assets/76/, a good way into the key
order, so every tool's first result waits for the listing to get there; `--needle blob-0007`
has a match in the first page), then each peer lists the same Space
piped into `grep --line-buffered -i -F`. Figures: time to the first result and to the end,
matches found, objects searched, the GUI thread's longest stall (a 5 ms timer), and the
window process's peak memory during the search (Linux: VmHWM, reset before the search).
Misses are reported, not failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench_server import BenchError, clean_env, rclone_binary

BUCKET = "big-space"
TARGET_FIRST_S = 0.5
TARGET_STALL_S = 0.050
SETTLE_S = 60.0


@dataclass(frozen=True, slots=True)
class Run:
    tool: str
    first_s: float | None = None
    total_s: float | None = None
    matches: int = 0
    searched: int = 0
    note: str = ""


@dataclass(frozen=True, slots=True)
class GuiRun:
    run: Run
    stalls: object  # bench_qt.Stalls: wall and the GUI thread's on-CPU time
    rss_before: int
    rss_peak: int


def use_offscreen_qt() -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ.setdefault("QT_API", "pyside6")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"


def _status_kb(field: str) -> int:
    """A VmRSS/VmHWM figure of this process in bytes (0 where /proc is not there)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _reset_peak_rss() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # Linux: VmHWM := VmRSS


# -- the server -------------------------------------------------------------------------------
def start_server(keys: int, latency_s: float = 0.0) -> tuple[subprocess.Popen[str], str]:
    script = Path(__file__).with_name("bench_search_server.py")
    process = subprocess.Popen(
        [sys.executable, str(script), str(keys), str(latency_s)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline().split()
    if len(line) < 3 or line[0] != "READY":
        process.kill()
        raise BenchError(f"the demo server did not start (it said {' '.join(line)!r})")
    through = f", through a proxy adding {latency_s * 1000:.0f} ms a request" if latency_s else ""
    print(
        f"demo server with {keys:,} keys in {BUCKET} seeded in {line[2]} s at {line[1]}{through}", flush=True
    )
    return process, line[1]


def stop_server(process: subprocess.Popen[str]) -> None:
    if process.stdin is not None:
        process.stdin.close()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# -- spacesgui --------------------------------------------------------------------------------
def run_gui(endpoint: str, needle: str, scratch: Path, timeout_s: float) -> GuiRun:
    import qasync
    from bench_qt import StallProbe, StallSampler, quiet_qt
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from spacesgui.app import build_app

    qInstallMessageHandler(quiet_qt)
    qt_app = QApplication.instance() or QApplication(["spacesgui-bench"])
    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    app = build_app(settings_path=scratch / "settings.json", refresh_interval_s=0)
    try:
        probe = StallProbe()
        return loop.run_until_complete(_measure(app, endpoint, needle, timeout_s, probe, StallSampler(probe)))
    finally:
        app.window.close()
        app.window.model.clear()
        loop.run_until_complete(_until(lambda: not app.runner.busy, SETTLE_S, "the app's tasks to end"))
        app.shutdown()
        app.window.deleteLater()
        QApplication.processEvents()
        loop.close()
        asyncio.set_event_loop(None)


async def _until(condition: object, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise BenchError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        await asyncio.sleep(0.005)


async def _measure(
    app: object, endpoint: str, needle: str, timeout_s: float, probe: object, sampler: object
) -> GuiRun:
    from bench_qt import GcProbe, stalls

    from spacesgui.app import App
    from spacesgui.core.history import Place
    from spacesgui.demo.server import DEMO_CREDENTIALS, demo_account

    assert isinstance(app, App)
    account = demo_account(endpoint)
    window = app.window
    window.show()
    app.accounts.add_account(account, DEMO_CREDENTIALS.secret_access_key, remember=False)
    accounts = window.account_panel.model
    await _until(
        lambda: (item := accounts.account_item(account.id)) is not None and item.rowCount() > 0,
        SETTLE_S,
        "the demo's Spaces",
    )
    window.navigate(Place(account.id, BUCKET, ""))
    panel = window.search_panel
    panel.find_action.trigger()
    panel.form.pattern_edit.setText(needle)
    marks: dict[str, float] = {}
    panel.model.rowsInserted.connect(lambda *_: marks.setdefault("first", time.perf_counter()))
    await asyncio.sleep(0.3)  # let the root listing settle
    rss_before = _status_kb("VmRSS")
    _reset_peak_rss()
    probe.start()  # type: ignore[attr-defined]
    sampler.start()  # type: ignore[attr-defined]
    collections = GcProbe()
    collections.start()
    start = time.perf_counter()
    panel.start()
    await _until(lambda: panel.search_id == 0, timeout_s, "the search to finish")
    end = time.perf_counter()
    probe.stop()  # type: ignore[attr-defined]
    sampler.stop()  # type: ignore[attr-defined]
    collections.stop()
    print(f"  {collections.line(start)}", flush=True)
    rss_peak = _status_kb("VmHWM")
    status = panel.status_label.text()
    if not status.startswith("Searched"):
        raise BenchError(f"the search did not finish: {status}")
    run = Run(
        "spacesgui",
        marks.get("first", end) - start if "first" in marks else None,
        end - start,
        panel.model.rowCount(),
        panel.searched,
    )
    return GuiRun(run, stalls(probe, TARGET_STALL_S, sampler), rss_before, rss_peak)  # type: ignore[arg-type]


# -- peers ------------------------------------------------------------------------------------
def _piped(tool: str, command: list[str], env: dict[str, str], needle: str, timeout_s: float) -> Run:
    """Run `command | grep --line-buffered -i -F needle`; time the first matching line and the end."""
    grep = shutil.which("grep")
    if grep is None:
        return Run(tool, note="skipped: no grep on PATH")
    start = time.perf_counter()
    try:
        lister = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    except OSError as exc:
        return Run(tool, note=f"skipped: {exc}")
    assert lister.stdout is not None
    finder = subprocess.Popen(
        [grep, "--line-buffered", "-i", "-F", needle], stdin=lister.stdout, stdout=subprocess.PIPE, text=True
    )
    lister.stdout.close()  # grep owns the pipe now
    assert finder.stdout is not None
    first: float | None = None
    matches = 0
    for _line in finder.stdout:
        if first is None:
            first = time.perf_counter() - start
        matches += 1
    finder.wait(timeout_s)
    lister.wait(timeout_s)
    total = time.perf_counter() - start
    if lister.returncode != 0:
        assert lister.stderr is not None
        tail = lister.stderr.read().decode(errors="replace").strip().splitlines()[-2:]
        return Run(tool, note=f"skipped: exit code {lister.returncode}: {' / '.join(tail)}")
    return Run(tool, first, total, matches)


def rclone_runs(endpoint: str, needle: str, timeout_s: float) -> list[Run]:
    base = [
        str(rclone_binary()), "lsf", "-R", f":s3:{BUCKET}",
        "--s3-provider", "Other", "--s3-endpoint", endpoint,
        "--s3-access-key-id", "DEMO-KEY-NOT-A-SECRET", "--s3-secret-access-key", "demo-secret-not-a-real-secret",
        "--config", "",
    ]  # fmt: skip
    return [
        _piped("rclone lsf -R | grep", base, clean_env(), needle, timeout_s),
        _piped("rclone lsf -R --fast-list | grep", [*base, "--fast-list"], clean_env(), needle, timeout_s),
    ]


def aws_run(endpoint: str, needle: str, scratch: Path, timeout_s: float) -> Run:
    tool = "aws s3 ls --recursive | grep"
    uvx = shutil.which("uvx")
    launcher = [uvx, "--quiet", "--from", "awscli", "aws"] if uvx else None
    if launcher is None:
        found = shutil.which("aws")
        launcher = [found] if found else None
    if launcher is None:
        return Run(tool, note="skipped: neither uvx nor aws is on PATH")
    config = scratch / "aws-config"
    config.write_text("[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n")
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "DEMO-KEY-NOT-A-SECRET",
        "AWS_SECRET_ACCESS_KEY": "demo-secret-not-a-real-secret",
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(scratch / "aws-credentials-none"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    for variable in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        env.pop(variable, None)
    warm = subprocess.run([*launcher, "--version"], env=env, capture_output=True, check=False, timeout=600)
    if warm.returncode != 0:
        return Run(tool, note="skipped: the AWS CLI could not be started (offline?)")
    command = [*launcher, "s3", "ls", "--recursive", f"s3://{BUCKET}/", "--endpoint-url", endpoint]
    return _piped(tool, command, env, needle, timeout_s)


# -- report -----------------------------------------------------------------------------------
def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def report(keys: int, needle: str, gui: GuiRun, peers: list[Run]) -> None:
    print(f"\nFind in Space: {keys:,} keys, name contains {needle!r}\n")
    print(f"  {'tool':36} {'first result':>13} {'total':>10} {'matches':>9}")
    for run in [gui.run, *peers]:
        extra = f"  ({run.note})" if run.note else ""
        print(f"  {run.tool:36} {_s(run.first_s):>13} {_s(run.total_s):>10} {run.matches:>9,}{extra}")
    rclone = next((p for p in peers if p.tool.startswith("rclone lsf -R |") and p.total_s), None)
    print(f"\n  objects searched by spacesgui: {gui.run.searched:,}")
    first = gui.run.first_s
    print(f"  time to first result: {_s(first)} (target ≤ {TARGET_FIRST_S} s)"
          f"  {'ok' if first is not None and first <= TARGET_FIRST_S else 'MISSED'}")  # fmt: skip
    if rclone is not None and rclone.total_s and gui.run.total_s:
        ratio = gui.run.total_s / rclone.total_s
        print(
            f"  total vs rclone lsf -R | grep: {ratio:.2f}× (target ≤ 1.0×)  {'ok' if ratio <= 1.0 else 'MISSED'}"
        )
    print(f"  {gui.stalls.line()}")  # type: ignore[attr-defined]
    print("  the GUI thread's longest on-CPU stalls (wall beyond on-CPU: other processes or threads ran):")
    for line in gui.stalls.details():  # type: ignore[attr-defined]
        print(line)
    mb = 1024 * 1024
    print(
        f"  window process memory: {gui.rss_before / mb:.0f} MB before, peak {gui.rss_peak / mb:.0f} MB during "
        f"(+{(gui.rss_peak - gui.rss_before) / mb:.0f} MB)"
    )
    agreed = {p.matches for p in peers if p.total_s is not None}
    if agreed and agreed != {gui.run.matches}:
        print(f"  NOTE: match counts differ: spacesgui {gui.run.matches:,}, peers {sorted(agreed)}")
    print(f"  machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--needle", default="77.")
    parser.add_argument("--timeout", type=float, default=1_800.0)
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--skip-aws", action="store_true", help="only rclone as a peer (aws is slow)")
    parser.add_argument(
        "--latency-ms", type=float, default=0.0,
        help="every request waits this long at a proxy (a distant Space: 100); the listing goes parallel",
    )  # fmt: skip
    args = parser.parse_args(argv)
    use_offscreen_qt()
    server, endpoint = start_server(args.keys, args.latency_ms / 1000)
    try:
        with tempfile.TemporaryDirectory(prefix="spacesgui-search-bench-") as tmp:
            scratch = Path(tmp)
            gui = run_gui(endpoint, args.needle, scratch, args.timeout)
            print(f"spacesgui: {_s(gui.run.total_s)}, {gui.run.matches:,} matches", flush=True)
            peers: list[Run] = []
            if not args.skip_peers:
                for make in (
                    lambda: rclone_runs(endpoint, args.needle, args.timeout),
                    lambda: [] if args.skip_aws else [aws_run(endpoint, args.needle, scratch, args.timeout)],
                ):
                    for run in make():
                        print(f"{run.tool}: {_s(run.total_s)} {run.note}", flush=True)
                        peers.append(run)
            report(args.keys, args.needle, gui, peers)
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    finally:
        stop_server(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
