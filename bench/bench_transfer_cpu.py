"""CPU seconds spent while a run goes on: this process, the rclone server, and child tools.

Linux figures from /proc and getrusage; elsewhere the server's share reads as unknown.
The rclone server is found as this process's child listening on the server's port.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_cpu(pid: int) -> float | None:
    """utime + stime of `pid` (all its threads), in seconds; None when /proc cannot say."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # After the ")" ending the command name: state is field 3, utime 14 and stime 15.
    return (int(fields[11]) + int(fields[12])) / _TICK


def find_server_pid(port: int) -> int | None:
    """The pid of our child `rclone serve s3 … --addr 127.0.0.1:<port>`, if /proc shows it."""
    me = os.getpid()
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == me and b"serve" in cmdline and f"127.0.0.1:{port}".encode() in cmdline:
            return int(entry.name)
    return None


def _machine_busy() -> float | None:
    """CPU seconds all CPUs spent busy since boot (everything in /proc/stat but idle and iowait)."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except (OSError, IndexError):
        return None
    if first[0] != "cpu":
        return None
    ticks = [int(v) for v in first[1:9]]  # user nice system idle iowait irq softirq steal
    return (sum(ticks) - ticks[3] - ticks[4]) / _TICK


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True, slots=True)
class CpuUse:
    """CPU seconds over one run's wall time; `None` where it could not be read."""

    wall_s: float
    server_s: float | None  # the rclone serve s3 process
    client_s: float  # this process: spacesgui, boto3 (all threads), or the bench waiting
    tools_s: float  # child processes that ended during the run (the peer CLIs)
    machine_s: float | None = None  # every process on the machine, ours included

    @property
    def others_s(self) -> float | None:
        """CPU seconds that processes other than ours took (other jobs on this machine)."""
        if self.machine_s is None:
            return None
        return max(0.0, self.machine_s - (self.server_s or 0.0) - self.client_s - self.tools_s)

    def share(self, seconds: float | None) -> str:
        """CPU seconds as a fraction of wall time: 1.00 = one CPU busy all along."""
        if seconds is None or self.wall_s <= 0:
            return "?"
        return f"{seconds / self.wall_s:.2f}"

    def describe(self) -> str:
        return (
            f"CPUs busy: server {self.share(self.server_s)}, this process {self.share(self.client_s)}, "
            f"tool {self.share(self.tools_s)}, other processes {self.share(self.others_s)} "
            f"(of {os.cpu_count()})"
        )


class CpuClock:
    """Start with `start()`, read with `stop()`; one run at a time."""

    def __init__(self, server_pid: int | None) -> None:
        self._pid = server_pid
        self._marks: tuple[float, float | None, float, float, float | None] | None = None

    def start(self) -> None:
        self._marks = (
            time.perf_counter(), self._server(), time.process_time(), _children_cpu(), _machine_busy()
        )  # fmt: skip

    def stop(self) -> CpuUse:
        if self._marks is None:
            raise RuntimeError("CpuClock.stop() before start()")
        wall, server, client, tools, machine = self._marks
        now_server, now_machine = self._server(), _machine_busy()
        return CpuUse(
            wall_s=time.perf_counter() - wall,
            server_s=None if server is None or now_server is None else now_server - server,
            client_s=time.process_time() - client,
            tools_s=_children_cpu() - tools,
            machine_s=None if machine is None or now_machine is None else now_machine - machine,
        )

    def _server(self) -> float | None:
        return _proc_cpu(self._pid) if self._pid is not None else None
